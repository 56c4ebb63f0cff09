"""Helpers shared by the test suite and ``bench/``, by their public names: a settable
clock, loopback ports, a throwaway PostgreSQL, configs for the replica portal, outbox
rows, sample articles, real feed readers, a WebSub hub and the crash harness."""

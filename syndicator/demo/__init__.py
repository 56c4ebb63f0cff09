"""Loopback stand-ins for the outside world: the replica portal and the sinks that the
offline demo and the test suite run against."""

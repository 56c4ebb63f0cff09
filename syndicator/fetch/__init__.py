"""Fetching pages over HTTP: politeness, robots.txt, conditional GET, retries.

The public surface is ``Fetcher``, what it returns (``FetchResult``) and its traffic
counters (``FetchStats``); everything else in the package is private.
"""

from syndicator.fetch.http import Fetcher, FetchResult, FetchStats

__all__ = ["FetchResult", "FetchStats", "Fetcher"]

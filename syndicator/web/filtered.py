"""Filtered feeds: the query parameters RSSHub readers know, read from a feed URL.

    ?filter=REGEX                 title or description matches
    ?filter_title= / ?filter_description=        that one field matches
    ?filterout=REGEX              (and _title, _description) drop what matches
    ?limit=N                      the newest N of what is left

Patterns are case-insensitive and bounded (``feeds.patterns``). An empty value counts
as absent, as in RSSHub; other parameters are ignored, as they always were, so a URL
whose query holds none of these is the unfiltered feed.

A filtered feed is a resource of its own (own bytes, ETag, gzip variant); the variants
are kept in a small LRU keyed by the source feed's ETag, so a rebuilt feed is filtered
anew and the stale variants age out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, quote, urlencode

from syndicator.errors import FilterError
from syndicator.feeds.filter import EntryField, EntryFilter, Rule, filter_feed
from syndicator.feeds.patterns import compile_pattern

MAX_VARIANTS = 256
MAX_VARIANT_BYTES = 16 * 1024 * 1024
_LIMIT_DIGITS = 9


class FilterParam(StrEnum):
    """In the order the normalized query lists them."""

    FILTER = "filter"
    FILTER_TITLE = "filter_title"
    FILTER_DESCRIPTION = "filter_description"
    FILTEROUT = "filterout"
    FILTEROUT_TITLE = "filterout_title"
    FILTEROUT_DESCRIPTION = "filterout_description"
    LIMIT = "limit"


_BOTH = frozenset(EntryField)
_FIELDS: dict[FilterParam, frozenset[EntryField]] = {
    FilterParam.FILTER: _BOTH,
    FilterParam.FILTER_TITLE: frozenset({EntryField.TITLE}),
    FilterParam.FILTER_DESCRIPTION: frozenset({EntryField.DESCRIPTION}),
    FilterParam.FILTEROUT: _BOTH,
    FilterParam.FILTEROUT_TITLE: frozenset({EntryField.TITLE}),
    FilterParam.FILTEROUT_DESCRIPTION: frozenset({EntryField.DESCRIPTION}),
}
_EXCLUDING = frozenset(
    {FilterParam.FILTEROUT, FilterParam.FILTEROUT_TITLE, FilterParam.FILTEROUT_DESCRIPTION}
)


@dataclass(frozen=True)
class FeedQuery:
    """The filter parameters of one request, normalized: one value each, in
    ``FilterParam`` order, so equal filters share one variant whatever the order."""

    params: tuple[tuple[FilterParam, str], ...]
    spec: EntryFilter

    @property
    def query_string(self) -> str:
        return urlencode([(p.value, v) for p, v in self.params], quote_via=quote, safe="")


def parse_query(raw: bytes) -> FeedQuery | None:
    """The filter a query string asks for; None when it asks for none."""
    values: dict[FilterParam, str] = {}
    known = {p.value: p for p in FilterParam}
    for name, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
        param = known.get(name)
        if param is None:
            continue
        if param in values:
            raise FilterError(name, "given more than once")
        values[param] = value
    params = tuple((p, values[p]) for p in FilterParam if values.get(p))
    if not params:
        return None
    include: list[Rule] = []
    exclude: list[Rule] = []
    limit: int | None = None
    for param, value in params:
        if param is FilterParam.LIMIT:
            limit = _limit(value)
            continue
        rule = Rule(compile_pattern(param.value, value), _FIELDS[param])
        (exclude if param in _EXCLUDING else include).append(rule)
    return FeedQuery(params, EntryFilter(tuple(include), tuple(exclude), limit))


def _limit(value: str) -> int:
    # ASCII digits only: int() would also take " 5", "+5", "1_0" and "５".
    if not (value.isascii() and value.isdigit()) or len(value) > _LIMIT_DIGITS:
        raise FilterError("limit", f"must be a whole number from 1 to {'9' * _LIMIT_DIGITS}")
    number = int(value)
    if number < 1:
        raise FilterError("limit", "must be at least 1")
    return number


def filtered_body(fmt: str, body: bytes, query: FeedQuery, url: str) -> tuple[bytes, str]:
    """The filtered feed of ``body`` served at ``url`` (the unfiltered feed's URL), and
    its strong ETag, made from its bytes as the store makes a feed's."""
    data = filter_feed(fmt, body, query.spec, f"{url}?{query.query_string}")
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most ``max_entries`` values of at most ``max_bytes`` together (as ``size``
    counts them); the least recently used go first. Safe across threads."""

    def __init__(
        self,
        size: Callable[[V], int],
        max_entries: int = MAX_VARIANTS,
        max_bytes: int = MAX_VARIANT_BYTES,
    ) -> None:
        self._size = size
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: K) -> V | None:
        """The value without marking it used."""
        with self._lock:
            found = self._items.get(key)
            return None if found is None else found[0]

    def discard(self, key: K) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> None:
        size = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

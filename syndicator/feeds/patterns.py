"""Regular expressions from untrusted clients, bounded in time.

A backtracking engine can be held for minutes by one pattern such as ``(a+)+b`` or
``.*.*.*x`` on a few hundred characters. Patterns run on the ``regex`` module, whose
searches take a timeout: every search of one filtered feed shares ``MATCH_SECONDS``,
and a filter that needs more is refused with a 400 saying how to bound it. Besides, a
pattern has at most ``MAX_PATTERN`` characters and a text is matched on its first
``MAX_TEXT`` characters, so an admitted pattern costs little, and the filtered feed is
then cached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import regex

from syndicator.errors import FilterError

MAX_PATTERN = 256
MAX_TEXT = 1000
# All the matching one filtered feed may do, whatever its entries and filters.
MATCH_SECONDS = 0.5


@dataclass(frozen=True)
class Bounded:
    """A compiled pattern, and the query parameter it came from (for the message)."""

    name: str
    pattern: regex.Pattern[str]


class Budget:
    """The time left for one filtered feed's searches."""

    def __init__(self, seconds: float | None = None) -> None:
        self.until = time.monotonic() + (MATCH_SECONDS if seconds is None else seconds)

    def left(self) -> float:
        return self.until - time.monotonic()


def compile_pattern(name: str, text: str) -> Bounded:
    """``text`` compiled case-insensitively, or FilterError naming ``name``."""
    if len(text) > MAX_PATTERN:
        raise FilterError(name, f"longer than {MAX_PATTERN} characters")
    try:
        # VERSION0: the syntax of Python's own re, which users of RSSHub's filters know.
        pattern = regex.compile(text, regex.IGNORECASE | regex.VERSION0)
    except regex.error as error:
        raise FilterError(name, f"not a valid regular expression ({error})") from None
    except (OverflowError, RecursionError, ValueError):
        raise FilterError(name, "not a valid regular expression (too large)") from None
    return Bounded(name, pattern)


def too_slow(name: str) -> FilterError:
    return FilterError(
        name,
        "takes too long to match: use fewer unbounded repetitions (*, +, {n,}) or bound "
        "them, as in .{0,20}",
    )


def search(pattern: Bounded, text: str, budget: Budget) -> bool:
    left = budget.left()
    if left <= 0:
        raise too_slow(pattern.name)
    try:
        return pattern.pattern.search(text, 0, MAX_TEXT, timeout=left) is not None
    except TimeoutError:
        raise too_slow(pattern.name) from None

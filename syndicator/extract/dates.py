"""Dates as Chinese portals print them, parsed by our own patterns.

General-purpose parsers misread these forms ("03-01" became 2003-01-26, "3月1日" gave
nothing, a missing year became the current one), so the few forms the portals use are
spelled out here, and a missing year is inferred from ``now``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, tzinfo

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})(?=\s*年)")
_CN_NUMBER = re.compile(r"([一二三四五六七八九十]{1,3})(?=\s*[月日号])")

_TIME = r"(?:\s*T?\s*)(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?"
_YMD = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<sep>[年\-/.])\s*(?P<m>\d{1,2})\s*(?:月|(?P=sep))\s*"
    r"(?P<d>\d{1,2})(?!\d)\s*[日号]?(?:" + _TIME + r")?"
)
# DedeCMS's MyDate('y-m-d') prints "14-12-25": two digits each, year first.
_SHORT_YMD = re.compile(
    r"(?<![A-Za-z\d\-/.:])(?P<y>\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![A-Za-z\d\-/.:])(?:"
    + _TIME
    + r")?"
)
_MD = re.compile(
    r"(?<![\d\-/.])(?P<m>\d{1,2})\s*(?:月\s*(?P<d1>\d{1,2})\s*[日号]|[\-/](?P<d2>\d{1,2})"
    r"(?![\d\-/.]))(?:" + _TIME + r")?"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# Blogs and English pages print "May 20, 2019" or "20 May 2019".
_EN_DATES = (
    re.compile(
        r"(?<![A-Za-z])"
        + _MONTH
        + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)"
        r"(?:,?\s*(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?",
        re.I,
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>(?:19|20)\d{2})(?!\d)"
        r"(?:,?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?",
        re.I,
    ),
)

# A year-less date at most this far ahead of ``now`` still takes the current year:
# clocks and time zones of portals drift by hours, not by a year.
_FUTURE_SLACK = timedelta(days=1)


def _cn_number(chars: str) -> str:
    if "十" not in chars:
        return "".join(str(_CN_DIGITS[c]) for c in chars)
    tens, _, ones = chars.partition("十")
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def normalize_digits(text: str) -> str:
    """Full-width forms to ASCII and Chinese numerals in dates to digits."""
    text = unicodedata.normalize("NFKC", text)
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)), text)
    return _CN_NUMBER.sub(lambda m: _cn_number(m.group(1)), text)


def parse_date(text: str, tz: tzinfo, now: datetime) -> tuple[datetime, bool] | None:
    """The first date in ``text`` as an aware datetime in ``tz``, and whether it had no time."""
    found = find_dates(text, tz, now)
    return found[0] if found else None


def find_dates(
    text: str, tz: tzinfo, now: datetime, year_less: bool = True
) -> list[tuple[datetime, bool]]:
    """Every date in ``text``, in text order; year-less forms only where no full date is
    (and only when ``year_less``). "14-12-25" counts as full: its year is only short."""
    text = normalize_digits(text)
    spans: list[tuple[int, tuple[datetime, bool]]] = []
    taken: list[tuple[int, int]] = []
    for match in _YMD.finditer(text):
        value = _build(int(match["y"]), int(match["m"]), int(match["d"]), match, tz)
        if value:
            spans.append((match.start(), value))
            taken.append(match.span())
    for pattern in _EN_DATES:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            month = _MONTHS[match["mon"].lower()]
            value = _build(int(match["y"]), month, int(match["d"]), match, tz)
            if value:
                spans.append((match.start(), value))
                taken.append(match.span())
    for match in _SHORT_YMD.finditer(text):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        value = _with_century(int(match["y"]), int(match["m"]), int(match["d"]), match, tz, now)
        if value:
            spans.append((match.start(), value))
            taken.append(match.span())
    for match in _MD.finditer(text) if year_less else ():
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        day = int(match["d1"] or match["d2"])
        value = _with_inferred_year(int(match["m"]), day, match, tz, now)
        if value:
            spans.append((match.start(), value))
    return [value for _, value in sorted(spans, key=lambda item: item[0])]


def closing_date(text: str, tz: tzinfo) -> tuple[datetime, bool] | None:
    """The full date (with its year) that ends ``text``, as in a dated sign-off
    "某某公司 2020年7月31日"; None when anything follows the last date."""
    text = normalize_digits(text).rstrip()
    last = None
    for match in _YMD.finditer(text):
        last = match
    if last is None or text[last.end() :].strip():
        return None
    return _build(int(last["y"]), int(last["m"]), int(last["d"]), last, tz)


def _build(
    year: int, month: int, day: int, match: re.Match[str], tz: tzinfo
) -> tuple[datetime, bool] | None:
    hour, minute, second = match["H"], match["M"], match["S"]
    try:
        if hour is None:
            return datetime(year, month, day, tzinfo=tz), True
        return datetime(
            year, month, day, int(hour), int(minute), int(second or 0), tzinfo=tz
        ), False
    except ValueError:
        return None


def _with_century(
    short: int, month: int, day: int, match: re.Match[str], tz: tzinfo, now: datetime
) -> tuple[datetime, bool] | None:
    """A two-digit year in this century, or the last one when that would be the future."""
    limit = (now.astimezone(tz) + _FUTURE_SLACK).date()
    for century in (2000, 1900):
        value = _build(century + short, month, day, match, tz)
        if value and value[0].date() <= limit:
            return value
    return None


def _with_inferred_year(
    month: int, day: int, match: re.Match[str], tz: tzinfo, now: datetime
) -> tuple[datetime, bool] | None:
    """The latest year that does not put the date in the future (Dec rows seen in Jan)."""
    local_now = now.astimezone(tz)
    limit = (local_now + _FUTURE_SLACK).date()
    for year in range(local_now.year + 1, local_now.year - 8, -1):
        value = _build(year, month, day, match, tz)
        if value and value[0].date() <= limit:
            return value
    return None

"""Date forms of the portals, year inference from ``now`` and the portal's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from syndicator.extract.dates import closing_date, find_dates, parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2023年03月01日 14:47", (2023, 3, 1, 14, 47, 0), False),
        ("日期: 2023年03月01日 14:47 来源:浙江省科技厅", (2023, 3, 1, 14, 47, 0), False),
        ("2023-3-1 14:47:00", (2023, 3, 1, 14, 47, 0), False),
        ("2023/3/8 8:05:09", (2023, 3, 8, 8, 5, 9), False),
        ("2023.03.01", (2023, 3, 1, 0, 0, 0), True),
        ("2023年3月1日", (2023, 3, 1, 0, 0, 0), True),
        ("[2023-03-01]", (2023, 3, 1, 0, 0, 0), True),
        ("更新时间：2023-3-1", (2023, 3, 1, 0, 0, 0), True),
        ("２０２３年０３月０１日　１４：４７", (2023, 3, 1, 14, 47, 0), False),
        ("二〇二三年三月一日", (2023, 3, 1, 0, 0, 0), True),
        ("二〇二二年十二月三十一日", (2022, 12, 31, 0, 0, 0), True),
        ("2023-03-01T14:47:00", (2023, 3, 1, 14, 47, 0), False),
        ("2023年3月1日 8时5分", (2023, 3, 1, 8, 5, 0), False),
        ("[03-01]", (2026, 3, 1, 0, 0, 0), True),
        ("03-01", (2026, 3, 1, 0, 0, 0), True),
        ("3月1日", (2026, 3, 1, 0, 0, 0), True),
        ("(佚名，11月26日，35)", (2026, 11, 26, 0, 0, 0), True),
        ("11-25 09:30", (2026, 11, 25, 9, 30, 0), False),
    ],
)
def test_forms(text: str, expected: tuple[int, int, int, int, int, int], date_only: bool) -> None:
    year, month, day, hour, minute, second = expected
    found = parse_date(text, SHANGHAI, NOW)
    assert found == (datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI), date_only)


@pytest.mark.parametrize(
    "text", ["", "没有日期", "2023-02-29", "13-45", "v1.2.3", "2023-13-01", "2023年3月32日"]
)
def test_no_date(text: str) -> None:
    assert parse_date(text, SHANGHAI, NOW) is None


def test_result_is_aware_in_the_portal_timezone() -> None:
    value, _ = parse_date("2023-03-01 14:47", SHANGHAI, NOW) or (None, None)
    assert value is not None
    assert value.utcoffset() == timedelta(hours=8)
    assert value.astimezone(UTC) == datetime(2023, 3, 1, 6, 47, tzinfo=UTC)
    assert value.isoformat() == "2023-03-01T14:47:00+08:00"


def test_december_rows_seen_in_january_belong_to_last_year() -> None:
    january = datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)
    assert parse_date("12-30", SHANGHAI, january) == (datetime(2025, 12, 30, tzinfo=SHANGHAI), True)
    assert parse_date("01-04", SHANGHAI, january) == (datetime(2026, 1, 4, tzinfo=SHANGHAI), True)


def test_year_inference_uses_the_portal_day_not_the_utc_day() -> None:
    # 16:30 UTC on Dec 31 is already Jan 1 in Shanghai.
    now = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    assert parse_date("01-01", SHANGHAI, now) == (datetime(2026, 1, 1, tzinfo=SHANGHAI), True)
    assert parse_date("12-31", SHANGHAI, now) == (datetime(2025, 12, 31, tzinfo=SHANGHAI), True)


def test_leap_day_without_year_goes_back_to_a_leap_year() -> None:
    found = parse_date("02-29", SHANGHAI, NOW)
    assert found == (datetime(2024, 2, 29, tzinfo=SHANGHAI), True)


def test_find_dates_in_text_order_and_full_dates_are_not_split() -> None:
    found = find_dates("[03-01] 标题 2023-02-28 又见 3月2日", SHANGHAI, NOW)
    assert [d for d, _ in found] == [
        datetime(2026, 3, 1, tzinfo=SHANGHAI),
        datetime(2023, 2, 28, tzinfo=SHANGHAI),
        datetime(2026, 3, 2, tzinfo=SHANGHAI),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-12-25", datetime(2014, 12, 25, tzinfo=SHANGHAI)),
        ("[08-03-14]", datetime(2008, 3, 14, tzinfo=SHANGHAI)),
        ("14-12-25 10:30", datetime(2014, 12, 25, 10, 30, tzinfo=SHANGHAI)),
        # 2099 would be in the future: the year can only be 1999.
        ("99-03-01", datetime(1999, 3, 1, tzinfo=SHANGHAI)),
        ("26-11-26", datetime(2026, 11, 26, tzinfo=SHANGHAI)),
        ("26-12-01", datetime(1926, 12, 1, tzinfo=SHANGHAI)),
    ],
)
def test_two_digit_years(text: str, expected: datetime) -> None:
    found = parse_date(text, SHANGHAI, NOW)
    assert found is not None and found[0] == expected


@pytest.mark.parametrize("text", ["14-13-25", "1-2-3", "010-62-58", "v14-12-25x1"])
def test_not_two_digit_year_dates(text: str) -> None:
    found = find_dates(text, SHANGHAI, NOW, year_less=False)
    assert found == []


def test_two_digit_year_date_is_a_full_date() -> None:
    # Lists read full dates first; "14-12-25" must not lose to a month-day elsewhere.
    assert find_dates("第3月1日 14-12-25", SHANGHAI, NOW, year_less=False) == [
        (datetime(2014, 12, 25, tzinfo=SHANGHAI), True)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("某某公司企业文化部 2020年7月31日", (datetime(2020, 7, 31, tzinfo=SHANGHAI), True)),
        ("二〇二一年三月五日", (datetime(2021, 3, 5, tzinfo=SHANGHAI), True)),
        ("2021-03-05 ", (datetime(2021, 3, 5, tzinfo=SHANGHAI), True)),
        ("2021年3月5日起施行", None),
        ("3月5日", None),
        ("", None),
    ],
)
def test_closing_date(text: str, expected: tuple[datetime, bool] | None) -> None:
    assert closing_date(text, SHANGHAI) == expected


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("May 20, 2019", datetime(2019, 5, 20, tzinfo=SHANGHAI)),
        ("Posted on September 9th, 2010", datetime(2010, 9, 9, tzinfo=SHANGHAI)),
        ("20 May 2019", datetime(2019, 5, 20, tzinfo=SHANGHAI)),
        ("Dec. 14, 2017 at 10:25", datetime(2017, 12, 14, 10, 25, tzinfo=SHANGHAI)),
    ],
)
def test_english_month_dates(text: str, want: datetime) -> None:
    assert find_dates(text, SHANGHAI, NOW)[0][0] == want


def test_a_word_starting_like_a_month_is_no_date() -> None:
    assert find_dates("Mayor 3 2019", SHANGHAI, NOW) == []

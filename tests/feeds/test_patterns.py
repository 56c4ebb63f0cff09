"""Patterns from clients: compiled case-insensitively, and every search of one filtered
feed bounded in time (feeds/patterns.py)."""

from __future__ import annotations

import time

import pytest

from syndicator.errors import FilterError
from syndicator.feeds.patterns import (
    MATCH_SECONDS,
    MAX_PATTERN,
    MAX_TEXT,
    Budget,
    compile_pattern,
    search,
)

# What readers write: all admitted, and quick on any text.
ADMITTED = [
    "芯片|量子",
    "芯片",
    "r&d",
    r"\d+年",
    r"\d+年\d+月",
    "华为.*芯片",
    "^.*$",
    ".*x",
    ".*a.*b",
    r"(?=.*芯片)(?=.*量子)",
    ".{0,40}.{0,40}x",
    "(?:ab)+x",
    r"\bAI\b",
    r"\p{Han}{4}",
    "(?x) 芯 片  # verbose",
    "a" * MAX_PATTERN,
]

# (pattern, what the refusal says)
INVALID = [
    ("(", "not a valid regular expression"),
    ("[芯片", "not a valid regular expression"),
    ("a{2,1}", "not a valid regular expression"),
    ("a" * (MAX_PATTERN + 1), f"longer than {MAX_PATTERN} characters"),
]

# Patterns that backtrack without end on the texts below.
CATASTROPHIC = ["(a+)+b", "(?:a|aa)+$b", "(a|aa)+c", r"(\w+\s?)+$x"]

# Texts that make backtracking engines work hardest.
HOSTILE = ["a" * MAX_TEXT, "芯" * MAX_TEXT, ("ab" * MAX_TEXT)[:MAX_TEXT], "x" * MAX_TEXT]


@pytest.mark.parametrize("pattern", ADMITTED)
def test_patterns_readers_write_are_admitted_and_quick(pattern: str) -> None:
    compiled = compile_pattern("filter", pattern)
    budget = Budget()
    started = time.perf_counter()
    for text in HOSTILE:
        search(compiled, text, budget)
    assert time.perf_counter() - started < MATCH_SECONDS


@pytest.mark.parametrize(("pattern", "reason"), INVALID)
def test_broken_patterns_are_refused_in_one_line(pattern: str, reason: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_pattern("filter_title", pattern)
    message = str(caught.value)
    assert message.startswith("filter_title: ")
    assert reason in message
    assert "\n" not in message and message.isprintable()
    assert caught.value.param == "filter_title"


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_pattern_that_would_hold_the_process_is_cut_at_the_budget(pattern: str) -> None:
    compiled = compile_pattern("filterout", pattern)
    started = time.perf_counter()
    with pytest.raises(FilterError) as caught:
        for text in HOSTILE * 3:
            search(compiled, text, Budget(0.2))
    assert time.perf_counter() - started < 2
    assert str(caught.value).startswith("filterout: takes too long")


def test_the_budget_is_shared_by_every_search_of_a_feed() -> None:
    compiled = compile_pattern("filter", ".{0,60}.{0,60}z")
    budget = Budget(0.05)
    with pytest.raises(FilterError):
        for _ in range(100_000):
            search(compiled, "y" * MAX_TEXT, budget)


def test_matching_ignores_case_and_reads_chinese() -> None:
    budget = Budget()
    assert search(compile_pattern("filter", "R&D"), "“科创中国”r&d新高地", budget)
    assert search(compile_pattern("filter", "芯片|量子"), "量子信息", budget)
    assert not search(compile_pattern("filter", "芯片|量子"), "人工智能", budget)


def test_only_the_first_max_text_characters_are_read() -> None:
    late = "。" * MAX_TEXT + "芯片"
    assert not search(compile_pattern("filter", "芯片"), late, Budget())
    assert search(compile_pattern("filter", "芯片"), late[-MAX_TEXT:], Budget())

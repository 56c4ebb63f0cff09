"""The parse lane: one thread parses for every poll."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from syndicator.runtime.lane import ParseLane


def test_work_from_many_threads_runs_on_one() -> None:
    lane = ParseLane()
    seen: set[int] = set()
    results: list[int] = []

    def poll(n: int) -> None:
        results.append(lane(lambda: seen.add(threading.get_ident()) or n * 2))

    threads = [threading.Thread(target=poll, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    lane.close()
    assert sorted(results) == [n * 2 for n in range(20)]
    assert len(seen) == 1 and threading.get_ident() not in seen


def test_errors_come_back_to_the_caller() -> None:
    lane = ParseLane()

    def broken() -> None:
        raise ValueError("not a list")

    with pytest.raises(ValueError, match="not a list"):
        lane(broken)
    lane.close()


def test_a_call_from_the_lane_itself_does_not_wait_for_itself() -> None:
    lane = ParseLane()
    assert lane(lambda: lane(lambda: 7)) == 7
    lane.close()


def test_after_close_the_caller_does_the_work() -> None:
    lane = ParseLane()
    lane.close()
    assert lane(threading.get_ident) == threading.get_ident()


PARSE_IN_THREADS = """
import glob, sys, threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from syndicator.extract import decode_html, extract_article
from syndicator.runtime.lane import ParseLane

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

pages = [open(f, "rb").read() for f in sorted(glob.glob(sys.argv[2] + "/*.html"))[:8]]
tz, now = ZoneInfo("Asia/Shanghai"), datetime.now(UTC)

def parse_all():
    for body in pages:
        text, encoding = decode_html(body, None)
        extract_article(text, "http://example.com/a/1.html", tz=tz, now=now, encoding=encoding)

parse_all()
before = rss()
lane = ParseLane() if sys.argv[1] == "lane" else (lambda work: work())
done, hold = threading.Semaphore(0), threading.Event()

def poll():  # a poll thread that lives on, as in the worker's pool
    lane(parse_all)
    done.release()
    hold.wait()

threads = [threading.Thread(target=poll) for _ in range(60)]
for t in threads:
    t.start()
for _ in threads:
    done.acquire()
print(rss() - before)
hold.set()
"""


@pytest.mark.slow
def test_parsing_on_the_lane_keeps_per_thread_parser_memory_to_one_thread() -> None:
    corpus = "tests/data/real/articles"

    def growth(mode: str) -> float:
        done = subprocess.run(
            [sys.executable, "-c", PARSE_IN_THREADS, mode, corpus],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return float(done.stdout)

    inline, lane = growth("inline"), growth("lane")
    assert inline > 20  # MiB: libxml2's state in sixty threads (about 50 measured)
    assert lane < inline / 3

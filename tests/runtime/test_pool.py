"""The poll threads' pool: bounded, idle threads end, the latest idle one is reused."""

from __future__ import annotations

import threading
import time
from concurrent.futures import CancelledError, wait

import pytest

from syndicator.runtime.pool import ElasticPool

LONG = 10.0  # a bound on every wait: a broken pool fails the test instead of hanging it


def until(check: object, seconds: float = LONG) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def test_results_and_exceptions_reach_the_futures() -> None:
    pool = ElasticPool(2, name="t")
    ok = pool.submit(lambda a, b=0: a + b, 2, b=3)
    bad = pool.submit(lambda: 1 / 0)
    assert ok.result(LONG) == 5
    with pytest.raises(ZeroDivisionError):
        bad.result(LONG)
    pool.shutdown()


def test_never_more_threads_than_the_bound_and_the_rest_waits_its_turn() -> None:
    pool = ElasticPool(3, name="t")
    gate = threading.Event()
    lock = threading.Lock()
    running = [0, 0]  # now, most at once

    def job() -> None:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        gate.wait(LONG)
        with lock:
            running[0] -= 1

    futures = [pool.submit(job) for _ in range(10)]
    assert until(lambda: running[0] == 3)
    assert pool.threads == 3
    gate.set()
    done, _ = wait(futures, LONG)
    assert len(done) == 10 and running[1] == 3
    pool.shutdown()


def test_idle_threads_end_and_say_so() -> None:
    retired = []
    pool = ElasticPool(4, name="t", idle_timeout=0.05, on_retire=lambda: retired.append(1))
    gate = threading.Event()
    futures = [pool.submit(gate.wait, LONG) for _ in range(4)]
    assert until(lambda: pool.threads == 4)
    gate.set()
    wait(futures, LONG)
    assert until(lambda: pool.threads == 0)
    assert len(retired) == 4
    # Work after that starts a thread again.
    assert pool.submit(lambda: "again").result(LONG) == "again"
    pool.shutdown()


def test_the_latest_idle_thread_takes_new_work_so_the_others_can_end() -> None:
    # With the oldest idle thread woken first, steady light work would rotate through
    # every thread and none would ever be idle long enough to end.
    pool = ElasticPool(5, name="t", idle_timeout=0.3)
    gate = threading.Event()
    first = [pool.submit(gate.wait, LONG) for _ in range(5)]
    assert until(lambda: pool.threads == 5)
    gate.set()
    wait(first, LONG)
    names = set()
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        names.add(pool.submit(lambda: threading.current_thread().name).result(LONG))
        time.sleep(0.02)
    assert len(names) == 1
    assert until(lambda: pool.threads == 1)
    pool.shutdown()


def test_shutdown_cancels_what_has_not_started_and_refuses_more() -> None:
    pool = ElasticPool(1, name="t")
    gate = threading.Event()
    running = pool.submit(gate.wait, LONG)
    queued = pool.submit(lambda: "never")
    assert until(lambda: running.running())
    closer = threading.Thread(target=pool.shutdown, kwargs={"cancel_futures": True})
    closer.start()
    assert until(lambda: queued.cancelled())
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(lambda: None)
    gate.set()
    closer.join(LONG)
    assert not closer.is_alive() and running.result(LONG) is True
    with pytest.raises(CancelledError):
        queued.result(0)
    assert pool.threads == 0


def test_shutdown_without_cancel_still_runs_the_backlog() -> None:
    pool = ElasticPool(1, name="t")
    gate = threading.Event()
    pool.submit(gate.wait, LONG)
    later = pool.submit(lambda: "ran")
    gate.set()
    pool.shutdown(wait=True)
    assert later.result(0) == "ran"


def test_an_idle_pool_shuts_down_at_once() -> None:
    pool = ElasticPool(3, name="t", idle_timeout=LONG)
    wait([pool.submit(time.sleep, 0) for _ in range(3)], LONG)
    started = time.monotonic()
    pool.shutdown(wait=True)
    assert time.monotonic() - started < LONG / 2
    assert pool.threads == 0

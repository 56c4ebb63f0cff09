"""Crash safety, long version: SIGKILL the worker (``syndicator poll`` as a subprocess)
at random moments for ``--rounds`` rounds while the replica portal publishes and the
webhook receiver fails one request in three; then check that every new article was
delivered exactly once per channel row and that repeats carried the same webhook-id.

    .venv/bin/python bench/crash.py [--rounds 50] [--seed 1] [--max-life 1.2]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.chaos import run_chaos


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-life",
        type=float,
        default=1.2,
        help="a worker is killed after a random 0.3..MAX_LIFE seconds",
    )
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = run_chaos(Path(tmp), args.rounds, random.Random(args.seed), max_life=args.max_life)
    took = time.perf_counter() - start
    print(
        f"{report.rounds} rounds in {took:.0f}s: {report.killed} workers killed, "
        f"{report.finished} finished; {report.published} articles published; "
        f"{report.requests} webhook requests, {report.repeats} repeats (same webhook-id)"
    )
    if report.problems:
        print(f"{len(report.problems)} PROBLEMS:")
        for problem in report.problems:
            print("  " + problem)
        return 1
    print("no article without a successful delivery; every repeat kept its webhook-id")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Extraction speed of several checkouts side by side, on the main article corpus.

Each tree runs in its own process (decode + extract_article over every page of
tests/data/articles, five times after one warm-up), and the trees take turns for
``--rounds`` rounds, so a noisy machine slows them alike and the ratio holds:

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/extract_speed.py /tmp/before . [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "articles"
PASSES = 5


def measure(tree: Path) -> float:
    """Pages per second of the tree's extractor (run inside the child process)."""
    sys.path.insert(0, str(tree))
    from syndicator.extract import decode_html, extract_article

    pages = [
        (f.read_bytes(), json.loads(f.with_suffix(".json").read_text(encoding="utf-8")))
        for f in sorted(CORPUS.glob("*.html"))
    ]

    def one_pass() -> int:
        for body, case in pages:
            text, _ = decode_html(body, case.get("content_type"))
            # An older tree may refuse a page; its time still counts.
            with contextlib.suppress(Exception):
                extract_article(
                    text,
                    case["url"],
                    tz=ZoneInfo("Asia/Shanghai"),
                    now=datetime.fromisoformat(case["now"]),
                )
        return len(pages)

    one_pass()
    start = time.perf_counter()
    done = sum(one_pass() for _ in range(PASSES))
    return done / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(f"{measure(args.trees[0].resolve()):.1f}")
        return 0
    rates: dict[Path, list[float]] = {tree: [] for tree in args.trees}
    for _ in range(args.rounds):
        for tree in args.trees:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(tree)],
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            rates[tree].append(float(out.stdout.strip()))
    base = statistics.median(rates[args.trees[0]])
    print(
        f"{len(list(CORPUS.glob('*.html')))} corpus pages, {PASSES} passes, "
        f"{args.rounds} rounds taking turns"
    )
    for tree, values in rates.items():
        median = statistics.median(values)
        print(
            f"{tree!s:<40} median {median:7.1f} pages/s  "
            f"({', '.join(f'{v:.1f}' for v in values)})  {median / base:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long `syndicator check` takes as a config grows, beside `python -c pass`.

Writes configs of N categories (four per site) and times `syndicator check` on each
as a new process, best of a few runs, with the interpreter's own start-up measured in
the same run for scale.

    .venv/bin/python bench/check.py [--sizes 100 1000 4000] [--runs 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [
    sys.executable,
    "-c",
    "import sys; from syndicator.cli.main import main; sys.exit(main(sys.argv[1:]))",
]


def config(n: int) -> str:
    lines = ["sites:"]
    for s in range(max(1, n // 4)):
        lines += [
            f"  - id: s{s}",
            f"    name: 站点{s}",
            f"    url: http://s{s}.example.org/",
            "    categories:",
        ]
        lines += [
            f"      - {{id: c{c}, name: 栏目{c}, list_url: http://s{s}.example.org/c{c}/}}"
            for c in range(4)
        ]
    return "\n".join(lines) + "\n"


def best(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, timeout=60)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 4000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = best([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass: {bare * 1000:.0f} ms")
    print(f"{'categories':>10} {'check ms':>9} {'x python':>9} {'ms per 1,000 more':>18}")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"c{n}.yaml"
            path.write_text(config(n), "utf-8")
            took = best([*CLI, "check", "-c", str(path)], args.runs)
            slope = ""
            if previous is not None:
                slope = f"{(took - previous[1]) * 1000 / (n - previous[0]) * 1000:.0f}"
            print(f"{n:>10} {took * 1000:>9.0f} {took / bare:>9.1f} {slope:>18}")
            previous = (n, took)


if __name__ == "__main__":
    main()

"""Benchmark: time `copier copy --trust --defaults` of the template, tasks included.

Prints the median and the spread of several runs; speed targets live here, not in the tests.
Usage: python bench/bench_copy.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]


def time_copy(copier: Path, dst: Path) -> float:
    """Run one `copier copy` as a user would (the CLI, tasks included); return seconds."""
    start = time.perf_counter()
    subprocess.run(
        [
            str(copier),
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--vcs-ref",
            "HEAD",
            str(TEMPLATE),
            str(dst),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    copier = Path(sys.executable).with_name("copier")
    with tempfile.TemporaryDirectory() as tmp:
        times = [time_copy(copier, Path(tmp) / f"p{i}") for i in range(args.runs)]
    print(
        f"copier copy --trust --defaults: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, max {max(times):.2f} s, {args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: time `copier copy --trust --defaults` and `copier update --trust --defaults`.

Both include the metadata check task. The update runs in a real git project generated from a
tagged copy of the template (1.0.0) to the next tag (1.0.1, one changed file), reset between
runs. Prints the median and the spread; speed targets live here, not in the tests.
Usage: python bench/bench_copy.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]


def copy(copier: Path, template: Path, ref: str, dst: Path) -> float:
    """Run one `copier copy` as a user would (the CLI, tasks included); return seconds."""
    start = time.perf_counter()
    subprocess.run(
        [str(copier), "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", ref]
        + [str(template), str(dst)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


GIT_ID = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ID}
    )


def update_times(copier: Path, tmp: Path, runs: int) -> list[float]:
    """Time `copier update` from tag 1.0.0 to 1.0.1 of a copy of the template, `runs` times."""
    repo = tmp / "template"
    shutil.copytree(
        TEMPLATE, repo, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__")
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.0.0")
    git(repo, "tag", "1.0.0")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n<!-- 1.0.1 -->\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "1.0.1")
    git(repo, "tag", "1.0.1")
    project = tmp / "project"
    copy(copier, repo, "1.0.0", project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [str(copier), "update", "--trust", "--defaults", "--quiet"],
            cwd=project,
            check=True,
            capture_output=True,
            env={**os.environ, **GIT_ID},
        )
        times.append(time.perf_counter() - start)
        git(project, "reset", "-q", "--hard", "HEAD")
        git(project, "clean", "-qfd")
    return times


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, max {max(times):.2f} s, {len(times)} runs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    copier = Path(sys.executable).with_name("copier")
    with tempfile.TemporaryDirectory() as tmp:
        copies = [copy(copier, TEMPLATE, "HEAD", Path(tmp) / f"p{i}") for i in range(args.runs)]
        updates = update_times(copier, Path(tmp) / "update", args.runs)
    print(summary("copier copy --trust --defaults", copies))
    print(summary("copier update --trust --defaults", updates))
    return 0


if __name__ == "__main__":
    sys.exit(main())

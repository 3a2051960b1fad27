"""Benchmark: `make metadata`'s derivation and `make check-metadata` on real CITATION.cff files.

Generates one life-science project, then, for the largest file of the shared corpus
(mne-tools/mne-python, its duplicate authors removed so that it is valid) and for every other
file of the corpus that derives, times `fair.derive.derive` and `fair.checks.check_metadata`
in-process (median of several runs, the first run's imports excluded). Target: a whole
derivation under 1 s. Exits 1 on a missed target. Speed targets live here, not in the tests.
Usage: python bench/bench_metadata.py [--runs 5] [--corpus ../shared/corpus/cff]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import copier
import yaml

TEMPLATE = Path(__file__).resolve().parents[1]
CORPUS = TEMPLATE.parent / "shared" / "corpus" / "cff"
PACKAGE = "bench_metadata"
TARGET_SECONDS = 1.0


def generate(dst: Path) -> Path:
    """A project with an RO-Crate and a model card (life-science, scikit-learn)."""
    copier.run_copy(
        str(TEMPLATE),
        str(dst),
        data={"domain": "life-science", "package_name": PACKAGE},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
        skip_tasks=True,
    )
    return dst


def without_duplicates(source: Path) -> str:
    """The CITATION.cff text of `source` with each author listed once."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    unique: list[Any] = []
    for author in data.get("authors") or []:
        if author not in unique:
            unique.append(author)
    data["authors"] = unique
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def timed(project: Path, text: str, runs: int, modules: dict[str, Any]) -> tuple[float, float]:
    """Median seconds of (derivation, check) for CITATION.cff `text`, from a fresh copy each run."""
    derive_times, check_times = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(shutil.copytree(project, Path(tmp) / "p", symlinks=True))
            (root / "CITATION.cff").write_text(text, encoding="utf-8")
            start = time.perf_counter()
            modules["derive"].derive(root)
            derive_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            modules["checks"].check_metadata(root)
            check_times.append(time.perf_counter() - start)
    return statistics.median(derive_times), statistics.median(check_times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 1 if the largest file misses the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: pass --corpus", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        project = generate(Path(tmp) / "p")
        sys.path.insert(0, str(project / "src"))
        modules = {n: importlib.import_module(f"{PACKAGE}.fair.{n}") for n in ("derive", "checks")}
        largest = args.corpus / "mne-tools__mne-python.cff"
        text = without_duplicates(largest)
        timed(project, text, 1, modules)  # imports and caches
        n_authors = len(yaml.safe_load(text)["authors"])
        derive_s, check_s = timed(project, text, args.runs, modules)
        print(
            f"{largest.name} ({n_authors} authors): derive {derive_s:.3f} s, check {check_s:.3f} s"
        )
        others = []
        for source in sorted(args.corpus.glob("*.cff")):
            if source == largest:
                continue
            try:
                others.append(timed(project, source.read_text(encoding="utf-8"), 1, modules))
            except (OSError, UnicodeDecodeError, modules["derive"].DeriveError):
                continue  # an invalid file: refused, nothing derived
        if others:
            print(
                f"the other {len(others)} files: derive median "
                f"{statistics.median(d for d, _ in others):.3f} s (max {max(d for d, _ in others):.3f}),"
                f" check median {statistics.median(c for _, c in others):.3f} s"
            )
    missed = derive_s >= TARGET_SECONDS
    print(f"target: derivation under {TARGET_SECONDS:.1f} s: {'MISSED' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: `make features` on Dask, on 1x, 4x and 16x the input, with 1 and 2 workers.

A HEP project without a model is generated and installed as in bench_pipeline.py. Two inputs:
- table: the toy CSV table, 20,000 events at 1x (80,000 at 4x, 320,000 at 16x), read in
  partitions of 10,000 rows;
- ROOT: uproot's HZZ tutorial file from scikit-hep-testdata, 2,421 events per file, one signal
  and one background file at 1x (8 at 4x, 32 at 16x), one partition per file.
Each point is the median of `--runs` runs of the step on a local cluster of 1 or 2 worker
processes: the whole step (start of the cluster, reading, split, writing the tables and the
figure) and the reading alone (the Dask part, as the step prints it).

Usage: python bench/bench_features.py [--runs 3] [--scales 1 4 16] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import skhep_testdata
import yaml
from bench_pipeline import WORK, environment, prepare

EVENTS_1X = 20_000
#: (folder, file of scikit-hep-testdata, label) of the two ROOT samples.
ROOT_SAMPLES = (("signal", "uproot-HZZ.root", 1), ("background", "uproot-HZZ-zlib.root", 0))


def _configure(project: Path, **sections: dict[str, object]) -> None:
    path = project / "config" / "pipeline.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def make_input(source: Path, python: Path, kind: str, scale: int) -> Path:
    """A copy of the project holding `scale` times the input of `kind`, its manifests written."""
    project = WORK / f"features-{kind}-{scale}x"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(source, project)
    if kind == "table":
        _configure(project, data={"n_events": EVENTS_1X * scale})
    else:
        samples = []
        for folder, name, label in ROOT_SAMPLES:
            (project / "data" / "raw" / folder).mkdir(parents=True)
            for copy in range(scale):
                target = project / "data" / "raw" / folder / f"{copy:02d}-{name}"
                shutil.copy(skhep_testdata.data_path(name), target)
            samples.append({"files": f"data/raw/{folder}/*.root", "label": label})
        _configure(project, data={"ntuples": {"tree": "events", "samples": samples}})
    env = {**environment(), "PATH": f"{python.parent}:{os.environ['PATH']}"}
    subprocess.run(
        ["make", "data", f"PYTHON={python}"], cwd=project, env=env, check=True, capture_output=True
    )
    return project


def time_step(project: Path, python: Path, workers: int) -> tuple[float, float, int, int]:
    """Run the features step once; return (whole step s, reading s, rows read, events kept)."""
    _configure(project, dask={"n_workers": workers, "partition_size": 10_000})
    start = time.perf_counter()
    out = subprocess.run(
        [str(python), "-m", "my_fair_analysis.features.build_features"],
        cwd=project,
        env=environment(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    whole = time.perf_counter() - start
    reading = re.search(r"^read .* in ([0-9.]+) s: ([0-9]+) rows$", out, flags=re.MULTILINE)
    kept = re.findall(r"\(([0-9]+) events\)", out)
    if reading is None or len(kept) != 2:
        raise RuntimeError(f"unexpected output of the features step:\n{out}")
    return whole, float(reading.group(1)), int(reading.group(2)), sum(int(n) for n in kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    source, python = prepare("none")
    results = []
    for kind in ("table", "ROOT"):
        for scale in args.scales:
            project = make_input(source, python, kind, scale)
            for workers in args.workers:
                runs = [time_step(project, python, workers) for _ in range(args.runs)]
                results.append(
                    {
                        "input": kind,
                        "scale": scale,
                        "workers": workers,
                        "rows": runs[0][2],
                        "events": runs[0][3],
                        "step_s": statistics.median(r[0] for r in runs),
                        "read_s": statistics.median(r[1] for r in runs),
                    }
                )
                print(json.dumps(results[-1]), file=sys.stderr)
    (WORK / "features.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"`make features` (median of {args.runs} runs; reading = the Dask part):\n")
    print("| input | scale | input rows | events kept | workers | whole step | reading |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['input']} | {r['scale']}x | {r['rows']:,} | {r['events']:,} | {r['workers']} "
            f"| {r['step_s']:.2f} s | {r['read_s']:.2f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The steps of the pipeline, run in one process, each only when its inputs changed.

`make all` and every step target (`make train`, ...) call `python -m <package>.pipeline TARGET`:
the target's steps and those it needs run in order, as functions of one Python process. A step
runs only when something it depends on differs from when it last ran:

- the settings it reads (its sections of config/pipeline.yaml, and files such as CITATION.cff);
- its code: the package modules it imports, followed to the end (read with `ast`, not run),
  and the files of the package it reads (the model card's template, the C++ driver);
- the outputs of the steps before it, by content (sha256);
- its own outputs: missing, or changed since it wrote them, it runs again.

What it depended on is recorded in `.pipeline/<step>.json` (a stamp) once it succeeds, so a
second `make all` with nothing changed does no work and says so. `FORCE=1` (`--force`) runs the
named steps again all the same (`make all FORCE=1`: every step). A stamp only saves work:
without it (a fresh clone, after `make clean`) the step runs. The modules stay commands of their
own (`python -m <package>.models.train_model`), which run their step whatever the stamps say.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import functools
import hashlib
import importlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import project
from .config import MODEL_CARD_FILE, Config, load_config
from .data.manifest import sha256_of
from .files import write_text
from .layout import (
    ARCHIVE,
    CPP_DIR,
    CPP_FILES,
    EFFICIENCY_MAP_FIGURE,
    EXPECTED_OUTPUTS,
    EXPORT_CHECK,
    FEATURE_FIGURE,
    HEPDATA_DIR,
    IMPORTANCE_FIGURE,
    MANIFEST_NAME,
    MODEL_CARD,
    ONNX_FILE,
    REFERENCE_INPUTS,
    ROC_FIGURE,
    SCORE_FIGURE,
    STAMP_DIR,
    SURROGATE_DIR,
    TRAINING_RECORD,
    VALIDATION_DIR,
    Layout,
)
from .step import EXPECTED, run_locked

#: The package these steps belong to, and its folder.
PACKAGE = str(__package__)
PACKAGE_DIR = Path(__file__).resolve().parent
#: The files outside config/pipeline.yaml that the metadata steps read.
CITATION = Path("CITATION.cff")


@dataclass(frozen=True)
class Step:
    """One step of the pipeline.

    Attributes:
        name: its make target, e.g. "train".
        calls: (module below the package, function) pairs, run in order with the project folder.
        after: the steps that write what it reads: they run first.
        sections: the sections of config/pipeline.yaml it reads ("seed" is one).
        reads: the files of steps before it that it reads, from the project's layout.
        outputs: the files it writes, from the project's layout.
        files: further files of the project it reads (relative to the project folder).
        resources: files of the package it reads (relative to the package folder).
        label: how its failure starts (`step.run_locked`).
        check: a check of earlier outputs: asked for by its own target (`make validate-model`)
            it runs every time, alone, on the outputs as they are; within `make all` it runs
            after the steps it checks, when its inputs changed.
    """

    name: str
    calls: tuple[tuple[str, str], ...]
    after: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    reads: Callable[[Layout], list[Path]] = lambda layout: []
    outputs: Callable[[Layout], list[Path]] = lambda layout: []
    files: tuple[Path, ...] = ()
    resources: tuple[str, ...] = ()
    label: str = ""
    check: bool = False


def _raw_outputs(layout: Layout) -> list[Path]:
    from .data import partitions  # reads data.ntuples file patterns

    raw = partitions.raw_files(layout.config)
    return raw + sorted({path.parent / MANIFEST_NAME for path in raw})


def _model_outputs(layout: Layout) -> list[Path]:
    record = layout.model_dir / TRAINING_RECORD
    try:
        name = json.loads(record.read_text(encoding="utf-8")).get("model_file")
    except (OSError, ValueError, AttributeError):
        name = None
    return [record] + ([layout.model_dir / str(name)] if name else [])


def _export_outputs(layout: Layout) -> list[Path]:
    validation = layout.validation_dir
    # Not the model's MANIFEST.sha256: the model card step adds its card to it.
    files = [layout.model_dir / ONNX_FILE]
    files += [validation / REFERENCE_INPUTS, validation / EXPECTED_OUTPUTS]
    files += [validation / EXPORT_CHECK]
    if project.ML_FRAMEWORK == "scikit-learn":
        files += [layout.model_dir / CPP_DIR / name for name in CPP_FILES]
    return files


def _processed(layout: Layout, *tables: Path) -> list[Path]:
    """Processed tables with the manifest that records them."""
    return [*tables, layout.processed_dir / MANIFEST_NAME]


def _figures(layout: Layout) -> list[Path]:
    """The figures the card shows: features, ROC curve, score distributions."""
    return [layout.figure(name) for name in (FEATURE_FIGURE, ROC_FIGURE, SCORE_FIGURE)]


def steps() -> dict[str, Step]:
    """The steps of this project, in the order they run.

    Returns:
        name -> step; the model steps only where the project has a model (`ml_framework`), the
        HEPData submission only in high-energy physics.
    """
    found = _data_steps()
    if project.ML_FRAMEWORK != "none":
        found += _model_steps()
    return {step.name: step for step in found}


def _data_steps() -> list[Step]:
    """The steps of every project: the raw data, and the features."""
    return [
        Step(
            "data",
            (("data.make_dataset", "make_dataset"),),
            sections=("seed", "data", "features"),
            outputs=_raw_outputs,
        ),
        Step(
            "features",
            (("features.build_features", "build_features"),),
            after=("data",),
            sections=("seed", "data", "features", "dask", "reports", "figures"),
            reads=_raw_outputs,
            outputs=lambda layout: [
                *_processed(layout, layout.train_table, layout.test_table),
                layout.figure(FEATURE_FIGURE),
            ],
            # The units of the figure's axes (`build_features.feature_units`).
            files=(MODEL_CARD_FILE,) if project.ML_FRAMEWORK != "none" else (),
        ),
    ]


def _model_steps() -> list[Step]:
    """The steps of a project with a model: training, then the release."""
    return _training_steps() + _release_steps()


def _training_steps() -> list[Step]:
    """Train, predict on the test set, evaluate."""
    return [
        Step(
            "train",
            (("models.train_model", "train"),),
            after=("features",),
            sections=("seed", "features", "model"),
            reads=lambda layout: _processed(layout, layout.train_table),
            outputs=_model_outputs,
        ),
        Step(
            "predict",
            (("models.predict_model", "predict"),),
            after=("features", "train"),
            sections=("features", "model", "reports"),
            reads=lambda layout: [*_processed(layout, layout.test_table), *_model_outputs(layout)],
            outputs=lambda layout: [layout.predictions],
        ),
        Step(
            "evaluate",
            (("models.evaluate_model", "evaluate"),),
            after=("predict",),
            sections=("reports", "figures"),
            reads=lambda layout: [layout.predictions],
            outputs=lambda layout: [layout.metrics, *_figures(layout)[1:]],
        ),
        Step(
            "importance",
            (("models.importance", "importance"),),
            after=("features", "train"),
            sections=("seed", "features", "model", "reports", "figures"),
            reads=lambda layout: [*_processed(layout, layout.test_table), *_model_outputs(layout)],
            outputs=_importance_outputs,
            files=(MODEL_CARD_FILE,),  # the inputs' descriptions and units
        ),
    ]


@functools.cache
def _draws_importance() -> bool:
    """Whether the project's visualization/plots.py draws the importance figure.

    The file is yours (`copier update` keeps it): one from before `make importance` does not.
    Read, not imported (matplotlib takes a while).
    """
    plots = PACKAGE_DIR / "visualization" / "plots.py"
    try:
        return "def importance_figure(" in plots.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _importance_outputs(layout: Layout) -> list[Path]:
    """The permutation importance of `make importance`, and its figure where it is drawn."""
    figure = [layout.figure(IMPORTANCE_FIGURE)] if _draws_importance() else []
    return [layout.importance, *figure]


def _likelihood_outputs(layout: Layout) -> list[Path]:
    """The workspace and limits of `make likelihood` (HEP; none elsewhere)."""
    return [layout.workspace, layout.limits] if project.DOMAIN == "hep" else []


def _cutflow_outputs(layout: Layout) -> list[Path]:
    """The cut flow of `make cutflow` (HEP; none elsewhere)."""
    return [layout.cutflow] if project.DOMAIN == "hep" else []


@functools.cache
def _draws_efficiency_map() -> bool:
    """Whether the project's visualization/plots.py draws the efficiency map (read, not run).

    The file is yours (`copier update` keeps it): one from before `make efficiency-map` does not.
    """
    plots = PACKAGE_DIR / "visualization" / "plots.py"
    try:
        return "def efficiency_map_figure(" in plots.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _efficiency_map_outputs(layout: Layout) -> list[Path]:
    """The efficiency map of `make efficiency-map` and its figure (HEP; none elsewhere).

    No figure where the project's plots.py draws none, or where the map records that the
    tables have no truth columns.
    """
    if project.DOMAIN != "hep":
        return []
    try:
        skipped = "skipped" in json.loads(layout.efficiency_map.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        skipped = False
    drawn = _draws_efficiency_map() and not skipped
    return [layout.efficiency_map, *([layout.figure(EFFICIENCY_MAP_FIGURE)] if drawn else [])]


def _surrogate_outputs(layout: Layout) -> list[Path]:
    """The surrogate of `make surrogate` and its closure test (HEP; none elsewhere).

    No surrogate where the closure test records that the tables have no truth columns.
    """
    if project.DOMAIN != "hep":
        return []
    try:
        skipped = "skipped" in json.loads(layout.surrogate_closure.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        skipped = False
    validation = layout.model_dir / SURROGATE_DIR / VALIDATION_DIR
    released = [
        layout.surrogate_model,
        *(validation / f for f in (REFERENCE_INPUTS, EXPECTED_OUTPUTS)),
    ]
    return [layout.surrogate_closure, *([] if skipped else released)]


def _observed_file(layout: Layout) -> list[Path]:
    """The CSV file of measured counts `likelihood.observed` names, if it names one."""
    likelihood = layout.config.likelihood
    observed = likelihood.observed if likelihood is not None else None
    return [observed] if isinstance(observed, Path) else []


def _likelihood_steps() -> list[Step]:
    """HEP: the cut flow, the efficiency map, the surrogate, the HistFactory model of the score."""
    if project.DOMAIN != "hep":
        return []
    return [
        Step(
            "cutflow",
            (("models.cutflow", "cutflow"),),
            after=("features", "predict"),
            sections=("cutflow",),
            reads=lambda layout: [*_processed(layout, layout.test_table), layout.predictions],
            outputs=_cutflow_outputs,
        ),
        Step(
            "efficiency-map",
            (("models.efficiency_map", "efficiency_map"),),
            after=("features", "predict"),
            sections=("cutflow", "efficiency_map", "figures", "reports"),
            reads=lambda layout: [*_processed(layout, layout.test_table), layout.predictions],
            outputs=_efficiency_map_outputs,
        ),
        Step(
            "surrogate",
            (("models.surrogate", "make_surrogate"),),
            after=("features", "train", "predict"),
            sections=("seed", "cutflow", "model", "surrogate"),
            reads=lambda layout: [
                *_processed(layout, layout.train_table, layout.test_table),
                *_model_outputs(layout),
                layout.predictions,
            ],
            outputs=_surrogate_outputs,
        ),
        Step(
            "likelihood",
            (("models.likelihood", "make_likelihood"),),
            after=("features", "predict"),
            # The cut flow's cuts select the events of the histograms.
            sections=("seed", "features", "reports", "likelihood", "cutflow"),
            reads=lambda layout: [
                *_processed(layout, layout.test_table),
                layout.predictions,
                *_observed_file(layout),
            ],
            outputs=_likelihood_outputs,
        ),
    ]


def _release_steps() -> list[Step]:
    """Export, validate, write the model card; in HEP the likelihood first, HEPData last."""
    export = [("models.export_onnx", "export")]
    if project.ML_FRAMEWORK == "scikit-learn":
        export.append(("models.export_cpp", "export_cpp"))
    # HEP: the likelihood of the classifier score, which the card and HEPData describe.
    hep = ("cutflow", "efficiency-map", "surrogate", "likelihood")
    likelihood = hep if project.DOMAIN == "hep" else ()
    found = [
        *_likelihood_steps(),
        Step(
            "export",
            tuple(export),
            after=("features", "train"),
            sections=("features", "model"),
            reads=lambda layout: [*_processed(layout, layout.test_table), *_model_outputs(layout)],
            outputs=_export_outputs,
            files=(MODEL_CARD_FILE,),
            resources=("models/score.cc",) if project.ML_FRAMEWORK == "scikit-learn" else (),
        ),
        Step(
            "model-card",
            (("models.model_card", "write_model_card"),),
            after=("train", "evaluate", "importance", "export", *likelihood),
            sections=("seed", "data", "features", "model", "reports", "figures"),
            reads=lambda layout: [
                *_model_outputs(layout),
                layout.metrics,
                *_figures(layout),
                *_importance_outputs(layout),
                *_export_outputs(layout),
                *_cutflow_outputs(layout),
                *_efficiency_map_outputs(layout),
                *_surrogate_outputs(layout),
                *_likelihood_outputs(layout),
            ],
            outputs=lambda layout: [layout.model_dir / MODEL_CARD],
            files=(MODEL_CARD_FILE, CITATION),
            resources=("models/model_card_template.md",),
        ),
        # After the card: it checks every file the model's manifest lists, the card and the
        # figures beside it included.
        Step(
            "validate-model",
            (("models.validate_model", "report"),),
            after=("export", "model-card"),
            sections=("model",),
            reads=lambda layout: [
                *_export_outputs(layout),
                layout.model_dir / MODEL_CARD,
                layout.model_dir / MANIFEST_NAME,
            ],
            label="model validation failed: ",
            check=True,
        ),
    ]
    if project.DOMAIN == "hep":
        found.append(
            Step(
                "hepdata",
                (("models.hepdata_submission", "build_submission"),),
                after=(
                    "predict",
                    "evaluate",
                    "importance",
                    "export",
                    "cutflow",
                    "efficiency-map",
                    "surrogate",
                    "likelihood",
                    "model-card",
                ),
                sections=("model", "reports", "figures"),
                reads=lambda layout: [
                    layout.predictions,
                    layout.metrics,
                    *_figures(layout)[1:],  # the tables' figures: ROC curve, scores
                    *_importance_outputs(layout),
                    *_cutflow_outputs(layout),
                    *_efficiency_map_outputs(layout),
                    *_surrogate_outputs(layout),
                    *_likelihood_outputs(layout),
                    *_export_outputs(layout),
                    layout.model_dir / MODEL_CARD,
                    layout.model_dir / MANIFEST_NAME,
                ],
                outputs=lambda layout: [layout.config.root / HEPDATA_DIR / ARCHIVE],
                files=(CITATION,),
            )
        )
    return found


def targets() -> dict[str, tuple[str, ...]]:
    """What each make target runs: every step by its name, and `all`.

    Returns:
        target -> the steps it asks for (each with the steps it needs, `plan`).
    """
    known = steps()
    final = [name for name in known if name not in {"data", "train", "predict"}]
    if "train" in known:
        final.remove("features")
    return {**{name: (name,) for name in known}, "all": tuple(final)}


def plan(names: Sequence[str]) -> list[Step]:
    """The steps `names` need, each once, in the order they run.

    Args:
        names: step names (not `all`; see `targets`).

    Returns:
        The steps and all those before them, in the order of `steps`.
    """
    known = steps()
    wanted: set[str] = set()

    def need(name: str) -> None:
        if name not in wanted:
            wanted.add(name)
            for before in known[name].after:
                need(before)

    for name in names:
        need(name)
    return [step for name, step in known.items() if name in wanted]


def _module_file(module: str) -> Path | None:
    """The source file of a module of the package (`data.table`), or None if it has none."""
    base = PACKAGE_DIR.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=512)
def _imports(module: str, path: Path, size: int, mtime_ns: int) -> tuple[str, ...]:
    """The package modules the file of `module` imports (cached while the file is unchanged)."""
    return tuple(_imported(module, path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=512)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    """The sha256 of a file of the package (cached while it is unchanged)."""
    return sha256_of(path)


def _code_digest(path: Path) -> str | None:
    """The sha256 of a file of the package, or None when it is missing."""
    try:
        status = path.stat()
    except OSError:
        return None
    return _file_digest(path, status.st_size, status.st_mtime_ns)


def _imported(module: str, source: str) -> Iterator[str]:
    """The modules of the package that `source` (the text of `module`) imports, anywhere."""
    package = module.split(".")[:-1] if not module.endswith("__init__") else module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == PACKAGE:
                stem = node.module.split(".")[1:]
            else:
                continue
            yield ".".join(stem)
            for alias in node.names:  # `from . import manifest` imports a module
                yield ".".join([*stem, alias.name])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield ".".join(alias.name.split(".")[1:])


def code_files(modules: Sequence[str]) -> list[Path]:
    """The package's source files that `modules` import, followed to the end.

    Read with `ast`, never run; a lazy import inside a function counts too.

    Args:
        modules: module names below the package, e.g. ["models.train_model"].

    Returns:
        Their files and those of every package module they import, sorted.
    """
    found: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        module = todo.pop().strip(".")
        path = _module_file(module) if module else PACKAGE_DIR / "__init__.py"
        if path is None or module in found:
            continue
        found[module] = path
        dotted = module if path.name != "__init__.py" else f"{module}.__init__"
        status = path.stat()
        todo += _imports(dotted, path, status.st_size, status.st_mtime_ns)
    return sorted(set(found.values()))


@dataclass
class Stamps:
    """The stamps of a project: what each step depended on and wrote when it last succeeded.

    Attributes:
        root: the project folder.
        known: path (relative to `root`) -> [size, mtime_ns, sha256] of every file a stamp
            names, so that an unchanged file is not hashed again.
    """

    root: Path
    known: dict[str, list[Any]] = field(default_factory=dict)

    def path(self, step: Step) -> Path:
        """The stamp file of `step`: .pipeline/<name>.json.

        Args:
            step: the step.

        Returns:
            The file's path below `root`, present or not.
        """
        return self.root / STAMP_DIR / f"{step.name}.json"

    def read(self, step: Step) -> dict[str, Any] | None:
        """The stamp of `step`, or None without a readable one (the step then runs).

        The size, modification time and digest it records of each output go into `known`,
        unless `known` has that file already.

        Args:
            step: the step.

        Returns:
            The stamp as `write` wrote it ("step", "inputs", "outputs"); None when the file is
            missing, unreadable, not JSON or not a JSON object.
        """
        try:
            stamp = json.loads(self.path(step).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(stamp, dict):
            return None
        for name, entry in (stamp.get("outputs") or {}).items():
            self.known.setdefault(name, entry)
        return stamp

    def digest(self, path: Path) -> str | None:
        """The sha256 of a file of the project, or None when it is missing.

        A file whose size and modification time are those recorded is not read again.

        Args:
            path: the file, inside the project folder or not.

        Returns:
            The hex digest (recorded in `known`), or None when the file is missing.
        """
        name = self._name(path)
        try:
            status = path.stat()
        except OSError:
            return None
        entry = self.known.get(name)
        if entry and entry[:2] == [status.st_size, status.st_mtime_ns]:
            return str(entry[2])
        digest = sha256_of(path)
        self.known[name] = [status.st_size, status.st_mtime_ns, digest]
        return digest

    def write(
        self,
        step: Step,
        inputs: dict[str, str | None],
        outputs: list[Path],
        started: str | None = None,
    ) -> None:
        """Record that `step` succeeded with `inputs`, having written `outputs`.

        Args:
            step: the step that succeeded.
            inputs: what it depended on, as `inputs_of` gives it.
            outputs: the files it writes; those present are recorded with their size,
                modification time (ns) and sha256, those missing are left out.
            started: when the step started (UTC, ISO 8601), recorded with the time it ended
                as "started" and "ended": the times of the run that `make release` describes
                (release.py).

        Raises:
            WriteError: the disk, the quota or the file-size limit is full.
            OSError: any other failure to write the stamp file.
        """
        written = {}
        for path in outputs:
            if self.digest(path) is not None:
                written[self._name(path)] = self.known[self._name(path)]
        stamp: dict[str, Any] = {"step": step.name, "inputs": inputs, "outputs": written}
        if started is not None:
            stamp.update(started=started, ended=utc_now())
        write_text(self.path(step), json.dumps(stamp, indent=1, sort_keys=True) + "\n")

    def _name(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.resolve().as_posix()


def utc_now() -> str:
    """The time now, UTC, to the second.

    Returns:
        ISO 8601 with the zone, e.g. "2026-12-01T01:10:15+00:00".
    """
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def section_digest(config: Config, section: str) -> str:
    """The sha256 of one section of config/pipeline.yaml as read (comments and order aside).

    Args:
        config: the checked configuration; its `raw` mapping is hashed.
        section: the top-level key, e.g. "model" or "seed".

    Returns:
        The hex digest of the section as sorted JSON (a missing section hashes as null).
    """
    text = json.dumps(config.raw.get(section), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def inputs_of(step: Step, config: Config, stamps: Stamps) -> dict[str, str | None]:
    """What `step` depends on now, each by a digest.

    Args:
        step: the step.
        config: the checked configuration.
        stamps: the project's stamps (their record of unchanged files saves hashing them).

    Returns:
        label -> sha256 (None for a missing file): "config:<section>", "code:<file>",
        "file:<path>" for the outputs of the steps before it and the other files it reads.
    """
    found: dict[str, str | None] = {}
    for section in step.sections:
        found[f"config:{section}"] = section_digest(config, section)
    package_files = code_files([module for module, _ in step.calls])
    package_files += [PACKAGE_DIR / name for name in step.resources]
    for path in package_files:
        name = path.relative_to(PACKAGE_DIR).as_posix()
        found[f"code:{name}"] = _code_digest(path)
    files = step.reads(Layout(config)) + [config.root / path for path in step.files]
    for path in files:
        found[f"file:{stamps._name(path)}"] = stamps.digest(path)
    return found


def why(
    step: Step,
    stamp: dict[str, Any] | None,
    now: dict[str, str | None],
    stamps: Stamps,
    layout: Layout,
) -> str | None:
    """Why `step` must run, or None when it is up to date.

    Args:
        step: the step.
        stamp: its stamp (`Stamps.read`), None when it has none.
        now: what it depends on now (`inputs_of`).
        stamps: the project's stamps.
        layout: the project's outputs.

    Returns:
        "it has not run yet", "<what> changed", or "<output> is missing or changed".
    """
    if stamp is None:
        return "it has not run here yet"
    before = stamp.get("inputs") or {}
    changed = sorted(key for key in set(before) | set(now) if before.get(key) != now.get(key))
    if changed:
        shown = ", ".join(key.split(":", 1)[1] for key in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return f"changed since it ran: {shown}{more}"
    recorded = stamp.get("outputs") or {}
    for path in step.outputs(layout):
        entry = recorded.get(stamps._name(path))
        if entry is None or stamps.digest(path) != entry[2]:
            return f"{stamps._name(path)} is missing or was changed since it wrote it"
    return None


class StepFailed(Exception):
    """A step failed with an error of its own; the message names the step's files and fix."""


def _call(step: Step, root: Path, options: dict[str, bool]) -> None:
    """Run the functions of `step`; its expected errors become `StepFailed` (one line).

    Args:
        step: the step.
        root: the project folder.
        options: keyword arguments of its functions (`record` for the data step).

    Raises:
        StepFailed: an expected error of the step (`step.EXPECTED` and the module's `ERRORS`),
            its message after the step's label.
    """
    for module_name, function in step.calls:
        module = importlib.import_module(f"{PACKAGE}.{module_name}")
        errors: tuple[type[Exception], ...] = (*EXPECTED, *getattr(module, "ERRORS", ()))
        try:
            getattr(module, function)(root, **options)
        except errors as error:
            raise StepFailed(f"{step.label}{error}") from error


def _check_before_any_step(planned: list[Step], config: Config, stamps: Stamps) -> None:
    """Refuse settings that a later step would refuse, before the first step runs.

    The `model:` section, where a model step is planned; the names of `model.hyperparameters`
    (checked by the estimator, so only when they changed since training, as importing the
    library takes a while).

    Raises:
        ConfigError: the setting is missing or wrong.
    """
    names = {step.name for step in planned}
    if names - {"data", "features"}:
        config.model_section()
    train = steps().get("train")
    if train is None or train.name not in names:
        return
    stamp = stamps.read(train) or {}
    if (stamp.get("inputs") or {}).get("config:model") == section_digest(config, "model"):
        return
    trainer = importlib.import_module(f"{PACKAGE}.models.train_model")
    trainer.check_hyperparameters(config.model_section().hyperparameters)


def run(root: Path, names: Sequence[str], force: bool = False, record: bool = False) -> list[str]:
    """Run the steps `names` need, each only when its inputs changed.

    Call it holding the project's lock (`main` does).

    Args:
        root: the project folder.
        names: targets (`targets`), e.g. ["all"] or ["train"].
        force: run the named steps even when they are up to date; with "all", every step.
        record: `make data RECORD=1`: record an existing raw file without a manifest entry.

    Returns:
        The names of the steps that ran.

    Raises:
        ConfigError: config/pipeline.yaml is wrong; nothing ran.
        StepFailed: a step failed (the steps before it keep their results).
        Exception: what a step raises (see `step.EXPECTED`).
    """
    config = load_config(root)
    layout = Layout(config)
    table = targets()
    asked = [step for name in names for step in table[name]]
    stamps = Stamps(root)
    # A check asked for by name checks the outputs as they are: the steps before it do not run
    # (they would write the release again, and hide the very change the check is to find).
    known = steps()
    alone = [name for name in names if name in known and known[name].check]
    planned = plan([name for name in asked if name not in alone])
    planned += [known[name] for name in alone if known[name] not in planned]
    _check_before_any_step(planned, config, stamps)
    # FORCE=1 reruns the steps named; `make all` names them all (not only the last ones).
    forced = {step.name for step in planned} if "all" in names else set(asked)
    ran, current = [], []
    for step in planned:
        stamp = stamps.read(step)
        now = inputs_of(step, config, stamps)
        reason = why(step, stamp, now, stamps, layout)
        if force and step.name in forced:
            reason = reason or "FORCE=1"
        if step.check and step.name in names:
            reason = reason or "asked for"
        if reason is None:
            current.append(step.name)
            continue
        if current:
            print(f"up to date: {', '.join(current)}")
            current = []
        print(f"--- {step.name}: {reason}")
        options = {"record": record} if step.name == "data" else {}
        started = utc_now()
        _call(step, root, options)
        stamps.write(step, now, step.outputs(layout), started)
        ran.append(step.name)
    if not ran:
        print(
            f"nothing to do: {', '.join(current)} up to date (their settings, code and inputs "
            "are as when they ran; FORCE=1 runs them again)"
        )
    elif current:
        print(f"up to date: {', '.join(current)}")
    return ran


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of `make <target>`: `python -m <package>.pipeline [--root DIR] TARGET...`.

    Args:
        argv: the arguments (default: the command line).

    Returns:
        0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    parser = argparse.ArgumentParser(prog=f"python -m {PACKAGE}.pipeline", description=__doc__)
    parser.add_argument("targets", nargs="+", choices=list(targets()), metavar="TARGET")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--force", action="store_true", help="run the named steps again")
    parser.add_argument(
        "--record", action="store_true", help="record an existing raw file without an entry"
    )
    args = parser.parse_args(argv)
    return run_locked(
        args.root, lambda: run(args.root, args.targets, args.force, args.record), (StepFailed,)
    )


if __name__ == "__main__":
    sys.exit(main())

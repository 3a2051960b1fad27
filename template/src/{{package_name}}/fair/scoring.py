"""The parts of the FAIR scorecard: the facts it reads, the result of a check, the registry.

A check is a function of the :class:`Context` (the facts about the project, gathered once by
:func:`.scorecard.build_context`) that returns an :class:`Outcome`: pass, warn or fail, the
evidence (file and field) and the fix. It is registered with :func:`fair_check` (or
:func:`model_check`) under its FAIR principle and subject; its docstring's first line is its
title, the rest says where the rule comes from. The checks never read a file themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..layout import (
    ARCHIVE,
    CPP_DIR,
    CPP_FILES,
    CUTFLOW_FILE,
    EFFICIENCY_MAP_FILE,
    EXPECTED_OUTPUTS,
    HEPDATA_DIR,
    IMPORTANCE_FILE,
    LIMITS_FILE,
    ONNX_FILE,
    REFERENCE_INPUTS,
    SURROGATE_CLOSURE_FILE,
    SURROGATE_DIR,
    SURROGATE_FILE,
    TRAINING_RECORD,
    VALIDATION_DIR,
)
from .cff import data_references
from .findings import Finding, Report
from .sources import CITATION, MODEL_CARD, ZENODO, Record

Status = Literal["pass", "warn", "fail"]
Subject = Literal["code", "data", "model"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail")

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LICENSE_FILE = "LICENSE"
README = "README.md"
DATASHEET = "data/README.md"
TRAINER = f"src/{PACKAGE_DIR.name}/models/train_model.py"
HEPDATA_ARCHIVE = f"{HEPDATA_DIR.as_posix()}/{ARCHIVE}"
#: The files of the project whose presence the checks look at (`Context.has`).
PROJECT_FILES = (LICENSE_FILE, README, ZENODO, TRAINER, HEPDATA_ARCHIVE)
#: The results of the analysis steps the Les Houches lines look at, by name: their files in
#: the reports folder (beside reports.predictions_file).
RESULTS = {
    "importance": IMPORTANCE_FILE,
    "cutflow": CUTFLOW_FILE,
    "efficiency_map": EFFICIENCY_MAP_FILE,
    "surrogate": SURROGATE_CLOSURE_FILE,
    "limits": LIMITS_FILE,
}
#: The validation material of a released model, relative to models/<name>/.
VALIDATION_FILES = (f"{VALIDATION_DIR}/{REFERENCE_INPUTS}", f"{VALIDATION_DIR}/{EXPECTED_OUTPUTS}")
#: The files of a released model that `make all` writes, relative to models/<name>/.
RELEASE_FILES = (ONNX_FILE, *VALIDATION_FILES)
#: The surrogate network of `make surrogate` (HEP), relative to models/<name>/.
SURROGATE_RELEASE = f"{SURROGATE_DIR}/{SURROGATE_FILE}"
#: Its validation material (reference inputs, expected outputs), relative to models/<name>/.
SURROGATE_VALIDATION = tuple(f"{SURROGATE_DIR}/{name}" for name in VALIDATION_FILES)
#: The C++ header of the trees (`make export`), relative to models/<name>/.
CPP_HEADER = f"{CPP_DIR}/{CPP_FILES[0]}"


@dataclass(frozen=True)
class Outcome:
    """What a check found: its status, the evidence (file and field) and the fix."""

    #: "pass", "warn" or "fail".
    status: Status
    #: The file and field that show it, e.g. "CITATION.cff: doi 10.5281/zenodo.1234567".
    evidence: str
    #: What to do; "" for a pass.
    fix: str = ""


def passed(evidence: str) -> Outcome:
    """A passing outcome.

    Args:
        evidence: the file and field that show it, e.g. ``"CITATION.cff: doi 10.5281/..."``.

    Returns:
        The outcome, with no fix.
    """
    return Outcome("pass", evidence)


def warned(evidence: str, fix: str) -> Outcome:
    """A warning: something to add before publishing.

    Args:
        evidence: the file and field, and what is missing.
        fix: what to do.

    Returns:
        The outcome.
    """
    return Outcome("warn", evidence, fix)


def failed(evidence: str, fix: str) -> Outcome:
    """A failure: `make fair` exits 1.

    Args:
        evidence: the file and field, and what is wrong.
        fix: what to do.

    Returns:
        The outcome.
    """
    return Outcome("fail", evidence, fix)


def worst(outcomes: Iterable[Outcome]) -> Status:
    """The worst status of some outcomes.

    Args:
        outcomes: the outcomes of the parts of one line.

    Returns:
        "fail" if any fails, else "warn" if any warns, else "pass" (also for none).
    """
    statuses = {o.status for o in outcomes}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"


@dataclass(frozen=True)
class Released:
    """One file of the model release, compared with the model's MANIFEST.sha256."""

    exists: bool
    #: The manifest has an entry for it.
    listed: bool = False
    #: Its sha256 is the manifest's (True when it is not listed).
    intact: bool = True


@dataclass(frozen=True)
class ModelContext:
    """The facts about the model release models/<name>/."""

    #: The folder, relative to the project, e.g. "models/classifier".
    dir: str
    #: The model card as the metadata checker parsed it; None when it could not.
    card: Record | None
    #: The released files (relative to `dir`), each compared with the manifest.
    release: Mapping[str, Released]
    #: Whether the manifest lists any file (the evidence then names it).
    has_manifest: bool = False

    @property
    def card_name(self) -> str:
        """The model card's path, relative to the project."""
        return f"{self.dir}/{MODEL_CARD}"

    @property
    def training_record(self) -> str:
        """training.json (data, configuration and code version of the training)."""
        return f"{self.dir}/{TRAINING_RECORD}"

    @property
    def cpp_header(self) -> str:
        """The C++ header of the model."""
        return f"{self.dir}/{CPP_HEADER}"

    def files(self) -> tuple[str, ...]:
        """The files of the model whose presence the checks look at (`Context.has`).

        Returns:
            The model card, training.json and the C++ header, relative to the project.
        """
        return (self.card_name, self.training_record, self.cpp_header)


@dataclass(frozen=True)
class Context:
    """Every fact the checks look at, gathered once (no check reads a file)."""

    #: The metadata checker's report: its findings and the records it parsed.
    report: Report
    #: CITATION.cff as the checker parsed it.
    citation: Record
    #: The project's domain: "hep", "life-science" or "generic" ("" when unknown).
    domain: str = ""
    #: config/pipeline.yaml ({} when it cannot be read).
    config: Mapping[str, Any] = field(default_factory=dict)
    #: Whether each file of PROJECT_FILES and ModelContext.files() exists (paths relative to
    #: the project).
    files: Mapping[str, bool] = field(default_factory=dict)
    #: The licence texts in LICENSES/: lower-case SPDX id to their path.
    licence_texts: Mapping[str, str] = field(default_factory=dict)
    #: The text of the data sheet data/README.md; None when it is missing.
    datasheet: str | None = None
    #: The manifests of the raw data (``data/raw/**/MANIFEST.sha256``), relative to the project.
    manifests: tuple[str, ...] = ()
    #: The model release; None when the project has no model (no ``model:`` in the config).
    model: ModelContext | None = None
    #: The results the Les Houches lines look at (`RESULTS`): name -> (path relative to the
    #: project, its JSON content or None when it is missing or unreadable).
    results: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    #: The sha256 of the HistFactory workspace `make likelihood` wrote; None without one.
    workspace_sha256: str | None = None
    #: The RO-Crate of the newest release (`make release`): (its path relative to the project,
    #: its parsed JSON, None when unreadable); None before the first release.
    release_crate: tuple[str, Any] | None = None

    def has(self, path: str) -> bool:
        """Whether the file `path` exists.

        Args:
            path: relative to the project; one of PROJECT_FILES or ModelContext.files().

        Returns:
            Whether it is a file.

        Raises:
            KeyError: the context was not built to look for `path` (add it to those lists).
        """
        if path not in self.files:
            raise KeyError(f"the FAIR scorecard's context does not look for {path}")
        return self.files[path]

    def licence_file(self, spdx: str | None) -> str | None:
        """The licence text of an SPDX identifier in LICENSES/.

        Args:
            spdx: the SPDX identifier, in any letter case; None for none.

        Returns:
            Its path "LICENSES/<id>.txt", relative to the project; None when there is none.
        """
        return self.licence_texts.get(spdx.lower()) if spdx else None

    @property
    def data_reference(self) -> dict[str, Any] | None:
        """The first reference of CITATION.cff of type data or database; None if none."""
        return next((ref for _, ref in data_references(self.citation.raw)), None)

    def first_error(self, files: Iterable[str]) -> Finding | None:
        """The first error the metadata checker found in some files.

        Args:
            files: the files, relative to the project, in the order to look at them.

        Returns:
            The first error about the first file that has one; None if none has.
        """
        errors = (f for name in files for f in self.report.about(name) if f.severity == "error")
        return next(errors, None)


@dataclass(frozen=True)
class Check:
    """One line of the scorecard."""

    #: The FAIR principle ("F1" ... "R1.3") or "LH" (the Les Houches recommendations).
    principle: str
    #: What it is about: "code", "data" or "model".
    subject: str
    #: The title: the first line of the check's docstring.
    title: str
    #: "pass", "warn" or "fail".
    status: Status
    #: The file and field that show it.
    evidence: str
    #: What to do; "" for a pass.
    fix: str = ""
    #: A stable name of the check for machines (its function's name, e.g. "code_licence"):
    #: titles are prose and may be reworded.
    id: str = ""


@dataclass(frozen=True)
class FairCheck:
    """A registered check: its place in the scorecard and the function that runs it.

    A check of the code or the data is called with the context; a check of the model with the
    context and its model release, and only in a project with a model.
    """

    #: The FAIR principle or "LH".
    principle: str
    #: "code", "data" or "model".
    subject: Subject
    #: The first line of the function's docstring.
    title: str
    #: The check: called with the context (and the model release, for a model check).
    function: Callable[..., Outcome]
    #: Whether a project has this line, besides having a model for a model check.
    applies: Callable[[Context], bool]

    def applies_to(self, context: Context) -> bool:
        """Whether the project has this line.

        Args:
            context: the facts about the project.

        Returns:
            False for a model check in a project without a model, else what `applies` says.
        """
        return (self.subject != "model" or context.model is not None) and self.applies(context)

    def __call__(self, context: Context) -> Check:
        """Run the check on a project.

        Args:
            context: the facts about the project; for a model check it must have a model
                (`applies_to`).

        Returns:
            The scorecard line: this check's place and title, with the outcome.
        """
        if self.subject == "model":
            assert context.model is not None  # applies_to
            outcome = self.function(context, context.model)
        else:
            outcome = self.function(context)
        return Check(
            self.principle,
            self.subject,
            self.title,
            outcome.status,
            outcome.evidence,
            outcome.fix,
            self.function.__name__,
        )


#: Every check, in the order of the scorecard (the order the modules register them).
CHECKS: list[FairCheck] = []
ModelCheck = Callable[[Context, ModelContext], Outcome]
CodeOrDataCheck = Callable[[Context], Outcome]


def _always(context: Context) -> bool:
    return True


def _register(
    principle: str, subject: Subject, function: Callable[..., Outcome], applies: Any
) -> None:
    """Add a check to CHECKS, its title the first line of its docstring.

    Raises:
        TypeError: the function has no docstring.
        ValueError: a check with the same principle, subject and title is registered already.
    """
    lines = (function.__doc__ or "").strip().splitlines()
    if not lines:
        raise TypeError(f"the FAIR check {function.__name__} has no docstring: its title")
    title = lines[0].strip()
    if any((c.principle, c.subject, c.title) == (principle, subject, title) for c in CHECKS):
        raise ValueError(f"two FAIR checks '{principle} {subject} {title}'")
    CHECKS.append(FairCheck(principle, subject, title, function, applies))


def fair_check(
    principle: str, subject: Literal["code", "data"], applies: Callable[[Context], bool] = _always
) -> Callable[[CodeOrDataCheck], CodeOrDataCheck]:
    """Register a check of the code or the data; its docstring's first line is its title.

    Args:
        principle: the FAIR principle ("F1" ... "R1.3").
        subject: what it is about: "code" or "data".
        applies: whether the project has this line (default: every project).

    Returns:
        A decorator that registers the function and returns it unchanged; it raises
        TypeError for a function without a docstring and ValueError for a line (principle,
        subject, title) registered already.
    """

    def register(function: CodeOrDataCheck) -> CodeOrDataCheck:
        _register(principle, subject, function, applies)
        return function

    return register


def model_check(
    principle: str, applies: Callable[[Context], bool] = _always
) -> Callable[[ModelCheck], ModelCheck]:
    """Register a check of the model; its docstring's first line is its title.

    Args:
        principle: the FAIR principle or "LH" (an item of the Les Houches recommendations).
        applies: whether the project has this line, besides having a model.

    Returns:
        A decorator that registers the function and returns it unchanged (it raises as the
        one of :func:`fair_check` does).
    """

    def register(function: ModelCheck) -> ModelCheck:
        _register(principle, "model", function, applies)
        return function

    return register


def run_checks(context: Context) -> list[Check]:
    """Run every registered check that applies to the project.

    Args:
        context: the facts about the project.

    Returns:
        One line per check, in the order of registration.
    """
    return [check(context) for check in CHECKS if check.applies_to(context)]


def no_citation(report: Report) -> Check:
    """The one line of a project whose CITATION.cff cannot be read: no other check can run.

    Args:
        report: the metadata checker's report, whose first error says what is wrong.

    Returns:
        The failing line, with the checker's first error and its fix.
    """
    first = report.errors[0] if report.errors else None
    evidence = f"{first.where}: {first.message}" if first else CITATION
    fix = first.fix if first else f"restore {CITATION}"
    return Check("F2", "code", "citation metadata", "fail", evidence, fix, "citation_metadata")


@dataclass
class Scorecard:
    """All checks of one project."""

    #: One line per check, in the order of the scorecard.
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        """The checks that fail (`make fair` then exits 1)."""
        return [c for c in self.checks if c.status == "fail"]

    def counts(self) -> dict[str, int]:
        """How many checks have each status.

        Returns:
            {"pass": n, "warn": n, "fail": n}.
        """
        return {s: sum(c.status == s for c in self.checks) for s in STATUSES}

    def as_dict(self) -> dict[str, Any]:
        """The scorecard as JSON-serialisable data, as `make fair` writes reports/fair.json.

        Returns:
            {"summary": `counts()`, "checks": [each line's fields as a dict]}.
        """
        return {"summary": self.counts(), "checks": [asdict(c) for c in self.checks]}

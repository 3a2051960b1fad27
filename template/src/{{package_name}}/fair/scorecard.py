"""The FAIR scorecard (`make fair`): what is still missing before code, data and model are FAIR.

One check per line: a FAIR principle (F1-F4, A1, A1.1, A1.2, A2, I1-I3, R1, R1.1-R1.3) applied
to the code, the data or the model, or an item of the Les Houches recommendations for reusable
machine-learning models (LH, arXiv:2312.14575). Each line has a status (pass, warn, fail), the
evidence (file and field) and the fix. The checks are the functions of :mod:`.fairchecks` (code
and data) and :mod:`.modelchecks` (model), registered in :mod:`.scoring`; to add a line, add a
function there.

It runs the metadata checker once and reuses its parsed records and findings; it reads each
other file it needs once, into the :class:`Context`, before any check runs. Standard library
and PyYAML.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ..data.manifest import ChecksumError, read_manifest, sha256_of
from ..layout import MANIFEST_NAME, WORKSPACE_FILE
from ..project import DOMAIN
from . import fairchecks, modelchecks  # noqa: F401  (registers the checks, in this order)
from .checks import check_metadata
from .findings import Report
from .scoring import (
    CHECKS,
    DATASHEET,
    PROJECT_FILES,
    RELEASE_FILES,
    RESULTS,
    SURROGATE_RELEASE,
    Check,
    Context,
    ModelContext,
    Released,
    Scorecard,
    licence_texts,
    no_citation,
    run_checks,
)
from .sources import CITATION, Record

__all__ = ["CHECKS", "Check", "Context", "Scorecard", "build_context", "scorecard"]


def _config(root: Path) -> dict[str, Any]:
    """config/pipeline.yaml (the checker does not read it), or {} when unreadable."""
    try:
        config = yaml.safe_load((root / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def _released(directory: Path, relative: str, manifest: dict[str, str]) -> Released:
    """One file of the model release, compared with the manifest (hashed once, here)."""
    path = directory / relative
    listed = relative in manifest
    if not path.is_file():
        return Released(exists=False, listed=listed)
    return Released(True, listed, not listed or manifest[relative] == sha256_of(path))


def _model_context(root: Path, report: Report, config: dict[str, Any]) -> ModelContext | None:
    """The facts about models/<name>/ of config/pipeline.yaml; None when there is no model."""
    section = config.get("model")
    if not isinstance(section, dict) or not isinstance(section.get("dir"), str):
        return None
    directory = root / section["dir"]
    try:
        manifest = read_manifest(directory / MANIFEST_NAME)
    except ChecksumError:  # a malformed manifest: every released file counts as unrecorded
        manifest = {}
    model = ModelContext(
        dir=directory.relative_to(root).as_posix(),
        card=None,
        release={f: _released(directory, f, manifest) for f in (*RELEASE_FILES, SURROGATE_RELEASE)},
        has_manifest=bool(manifest),
    )
    card = report.records.get(model.card_name)  # parsed by the checker
    return replace(model, card=card) if isinstance(card, Record) else model


def _results(root: Path, config: dict[str, Any]) -> tuple[dict[str, tuple[str, Any]], str | None]:
    """The analysis results of `RESULTS`, read, and the sha256 of the likelihood's workspace.

    A file that is missing, unreadable or not JSON is None: the check of it says so.
    """
    reports = config.get("reports") or {}
    predictions = reports.get("predictions_file") if isinstance(reports, dict) else None
    folder = Path(str(predictions or "reports/predictions.csv")).parent
    results: dict[str, tuple[str, Any]] = {}
    for name, file in RESULTS.items():
        path = folder / file
        try:
            content = json.loads((root / path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            content = None
        results[name] = (path.as_posix(), content)
    workspace = root / folder / WORKSPACE_FILE
    digest = sha256_of(workspace) if workspace.is_file() else None
    return results, digest


def build_context(root: Path, report: Report, citation: Record) -> Context:
    """Gather the facts the checks look at, reading each file once.

    Args:
        root: the project folder.
        report: the metadata checker's report on it (its parsed records are reused).
        citation: CITATION.cff as the checker parsed it.

    Returns:
        The context every check runs on.

    Raises:
        OSError: a file the checks look at exists but cannot be read (the data sheet, a
            released model file).
        UnicodeDecodeError: the data sheet data/README.md is not UTF-8 text.
    """
    config = _config(root)
    model = _model_context(root, report, config)
    looked_for = PROJECT_FILES + (model.files() if model else ())
    sheet = root / DATASHEET
    results, workspace_sha256 = _results(root, config) if model else ({}, None)
    manifests = sorted((root / "data" / "raw").glob("**/" + MANIFEST_NAME))
    return Context(
        report=report,
        citation=citation,
        domain=DOMAIN,
        config=config,
        files={name: (root / name).is_file() for name in looked_for},
        licence_texts=licence_texts(root),
        datasheet=sheet.read_text(encoding="utf-8") if sheet.is_file() else None,
        manifests=tuple(m.relative_to(root).as_posix() for m in manifests),
        model=model,
        results=results,
        workspace_sha256=workspace_sha256,
    )


def scorecard(root: Path) -> Scorecard:
    """Run the metadata checker once, then every FAIR check.

    Args:
        root: the project folder.

    Returns:
        The scorecard: one line per check; only the line "citation metadata" when
        CITATION.cff cannot be read, since every other check rests on it.

    Raises:
        OSError: a file the checks look at exists but cannot be read (`build_context`).
        UnicodeDecodeError: the data sheet data/README.md is not UTF-8 text.
    """
    report = check_metadata(root)
    citation = report.records.get(CITATION)
    if not isinstance(citation, Record):
        return Scorecard([no_citation(report)])
    return Scorecard(run_checks(build_context(root, report, citation)))

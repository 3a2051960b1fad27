"""`make model-card`: write models/<name>/MODEL_CARD.md in the Hugging Face format.

The YAML header is built with huggingface_hub's ModelCardData (licence, library, tags, data sets,
metrics and a model-index with the test results); the sections follow the Hugging Face template
and are filled from config/model_card.yaml, CITATION.cff, training.json, reports/metrics.json,
the figures and the ONNX export. The figures and the licence text are copied beside the card so
that the model folder is complete on its own.

A card that was edited by hand since it was generated is never overwritten.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from .. import project
from ..config import Config, energy_text, load_config
from ..data import manifest
from ..fair.checks import release_citation
from ..fair.crosswalk import model_card_authors
from ..fair.licences import licence_texts
from ..fair.sources import MODEL_CARD, Record, SourceError, hf_license
from ..files import copy_file, write_text
from ..layout import (
    CARD_EDITED_FIX,
    CPP_DIR,
    EFFICIENCY_MAP_FIGURE,
    EXPORT_CHECK,
    FEATURE_FIGURE,
    IMPORTANCE_FIGURE,
    MODEL_FIGURES_DIR,
    MODEL_RESULTS_DIR,
    ROC_FIGURE,
    SCORE_FIGURE,
    SURROGATE_DIR,
    TRAIN_TABLE,
    TRAINING_RECORD,
    VALIDATION_DIR,
    Layout,
)
from ..step import run_step
from . import estimator, onnx_io, reference
from .card_config import TEXT_FIELDS, load_card_config
from .inputs import describe_inputs
from .train_model import load_trained

PACKAGE = (__package__ or __name__).split(".")[0]
TEMPLATE = Path(__file__).with_name("model_card_template.md")
MARKER = "<!-- Written by `make model-card`"
FIGURES = {
    ROC_FIGURE: "ROC curve on the test set",
    SCORE_FIGURE: (
        f"Classifier score for {project.CLASS_NAMES[1]} and {project.CLASS_NAMES[0]} (test set)"
    ),
    FEATURE_FIGURE: "Input feature distributions (the last bin holds the overflow)",
    IMPORTANCE_FIGURE: "Permutation importance: the drop of the ROC AUC when an input is shuffled",
    EFFICIENCY_MAP_FIGURE: "Signal efficiency of the selection in bins of two truth quantities",
}
METRIC_NAMES = {"roc_auc": "ROC AUC", "accuracy": "Accuracy (threshold 0.5)"}


class CardError(Exception):
    """The model card cannot be written."""


def _read_json(path: Path, step: str) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make {step}`")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _step_result(
    path: Path, step: str, shape: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """The JSON result of a HEP step, as the card shows it.

    Args:
        path: the file the step writes (in reports/).
        step: the make target that writes it, for the messages.
        shape: what the card takes of the record; its KeyError, TypeError or ValueError means
            the file is not the step's.

    Returns:
        None in a project of another domain; {"skipped": why} where the step recorded a skip;
        else `shape(record)`.

    Raises:
        FileNotFoundError: the file is missing (run the step).
        CardError: it is not the file the step writes.
    """
    if project.DOMAIN != "hep":
        return None
    record = _read_json(path, step)
    if "skipped" in record:
        return {"skipped": str(record["skipped"])}
    try:
        return shape(record)
    except (KeyError, TypeError, ValueError) as error:
        raise CardError(
            f"{path}: is not the file `make {step}` writes ({error!r}): run `make {step}` again"
        ) from error


def experiment_context(config: Config) -> dict[str, str] | None:
    """The experiment the model's data come from, as the card writes it.

    Read from the `figures:` section of config/pipeline.yaml (HEP projects).

    Args:
        config: the checked configuration.

    Returns:
        {"name", "status", "energy" ("13.6 TeV", or "900 GeV" below 1 TeV), "luminosity"
        (fb^-1), "tag" (the name as a Hugging Face tag, e.g. "atlas")}, texts empty when not
        set; None without an experiment.
    """
    figures = config.figures
    name, luminosity = figures.experiment, figures.luminosity_fb
    if not name:
        return None
    return {
        "name": name,
        "status": figures.status,
        "energy": energy_text(figures.com_energy_tev) or "",
        "luminosity": "" if luminosity is None else f"{luminosity:g}",
        "tag": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
    }


def model_title(title: str, model: str) -> str:
    """The model's name in its card: the project's title, then the model's name.

    Args:
        title: the title of CITATION.cff, e.g. "Tau identification".
        model: model.name of config/pipeline.yaml, e.g. "classifier".

    Returns:
        "<title> <model>"; the title alone when it ends with the model's name already
        ("Tau classifier", not "Tau classifier classifier").
    """
    if title.casefold().rstrip().endswith(model.casefold()):
        return title.rstrip()
    return f"{title} {model}"


def licence_copy(root: Path, spdx: str) -> tuple[Path, str] | None:
    """The licence text the model folder carries, as the project keeps it.

    Args:
        root: the project folder.
        spdx: the SPDX identifier of the data and model licence (CITATION.cff).

    Returns:
        (the text in the project's LICENSES/, its path in the model folder
        "LICENSES/<id>.txt"); None when the project has no text of that licence.
    """
    relative = licence_texts(root).get(spdx.lower())
    return (root / relative, relative) if relative else None


def likelihood_context(layout: Layout) -> dict[str, Any] | None:
    """The likelihood of `make likelihood` as the card describes it (HEP projects).

    Args:
        layout: the project's outputs; reports/limits.json is read.

    Returns:
        {"workspace": its path in the project, "level": e.g. "95%", "channels": [{"name",
        "bins", "samples"}], "modifiers": [{"name", "type"}], "expected": {band key: limit on
        mu}, "observed": limit on mu, "selection": {"cuts", "signal_efficiency",
        "background_efficiency"} or None, "seed", "signal_yield", "background_yield" (events),
        "background_uncertainty" (relative), "method"}; None in a project of another domain.

    Raises:
        FileNotFoundError: reports/limits.json is missing (run `make likelihood`).
        CardError: it is not the file `make likelihood` writes.
    """

    def shape(limits: dict[str, Any]) -> dict[str, Any]:
        return {
            "workspace": f"{MODEL_RESULTS_DIR}/{Path(str(limits['workspace'])).name}",
            "level": f"{float(limits['confidence_level']):.0%}",
            "channels": list(limits["model"]["channels"]),
            "modifiers": list(limits["model"]["modifiers"]),
            "expected": {key: float(value) for key, value in limits["expected"].items()},
            "observed": float(limits["observed"]),
            "seed": limits["observed_data"].get("seed"),
            # The label limits.json gives pseudo-data (likelihood.PSEUDO_DATA; limits from
            # before measured data could be given were all on pseudo-data); None where the
            # observed limit is on the measured counts of `likelihood.observed`.
            "pseudo_data": None
            if limits["observed_data"].get("measured") is True
            else str(limits["observed_data"].get("label", "background-only pseudo-data")),
            "method": str(limits["method"]),
            # The cut flow's selection (absent in limits written before it was applied).
            "selection": limits.get("selection"),
            **{
                key: float(limits["settings"][key])
                for key in ("signal_yield", "background_yield", "background_uncertainty")
            },
        }

    return _step_result(layout.limits, "likelihood", shape)


def efficiency_map_context(layout: Layout) -> dict[str, Any] | None:
    """The efficiency map of `make efficiency-map` as the card shows it (HEP projects).

    Args:
        layout: the project's outputs; reports/efficiency_map.json is read.

    Returns:
        None in a project of another domain; {"skipped": why} where the tables have no truth
        columns; else the record with "rows": one per x bin, {"x": "low-high", "cells":
        [efficiency text per y bin, "—" when empty]}, and "columns": the y bins as text.

    Raises:
        FileNotFoundError: reports/efficiency_map.json is missing (run `make efficiency-map`).
        CardError: it is not the file `make efficiency-map` writes.
    """

    def shape(record: dict[str, Any]) -> dict[str, Any]:
        x_edges, y_edges = record["x"]["edges"], record["y"]["edges"]
        columns = [f"{low:g} to {high:g}" for low, high in itertools.pairwise(y_edges)]
        cells = [
            "—"
            if cell["efficiency"] is None
            else f"{cell['efficiency']:.3f} (+{cell['high'] - cell['efficiency']:.3f} "
            f"−{cell['efficiency'] - cell['low']:.3f})"
            for cell in record["bins"]
        ]
        rows = [
            {"x": f"{low:g} to {high:g}", "cells": cells[i * len(columns) : (i + 1) * len(columns)]}
            for i, (low, high) in enumerate(itertools.pairwise(x_edges))
        ]
        return {**record, "rows": rows, "columns": columns}

    return _step_result(layout.efficiency_map, "efficiency-map", shape)


def surrogate_context(layout: Layout) -> dict[str, Any] | None:
    """The surrogate of `make surrogate` and its closure test as the card shows them (HEP).

    Args:
        layout: the project's outputs; reports/surrogate_closure.json is read.

    Returns:
        None in a project of another domain; {"skipped": why} where the tables have no truth
        columns; else the closure record, with "file": the surrogate's path in the model folder.

    Raises:
        FileNotFoundError: reports/surrogate_closure.json is missing (run `make surrogate`).
        CardError: it is not the file `make surrogate` writes.
    """

    def shape(record: dict[str, Any]) -> dict[str, Any]:
        samples = record["samples"]
        for sample in ("signal", "background"):
            float(samples[sample]["efficiency"]["surrogate"])  # KS distance: None when empty
        relative = layout.surrogate_model.relative_to(layout.model_dir).as_posix()
        # A closure written before its selection and criterion has neither.
        optional = {key: record.get(key) for key in ("selection", "criterion", "passed", "reason")}
        return {**record, **optional, "file": relative}

    return _step_result(layout.surrogate_closure, "surrogate", shape)


def _citation_text(citation: Record) -> str:
    """The card's citation: authors, title, version and DOI of CITATION.cff.

    Args:
        citation: CITATION.cff, read.

    Returns:
        One paragraph; each author as DataCite and Zenodo write creators (`Person.inverted_name`:
        'van der Berg, Anna', an entity such as 'CMS Collaboration' by its name), separated
        by semicolons.
    """
    authors = "; ".join(
        name for person in citation.authors or [] if (name := person.inverted_name())
    )
    end = "" if authors.endswith(".") else "."  # "Jr." ends the list already
    version = f", version {citation.version}" if citation.version else ""
    parts = [f"{authors}{end} *{citation.title}*{version}"]
    if citation.doi:
        parts.append(f"https://doi.org/{citation.doi}")
    return ". ".join(parts) + ". The project's CITATION.cff gives it for citation managers."


def _citation(root: Path) -> Record:
    """CITATION.cff of the project, which must name its data and their licence.

    Raises:
        CardError: CITATION.cff is missing, the metadata checker finds an error in it, or no
            data reference gives a licence (`fair.checks.release_citation`).
    """
    try:
        return release_citation(root)
    except SourceError as error:
        raise CardError(f"{error.file}: {error.message}") from error


def _datasets(texts: dict[str, Any], citation: Record) -> list[str]:
    """The card's data sets.

    Those of config/model_card.yaml, then the DOIs of the data references of CITATION.cff;
    without any identifier yet, the first reference's title.
    """
    data_refs = [r for r in citation.raw.get("references") or [] if isinstance(r, dict)]
    datasets = list(texts["datasets"])
    datasets += [str(r["doi"]) for r in data_refs if r.get("doi") and str(r["doi"]) not in datasets]
    return datasets or [str(r["title"]) for r in data_refs if r.get("title")][:1]


def _card_data(
    citation: Record,
    name: str,
    datasets: list[str],
    tags: list[str],
    metrics: dict[str, Any],
) -> ModelCardData:
    """The card's YAML header (Hugging Face model-card metadata with its model-index).

    Args:
        citation: CITATION.cff of the project (`_citation`).
        name: the model's name in the card.
        datasets: the data sets (`_datasets`); the first names the evaluation results.
        tags: the card's tags.
        metrics: reports/metrics.json: metric name -> value on the held-out test set.

    Returns:
        The metadata, with one evaluation result per metric of `METRIC_NAMES`.
    """
    dataset_name = datasets[0] if datasets else f"{citation.title} data set"
    extra: dict[str, Any] = {"model_version": citation.version} if citation.version else {}
    # The card's authors, as `make metadata` keeps them: full names from CITATION.cff.
    extra["authors"] = model_card_authors(citation.raw)
    if citation.doi:
        extra["doi"] = citation.doi
    return ModelCardData(
        license=hf_license(str(citation.data_license)),
        library_name={"scikit-learn": "sklearn"}.get(estimator.LIBRARY, estimator.LIBRARY),
        pipeline_tag="tabular-classification",
        tags=tags,
        datasets=datasets or None,
        metrics=[m for m in METRIC_NAMES if m in metrics],
        model_name=name,
        eval_results=[
            EvalResult(
                task_type="tabular-classification",
                dataset_type=dataset_name,
                dataset_name=f"{dataset_name} (held-out test set)",
                dataset_split="test",
                metric_type=metric,
                metric_name=label,
                metric_value=round(float(metrics[metric]), 6),
            )
            for metric, label in METRIC_NAMES.items()
            if metric in metrics
        ],
        **extra,
    )


def card_text(root: Path) -> str:
    """Return the text of the model card of the project at `root`.

    Args:
        root: the project folder, after `make export` (the card documents the release).

    Returns:
        The card in Markdown with its YAML header, ending in one newline.

    Raises:
        CardError: CITATION.cff lacks what the card needs.
        ConfigError: config/pipeline.yaml or config/model_card.yaml is wrong.
        FileNotFoundError: an output of an earlier step is missing (the message names the step).
        onnx_io.ModelFileError: the released model cannot be read.
    """
    config = load_config(root)
    texts = load_card_config(root)
    citation = _citation(root)
    layout = Layout(config)
    directory = layout.model_dir
    model, record = load_trained(directory)
    onnx_io.load(directory / onnx_io.ONNX_FILE)  # the card documents a readable release only
    metrics = _read_json(layout.metrics, "evaluate")
    name = model_title(str(citation.title), config.model_section().name)
    experiment = experiment_context(config)
    tags = ["tabular-classification", "onnx", "fair", *texts["tags"]]
    if experiment and experiment["tag"] and experiment["tag"] not in tags:
        tags.append(experiment["tag"])
    card_data = _card_data(citation, name, _datasets(texts, citation), tags, metrics)
    cpp = (directory / CPP_DIR).is_dir()
    files = [estimator.MODEL_FILE, onnx_io.ONNX_FILE, TRAINING_RECORD, f"{VALIDATION_DIR}/"]
    files += [f"{CPP_DIR}/"] if cpp else []
    files += [f"{MODEL_RESULTS_DIR}/"] if any(p.is_file() for p in layout.results()) else []
    files += [f"{SURROGATE_DIR}/"] if (directory / SURROGATE_DIR).is_dir() else []
    developers = ", ".join(p.full_name() for p in citation.authors or [])
    emails = [a.get("email") for a in citation.raw.get("authors") or [] if isinstance(a, dict)]
    licence = licence_copy(root, str(citation.data_license))
    card = ModelCard.from_template(
        card_data,
        template_path=str(TEMPLATE),
        title=name,
        package_name=PACKAGE,
        developers=developers,
        model_type=estimator.MODEL_TYPE,
        library=f"{estimator.LIBRARY} {estimator.LIBRARY_VERSION}",
        license_spdx=citation.data_license,
        license_file=licence[1] if licence else None,
        repository=citation.raw.get("repository-code"),
        doi=citation.doi,
        files=files,
        cpp=cpp,
        inputs=describe_inputs(root, record["features"]),
        preprocessing=estimator.preprocessing(model),
        input_preprocessing=estimator.input_preprocessing(model),
        experiment=experiment,
        likelihood=likelihood_context(layout),
        importance=_read_json(layout.importance, "importance"),
        cutflow=_read_json(layout.cutflow, "cutflow") if project.DOMAIN == "hep" else None,
        efficiency_map=efficiency_map_context(layout),
        surrogate=surrogate_context(layout),
        n_train=record["n_train"],
        train_sha256=record["provenance"]["data_sha256"].get(TRAIN_TABLE, "unknown"),
        seed=record["seed"],
        hyperparameters=record["hyperparameters"],
        provenance=record["provenance"],
        n_test=metrics.get("n_test"),
        metrics={METRIC_NAMES[k]: float(v) for k, v in metrics.items() if k in METRIC_NAMES},
        figures=[
            {"path": f"{MODEL_FIGURES_DIR}/{file}", "caption": caption}
            for file, caption in FIGURES.items()
            if layout.figure(file).is_file()
        ],
        n_reference=len(reference.load(directory)[2]),
        row=project.ROW_NAMES[0],
        rows=project.ROW_NAMES[1],
        negative=project.CLASS_NAMES[0],
        positive=project.CLASS_NAMES[1],
        export_check=_read_json(layout.validation_dir / EXPORT_CHECK, "export"),
        citation=_citation_text(citation),
        contact=", ".join(f"<{e}>" for e in emails if e) or developers,
        **{field: texts[field] for field in TEXT_FIELDS},
    )
    return str(card.content).rstrip() + "\n"


def _may_overwrite(card: Path, manifest_file: Path, text: str) -> bool:
    """Whether the card may be replaced.

    It may if it is absent, unchanged since it was generated, or already the `text` about to be
    written (a run stopped between writing it and recording it).
    """
    if not card.exists():
        return True
    current = card.read_text(encoding="utf-8")
    if current == text:
        return True
    recorded = manifest.read_manifest(manifest_file).get(card.name)
    if recorded is not None:
        return manifest.sha256_of(card) == recorded
    return MARKER in current


def write_model_card(root: Path) -> Path:
    """Write MODEL_CARD.md and its figures into the model folder; return the card.

    The figures of reports/figures that exist are copied to models/<name>/figures/, the results
    the card describes (`Layout.results`: feature importance; in HEP cut flow, workspace and
    limits) to models/<name>/results/, and the licence text of LICENSES/ to
    models/<name>/LICENSES/; the card and the copies are recorded in the model's manifest, so
    that the folder can be released on its own.

    Args:
        root: the project folder, after `make export`.

    Returns:
        The card, models/<name>/MODEL_CARD.md.

    Raises:
        CardError: the card was edited by hand since it was written (it is kept), or
            CITATION.cff lacks what the card needs.
        ConfigError: config/pipeline.yaml or config/model_card.yaml is wrong.
        FileNotFoundError: an output of an earlier step is missing (the message names the step).
        ModelFileError: the released model cannot be read.
    """
    config = load_config(root)
    directory = Layout(config).model_dir
    card = directory / MODEL_CARD
    manifest_file = directory / manifest.MANIFEST_NAME
    text = card_text(root)
    if not _may_overwrite(card, manifest_file, text):
        raise CardError(
            f"{card} was edited by hand since `make model-card` wrote it, so it is not "
            f"overwritten. Fix: {CARD_EDITED_FIX}"
        )
    layout = Layout(config)
    copied = [
        copy_file(layout.figure(file), directory / MODEL_FIGURES_DIR / file)
        for file in FIGURES
        if layout.figure(file).is_file()
    ]
    # The results the card describes travel with it, as its figures do.
    copied += [
        copy_file(path, directory / MODEL_RESULTS_DIR / path.name)
        for path in layout.results()
        if path.is_file()
    ]
    licence = licence_copy(root, str(release_citation(root).data_license))
    if licence:  # the licence travels with the model, as with its figures
        copied.append(copy_file(licence[0], directory / licence[1]))
    write_text(card, text)
    manifest.record_many([*copied, card], manifest_file)
    loaded = ModelCard.load(card)
    print(f"wrote {card} ({len(loaded.data.eval_results or [])} results in its model-index)")
    return card


#: The failures of this step reported as one line (here and by pipeline.py).
ERRORS: tuple[type[Exception], ...] = (CardError, onnx_io.ModelFileError)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code.

    Runs `write_model_card` under the project's lock (`step.run_step`).

    Args:
        argv: the command-line arguments (`--root DIR`); default: those of the process.

    Returns:
        The exit code: 0 on success, 1 after an error printed as one line, 130 after Ctrl-C.
    """
    return run_step(write_model_card, __doc__, argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())

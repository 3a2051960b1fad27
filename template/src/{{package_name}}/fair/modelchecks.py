"""The FAIR checks of the model release models/<name>/, in the order of the scorecard.

Besides the FAIR principles (Wilkinson et al., Sci. Data 3, 160018 (2016)), the lines "LH" are
the recommendations for publishing reusable machine-learning models of the LHC Reinterpretation
Forum and the PhysTeV 2023 workshop at Les Houches (arXiv:2312.14575): a stable interchange
format, documented inputs, outputs and preprocessing, validation material, a model runnable
without Python, a licence, and the training code with a toy data set. Each check takes the
:class:`.scoring.Context` and its :class:`.scoring.ModelContext` and returns an
:class:`.scoring.Outcome`; it runs only in a project with a model.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from ..layout import CARD_EDITED_FIX, MANIFEST_NAME, MODEL_CARD, ONNX_FILE
from . import archives
from .licences import licence_path
from .scoring import (
    HEPDATA_ARCHIVE,
    SURROGATE_RELEASE,
    SURROGATE_VALIDATION,
    TRAINER,
    VALIDATION_FILES,
    Context,
    ModelContext,
    Outcome,
    Released,
    failed,
    model_check,
    passed,
    warned,
    worst,
)

RUN_MAKE_ALL = "run `make all` (it trains, exports and validates the model and writes its card)"
#: The sections of a full model card (`make model-card`); a placeholder card lacks them.
CARD_SECTIONS = ("### Inputs", "### Outputs", "### Preprocessing", "## Uses", "## Evaluation")
LICENCE_FIX = "restore LICENSES/ and the model card from git, or run `make model-card`"
#: The expected limits of reports/limits.json from -2 to +2 sigma (BAND of models/likelihood.py,
#: not imported here: it imports pyhf).
LIMIT_BAND = ("minus_2_sigma", "minus_1_sigma", "median", "plus_1_sigma", "plus_2_sigma")


def released(model: ModelContext, relative: str) -> Outcome:
    """The outcome of one released file: written, and unchanged since its manifest entry.

    Args:
        model: the model release.
        relative: the file, relative to the model's folder (one of RELEASE_FILES).

    Returns:
        Pass when it is written and matches its manifest entry (if any); warn when it is not
        written yet; fail when the manifest lists it but it is missing or changed.
    """
    file = model.release[relative]
    path = f"{model.dir}/{relative}"
    if not file.exists:
        if file.listed:
            return failed(f"{path} missing (listed in {MANIFEST_NAME})", RUN_MAKE_ALL)
        return warned(f"{path} not written yet", RUN_MAKE_ALL)
    if not file.intact:
        return failed(f"{path} changed since it was released ({MANIFEST_NAME})", RUN_MAKE_ALL)
    return passed(path + (f" (sha256 in {MANIFEST_NAME})" if model.has_manifest else ""))


def card_outcome(context: Context, model: ModelContext) -> Outcome:
    """The outcome of the model card, shared by the lines that rest on it.

    Args:
        context: the facts about the project.
        model: the model release.

    Returns:
        Fail when the card is missing or the metadata checker found an error in it; warn when
        it is the placeholder written before `make all`; pass when it has every section.
    """
    name = model.card_name
    error = context.first_error([name])
    if error is not None:
        return failed(f"{error.where}: {error.message}", "run `make model-card`")
    if not context.has(name):
        return failed(f"{name} missing", "run `make model-card` (or restore it from git)")
    if not model.release.get(MODEL_CARD, Released(exists=False)).intact:
        return failed(f"{name} edited since it was released ({MANIFEST_NAME})", CARD_EDITED_FIX)
    text = model.card.text if model.card else ""
    if all(section in text for section in CARD_SECTIONS):
        return passed(f"{name}: " + ", ".join(s.strip("# ") for s in CARD_SECTIONS))
    return warned(f"{name}: placeholder", RUN_MAKE_ALL)


@model_check("F2")
def model_rich_metadata(context: Context, model: ModelContext) -> Outcome:
    """rich metadata (model card)

    F2: data are described with rich metadata: the model card (Mitchell et al., "Model Cards
    for Model Reporting", arXiv:1810.03993), in the Hugging Face format.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The outcome of the model card, see `card_outcome`.
    """
    return card_outcome(context, model)


@model_check("F1")
def model_identifier(context: Context, model: ModelContext) -> Outcome:
    """persistent identifier

    F1: (meta)data are assigned a globally unique and persistent identifier: the DOI of the
    archived release, in the model card.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass with the DOI in the model card; warn when it has none.
    """
    doi = model.card.doi if model.card else None
    if doi:
        return passed(f"{model.card_name}: doi {doi}")
    return warned(
        f"{model.card_name}: doi missing",
        f"archive the release ({archives.suggested('model')}) and run `make metadata`",
    )


@model_check("LH")
def model_interchange_format(context: Context, model: ModelContext) -> Outcome:
    """stable interchange format (ONNX)

    Les Houches (arXiv:2312.14575): publish the model in a stable interchange format, ONNX,
    rather than a framework's own serialisation.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The outcome of the released ONNX file, see `released`.
    """
    return released(model, ONNX_FILE)


@model_check("LH")
def model_documented(context: Context, model: ModelContext) -> Outcome:
    """inputs, outputs and preprocessing documented

    Les Houches (arXiv:2312.14575): document the model's inputs (with their units), outputs
    and preprocessing: the sections Inputs, Outputs and Preprocessing of the model card.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The outcome of the model card, see `card_outcome`.
    """
    return card_outcome(context, model)


@model_check("LH")
def model_validation_material(context: Context, model: ModelContext) -> Outcome:
    """validation material

    Les Houches (arXiv:2312.14575): publish reference inputs with the outputs the model gives
    for them, so that a reuser can check the model runs as released.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The worst outcome of the reference inputs and expected outputs (see `released`),
        with the evidence of both.
    """
    outcomes = [released(model, name) for name in VALIDATION_FILES]
    status = worst(outcomes)
    evidence = "; ".join(o.evidence for o in outcomes)
    fix = "" if status == "pass" else f"{RUN_MAKE_ALL}; `make validate-model` checks it"
    return Outcome(status, evidence, fix)


@model_check("LH")
def model_without_python(context: Context, model: ModelContext) -> Outcome:
    """runnable without Python

    Les Houches (arXiv:2312.14575): the model can be run outside Python (reinterpretation
    frameworks are C++): ONNX with the onnxruntime C/C++ API, and C++ code of the trees
    (treelite and tl2cgen, scikit-learn projects).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The outcome of the ONNX file unless it passes; then pass, naming the C++ header
        when `make export` wrote it.
    """
    onnx = released(model, ONNX_FILE)
    if onnx.status != "pass":
        return onnx
    evidence = f"{model.dir}/{ONNX_FILE} runs with the onnxruntime C/C++ API"
    if context.has(model.cpp_header):
        evidence += f"; {model.cpp_header} needs only a C++ compiler (treelite, tl2cgen)"
    return passed(evidence)


def _missing_licence(model: ModelContext) -> str:
    """The evidence of a model without a licence text: the text or the card's field."""
    licence = model.card.data_license if model.card else None
    return f"{licence_path(licence)} missing" if licence else f"{model.card_name}: no license"


def _result(context: Context, name: str, step: str) -> tuple[str, Any, Outcome | None]:
    """A result of `RESULTS` and, when it is not there, the outcome that says so.

    Returns:
        (its path, its content, None) when it was read; (path, None, a warning "not written
        yet" or a failure "unreadable") otherwise.
    """
    path, content = context.results.get(name, ("", None))
    if content is not None:
        return path, content, None
    fix = f"run `make {step}` (or `make all`)"
    return path, None, warned(f"{path} not written yet or not readable JSON", fix)


#: How to give the truth-dependent steps their inputs.
TRUTH_FIX = (
    "add truth columns to your table (e.g. truth_pt_lead, truth_eta_lead), or TRUTH to "
    "data/synthetic.py, then run `make data` and `make all`"
)


def _skipped(path: str, content: Any, nothing: str) -> Outcome | None:
    """The warning of a truth-dependent step that recorded a skip (`{"skipped": why}`).

    Args:
        path: the step's result file.
        content: its content.
        nothing: what the skip leaves out, e.g. "map".

    Returns:
        None when the step did not skip; a warning otherwise: the step's own reason and fix
        where it recorded them ("<what>. Fix: <fix>", e.g. cuts that keep no signal), else
        the tables' lack of truth columns, with `TRUTH_FIX`.
    """
    if not (isinstance(content, dict) and "skipped" in content):
        return None
    why, _, fix = str(content["skipped"]).partition(". Fix: ")
    if fix and "generator-level columns" not in why:
        return warned(f"{path}: {why}", fix)
    return warned(
        f"{path}: no generator-level (truth_...) columns in the tables, so no {nothing}",
        TRUTH_FIX,
    )


@model_check("LH")
def model_feature_importance(context: Context, model: ModelContext) -> Outcome:
    """indication of feature importance

    Les Houches (arXiv:2312.14575): give an indication of the importance of each input, so
    that a reuser knows which inputs must be modelled well (`make importance`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when reports/feature_importance.json ranks inputs and the card shows it; warn when
        it is not written yet; fail when it ranks no input.
    """
    path, content, missing = _result(context, "importance", "importance")
    if missing:
        return missing
    features = content.get("features") if isinstance(content, dict) else None
    if not isinstance(features, list) or not features:
        return failed(f"{path}: no input ranked", "run `make importance` again")
    if "### Feature importance" not in (model.card.text if model.card else ""):
        return warned(f"{model.card_name}: no feature importance yet", "run `make model-card`")
    top = features[0].get("name") if isinstance(features[0], dict) else "?"
    return passed(f"{path}: {len(features)} inputs, {top} first; in {model.card_name}")


@model_check("LH", applies=lambda c: c.domain == "hep")
def model_cutflow(context: Context, model: ModelContext) -> Outcome:
    """cut flow before and after the ML selection

    Les Houches (arXiv:2312.14575): give the cut flow of the selection, before and after the
    machine-learning selection, per sample (`make cutflow`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when reports/cutflow.json counts every sample at every step, the classifier's
        working point last; warn when it is not written yet; fail when it is not a cut flow.
    """
    path, content, missing = _result(context, "cutflow", "cutflow")
    if missing:
        return missing
    steps = content.get("steps") if isinstance(content, dict) else None
    kinds = [s.get("kind") for s in steps or [] if isinstance(s, dict)]
    counted = all(
        isinstance(s, dict) and all(isinstance(s.get(x), dict) for x in ("signal", "background"))
        for s in steps or []
    )
    if not steps or kinds[0] != "all" or kinds[-1] != "classifier" or not counted:
        return failed(
            f"{path}: not a cut flow from all events to the classifier's working point",
            "run `make cutflow` again",
        )
    return passed(f"{path}: {len(steps) - 2} cuts, then the working point, signal and background")


@model_check("LH", applies=lambda c: c.domain == "hep")
def model_efficiency_map(context: Context, model: ModelContext) -> Outcome:
    """efficiency map on generator-level quantities

    Les Houches (arXiv:2312.14575): where the inputs depend on the detector, give the
    efficiency of the ML selection in bins of generator-level quantities, so that a reuser
    with generator-level events only can apply it (`make efficiency-map`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when reports/efficiency_map.json holds bins whose efficiencies lie in [0, 1] and
        the card shows it; warn when it is not written yet, when the tables have no truth
        columns (it says how to add them), or when the card lacks it; fail when it is not an
        efficiency map; the step's own reason where it skipped for another (cuts that keep
        no signal).
    """
    path, content, missing = _result(context, "efficiency_map", "efficiency-map")
    if missing:
        return missing
    skipped = _skipped(path, content, "map")
    if skipped:
        return skipped
    bins = content.get("bins") if isinstance(content, dict) else None
    values = [b.get("efficiency") for b in bins or [] if isinstance(b, dict)]
    shown = [v for v in values if v is not None]
    valid = all(isinstance(v, int | float) and 0.0 <= v <= 1.0 for v in shown)
    if not bins or not shown or not valid or len(values) != len(bins):
        return failed(
            f"{path}: not an efficiency map (bins with efficiencies in [0, 1])",
            "run `make efficiency-map` again",
        )
    if "### Efficiency map" not in (model.card.text if model.card else ""):
        return warned(f"{model.card_name}: no efficiency map yet", "run `make model-card`")
    axes = " x ".join(str((content.get(k) or {}).get("name")) for k in ("x", "y"))
    return passed(f"{path}: {len(bins)} bins of {axes}; in {model.card_name}")


@model_check("LH", applies=lambda c: c.domain == "hep")
def model_surrogate(context: Context, model: ModelContext) -> Outcome:
    """surrogate network on generator-level inputs

    Les Houches (arXiv:2312.14575): publish an equivalent surrogate network on less
    detector-dependent inputs, with its agreement with the model stated (`make surrogate`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when reports/surrogate_closure.json gives the Kolmogorov-Smirnov distance and the
        working point's efficiency of classifier and surrogate for signal and background and
        its closure criterion passed, the surrogate and its validation material are in the
        model folder as its manifest lists them, and the card shows it; warn when it is not
        written yet, when the tables have no truth columns (it says how to add them), or when
        the card lacks it; fail when it is not a closure test (an empty closure included: no
        signal event in the selection), when it has no pass/fail criterion (written before
        it had one) or failed it, or when the surrogate or its validation material is missing
        or changed.
    """
    path, content, missing = _result(context, "surrogate", "surrogate")
    if missing:
        return missing
    skipped = _skipped(path, content, "surrogate")
    if skipped:
        return skipped
    if isinstance(content, dict) and content.get("passed") is False:
        return failed(
            f"{path}: closure FAILED: {content.get('reason', 'criterion not met')}",
            "improve the surrogate (models/surrogate.py), or set surrogate."
            "max_relative_difference in config/pipeline.yaml if the difference is acceptable; "
            "then run `make surrogate`",
        )
    samples = content.get("samples") if isinstance(content, dict) else None
    numbers = []
    for name in ("signal", "background"):
        sample = samples.get(name) if isinstance(samples, dict) else None
        efficiency = sample.get("efficiency") if isinstance(sample, dict) else None
        numbers += [
            sample.get("ks_distance") if isinstance(sample, dict) else None,
            *(efficiency.get(k) if isinstance(efficiency, dict) else None
              for k in ("original", "surrogate")),
        ]  # fmt: skip
    if not all(isinstance(v, int | float) and 0.0 <= v <= 1.0 for v in numbers):
        return failed(
            f"{path}: not a closure test (KS distance and efficiencies in [0, 1] per sample)",
            "run `make surrogate` again",
        )
    criterion = content.get("criterion")
    if not isinstance(content.get("passed"), bool) or not isinstance(criterion, dict):
        return failed(f"{path}: the closure has no pass/fail criterion", "run `make surrogate`")
    for relative in (SURROGATE_RELEASE, *SURROGATE_VALIDATION):
        written = released(model, relative)
        if written.status != "pass":  # missing, or changed since its manifest entry
            return replace(written, fix="run `make surrogate`")
    if "### Surrogate model" not in (model.card.text if model.card else ""):
        return warned(f"{model.card_name}: no surrogate yet", "run `make model-card`")
    return passed(
        f"{path}: closure passed (signal efficiency within "
        f"{criterion.get('relative_difference', 0):.1%} <= "
        f"{criterion.get('max_relative_difference', 0):.0%}); KS distance {numbers[0]:.3f} "
        f"(signal), {numbers[3]:.3f} (background); in {model.card_name}"
    )


@model_check("LH", applies=lambda c: c.domain == "hep")
def model_likelihood(context: Context, model: ModelContext) -> Outcome:
    """the likelihood (HistFactory)

    Les Houches (arXiv:2312.14575): publish the statistical model with the results, as the
    HEPData record's likelihood: a HistFactory workspace in pyhf's JSON format, whose limits
    are reproducible from it (`make likelihood`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when reports/limits.json names the workspace, the workspace is the one the
        limits were computed from (its sha256), and the limits on mu are finite positive
        numbers, the expected ones in order from -2 to +2 sigma; warn when it is not written
        yet; fail when the workspace is missing or changed since, or the limits are not such.
    """
    path, content, missing = _result(context, "limits", "likelihood")
    if missing:
        return missing
    recorded = content.get("workspace_sha256") if isinstance(content, dict) else None
    workspace = content.get("workspace") if isinstance(content, dict) else None
    if context.workspace_sha256 is None:
        return failed(f"{workspace or 'the workspace'} missing ({path})", "run `make likelihood`")
    if recorded != context.workspace_sha256:
        return failed(
            f"{workspace}: changed since {path} was computed from it", "run `make likelihood`"
        )
    expected = content.get("expected") if isinstance(content, dict) else None
    found = [content.get("observed"), *((expected or {}).get(key) for key in LIMIT_BAND)]
    if not isinstance(expected, dict) or not all(_positive(value) for value in found):
        return failed(
            f"{path}: the observed and the expected (-2 to +2 sigma) upper limits on mu are not "
            "all finite positive numbers",
            "run `make likelihood` again",
        )
    observed, *band = (float(value) for value in found)
    if band != sorted(band):
        return failed(
            f"{path}: the expected limits are not in order from -2 to +2 sigma",
            "run `make likelihood` again",
        )
    return passed(
        f"{workspace} (sha256 in {path}); upper limit on mu: observed {observed:.3g}, expected "
        f"{band[2]:.3g}"
    )


def _positive(value: object) -> bool:
    """Whether `value` is a finite number above 0 (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and value > 0


@model_check("LH")
def model_licence_item(context: Context, model: ModelContext) -> Outcome:
    """licence

    Les Houches (arXiv:2312.14575): release the model under an explicit licence: the card's
    license field, with its text in LICENSES/.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when the text of the card's licence is in LICENSES/; else fail.
    """
    text = context.licence_file(model.card.data_license if model.card else None)
    if text is None:
        return failed(_missing_licence(model), LICENCE_FIX)
    return passed(f"{model.card_name}: license; {text}")


@model_check("R1.1")
def model_licence(context: Context, model: ModelContext) -> Outcome:
    """clear usage licence

    R1.1: (meta)data are released with a clear and accessible data usage license: the model
    card's license, with its text in LICENSES/.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when the text of the card's licence is in LICENSES/; else fail.
    """
    licence = model.card.data_license if model.card else None
    if context.licence_file(licence) is None:
        return failed(_missing_licence(model), LICENCE_FIX)
    return passed(f"{model.card_name}: license {licence}")


@model_check("LH")
def model_training_code(context: Context, model: ModelContext) -> Outcome:
    """training code with a toy data set

    Les Houches (arXiv:2312.14575): publish the training code, with a (toy) data set it runs
    on, so that the model can be retrained and studied.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when the training code exists, naming the data set it runs on (the seeded toy
        data set or a downloaded one); else fail.
    """
    if not context.has(TRAINER):
        return failed(f"{TRAINER} missing", "restore the training code from git")
    toy = (context.config.get("data") or {}).get("source") == "synthetic"
    data = "seeded toy data set" if toy else "downloaded data set"
    return passed(f"{TRAINER}, config/pipeline.yaml ({data})")


@model_check("R1.2")
def model_provenance(context: Context, model: ModelContext) -> Outcome:
    """provenance: data, configuration, code version

    R1.2: (meta)data are associated with detailed provenance: training.json records the data's
    checksums, the configuration and the code version of the training.

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when the model's training.json exists; else warn.
    """
    if context.has(model.training_record):
        return passed(model.training_record)
    return warned(f"{model.training_record} not written yet", RUN_MAKE_ALL)


@model_check("R1.3", applies=lambda c: c.domain == "hep")
def model_hepdata(context: Context, model: ModelContext) -> Outcome:
    """community standard: HEPData with the model attached

    R1.3: (meta)data meet domain-relevant community standards: in particle physics, a HEPData
    record with the model and its validation material attached (`make hepdata`).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        Pass when `make hepdata` wrote the HEPData archive; else warn.
    """
    if context.has(HEPDATA_ARCHIVE):
        return passed(f"{HEPDATA_ARCHIVE} (validated by hepdata-validator when written)")
    return warned(f"{HEPDATA_ARCHIVE} not written yet", RUN_MAKE_ALL)


@model_check("R1.3", applies=lambda c: c.domain != "hep")
def model_hugging_face_card(context: Context, model: ModelContext) -> Outcome:
    """community standard: Hugging Face model card

    R1.3: (meta)data meet domain-relevant community standards: outside particle physics, the
    Hugging Face model card (YAML header and sections).

    Args:
        context: the facts about the project.
        model: the model release models/<name>/.

    Returns:
        The outcome of the model card, see `card_outcome`.
    """
    return card_outcome(context, model)

"""Every file the pipeline writes, by name.

The one list that the steps, `make clean`, the removal of temporary files left by an
interrupted run and `make validate-model` share.

The folders come from config/pipeline.yaml; the file names are fixed here. A project without
a model (`ml_framework: none`) has no `model:` section there, and so no model outputs
(`Layout.has_model`). `make clean` removes exactly `Layout.rebuildable()`, so that a figure,
table or note of yours in the same folders stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import project
from .config import Config

#: The lock every step holds while it runs (step.py), relative to the project folder.
LOCK_FILE = Path(".pipeline.lock")
#: What each step depended on when it last ran (pipeline.py), one JSON file a step.
STAMP_DIR = Path(".pipeline")
MANIFEST_NAME = "MANIFEST.sha256"
#: Where downloads are staged until they are complete and verified (data/download.py).
DOWNLOAD_DIR = ".download"
#: How a raw file without its manifest entry is confirmed (`make data --record`).
RECORD_HINT = "make data RECORD=1"
#: How a raw file that differs from its manifest entry is put right.
RAW_REWRITE = (
    "delete it and run `make data` to write or download it again; or, if this is the intended "
    f"data, record it with `{RECORD_HINT}`"
)
#: How a processed table that is missing, unrecorded or changed is written again.
FEATURES_FIX = "run `make features`"
TRAIN_TABLE = "train.csv"
TEST_TABLE = "test.csv"
FEATURE_FIGURE = "feature_distributions.png"
FAIR_REPORT = Path("reports") / "fair.json"
ROC_FIGURE = "roc_curve.png"
SCORE_FIGURE = "score_distribution.png"
METRICS_FILE = "metrics.json"
#: `make importance`: the permutation importance of each input, and its figure.
IMPORTANCE_FILE = "feature_importance.json"
IMPORTANCE_FIGURE = "feature_importance.png"
TRAINING_RECORD = "training.json"
ONNX_FILE = "model.onnx"
MODEL_CARD = "MODEL_CARD.md"
#: What a model card edited by hand since `make model-card` wrote it asks for: the card is
#: generated (its text lives in config/model_card.yaml) and recorded in the model's manifest.
CARD_EDITED_FIX = (
    "move your text into config/model_card.yaml, rename the edited card aside (or restore it "
    "with `git checkout`), then run `make model-card`"
)
VALIDATION_DIR = "validation"
REFERENCE_INPUTS = "reference_inputs.csv"
EXPECTED_OUTPUTS = "expected_outputs.csv"
EXPORT_CHECK = "export_check.json"
CPP_DIR = "cpp"
CPP_FILES = ("classifier.h", "classifier.cc", "score.cc")
#: The C++ programs compiled from the export, by the sha256 of what they are built from
#: (models/export_cpp.py); git ignores build/.
CPP_BUILD_DIR = Path("build") / "cpp"
MODEL_FIGURES_DIR = "figures"
#: The results the model card describes, copied beside it (`Layout.results`).
MODEL_RESULTS_DIR = "results"
#: `make cutflow` (HEP): the events of each sample after each selection step.
CUTFLOW_FILE = "cutflow.json"
#: `make efficiency-map` (HEP): the working point's signal efficiency in bins of two truth columns.
EFFICIENCY_MAP_FILE = "efficiency_map.json"
EFFICIENCY_MAP_FIGURE = "efficiency_map.png"
#: `make surrogate` (HEP): the network on generator-level inputs, in the model folder, and its
#: closure test against the classifier.
SURROGATE_DIR = "surrogate"
SURROGATE_FILE = "surrogate.onnx"
SURROGATE_CLOSURE_FILE = "surrogate_closure.json"
#: `make likelihood` (HEP): the HistFactory workspace (pyhf JSON) and the upper limits.
WORKSPACE_FILE = "likelihood_workspace.json"
LIMITS_FILE = "limits.json"
HEPDATA_DIR = Path("hepdata")
#: `make release`: the release packages, one folder <distribution>-<version> each (release.py).
RELEASE_DIR = Path("build") / "release"
SUBMISSION_DIR = "submission"
ARCHIVE = "submission.tar.gz"


@dataclass(frozen=True)
class Layout:
    """The outputs of the project whose configuration is `config`."""

    config: Config

    @property
    def has_model(self) -> bool:
        """Whether the pipeline trains a model (config/pipeline.yaml has a `model:` section)."""
        return self.config.model is not None

    @property
    def raw_dir(self) -> Path:
        """The folder of the raw table (`data.raw_file`)."""
        return self.config.data.raw_file.parent

    @property
    def processed_dir(self) -> Path:
        """data/processed (`features.processed_dir`)."""
        return self.config.features.processed_dir

    @property
    def train_table(self) -> Path:
        """The training table written by `make features`."""
        return self.processed_dir / TRAIN_TABLE

    @property
    def test_table(self) -> Path:
        """The held-out test table written by `make features`."""
        return self.processed_dir / TEST_TABLE

    @property
    def figures_dir(self) -> Path:
        """reports/figures (`reports.figures_dir`)."""
        return self.config.reports.figures_dir

    def figure(self, name: str) -> Path:
        """A figure the pipeline draws, e.g. `figure(FEATURE_FIGURE)`.

        Args:
            name: the figure's file name, e.g. "feature_distributions.png".

        Returns:
            Its path in `figures_dir`.
        """
        return self.figures_dir / name

    @property
    def predictions(self) -> Path:
        """reports/predictions.csv (`reports.predictions_file`)."""
        return self.config.reports.predictions_file

    @property
    def metrics(self) -> Path:
        """reports/metrics.json, beside the predictions."""
        return self.predictions.parent / METRICS_FILE

    @property
    def importance(self) -> Path:
        """reports/feature_importance.json: each input's permutation importance."""
        return self.predictions.parent / IMPORTANCE_FILE

    @property
    def cutflow(self) -> Path:
        """reports/cutflow.json: the selection's cut flow (`make cutflow`, HEP)."""
        return self.predictions.parent / CUTFLOW_FILE

    @property
    def efficiency_map(self) -> Path:
        """reports/efficiency_map.json: the signal efficiency map (`make efficiency-map`, HEP)."""
        return self.predictions.parent / EFFICIENCY_MAP_FILE

    @property
    def surrogate_closure(self) -> Path:
        """reports/surrogate_closure.json: the surrogate against the classifier (HEP)."""
        return self.predictions.parent / SURROGATE_CLOSURE_FILE

    @property
    def surrogate_model(self) -> Path:
        """models/<name>/surrogate/surrogate.onnx: the surrogate network (`make surrogate`)."""
        return self.model_dir / SURROGATE_DIR / SURROGATE_FILE

    @property
    def workspace(self) -> Path:
        """reports/likelihood_workspace.json: the HistFactory workspace (`make likelihood`)."""
        return self.predictions.parent / WORKSPACE_FILE

    @property
    def limits(self) -> Path:
        """reports/limits.json: the upper limits on the signal strength (`make likelihood`)."""
        return self.predictions.parent / LIMITS_FILE

    @property
    def model_dir(self) -> Path:
        """models/<name> (`model.dir`): the model release, never removed by `make clean`."""
        return self.config.model_section().dir

    @property
    def validation_dir(self) -> Path:
        """The reference inputs and expected outputs of the release."""
        return self.model_dir / VALIDATION_DIR

    def release(self, model_file: str) -> list[Path]:
        """The files `make export` releases; each must be listed in the model's manifest.

        Args:
            model_file: the file name of the native model (`estimator.MODEL_FILE`, e.g.
                "model.joblib"), released with its training record.

        Returns:
            The ONNX model, the native model and its training record (training.json) and the
            three validation files, then the C++ program's files when the release has a cpp/
            folder.

        Raises:
            ConfigError: config/pipeline.yaml has no `model:` section.
        """
        files = [
            self.model_dir / ONNX_FILE,
            self.model_dir / model_file,
            self.model_dir / TRAINING_RECORD,
            self.validation_dir / REFERENCE_INPUTS,
            self.validation_dir / EXPECTED_OUTPUTS,
            self.validation_dir / EXPORT_CHECK,
        ]
        if (self.model_dir / CPP_DIR).is_dir():
            files += [self.model_dir / CPP_DIR / name for name in CPP_FILES]
        return files

    def _ntuple_folders(self) -> list[Path]:
        """The folders of `data.ntuples` file patterns, up to the first wildcard.

        `make data` writes their manifests there.
        """
        ntuples = self.config.data.ntuples or {}
        samples = ntuples.get("samples")
        folders = []
        for sample in samples if isinstance(samples, list) else []:
            patterns = sample.get("files") if isinstance(sample, dict) else None
            for pattern in [patterns] if isinstance(patterns, str) else patterns or []:
                parent = Path(str(pattern)).parent
                if not any(char in str(parent) for char in "*?["):
                    folders.append(self.config.root / parent)
        return folders

    def rebuildable(self) -> list[Path]:
        """What `make clean` removes: the outputs the pipeline rebuilds, by name.

        Never raw or external data, never the model release in models/.

        Returns:
            Files and folders (.pipeline/, build/cpp/, hepdata/submission/), present or not:
            those of the features step and reports/fair.json, and in a project with a model
            the outputs of the evaluation and the feature importance and the HEPData
            submission too (in HEP, the likelihood's workspace and limits, the cut flow and the
            efficiency map with its figure and the surrogate's closure test as well).
        """
        files = [
            self.config.root / STAMP_DIR,
            self.train_table,
            self.test_table,
            self.processed_dir / MANIFEST_NAME,
            self.figure(FEATURE_FIGURE),
            self.config.root / FAIR_REPORT,
        ]
        if self.has_model:
            hepdata = self.config.root / HEPDATA_DIR
            files += [
                self.config.root / CPP_BUILD_DIR,
                self.figure(ROC_FIGURE),
                self.figure(SCORE_FIGURE),
                self.predictions,
                self.metrics,
                self.importance,
                self.figure(IMPORTANCE_FIGURE),
                hepdata / SUBMISSION_DIR,
                hepdata / ARCHIVE,
            ]
            if project.DOMAIN == "hep":
                files += [self.workspace, self.limits, self.cutflow, self.efficiency_map]
                files += [self.figure(EFFICIENCY_MAP_FIGURE), self.surrogate_closure]
        return files

    def results(self) -> list[Path]:
        """The results the model card describes, which are copied beside it.

        Into models/<name>/results/: the feature importance, and in HEP the cut flow, the
        efficiency map, the surrogate's closure test, the likelihood's workspace and its limits.

        Returns:
            Their paths in reports/, present or not, in this order.
        """
        results = [self.importance]
        if project.DOMAIN == "hep":
            results += [self.cutflow, self.efficiency_map, self.surrogate_closure]
            results += [self.workspace, self.limits]
        return results

    def output_folders(self) -> list[Path]:
        """Every folder a step writes into: where interrupted writes may have left temporaries.

        Returns:
            The folders, sorted, each once, present or not.
        """
        folders = [self.raw_dir, self.processed_dir, self.figures_dir]
        folders += [(self.config.root / FAIR_REPORT).parent, self.config.root / STAMP_DIR]
        folders += [self.config.root / CPP_BUILD_DIR]
        folders += self._ntuple_folders()
        if self.has_model:
            folders += [self.predictions.parent, self.model_dir, self.validation_dir]
            folders += [self.model_dir / CPP_DIR, self.model_dir / MODEL_FIGURES_DIR]
            folders += [self.model_dir / MODEL_RESULTS_DIR]
            folders += [self.model_dir / SURROGATE_DIR]
            folders += [self.config.root / HEPDATA_DIR]
        return sorted(set(folders))

"""Load the pipeline configuration (config/pipeline.yaml) with the project's paths.

The whole file is checked when it is read, before a step does any work: every section and key
must be one the pipeline knows (a misspelt key is named with the nearest known one), every
required key must be there, and every value must have the right type and range. A wrong file
gives one `ConfigError` naming the file, the key, what is wrong and the fix. A setting of your
own code goes into `SCHEMA` below, so that it is checked like the others.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = Path("config") / "pipeline.yaml"
MODEL_CARD_FILE = Path("config") / "model_card.yaml"
#: Larger YAML files or more aliases than this are refused unread (a settings file is small;
#: nested aliases can expand a small file into gigabytes).
MAX_YAML_BYTES = 1 << 20
MAX_YAML_ALIASES = 100
#: `data.source`: 'synthetic', a URL, or a pooch DOI address (doi:10.5281/zenodo.1/events.csv).
SOURCE_PATTERN = re.compile(r"^(https?://\S+|ftp://\S+|doi:10\.\d{4,9}/\S+/[^/\s]+)$")
#: `data.sha256`: the output of `sha256sum`.
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
#: The table formats of `data.raw_file` (data/table.py reads them).
TABLE_SUFFIXES = (".csv", ".parquet")
#: The smallest `data.n_events` the seeded generator accepts.
MIN_EVENTS = 2
#: `figures.com_energy_tev`: above this (TeV) a value is taken for one written in GeV.
MAX_ENERGY_TEV = 1000
#: `figures.paper_locations`: the tables of `make hepdata`, by their figure's name.
HEPDATA_TABLES = (
    "roc_curve",
    "score_distribution",
    "feature_importance",
    "cutflow",
    "upper_limits",
    "efficiency_map",
)
#: The prefix of a generator-level ("truth") column (data/schema.py `TRUTH_PREFIX`).
TRUTH_COLUMN = "truth_"
#: Below this energy (TeV) a label gives the energy in GeV (900 GeV rather than 0.9 TeV).
GEV_BELOW_TEV = 1.0
#: The longest keyword value and table location hepdata-validator accepts (submission schema).
MAX_KEYWORD = 128
MAX_LOCATION = 256


class ConfigError(Exception):
    """The configuration file is missing or a field is wrong."""


def _text(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "is not a text"
    return None


def _integer(value: object) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**32:
        return "is not a whole number from 0 to 4294967295"
    return None


def _at_least(minimum: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            what = "a positive whole number" if minimum == 1 else f"a whole number >= {minimum}"
            return f"is not {what}"
        return None

    return check


def _fraction(value: object) -> str | None:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not 0 < number < 1:
        return "is not a number between 0 and 1 (both excluded)"
    return None


def _positive(value: object) -> str | None:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number <= 0:
        return "is not a positive number"
    return None


def _observed(value: object) -> str | None:
    """`likelihood.observed`: measured events per bin (whole numbers >= 0), or a CSV of them."""
    if isinstance(value, str):
        return _inside(value, ("data",)) or (
            None if value.strip().endswith(".csv") else "is not a .csv file (one count a row)"
        )
    counts = value if isinstance(value, list) else None
    if not counts or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts
    ):
        return (
            f"is {_shown(value)}, neither a list of measured event counts (whole numbers >= 0, "
            "one a bin, e.g. [12, 7, 3]) nor the path of a CSV file of them under data/"
        )
    return None


def _cuts(value: object) -> str | None:
    """`cutflow.cuts`: a list of cuts, each {name, feature, min and/or max}.

    A problem of one cut starts with its index and ends with its own fix ("[2]: min 180 is
    not below max 80. Fix: ..."): the message names the cut, not the whole list.
    """
    example = '{name: "leading jet pT >= 40 GeV", feature: pt_lead, min: 40}'
    if not isinstance(value, list):
        return "is not a list of cuts (each with name, feature, and min and/or max)"
    for i, cut in enumerate(value):
        if not isinstance(cut, dict):
            return f"[{i}]: {_shown(cut)} is not a cut. Fix: write e.g. {example}"
        unknown = sorted(set(cut) - {"name", "feature", "min", "max"}, key=str)
        if unknown:
            return f"[{i}].{unknown[0]}: is not a key of a cut. Fix: use name, feature, min, max"
        for key in ("name", "feature"):
            if _text(cut.get(key)):
                return f"[{i}].{key}: is missing or not a text. Fix: write e.g. {example}"
        bounds = {key: cut[key] for key in ("min", "max") if cut.get(key) is not None}
        if not bounds:
            return (
                f"[{i}]: has neither min nor max. Fix: give min (kept from it up) and/or max "
                "(kept below it)"
            )
        for key, bound in bounds.items():
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                return (
                    f"[{i}].{key}: {_shown(bound)} is not a number. Fix: write the number alone, "
                    "in the unit of the column (e.g. min: 40)"
                )
            if not math.isfinite(bound):
                return f"[{i}].{key}: {bound} is not finite. Fix: leave {key} out instead"
        if len(bounds) == 2 and not bounds["min"] < bounds["max"]:
            return (
                f"[{i}]: min {bounds['min']} is not below max {bounds['max']}: nothing would "
                "pass. Fix: swap them, or correct one"
            )
    return None


def _truth_column(value: object) -> str | None:
    """`efficiency_map.x`/`.y`: a generator-level column, named `truth_...` (data/schema.py)."""
    if _text(value) or not str(value).startswith(TRUTH_COLUMN):
        return (
            f"is {_shown(value)}, not a generator-level column (named {TRUTH_COLUMN}..., e.g. "
            f"{TRUTH_COLUMN}pt_lead)"
        )
    return None


def _edges(value: object) -> str | None:
    """`efficiency_map.x_edges`/`.y_edges`: at least two finite, increasing bin edges."""
    edges = value if isinstance(value, list) else []
    numbers = all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in edges
    )
    if not numbers or len(edges) < 2:
        return f"is {_shown(value)}, not a list of at least two bin edges (numbers)"
    if any(b <= a for a, b in itertools.pairwise(edges)):
        return f"is {_shown(value)}: the edges do not increase"
    return None


def _path(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "is not a relative path"
    return None


def _inside(value: object, folders: tuple[str, ...], keep_out: tuple[str, ...] = ()) -> str | None:
    """Why a path of the configuration is no place for it (None when it is).

    It must be relative, stay inside the project (no '..'), lie under one of `folders` and not
    under one of `keep_out`. Outputs so never overwrite raw data, settings, code or metadata,
    and `make clean` never removes them.
    """
    if _path(value):
        return _path(value)
    text = str(value).strip()
    parts = Path(text).parts
    if Path(text).is_absolute() or ".." in parts:
        return "must be a path inside the project (relative, without '..')"
    posix = Path(*parts).as_posix()

    def under(folder: str) -> bool:
        return posix == folder or posix.startswith(folder + "/")

    if not any(under(f) and posix != f for f in folders) or any(under(k) for k in keep_out):
        where = " or ".join(f"{f}/" for f in folders)
        kept = f" (not {', '.join(f'{k}/' for k in keep_out)})" if keep_out else ""
        return f"must be a path under {where}{kept}, where the pipeline keeps such files"
    return None


def _under(*folders: str, keep_out: tuple[str, ...] = ()) -> Callable[[object], str | None]:
    """A path check for `SCHEMA`: see `_inside`."""
    return lambda value: _inside(value, folders, keep_out)


def _table_path(value: object) -> str | None:
    if _inside(value, ("data",)):
        return _inside(value, ("data",))
    if Path(str(value)).suffix not in TABLE_SUFFIXES:
        return f"does not name a table: it must end in {' or '.join(TABLE_SUFFIXES)}"
    return None


def _source(value: object) -> str | None:
    if value == "synthetic" or (isinstance(value, str) and SOURCE_PATTERN.match(value)):
        return None
    return "is not 'synthetic', an https:// URL or a DOI address"


def _sha256(value: object) -> str | None:
    if value in (None, "") or (isinstance(value, str) and SHA256_PATTERN.match(value)):
        return None
    return "is not 64 lower-case hexadecimal digits (the output of `sha256sum`)"


def _mapping(value: object) -> str | None:
    if value is not None and not isinstance(value, dict):
        return "is not a mapping of settings"
    return None


def _names(value: object) -> str | None:
    if _mapping(value):
        return "is not a mapping of settings (name: value, one a line)"
    keys = value if isinstance(value, dict) else {}
    bad = [str(key) for key in keys if not isinstance(key, str)]
    return f"has a setting name that is not a text: {', '.join(bad)}" if bad else None


def _label_text(value: object) -> str | None:
    """A text of the figure label: one line; may be empty (`figures.status`)."""
    if value is None:
        return None
    if not isinstance(value, str) or "\n" in value or len(value) > MAX_KEYWORD:
        return f'is not a text of one line (at most {MAX_KEYWORD} characters; "" for none)'
    return None


def _experiment(value: object) -> str | None:
    """`figures.experiment`: a name of one line."""
    return _text(value) or _label_text(value)


def _energy(value: object) -> str | None:
    """`figures.com_energy_tev`: null, or a positive energy in TeV."""
    if value is None:
        return None
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number <= 0:
        return "is not a positive number of TeV (or null for none)"
    if number > MAX_ENERGY_TEV:
        return f"is more than {MAX_ENERGY_TEV} TeV: the unit is TeV, not GeV (13.6, not 13600)"
    return None


def _luminosity(value: object) -> str | None:
    """`figures.luminosity_fb`: null, or a positive integrated luminosity in fb^-1."""
    if value is None:
        return None
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number <= 0:
        return "is not a positive number of fb^-1 (or null for none)"
    return None


def _reactions(value: object) -> str | None:
    """`figures.reactions`: HEPData reactions, INITIAL --> FINAL (e.g. P P --> X)."""
    if value is None:
        return None
    if not isinstance(value, list):
        return "is not a list of reactions"
    for item in value:
        if not isinstance(item, str) or "-->" not in item or len(item) > MAX_KEYWORD:
            return (
                f"holds {_shown(item)}, not a HEPData reaction (INITIAL --> FINAL, at most "
                f"{MAX_KEYWORD} characters)"
            )
    return None


def _locations(value: object) -> str | None:
    """`figures.paper_locations`: table name -> its place in the paper (text or null)."""
    if _names(value):
        return _names(value)
    for name, where in (value if isinstance(value, dict) else {}).items():
        if name not in HEPDATA_TABLES:
            near = difflib.get_close_matches(str(name), HEPDATA_TABLES, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            return f"names {name!r}, not a table{hint}; known: {', '.join(HEPDATA_TABLES)}"
        if where is not None and (
            not isinstance(where, str) or not where.strip() or len(where) > MAX_LOCATION
        ):
            return (
                f"gives {name} {_shown(where)}, not a text (at most {MAX_LOCATION} characters) "
                "or null"
            )
    return None


@dataclass(frozen=True)
class Key:
    """One key of config/pipeline.yaml: how its value is checked, and a right example."""

    check: Callable[[object], str | None]
    example: str
    required: bool = True


@dataclass(frozen=True)
class Section:
    """One section of config/pipeline.yaml and its keys."""

    keys: dict[str, Key]
    required: bool = True


#: Every section and key the pipeline reads. `data.ntuples` (ROOT files) is checked in detail by
#: data/partitions.py, `model.hyperparameters` by the training step (they depend on the library).
SCHEMA: dict[str, Key | Section] = {
    "seed": Key(_integer, "seed: 20260101"),
    "data": Section(
        {
            "source": Key(_source, "source: synthetic", required=False),
            "sha256": Key(_sha256, "sha256: <the 64 digits sha256sum prints>", required=False),
            "n_events": Key(_at_least(MIN_EVENTS), "n_events: 20000", required=False),
            "signal_fraction": Key(_fraction, "signal_fraction: 0.3", required=False),
            "raw_file": Key(_table_path, "raw_file: data/raw/events.csv"),
            "ntuples": Key(_mapping, "ntuples: {tree: events, samples: [...]}", required=False),
        }
    ),
    "features": Section(
        {
            "test_fraction": Key(_fraction, "test_fraction: 0.25"),
            "processed_dir": Key(
                _under("data", keep_out=("data/raw", "data/external")),
                "processed_dir: data/processed",
            ),
        }
    ),
    "dask": Section(
        {
            "n_workers": Key(_at_least(1), "n_workers: 2", required=False),
            "partition_size": Key(_at_least(1), "partition_size: 10000", required=False),
            "worker_timeout": Key(_at_least(1), "worker_timeout: 600", required=False),
        },
        required=False,
    ),
    "model": Section(
        {
            "name": Key(_text, "name: classifier"),
            "dir": Key(_under("models"), "dir: models/classifier"),
            "hyperparameters": Key(_names, "hyperparameters: {max_depth: 3}", required=False),
        },
        required=False,
    ),
    "reports": Section(
        {
            "figures_dir": Key(_under("reports"), "figures_dir: reports/figures"),
            "predictions_file": Key(
                _under("reports", "data/processed", "data/interim"),
                "predictions_file: reports/predictions.csv",
            ),
        }
    ),
    # The experiment label of the figures (visualization/style.py) and the keywords of the
    # HEPData record (models/hepdata_submission.py).
    "figures": Section(
        {
            "experiment": Key(_experiment, "experiment: CMS"),
            "status": Key(_label_text, "status: Simulation", required=False),
            "com_energy_tev": Key(_energy, "com_energy_tev: 13.6", required=False),
            "luminosity_fb": Key(_luminosity, "luminosity_fb: 138", required=False),
            "reactions": Key(_reactions, "reactions: [P P --> X]", required=False),
            "paper_locations": Key(
                _locations, "paper_locations: {roc_curve: Figure 3a}", required=False
            ),
        },
        required=False,
    ),
    # The selection of `make cutflow` (HEP, models/cutflow.py): cuts on the inputs, then the
    # classifier's working point.
    "cutflow": Section(
        {
            "cuts": Key(_cuts, "cuts: [{name: leading jet, feature: pt_lead, min: 40}]"),
            "working_point": Key(_fraction, "working_point: 0.5"),
        },
        required=False,
    ),
    # The efficiency map of `make efficiency-map` (HEP, models/efficiency_map.py): the bins of
    # two generator-level columns; the working point is that of `cutflow:`.
    "efficiency_map": Section(
        {
            "x": Key(_truth_column, "x: truth_pt_lead", required=False),
            "x_edges": Key(_edges, "x_edges: [25, 50, 60, 70, 85, 110, 150, 300]", required=False),
            "y": Key(_truth_column, "y: truth_eta_lead", required=False),
            "y_edges": Key(_edges, "y_edges: [-2.5, -1.2, -0.4, 0.4, 1.2, 2.5]", required=False),
        },
        required=False,
    ),
    # The statistical model of `make likelihood` (HEP, models/likelihood.py): a HistFactory
    # channel of the classifier score on the test set, scaled to the expected yields.
    "likelihood": Section(
        {
            "bins": Key(_at_least(1), "bins: 8"),
            "signal_yield": Key(_positive, "signal_yield: 50"),
            "background_yield": Key(_positive, "background_yield: 1000"),
            "background_uncertainty": Key(_fraction, "background_uncertainty: 0.1"),
            "confidence_level": Key(_fraction, "confidence_level: 0.95"),
            "observed": Key(_observed, "observed: data/external/observed.csv", required=False),
        },
        required=False,
    ),
    # The closure criterion of `make surrogate` (HEP, models/surrogate.py).
    "surrogate": Section(
        {
            "max_relative_difference": Key(
                _fraction, "max_relative_difference: 0.1", required=False
            ),
        },
        required=False,
    ),
}
#: Keys required only with the seeded generator (`data.source: synthetic`).
SYNTHETIC_KEYS = ("n_events", "signal_fraction")


def _unknown(where: str, found: object, known: list[str]) -> ConfigError:
    """The error of a key that is not a setting, with the nearest known one."""
    near = difflib.get_close_matches(str(found), known, n=1, cutoff=0.6)
    fix = f"rename it {near[0]}" if near else f"remove it; known here: {', '.join(known)}"
    hint = f" (did you mean {near[0]}?)" if near else ""
    return ConfigError(
        f"{CONFIG_FILE}: {where}{found}: is not a setting of the pipeline{hint}. Fix: {fix} "
        f"(a setting of your own code goes into SCHEMA in src/{__package__}/config.py)"
    )


def _shown(value: object) -> str:
    """A value as the message quotes it: texts quoted, the rest as YAML/JSON writes it."""
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


def unprotected_source(source: str, sha256: str | None) -> str | None:
    """What is wrong with downloading `source` unencrypted without a pinned checksum.

    Over http:// or ftp:// the file can be changed on its way (TLS protects https://), so such
    a download needs `data.sha256` to be trusted. A server on this machine (localhost,
    127.0.0.1, ::1) is reached without a network in between.

    Args:
        source: `data.source`, e.g. "http://example.org/events.csv".
        sha256: `data.sha256`, or None.

    Returns:
        The problem, ending with its fix; None for https://, DOI addresses, a pinned checksum
        or this machine.
    """
    scheme, _, rest = source.partition("://")
    host = re.sub(r"^[^@/]*@", "", rest).split("/")[0].rsplit(":", 1)[0].strip("[]")
    local = host in ("localhost", "::1") or host.startswith("127.")
    if sha256 or scheme.lower() not in ("http", "ftp") or local:
        return None
    return (
        f"{source!r} is plain {scheme}, not encrypted: the file could be changed on its way "
        "and nobody would notice. Fix: use its https:// address, or pin data.sha256 (the output "
        "of `sha256sum` of a copy you checked)"
    )


def _check_keys(name: str, values: dict[str, Any], keys: dict[str, Key]) -> None:
    for key in values:
        if key not in keys:
            raise _unknown(f"{name}.", key, list(keys))
    synthetic = values.get("source", "synthetic") == "synthetic"
    for key, spec in keys.items():
        needed = spec.required or (name == "data" and synthetic and key in SYNTHETIC_KEYS)
        if key not in values:
            if needed:
                raise ConfigError(
                    f"{CONFIG_FILE}: {name}.{key}: is missing. Fix: add it under `{name}:`, "
                    f"e.g. {spec.example}"
                )
            continue
        problem = spec.check(values[key])
        if problem and problem.startswith("["):  # one entry of a list, with its own fix
            raise ConfigError(f"{CONFIG_FILE}: {name}.{key}{problem}")
        if problem:
            raise ConfigError(
                f"{CONFIG_FILE}: {name}.{key}: {_shown(values[key])} {problem}. Fix: write e.g. "
                f"{spec.example}"
            )
    if name == "data" and isinstance(values.get("source"), str):
        problem = unprotected_source(values["source"], values.get("sha256") or None)
        if problem:
            raise ConfigError(f"{CONFIG_FILE}: data.source: {problem}")


def check(data: dict[str, Any]) -> None:
    """Check the parsed configuration against `SCHEMA`.

    Args:
        data: the mapping read from config/pipeline.yaml.

    Raises:
        ConfigError: the first unknown or missing key, or wrong value, with its fix.
    """
    for name in data:
        if name not in SCHEMA:
            raise _unknown("", name, list(SCHEMA))
    for name, spec in SCHEMA.items():
        if isinstance(spec, Key):
            problem = "is missing" if name not in data else spec.check(data[name])
            if problem:
                shown = "" if name not in data else f"{_shown(data[name])} "
                raise ConfigError(
                    f"{CONFIG_FILE}: {name}: {shown}{problem}. Fix: write e.g. {spec.example}"
                )
            continue
        values = data.get(name)
        if values is None and not spec.required:
            continue
        if not isinstance(values, dict):
            state = "is missing" if name not in data else f"is {_shown(values)}, not a mapping"
            example = next(iter(spec.keys.values())).example
            raise ConfigError(
                f"{CONFIG_FILE}: {name}: {state}. Fix: write the section `{name}:` with its "
                f"settings indented below it, e.g. `{name}:` then `  {example}`"
            )
        _check_keys(name, values, spec.keys)


@dataclass(frozen=True)
class DataSection:
    """`data:`: where `make data` gets the raw data.

    Attributes:
        raw_file: the raw table, resolved against the project folder.
        source: "synthetic", an https:// URL or a DOI address.
        sha256: the pinned sha256 of a downloaded file (64 hex digits), or None.
        n_events: events of the seeded generator (present with `source: synthetic`), or None.
        signal_fraction: its fraction of signal events in (0, 1), or None like n_events.
        ntuples: the ROOT samples of a HEP project (checked by data/samples.py), or None.
    """

    raw_file: Path
    source: str = "synthetic"
    sha256: str | None = None
    n_events: int | None = None
    signal_fraction: float | None = None
    ntuples: dict[str, Any] | None = None

    @property
    def synthetic(self) -> bool:
        """Whether the seeded generator writes the raw data (`source: synthetic`)."""
        return self.source == "synthetic"


@dataclass(frozen=True)
class FeaturesSection:
    """`features:`: how `make features` splits the raw table.

    Attributes:
        test_fraction: the fraction of events held out for testing, in (0, 1).
        processed_dir: the folder of the processed tables, resolved against the project folder.
    """

    test_fraction: float
    processed_dir: Path


@dataclass(frozen=True)
class DaskSection:
    """`dask:`: the local cluster of `make features` (defaults where the file is silent).

    Attributes:
        n_workers: single-threaded worker processes of a local cluster.
        partition_size: rows of a table (or entries of a ROOT tree) per task.
        worker_timeout: seconds to wait for the first worker of an existing cluster.
    """

    n_workers: int = 2
    partition_size: int = 10_000
    worker_timeout: int = 600


@dataclass(frozen=True)
class ModelSection:
    """`model:`: the trained model (absent in a project without one).

    Attributes:
        name: the model's name in the card and the ONNX metadata.
        dir: its release folder, resolved against the project folder.
        hyperparameters: settings for models/estimator.py (checked by the training step
            against `HYPERPARAMETERS`, as they depend on the library).
    """

    name: str
    dir: Path
    hyperparameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportsSection:
    """`reports:`: where the figures and predictions go.

    Attributes:
        figures_dir: the figures' folder, resolved against the project folder.
        predictions_file: the per-event predictions table, resolved likewise.
    """

    figures_dir: Path
    predictions_file: Path


@dataclass(frozen=True)
class Cut:
    """One cut of `cutflow.cuts`: the events with `low` <= feature < `high` pass.

    Attributes:
        name: how the cut flow names it ("leading jet pT > 40 GeV").
        feature: the input column it cuts on.
        low: the smallest value kept, in the unit of the column; None for no lower bound.
        high: the first value no longer kept; None for no upper bound.
    """

    name: str
    feature: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class CutflowSection:
    """`cutflow:` (HEP with a model): the selection of `make cutflow`.

    Attributes:
        cuts: the cuts on the inputs, in the order they are applied.
        working_point: the classifier score at or above which an event is selected, in (0, 1).
    """

    cuts: tuple[Cut, ...]
    working_point: float


@dataclass(frozen=True)
class EfficiencyMapSection:
    """`efficiency_map:` (HEP with a model): the bins of `make efficiency-map`.

    Every key has a default (the toy data's leading jet), used where the file leaves it out.

    Attributes:
        x: the generator-level column of the x axis (`truth_...`).
        x_edges: its bin edges, increasing, in the unit of the column.
        y: the generator-level column of the y axis.
        y_edges: its bin edges, increasing.
    """

    x: str = "truth_pt_lead"
    x_edges: tuple[float, ...] = (25.0, 50.0, 60.0, 70.0, 85.0, 110.0, 150.0, 300.0)
    y: str = "truth_eta_lead"
    y_edges: tuple[float, ...] = (-2.5, -1.2, -0.4, 0.4, 1.2, 2.5)


@dataclass(frozen=True)
class SurrogateSection:
    """`surrogate:` (HEP with a model): the closure criterion of `make surrogate`.

    Every key has a default, used where the file leaves it (or the section) out: a
    config/pipeline.yaml from before the section (`copier update` keeps yours) has none.

    Attributes:
        max_relative_difference: the largest relative difference, abs(surrogate - classifier) /
            classifier, of the signal efficiency of the working point in the selection of
            `cutflow:` for which the closure passes, in (0, 1) (0.1: 10%; the rationale of the
            default is in models/surrogate.py, `CRITERION`).
    """

    max_relative_difference: float = 0.1


@dataclass(frozen=True)
class LikelihoodSection:
    """`likelihood:` (HEP with a model): the HistFactory model of `make likelihood`.

    Attributes:
        bins: equal bins of the classifier score in [0, 1].
        signal_yield: the expected number of signal events before the cuts of `cutflow:`, at
            the signal strength mu = 1 (the histogram of the test events that pass the cuts is
            scaled to it times their efficiency).
        background_yield: the expected number of background events, likewise.
        background_uncertainty: the relative uncertainty of the background normalisation,
            in (0, 1) (0.1: 10%), a HistFactory normsys.
        confidence_level: of the upper limit on the signal strength, in (0, 1) (0.95).
        observed: the measured events per bin of the score (a list), or the path of a CSV file
            of them (resolved against the project folder); None (the default): no measured
            data, the observed limit is on background-only pseudo-data.
    """

    bins: int
    signal_yield: float
    background_yield: float
    background_uncertainty: float
    confidence_level: float
    observed: tuple[int, ...] | Path | None = None


@dataclass(frozen=True)
class FiguresSection:
    """`figures:` (HEP): the experiment label of the figures and the HEPData keywords.

    Attributes:
        experiment: the experiment or collaboration, "" for none.
        status: the text after its name ("Simulation"), "" for a published result.
        com_energy_tev: the centre-of-mass energy in TeV, or None.
        luminosity_fb: the integrated luminosity in fb^-1, or None.
        reactions: HEPData reactions (INITIAL --> FINAL).
        paper_locations: HEPData table name -> its place in the paper ("Figure 3a").
    """

    experiment: str = ""
    status: str = ""
    com_energy_tev: float | None = None
    luminosity_fb: float | None = None
    reactions: tuple[str, ...] = ()
    paper_locations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """config/pipeline.yaml, checked against `SCHEMA` and read into typed sections.

    Build it with `load_config`; the steps read its attributes, never the mapping.

    Attributes:
        root: the project folder every path is relative to.
        raw: the mapping as read from the file (recorded with the outputs for provenance).
        seed: the random seed of every step.
        data, features, dask, reports: the sections of the same names.
        model: the `model:` section, None in a project without a model.
        figures: the `figures:` section (empty where the file has none).
        likelihood: the `likelihood:` section, None where the file has none.
        cutflow: the `cutflow:` section, None where the file has none.
        efficiency_map: the `efficiency_map:` section, its defaults where the file has none.
        surrogate: the `surrogate:` section, its defaults where the file has none.
    """

    root: Path
    raw: dict[str, Any]
    seed: int
    data: DataSection
    features: FeaturesSection
    dask: DaskSection
    reports: ReportsSection
    model: ModelSection | None = None
    figures: FiguresSection = FiguresSection()
    likelihood: LikelihoodSection | None = None
    cutflow: CutflowSection | None = None
    efficiency_map: EfficiencyMapSection = EfficiencyMapSection()
    surrogate: SurrogateSection = SurrogateSection()

    def model_section(self) -> ModelSection:
        """The `model:` section, for a step that needs the model.

        Returns:
            The section, as `model` holds it.

        Raises:
            ConfigError: the file has no `model:` section (a project without a model).
        """
        if self.model is None:
            raise ConfigError(
                f"{CONFIG_FILE}: model: is missing, and the model steps need it. Fix: add the "
                "section at the end of the file: `model:`, then the indented lines "
                "`  name: classifier` and `  dir: models/classifier`"
            )
        return self.model

    def likelihood_section(self) -> LikelihoodSection:
        """The `likelihood:` section, for `make likelihood`.

        Returns:
            The section, as `likelihood` holds it.

        Raises:
            ConfigError: the file has no `likelihood:` section.
        """
        if self.likelihood is None:
            raise ConfigError(
                f"{CONFIG_FILE}: likelihood: is missing, and `make likelihood` needs it. Fix: "
                "add the section at the end of the file: `likelihood:`, then the indented lines "
                "`  bins: 8`, `  signal_yield: 50`, `  background_yield: 1000`, "
                "`  background_uncertainty: 0.1` and `  confidence_level: 0.95`"
            )
        return self.likelihood

    def cutflow_section(self) -> CutflowSection:
        """The `cutflow:` section, for `make cutflow`.

        Returns:
            The section, as `cutflow` holds it.

        Raises:
            ConfigError: the file has no `cutflow:` section.
        """
        if self.cutflow is None:
            raise ConfigError(
                f"{CONFIG_FILE}: cutflow: is missing, and `make cutflow` needs it. Fix: add the "
                "section at the end of the file: `cutflow:`, then the indented lines "
                "`  cuts: [{name: leading jet, feature: pt_lead, min: 40}]` and "
                "`  working_point: 0.5`"
            )
        return self.cutflow

    def path(self, section: str, key: str) -> Path:
        """A path of the file by section and key, for code written before the typed sections.

        Deprecated: read the attribute instead (`config.data.raw_file`); your notebooks and
        code from before may still call this.

        Args:
            section: the section, e.g. "data".
            key: the key, e.g. "raw_file".

        Returns:
            The path, resolved against the project folder.

        Raises:
            ConfigError: the section has no such key.
        """
        warnings.warn(
            f"Config.path({section!r}, {key!r}) is deprecated: read config.{section}.{key}",
            DeprecationWarning,
            stacklevel=2,
        )
        value = (self.raw.get(section) or {}).get(key)
        if not isinstance(value, str):
            raise ConfigError(f"{CONFIG_FILE}: {section}.{key}: is not a path of the file")
        return self.root / value

    def sha256(self) -> str:
        """The sha256 of the configuration file, recorded with the outputs.

        Returns:
            The hex digest of config/pipeline.yaml below `root`, as it is on disk now.

        Raises:
            OSError: the file cannot be read.
        """
        return hashlib.sha256((self.root / CONFIG_FILE).read_bytes()).hexdigest()


def energy_text(com_energy_tev: float | None) -> str | None:
    """The centre-of-mass energy as figure labels and the model card write it.

    Args:
        com_energy_tev: the energy in TeV (`figures.com_energy_tev`), or None.

    Returns:
        "13.6 TeV", or "900 GeV" below `GEV_BELOW_TEV` (mplhep reads the number and unit);
        None without an energy.
    """
    if com_energy_tev is None:
        return None
    if com_energy_tev < GEV_BELOW_TEV:
        return f"{com_energy_tev * 1000:g} GeV"
    return f"{com_energy_tev:g} TeV"


def _number(value: object) -> float | None:
    """A number of the file as a float; None for null (the schema has checked the type)."""
    return None if value is None else float(value)  # type: ignore[arg-type]


def _sections(root: Path, data: dict[str, Any]) -> Config:
    """The typed sections of a mapping that `check` accepted; paths resolved against `root`."""
    raw, features, reports = data["data"], data["features"], data["reports"]
    dask, model, figures = data.get("dask") or {}, data.get("model"), data.get("figures") or {}
    likelihood, cutflow = data.get("likelihood"), data.get("cutflow")
    efficiency_map, defaults = data.get("efficiency_map") or {}, EfficiencyMapSection()
    return Config(
        root=root,
        raw=data,
        seed=int(data["seed"]),
        data=DataSection(
            raw_file=root / raw["raw_file"],
            source=raw.get("source", "synthetic"),
            sha256=raw.get("sha256") or None,
            n_events=raw.get("n_events"),
            signal_fraction=_number(raw.get("signal_fraction")),
            ntuples=raw.get("ntuples") or None,
        ),
        features=FeaturesSection(
            float(features["test_fraction"]), root / features["processed_dir"]
        ),
        dask=DaskSection(**dask),
        reports=ReportsSection(root / reports["figures_dir"], root / reports["predictions_file"]),
        model=None
        if model is None
        else ModelSection(model["name"], root / model["dir"], model.get("hyperparameters") or {}),
        figures=FiguresSection(
            experiment=str(figures.get("experiment") or "").strip(),
            status=str(figures.get("status") or "").strip(),
            com_energy_tev=_number(figures.get("com_energy_tev")),
            luminosity_fb=_number(figures.get("luminosity_fb")),
            reactions=tuple(figures.get("reactions") or ()),
            paper_locations={
                name: where.strip()
                for name, where in (figures.get("paper_locations") or {}).items()
                if where
            },
        ),
        likelihood=None
        if likelihood is None
        else LikelihoodSection(
            bins=int(likelihood["bins"]),
            signal_yield=float(likelihood["signal_yield"]),
            background_yield=float(likelihood["background_yield"]),
            background_uncertainty=float(likelihood["background_uncertainty"]),
            confidence_level=float(likelihood["confidence_level"]),
            observed=_observed_counts(root, likelihood.get("observed")),
        ),
        cutflow=None
        if cutflow is None
        else CutflowSection(
            cuts=tuple(
                Cut(
                    str(c["name"]).strip(),
                    str(c["feature"]),
                    _number(c.get("min")),
                    _number(c.get("max")),
                )
                for c in cutflow["cuts"]
            ),
            working_point=float(cutflow["working_point"]),
        ),
        efficiency_map=EfficiencyMapSection(
            x=str(efficiency_map.get("x", defaults.x)),
            x_edges=tuple(float(v) for v in efficiency_map.get("x_edges", defaults.x_edges)),
            y=str(efficiency_map.get("y", defaults.y)),
            y_edges=tuple(float(v) for v in efficiency_map.get("y_edges", defaults.y_edges)),
        ),
        surrogate=SurrogateSection(
            max_relative_difference=float(
                (data.get("surrogate") or {}).get(
                    "max_relative_difference", SurrogateSection.max_relative_difference
                )
            )
        ),
    )


def _observed_counts(root: Path, value: object) -> tuple[int, ...] | Path | None:
    """`likelihood.observed` as `LikelihoodSection.observed` holds it (the schema checked it)."""
    if value is None:
        return None
    if isinstance(value, str):
        return root / value.strip()
    return tuple(int(v) for v in value)  # type: ignore[attr-defined]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key written twice in one mapping (it keeps the last)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, (str, int, float)):
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _unique_mapping,  # type: ignore[arg-type]
)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's error on one line: where, what, and the fix."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    parts = (getattr(error, "context", None), getattr(error, "problem", None))
    what = ": ".join(str(part) for part in parts if part) or " ".join(str(error).split())
    if "written twice" in what:
        return f"{where}{what}. Fix: keep one of them (YAML would silently use the last)"
    return (
        f"{where}{what}. Fix: correct it there (indent by spaces, a space after every colon, "
        "quote a text holding ': ' or '#'), or restore the file from git"
    )


def _load_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file holding a mapping.

    Raises:
        ConfigError: the file is missing, too large, not valid YAML (or a key is written twice,
            or it holds too many aliases), or not a mapping.
    """
    restore = f"git checkout -- {Path(*path.parts[-2:]).as_posix()}"  # config/<name>.yaml
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ConfigError(
                f"{path}: is {size} bytes, more than a settings file needs ({MAX_YAML_BYTES}). "
                "Fix: restore it from git"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise ConfigError(
            f"{path} is missing. Fix: restore it from git ({restore}), or from the template: "
            "copier update --trust brings back a deleted settings file"
        ) from error
    except IsADirectoryError as error:
        raise ConfigError(
            f"{path}: is a folder, not the settings file. Fix: move the folder away and "
            f"restore the file from git ({restore})"
        ) from error
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: is not UTF-8 text ({error.reason} at byte {error.start}). Fix: save it "
            "as UTF-8"
        ) from error
    try:
        aliases = sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text))
        if aliases > MAX_YAML_ALIASES:
            raise ConfigError(
                f"{path}: uses {aliases} YAML aliases (*name), more than {MAX_YAML_ALIASES}. "
                "Fix: write the values out"
            )
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {_yaml_problem(error)}") from error
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: must contain a mapping of sections (name: value, one a line), not "
            f"{'nothing' if data is None else type(data).__name__}. Fix: restore it from git "
            f"({restore}) and edit the values there"
        )
    return data


def load_config(root: Path | str = ".") -> Config:
    """Read and check config/pipeline.yaml below `root`.

    Args:
        root: the project folder.

    Returns:
        The configuration in typed sections, its paths resolved against `root`.

    Raises:
        ConfigError: the file is missing, not valid YAML, or a key or value is wrong (`check`).
    """
    root = Path(root)
    data = _load_mapping(root / CONFIG_FILE)
    check(data)
    return _sections(root, data)


def load_model_card_config(root: Path | str = ".") -> dict[str, Any]:
    """Read config/model_card.yaml below `root`: the text of the model card.

    Args:
        root: the project folder.

    Returns:
        The mapping as written (models/card_config.py checks its fields).

    Raises:
        ConfigError: the file is missing, not valid YAML, or not a mapping.
    """
    return _load_mapping(Path(root) / MODEL_CARD_FILE)

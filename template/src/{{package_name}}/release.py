"""`make release`: the release of the analysis as one self-contained, checksummed package.

The package is a BagIt bag (RFC 8493, written and checked by the `bagit` library) whose payload
is an RO-Crate 1.1 (written by the `rocrate` library, ro-crate-py): the RO-Crate BagIt
convention of https://www.researchobject.org/ro-crate/specification/1.1/appendix/implementation-notes.html.
The crate describes every file it holds (size, media type and EDAM format, sha256, licence; the
columns of each data table with their units and meanings, as schema.org `variableMeasured`) and
the run of `make all` that made them, as a Process Run Crate
(https://w3id.org/ro/wfrun/process/0.5): the project's code and version as the instrument, the
raw data and the settings of config/pipeline.yaml as its object, the outputs as its result, the
times of its steps (the stamps in .pipeline/) and the authors of CITATION.cff as its agents.

What goes in: the metadata files (CITATION.cff, codemeta.json, the root RO-Crate as
ro-crate-metadata.json of the repository, LICENSE; under code/), config/pipeline.yaml,
requirements.txt, the raw data and processed tables when their licence allows redistribution
(else a reference with their sha256), reports/ (metrics and figures), the model release
models/<name>/ (ONNX, card, validation material) and the HEPData submission where there is one.
Each file keeps its path in the crate, but data/ is dataset/ there (see `crate_path`). The
package is written to build/release/<distribution>-<version>/ in a temporary folder first, so an
interrupted release leaves the previous one as it was; the project's own files are only read.
"""

from __future__ import annotations

import argparse
import importlib
import json
import mimetypes
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import bagit
from rocrate.model.contextentity import ContextEntity
from rocrate.model.person import Person
from rocrate.model.softwareapplication import SoftwareApplication
from rocrate.rocrate import ROCrate

from . import project
from .config import CONFIG_FILE, Config, ConfigError, load_config
from .data import manifest, partitions, table
from .data.interface import GeneratorError, generator, truth_of
from .data.make_dataset import proven
from .data.schema import LABEL, Feature, is_truth
from .fair.cff import DATA_TYPES
from .fair.scoring import DATASHEET
from .fair.sources import Record, SourceError, read_citation
from .fair.vocabularies import EDAM, EDAM_FORMATS, EDAM_OPERATION, EDAM_TOPIC
from .files import atomic_path
from .layout import FAIR_REPORT, HEPDATA_DIR, MANIFEST_NAME, RELEASE_DIR, STAMP_DIR, Layout
from .provenance import package_version
from .vcs import git_commit

#: The profiles the crate conforms to: RO-Crate 1.1 and the Process Run Crate 0.5.
ROCRATE_PROFILE = "https://w3id.org/ro/crate/1.1"
PROCESS_RUN_PROFILE = "https://w3id.org/ro/wfrun/process/0.5"
SPDX = "https://spdx.org/licenses/"
SHA256_TERM = "sha256"
SCHEMA_SHA256 = "http://schema.org/sha256"
#: The data licences that allow the data to be redistributed in the release (copier4fair's
#: data_license choices): data under another licence is referenced by its sha256 only.
REDISTRIBUTABLE = ("CC-BY-4.0", "CC0-1.0", "CC-BY-SA-4.0", "ODbL-1.0", "PDDL-1.0")
#: Media types the standard library does not know.
MEDIA_TYPES = {
    ".onnx": "application/octet-stream",
    ".parquet": "application/vnd.apache.parquet",
    ".md": "text/markdown",
    ".cff": "application/x-yaml",
    ".yaml": "application/x-yaml",
    ".yml": "application/x-yaml",
    ".sha256": "text/plain",
    ".txt": "text/plain",
    ".cc": "text/x-c",
    ".h": "text/x-c",
}
#: The metadata files of the repository that go in as they are, if present.
METADATA_FILES = ("CITATION.cff", "codemeta.json", ".zenodo.json", "LICENSE", "README.md")
#: The repository's own RO-Crate (written by Copier, maybe edited): kept under another name,
#: as the release's crate is the bag's ro-crate-metadata.json.
REPOSITORY_CRATE = "ro-crate-metadata.json"
RELEASE_FIX = "run `make all` first, then `make release` again"
#: The settings of the toy generator (`data.source: synthetic`): parameters of the run only
#: where the generator wrote the raw data.
GENERATOR_SETTINGS = ("data.source", "data.n_events", "data.signal_fraction")
#: The description of raw data the toy generator did not write under `data.source: synthetic`.
OWN_DATA = (
    "the user's own data, recorded as they are (make data RECORD=1, or ROOT ntuples): not "
    "written by the toy generator that data.source: synthetic names"
)


class ReleaseError(Exception):
    """The release cannot be built: the message names the file, what is wrong and the fix."""


def media_type(path: Path) -> str:
    """The media type of a file, by its suffix.

    Args:
        path: the file.

    Returns:
        e.g. "text/csv"; "application/octet-stream" for a suffix nobody knows.
    """
    suffix = path.suffix.lower()
    return (
        MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def encoding_format(path: Path) -> str | list[Any]:
    """The encodingFormat of a file in the crate: its media type, and its EDAM format if known.

    Args:
        path: the file.

    Returns:
        The media type, or [media type, {"@id": EDAM format IRI}] (RO-Crate 1.1, "Adding
        detailed descriptions of encodings"; the IRI is a contextual entity of type WebSite in
        the crate).
    """
    edam = EDAM_FORMATS.get(path.suffix.lower())
    return [media_type(path), {"@id": edam[0]}] if edam else media_type(path)


def crate_path(relative: str) -> str:
    """Where a file of the project goes in the crate: its path, with no folder ending in data.

    The crate's paths must not contain "data/": in a bag, the payload folder is data/, and
    roc-validator (0.13, rocrate/bagit.py) takes any path containing "data/" as relative to the
    bag rather than to the payload. So the folder data is dataset in the crate, and any other
    folder whose name ends in data (hepdata) gets "-files" (hepdata-files).

    Args:
        relative: the file's path relative to the project folder, with "/".

    Returns:
        Its path in the crate, e.g. "dataset/raw/samples.parquet" for "data/raw/samples.parquet".
    """
    *folders, name = relative.split("/")
    renamed = [
        "dataset" if f == "data" else f"{f}-files" if f.endswith("data") else f for f in folders
    ]
    return "/".join([*renamed, name])


def _files(folder: Path) -> Iterator[Path]:
    """The files below `folder`, sorted, leaving out hidden ones and leftovers of writes."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if path.is_file() and not any(part.startswith(".") for part in relative):
            yield path


def step_times(root: Path) -> tuple[str | None, str | None]:
    """When the steps ran: the first start and the last end of the last run of each step.

    A step that was up to date in the last `make all` keeps the times of the run that wrote
    its outputs, which are the ones the release holds.

    Args:
        root: the project folder; the stamps are .pipeline/<step>.json (pipeline.py).

    Returns:
        (startTime, endTime) in ISO 8601 UTC; None where no stamp records one (stamps written
        before the times were recorded).
    """
    starts, ends = [], []
    for stamp in sorted((root / STAMP_DIR).glob("*.json")):
        try:
            record = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict):
            starts += [record["started"]] if isinstance(record.get("started"), str) else []
            ends += [record["ended"]] if isinstance(record.get("ended"), str) else []
    return (min(starts) if starts else None, max(ends) if ends else None)


def parameters(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The settings of config/pipeline.yaml as (name, value) pairs, one per leaf.

    Args:
        settings: the mapping as read.
        prefix: the dotted name of the mapping ("" at the top).

    Returns:
        [("model.name", "classifier"), ...]; lists and other values as JSON text.
    """
    pairs = []
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            pairs += parameters(value, f"{name}.")
        else:
            pairs.append((name, value if isinstance(value, str) else json.dumps(value)))
    return pairs


def described_columns(root: Path, config: Config, layout: Layout) -> dict[str, Feature]:
    """The descriptions (unit, meaning) of the columns the project's tables may hold.

    The model's inputs as its card describes them (`models.inputs.describe_inputs`: the
    `inputs:` of config/model_card.yaml over the data's own descriptions), then the toy data
    set's FEATURES and TRUTH (data/synthetic.py) and the ROOT ntuples' branches (while
    `data.ntuples` is set) for the columns the model does not take.

    Args:
        root: the project folder, after `make all`.
        config: its checked configuration.
        layout: its outputs.

    Returns:
        column name -> `Feature`; a column of the user's own data that nothing describes is
        absent (a project without a model has no `inputs:` to describe it).

    Raises:
        ConfigError: config/model_card.yaml is wrong or leaves a model input undescribed (as
            `make model-card`, which `make all` ran, would have said).
        TableError: the processed training table is not a readable table.
    """
    toy = generator()
    negative, positive = project.CLASS_NAMES
    label = Feature(LABEL, "", f"the class: 0 = {negative}, 1 = {positive}")
    known = {label.name: label} | {
        f.name: f for f in (*toy.FEATURES, *truth_of(toy), *partitions.ntuple_features(config))
    }
    if layout.has_model and layout.train_table.is_file():
        names = [n for n in table.columns(layout.train_table) if n != LABEL and not is_truth(n)]
        inputs = importlib.import_module(f"{__package__}.models.inputs")
        known.update({feature.name: feature for feature in inputs.describe_inputs(root, names)})
    return known


def variable(feature: Feature) -> dict[str, str]:
    """One column as a schema.org PropertyValue (the `variableMeasured` of a data set).

    Args:
        feature: the column's name, unit ("" for a dimensionless number) and meaning.

    Returns:
        The entity's properties: "@type", name, description, and unitText where it has a unit.
    """
    properties = {
        "@type": "PropertyValue",
        "name": feature.name,
        "description": feature.description,
    }
    if feature.unit:
        properties["unitText"] = feature.unit
    return properties


def cited_works(references: object) -> list[dict[str, Any]]:
    """The works CITATION.cff cites (`references`) as crate entities: data sets and the rest.

    Args:
        references: the `references` of CITATION.cff as loaded (a list of CFF references;
            anything else gives none).

    Returns:
        One properties mapping per reference with a DOI or URL, its "@id" that address
        (https://doi.org/<doi> first): "@type" Dataset for CFF types "data" and "database"
        (`cff.DATA_TYPES`), else CreativeWork, with its name (the title), identifier and url.
    """
    works = []
    for reference in references if isinstance(references, list) else []:
        if not isinstance(reference, dict):
            continue
        doi, url = str(reference.get("doi") or "").strip(), str(reference.get("url") or "").strip()
        address = f"https://doi.org/{doi}" if doi else url
        if not address.startswith(("https://", "http://")):
            continue
        work = {
            "@id": address,
            "@type": "Dataset" if reference.get("type") in DATA_TYPES else "CreativeWork",
            "name": str(reference.get("title") or address),
        }
        if doi:
            work["identifier"] = address
        if url:
            work["url"] = url
        works.append(work)
    return works


class _Crate:
    """The crate being built, with the folder its files are copied from."""

    def __init__(self, root: Path, licence: str, data_licence: str) -> None:
        self.root = root
        self.columns: dict[str, Feature] = {}
        self.crate = ROCrate()
        # sha256 is no term of the RO-Crate 1.1 context: the schema.org property that later
        # RO-Crate contexts map it to, as a term of the crate's own.
        self.crate.metadata.extra_terms[SHA256_TERM] = SCHEMA_SHA256
        self.licence = {"@id": SPDX + licence}
        self.data_licence = {"@id": SPDX + data_licence}
        self.results: list[Any] = []

    def add(self, path: Path, dest: str, data: bool, result: bool = True) -> Any:
        """Add one file of the project at `dest` in the crate, described by its content."""
        entity = self.crate.add_file(
            str(path),
            dest_path=dest,
            properties={
                "name": path.name,
                "contentSize": str(path.stat().st_size),
                "encodingFormat": encoding_format(path),
                "sha256": manifest.sha256_of(path),
                "license": self.data_licence if data else self.licence,
            },
        )
        if path.suffix.lower() == ".onnx":  # a model (the classifier, the HEP surrogate)
            entity["additionalType"] = {"@id": EDAM_OPERATION[0]}
        if result:
            self.results.append(entity)
        return entity

    def describe_columns(self, entity: Any, path: Path) -> None:
        """Give a table's entity its described columns as `variableMeasured` (schema.org).

        Args:
            entity: the crate's entity of the file (or of its reference by sha256).
            path: the file: a CSV or Parquet table gets its columns that `self.columns`
                describes, each a PropertyValue with its unit; any other file nothing.
        """
        if path.suffix.lower() not in (".csv", ".parquet") or not self.columns:
            return
        measured = []
        for name in table.columns(path):
            if name in self.columns:
                identifier = f"#column-{quote(name, safe='')}"
                found = self.crate.get(identifier) or self.crate.add(
                    ContextEntity(self.crate, identifier, properties=variable(self.columns[name]))
                )
                measured.append(found)
        if measured:
            entity["variableMeasured"] = measured

    def add_tree(self, folder: Path, data: bool, tables: bool = False) -> None:
        """Add every file below `folder` (a project folder) at the same path in the crate.

        With `tables`, its data tables are described column by column (`describe_columns`).
        """
        for path in _files(folder):
            entity = self.add(path, crate_path(path.relative_to(self.root).as_posix()), data)
            if tables:
                self.describe_columns(entity, path)


def build_crate(root: Path) -> ROCrate:
    """The release's RO-Crate, from the project's files as they are now.

    Args:
        root: the project folder, after `make all`.

    Returns:
        The crate (not yet written): root data set, file entities, and the Process Run Crate's
        CreateAction of `make all`.

    Raises:
        ReleaseError: CITATION.cff is missing or unreadable, or a raw file has no manifest
            entry, or the model release is missing (`make all` has not run).
        ConfigError: config/pipeline.yaml is wrong, or config/model_card.yaml leaves a model
            input undescribed.
        GeneratorError: data/synthetic.py (whose FEATURES describe the toy columns) is broken.
        TableError: a data table is not the readable table its name says.
    """
    config = load_config(root)
    layout = Layout(config)
    released = layout.model_dir / MANIFEST_NAME if layout.has_model else None
    if released is not None and not released.is_file():
        shown = released.relative_to(root) if released.is_relative_to(root) else released
        raise ReleaseError(f"{shown}: missing, so there is no model release. Fix: {RELEASE_FIX}")
    citation = _citation(root)
    if citation is None or not citation.license:
        raise ReleaseError(
            "CITATION.cff: missing, unreadable or without a licence; the release is described "
            "from it. Fix: restore it (`git checkout CITATION.cff`) and run `make check-metadata`"
        )
    data_licence = citation.data_license or citation.license
    share = data_licence in REDISTRIBUTABLE
    crate = _Crate(root, citation.license, data_licence)
    crate.columns = described_columns(root, config, layout)
    rc = crate.crate
    version = package_version(root)
    commit = git_commit(root)
    rc.name = str(citation.raw.get("title") or project.DISTRIBUTION)
    rc.description = str(citation.raw.get("abstract") or rc.name)
    rc.license = crate.licence
    rc.root_dataset["version"] = version
    rc.root_dataset["datePublished"] = (
        str(citation.raw.get("date-released") or step_times(root)[1] or "")[:10] or None
    )
    rc.root_dataset["about"] = {"@id": EDAM_TOPIC[0]}
    for iri, label in sorted(set(EDAM_FORMATS.values())):
        properties = {"@type": "WebSite", "name": f"{label} (EDAM format)"}
        rc.add(ContextEntity(rc, iri, properties=properties))
    for iri, label in (EDAM_TOPIC, EDAM_OPERATION):
        properties = {"@type": "DefinedTerm", "name": label, "inDefinedTermSet": EDAM}
        rc.add(ContextEntity(rc, iri, properties=properties))
    for licence in (citation.license, data_licence):
        if rc.get(SPDX + licence) is None:
            rc.add(
                ContextEntity(
                    rc,
                    SPDX + licence,
                    properties={"@type": "CreativeWork", "name": licence, "identifier": licence},
                )
            )
    for uri, title, release in (
        (ROCRATE_PROFILE, "RO-Crate", "1.1"),
        (PROCESS_RUN_PROFILE, "Process Run Crate", "0.5"),
    ):
        properties = {"@type": "CreativeWork", "name": title, "version": release}
        rc.add(ContextEntity(rc, uri, properties=properties))
    rc.root_dataset["conformsTo"] = {"@id": PROCESS_RUN_PROFILE}
    agents = []
    for number, person in enumerate(citation.authors or [], start=1):
        parts = (person.given, person.particle, person.family, person.suffix)
        name = person.name if person.is_entity else " ".join(p for p in parts if p)
        identifier = f"https://orcid.org/{person.orcid}" if person.orcid else f"#author-{number}"
        entity = Person(rc, identifier, properties={"name": name or f"author {number}"})
        if person.is_entity:
            entity["@type"] = "Organization"
        elif person.affiliation:
            entity["affiliation"] = rc.add(
                ContextEntity(
                    rc,
                    f"#affiliation-{number}",
                    properties={"@type": "Organization", "name": person.affiliation},
                )
            )
        agents.append(rc.add(entity))
    if agents:
        rc.root_dataset["author"] = agents if len(agents) > 1 else agents[0]

    # The metadata, settings and environment: the code's description, not results of the run.
    for name in (*METADATA_FILES, "requirements.txt", "pyproject.toml"):
        if (root / name).is_file():
            crate.add(
                root / name,
                f"code/{name}",
                data=False,
                result=False,
            )
    if (root / REPOSITORY_CRATE).is_file():
        crate.add(
            root / REPOSITORY_CRATE,
            "code/repository-ro-crate-metadata.json",
            data=False,
            result=False,
        )
    settings = crate.add(root / CONFIG_FILE, CONFIG_FILE.as_posix(), data=False, result=False)

    # The works CITATION.cff cites: the crate's citations; its data sets, the raw data's origin.
    cited, sources = [], []
    for work in cited_works(citation.raw.get("references")):
        identifier = work.pop("@id")
        entity = rc.get(identifier) or rc.add(ContextEntity(rc, identifier, properties=work))
        cited.append(entity)
        if work["@type"] == "Dataset":
            sources.append(entity)
    if cited:
        rc.root_dataset["citation"] = cited
    origin: dict[str, Any] = {}
    if sources:
        origin["isBasedOn"] = sources if len(sources) > 1 else sources[0]
    if not config.data.synthetic:  # where `make data` downloaded it from
        source = config.data.source
        # A pooch DOI address, doi:<DOI>/<file>: the DOI's landing page.
        origin["url"] = (
            f"https://doi.org/{source[4:].rsplit('/', 1)[0]}"
            if source.startswith("doi:")
            else source
        )

    # A table of the user's own under `source: synthetic` (recorded with RECORD=1, or ntuples):
    # not what the toy generator's settings would write, so they are not its parameters.
    raw_files = partitions.raw_files(config)
    own = config.data.synthetic and any(proven(config, path) is None for path in raw_files)
    if own:
        origin["description"] = OWN_DATA

    # The raw data: in the release where the licence allows, else referenced by sha256.
    inputs: list[Any] = [settings]
    for path in raw_files:
        digest = manifest.recorded(path, fix=RELEASE_FIX)
        inside = path.resolve().is_relative_to(root.resolve())
        relative = path.resolve().relative_to(root.resolve()).as_posix() if inside else path.name
        if share and inside:
            entity = crate.add(path, crate_path(relative), data=True, result=False)
            crate.describe_columns(entity, path)
            for key, value in origin.items():
                entity[key] = value
            inputs.append(entity)
        else:
            reference = rc.add(
                ContextEntity(
                    rc,
                    f"#raw-{relative}",
                    properties={
                        "@type": "CreativeWork",
                        "name": relative,
                        "sha256": digest,
                        "contentSize": str(path.stat().st_size),
                        "encodingFormat": encoding_format(path),
                        "license": crate.data_licence,
                    },
                )
            )
            crate.describe_columns(reference, path)
            for key, value in origin.items():
                reference[key] = value
            inputs.append(reference)
    for pair in parameters(config.raw):
        if own and pair[0] in GENERATOR_SETTINGS:
            continue
        inputs.append(
            rc.add(
                ContextEntity(
                    rc,
                    f"#param-{pair[0]}",
                    properties={"@type": "PropertyValue", "name": pair[0], "value": pair[1]},
                )
            )
        )

    # The outputs of `make all`.
    if share:
        crate.add_tree(layout.processed_dir, data=True, tables=True)
    for path in _files(layout.predictions.parent):
        if path != root / FAIR_REPORT and path.name != "README.md":
            crate.add(path, crate_path(path.relative_to(root).as_posix()), data=True)
    if layout.has_model:
        crate.add_tree(layout.model_dir, data=True)
    hepdata = root / HEPDATA_DIR / "submission.tar.gz"
    if hepdata.is_file():
        crate.add(hepdata, crate_path(f"{HEPDATA_DIR.as_posix()}/{hepdata.name}"), data=True)

    instrument = rc.add(
        SoftwareApplication(
            rc,
            "#software",
            properties={
                "name": project.DISTRIBUTION,
                "softwareVersion": version,
                "identifier": commit or "unknown (not a git work tree)",
                "featureList": {"@id": EDAM_OPERATION[0]},
            },
        )
    )
    started, ended = step_times(root)
    action = {
        "name": "make all",
        "description": "The pipeline of the analysis, each step only if its inputs changed.",
    }
    if started:
        action["startTime"] = started
    if ended:
        action["endTime"] = ended
    if agents:
        action["agent"] = agents[0]
    rc.add_action(
        instrument, identifier="#make-all", object=inputs, result=crate.results, properties=action
    )
    return rc


def _citation(root: Path) -> Record | None:
    """CITATION.cff as `read_citation` gives it, a file it cannot read a `ReleaseError`."""
    try:
        return read_citation(root)
    except SourceError as error:
        raise ReleaseError(
            f"{error}; the release is described from it. Fix: correct it (`make check-metadata` "
            "says where), then `make release` again"
        ) from error


def release_dir(root: Path) -> Path:
    """Where the release of the project's current version goes.

    Args:
        root: the project folder.

    Returns:
        build/release/<distribution>-<version> (the version of pyproject.toml).
    """
    return root / RELEASE_DIR / f"{project.DISTRIBUTION}-{package_version(root)}"


def release_warnings(root: Path) -> list[str]:
    """What the author should know before publishing the release, one "warning:" line each.

    Args:
        root: the project folder.

    Returns:
        The warnings: the code's commit cannot be checked out (not a git work tree, or
        uncommitted changes to tracked files, "-dirty"); the datasheet has not answered whether
        the data identify people (its GDPR line still **TODO**) while their licence lets the
        release hold them. [] when there is nothing to say.
    """
    found = []
    commit = git_commit(root)
    if commit is None:
        found.append(
            "warning: make release: the project is not a git work tree with a commit, so the "
            "release names no commit of its code. Fix: `git init`, commit, then `make release`"
        )
    elif commit.endswith("-dirty"):
        found.append(
            f"warning: make release: tracked files have uncommitted changes, so the release "
            f"records commit {commit[:12]}...-dirty, which no one can check out. Fix: commit "
            "them, then `make release` again"
        )
    citation = _citation(root)
    licence = (citation.data_license or citation.license) if citation else None
    sheet = root / DATASHEET
    lines = sheet.read_text(encoding="utf-8").splitlines() if sheet.is_file() else []
    if licence in REDISTRIBUTABLE and any("**TODO**" in x and "GDPR" in x for x in lines):
        found.append(
            f"warning: make release: {DATASHEET} has not answered whether the data identify "
            f"people (GDPR, art. 9), yet their licence ({licence}) puts them in the release. "
            f"Fix: answer that line; data that identify people are not published openly: give "
            "them a licence that does not allow redistribution (license of the data reference "
            "in CITATION.cff) and the release holds only their sha256"
        )
    return found


def build_release(root: Path) -> Path:
    """Write the release package: the crate's files, then the bag around them.

    Args:
        root: the project folder, after `make all`.

    Returns:
        The bag's folder, build/release/<distribution>-<version>, replaced whole: a failed
        release leaves the one before as it was.

    Raises:
        ReleaseError, ConfigError: see `build_crate`; ChecksumError: a raw file has no manifest
        entry; OSError: a file cannot be read or the release written.
    """
    crate = build_crate(root)
    target = release_dir(root)
    with atomic_path(target) as temporary:
        crate.write(temporary)
        bag = bagit.make_bag(
            str(temporary),
            {
                "Source-Organization": project.DISTRIBUTION,
                "External-Description": "RO-Crate 1.1 of the release: data/ro-crate-metadata.json",
            },
            checksums=["sha256", "sha512"],
        )
        bag.validate()
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of `make release`: `python -m <package>.release [--root DIR]`.

    Args:
        argv: the arguments (default: the command line).

    Returns:
        0 after writing the release (its path printed), 1 after an error printed as one line.
    """
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}.release", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder")
    options = parser.parse_args(argv)
    root = options.root.resolve()
    try:
        replaced = release_dir(root).exists()
        target = build_release(root)
        warnings = release_warnings(root)
    except (
        ReleaseError,
        ConfigError,
        GeneratorError,
        table.TableError,
        manifest.ChecksumError,
        bagit.BagError,
        OSError,
    ) as error:
        print(f"error: make release: {error}", file=sys.stderr)
        return 1
    shown = target.relative_to(root)
    print(f"release: {shown} (BagIt bag, RO-Crate in data/)")
    for line in warnings:
        print(line, file=sys.stderr)
    if replaced:
        print(
            f"note: it replaced the release of the same version in {shown}; raise the version "
            "(pyproject.toml, CITATION.cff) for a release of its own"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

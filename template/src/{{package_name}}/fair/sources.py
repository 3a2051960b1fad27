"""Readers for the project's metadata files, each reduced to one comparable record.

CITATION.cff is the source; codemeta.json, .zenodo.json, pyproject.toml and the model cards must
agree with it. Standard library and PyYAML only (both are available wherever Copier runs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .rules import DOI_URL_PREFIX, doi_id, orcid_id

try:  # Python 3.11+
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    try:
        import tomli as _toml  # type: ignore[no-redef]
    except ModuleNotFoundError:
        _toml = None  # type: ignore[assignment]

CITATION = "CITATION.cff"
CODEMETA = "codemeta.json"
ZENODO = ".zenodo.json"
PYPROJECT = "pyproject.toml"
MODEL_CARD = "MODEL_CARD.md"
ROCRATE = "ro-crate-metadata.json"

#: Licence names of the Hugging Face Hub that are not the SPDX identifier in lower case.
HF_LICENSES = {"odbl": "ODbL-1.0", "pddl": "PDDL-1.0"}


class SourceError(Exception):
    """A metadata file exists but cannot be read or parsed."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass(frozen=True)
class Person:
    """An author as the files name them."""

    given: str
    family: str
    orcid: str | None = None

    def label(self) -> str:
        """Return 'Given Family (orcid)' for messages."""
        suffix = f" ({self.orcid})" if self.orcid else ""
        return f"{self.given} {self.family}{suffix}".strip()


@dataclass
class Record:
    """The fields of one metadata file that must agree with CITATION.cff (None: not stated)."""

    file: str
    title: str | None = None
    version: str | None = None
    authors: list[Person] | None = None
    license: str | None = None
    doi: str | None = None
    data_license: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The whole text, where later checks need more than the fields (model cards).
    text: str = field(default="", repr=False)


def _read_text(root: Path, name: str) -> str | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(name, f"cannot be read as UTF-8 text ({error})") from error


def _load_yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SourceError(name, f"is not valid YAML: {error}") from error


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            name, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error


def _mapping(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SourceError(name, "must contain a mapping of fields at its top level")
    return data


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _doi_from_url(value: Any) -> str | None:
    """The bare DOI of an identifier written as a doi.org URL (None for anything else)."""
    text = _str(value)
    return doi_id(text) if text and text.startswith(DOI_URL_PREFIX) else None


def _license_id(value: Any) -> str | None:
    """The SPDX identifier of a licence URL (https://spdx.org/licenses/<id>), also as {"@id"}."""
    url = value.get("@id") if isinstance(value, dict) else value
    return str(url).rstrip("/").rsplit("/", 1)[-1] if url else None


def read_citation(root: Path) -> Record | None:
    """Read CITATION.cff (None when absent)."""
    text = _read_text(root, CITATION)
    if text is None:
        return None
    data = _mapping(_load_yaml(text, CITATION), CITATION)
    authors = [
        Person(
            str(a.get("given-names", "")),
            str(a.get("family-names", "")),
            orcid_id(str(a["orcid"])) if a.get("orcid") else None,
        )
        for a in data.get("authors") or []
        if isinstance(a, dict)
    ]
    references = [r for r in data.get("references") or [] if isinstance(r, dict)]
    data_license = next((_str(r.get("license")) for r in references if r.get("license")), None)
    return Record(
        file=CITATION,
        title=_str(data.get("title")),
        version=_str(data.get("version")),
        authors=authors,
        license=_str(data.get("license")),
        doi=doi_id(str(data["doi"])) if data.get("doi") else None,
        data_license=data_license,
        raw=data,
    )


def read_codemeta(root: Path) -> Record | None:
    """Read codemeta.json (None when absent)."""
    text = _read_text(root, CODEMETA)
    if text is None:
        return None
    data = _mapping(_load_json(text, CODEMETA), CODEMETA)
    authors = [
        Person(
            str(a.get("givenName", "")),
            str(a.get("familyName", "")),
            orcid_id(str(a["@id"])) if a.get("@id") else None,
        )
        for a in data.get("author") or []
        if isinstance(a, dict)
    ]
    return Record(
        file=CODEMETA,
        title=_str(data.get("name")),
        version=_str(data.get("version")),
        authors=authors,
        license=_license_id(data.get("license")),
        doi=_doi_from_url(data.get("identifier")),
        raw=data,
    )


def read_zenodo(root: Path) -> Record | None:
    """Read .zenodo.json (None when absent)."""
    text = _read_text(root, ZENODO)
    if text is None:
        return None
    data = _mapping(_load_json(text, ZENODO), ZENODO)
    authors = []
    for creator in data.get("creators") or []:
        if not isinstance(creator, dict):
            continue
        family, _, given = str(creator.get("name", "")).partition(", ")
        orcid = creator.get("orcid")
        authors.append(Person(given, family, orcid_id(str(orcid)) if orcid else None))
    lic = data.get("license")
    return Record(
        file=ZENODO,
        title=_str(data.get("title")),
        version=_str(data.get("version")),
        authors=authors,
        license=_str(lic.get("id")) if isinstance(lic, dict) else _str(lic),
        doi=doi_id(str(data["doi"])) if data.get("doi") else None,
        raw=data,
    )


def read_rocrate(root: Path) -> Record | None:
    """Read the root data set, its authors and the data licence of ro-crate-metadata.json."""
    text = _read_text(root, ROCRATE)
    if text is None:
        return None
    data = _mapping(_load_json(text, ROCRATE), ROCRATE)
    graph = data.get("@graph")
    if not isinstance(graph, list):
        raise SourceError(ROCRATE, "has no '@graph' list of entities")
    entities = {e.get("@id"): e for e in graph if isinstance(e, dict)}
    dataset = entities.get("./")
    if dataset is None:
        raise SourceError(ROCRATE, "has no root data set (an entity with '@id': './')")
    authors = []
    for ref in dataset.get("author") or []:
        ref_id = ref.get("@id") if isinstance(ref, dict) else None
        person = entities.get(ref_id, {})
        orcid = (
            ref_id if isinstance(ref_id, str) and ref_id.startswith("https://orcid.org/") else None
        )
        authors.append(
            Person(
                str(person.get("givenName", "")),
                str(person.get("familyName", "")),
                orcid_id(orcid) if orcid else None,
            )
        )
    data_set = entities.get("data/", {})
    return Record(
        file=ROCRATE,
        title=_str(dataset.get("name")),
        version=_str(dataset.get("version")),
        authors=authors,
        license=_license_id(dataset.get("license")),
        doi=_doi_from_url(dataset.get("identifier")),
        data_license=_license_id(data_set.get("license")),
        raw=data,
    )


def read_pyproject(root: Path) -> Record | None:
    """Read the [project] table of pyproject.toml (None when absent or unreadable here)."""
    text = _read_text(root, PYPROJECT)
    if text is None or _toml is None:
        return None
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as error:
        raise SourceError(PYPROJECT, f"is not valid TOML: {error}") from error
    project = data.get("project") or {}
    authors = []
    for author in project.get("authors") or []:
        given, _, family = str(author.get("name", "")).rpartition(" ")
        authors.append(Person(given, family))
    lic = project.get("license")
    return Record(
        file=PYPROJECT,
        version=_str(project.get("version")),
        authors=authors,
        license=_str(lic) if isinstance(lic, str) else None,
        raw=project,
    )


def model_card_paths(root: Path) -> list[Path]:
    """Return the model cards of the project: models/<name>/MODEL_CARD.md."""
    models = root / "models"
    return sorted(models.glob(f"*/{MODEL_CARD}")) if models.is_dir() else []


def read_model_card(root: Path, path: Path) -> Record:
    """Read the YAML header of a Hugging Face style model card."""
    name = path.relative_to(root).as_posix()
    text = _read_text(root, name) or ""
    if not text.startswith("---"):
        raise SourceError(name, "has no YAML header: it must start with a '---' line")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise SourceError(name, "has an unterminated YAML header: close it with a '---' line")
    header = _mapping(_load_yaml(parts[0].lstrip("-\n"), name) or {}, name)
    doi = header.get("doi")
    license_name = _str(header.get("license"))
    return Record(
        file=name,
        version=_str(header.get("model_version")),
        data_license=HF_LICENSES.get(license_name or "", license_name),
        doi=doi_id(str(doi)) if doi else None,
        raw=header,
        text=text,
    )

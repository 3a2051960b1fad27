"""Readers for the project's metadata files, each reduced to one record.

CITATION.cff is the source; codemeta.json, .zenodo.json, pyproject.toml, the RO-Crate and the
model cards are derived from it (:mod:`.crosswalk`, :mod:`.derive`) and compared with it
(:mod:`.checks`). Standard library and PyYAML only (both are available wherever Copier runs).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..layout import MODEL_CARD as MODEL_CARD  # the file name, re-exported
from .cff import MAX_BYTES, CffError, Person, authors, data_references, dois, licenses, load_cff
from .rules import doi_id

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
ROCRATE = "ro-crate-metadata.json"
#: Markdown files with blocks `make metadata` writes (crosswalk.BLOCK), besides the model cards.
BLOCK_FILES = ("README.md", "data/README.md")

#: Licence names of the Hugging Face Hub that are not the SPDX identifier in lower case
#: (huggingface.co/docs/hub/repositories-licenses). models/MODEL_CARD.md.jinja of the template
#: writes the first card with the same map (a template test compares them).
HF_LICENSES = {"odbl": "ODbL-1.0", "pddl": "PDDL-1.0"}


def hf_license(spdx: str) -> str:
    """The Hugging Face Hub licence id of an SPDX identifier.

    Args:
        spdx: the SPDX identifier, e.g. "CC-BY-4.0".

    Returns:
        The Hub's id: the identifier in lower case ("cc-by-4.0"), or the Hub's own name where
        it differs (HF_LICENSES, huggingface.co/docs/hub/repositories-licenses).
    """
    reverse = {value: key for key, value in HF_LICENSES.items()}
    return reverse.get(spdx, spdx.lower())


def spdx_of_hf(name: str) -> str:
    """The SPDX identifier of a Hugging Face Hub licence id, as far as it differs.

    Args:
        name: the Hub's licence id, e.g. "odbl".

    Returns:
        The SPDX identifier ("ODbL-1.0") for the ids of HF_LICENSES; any other id as it is
        (the checker compares them case-blind).
    """
    return HF_LICENSES.get(name, name)


__all__ = ["Person", "Record", "SourceError"]


class SourceError(Exception):
    """A metadata file exists but cannot be read or parsed."""

    def __init__(self, file: str, message: str) -> None:
        """Make the error.

        Args:
            file: the file, relative to the project.
            message: what is wrong, one line starting lower-case.
        """
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass
class Record:
    """One metadata file, parsed (None: not stated).

    ``raw`` is the whole parsed content (for pyproject.toml its ``[project]`` table, for a
    model card its YAML header); the other fields are those of CITATION.cff that other code of
    the project reads (the scorecard, the model card, the HEPData submission).
    """

    #: The file, relative to the project, e.g. "CITATION.cff".
    file: str
    #: The title (CFF title, CodeMeta name, Zenodo title, RO-Crate name).
    title: str | None = None
    #: The version as text (a model card's model_version).
    version: str | None = None
    #: The authors of CITATION.cff.
    authors: list[Person] | None = None
    #: The first licence (the SPDX identifier); ``licenses`` has them all.
    license: str | None = None
    #: Every licence of CITATION.cff, SPDX identifiers in their order.
    licenses: list[str] = field(default_factory=list)
    #: The bare DOI of the work (CITATION.cff's top-level doi, a model card's doi).
    doi: str | None = None
    #: The licence of the data: of CITATION.cff's first reference with one, of the RO-Crate's
    #: data/ entity, or of a model card (as an SPDX identifier).
    data_license: str | None = None
    #: The whole parsed content (see above).
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The whole text, where later checks need more than the fields (model cards).
    text: str = field(default="", repr=False)


_CONFLICT = re.compile(r"^(?:<{7}|>{7})(?: [^\n]*)?$", re.MULTILINE)


def conflict_problem(text: str) -> str | None:
    """Say where a text holds the conflict markers of a merge.

    The markers are ``<<<<<<<`` or ``>>>>>>>`` at the start of a line, as git and `copier
    update` write them; ``=======`` alone can be a Markdown underline, so it is not one.

    Args:
        text: the text of a file.

    Returns:
        One line naming the first marker's line and the fix; None if there is no marker.
    """
    match = _CONFLICT.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return (
        f"holds unresolved conflict markers from a merge or `copier update` (line {line}: "
        f"'{match.group(0)}'): keep the lines you want and delete the marker lines"
    )


def _read_text(root: Path, name: str) -> str | None:
    """The text of the file `name` under `root`; None when absent.

    Raises:
        SourceError: unreadable, not UTF-8, or holding merge conflict markers.
    """
    path = root / name
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourceError(name, f"cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise SourceError(name, f"is not UTF-8 text (byte {error.start})") from error
    problem = conflict_problem(text)
    if problem:
        raise SourceError(name, problem)
    return text


def _load_yaml(text: str, name: str) -> Any:
    try:
        return load_cff(text)
    except CffError as error:
        raise SourceError(name, error.message) from error


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            name, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except RecursionError as error:
        raise SourceError(name, "nests too deeply to be read as JSON") from error


def _json_object(root: Path, name: str) -> dict[str, Any] | None:
    """The JSON object of the file `name` below `root`, or None when the file is absent.

    Raises:
        SourceError: the file is unreadable, holds merge conflict markers, or is not a JSON
            object.
    """
    text = _read_text(root, name)
    return None if text is None else _mapping(_load_json(text, name), name)


def _mapping(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SourceError(name, "must contain a mapping of fields at its top level")
    return data


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def read_citation(root: Path) -> Record | None:
    """Read CITATION.cff.

    Args:
        root: the project folder.

    Returns:
        The record, with ``raw`` the whole mapping; None when there is no CITATION.cff.

    Raises:
        SourceError: the file is larger than MAX_BYTES, unreadable, not UTF-8, holds merge
            conflict markers, or is not a YAML mapping (one line: see :func:`.cff.load_cff`).
    """
    path = root / CITATION
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        size = path.stat().st_size
        raise SourceError(
            CITATION, f"is {size} bytes, more than the {MAX_BYTES} a CITATION.cff may have"
        )
    text = _read_text(root, CITATION)
    if text is None:
        return None
    try:
        data = _mapping(load_cff(text), CITATION)
    except CffError as error:
        raise SourceError(CITATION, error.message) from error
    # The licence of the first data set that gives one (CFF allows a list: its first).
    data_license = next((ids[0] for _, r in data_references(data) if (ids := licenses(r))), None)
    found = dois(data)
    top_doi = found[0].value if found and found[0].field == "doi" else None
    ids = licenses(data)
    return Record(
        file=CITATION,
        title=_str(data.get("title")),
        version=_str(data.get("version")),
        authors=authors(data),
        license=ids[0] if ids else None,
        licenses=ids,
        doi=doi_id(top_doi) if top_doi else None,
        data_license=data_license,
        raw=data,
    )


def read_codemeta(root: Path) -> Record | None:
    """Read codemeta.json.

    Args:
        root: the project folder.

    Returns:
        The record, with the title (``name``) and ``raw`` the whole object; None when absent.

    Raises:
        SourceError: the file is unreadable, holds merge conflict markers, or is not a JSON
            object.
    """
    data = _json_object(root, CODEMETA)
    if data is None:
        return None
    return Record(file=CODEMETA, title=_str(data.get("name")), raw=data)


def read_zenodo(root: Path) -> Record | None:
    """Read .zenodo.json.

    Args:
        root: the project folder.

    Returns:
        The record, with the title and ``raw`` the whole object; None when absent.

    Raises:
        SourceError: the file is unreadable, holds merge conflict markers, or is not a JSON
            object.
    """
    data = _json_object(root, ZENODO)
    if data is None:
        return None
    return Record(file=ZENODO, title=_str(data.get("title")), raw=data)


def read_rocrate(root: Path) -> Record | None:
    """Read ro-crate-metadata.json (RO-Crate 1.1: flattened JSON-LD with an ``@graph``).

    Args:
        root: the project folder.

    Returns:
        The record: the root data set's name as title, the licence of the ``data/`` entity
        (the last part of its URL) as data_license, and ``raw`` the whole crate; None when
        absent.

    Raises:
        SourceError: unreadable, not JSON, no ``@graph`` list, or no root data set ``./``.
    """
    data = _json_object(root, ROCRATE)
    if data is None:
        return None
    graph = data.get("@graph")
    if not isinstance(graph, list):
        raise SourceError(ROCRATE, "has no '@graph' list of entities")
    entities = {e.get("@id"): e for e in graph if isinstance(e, dict)}
    dataset = entities.get("./")
    if dataset is None:
        raise SourceError(ROCRATE, "has no root data set (an entity with '@id': './')")
    data_set = entities.get("data/", {})
    lic = data_set.get("license")
    url = lic.get("@id") if isinstance(lic, dict) else lic
    return Record(
        file=ROCRATE,
        title=_str(dataset.get("name")),
        data_license=str(url).rstrip("/").rsplit("/", 1)[-1] if url else None,
        raw=data,
    )


def read_pyproject(root: Path) -> Record | None:
    """Read the [project] table of pyproject.toml (PEP 621).

    Args:
        root: the project folder.

    Returns:
        The record, with ``raw`` the [project] table ({} when there is none); None when the
        file is absent, or no TOML reader is available (Python 3.10 without tomli).

    Raises:
        SourceError: the file is unreadable, holds merge conflict markers, or is not TOML.
    """
    text = _read_text(root, PYPROJECT)
    if text is None or _toml is None:
        return None
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as error:
        raise SourceError(PYPROJECT, f"is not valid TOML: {error}") from error
    project = data.get("project")
    return Record(file=PYPROJECT, raw=project if isinstance(project, dict) else {})


def block_paths(root: Path) -> list[Path]:
    """The Markdown files that hold ``make metadata`` blocks.

    Args:
        root: the project folder.

    Returns:
        README.md, data/README.md and the model cards (`model_card_paths`), those that exist.
    """
    named = [root / name for name in BLOCK_FILES if (root / name).is_file()]
    return named + model_card_paths(root)


def model_card_paths(root: Path) -> list[Path]:
    """The model cards of the project.

    Args:
        root: the project folder.

    Returns:
        models/<name>/MODEL_CARD.md of every model, sorted.
    """
    models = root / "models"
    return sorted(models.glob(f"*/{MODEL_CARD}")) if models.is_dir() else []


def read_model_card(root: Path, path: Path) -> Record:
    """Read the YAML header of a Hugging Face style model card.

    Args:
        root: the project folder.
        path: the card, below `root`.

    Returns:
        The record: ``model_version`` as version, the licence as data_license (SPDX), the
        bare DOI, ``raw`` the header and ``text`` the whole card.

    Raises:
        SourceError: the card is unreadable, holds merge conflict markers, has no YAML header
            between '---' lines, or the header is not a YAML mapping.
    """
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
        data_license=spdx_of_hf(license_name) if license_name else None,
        doi=doi_id(str(doi)) if doi else None,
        raw=header,
        text=text,
    )

"""``make metadata``: write every derived metadata file from CITATION.cff.

CITATION.cff is the one file the user edits; it is never written here. From it this writes
codemeta.json, .zenodo.json, the ``[project]`` metadata of pyproject.toml (with tomlkit: the
user's formatting, comments and other tables are kept), the ``authors`` of each model card's
YAML header where the header has them, ro-crate-metadata.json where the project has one, and
the ``<!-- make metadata: authors|citation -->`` blocks of README.md, data/README.md and the
model cards (:func:`.crosswalk.fill_blocks`).
The values come from :mod:`.crosswalk`, the same mappers the checker compares with. Keys the
derived formats have and CFF lacks (Zenodo grants, communities, related_identifiers, CodeMeta
funding, contributors, any unknown key) are kept as the user wrote them.

A file is written only when its text changes, so a derivation of an up-to-date project changes
nothing.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_text
from . import crosswalk
from .cff import CffError, dois, licenses, load_cff
from .checks import check_citation, unreadable_fix
from .findings import Report
from .sources import (
    CITATION,
    CODEMETA,
    PYPROJECT,
    ROCRATE,
    ZENODO,
    SourceError,
    block_paths,
    conflict_problem,
    model_card_paths,
    read_citation,
)

FIX = f"fix {CITATION} (the lines above), then run `make metadata` again"


class DeriveError(Exception):
    """The derivation cannot run; ``report`` holds the reasons, one finding each."""

    def __init__(self, report: Report) -> None:
        """Make the error.

        Args:
            report: the findings that stop the derivation; its errors make the message.
        """
        super().__init__("; ".join(f.line() for f in report.errors))
        self.report = report


@dataclass
class Derived:
    """What one derivation did: the files written, those already up to date, and notes."""

    #: The files written, relative to the project, in the order written.
    written: list[str] = field(default_factory=list)
    #: The files whose text was already the derived one (not written).
    unchanged: list[str] = field(default_factory=list)
    #: One line each about what was not done and why (e.g. pyproject.toml not valid TOML).
    notes: list[str] = field(default_factory=list)


def json_text(data: Any, sort_keys: bool = True) -> str:
    """JSON as the templates write it (Jinja's ``to_nice_json``).

    Args:
        data: the JSON-serialisable value.
        sort_keys: sort the keys of every object (False keeps their order, for the RO-Crate).

    Returns:
        The text: two-space indents, non-ASCII characters as they are, a final newline.
    """
    return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"


def _write(root: Path, name: str, text: str, done: Derived) -> None:
    path = root / name
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        done.unchanged.append(name)
        return
    write_text(path, text)  # complete or not at all: a full disk leaves the old file
    done.written.append(name)


def _existing_json(root: Path, name: str, report: Report) -> dict[str, Any] | None:
    """The mapping in a derived JSON file ({} when absent; None when unreadable: reported)."""
    path = root / name
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    problem = conflict_problem(text)
    if problem:
        report.error(name, "", problem, unreadable_fix(name))
        return None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        report.error(name, "", f"is not valid JSON ({error})", unreadable_fix(name))
        return None
    if not isinstance(data, dict):
        report.error(name, "", "must contain a JSON object", unreadable_fix(name))
        return None
    return data


def _toml_array(values: list[Any], multiline: bool) -> Any:
    """A tomlkit array written as the template writes it (two-space indent when multiline)."""
    import tomlkit

    def literal(value: Any) -> str:
        if isinstance(value, dict):
            items = ", ".join(
                f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()
            )
            return "{ " + items + " }"
        return json.dumps(value, ensure_ascii=False)

    if multiline:
        body = "".join(f"  {literal(v)},\n" for v in values)
        return tomlkit.parse(f"x = [\n{body}]\n")["x"]
    return tomlkit.parse(f"x = [{', '.join(literal(v) for v in values)}]\n")["x"]


def derive_pyproject(text: str, cff: dict[str, Any]) -> str:
    """pyproject.toml with its ``[project]`` metadata set from CITATION.cff (PEP 621/639).

    Args:
        text: the current pyproject.toml.
        cff: CITATION.cff, loaded and valid.

    Returns:
        The new text: only the values that differ are replaced (a version equal under PEP 440,
        a licence expression equal once canonicalised, are kept as written); fields listed in
        ``dynamic`` are left alone; comments, formatting and the other tables are kept.
        Without a ``[project]`` table the text is returned unchanged.

    Raises:
        ImportError: tomlkit is not installed, and the text must change.
        tomlkit.exceptions.ParseError: the text is not TOML.
    """
    if _unchanged(text, cff):
        return text
    import tomlkit

    doc = tomlkit.parse(text)
    table = doc.get("project")
    if table is None:
        return text
    _set_project(table, cff)
    return tomlkit.dumps(doc)


def _set_project(table: Any, cff: dict[str, Any]) -> None:
    """Set the values CITATION.cff determines in a [project] table (tomlkit's, or a dict)."""
    values = crosswalk.project(cff)
    dynamic = [str(d) for d in table.get("dynamic", [])]
    if values["version"] is not None:
        _put(table, dynamic, "version", values["version"], crosswalk.same_version)
    _put(table, dynamic, "description", values["description"])
    _put(table, dynamic, "license", values["license"], crosswalk.same_license_expression)
    _put(table, dynamic, "authors", values["authors"])
    _put(table, dynamic, "keywords", values["keywords"])
    _put_urls(table, dynamic, values["urls"])


def _unchanged(text: str, cff: dict[str, Any]) -> bool:
    """Whether :func:`derive_pyproject` would return `text` as it is.

    The same values are set on the [project] table as tomllib reads it, a tenth of the time
    tomlkit takes (the Copier task derives right after generating, when nothing changes);
    False, so that tomlkit does the work and says what is wrong, when they change it or when
    the text cannot be read.
    """
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return False
    try:
        table = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        return False
    if table is None:
        return True
    try:
        before = copy.deepcopy(table)
        _set_project(table, cff)
    except Exception:  # e.g. a [project] that is no table: tomlkit says what is wrong
        return False
    return bool(table == before)


def _put(table: Any, dynamic: list[str], key: str, value: Any, same: Any = None) -> None:
    """Set `key` of the [project] table to `value` (None: remove it), unless it is dynamic.

    A current value equal to `value` (by `same`, else ==) is kept as written.
    """
    if key in dynamic:
        return
    current = table.get(key)
    current = current.unwrap() if hasattr(current, "unwrap") else current
    if value is None:
        if key in table:
            del table[key]
        return
    if current is not None and (same(current, value) if same else current == value):
        return
    if key == "authors":
        table[key] = _toml_array(value, multiline=True)
    elif isinstance(value, list):
        table[key] = _toml_array(value, multiline=False)
    else:
        table[key] = value


def _put_urls(table: Any, dynamic: list[str], values: dict[str, str | None]) -> None:
    """Set the [project.urls] labels CITATION.cff determines (None: remove); others are kept."""
    urls = table.get("urls")
    wanted = {k: v for k, v in values.items() if v is not None}
    if urls is None and wanted and "urls" not in dynamic:
        import tomlkit

        urls = tomlkit.table()
        table["urls"] = urls
    if urls is not None and "urls" not in dynamic:
        for label, value in values.items():
            if value is None:
                if label in urls:
                    del urls[label]
            elif urls.get(label) != value:
                urls[label] = value


def derive_rocrate(crate: dict[str, Any], cff: dict[str, Any]) -> dict[str, Any]:
    """ro-crate-metadata.json with its root data set and author entities set from CITATION.cff.

    The root data set (``./``) gets name, version, license, keywords, identifier and author
    (see :func:`.crosswalk.rocrate_root`), each in its place; the previous author entities and
    the affiliations only they named are replaced by the new ones at the same place in
    ``@graph``; each licence gets its CreativeWork entity. Every other entity is kept.

    Args:
        crate: the crate as read; it must have a root data set ``./`` in ``@graph``. It is
            changed in place.
        cff: CITATION.cff, loaded and valid.

    Returns:
        `crate`, changed (RO-Crate 1.1: flattened JSON-LD, contextual entities).

    Raises:
        StopIteration: ``@graph`` has no root data set ``./`` (`derive` passes only crates
            that have one).
    """
    graph = [e for e in crate.get("@graph", []) if isinstance(e, dict)]
    root = next(e for e in graph if e.get("@id") == "./")
    old_refs = root.get("author")
    old_refs = old_refs if isinstance(old_refs, list) else [old_refs] if old_refs else []
    old_ids = {r.get("@id") for r in old_refs if isinstance(r, dict)}
    _, people = crosswalk.rocrate_people(cff)
    for key, value in crosswalk.rocrate_root(cff).items():
        if value is None:
            root.pop(key, None)
        else:
            root[key] = value
    old_affiliations = {
        e["affiliation"]["@id"]
        for e in graph
        if e.get("@id") in old_ids
        and isinstance(e.get("affiliation"), dict)
        and "@id" in e["affiliation"]
    }
    new_ids = {e["@id"] for e in people}
    drop = old_ids | new_ids
    kept = [e for e in graph if e.get("@id") not in drop]
    still_named = json.dumps([e for e in kept if e.get("@id") not in old_affiliations])
    drop |= {a for a in old_affiliations if json.dumps({"@id": a}) not in still_named}
    place = next((i for i, e in enumerate(graph) if e.get("@id") in drop), None)
    if place is None:
        place = graph.index(root) + 1
    before = [e for e in graph[:place] if e.get("@id") not in drop]
    after = [e for e in graph[place:] if e.get("@id") not in drop]
    graph = [*before, *people, *after]
    present = {e.get("@id") for e in graph}
    for lic in licenses(cff):
        url = crosswalk.SPDX_URL + lic
        if url not in present:
            graph.append({"@id": url, "@type": "CreativeWork", "name": lic, "identifier": lic})
    crate["@graph"] = graph
    return crate


_HEADER_AUTHORS = re.compile(r"^authors:[^\n]*\n(?:(?:[ \t]+[^\n]*|- [^\n]*|-)\n)*", re.MULTILINE)


def _header_scalar(header: str, key: str, value: str | None) -> str:
    """Set (or, for None, remove) a one-line ``key: value`` of a YAML header already present."""
    pattern = re.compile(rf"^{re.escape(key)}:[^\n]*\n", re.MULTILINE)
    match = pattern.search(header)
    if match is None:
        return header
    line = "" if value is None else f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
    return header[: match.start()] + line + header[match.end() :]


def derive_model_card(text: str, cff: dict[str, Any]) -> str:
    """A model card with the fields of its YAML header that CITATION.cff determines set from it.

    Each is set only where the header has it: ``authors`` (full names, see
    :func:`.crosswalk.model_card_authors`), ``model_version`` (CFF version) and ``doi`` (CFF
    doi; removed when CFF has none).

    Args:
        text: the card: a YAML header between '---' lines, then Markdown.
        cff: CITATION.cff, loaded and valid.

    Returns:
        The card with those fields set; the rest of it unchanged. A card without a readable
        YAML header mapping is returned as it is (the checker reports it).
    """
    if not text.startswith("---"):
        return text
    end = text.find("\n---", 3)
    if end < 0:
        return text
    header = text[: end + 1]
    try:
        current = load_cff(header.lstrip("-\n")) or {}
    except CffError:
        return text  # the checker reports the broken header
    if not isinstance(current, dict):
        return text
    version = cff.get("version")
    version = None if version in (None, "") else str(version)
    if "model_version" in current and not (
        version is not None and crosswalk.same_version(current["model_version"], version)
    ):
        header = _header_scalar(header, "model_version", version)
    found = dois(cff)
    doi = found[0].value if found and found[0].field == "doi" else None
    if "doi" in current and current["doi"] != doi:
        header = _header_scalar(header, "doi", doi)
    names = crosswalk.model_card_authors(cff)
    match = _HEADER_AUTHORS.search(header)
    if match is not None and current.get("authors") != names:
        block = "authors:\n" + "".join(f"  - {json.dumps(n, ensure_ascii=False)}\n" for n in names)
        header = header[: match.start()] + block + header[match.end() :]
    return header + text[end + 1 :]


def _rerecord(card: Path, before: str) -> None:
    """Keep a generated model card replaceable by `make model-card`.

    If its sha256 manifest recorded the card as it was, record it as it is now (nothing else
    is recorded).
    """
    try:
        from ..data import manifest
    except ImportError:  # pragma: no cover - the package always has it
        return
    import hashlib

    recorded = manifest.read_manifest(card.parent / manifest.MANIFEST_NAME).get(card.name)
    if recorded == hashlib.sha256(before.encode("utf-8")).hexdigest():
        manifest.record(card)


def derive(root: Path) -> Derived:
    """Write every derived metadata file of the project at `root` from its CITATION.cff.

    Args:
        root: the project folder.

    Returns:
        The files written and those already up to date, and notes (e.g. a file skipped).

    Raises:
        DeriveError: CITATION.cff is missing or invalid, or a derived JSON file cannot be
            parsed (its keys of the user's would be lost); nothing is written then.
        OSError: a file could not be read or written (WriteError: the disk is full).
    """
    report = Report()
    try:
        citation = read_citation(root)
    except SourceError as error:
        report.error(error.file, "", error.message, FIX)
        raise DeriveError(report) from error
    if citation is None:
        report.error(CITATION, "", "is missing", "restore it with `git checkout CITATION.cff`")
        raise DeriveError(report)
    cff = citation.raw
    check_citation(cff, report)
    existing = {name: _existing_json(root, name, report) for name in (CODEMETA, ZENODO)}
    crate = _existing_json(root, ROCRATE, report) if (root / ROCRATE).is_file() else None
    if not report.ok:
        raise DeriveError(report)
    done = Derived()
    _write(root, CODEMETA, json_text(crosswalk.merge_codemeta(existing[CODEMETA] or {}, cff)), done)
    _write(root, ZENODO, json_text(crosswalk.merge_zenodo(existing[ZENODO] or {}, cff)), done)
    _write_pyproject(root, cff, done)
    graph = crate.get("@graph") if crate else None
    if isinstance(graph, list) and any(isinstance(e, dict) and e.get("@id") == "./" for e in graph):
        _write(root, ROCRATE, json_text(derive_rocrate(crate or {}, cff), sort_keys=False), done)
    _write_blocks(root, cff, done)
    return done


def _write_pyproject(root: Path, cff: dict[str, Any], done: Derived) -> None:
    """Write the [project] metadata of pyproject.toml, or note why it was not updated."""
    pyproject = root / PYPROJECT
    pyproject_text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if pyproject.is_file() and conflict_problem(pyproject_text):
        done.notes.append(f"{PYPROJECT} not updated: it {conflict_problem(pyproject_text)}")
    elif pyproject.is_file():
        try:
            text = derive_pyproject(pyproject_text, cff)
        except ImportError:
            done.notes.append(f"{PYPROJECT} not updated: install tomlkit (`make install`)")
        except Exception as error:  # tomlkit's ParseError and its kin
            done.notes.append(f"{PYPROJECT} not updated: it is not valid TOML ({error})")
        else:
            _write(root, PYPROJECT, text, done)


def _write_blocks(root: Path, cff: dict[str, Any], done: Derived) -> None:
    """Write the ``make metadata`` blocks of the Markdown files and the model card headers."""
    cards = set(model_card_paths(root))
    for path in block_paths(root):
        name = path.relative_to(root).as_posix()
        before = path.read_text(encoding="utf-8")
        after = crosswalk.fill_blocks(before, cff)
        if path in cards:
            after = derive_model_card(after, cff)
        if after == before and not crosswalk.BLOCK.search(before) and path not in cards:
            continue  # prose only: nothing of it is derived
        _write(root, name, after, done)
        if after != before and path in cards:
            _rerecord(path, before)

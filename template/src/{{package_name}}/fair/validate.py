"""Validation of CITATION.cff against its own CFF version, offline.

CFF 1.2.0: the official JSON schema shipped in ``schemas/`` (CC-BY-4.0, see its README), with
jsonschema 4 when it is importable (it is in the project's environment), else a built-in
structural check that reads the same schema for the names of the keys (jsonschema is not in the
Python that runs Copier). CFF 1.1.0 has no official JSON schema: the structural check, and a
note to upgrade. Any other ``cff-version`` is an error.

Each problem is one finding naming the field as a path (``authors[3].orcid``) in one line.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from .findings import Report

CITATION = "CITATION.cff"
SCHEMA_FILE = "cff-1.2.0.schema.json"
FIX = f"edit {CITATION}, then run `make metadata`"
#: The CFF versions this checker validates, newest first.
KNOWN_VERSIONS = ("1.2.0", "1.1.0")
_MAX_MESSAGE = 160


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The official CFF 1.2.0 JSON schema shipped with this package, read once.

    Returns:
        The schema (schemas/cff-1.2.0.schema.json, CC-BY-4.0, from the citation-file-format
        repository) as a mapping.

    Raises:
        OSError: the schema file is missing from the package.
    """
    text = resources.files(__package__).joinpath("schemas").joinpath(SCHEMA_FILE).read_text("utf-8")
    return dict(json.loads(text))


def path_of(parts: Any) -> str:
    """A JSON path as the messages write it.

    Args:
        parts: the keys and list indices, e.g. ('authors', 3, 'orcid').

    Returns:
        The path, e.g. 'authors[3].orcid'; '' for no parts.
    """
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _closest(error: Any) -> Any:
    """The error of the anyOf/oneOf alternative the value came closest to matching.

    An author is a person or an entity: a person with a bad e-mail address fails both, and
    jsonschema's `best_match` may name the entity's rules ("given-names is not a key"). The
    closest alternative is the one with the fewest errors, then the deepest; within it,
    `best_match` picks the error.
    """
    from jsonschema.exceptions import best_match

    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    closest = min(
        branches.values(),
        key=lambda subs: (len(subs), -max(len(sub.absolute_path) for sub in subs)),
    )
    chosen = best_match(closest)
    if chosen.validator in ("anyOf", "oneOf") and chosen.context:
        return _closest(chosen)
    return chosen


def _message(error: Any) -> str:
    """One short line for a jsonschema error (its deepest cause for anyOf/oneOf)."""
    validator = error.validator
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{', '.join(repr(k) for k in extra)}: not a key CFF 1.2.0 knows here"
    if validator == "required":
        return str(error.message).replace(f"{error.instance!r} ", "", 1)[:_MAX_MESSAGE]
    if validator in ("anyOf", "oneOf") and error.context:
        return _message(_closest(error))
    if validator == "pattern":
        return f"{_short(error.instance)} does not match the pattern {error.validator_value}"
    if validator == "enum":
        return f"{_short(error.instance)} is not one of the values CFF allows here"
    if validator == "type":
        hint = ""
        if isinstance(error.instance, bool) or error.instance is None:
            hint = " (YAML reads an unquoted yes, no, on, off, true, false or null so: quote it)"
        elif isinstance(error.instance, (int, float)) and error.validator_value == "string":
            hint = " (YAML reads an unquoted number so: quote it)"
        return f"{_short(error.instance)} is not of type {error.validator_value!r}{hint}"
    if validator == "minLength":
        return "must not be empty"
    if validator == "minItems":
        return "must not be an empty list"
    return str(error.message).replace(repr(error.instance), _short(error.instance))[:_MAX_MESSAGE]


def _duplicates(items: list[Any]) -> list[tuple[int, int]]:
    """Pairs (first, again) of equal items of a list (CFF ``uniqueItems``)."""
    seen: dict[str, int] = {}
    pairs = []
    for i, item in enumerate(items):
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            pairs.append((seen[key], i))
        else:
            seen[key] = i
    return pairs


def _jsonschema(data: dict[str, Any], report: Report) -> None:
    """Validate with jsonschema and the official schema; one finding per error."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    validator = cls(schema())
    try:
        from importlib.metadata import version as dist_version

        version = dist_version("jsonschema")
    except Exception:  # only the label of the report
        version = "(version unknown)"
    report.validation = f"CFF 1.2.0 JSON schema (official, shipped), jsonschema {version}"
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for found in errors:
        error = (
            _closest(found) if found.validator in ("anyOf", "oneOf") and found.context else found
        )
        field = path_of(error.absolute_path) or "(top level)"
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            for key in error.instance:
                if key not in known:
                    where = path_of([*error.absolute_path, str(key)])
                    report.error(CITATION, where, "is not a key CFF 1.2.0 knows here", FIX)
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    where = path_of([*error.absolute_path, key])
                    report.error(CITATION, where, "is required by CFF 1.2.0 but missing", FIX)
            continue
        if error.validator == "uniqueItems":
            for first, again in _duplicates(list(error.instance)):
                report.error(
                    CITATION,
                    f"{field}[{again}]",
                    f"is the same as {field}[{first}]: each entry may be listed once",
                    f"remove the second entry from {CITATION}",
                )
            continue
        report.error(CITATION, field, f"fails the CFF 1.2.0 schema: {_message(error)}", FIX)


_STRINGS = (
    "cff-version",
    "message",
    "title",
    "abstract",
    "doi",
    "url",
    "repository-code",
    "repository",
    "repository-artifact",
    "commit",
    "license-url",
    "date-released",
)


def _structural(data: dict[str, Any], report: Report, version: str) -> None:
    """The checks that hold without jsonschema: required keys, known keys, types of values."""
    top = schema()
    _structural_top(data, report, version, top)
    definitions = top["definitions"]
    person_keys = set(definitions["person"]["properties"])
    entity_keys = set(definitions["entity"]["properties"])
    for list_key in ("authors", "contact"):
        _structural_people(data.get(list_key), list_key, report, person_keys, entity_keys)
    _structural_keywords(data.get("keywords"), report)
    lic = data.get("license")
    if (
        lic is not None
        and not isinstance(lic, str)
        and (not isinstance(lic, list) or not all(isinstance(x, str) for x in lic))
    ):
        report.error(CITATION, "license", "must be an SPDX identifier or a list of them", FIX)
    _structural_identifiers(data.get("identifiers"), report)
    _structural_references(data.get("references"), report)


def _structural_top(data: dict[str, Any], report: Report, version: str, top: Any) -> None:
    """The top-level keys: required ones present, all known, text where CFF wants text."""
    properties = set(top["properties"])
    if version == "1.1.0":  # keys of CFF 1.1.0 that 1.2.0 dropped or renamed
        properties |= {"date-released"}
    for key in top["required"]:
        if data.get(key) in (None, "", []):
            report.error(CITATION, key, f"is required by CFF {version} but missing", FIX)
    for key in data:
        if key not in properties:
            report.error(CITATION, str(key), f"is not a key of CFF {version}", FIX)
    for key in _STRINGS:
        if key in data and not isinstance(data[key], str):
            report.error(
                CITATION,
                key,
                f"{_short(data[key])} must be text (YAML read it as {type(data[key]).__name__})",
                f'put the value in double quotes in {CITATION}, e.g. {key}: "..."',
            )
    if "version" in data and (
        not isinstance(data["version"], str | int | float) or data["version"] == ""
    ):
        report.error(CITATION, "version", "must be non-empty text or a number", FIX)


def _structural_people(
    entries: Any, list_key: str, report: Report, person_keys: set[str], entity_keys: set[str]
) -> None:
    """``authors`` or ``contact``: a list of distinct persons and entities with known keys."""
    if entries is None:
        return
    if not isinstance(entries, list):
        report.error(CITATION, list_key, "must be a list of persons and entities", FIX)
        return
    for i, entry in enumerate(entries):
        where = f"{list_key}[{i}]"
        if not isinstance(entry, dict) or not entry:
            report.error(CITATION, where, "must be a person or an entity (a mapping)", FIX)
            continue
        allowed = entity_keys if "name" in entry else person_keys
        extra = [str(k) for k in entry if k not in allowed]
        if extra:
            report.error(
                CITATION,
                where,
                f"{', '.join(repr(k) for k in extra)}: not a key of a "
                f"{'entity' if 'name' in entry else 'person'}",
                FIX,
            )
        for key, value in entry.items():
            if not isinstance(value, str) or not value.strip():
                report.error(CITATION, f"{where}.{key}", "must be non-empty text", FIX)
    for first, again in _duplicates(entries):
        report.error(
            CITATION,
            f"{list_key}[{again}]",
            f"is the same as {list_key}[{first}]: each entry may be listed once",
            f"remove the second entry from {CITATION}",
        )


def _structural_keywords(keywords: Any, report: Report) -> None:
    """``keywords``: a list of non-empty text."""
    if keywords is not None:
        if not isinstance(keywords, list):
            report.error(CITATION, "keywords", "must be a list", FIX)
        else:
            for i, keyword in enumerate(keywords):
                if not isinstance(keyword, str) or not keyword.strip():
                    report.error(CITATION, f"keywords[{i}]", "must be non-empty text", FIX)


def _structural_identifiers(identifiers: Any, report: Report) -> None:
    """``identifiers``: a list of entries with a type (doi, url, swh, other) and a value."""
    if identifiers is not None:
        if not isinstance(identifiers, list):
            report.error(CITATION, "identifiers", "must be a list", FIX)
        else:
            for i, ident in enumerate(identifiers):
                if (
                    not isinstance(ident, dict)
                    or ident.get("type") not in ("doi", "url", "swh", "other")
                    or not ident.get("value")
                ):
                    report.error(
                        CITATION,
                        f"identifiers[{i}]",
                        "needs type (doi, url, swh or other) and value",
                        FIX,
                    )


def _structural_references(references: Any, report: Report) -> None:
    """``references``: a list of mappings, each with a type, a title and authors."""
    if references is not None:
        if not isinstance(references, list):
            report.error(CITATION, "references", "must be a list", FIX)
        else:
            for i, ref in enumerate(references):
                if not isinstance(ref, dict):
                    report.error(CITATION, f"references[{i}]", "must be a mapping", FIX)
                    continue
                for key in ("type", "title", "authors"):
                    if not ref.get(key):
                        report.error(CITATION, f"references[{i}].{key}", "is required", FIX)


def validate(data: dict[str, Any], report: Report) -> None:
    """Validate CITATION.cff (loaded) against the schema of its own ``cff-version``.

    CFF 1.2.0 is validated with jsonschema and the official schema when jsonschema is
    importable, else structurally (the keys and types the schema names); CFF 1.1.0, which has
    no official JSON schema, structurally with a warning to upgrade; any other version is an
    error.

    Args:
        data: the loaded mapping.
        report: where the findings go; ``report.validation`` says which validation ran.
    """
    version = str(data.get("cff-version", ""))
    if version not in KNOWN_VERSIONS:
        report.validation = "none: unknown cff-version"
        report.error(
            CITATION,
            "cff-version",
            f"'{version}' is not a released CFF version this checker knows "
            f"({', '.join(KNOWN_VERSIONS)})",
            "write cff-version: 1.2.0 (https://citation-file-format.github.io)",
        )
        return
    if version == "1.1.0":
        report.validation = "built-in structural check (CFF 1.1.0 has no official JSON schema)"
        report.warning(
            CITATION,
            "cff-version",
            "CFF 1.1.0 is valid but old; it was checked structurally only",
            "upgrade to cff-version: 1.2.0 (https://citation-file-format.github.io)",
        )
        _structural(data, report, version)
        return
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        report.validation = (
            "built-in structural check of CITATION.cff (install jsonschema for the full "
            "CFF 1.2.0 JSON-schema validation)"
        )
        _structural(data, report, version)
        return
    _jsonschema(data, report)

"""The metadata checker: CITATION.cff against its schema and the value rules, the derived files
(codemeta.json, .zenodo.json, pyproject.toml, model cards) against CITATION.cff.

This is the one implementation used by the Copier tasks, ``make check-metadata``, the pre-commit
hook, CI and the FAIR scorecard.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import archives, rules
from .findings import Report
from .sources import (
    CITATION,
    CODEMETA,
    PYPROJECT,
    ROCRATE,
    ZENODO,
    Person,
    Record,
    SourceError,
    model_card_paths,
    read_citation,
    read_codemeta,
    read_model_card,
    read_pyproject,
    read_rocrate,
    read_zenodo,
)

#: Values the template writes when the user kept the defaults: valid, but not publishable.
PLACEHOLDER_NAMES = {("Firstname", "Lastname")}
PLACEHOLDER_AFFILIATIONS = {"Your Institute"}
PLACEHOLDER_EMAIL_DOMAINS = ("@example.org", "@example.com", "@example.net")

FIX_CITATION = f"edit {CITATION}, then run `make metadata` and `make check-metadata`"
FIX_DERIVED = f"run `make metadata` to regenerate it from {CITATION}"

_CFF_REQUIRED = ("cff-version", "message", "title", "authors")
_CFF_STRINGS = ("cff-version", "message", "title", "abstract", "version", "doi", "url")


def _validate_schema(text: str, report: Report) -> None:
    """Validate CITATION.cff against the CFF JSON schema with cffconvert, or structurally."""
    try:
        from cffconvert import Citation
        from cffconvert.version import __version__ as cffconvert_version
    except ImportError:
        report.validation = (
            "built-in structural check of CITATION.cff (install cffconvert for the full "
            "CFF 1.2.0 JSON-schema validation)"
        )
        return
    report.validation = f"cffconvert {cffconvert_version}: full CFF JSON-schema validation"
    try:
        Citation(text).validate()
    except Exception as error:  # jsonschema.ValidationError, ValueError from cffconvert
        path = ".".join(str(p) for p in getattr(error, "absolute_path", []) or [])
        message = str(getattr(error, "message", error)).splitlines()[0]
        report.error(CITATION, path or "(schema)", f"fails the CFF schema: {message}", FIX_CITATION)


def _structural_check(data: dict[str, Any], report: Report) -> None:
    """Checks that hold without cffconvert: required keys, types, version."""
    for key in _CFF_REQUIRED:
        if key not in data or data[key] in (None, "", []):
            report.error(CITATION, key, "is required by CFF 1.2.0 but missing", FIX_CITATION)
    if data.get("cff-version") not in (None, "1.2.0"):
        report.error(
            CITATION, "cff-version", f"'{data['cff-version']}' is not '1.2.0'", FIX_CITATION
        )
    for key in _CFF_STRINGS:
        if key in data and not isinstance(data[key], str):
            report.error(
                CITATION,
                key,
                f"{data[key]!r} must be a quoted string (YAML read it as "
                f"{type(data[key]).__name__})",
                f'put the value in double quotes in {CITATION}, e.g. {key}: "1.0.0"',
            )
    if "authors" in data and not isinstance(data["authors"], list):
        report.error(CITATION, "authors", "must be a list of persons", FIX_CITATION)
    for i, author in enumerate(data.get("authors") or []):
        if not isinstance(author, dict) or not (author.get("family-names") or author.get("name")):
            report.error(
                CITATION,
                f"authors[{i}]",
                "needs family-names (a person) or name (an entity)",
                FIX_CITATION,
            )


def _rule(
    report: Report, field: str, value: Any, rule: Callable[[str], str | None], fix: str
) -> None:
    if value in (None, ""):
        return
    problem = rule(str(value))
    if problem:
        report.error(CITATION, field, problem, fix)


def _check_citation_values(data: dict[str, Any], report: Report) -> None:
    """Check each value of CITATION.cff against its rule."""
    _rule(report, "version", data.get("version"), rules.semver_problem, FIX_CITATION)
    date = data.get("date-released")
    _rule(report, "date-released", date and str(date), rules.iso_date_problem, FIX_CITATION)
    licenses = data.get("license")
    for i, lic in enumerate(licenses if isinstance(licenses, list) else [licenses]):
        field = f"license[{i}]" if isinstance(licenses, list) else "license"
        _rule(report, field, lic, rules.spdx_problem, FIX_CITATION)
    _rule(report, "doi", data.get("doi"), rules.doi_problem, FIX_CITATION)
    for key in ("repository-code", "repository", "repository-artifact", "url"):
        _rule(report, key, data.get(key), rules.url_problem, FIX_CITATION)
    for i, author in enumerate(data.get("authors") or []):
        if not isinstance(author, dict):
            continue
        orcid = author.get("orcid")
        _rule(report, f"authors[{i}].orcid", orcid, rules.orcid_problem, FIX_CITATION)
        if (
            orcid
            and not str(orcid).startswith(rules.ORCID_URL_PREFIX)
            and not rules.orcid_problem(str(orcid))
        ):
            report.error(
                CITATION,
                f"authors[{i}].orcid",
                f"'{orcid}' must be written as a URL",
                f'write orcid: "{rules.ORCID_URL_PREFIX}{rules.orcid_id(str(orcid))}"',
            )
        _rule(report, f"authors[{i}].email", author.get("email"), rules.email_problem, FIX_CITATION)
        _rule(
            report, f"authors[{i}].website", author.get("website"), rules.url_problem, FIX_CITATION
        )
    for i, ident in enumerate(data.get("identifiers") or []):
        if isinstance(ident, dict) and ident.get("type") == "doi":
            _rule(
                report,
                f"identifiers[{i}].value",
                ident.get("value"),
                rules.doi_problem,
                FIX_CITATION,
            )
        elif isinstance(ident, dict) and ident.get("type") == "url":
            _rule(
                report,
                f"identifiers[{i}].value",
                ident.get("value"),
                rules.url_problem,
                FIX_CITATION,
            )
    for i, ref in enumerate(data.get("references") or []):
        if not isinstance(ref, dict):
            continue
        _rule(report, f"references[{i}].doi", ref.get("doi"), rules.doi_problem, FIX_CITATION)
        _rule(
            report, f"references[{i}].license", ref.get("license"), rules.spdx_problem, FIX_CITATION
        )
        _rule(report, f"references[{i}].url", ref.get("url"), rules.url_problem, FIX_CITATION)


def _check_placeholders(data: dict[str, Any], report: Report) -> None:
    """Warn about values that are valid but must be replaced before publishing."""
    for i, author in enumerate(data.get("authors") or []):
        if not isinstance(author, dict):
            continue
        name = (author.get("given-names"), author.get("family-names"))
        if name in PLACEHOLDER_NAMES:
            report.warning(
                CITATION,
                f"authors[{i}]",
                f"'{name[0]} {name[1]}' is the template's placeholder",
                "put your name in given-names and family-names",
            )
        email = str(author.get("email") or "")
        if email.endswith(PLACEHOLDER_EMAIL_DOMAINS):
            report.warning(
                CITATION,
                f"authors[{i}].email",
                f"'{email}' is a placeholder address",
                "put your institutional e-mail address",
            )
        if author.get("affiliation") in PLACEHOLDER_AFFILIATIONS:
            report.warning(
                CITATION,
                f"authors[{i}].affiliation",
                f"'{author['affiliation']}' is a placeholder",
                "put your institute",
            )
        if "family-names" in author and not author.get("orcid"):
            report.warning(
                CITATION,
                f"authors[{i}].orcid",
                "no ORCID iD: authors are not uniquely identified",
                'add orcid: "https://orcid.org/<your iD>" (register free at orcid.org)',
            )
    if not data.get("doi"):
        report.warning(
            CITATION,
            "doi",
            "no DOI yet: the code has no persistent identifier (FAIR F1)",
            "archive a release on Zenodo, then add its DOI as doi and under identifiers",
        )
    if not (data.get("repository-code") or data.get("url")):
        report.warning(
            CITATION,
            "repository-code",
            "no repository address: the code cannot be found",
            'add repository-code: "https://..." once the repository is public',
        )
    for i, ref in enumerate(data.get("references") or []):
        if isinstance(ref, dict) and ref.get("type") in ("data", "database") and not ref.get("doi"):
            report.warning(
                CITATION,
                f"references[{i}].doi",
                "the data set has no DOI: it cannot be cited or found persistently",
                f"publish the data ({archives.suggested('data')}) and add its DOI",
            )


def _persons(people: list[Person] | None, with_orcid: bool) -> list[tuple[str, ...]] | None:
    if people is None:
        return None
    if with_orcid:
        return [(p.given, p.family, p.orcid or "") for p in people]
    return [(p.given, p.family) for p in people]


def _same_version(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging comes with pip and Copier
        return False
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


def _compare(source: Record, other: Record, fix: str, report: Report) -> None:
    """Report each field of `other` that disagrees with CITATION.cff."""

    def differ(field: str, ours: Any, theirs: Any) -> None:
        report.error(
            other.file,
            field,
            f"{CITATION} says {ours!r} but {other.file} says {theirs!r}: the two files disagree",
            fix,
        )

    if other.title is not None and other.title != source.title:
        differ("title", source.title, other.title)
    if other.version is not None and not _same_version(other.version, source.version or ""):
        differ("version", source.version, other.version)
    if other.license is not None and other.license != source.license:
        differ("license", source.license, other.license)
    if other.doi is not None and other.doi != source.doi:
        differ("doi", source.doi, other.doi)
    if other.authors is not None:
        with_orcid = other.file != PYPROJECT
        ours, theirs = _persons(source.authors, with_orcid), _persons(other.authors, with_orcid)
        if ours != theirs:
            differ("authors", ours, theirs)
    if (
        other.data_license is not None
        and source.data_license is not None
        and other.data_license.lower() != source.data_license.lower()
    ):
        differ("license (data and models)", source.data_license, other.data_license)


def check_metadata(root: Path) -> Report:
    """Check every metadata file of the project at `root`; return all findings."""
    report = Report()
    try:
        citation = read_citation(root)
    except SourceError as error:
        report.error(error.file, "", error.message, FIX_CITATION)
        return report
    if citation is None:
        report.error(CITATION, "", "is missing", "restore it with `git checkout CITATION.cff`")
        return report
    report.records[CITATION] = citation
    text = (root / CITATION).read_text(encoding="utf-8")
    _validate_schema(text, report)
    _structural_check(citation.raw, report)
    _check_citation_values(citation.raw, report)
    _check_placeholders(citation.raw, report)

    derived = [
        (CODEMETA, read_codemeta, FIX_DERIVED, True),
        (ZENODO, read_zenodo, FIX_DERIVED, True),
        (PYPROJECT, read_pyproject, f"edit the [project] table of {PYPROJECT}", False),
        (ROCRATE, read_rocrate, f"edit {ROCRATE} to match {CITATION}", False),
    ]
    for name, reader, fix, required in derived:
        try:
            record = reader(root)
        except SourceError as error:
            report.error(error.file, "", error.message, fix)
            continue
        if record is None:
            if required:
                report.error(name, "", "is missing", fix)
            continue
        report.records[name] = record
        _compare(citation, record, fix, report)
    for path in model_card_paths(root):
        try:
            card = read_model_card(root, path)
        except SourceError as error:
            report.error(error.file, "", error.message, "run `make model-card` to regenerate it")
            continue
        report.records[card.file] = card
        card_fix = f"edit the YAML header of {card.file} or run `make model-card`"
        _compare(citation, card, card_fix, report)
    return report

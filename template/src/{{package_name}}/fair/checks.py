"""The metadata checker: CITATION.cff, and each derived file against it, field by field.

CITATION.cff is checked against the schema of its CFF version and the value rules; each
derived file (codemeta.json, .zenodo.json, pyproject.toml, ro-crate-metadata.json, model cards)
against what :mod:`.crosswalk` derives from CITATION.cff.

This is the one implementation used by the Copier tasks, ``make check-metadata``, the pre-commit
hook, CI and the FAIR scorecard. It never changes a file. Standard library and PyYAML only
(jsonschema and packaging when importable).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from . import archives, crosswalk, rules
from .cff import data_references, dois, licenses
from .findings import Report
from .licences import licence_of_text, licence_path, licence_texts
from .sources import (
    CITATION,
    CODEMETA,
    PYPROJECT,
    ROCRATE,
    ZENODO,
    Record,
    SourceError,
    block_paths,
    model_card_paths,
    read_citation,
    read_codemeta,
    read_model_card,
    read_pyproject,
    read_rocrate,
    read_zenodo,
)
from .validate import validate

#: Values the template writes when the user kept the defaults: valid, but not publishable.
PLACEHOLDER_NAMES = {("Firstname", "Lastname")}
PLACEHOLDER_AFFILIATIONS = {"Your Institute"}
PLACEHOLDER_EMAIL_DOMAINS = ("@example.org", "@example.com", "@example.net")
#: The abstract the template writes when the description question kept its default (copier.yml).
PLACEHOLDER_ABSTRACT = "A FAIR data and machine-learning analysis generated with copier4fair."

FIX_CITATION = f"edit {CITATION}, then run `make metadata` and `make check-metadata`"
FIX_DERIVED = f"run `make metadata` to write it from {CITATION}"
#: How a field of a derived file that differs from CITATION.cff ends its message.
DISAGREE = "the two files disagree"
#: The keys of a CFF person or entity that hold (part of) a name.
NAME_KEYS = ("given-names", "name-particle", "family-names", "name-suffix", "name", "affiliation")
#: At most this many differing entries of one list are named; the rest are counted.
MAX_LISTED = 5


def _rule(
    report: Report, field: str, value: Any, rule: Callable[[str], str | None], fix: str
) -> None:
    if value in (None, ""):
        return
    problem = rule(str(value))
    if problem:
        report.error(CITATION, field, problem, fix)


def _listed(data: dict[str, Any], key: str) -> list[Any]:
    """The list `key` of CITATION.cff, or [] when it is absent or not a list.

    The schema check reports a value of the wrong type (e.g. `keywords: 1`); the value checks
    then have nothing to check there, rather than failing on it.
    """
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check_citation_values(data: dict[str, Any], report: Report) -> None:
    """Check each value of CITATION.cff against its rule."""
    _check_version(data, report)
    date = data.get("date-released")
    _rule(report, "date-released", date and str(date), rules.iso_date_problem, FIX_CITATION)
    licenses = data.get("license")
    for i, lic in enumerate(licenses if isinstance(licenses, list) else [licenses]):
        field = f"license[{i}]" if isinstance(licenses, list) else "license"
        _rule(report, field, lic, rules.spdx_problem, FIX_CITATION)
    _rule(report, "doi", data.get("doi"), rules.doi_problem, FIX_CITATION)
    for key in ("repository-code", "repository", "repository-artifact", "url"):
        _rule(report, key, data.get(key), rules.url_problem, FIX_CITATION)
    _rule(report, "title", data.get("title"), rules.printable_problem, FIX_CITATION)
    for i, keyword in enumerate(_listed(data, "keywords")):
        _rule(report, f"keywords[{i}]", keyword, rules.printable_problem, FIX_CITATION)
    _check_author_values(data, report)
    _check_orcids_unique(data, report)
    _check_identifier_values(data, report)
    _check_reference_values(data, report)


def _check_version(data: dict[str, Any], report: Report) -> None:
    """Warn about a version YAML read as a number, or one that is no PEP 440 version."""
    version = data.get("version")
    if isinstance(version, float):
        # Valid CFF (the schema allows a number), but YAML reads 1.10 as 1.1: warn, as the
        # derived files carry the number as YAML read it.
        report.warning(
            CITATION,
            "version",
            f"is the unquoted number {version!r} to YAML, so a version such as 1.10 is read as "
            "1.1 and every derived file carries what YAML read",
            f'quote it: version: "{version}" (or the version you meant, e.g. "1.10")',
        )
        version = None
    problem = rules.version_problem(str(version)) if version not in (None, "") else None
    if problem:
        report.warning(
            CITATION,
            "version",
            f"{problem}; pyproject.toml keeps its own version until then",
            "write a version such as 1.2.0 for the next release",
        )


def _check_author_name(i: int, author: dict[str, Any], report: Report) -> None:
    """An author needs a name to be cited by: a family name, or an entity's name.

    The CFF schema requires no key of a person; citation styles, DataCite and Zenodo list a
    person by family name ("Family, Given"), an entity (a collaboration) by its name.
    """
    if any(str(author.get(key) or "").strip() for key in ("family-names", "name")):
        return
    given = str(author.get("given-names") or author.get("alias") or "").strip()
    if not given:
        report.error(
            CITATION,
            f"authors[{i}]",
            "has no name: it cannot be cited",
            "give a person family-names and given-names, or a collaboration its name",
        )
        return
    report.warning(
        CITATION,
        f"authors[{i}].family-names",
        f"'{given}' has no family-names: citations and Zenodo list authors by family name",
        "add family-names (a single name, e.g. a mononym, goes in family-names alone)",
    )


def _check_author_values(data: dict[str, Any], report: Report) -> None:
    """Check the names, ORCID iD (as a URL), e-mail address and website of each author."""
    for i, author in enumerate(_listed(data, "authors")):
        if not isinstance(author, dict):
            continue
        for key in NAME_KEYS:
            _rule(
                report,
                f"authors[{i}].{key}",
                author.get(key),
                rules.printable_problem,
                FIX_CITATION,
            )
        _check_author_name(i, author, report)
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


def _check_identifier_values(data: dict[str, Any], report: Report) -> None:
    """Check the value of each ``identifiers`` entry of type doi or url."""
    for i, ident in enumerate(_listed(data, "identifiers")):
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


def _check_reference_values(data: dict[str, Any], report: Report) -> None:
    """Check the DOI, licence and URL of each reference."""
    for i, ref in enumerate(_listed(data, "references")):
        if not isinstance(ref, dict):
            continue
        _rule(report, f"references[{i}].doi", ref.get("doi"), rules.doi_problem, FIX_CITATION)
        _rule(
            report, f"references[{i}].license", ref.get("license"), rules.spdx_problem, FIX_CITATION
        )
        _rule(report, f"references[{i}].url", ref.get("url"), rules.url_problem, FIX_CITATION)


def unreadable_fix(name: str) -> str:
    """The way out for a derived file that cannot be read.

    `make metadata` keeps what the user added to the file, so it must be able to read it
    first: it cannot mend the file itself.

    Args:
        name: the file, relative to the project, e.g. "codemeta.json".

    Returns:
        The fix: mend it by hand, or delete it and write it anew (pyproject.toml: by hand
        only; ro-crate-metadata.json: by hand, or back from git).
    """
    if name == PYPROJECT:
        return (
            f"mend {name} by hand (make metadata keeps its other tables, so it cannot rewrite "
            "it), then run `make metadata`"
        )
    if name == ROCRATE:  # make metadata updates the crate's entities, it does not write one
        return (
            f"mend {name} by hand, or take it back from git (`git log -- {name}` shows the "
            f"commits that have it; `git checkout <commit> -- {name}`), then run `make metadata`"
        )
    return (
        f"mend {name} by hand, or delete it and run `make metadata` to write it anew (keys you "
        "added to it, such as grants or funding, are then lost)"
    )


def _check_orcids_unique(data: dict[str, Any], report: Report) -> None:
    """An ORCID iD identifies one person: two authors with the same iD are an error."""
    first: dict[str, int] = {}
    for i, author in enumerate(_listed(data, "authors")):
        orcid = author.get("orcid") if isinstance(author, dict) else None
        if not orcid or rules.orcid_problem(str(orcid)):
            continue
        bare = rules.orcid_id(str(orcid))
        if bare in first:
            report.error(
                CITATION,
                f"authors[{i}].orcid",
                f"'{orcid}' is also the ORCID of authors[{first[bare]}]: an ORCID iD identifies "
                "one person",
                "give each author their own iD (orcid.org), or remove the one that is wrong",
            )
        else:
            first[bare] = i


def _check_placeholders(data: dict[str, Any], report: Report) -> None:
    """Warn about values that are valid but must be replaced before publishing."""
    for i, author in enumerate(_listed(data, "authors")):
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
    if str(data.get("abstract") or "").strip() == PLACEHOLDER_ABSTRACT:
        report.warning(
            CITATION,
            "abstract",
            "is the template's placeholder: Zenodo, HEPData and the package index show it",
            "describe your analysis in two or three sentences",
        )
    if not dois(data):
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
    data_sets = data_references(data)
    for i, ref in data_sets:
        if not ref.get("doi"):
            report.warning(
                CITATION,
                f"references[{i}].doi",
                "the data set has no DOI: it cannot be cited or found persistently",
                f"publish the data ({archives.suggested('data')}) and add its DOI",
            )
    if not any(licenses(ref) for _, ref in data_sets):
        what, fix = (
            ("no data set gives its licence", 'add license: "<SPDX id>" (e.g. CC-BY-4.0) to it')
            if data_sets
            else (
                "cites no data set (a reference of type data or database)",
                (
                    "add the data set under references with type: data, title, authors and "
                    'license: "<SPDX id>" (e.g. CC-BY-4.0)'
                ),
            )
        )
        report.warning(
            CITATION,
            f"references[{data_sets[0][0]}].license" if data_sets else "references",
            f"{what}: the terms of reuse of the data are unknown (FAIR R1.1), and a model card "
            "or HEPData submission is not written without them",
            fix,
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


class _Comparer:
    """Compares the fields of one derived file with what CITATION.cff derives."""

    def __init__(self, report: Report, file: str, fix: str) -> None:
        self.report = report
        self.file = file
        self.fix = fix

    def differ(self, field: str, source: str, expected: Any, actual: Any) -> None:
        """Report one disagreeing field in one line."""
        said = "nothing" if actual is None else _short(actual)
        wanted = "nothing" if expected is None else _short(expected)
        self.report.error(
            self.file,
            field,
            f"{CITATION} {source} gives {wanted} but {self.file} says {said}: {DISAGREE}",
            self.fix,
        )

    def value(
        self,
        field: str,
        source: str,
        expected: Any,
        actual: Any,
        same: Callable[[Any, Any], bool] | None = None,
    ) -> None:
        """Compare one value (None: absent)."""
        if expected is None and actual is None:
            return
        equal = expected is not None and actual is not None
        if equal:
            equal = same(expected, actual) if same else expected == actual
        if not equal:
            self.differ(field, source, expected, actual)

    def people(self, field: str, expected: list[Any], actual: Any) -> None:
        """Compare two lists of whole persons entry by entry (``authors[i]`` of CFF)."""
        if not isinstance(actual, list):
            self.differ(field, "authors", f"{len(expected)} authors", actual)
            return
        if len(actual) != len(expected):
            self.report.error(
                self.file,
                field,
                f"{CITATION} has {len(expected)} authors but {self.file} has {len(actual)}: "
                f"{DISAGREE}",
                self.fix,
            )
        wrong = [i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b]
        for i in wrong[:MAX_LISTED]:
            self.differ(f"{field}[{i}]", f"authors[{i}]", expected[i], actual[i])
        if len(wrong) > MAX_LISTED:
            self.report.error(
                self.file,
                field,
                f"{len(wrong) - MAX_LISTED} more authors disagree with {CITATION}",
                self.fix,
            )


_CODEMETA_SOURCES = {
    "@context": "(CodeMeta 3.0)",
    "@type": "type",
    "name": "title",
    "description": "abstract",
    "version": "version",
    "datePublished": "date-released",
    "keywords": "keywords",
    "license": "license",
    "codeRepository": "repository-code",
    "url": "url",
    "identifier": "doi and identifiers",
}


def _check_codemeta(cff: dict[str, Any], record: Record, report: Report) -> None:
    expected = crosswalk.codemeta(cff)
    compare = _Comparer(report, CODEMETA, FIX_DERIVED)
    for key, source in _CODEMETA_SOURCES.items():
        compare.value(key, source, expected.get(key), record.raw.get(key))
    compare.people("author", expected["author"], record.raw.get("author"))


_ZENODO_SOURCES = {
    "upload_type": "type",
    "title": "title",
    "description": "abstract",
    "version": "version",
    "publication_date": "date-released",
    "keywords": "keywords",
    "license": "license",
    "doi": "doi",
}


def _check_zenodo(cff: dict[str, Any], record: Record, report: Report) -> None:
    raw = record.raw
    expected = crosswalk.zenodo(cff)
    compare = _Comparer(report, ZENODO, FIX_DERIVED)
    for key, source in _ZENODO_SOURCES.items():
        compare.value(key, source, expected.get(key), raw.get(key))
    compare.people("creators", expected["creators"], raw.get("creators"))
    related = raw.get("related_identifiers")
    related = related if isinstance(related, list) else []
    listed = {str(r.get("identifier", "")).lower() for r in related if isinstance(r, dict)}
    for entry in expected.get("related_identifiers", []):
        if entry["identifier"].lower() not in listed:
            compare.differ(
                "related_identifiers", "identifiers", entry["identifier"], "nothing of it"
            )
    # Zenodo's legacy deposit rules that hold offline (developers.zenodo.org).
    for i, entry in enumerate(related):
        if not isinstance(entry, dict) or not entry.get("identifier"):
            report.error(ZENODO, f"related_identifiers[{i}]", "needs an identifier", FIX_DERIVED)
        elif entry.get("relation") not in crosswalk.ZENODO_RELATIONS:
            report.error(
                ZENODO,
                f"related_identifiers[{i}].relation",
                f"{_short(entry.get('relation'))} is not a Zenodo relation (e.g. isSupplementTo, "
                "isIdenticalTo, isVersionOf)",
                f"correct it in {ZENODO}",
            )
    ids = licenses(cff)
    if len(ids) > 1:
        report.warning(
            ZENODO,
            "license",
            f"Zenodo's deposit metadata takes one licence, so it records {ids[0]} of "
            f"{crosswalk.license_expression(ids)}",
            f"say in the Zenodo record's description or notes that the work may be used under "
            f"any of {', '.join(ids)}",
        )
    for key in ("grants", "communities", "contributors"):
        if key in raw and not isinstance(raw[key], list):
            report.error(
                ZENODO, key, "must be a list (Zenodo deposit metadata)", f"correct it in {ZENODO}"
            )


def _check_pyproject(cff: dict[str, Any], record: Record, report: Report) -> None:
    raw = record.raw
    expected = crosswalk.project(cff)
    compare = _Comparer(report, PYPROJECT, FIX_DERIVED)
    declared = raw.get("dynamic")
    dynamic: list[Any] = declared if isinstance(declared, list) else []
    if "version" not in dynamic and expected["version"] is not None:
        compare.value(
            "version", "version", expected["version"], raw.get("version"), crosswalk.same_version
        )
    for key, source in (("description", "abstract"), ("keywords", "keywords")):
        if key not in dynamic:
            compare.value(key, source, expected[key], raw.get(key))
    compare.value(
        "license",
        "license",
        expected["license"],
        raw.get("license"),
        crosswalk.same_license_expression,
    )
    if "authors" not in dynamic:
        compare.people("authors", expected["authors"], raw.get("authors", []))
    given = raw.get("urls")
    urls: dict[str, Any] = given if isinstance(given, dict) else {}
    for cff_key, label in crosswalk.PROJECT_URLS.items():
        compare.value(f"urls.{label}", cff_key, expected["urls"][label], urls.get(label))


def _check_rocrate(cff: dict[str, Any], record: Record, report: Report) -> None:
    graph = [e for e in record.raw.get("@graph", []) if isinstance(e, dict)]
    entities = {e.get("@id"): e for e in graph}
    root = entities["./"]
    expected = crosswalk.rocrate_root(cff)
    compare = _Comparer(report, ROCRATE, f"run `make metadata` to update it from {CITATION}")
    sources = {
        "name": "title",
        "version": "version",
        "license": "license",
        "keywords": "keywords",
        "identifier": "doi and identifiers",
    }
    for key, source in sources.items():
        compare.value(key, source, expected[key], root.get(key))
    _, people = crosswalk.rocrate_people(cff)

    def described(entity: dict[str, Any], lookup: dict[Any, dict[str, Any]]) -> dict[str, Any]:
        out = {k: v for k, v in entity.items() if k not in ("@id", "affiliation")}
        if str(entity.get("@id", "")).startswith(crosswalk.ORCID_URL):
            out["@id"] = entity["@id"]
        aff = entity.get("affiliation")
        if isinstance(aff, dict):
            out["affiliation"] = lookup.get(aff.get("@id"), {}).get("name")
        return out

    wanted_lookup = {e["@id"]: e for e in people}
    wanted = [described(e, wanted_lookup) for e in people[: len(expected["author"])]]
    refs = root.get("author")
    refs = refs if isinstance(refs, list) else [refs] if isinstance(refs, dict) else []
    actual = [
        described(entities.get(r.get("@id"), {}) if isinstance(r, dict) else {}, entities)
        for r in refs
    ]
    compare.people("author", wanted, actual)


def _check_model_card(cff: dict[str, Any], card: Record, source: Record, report: Report) -> None:
    fix = f"edit the YAML header of {card.file} or run `make model-card`"
    compare = _Comparer(report, card.file, fix)
    if card.version is not None:
        compare.value(
            "model_version", "version", source.version, card.version, crosswalk.same_version
        )
    if card.doi is not None:
        compare.value("doi", "doi", source.doi, card.doi)
    if (
        card.data_license is not None
        and source.data_license is not None
        and card.data_license.lower() != source.data_license.lower()
    ):
        compare.differ(
            "license (data and models)",
            "references[data].license",
            source.data_license,
            card.data_license,
        )
    if "authors" in card.raw:
        compare.people("authors", crosswalk.model_card_authors(cff), card.raw.get("authors"))


def check_citation(cff: dict[str, Any], report: Report) -> None:
    """Check CITATION.cff alone: its schema, then each value against its rule, then placeholders.

    One error per field: where a value rule names a field the schema also fails, only the
    rule's message (which says what a right value looks like) is kept. Placeholders (the
    template's example author, no ORCID iD, no DOI, no repository) are warnings.

    Args:
        cff: CITATION.cff, loaded.
        report: where the findings go; ``report.validation`` says which schema validation ran
            (see :func:`.validate.validate`).
    """
    schema_report, rules_report = Report(), Report()
    validate(cff, schema_report)
    _check_citation_values(cff, rules_report)
    by_rule = {(f.file, f.field) for f in rules_report.errors}
    report.validation = schema_report.validation
    for finding in schema_report.findings:
        if finding.severity != "error" or (finding.file, finding.field) not in by_rule:
            report.findings.append(finding)
    report.findings += rules_report.findings
    _check_placeholders(cff, report)


def release_citation(root: Path) -> Record:
    """Read CITATION.cff for a release: valid, and saying how its data are licensed.

    The model card and the HEPData submission cite the project from CITATION.cff and carry
    the licence of its data, so they are written only from a file the metadata checker accepts
    (`check_citation`: its errors, not its warnings).

    Args:
        root: the project folder.

    Returns:
        The record (`read_citation`), with ``data_license`` set.

    Raises:
        SourceError: CITATION.cff is missing or cannot be read, the checker finds an error in
            it (the message gives the first with its fix, and how many more there are), or no
            data reference gives a licence. The message ends with what to do.
    """
    citation = read_citation(root)
    if citation is None:
        raise SourceError(
            CITATION,
            "is missing; the release cites the project from it. Fix: restore it "
            "(`git checkout CITATION.cff`)",
        )
    report = Report()
    check_citation(citation.raw, report)
    if report.errors:
        first, more = report.errors[0], len(report.errors) - 1
        others = f" ({more} more: `make check-metadata` lists them)" if more else ""
        field_ = f"{first.field}: " if first.field else ""
        raise SourceError(
            CITATION, f"{field_}{first.message}{others}. Fix: {first.fix}, then run this again"
        )
    if not citation.data_license:
        finding = next(
            f for f in report.warnings if f.field == "references" or f.field.endswith(".license")
        )
        raise SourceError(CITATION, f"{finding.field}: {finding.message}. Fix: {finding.fix}")
    return citation


def check_metadata(root: Path) -> Report:
    """Check every metadata file of the project at `root`.

    Args:
        root: the project folder.

    Returns:
        The report: every finding (errors and warnings) and the parsed records. Nothing is
        written. The derived files are compared only when CITATION.cff itself is valid; a
        derived file that cannot be read is an error of the report.
    """
    report = Report()
    try:
        citation = read_citation(root)
    except SourceError as error:
        report.validation = "none: CITATION.cff could not be read"
        report.error(error.file, "", error.message, FIX_CITATION)
        return report
    if citation is None:
        report.error(CITATION, "", "is missing", "restore it with `git checkout CITATION.cff`")
        return report
    report.records[CITATION] = citation
    cff = citation.raw
    check_citation(cff, report)
    if not report.ok:
        return report

    derived: list[tuple[str, Callable[[Path], Record | None], Any, bool]] = [
        (CODEMETA, read_codemeta, _check_codemeta, True),
        (ZENODO, read_zenodo, _check_zenodo, True),
        (PYPROJECT, read_pyproject, _check_pyproject, False),
        (ROCRATE, read_rocrate, _check_rocrate, False),
    ]
    for name, reader, check, required in derived:
        try:
            record = reader(root)
        except SourceError as error:
            report.error(error.file, "", error.message, unreadable_fix(error.file))
            continue
        if record is None:
            if required:
                report.error(name, "", "is missing", FIX_DERIVED)
            continue
        report.records[name] = record
        check(cff, record, report)
    for path in model_card_paths(root):
        try:
            card = read_model_card(root, path)
        except SourceError as error:
            report.error(error.file, "", error.message, "run `make model-card` to regenerate it")
            continue
        report.records[card.file] = card
        _check_model_card(cff, card, citation, report)
    _check_blocks(root, cff, report)
    _check_licence_file(root, cff, report)
    _check_toy_descriptions(root, cff, report)
    _check_experiment(root, cff, report)
    return report


#: What the template writes about its toy data set: the notes of the data reference of
#: CITATION.cff, and the start of the model card's limitations (config/model_card.yaml).
TOY_DATA_NOTES = "Synthetic labelled data set written by `make data`"
TOY_LIMITATIONS = "Trained on a synthetic toy data set generated by `make data`"
PIPELINE_CONFIG = "config/pipeline.yaml"
CARD_CONFIG = "config/model_card.yaml"


def _settings(root: Path, name: str) -> dict[str, Any]:
    """A YAML settings file of the project; {} when missing or unreadable (the steps say why)."""
    try:
        loaded = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _real_data_source(root: Path) -> str | None:
    """Where config/pipeline.yaml takes real data from; None for the toy data set."""
    data = _settings(root, PIPELINE_CONFIG).get("data")
    if not isinstance(data, dict):
        return None
    if data.get("ntuples"):
        return "the ROOT ntuples of data.ntuples"
    source = data.get("source")
    return None if source in (None, "synthetic") else str(source)


def _check_toy_descriptions(root: Path, cff: dict[str, Any], report: Report) -> None:
    """Warn where the template's description of its toy data set outlived it.

    Once config/pipeline.yaml takes real data, the data reference of CITATION.cff and the
    limitations of the model card that still describe the toy data set misdescribe the
    release: warnings, with the fix.
    """
    source = _real_data_source(root)
    if source is None:
        return
    for i, reference in data_references(cff):
        if str(reference.get("notes", "")).startswith(TOY_DATA_NOTES):
            report.warning(
                CITATION,
                f"references[{i}]",
                f"describes the template's toy data set, but {PIPELINE_CONFIG} takes the data "
                f"from {source}",
                "describe that data set there: its title, authors, license and doi (and remove "
                "the notes), then `make metadata`",
            )
    limitations = _settings(root, CARD_CONFIG).get("limitations")
    if isinstance(limitations, str) and limitations.startswith(TOY_LIMITATIONS):
        report.warning(
            CARD_CONFIG,
            "limitations",
            f"says the model is trained on the toy data set, but {PIPELINE_CONFIG} takes the "
            f"data from {source}",
            "describe the real data set's limits and biases there, then `make model-card`",
        )


def _same_experiment(experiment: str, keyword: str) -> bool:
    """Whether a keyword names the experiment: equal, or the name and more ("CMS Collaboration").

    Case and runs of spaces do not matter.
    """
    first, second = (" ".join(text.split()).casefold() for text in (experiment, keyword))
    return bool(first) and (
        first == second or second.startswith(first + " ") or first.startswith(second + " ")
    )


def _check_experiment(root: Path, cff: dict[str, Any], report: Report) -> None:
    """Warn where the experiment of the figures is not among the keywords of CITATION.cff.

    The experiment has two places: `figures.experiment` of config/pipeline.yaml labels every
    figure (visualization/style.py) and gives the HEPData keywords; the keywords of
    CITATION.cff (which codemeta.json, .zenodo.json and the README follow) name it for the
    archives. Copier writes both from one answer; an edit of one leaves the other behind: one
    warning naming both files. Nothing is checked without an experiment (not HEP, or
    phenomenology with `experiment: ""`).
    """
    figures = _settings(root, PIPELINE_CONFIG).get("figures")
    experiment = figures.get("experiment") if isinstance(figures, dict) else None
    if not isinstance(experiment, str) or not experiment.strip():
        return
    keywords = [str(keyword) for keyword in _listed(cff, "keywords")]
    if any(_same_experiment(experiment, keyword) for keyword in keywords):
        return
    report.warning(
        PIPELINE_CONFIG,
        "figures.experiment",
        f"{experiment!r} labels the figures and the HEPData record, but the keywords of "
        f"{CITATION} ({', '.join(keywords) or 'none'}) do not name it: the two disagree on the "
        "experiment",
        f"make them agree: correct figures.experiment in {PIPELINE_CONFIG}, or name the "
        f"experiment under keywords in {CITATION} (and in README.md), then `make metadata`",
    )


#: The file that holds the code's licence text (GitHub, PyPI and Zenodo show it).
LICENSE_FILE = "LICENSE"


def _check_licence_file(root: Path, cff: dict[str, Any], report: Report) -> None:
    """Compare the licence of CITATION.cff with the text of LICENSE.

    LICENSE is identified by the texts of LICENSES/ (`licences.licence_of_text`); a LICENSE
    that is none of them (a licence of your own) is not compared. A text the SPDX id of
    CITATION.cff names but LICENSE is not: one error. A CITATION.cff without a licence: a
    warning, which names the licence of LICENSE when it is known.
    """
    stated = licenses(cff)
    path = root / LICENSE_FILE
    found = None
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        found = licence_of_text(text, root, licence_texts(root))
    if not stated:
        # Without a licence nobody may reuse the code (FAIR R1.1): `make fair` fails on it.
        said = f"{LICENSE_FILE} is the text of {found}: " if found else ""
        report.warning(
            CITATION,
            "license",
            "missing: the code's terms of reuse are not stated (FAIR R1.1; `make fair` fails)",
            f"{said}add license: {found or '<SPDX id>'} to {CITATION}, then `make metadata`",
        )
        return
    if found is None or found.lower() in {spdx.lower() for spdx in stated}:
        return
    said = " or ".join(stated)
    report.error(
        LICENSE_FILE,
        "",
        f"is the text of {found} ({licence_path(found)}), but {CITATION} license says {said}: "
        "the code's licence is stated two ways",
        f"set license: {found} in {CITATION} (then `make metadata`), or replace {LICENSE_FILE} "
        f"and {licence_path(found)} by {licence_path(stated[0])} with the text of {stated[0]} "
        f"(https://spdx.org/licenses/{stated[0]}.txt, or `reuse download {stated[0]}`)",
    )


def _check_blocks(root: Path, cff: dict[str, Any], report: Report) -> None:
    """Check the ``make metadata`` blocks of the README, datasheet and model cards.

    Their authors and citation in the text are compared with what CITATION.cff gives.
    """
    for path in block_paths(root):
        name = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the file's own reader reports it (model cards), or it is prose only
        current = {m["kind"]: m["body"] for m in crosswalk.BLOCK.finditer(text)}
        filled = {
            m["kind"]: m["body"] for m in crosswalk.BLOCK.finditer(crosswalk.fill_blocks(text, cff))
        }
        for kind, body in filled.items():
            if current.get(kind) != body:
                report.error(
                    name,
                    f"make metadata: {kind}",
                    f"says {_short(current.get(kind))}, CITATION.cff gives {_short(body)}",
                    FIX_DERIVED,
                )

"""The mappers from CITATION.cff to every derived file, each field with the rule it follows.

One implementation serves both sides: ``python -m <package>.fair derive`` writes what these
functions return, and the metadata checker compares each file with what they return (so a file
written by the derivation always passes the check). Standard library only (``packaging`` when it
is importable, for PEP 440 versions and PEP 639 licence expressions): this runs in the Python
that runs Copier.

Sources of the rules:

- CFF: the Citation File Format 1.2.0 schema guide,
  https://github.com/citation-file-format/citation-file-format/blob/1.2.0/schema-guide.md
- CodeMeta 3.0 and its CFF crosswalk, https://w3id.org/codemeta/3.0 and
  https://codemeta.github.io/crosswalk/ (schema.org Person/Organization properties)
- Zenodo: the legacy deposit metadata of the REST API (``.zenodo.json`` of the GitHub
  integration), https://developers.zenodo.org/#representation (Deposit metadata)
- pyproject.toml: PEP 621 (``[project]``) and PEP 639 (``license`` as an SPDX expression)
- RO-Crate 1.1, https://w3id.org/ro/crate/1.1 (flattened JSON-LD, contextual entities)
"""

from __future__ import annotations

import re
from typing import Any

from .cff import Doi, Person, authors, dois, keywords, licenses

CODEMETA_CONTEXT = "https://w3id.org/codemeta/3.0"
SPDX_URL = "https://spdx.org/licenses/"
DOI_URL = "https://doi.org/"
ORCID_URL = "https://orcid.org/"

#: The keys of codemeta.json written from CITATION.cff; every other key is the user's and kept.
CODEMETA_KEYS = (
    "@context",
    "@type",
    "name",
    "description",
    "version",
    "datePublished",
    "keywords",
    "license",
    "codeRepository",
    "url",
    "identifier",
    "author",
)
#: The keys of .zenodo.json written from CITATION.cff (``related_identifiers`` is merged).
ZENODO_KEYS = (
    "upload_type",
    "title",
    "description",
    "version",
    "publication_date",
    "keywords",
    "license",
    "creators",
    "doi",
)
#: Zenodo legacy deposit ``upload_type`` values (developers.zenodo.org, Deposit metadata).
ZENODO_UPLOAD_TYPES = (
    "publication",
    "poster",
    "presentation",
    "dataset",
    "image",
    "video",
    "software",
    "lesson",
    "physicalobject",
    "other",
)
#: Zenodo legacy deposit ``related_identifiers[].relation`` values (same page).
ZENODO_RELATIONS = (
    "isCitedBy",
    "cites",
    "isSupplementTo",
    "isSupplementedBy",
    "isContinuedBy",
    "continues",
    "isDescribedBy",
    "describes",
    "hasMetadata",
    "isMetadataFor",
    "isNewVersionOf",
    "isPreviousVersionOf",
    "isPartOf",
    "hasPart",
    "isReferencedBy",
    "references",
    "isDocumentedBy",
    "documents",
    "isCompiledBy",
    "compiles",
    "isVariantFormOf",
    "isOriginalFormOf",
    "isIdenticalTo",
    "isAlternateIdentifier",
    "isReviewedBy",
    "reviews",
    "isDerivedFrom",
    "isSourceOf",
    "requires",
    "isRequiredBy",
    "isObsoletedBy",
    "obsoletes",
    "isVersionOf",
    "hasVersion",
)
#: [project.urls] labels written from CITATION.cff (PEP 621; labels of the PyPA
#: "well-known project URLs"); other labels are the user's and kept.
PROJECT_URLS = {"url": "Homepage", "repository-code": "Repository"}


def _text(value: Any) -> str | None:
    """A CFF scalar as text (YAML numbers such as ``version: 1.4`` included); None if absent."""
    if value is None or value == "":
        return None
    return str(value)


def one_line(text: str) -> str:
    """Collapse whitespace: PEP 621 ``description`` is the one-line summary of core metadata.

    Args:
        text: any text, e.g. the abstract of CITATION.cff.

    Returns:
        The text with every run of whitespace (newlines included) one space, stripped.
    """
    return re.sub(r"\s+", " ", text).strip()


# --- people --------------------------------------------------------------------------------


def codemeta_person(person: Person) -> dict[str, Any]:
    """A CFF author as a CodeMeta 3.0 (schema.org) Person or Organization.

    Rules (CodeMeta crosswalk, CFF column): given-names -> givenName, family-names ->
    familyName (with the name-particle in front: schema.org familyName is the whole family name,
    e.g. 'van der Berg'), name-suffix -> honorificSuffix, alias -> alternateName, orcid -> @id
    (URL), email -> email, affiliation -> affiliation (an Organization), website -> url; an
    entity (``name``) -> Organization with name.

    Args:
        person: the author, from CITATION.cff.

    Returns:
        The JSON-LD object, with only the properties CFF gives.
    """
    out: dict[str, Any] = {"@type": "Organization" if person.is_entity else "Person"}
    if person.orcid:
        out["@id"] = ORCID_URL + person.orcid
    if person.is_entity:
        out["name"] = person.name
    else:
        out.update(_person_names(person))
        if person.alias:
            out["alternateName"] = person.alias
        if person.affiliation:
            out["affiliation"] = {"@type": "Organization", "name": person.affiliation}
    if person.email:
        out["email"] = person.email
    if person.website:
        out["url"] = person.website
    return out


def _person_names(person: Person) -> dict[str, str]:
    """A person's names as schema.org properties (CodeMeta, RO-Crate), the ones CFF gives.

    givenName, familyName (with the name particle: 'van der Berg'), honorificSuffix.
    """
    names = {
        "givenName": person.given,
        "familyName": person.family_full,
        "honorificSuffix": person.suffix,
    }
    return {key: value for key, value in names.items() if value}


def zenodo_creator(person: Person) -> dict[str, Any]:
    """A CFF author as a Zenodo legacy deposit creator.

    Rules (Zenodo deposit metadata, ``creators``): name 'Family, Given' for a person (particle
    in front of the family name, suffix after: 'van der Berg, Anna, Jr.'), the entity's name as
    it is ('CMS Collaboration'); orcid as the bare iD; affiliation as text.

    Args:
        person: the author, from CITATION.cff.

    Returns:
        {"name": ..., "orcid": ..., "affiliation": ...}, with only the keys CFF gives a value.
    """
    out: dict[str, Any] = {"name": person.inverted_name()}
    if person.orcid:
        out["orcid"] = person.orcid
    if person.affiliation and not person.is_entity:
        out["affiliation"] = person.affiliation
    return out


def project_author(person: Person) -> dict[str, str]:
    """A CFF author as a PEP 621 ``authors`` table: its full name and its e-mail address.

    PEP 621: the name must be usable before an address in an e-mail header and may not contain
    a comma, so a comma (e.g. 'Example, Inc.') becomes a space.

    Args:
        person: the author, from CITATION.cff.

    Returns:
        {"name": ..., "email": ...}, with only the keys that have a value ({} for neither).
    """
    out: dict[str, str] = {}
    name = re.sub(r"\s*,\s*", " ", person.full_name()).strip()
    if name:
        out["name"] = name
    if person.email:
        out["email"] = person.email
    return out


def rocrate_person(person: Person, entity_id: str, affiliation_id: str | None) -> dict[str, Any]:
    """A CFF author as an RO-Crate 1.1 contextual entity (Person or Organization).

    Rules as :func:`codemeta_person`, flattened: the affiliation is a reference to its own
    Organization entity; ``name`` holds the full name (RO-Crate requires a name).

    Args:
        person: the author, from CITATION.cff.
        entity_id: its ``@id`` (see :func:`rocrate_ids`).
        affiliation_id: the ``@id`` of its affiliation's Organization entity; None for none.

    Returns:
        The entity, with only the properties CFF gives.
    """
    out: dict[str, Any] = {
        "@id": entity_id,
        "@type": "Organization" if person.is_entity else "Person",
        "name": person.full_name(),
    }
    if not person.is_entity:
        out.update(_person_names(person))
    if person.email:
        out["email"] = person.email
    if person.website:
        out["url"] = person.website
    if affiliation_id:
        out["affiliation"] = {"@id": affiliation_id}
    return out


# --- licences and versions ------------------------------------------------------------------


def license_expression(ids: list[str]) -> str | None:
    """The PEP 639 licence expression of a CFF licence list.

    Args:
        ids: the SPDX identifiers of CITATION.cff's ``license``.

    Returns:
        'A OR B' (CFF: the work may be used under any of the licences), canonicalised with
        ``packaging.licenses.canonicalize_license_expression`` where available (packaging
        24.2 or newer, an identifier it knows); None for no licence.
    """
    if not ids:
        return None
    expression = " OR ".join(ids)
    try:
        from packaging.licenses import canonicalize_license_expression
    except ImportError:  # packaging < 24.2, or not installed
        return expression
    try:
        return str(canonicalize_license_expression(expression))
    except ValueError:  # an identifier packaging does not know: written as CFF has it
        return expression


def pep440_version(value: Any) -> str | None:
    """The version as PEP 440 needs it in pyproject.toml.

    Args:
        value: CITATION.cff's ``version`` (text or a number YAML read).

    Returns:
        The normalised version, e.g. 'v2.0' -> '2.0', '1.2.0-rc.1' -> '1.2.0rc1'; None when
        CFF has no version or one that is no PEP 440 version (e.g. '6.25/01'), or when
        ``packaging`` is missing.
    """
    text = _text(value)
    if text is None:
        return None
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging comes with pip and Copier
        return None
    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def same_version(a: Any, b: Any) -> bool:
    """Whether two versions are the same.

    Args:
        a: a version (any value; compared as text).
        b: the other.

    Returns:
        True when they are equal as text or as PEP 440 versions ('1.0' and '1.0.0'); False
        otherwise, also when one is no PEP 440 version or ``packaging`` is missing.
    """
    if str(a) == str(b):
        return True
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover
        return False
    try:
        return Version(str(a)) == Version(str(b))
    except InvalidVersion:
        return False


def same_license_expression(a: Any, b: Any) -> bool:
    """Whether two licence expressions are the same.

    Args:
        a: a PEP 639 licence expression (any value).
        b: the other.

    Returns:
        True when they are equal, or equal once canonicalised (`license_expression`).
    """
    if a == b:
        return True
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    return license_expression([a]) == license_expression([b])


# --- identifiers ----------------------------------------------------------------------------


def _doi_relation(doi: Doi) -> str:
    """Zenodo relation of a DOI of CFF ``identifiers`` other than the top-level ``doi``.

    The concept DOI (described as 'concept' or 'all versions') -> isVersionOf; any other DOI of
    the same work -> isIdenticalTo (DataCite 4: 'A is identical to B').
    """
    words = doi.description.lower()
    return "isVersionOf" if "concept" in words or "all versions" in words else "isIdenticalTo"


def zenodo_related(data: dict[str, Any]) -> list[dict[str, str]]:
    """The Zenodo ``related_identifiers`` entries of the DOIs of CITATION.cff.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        {"identifier": DOI, "relation": isVersionOf or isIdenticalTo} for each DOI but the
        top-level one, in their order.
    """
    found = dois(data)
    top = found[0].value if found and found[0].field == "doi" else None
    return [{"identifier": d.value, "relation": _doi_relation(d)} for d in found if d.value != top]


# --- whole files ----------------------------------------------------------------------------


def _renamed(data: dict[str, Any], **keys: str) -> dict[str, str]:
    """The CFF values of `data` under new names: `_renamed(data, name="title")` -> {"name": ...}.

    Only the keys with a value in `data` are returned; values are read as text (`_text`).
    """
    values = {key: _text(data.get(cff_key)) for key, cff_key in keys.items()}
    return {key: value for key, value in values.items() if value is not None}


def codemeta(data: dict[str, Any]) -> dict[str, Any]:
    """The keys of codemeta.json (CodeMeta 3.0) that CITATION.cff determines.

    Args:
        data: CITATION.cff, loaded (schema-valid).

    Returns:
        A mapping of :data:`CODEMETA_KEYS` to values; a key CFF has no value for is absent.
        Rules (CodeMeta crosswalk, CFF column): title -> name, abstract -> description,
        version, date-released -> datePublished, keywords, license -> license (one SPDX URL per
        licence: a list for several), repository-code -> codeRepository, url -> url, doi and
        every identifiers entry of type doi -> identifier (doi.org URLs; a list for several),
        authors -> author (in order; see :func:`codemeta_person`).
    """
    out: dict[str, Any] = {"@context": CODEMETA_CONTEXT, "@type": "SoftwareSourceCode"}
    if data.get("type") == "dataset":
        out["@type"] = "Dataset"
    out.update(
        _renamed(
            data,
            name="title",
            description="abstract",
            version="version",
            datePublished="date-released",
            codeRepository="repository-code",
            url="url",
        )
    )
    if keywords(data):
        out["keywords"] = keywords(data)
    urls = [SPDX_URL + lic for lic in licenses(data)]
    if urls:
        out["license"] = urls[0] if len(urls) == 1 else urls
    ids = [DOI_URL + d.value for d in dois(data)]
    if ids:
        out["identifier"] = ids[0] if len(ids) == 1 else ids
    out["author"] = [codemeta_person(p) for p in authors(data)]
    return out


def zenodo(data: dict[str, Any]) -> dict[str, Any]:
    """The keys of .zenodo.json (Zenodo legacy deposit metadata) that CITATION.cff determines.

    Args:
        data: CITATION.cff, loaded (schema-valid).

    Returns:
        A mapping of :data:`ZENODO_KEYS` to values (a key without a CFF value is absent), plus
        ``related_identifiers`` (the CFF DOIs other than the top-level one, see
        :func:`zenodo_related`; merged with the user's by :func:`merge_zenodo`). Rules: type ->
        upload_type (software or dataset), title, abstract -> description, version,
        date-released -> publication_date, keywords, license -> license (Zenodo takes one
        licence id: the first of a list), authors -> creators (see :func:`zenodo_creator`),
        doi -> doi.
    """
    out: dict[str, Any] = {
        "upload_type": "dataset" if data.get("type") == "dataset" else "software"
    }
    out.update(
        _renamed(
            data,
            title="title",
            description="abstract",
            version="version",
            publication_date="date-released",
        )
    )
    if keywords(data):
        out["keywords"] = keywords(data)
    if licenses(data):
        out["license"] = licenses(data)[0]
    out["creators"] = [zenodo_creator(p) for p in authors(data)]
    found = dois(data)
    if found and found[0].field == "doi":
        out["doi"] = found[0].value
    related = zenodo_related(data)
    if related:
        out["related_identifiers"] = related
    return out


def merge_zenodo(existing: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """.zenodo.json with the keys CITATION.cff determines replaced, the user's others kept.

    ``related_identifiers`` keeps the user's entries (e.g. ``isSupplementTo`` a paper) and adds
    the DOIs of CFF that are not in it yet; grants, communities, contributors, notes and any
    other key are kept as they are.

    Args:
        existing: the current .zenodo.json ({} when there is none).
        data: CITATION.cff, loaded (schema-valid).

    Returns:
        The new content; `existing` is not changed.
    """
    derived = zenodo(data)
    out = {k: v for k, v in existing.items() if k not in ZENODO_KEYS}
    out.update({k: v for k, v in derived.items() if k != "related_identifiers"})
    ours = derived.get("related_identifiers", [])
    theirs = existing.get("related_identifiers")
    theirs = [r for r in theirs if isinstance(r, dict)] if isinstance(theirs, list) else []
    known = {str(r.get("identifier", "")).lower() for r in theirs}
    related = theirs + [r for r in ours if r["identifier"].lower() not in known]
    if related:
        out["related_identifiers"] = related
    else:
        out.pop("related_identifiers", None)
    return out


def merge_codemeta(existing: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """codemeta.json with the keys CITATION.cff determines replaced, the user's others kept.

    Args:
        existing: the current codemeta.json ({} when there is none).
        data: CITATION.cff, loaded (schema-valid).

    Returns:
        The new content: :data:`CODEMETA_KEYS` from :func:`codemeta`, every other key
        (funding, funder, contributor, maintainer, softwareRequirements, ...) as it was.
    """
    out = {k: v for k, v in existing.items() if k not in CODEMETA_KEYS}
    out.update(codemeta(data))
    return out


def project(data: dict[str, Any]) -> dict[str, Any]:
    """The ``[project]`` values of pyproject.toml that CITATION.cff determines (PEP 621/639).

    Args:
        data: CITATION.cff, loaded (schema-valid).

    Returns:
        ``version`` (PEP 440, see :func:`pep440_version`; absent when CFF's is no PEP 440
        version), ``description`` (abstract on one line), ``license`` (PEP 639 expression, see
        :func:`license_expression`), ``authors`` (see :func:`project_author`), ``keywords`` and
        ``urls`` (url -> Homepage, repository-code -> Repository). A key CFF has no value for
        maps to None (the derivation removes it).
    """
    abstract = _text(data.get("abstract"))
    urls = {label: _text(data.get(key)) for key, label in PROJECT_URLS.items()}
    return {
        "version": pep440_version(data.get("version")),
        "description": one_line(abstract) if abstract else None,
        "license": license_expression(licenses(data)),
        "authors": [a for a in (project_author(p) for p in authors(data)) if a],
        "keywords": keywords(data) or None,
        "urls": urls,
    }


def rocrate_ids(people: list[Person]) -> tuple[list[str], dict[str, str]]:
    """The ``@id`` of each author and affiliation in an RO-Crate.

    Args:
        people: the authors of CITATION.cff, in order.

    Returns:
        (author ids, {affiliation: id}): an author's ORCID URL, else '#author-<n>' (n from 1;
        an iD written twice gets the second form for its second entry); an affiliation's
        '#affiliation-<n>', in order of first mention (entities have none).
    """
    ids: list[str] = []
    for n, person in enumerate(people, start=1):
        candidate = ORCID_URL + person.orcid if person.orcid else f"#author-{n}"
        ids.append(candidate if candidate not in ids else f"#author-{n}")
    affiliations: dict[str, str] = {}
    for person in people:
        if person.affiliation and not person.is_entity and person.affiliation not in affiliations:
            affiliations[person.affiliation] = f"#affiliation-{len(affiliations) + 1}"
    return ids, affiliations


def rocrate_people(data: dict[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The authors of CITATION.cff as RO-Crate 1.1 contextual entities.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        (references, entities): the root data set's ``author`` references ({"@id": ...}),
        and the entities they name (persons and organisations first, then the affiliations),
        for ro-crate-metadata.json.
    """
    people = authors(data)
    ids, affiliations = rocrate_ids(people)
    entities = [
        rocrate_person(p, i, None if p.is_entity else affiliations.get(p.affiliation))
        for p, i in zip(people, ids, strict=True)
    ]
    entities += [
        {"@id": aff_id, "@type": "Organization", "name": name}
        for name, aff_id in affiliations.items()
    ]
    return [{"@id": i} for i in ids], entities


def rocrate_root(data: dict[str, Any]) -> dict[str, Any]:
    """The values of the RO-Crate root data set (``./``) that CITATION.cff determines.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        title -> name, version, license (one {@id: SPDX URL} per licence: a list for
        several), keywords, identifier (doi.org URLs, a list for several), author
        (references). A value None means: remove the key.
    """
    refs, _ = rocrate_people(data)
    lic = [{"@id": SPDX_URL + x} for x in licenses(data)]
    ids = [DOI_URL + d.value for d in dois(data)]
    return {
        "name": _text(data.get("title")),
        "version": _text(data.get("version")),
        "license": (lic[0] if len(lic) == 1 else lic) or None,
        "keywords": keywords(data) or None,
        "identifier": (ids[0] if len(ids) == 1 else ids) or None,
        "author": refs,
    }


def model_card_authors(data: dict[str, Any]) -> list[str]:
    """The ``authors`` of a model card's YAML header.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        The full names of the authors (see `Person.full_name`), in order; empty ones left out.
    """
    return [p.full_name() for p in authors(data) if p.full_name()]


# --- text blocks in Markdown files ----------------------------------------------------------

#: A block of a Markdown file that `make metadata` writes: ``<!-- make metadata: KIND -->`` ...
#: ``<!-- /make metadata -->`` (HTML comments: invisible on GitHub, GitLab and in Sphinx).
BLOCK = re.compile(
    r"<!-- make metadata: (?P<kind>[a-z]+) -->(?P<body>.*?)<!-- /make metadata -->", re.DOTALL
)


def author_line(data: dict[str, Any]) -> str:
    """The authors for running text: the model card's 'Developed by', the datasheet's 'Created by'.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        The full names in order, comma-separated: 'Anna van der Berg, Jan de Vries, CMS
        Collaboration'.
    """
    return ", ".join(model_card_authors(data))


def citation_line(data: dict[str, Any]) -> str:
    """A reference to the work for a README, from CITATION.cff.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        'Family, Given; ...; Entity. *Title*, version V. https://doi.org/DOI': inverted names as
        in a reference list (see Person.inverted_name), the title in italics, the version and
        the DOI where CFF has them.
    """
    names = "; ".join(p.inverted_name() for p in authors(data) if p.inverted_name())
    stop = "" if names.endswith(".") else "."  # 'Vries, Jan, Jr.' ends its own sentence
    text = f"{names}{stop} *{_text(data.get('title')) or ''}*"
    version = _text(data.get("version"))
    if version:
        text += f", version {version}"
    text += "."
    found = dois(data)
    if found and found[0].field == "doi":
        text += f" {DOI_URL}{found[0].value}"
    return text


def fill_blocks(text: str, data: dict[str, Any]) -> str:
    """Set each ``make metadata`` block of a Markdown text from CITATION.cff.

    Args:
        text: the Markdown text, with blocks ``<!-- make metadata: KIND -->`` ...
            ``<!-- /make metadata -->`` (:data:`BLOCK`).
        data: CITATION.cff, loaded.

    Returns:
        The text with the body of each ``authors`` block set to :func:`author_line` and of
        each ``citation`` block to :func:`citation_line`; a block of another kind, and
        everything outside the blocks, as it was.
    """
    makers = {"authors": author_line, "citation": citation_line}

    def fill(match: re.Match[str]) -> str:
        maker = makers.get(match["kind"])
        if maker is None:
            return match.group(0)
        return f"<!-- make metadata: {match['kind']} -->{maker(data)}<!-- /make metadata -->"

    return BLOCK.sub(fill, text)

"""CITATION.cff read safely, and its authors as whole persons and entities.

Standard library and PyYAML only: this runs in the Python that runs Copier.

The rules follow the Citation File Format 1.2.0 schema guide
(https://github.com/citation-file-format/citation-file-format/blob/1.2.0/schema-guide.md):
an author is an *entity* when it has ``name`` (a collaboration, a team, a project) and a *person*
otherwise (given-names, name-particle, family-names, name-suffix, alias, ...). Names are never
split or joined at spaces to compare them: every file is compared with what the mappers of
:mod:`.crosswalk` derive from these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

#: A CITATION.cff larger than this is refused unread (real files are well under 100 kB).
MAX_BYTES = 1_000_000
#: The most YAML nodes a document may expand to through its aliases (a guard against
#: "billion laughs" documents; the largest real CITATION.cff files have a few thousand).
MAX_NODES = 200_000


class CffError(Exception):
    """CITATION.cff cannot be read as one YAML mapping; ``message`` is one line for people."""

    def __init__(self, message: str) -> None:
        """Make the error.

        Args:
            message: what is wrong, one line starting lower-case (e.g. "is not UTF-8 text").
        """
        super().__init__(message)
        self.message = message


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that keeps dates as text and refuses duplicate keys.

    CFF dates are strings in the schema (``date-released: 2024-02-30`` must be reported as an
    impossible date, not crash the reader); a duplicate key is silently dropped by YAML 1.1
    loaders, so it is reported instead.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; raise a ConstructorError naming a key written twice."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                continue  # unhashable: PyYAML's own error below says so
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, budget: int) -> int:
    """Count the nodes of `node` with every alias expanded, stopping past `budget`."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node, depth: int) -> int:
        key = id(current)
        if key in sizes:
            return sizes[key]
        if depth > 200:
            raise CffError(f"nests deeper than 200 levels (line {current.start_mark.line + 1})")
        total = 1
        if isinstance(current, yaml.SequenceNode):
            for child in current.value:
                total += size(child, depth + 1)
                if total > budget:
                    break
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                total += size(key_node, depth + 1) + size(value_node, depth + 1)
                if total > budget:
                    break
        sizes[key] = total
        return total

    return size(node, 0)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """One line for a YAML error: where it is and what is wrong."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    return f"is not valid YAML{where}: {problem}"


def load_cff(data: bytes | str) -> Any:
    """Load the YAML of a CITATION.cff safely.

    Args:
        data: the file's bytes (or text).

    Returns:
        The loaded document (a mapping for any CFF file; other types are the caller's concern).
        Dates stay strings; the document is never executed.

    Raises:
        CffError: the file is over :data:`MAX_BYTES`, not UTF-8, not YAML, has a key twice,
            more than one document, or aliases that expand beyond :data:`MAX_NODES` nodes. The
            message is one line.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise CffError(f"is {len(raw)} bytes, more than the {MAX_BYTES} a CITATION.cff may have")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CffError(f"is not UTF-8 text (byte {error.start})") from error
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, MAX_NODES) > MAX_NODES:
            raise CffError(
                f"expands to more than {MAX_NODES} YAML nodes through its aliases (&/*): "
                "write the values out"
            )
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise CffError(_yaml_problem(error)) from error
    except RecursionError as error:
        raise CffError("nests too deeply to be read") from error
    finally:
        loader.dispose()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Person:
    """An author, contact or contributor of CITATION.cff: a person or an entity.

    A person has its name parts (``given``, ``particle``, ``family``, ``suffix``, ``alias``);
    an entity (``is_entity``) has ``name`` only. ``orcid`` is the bare 16-character iD.
    """

    given: str = ""
    family: str = ""
    orcid: str | None = None
    particle: str = ""
    suffix: str = ""
    alias: str = ""
    name: str = ""
    is_entity: bool = False
    affiliation: str = ""
    email: str = ""
    website: str = ""

    @classmethod
    def from_cff(cls, entry: dict[str, Any]) -> Person:
        """Read one CFF person or entity (schema definitions ``person`` and ``entity``).

        Args:
            entry: the mapping of one item of ``authors`` (or ``contact``).

        Returns:
            The record; an entry with ``name`` is an entity (CFF 1.2.0 schema guide,
            "Definitions: entity").
        """
        orcid = _text(entry.get("orcid"))
        return cls(
            given=_text(entry.get("given-names")),
            family=_text(entry.get("family-names")),
            orcid=orcid.replace("https://orcid.org/", "").replace("http://orcid.org/", "")
            if orcid
            else None,
            particle=_text(entry.get("name-particle")),
            suffix=_text(entry.get("name-suffix")),
            alias=_text(entry.get("alias")),
            name=_text(entry.get("name")),
            is_entity="name" in entry,
            affiliation=_text(entry.get("affiliation")),
            email=_text(entry.get("email")),
            website=_text(entry.get("website")),
        )

    @property
    def family_full(self) -> str:
        """The family name with its particle (e.g. 'van der Berg').

        As schema.org ``familyName`` writes it and most of Europe's libraries alphabetise it.
        """
        return " ".join(p for p in (self.particle, self.family) if p)

    def full_name(self) -> str:
        """The name as written in running text.

        Returns:
            An entity's name ('CMS Collaboration'), or a person's given names, particle,
            family names and suffix joined by spaces ('Anna van der Berg Jr.'); for a person
            without name parts the alias; '' when there is nothing to write.
        """
        if self.is_entity:
            return self.name
        parts = " ".join(p for p in (self.given, self.particle, self.family, self.suffix) if p)
        return parts or self.alias

    def inverted_name(self) -> str:
        """The name as 'Family, Given', as DataCite and Zenodo creators write it.

        Returns:
            'van der Berg, Anna, Jr.' for a person (the family or given name alone when the
            other is missing, else the alias); an entity's name as it is.
        """
        if self.is_entity:
            return self.name
        family = self.family_full
        name = f"{family}, {self.given}" if family and self.given else family or self.given
        if self.suffix and name:
            name = f"{name}, {self.suffix}"
        return name or self.alias


def authors(data: dict[str, Any]) -> list[Person]:
    """The authors of a CFF mapping.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        One Person per entry of ``authors`` that is a mapping, in their order; [] when
        ``authors`` is not a list.
    """
    entries = data.get("authors")
    if not isinstance(entries, list):
        return []
    return [Person.from_cff(a) for a in entries if isinstance(a, dict)]


def licenses(data: dict[str, Any]) -> list[str]:
    """The SPDX licence identifiers of CITATION.cff.

    Args:
        data: CITATION.cff, loaded; ``license`` is an identifier or a list of them (CFF 1.2.0).

    Returns:
        The identifiers as text, stripped, in their order; empty ones left out.
    """
    value = data.get("license")
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v not in (None, "")]


#: The CFF reference types that describe a data set (CFF 1.2.0 `references[].type`).
DATA_TYPES = ("data", "database")


def data_references(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The data sets CITATION.cff cites: its references of a type in DATA_TYPES.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        (index in ``references``, reference) pairs, in their order; [] when there are none or
        ``references`` is not a list.
    """
    value = data.get("references")
    if not isinstance(value, list):
        return []
    return [
        (i, ref)
        for i, ref in enumerate(value)
        if isinstance(ref, dict) and ref.get("type") in DATA_TYPES
    ]


def keywords(data: dict[str, Any]) -> list[str]:
    """The keywords of a CFF mapping.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        The items of ``keywords`` as text, stripped, in their order; empty ones left out;
        [] when ``keywords`` is not a list.
    """
    value = data.get("keywords")
    if not isinstance(value, list):
        return []
    return [str(k).strip() for k in value if k not in (None, "") and str(k).strip()]


def _bare_doi(value: str) -> str:
    value = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            return value[len(prefix) :]
    return value


@dataclass(frozen=True)
class Doi:
    """One DOI of CITATION.cff: where it is written and what it says it is."""

    #: The bare DOI, '10.5281/zenodo.1234567' (no doi: or https://doi.org/ prefix).
    value: str
    #: Where it is written: "doi" or "identifiers[<i>]".
    field: str
    #: The description of an ``identifiers`` entry ("" for the top-level doi).
    description: str = ""


def dois(data: dict[str, Any]) -> list[Doi]:
    """Every DOI of the work.

    Args:
        data: CITATION.cff, loaded.

    Returns:
        The top-level ``doi`` first, then each ``identifiers`` entry of type ``doi``, each
        DOI once: DOIs are case-insensitive (the DOI Handbook), so the first spelling is kept.
    """
    found: list[Doi] = []
    if data.get("doi"):
        found.append(Doi(_bare_doi(str(data["doi"])), "doi"))
    identifiers = data.get("identifiers")
    for i, ident in enumerate(identifiers if isinstance(identifiers, list) else []):
        if isinstance(ident, dict) and ident.get("type") == "doi" and ident.get("value"):
            found.append(
                Doi(
                    _bare_doi(str(ident["value"])),
                    f"identifiers[{i}]",
                    _text(ident.get("description")),
                )
            )
    unique: list[Doi] = []
    for doi in found:
        if doi.value.lower() not in {d.value.lower() for d in unique}:
            unique.append(doi)
    return unique

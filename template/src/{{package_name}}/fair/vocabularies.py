"""The shared vocabularies of the release's RO-Crate: EDAM terms and schema.org types.

`make release` (release.py) describes the data, the model and the run with these terms, and the
scorecard's I2 line checks that the crate it wrote carries them and that each is a well-formed
identifier of its vocabulary. Standard library only, like the rest of fair/.

"Resolvable" is checked offline, by the form of the identifier: an EDAM term is
http://edamontology.org/<branch>_<number> with a branch of EDAM (topic, operation, data,
format, four or more digits: the IRIs of EDAM 1.25, https://edamontology.org); a schema.org
type of the crate is a term of the RO-Crate 1.1 JSON-LD context that maps to schema.org
(https://www.researchobject.org/ro-crate/specification/1.1/), listed in SCHEMA_ORG_TYPES. A term
that has the right form but was withdrawn from EDAM is not found this way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

EDAM = "http://edamontology.org/"
#: The EDAM format of each file suffix the release holds, with its label in EDAM; a suffix not
#: here is described by its media type alone.
EDAM_FORMATS: Mapping[str, tuple[str, str]] = {
    ".csv": (EDAM + "format_3752", "CSV"),
    ".json": (EDAM + "format_3464", "JSON"),
    ".png": (EDAM + "format_3603", "PNG"),
    ".yaml": (EDAM + "format_3750", "YAML"),
    ".yml": (EDAM + "format_3750", "YAML"),
}
#: The EDAM topic of the analysis (the crate's `about`): machine learning.
EDAM_TOPIC = (EDAM + "topic_3474", "Machine learning")
#: The EDAM operation of the model and of the software (`additionalType`, `featureList`).
EDAM_OPERATION = (EDAM + "operation_2990", "Classification")
#: The form of an EDAM term's IRI.
EDAM_IRI = re.compile(r"^http://edamontology\.org/(topic|operation|data|format)_\d{4,}$")
#: The form of a schema.org IRI (http or https).
SCHEMA_ORG_IRI = re.compile(r"^https?://schema\.org/[A-Za-z][A-Za-z0-9]*$")
#: The types the release's crate uses: terms of the RO-Crate 1.1 context, each mapped to
#: schema.org there (File is schema.org's MediaObject).
SCHEMA_ORG_TYPES = frozenset(
    {
        "CreateAction",
        "CreativeWork",
        "Dataset",
        "DefinedTerm",
        "File",
        "Organization",
        "Person",
        "PropertyValue",
        "SoftwareApplication",
        "WebSite",
    }
)
#: What puts a missing or wrong term right.
VOCABULARY_FIX = "run `make release` again (release.py writes the terms of fair/vocabularies.py)"


def _ids(value: Any) -> list[str]:
    """The @id of each reference in a JSON-LD value (one reference or a list of them)."""
    values = value if isinstance(value, list) else [value]
    return [str(v["@id"]) for v in values if isinstance(v, dict) and "@id" in v]


def _edam_problem(where: str, value: Any, branch: str) -> str | None:
    """A problem with the EDAM term of `branch` that `value` should reference, or None."""
    ids = [i for i in _ids(value) if i.startswith(EDAM)]
    if not ids:
        return f"{where}: no EDAM {branch} (http://edamontology.org/{branch}_...)"
    wrong = [i for i in ids if not EDAM_IRI.match(i) or not i.startswith(f"{EDAM}{branch}_")]
    return f"{where}: {wrong[0]} is no EDAM {branch} identifier" if wrong else None


def vocabulary_problems(crate: Mapping[str, Any]) -> list[str]:
    """What is missing or malformed in the shared vocabularies of a release's RO-Crate.

    Args:
        crate: the parsed ro-crate-metadata.json of a release (in the data/ folder of its bag).

    Returns:
        One line per problem, each naming the entity and property ("<@id> <property>: ..."):
        the root data set without an EDAM topic in `about`; a file of a suffix in EDAM_FORMATS
        without that EDAM format in its encodingFormat; an ONNX model without an EDAM
        operation as additionalType; the software of the run without one as featureList; any
        entity or reference (@id) of edamontology.org or schema.org that does not have its
        vocabulary's form; any
        @type that is not in SCHEMA_ORG_TYPES. Empty when all is well.
    """
    graph = crate.get("@graph")
    if not isinstance(graph, list):
        return ["ro-crate-metadata.json: no @graph"]
    problems: list[str] = []
    for entity in (e for e in graph if isinstance(e, dict)):
        name = str(entity.get("@id"))
        types = entity.get("@type")
        for kind in types if isinstance(types, list) else [types]:
            if kind not in SCHEMA_ORG_TYPES and not SCHEMA_ORG_IRI.match(str(kind)):
                problems.append(f"{name} @type: {kind} is no schema.org type of RO-Crate 1.1")
        found = None
        if name == "./":
            found = _edam_problem(f"{name} about", entity.get("about"), "topic")
        elif "File" in (types if isinstance(types, list) else [types]):
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix in EDAM_FORMATS:
                found = _edam_problem(
                    f"{name} encodingFormat", entity.get("encodingFormat"), "format"
                )
            elif suffix == ".onnx":
                found = _edam_problem(
                    f"{name} additionalType", entity.get("additionalType"), "operation"
                )
        elif "SoftwareApplication" in (types if isinstance(types, list) else [types]):
            found = _edam_problem(f"{name} featureList", entity.get("featureList"), "operation")
        if found:
            problems.append(found)
        for key, value in entity.items():
            for iri in [name] if key == "@id" else _ids(value):
                edam = iri.startswith(EDAM) and not EDAM_IRI.match(iri)
                schema = "//schema.org/" in iri and not SCHEMA_ORG_IRI.match(iri)
                if edam or schema:
                    problems.append(f"{name} {key}: {iri} is no well-formed identifier")
    return problems

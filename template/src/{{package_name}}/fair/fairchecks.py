"""The FAIR checks of the code and the data, in the order of the scorecard.

Each function is one line of `make fair`: registered with its FAIR principle and subject, its
docstring's first line is the title and the rest quotes the principle (Wilkinson et al., "The
FAIR Guiding Principles for scientific data management and stewardship", Sci. Data 3, 160018
(2016), doi:10.1038/sdata.2016.18) and says how this project meets it. Each takes the
:class:`.scoring.Context` and returns an :class:`.scoring.Outcome`.
"""

from __future__ import annotations

from . import archives
from .licences import licence_path
from .scoring import (
    DATASHEET,
    LICENSE_FILE,
    README,
    Context,
    Outcome,
    failed,
    fair_check,
    passed,
    warned,
)
from .sources import CITATION, CODEMETA, ROCRATE, ZENODO
from .vocabularies import VOCABULARY_FIX, vocabulary_problems

CHECK_METADATA_FIX = "run `make check-metadata` and fix what it lists"
REPOSITORY_FIX = "add repository-code: https://... to CITATION.cff once the repository is public"
DATA_REFERENCE_FIX = "add the data set under references: in CITATION.cff"
NO_DATA_REFERENCE = f"{CITATION}: no reference of type data"
DATASHEET_FIX = f"restore the data sheet {DATASHEET} from git and describe the data"
#: The fields of CITATION.cff that make its description rich (F2).
RICH_FIELDS = ("title", "abstract", "authors", "keywords", "version")
#: The sections of a datasheet (Gebru et al., Datasheets for Datasets) in data/README.md.
DATASHEET_SECTIONS = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing",
    "Uses",
    "Distribution",
    "Maintenance",
)


def metadata_outcome(context: Context, files: list[str], evidence: str) -> Outcome:
    """Fail with the first error the metadata checker found in `files`, else pass.

    Args:
        context: the facts about the project.
        files: the metadata files that the line is about, in the order to report them.
        evidence: the evidence of a pass.

    Returns:
        The outcome; a failure names the file, field and error, and `make check-metadata`.
    """
    error = context.first_error(files)
    if error is None:
        return passed(evidence)
    return failed(f"{error.where}: {error.message}", CHECK_METADATA_FIX)


def code_metadata_files(context: Context) -> list[str]:
    """The code's metadata files: every file the checker reported on that is not a model's.

    A model's files are the model's F2 line.

    Args:
        context: the facts about the project.

    Returns:
        CITATION.cff, codemeta.json and .zenodo.json, then every other file the checker
        reported on (pyproject.toml and the README included), each once.
    """
    named = [CITATION, CODEMETA, ZENODO]
    named += sorted({f.file for f in context.report.findings if not f.file.startswith("models/")})
    return list(dict.fromkeys(named))


def https_repository(context: Context) -> str | None:
    """The address of the code repository, when it is an https address.

    Args:
        context: the facts about the project.

    Returns:
        CITATION.cff's repository-code if it starts with https://; None otherwise.
    """
    url = str(context.citation.raw.get("repository-code") or "")
    return url if url.startswith("https://") else None


# F: findable


@fair_check("F1", "code")
def code_identifier(context: Context) -> Outcome:
    """persistent identifier

    F1: (meta)data are assigned a globally unique and persistent identifier. The code's is the
    DOI in CITATION.cff (Zenodo gives one to each release).

    Args:
        context: the facts about the project.

    Returns:
        Pass with the DOI of CITATION.cff; warn when it has none.
    """
    doi = context.citation.doi
    if doi:
        return passed(f"{CITATION}: doi {doi}")
    return warned(
        f"{CITATION}: doi missing",
        "archive a release on Zenodo and add its DOI to CITATION.cff (`make metadata`)",
    )


@fair_check("F1", "data")
def data_identifier(context: Context) -> Outcome:
    """persistent identifier

    F1: (meta)data are assigned a globally unique and persistent identifier. The data's is the
    DOI of the data reference in CITATION.cff.

    Args:
        context: the facts about the project.

    Returns:
        Pass with the DOI of the data reference of CITATION.cff; warn when it has none.
    """
    doi = (context.data_reference or {}).get("doi")
    if doi:
        return passed(f"{CITATION}: references[data].doi {doi}")
    return warned(
        f"{CITATION}: references[data].doi missing",
        f"publish the data ({archives.suggested('data')}) and add its DOI",
    )


@fair_check("F2", "code")
def code_rich_metadata(context: Context) -> Outcome:
    """rich metadata

    F2: data are described with rich metadata. CITATION.cff has a title, abstract, authors,
    keywords and version, and the files derived from it agree with it (the metadata checker).

    Args:
        context: the facts about the project.

    Returns:
        Fail with the first error the checker found in the code's metadata files; warn when
        CITATION.cff lacks one of title, abstract, authors, keywords and version; else pass.
    """
    raw = context.citation.raw
    rich = [name for name in RICH_FIELDS if raw.get(name)]
    outcome = metadata_outcome(
        context,
        code_metadata_files(context),
        f"{CITATION}, {CODEMETA}, {ZENODO}: {', '.join(rich)}; all consistent",
    )
    missing = sorted(set(RICH_FIELDS) - set(rich))
    if outcome.status == "pass" and missing:
        return warned(f"{CITATION}: no {', '.join(missing)}", CHECK_METADATA_FIX)
    return outcome


@fair_check("F3", "data")
def data_named(context: Context) -> Outcome:
    """metadata names the data it describes

    F3: metadata clearly and explicitly include the identifier of the data they describe. The
    data set is a reference of type data in CITATION.cff.

    Args:
        context: the facts about the project.

    Returns:
        Fail when CITATION.cff has no reference of type data or database; else pass with its
        title.
    """
    reference = context.data_reference
    if reference is None:
        return failed(NO_DATA_REFERENCE, DATA_REFERENCE_FIX)
    return passed(f"{CITATION}: references[data] '{reference.get('title', '')}'")


@fair_check("F4", "code")
def code_registered(context: Context) -> Outcome:
    """registered in a searchable resource

    F4: (meta)data are registered or indexed in a searchable resource. The Zenodo integration
    of the public repository indexes every release with .zenodo.json.

    Args:
        context: the facts about the project.

    Returns:
        Pass when .zenodo.json exists and CITATION.cff has repository-code; else warn.
    """
    if context.has(ZENODO) and context.citation.raw.get("repository-code"):
        return passed(f"{ZENODO}; {CITATION}: repository-code")
    return warned(
        f"{CITATION}: repository-code missing" if context.has(ZENODO) else f"{ZENODO} missing",
        "publish the repository (GitHub/GitLab) and enable the Zenodo integration",
    )


# A: accessible


@fair_check("A1", "code")
def code_retrievable(context: Context) -> Outcome:
    """retrievable by its identifier

    A1: (meta)data are retrievable by their identifier using a standardised communications
    protocol. The code is at the repository-code address of CITATION.cff.

    Args:
        context: the facts about the project.

    Returns:
        Pass with the https address of the repository; else warn.
    """
    url = https_repository(context)
    if url:
        return passed(f"{CITATION}: {url}")
    stated = context.citation.raw.get("repository-code")
    return warned(f"{CITATION}: repository-code {stated or 'missing'}", REPOSITORY_FIX)


@fair_check("A1.1", "code")
def code_open_protocol(context: Context) -> Outcome:
    """open, free protocol

    A1.1: the protocol is open, free and universally implementable (https).

    Args:
        context: the facts about the project.

    Returns:
        Pass when the repository has an https address; else warn.
    """
    if https_repository(context):
        return passed("https")
    return warned("no https address yet", REPOSITORY_FIX)


@fair_check("A1.2", "code")
def code_authentication(context: Context) -> Outcome:
    """authentication where necessary

    A1.2: the protocol allows for an authentication and authorisation procedure, where
    necessary (the repository host: anyone reads, members push).

    Args:
        context: the facts about the project.

    Returns:
        Pass when the repository has an https address; else warn.
    """
    if https_repository(context):
        return passed("https: public read access, authenticated push (repository host)")
    return warned("no repository host yet", REPOSITORY_FIX)


@fair_check("A2", "data")
def data_metadata_kept(context: Context) -> Outcome:
    """metadata outlive the data

    A2: metadata are accessible, even when the data are no longer available. The data sheet
    and CITATION.cff are kept in git, apart from the data files.

    Args:
        context: the facts about the project.

    Returns:
        Pass when the data sheet data/README.md exists; else fail.
    """
    if context.datasheet is None:
        return failed(f"{DATASHEET} missing", DATASHEET_FIX)
    return passed(f"{DATASHEET} and {CITATION} are kept apart from the data files")


# I: interoperable


def formal_metadata(context: Context, evidence: str) -> Outcome:
    """The outcome of I1 and R1.3 (code): the checker found no error in the metadata files.

    Args:
        context: the facts about the project.
        evidence: the evidence of a pass.

    Returns:
        The outcome: fail with the first error of CITATION.cff, codemeta.json, .zenodo.json or
        the RO-Crate, else pass.
    """
    return metadata_outcome(context, [CITATION, CODEMETA, ZENODO, ROCRATE], evidence)


@fair_check("I1", "code")
def code_formal(context: Context) -> Outcome:
    """formal knowledge representation

    I1: (meta)data use a formal, accessible, shared and broadly applicable language for
    knowledge representation: CFF 1.2.0 (validated) and CodeMeta JSON-LD.

    Args:
        context: the facts about the project.

    Returns:
        Fail with the first error the checker found in CITATION.cff, codemeta.json,
        .zenodo.json or the RO-Crate; else pass, naming the validation that ran.
    """
    schema = "JSON schema" if "JSON schema" in context.report.validation else "structure"
    evidence = f"{CITATION} (CFF 1.2.0, {schema} checked), {CODEMETA} (JSON-LD)"
    return formal_metadata(context, evidence)


@fair_check("I2", "code")
def code_vocabularies(context: Context) -> Outcome:
    """FAIR vocabularies

    I2: (meta)data use vocabularies that follow FAIR principles: SPDX licence ids, ORCID iDs
    and DOIs, each checked by the metadata checker; and in the release's RO-Crate (`make
    release`), EDAM terms for the topic, the data formats and the model's operation and
    schema.org types, each a well-formed identifier of its vocabulary (fair/vocabularies.py).

    Args:
        context: the facts about the project.

    Returns:
        Fail with the first error the checker found in a licence field, or with the first
        missing or malformed term of the release's crate; else pass, saying whether a release
        was checked.
    """
    error = next((f for f in context.report.errors if "license" in f.field), None)
    if error is not None:
        return failed(f"{error.where}: {error.message}", error.fix)
    evidence = "SPDX licence ids, ORCID iDs and DOIs, checked by the metadata checker"
    if context.release_crate is None:
        return passed(f"{evidence}; no release yet (`make release` adds EDAM terms)")
    path, crate = context.release_crate
    if not isinstance(crate, dict):
        return failed(f"{path}: not a JSON object", VOCABULARY_FIX)
    problems = vocabulary_problems(crate)
    if problems:
        return failed(f"{path}: {problems[0]}", VOCABULARY_FIX)
    return passed(f"{evidence}; EDAM terms and schema.org types in {path}")


@fair_check("I3", "data")
def data_qualified_reference(context: Context) -> Outcome:
    """qualified references

    I3: (meta)data include qualified references to other (meta)data: the data set is a
    reference of type data in CITATION.cff.

    Args:
        context: the facts about the project.

    Returns:
        Fail when CITATION.cff has no reference of type data or database; else pass.
    """
    if context.data_reference is None:
        return failed(NO_DATA_REFERENCE, DATA_REFERENCE_FIX)
    return passed(f"{CITATION}: references[data]")


# R: reusable


@fair_check("R1", "code")
def code_described(context: Context) -> Outcome:
    """richly described

    R1: meta(data) are richly described with a plurality of accurate and relevant attributes:
    the README.

    Args:
        context: the facts about the project.

    Returns:
        Pass when README.md exists; else fail.
    """
    if context.has(README):
        return passed(README)
    return failed(f"{README} missing", f"restore {README} from git")


@fair_check("R1.1", "code")
def code_licence(context: Context) -> Outcome:
    """clear usage licence

    R1.1: (meta)data are released with a clear and accessible data usage license: LICENSE and
    the license of CITATION.cff.

    Args:
        context: the facts about the project.

    Returns:
        Pass when LICENSE exists and CITATION.cff has a license; else fail.
    """
    licence = context.citation.license
    if context.has(LICENSE_FILE) and licence:
        return passed(f"{LICENSE_FILE}; {CITATION}: license {licence}")
    return failed(
        f"{CITATION}: no license" if context.has(LICENSE_FILE) else f"{LICENSE_FILE} missing",
        "restore LICENSE (`git checkout LICENSE`) and the license field of CITATION.cff",
    )


@fair_check("R1.1", "data")
def data_licence(context: Context) -> Outcome:
    """clear usage licence

    R1.1: (meta)data are released with a clear and accessible data usage license: the licence
    of the data reference in CITATION.cff, its text in LICENSES/ (REUSE).

    Args:
        context: the facts about the project.

    Returns:
        Pass when the text of the data reference's licence is in LICENSES/; else fail.
    """
    licence = context.citation.data_license
    text = context.licence_file(licence)
    if text is not None:
        return passed(f"{text}; {CITATION}: references[data].license {licence}")
    if licence:
        return failed(
            f"{licence_path(licence)} missing",
            f"restore LICENSES/ from git, or add the text of {licence} there (`reuse download "
            f"{licence}`)",
        )
    return failed(
        f"{CITATION}: references[data].license missing",
        'give the data set\'s reference in CITATION.cff its licence: license: "<SPDX id>"',
    )


@fair_check("R1.2", "code")
def code_authors(context: Context) -> Outcome:
    """provenance: identified authors

    R1.2: (meta)data are associated with detailed provenance: every author has an ORCID iD.
    An entity (a collaboration) has none: it is identified by its name.

    Args:
        context: the facts about the project.

    Returns:
        Pass when every author who is a person has an ORCID iD; else warn (also when there is
        no author).
    """
    authors = context.citation.authors or []
    people = [p for p in authors if not p.is_entity]
    orcids = [p for p in people if p.orcid]
    entities = len(authors) - len(people)
    besides = f" (and {_count(entities, 'collaboration')})" if entities else ""
    evidence = f"{CITATION}: {len(orcids)} of {len(people)} people with an ORCID iD{besides}"
    if authors and len(orcids) == len(people):
        return passed(evidence)
    return warned(
        evidence,
        'add orcid: "https://orcid.org/<iD>" to every person (register free at orcid.org)',
    )


def _count(n: int, noun: str) -> str:
    """'1 collaboration', '2 collaborations'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def todo_sections(lines: list[str]) -> list[str]:
    """The sections of a Markdown text that still hold a **TODO**.

    Args:
        lines: the text's lines.

    Returns:
        The titles of the sections (headings of level 2) with a line holding **TODO**, in
        their order, each once.
    """
    todo: list[str] = []
    section = ""
    for line in lines:
        if line.startswith("## "):
            section = line[3:].strip()
        elif section and "**TODO**" in line and section not in todo:
            todo.append(section)
    return todo


@fair_check("R1", "data")
def data_datasheet(context: Context) -> Outcome:
    """rich attributes: datasheet

    R1: (meta)data are richly described with a plurality of accurate and relevant attributes:
    data/README.md answers the questions of a datasheet (Gebru et al., "Datasheets for
    Datasets", arXiv:1803.09010), none left TODO.

    Args:
        context: the facts about the project.

    Returns:
        Fail when data/README.md is missing or lacks some datasheet sections; warn when it
        has none of them (not a datasheet yet) or a section still holds **TODO**; else pass.
    """
    if context.datasheet is None:
        return failed(f"{DATASHEET} missing", DATASHEET_FIX)
    lines = context.datasheet.splitlines()
    headings = {line[3:].strip() for line in lines if line.startswith("## ")}
    missing = [name for name in DATASHEET_SECTIONS if name not in headings]
    if len(missing) == len(DATASHEET_SECTIONS):
        return warned(
            f"{DATASHEET}: not a datasheet yet (no section Motivation ... Maintenance)",
            "rename data/README.md, run `copier update --trust` (or delete it and update) to get "
            "the datasheet, and move your text into its sections",
        )
    if missing:
        return failed(
            f"{DATASHEET}: no section {', '.join(missing)}",
            "restore the datasheet sections from git (`## Motivation` ... `## Maintenance`)",
        )
    todo = todo_sections(lines)
    if todo:
        return warned(
            f"{DATASHEET}: TODO left in {', '.join(todo)}",
            "answer the **TODO** lines of data/README.md (only you know them)",
        )
    return passed(f"{DATASHEET}: {len(DATASHEET_SECTIONS)} sections")


@fair_check("R1.2", "data")
def data_checksums(context: Context) -> Outcome:
    """provenance: checksums

    R1.2: (meta)data are associated with detailed provenance: one sha256 manifest per folder of
    raw data (data/raw/, and a folder per ROOT sample), written by `make data`.

    Args:
        context: the facts about the project.

    Returns:
        Pass naming the manifests of the raw data; warn when none is written yet.
    """
    if context.manifests:
        return passed(", ".join(context.manifests))
    return warned(
        "data/raw/MANIFEST.sha256 not written yet",
        "run `make data`: it records the raw data's sha256",
    )


@fair_check("R1.3", "code")
def code_community_standards(context: Context) -> Outcome:
    """community standards

    R1.3: (meta)data meet domain-relevant community standards: the Citation File Format,
    CodeMeta, Zenodo's metadata and, where the domain uses it, RO-Crate.

    Args:
        context: the facts about the project.

    Returns:
        Fail with the first error the checker found in CITATION.cff, codemeta.json,
        .zenodo.json or the RO-Crate; else pass, naming the standards.
    """
    evidence = "Citation File Format, CodeMeta, Zenodo metadata"
    if ROCRATE in context.report.records:
        evidence += ", RO-Crate"
    return formal_metadata(context, evidence)


@fair_check("R1.3", "data", applies=lambda c: c.domain in ("life-science", "generic"))
def data_rocrate(context: Context) -> Outcome:
    """community standard: RO-Crate

    R1.3: (meta)data meet domain-relevant community standards: an RO-Crate 1.1 description of
    the data and its provenance (life sciences and the generic domain).

    Args:
        context: the facts about the project.

    Returns:
        Pass when the checker read ro-crate-metadata.json; else fail.
    """
    if ROCRATE in context.report.records:
        return passed(f"{ROCRATE} (RO-Crate 1.1)")
    return failed(f"{ROCRATE} missing", f"restore {ROCRATE} from git")

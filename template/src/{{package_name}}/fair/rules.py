"""Validation rules for single metadata values.

Each rule returns ``None`` for a valid value, or one sentence saying what is wrong and what a right
value looks like. They run in the project and in the Python that runs Copier: standard library,
plus ``packaging`` (a dependency of Copier and of pip). The template's question validators
(includes/validators.jinja) apply the same rules; tests/test_questions.py proves they agree.

Sources: DOI pattern and licence identifiers from the official CFF 1.2.0 JSON schema shipped in
``schemas/`` (read from it, not copied); versions by PEP 440 (``packaging.version``); ORCID
checksum by ISO 7064 mod 11-2 (orcid.org support article "Structure of the ORCID Identifier").
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from .validate import schema

ORCID_URL_PREFIX = "https://orcid.org/"
DOI_URL_PREFIX = "https://doi.org/"

_ORCID = re.compile(r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)")
_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_URL = re.compile(
    r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]{1,5})?(?:/[^\s\"<>{}|\\^`]*)?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Invisible characters that do not belong in a name or a title: C0/C1 controls, soft hyphen,
#: zero-width space, bidirectional marks and overrides, word joiners, line and paragraph
#: separators, byte-order marks and non-characters (the same class as the question validators).
#: The zero-width non-joiner and joiner (U+200C, U+200D) are allowed: Persian and Indic names
#: are typed with them.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\ufeff\ufffe\uffff]"
)


def orcid_check_character(base_digits: str) -> str:
    """The check character of an ORCID iD, by ISO 7064 mod 11-2.

    Args:
        base_digits: the first 15 digits of the iD, without hyphens.

    Returns:
        The 16th character: a digit, or 'X' for the value 10.
    """
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    remainder = (12 - total % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def orcid_id(value: str) -> str:
    """The bare iD of an ORCID given bare or as an orcid.org URL.

    Args:
        value: e.g. 'https://orcid.org/0000-0002-1825-0097' or '0000-0002-1825-0097'.

    Returns:
        The value stripped of spaces and of the http(s)://orcid.org/ prefix.
    """
    return re.sub(r"^https?://orcid\.org/", "", value.strip())


def orcid_problem(value: str) -> str | None:
    """Check an ORCID iD, bare or as a URL: its format and its checksum.

    Args:
        value: the iD as written.

    Returns:
        None for a valid iD; else one sentence: a lower-case 'x', not 16 digits in four
        groups, or a wrong check character (`orcid_check_character`).
    """
    bare = orcid_id(value)
    if not _ORCID.match(bare) and _ORCID.match(bare.upper()):
        return (
            f"'{value}' ends in a lower-case 'x': ORCID writes the check character as an "
            f"upper-case 'X', e.g. '{ORCID_URL_PREFIX}{bare.upper()}'"
        )
    if not _ORCID.match(bare):
        return (
            f"'{value}' is not an ORCID iD: write 16 digits in four groups as a URL, "
            "e.g. 'https://orcid.org/0000-0002-1825-0097'"
        )
    digits = bare.replace("-", "")
    expected = orcid_check_character(digits[:15])
    if digits[15] != expected:
        return (
            f"'{value}' fails the ORCID checksum (ISO 7064 mod 11-2; the last character should "
            f"be '{expected}'): copy the iD again from your orcid.org profile"
        )
    return None


def printable_problem(value: str) -> str | None:
    """Check that a name or title holds no invisible character.

    A zero-width space, a right-to-left override or a control character comes in with text
    copied from a PDF or a web page, and makes two equal-looking names differ.

    Args:
        value: the name or title.

    Returns:
        None when there is none; else one sentence naming the first one by its Unicode code
        point and name.
    """
    match = _INVISIBLE.search(value)
    if match is None:
        return None
    return (
        f"'{value}' contains the invisible character U+{ord(match.group(0)):04X} "
        f"({_char_name(match.group(0))}): type the text again"
    )


def _char_name(char: str) -> str:
    import unicodedata

    return unicodedata.name(char, "a control character").lower()


def doi_id(value: str) -> str:
    """The bare DOI of a DOI given bare, as ``doi:`` or as a doi.org URL.

    Args:
        value: e.g. 'https://doi.org/10.5281/zenodo.1234567'.

    Returns:
        The DOI ``10.x/y``, stripped of spaces and of the prefix.
    """
    return _DOI_PREFIX.sub("", value.strip())


@lru_cache(maxsize=1)
def _doi_pattern() -> re.Pattern[str]:
    """The DOI pattern of the CFF 1.2.0 schema (``definitions.doi.pattern``)."""
    return re.compile(schema()["definitions"]["doi"]["pattern"])


def doi_problem(value: str) -> str | None:
    r"""Check a DOI given bare, as ``doi:`` or as a doi.org URL.

    The bare DOI must match the CFF 1.2.0 schema's DOI pattern: '10.', a registrant code of 4 to
    9 digits, a slash, then letters, digits and ``: / _ ; - . ( ) [ ] \`` only (no spaces,
    ``#``, quotes or ``<>``).

    Args:
        value: the DOI as written (not stripped: the schema takes the value as written).

    Returns:
        None for a valid DOI; else one sentence naming the characters a DOI cannot hold, or
        saying what a DOI looks like.
    """
    bare = _DOI_PREFIX.sub("", value)  # not stripped: the schema takes the value as written
    if not _doi_pattern().match(bare):
        suffix = bare.partition("/")[2]
        odd = sorted({c for c in suffix if not _doi_pattern().match("10.1234/" + c)})
        if bare.startswith("10.") and "/" in bare and odd:
            shown = " ".join(repr(c) for c in odd)
            return (
                f"'{value}' contains {shown}, which a DOI in CITATION.cff cannot hold (CFF 1.2.0 "
                "schema): copy the DOI again from its doi.org page, e.g. '10.5281/zenodo.1234567'"
            )
        return (
            f"'{value}' is not a DOI: a DOI starts with '10.', a registrant code and a slash, "
            "e.g. '10.5281/zenodo.1234567'"
        )
    return None


def email_problem(value: str) -> str | None:
    """Check that an e-mail address has a user part and a domain.

    Args:
        value: the address.

    Returns:
        None for an address 'name@host.tld' (a host name of RFC 1035 labels, a top-level
        domain of two or more letters); else one sentence with an example.
    """
    if not _EMAIL.match(value):
        return f"'{value}' is not an e-mail address with a domain: write it as name@institute.org"
    return None


def url_problem(value: str, https_only: bool = False) -> str | None:
    """Check an http(s) URL: an ASCII host name and no spaces.

    A URI by RFC 3986, as the CFF schema's ``format: uri`` asks: a non-ASCII character must be
    percent-encoded.

    Args:
        value: the address.
        https_only: refuse ``http://`` too (a code repository: every host serves https).

    Returns:
        None for a valid address; else one sentence saying what is wrong and how to write it.
    """
    if value != value.strip():
        return f"'{value}' has leading or trailing spaces: remove them"
    odd = next((c for c in value if not c.isascii()), None)
    if odd is not None:
        return (
            f"'{value}' contains {odd!r}, which a web address cannot hold as is: copy the address "
            "from the browser's address bar (it writes such characters as %C3%A9 in a path and "
            "as xn--... in a host name), e.g. 'https://example.org/M%C3%BCnchen'"
        )
    if https_only and value.lower().startswith("http://"):
        return f"'{value}' uses http://: write it with https://, e.g. 'https://{value[7:]}'"
    if not _URL.match(value):
        return (
            f"'{value}' is not a web address: write it in full with https://, "
            "e.g. 'https://github.com/your-group/your-analysis'"
        )
    return None


def version_problem(value: str, normal_form: bool = False) -> str | None:
    """Check a release version as Python packaging needs it: a public PEP 440 version.

    Semantic Versions with a pre-release of PEP 440's kinds are PEP 440 versions too
    ('1.0.0-rc.1' is read as 1.0.0rc1). A local version ('+...') is refused: PyPI and Zenodo's
    GitHub integration publish public versions only.

    Args:
        value: the version as written.
        normal_form: refuse a version not written in PEP 440's normal form ('v1.0', '01.0',
            '1.0.0-rc.1'), which pip would install under another string than the one cited
            (the question ``version``; a CITATION.cff is only warned about other problems).

    Returns:
        None for a valid version; else one sentence: not PEP 440, spaces around it, a local
        version label, or (with `normal_form`) not PEP 440's normal form.

    Raises:
        ImportError: ``packaging`` is not installed (it comes with pip and Copier).
    """
    from packaging.version import InvalidVersion, Version

    example = "e.g. '0.1.0', '1.0.0rc1' or '2026.1'"
    try:
        parsed = Version(value)
    except InvalidVersion:
        return f"'{value}' is not a PEP 440 version, so pip cannot install it: write {example}"
    if value != value.strip():
        return f"'{value}' has leading or trailing spaces: remove them"
    if parsed.local is not None:
        return (
            f"'{value}' has a local version label '+{parsed.local}', which PyPI refuses: "
            f"write {example}"
        )
    if normal_form and str(parsed) != value:
        return (
            f"'{value}' is installed by pip as '{parsed}', so the cited and the installed "
            f"versions would differ: write '{parsed}' (PEP 440's normal form)"
        )
    return None


def iso_date_problem(value: str) -> str | None:
    """Check a calendar date written as ISO 8601 YYYY-MM-DD.

    Args:
        value: the date as written, e.g. '2026-01-31'.

    Returns:
        None for a real date in that form; else one sentence: not YYYY-MM-DD, or no such
        day (e.g. 2024-02-30).
    """
    if not _ISO_DATE.match(value):
        return f"'{value}' is not an ISO 8601 date: write YYYY-MM-DD, e.g. '2026-01-31'"
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not a calendar date: check the month and the day"
    return None


@lru_cache(maxsize=1)
def spdx_identifiers() -> frozenset[str]:
    """The SPDX licence identifiers CITATION.cff accepts.

    Returns:
        The ``license-enum`` of the CFF 1.2.0 schema, read once from the shipped schema (every
        one of them is also a valid PEP 639 expression for PyPI).
    """
    return frozenset(schema()["definitions"]["license-enum"]["enum"])


def spdx_problem(value: str) -> str | None:
    """Check an SPDX licence identifier against the CFF 1.2.0 schema's list.

    The comparison is case-sensitive, as the schema requires; newer SPDX identifiers such as
    'Unicode-3.0' are not in the list.

    Args:
        value: the identifier as written.

    Returns:
        None for an identifier of the list; else one sentence, with the identifier meant
        when only the letter case differs.
    """
    ids = spdx_identifiers()
    if value in ids:
        return None
    near = [i for i in ids if i.lower() == value.lower()]
    hint = f"did you mean '{near[0]}'?" if near else "e.g. 'MIT', 'Apache-2.0' or 'CC-BY-4.0'"
    return (
        f"'{value}' is not an SPDX licence identifier of the CFF 1.2.0 schema (spdx.org/licenses): "
        f"{hint}"
    )

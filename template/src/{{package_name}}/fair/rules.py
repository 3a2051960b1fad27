"""Validation rules for single metadata values.

Each rule returns ``None`` for a valid value, or one sentence saying what is wrong and what a right
value looks like. Standard library only: the rules run in the Python that runs Copier.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from importlib import resources

ORCID_URL_PREFIX = "https://orcid.org/"
DOI_URL_PREFIX = "https://doi.org/"

_ORCID = re.compile(r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")
_DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s\"<>]+$")
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)")
_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_URL = re.compile(
    r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]{1,5})?(?:/[^\s\"<>{}|\\^`]*)?$"
)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def orcid_check_character(base_digits: str) -> str:
    """Return the ISO 7064 mod 11-2 check character of the first 15 ORCID digits."""
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    remainder = (12 - total % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def orcid_id(value: str) -> str:
    """Return the bare 16-character iD of an ORCID given bare or as an orcid.org URL."""
    return re.sub(r"^https?://orcid\.org/", "", value.strip())


def orcid_problem(value: str) -> str | None:
    """Check an ORCID iD (bare or as URL): format and checksum."""
    bare = orcid_id(value)
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


def doi_id(value: str) -> str:
    """Return the bare DOI (``10.x/y``) of a DOI given bare, as ``doi:`` or as a doi.org URL."""
    return _DOI_PREFIX.sub("", value.strip())


def doi_problem(value: str) -> str | None:
    """Check DOI syntax (bare, ``doi:`` or doi.org URL)."""
    if not _DOI.match(doi_id(value)):
        return (
            f"'{value}' is not a DOI: a DOI starts with '10.', a registrant code and a slash, "
            "e.g. '10.5281/zenodo.1234567'"
        )
    return None


def email_problem(value: str) -> str | None:
    """Check that an e-mail address has a user part and a domain."""
    if not _EMAIL.match(value):
        return f"'{value}' is not an e-mail address with a domain: write it as name@institute.org"
    return None


def url_problem(value: str) -> str | None:
    """Check an http(s) URL."""
    if not _URL.match(value):
        return (
            f"'{value}' is not a web address: write it in full with https://, "
            "e.g. 'https://github.com/your-group/your-analysis'"
        )
    return None


def semver_problem(value: str) -> str | None:
    """Check a Semantic Version (semver.org 2.0.0)."""
    if not _SEMVER.match(value):
        return f"'{value}' is not a Semantic Version: write MAJOR.MINOR.PATCH, e.g. '0.1.0'"
    return None


def iso_date_problem(value: str) -> str | None:
    """Check a calendar date written as ISO 8601 YYYY-MM-DD."""
    if not _ISO_DATE.match(value):
        return f"'{value}' is not an ISO 8601 date: write YYYY-MM-DD, e.g. '2026-01-31'"
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not a calendar date: check the month and the day"
    return None


@lru_cache(maxsize=1)
def spdx_identifiers() -> frozenset[str]:
    """Return the licence identifiers of the SPDX License List shipped with this package."""
    text = resources.files(__package__).joinpath("spdx_licenses.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def spdx_problem(value: str) -> str | None:
    """Check an SPDX licence identifier (case-sensitive, as the CFF schema requires)."""
    ids = spdx_identifiers()
    if value in ids:
        return None
    near = [i for i in ids if i.lower() == value.lower()]
    hint = f"did you mean '{near[0]}'?" if near else "e.g. 'MIT', 'Apache-2.0' or 'CC-BY-4.0'"
    return f"'{value}' is not an SPDX licence identifier (spdx.org/licenses): {hint}"

"""The questions of copier.yml: every free-text answer is validated with a message that says what
is wrong and what a right answer looks like; the Jinja validators agree with the generated
project's Python rules (one specification, two runtimes)."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import types
from pathlib import Path
from typing import Any

import jinja2
import pytest
from helpers import QUESTIONS, TEMPLATE, choices, generate
from hypothesis import given, settings
from hypothesis import strategies as st

PUBLIC = [
    "project_name",
    "project_slug",
    "package_name",
    "description",
    "version",
    "author_given_names",
    "author_family_names",
    "author_email",
    "author_orcid",
    "author_affiliation",
    "keywords",
    "license",
    "data_license",
    "domain",
    "experiment",
    "ml_framework",
    "ci",
    "include_docker",
    "python_version",
    "code_doi",
    "data_doi",
    "repository_url",
]


def _rules():
    """The generated project's fair/rules.py, imported from the template as package modules
    (without fair/__init__.py, which imports a module the template renders with Jinja)."""
    folder = str(TEMPLATE / "template" / "src" / "{{package_name}}" / "fair")
    package = types.ModuleType("template_fair")
    package.__path__ = [folder]
    package.__spec__ = importlib.util.spec_from_file_location(
        "template_fair", f"{folder}/__init__.py", submodule_search_locations=[folder]
    )
    sys.modules.setdefault("template_fair", package)
    return importlib.import_module("template_fair.rules")


RULES = _rules()
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATE)),
    extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
)


def validate(question: str, value: str) -> str:
    """Render a question's validator as Copier does; return its message ('' when valid)."""
    return ENV.from_string(QUESTIONS[question]["validator"]).render({question: value}).strip()


def test_public_interface_has_help_and_validators() -> None:
    for name in PUBLIC:
        assert name in QUESTIONS, name
        assert QUESTIONS[name].get("help"), f"{name} has no help text"
        if QUESTIONS[name].get("type") == "str" and "choices" not in QUESTIONS[name]:
            assert "validator" in QUESTIONS[name], f"{name} has no validator"
    assert QUESTIONS["experiment"]["when"] == "{{ domain == 'hep' }}"
    defaults = {n: QUESTIONS[n].get("default") for n in PUBLIC}
    assert defaults["project_name"] == "My FAIR Analysis"
    assert defaults["version"] == "0.1.0"
    assert defaults["domain"] == "hep" and defaults["ml_framework"] == "scikit-learn"
    assert defaults["include_docker"] is True


BAD = [
    ("author_orcid", "0000-0002-1825-0098", "checksum", "should be '7'"),
    ("author_orcid", "0000 0002 1825 0097", "not an ORCID", "0000-0002-1825-0097"),
    ("code_doi", "5281/zenodo.1234567", "not a DOI", "starts with '10.'"),
    ("data_doi", "https://zenodo.org/records/1", "not a DOI", "10.5281/zenodo.1234567"),
    ("author_email", "marie.curie@", "with a domain", "name@institute.org"),
    ("author_email", "marie.curie@cern", "with a domain", "name@institute.org"),
    ("package_name", "class", "Python keyword", "class_analysis"),
    ("package_name", "json", "shadow the standard-library module", "json_analysis"),
    ("package_name", "My-Pkg", "not a valid Python package name", "higgs_bdt"),
    ("package_name", "a" * 51, "at most 50", "fits in 100 columns"),
    ("project_slug", "My Analysis", "not a valid slug", "higgs-bdt-analysis"),
    ("version", "1.0.0-foo.bar", "not a PEP 440 version", "1.0.0rc1"),
    ("version", "latest", "not a PEP 440 version", "0.1.0"),
    ("version", "v1.0", "not written in PEP 440's normal form", "'1.0' for v1.0"),
    ("version", "1.0.0-rc.1", "another version string than the one cited", "'1.0.0rc1'"),
    ("version", "1.2.3+cern.7", "local version label '+cern.7'", "0.1.0"),
    ("code_doi", "10.5281/zenodo.123#4", '"#", which a DOI in CITATION.cff cannot hold', "10.5281"),
    ("data_doi", "10.1000/o'brien", '"\'", which a DOI', "doi.org page"),
    ("repository_url", "https://github.com/me/\U0001f600", "cannot hold as is", "%C3%BC"),
    ("keywords", "physics, ML, physics", "lists 'physics' 2 times", "each keyword once"),
    ("repository_url", "github.com/me/x", "not a web address", "https://"),
    ("project_name", "", "project_name is empty", "single-line"),
    ("project_name", "two\nlines", "single line", "remove the line breaks"),
    ("author_given_names", "Anna\u200b", "invisible control character", "type the text again"),
    ("author_family_names", "Berg\u202e", "invisible control character", "type the text again"),
    ("repository_url", "http://github.com/me/x", "uses http://", "'https://github.com/me/x'"),
    ("repository_url", "https://github.com/me/x ", "leading or trailing spaces", "remove them"),
    ("repository_url", "https://m\u00fcnchen.de/x", "cannot hold as is", "xn--"),
    ("author_family_names", "Curie1", "do not belong in a name", "as printed on a paper"),
    ("author_affiliation", " CERN", "leading or trailing spaces", "remove them"),
    ("keywords", "physics,,ml", "empty entry", "single commas"),
    ("description", "x" * 501, "at most 500", "keep it"),
]


@pytest.mark.parametrize(("question", "value", "what", "example"), BAD, ids=lambda v: str(v)[:30])
def test_bad_answer_is_refused_with_what_and_how(
    question: str, value: str, what: str, example: str
) -> None:
    message = validate(question, value)
    assert what in message, message
    assert example in message, message
    assert question in message, message


GOOD = [
    ("author_orcid", "0000-0002-1825-0097"),
    ("author_orcid", "https://orcid.org/0000-0002-1694-233X"),
    ("author_orcid", ""),
    ("code_doi", "10.5281/zenodo.1234567"),
    ("data_doi", "https://doi.org/10.17182/hepdata.12345.v1"),
    ("author_email", "marie.curie@cern.ch"),
    ("package_name", "higgs_bdt"),
    ("project_slug", "higgs-bdt-2"),
    ("version", "1.0.0rc1"),
    ("version", "2026.1"),
    ("version", "1!2.0.post3.dev4"),
    ("code_doi", "10.1002/(SICI)1097-4636(199606)31:2;2-N"),
    ("repository_url", "https://gitlab.cern.ch/group/analysis"),
    ("author_given_names", "José María"),
    ("author_family_names", "O'Neill"),
    ("author_family_names", "王"),
    ("author_family_names", "No"),  # a Korean surname (노)
    ("author_family_names", "Null"),
    ("author_given_names", "True"),
    ("author_orcid", "0000-0002-1694-233x"),  # written upper-case in CITATION.cff
    ("keywords", "particle physics, machine learning"),
]


@pytest.mark.parametrize(("question", "value"), GOOD)
def test_good_answer_is_accepted(question: str, value: str) -> None:
    assert validate(question, value) == ""


def test_copier_refuses_a_bad_answer_before_writing_anything(tmp_path: Path) -> None:
    dst = tmp_path / "p"
    with pytest.raises(ValueError, match="fails the ORCID checksum") as error:
        generate(dst, author_orcid="0000-0002-1825-0098")
    assert "author_orcid" in str(error.value)
    assert not dst.exists()


# One specification, two runtimes: the Jinja validators and the Python rules of the checker.
ORCIDS = ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
ORCIDS += [o[:-1] + c for o in ORCIDS for c in "0123456789X"] + ["0000-0002-1825-009", "abcd"]
DOIS = ["10.5281/zenodo.1", "10.1000/xyz", "11.5281/x", "10.12/x", "doi:10.1234/ab c", "10.1234/"]
EMAILS = ["a@b.co", "a@b", "@b.org", "a b@c.org", "a@b.c", "x.y+z@sub.example.org", "a@@b.org"]
URLS = ["https://a.org", "http://a.b/c?d=e", "ftp://a.org", "https://a", "https://a.org/ x"]
VERSIONS = ["0.1.0", "1.2.3-alpha.1", "01.2.3", "1.2", "1.2.3+meta", "1.2.3-", "1.2.3-01"]
VERSIONS += ["1.0.0-foo.bar", "1!2.0.post3.dev4", "1.0-1", "1.0.r", "V1.0RC1", " 1.0", "1.0 "]
DOIS += ["10.5281/zenodo.1#x", "10.1000/o'x", "10.1000/a<b>", "10.1000.1/x", "10.1000/[x]\\"]
URLS += [
    "https://a.org/x ",
    " https://a.org",
    "https://example.org/caf\u00e9",
    "https://b\u00fccher.de/",
    "https://x.org/\U0001f600",
]


@pytest.mark.parametrize(
    ("question", "rule", "values"),
    [
        ("author_orcid", RULES.orcid_problem, ORCIDS),
        ("code_doi", RULES.doi_problem, DOIS),
        ("author_email", RULES.email_problem, EMAILS),
        ("repository_url", functools.partial(RULES.url_problem, https_only=True), URLS),
        ("version", functools.partial(RULES.version_problem, normal_form=True), VERSIONS),
    ],
    ids=["orcid", "doi", "email", "url", "version"],
)
def test_jinja_validators_agree_with_python_rules(question, rule, values) -> None:
    for value in values:
        jinja_valid = validate(question, value) == ""
        python_valid = rule(value) is None
        assert jinja_valid == python_valid, (question, value, validate(question, value))


def test_exactly_one_check_character_is_valid() -> None:
    """Of the 11 possible last characters of an ORCID, exactly one passes: the ISO 7064 one."""
    for base in ("0000-0002-1825-009", "0000-0001-5109-370", "0000-0002-1694-233"):
        accepted = [c for c in "0123456789X" if validate("author_orcid", base + c) == ""]
        expected = RULES.orcid_check_character(base.replace("-", ""))
        assert accepted == [expected]
    assert RULES.orcid_check_character("000000021825009") == "7"
    assert RULES.orcid_check_character("000000021694233") == "X"


# The rules agree on every version-like and DOI-like string, not only the listed ones.
VERSION_TOKENS = ["0", "1", "10", "01", ".", "-", "_", "+", "!", "v", "V", "a", "b", "c", "rc"]
VERSION_TOKENS += ["alpha", "beta", "pre", "preview", "post", "rev", "r", "dev", "x", " ", "local"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(VERSION_TOKENS), min_size=1, max_size=9).map("".join))
def test_version_validator_agrees_with_pep440(value: str) -> None:
    python_valid = RULES.version_problem(value, normal_form=True) is None
    assert (validate("version", value) == "") == python_valid, value


DOI_CHARACTERS = st.sampled_from(list("0123456789./:;_-()[]\\#'\"<> %?&=+aZ") + ["é", "\u00a0"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(DOI_CHARACTERS, max_size=12).map(lambda c: "10.5281/" + "".join(c)))
def test_doi_validator_accepts_exactly_what_the_cff_schema_accepts(value: str) -> None:
    pattern = re.compile(validate_schema()["definitions"]["doi"]["pattern"])
    schema_ok = pattern.match(value) is not None
    assert (validate("code_doi", value) == "") == schema_ok, value
    assert (RULES.doi_problem(value) is None) == schema_ok, value


def validate_schema() -> dict:
    """The CFF 1.2.0 JSON schema shipped with the generated project."""
    return RULES.schema()


def test_licence_rule_is_the_cff_schema_list_and_pypi_accepts_each() -> None:
    from packaging.licenses import canonicalize_license_expression

    enum = set(validate_schema()["definitions"]["license-enum"]["enum"])
    assert RULES.spdx_identifiers() == enum
    assert RULES.spdx_problem("Unicode-3.0") is not None  # SPDX 3.22, not in CFF 1.2.0's list
    for choice in ("license", "data_license"):
        for spdx in choices(choice):
            assert spdx in enum and canonicalize_license_expression(spdx)
    for spdx in sorted(enum):
        canonicalize_license_expression(spdx)  # raises for one PyPI would refuse


# Further authors (more_authors): a YAML list in CITATION.cff's own form.
def validate_authors(
    value: object, first: tuple[str, str, str] = ("Anna", "Berg", "0000-0001-5109-3700")
) -> str:
    """Render more_authors' validator as Copier does, with a first author's answers."""
    return (
        ENV.from_string(QUESTIONS["more_authors"]["validator"])
        .render(
            {
                "more_authors": value,
                "author_given_names": first[0],
                "author_family_names": first[1],
                "author_orcid": first[2],
            }
        )
        .strip()
    )


GOOD_AUTHORS = [
    [],
    None,
    [{"given-names": "Jan", "name-particle": "de", "family-names": "Vries"}],
    [
        {"name": "CMS Collaboration"},
        {"name": "ATLAS Collaboration", "website": "https://atlas.cern"},
    ],
    [
        {
            "given-names": "José",
            "family-names": "García Márquez",
            "name-suffix": "Jr.",
            "orcid": "0000-0002-1825-0097",
            "email": "jose@uni.es",
            "affiliation": "IFIC",
            "country": "ES",
        }
    ],
    [{"family-names": "王"}, {"name": "Lab 42", "date-start": "2020-01-01", "post-code": 1234}],
]
BAD_AUTHORS = [
    ("Anna van der Berg", "more_authors must be a YAML list", "[{given-names: Anna"),
    ({"name": "CMS"}, "must be a YAML list", "[]"),
    (["CMS Collaboration"], 'more_authors[0] "CMS Collaboration" is not a person', "{name: ...}"),
    ([{"given_names": "Jan", "family-names": "V"}], "key 'given_names'", "given-names"),
    ([{"name": "CMS", "affiliation": "CERN"}], "key 'affiliation', which a CFF entity", "name"),
    ([{"affiliation": "CERN"}], "more_authors[0] has no name", "given-names and family-names"),
    ([{"family-names": False}], "more_authors[0].family-names is not text", "in quotes"),
    ([{"family-names": None}], "is not text: YAML read it as empty", "in quotes"),
    ([{"family-names": "Curie2"}], "more_authors[0].family-names 'Curie2'", "as printed"),
    (
        [{"family-names": "X", "orcid": "0000-0002-1825-0098"}],
        "more_authors[0].orcid '0000-0002-1825-0098' fails the ORCID checksum",
        "should be '7'",
    ),
    ([{"family-names": "X", "email": "x@cern"}], "more_authors[0].email 'x@cern'", "name@"),
    ([{"name": "L", "website": "atlas.cern"}], "more_authors[0].website", "https://"),
    ([{"name": "L", "country": "Sweden"}], "more_authors[0].country 'Sweden'", "'SE'"),
    ([{"name": "L"}, {"name": "L"}], "more_authors[1] (L) is listed twice", "each author once"),
    (
        [{"given-names": "Anna", "family-names": "Berg"}],
        "more_authors[0] (Anna Berg) is the first author again",
        "only the further authors",
    ),
    ([{"name": "a\u200bb"}], "invisible control character", "type the text again"),
    (
        [
            {"family-names": "Vries", "orcid": "0000-0002-1825-0097"},
            {"family-names": "Jansen", "orcid": "https://orcid.org/0000-0002-1825-0097"},
        ],
        "more_authors[1] (Jansen) has the ORCID iD",
        "give each author their own",
    ),
    (
        [{"family-names": "Vries", "orcid": "https://orcid.org/0000-0001-5109-3700"}],
        "more_authors[0] (Vries) has the ORCID iD",
        "identifies one person",
    ),
]


@pytest.mark.parametrize("value", GOOD_AUTHORS, ids=lambda v: str(v)[:30])
def test_further_authors_are_accepted(value: object) -> None:
    assert validate_authors(value) == ""


@pytest.mark.parametrize(("value", "what", "example"), BAD_AUTHORS, ids=lambda v: str(v)[:30])
def test_bad_further_authors_are_refused_naming_the_entry(
    value: object, what: str, example: str
) -> None:
    message = validate_authors(value)
    assert what in message, message
    assert example in message, message
    assert "\n" not in message


INVISIBLE = ["Anna", "An\u200bna", "Anna\u00ad", "\u202eanna", "An\u2060na", "Anna\ufeff", "a\x07"]
INVISIBLE += ["Ann\u200fa", "Jos\u00e9", "Zo\u00eb", "Anna\u00a0Maria"]
INVISIBLE += ["\u0639\u0644\u06cc\u200c\u0631\u0636\u0627", "\u0915\u094d\u200d\u0937"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_names_with_invisible_characters_are_refused_by_both_runtimes(value: str) -> None:
    jinja_valid = "invisible" not in validate("author_given_names", value)
    assert jinja_valid == (RULES.printable_problem(value) is None), value
    if "\u200c" in value or "\u200d" in value:  # Persian ZWNJ, Devanagari ZWJ: real names
        assert jinja_valid


SLUGS = [
    ("Ökologie der Böden", "okologie-der-boden"),
    ("Étude des leptons", "etude-des-leptons"),
    ("Łódź Straße Æsir", "lodz-strasse-aesir"),
    ("Nguyễn Thị Minh Khai", "nguyen-thi-minh-khai"),
    ("Søren Kierkegaard's ML", "soren-kierkegaard-s-ml"),
    ("李小龍", "fair-analysis"),
]


@pytest.mark.parametrize(("name", "slug"), SLUGS)
def test_the_slug_default_transliterates_accented_letters(name: str, slug: str) -> None:
    default = ENV.from_string(QUESTIONS["project_slug"]["default"]).render(project_name=name)
    assert default == slug
    assert validate("project_slug", default) == ""


def test_the_transliteration_table_is_the_unicode_rule() -> None:
    """includes/ascii.jinja: NFKD without combining marks, plus ICU Latin-ASCII for the letters
    that do not decompose, for every letter of U+00C0-U+024F and U+1E00-U+1EFF."""
    import unicodedata

    # The template's exported variables are attributes Jinja sets at run time.
    module: Any = ENV.get_template("includes/ascii.jinja").module
    table = module.latin
    special = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "þ": "th", "ı": "i"}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(cp)
        if not unicodedata.category(char).startswith("L"):
            assert char not in table
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if plain.isascii() and plain.isalpha():
            assert table[char] == plain, char
        elif char in special:
            assert table[char] == special[char], char
    assert all(v.isascii() and v.isalpha() for v in table.values())


@pytest.mark.parametrize(
    ("answers", "keywords"),
    [
        ({"domain": "hep", "experiment": "CMS"}, "particle physics, CMS, machine learning, FAIR"),
        ({"domain": "hep", "experiment": "FAIR"}, "particle physics, FAIR, machine learning"),
        ({"domain": "life-science"}, "life science, machine learning, FAIR"),
        ({"domain": "generic"}, "machine learning, FAIR"),
    ],
)
def test_keywords_are_asked_after_domain_and_experiment_and_fit_them(answers, keywords) -> None:
    order = list(QUESTIONS)
    assert order.index("domain") < order.index("experiment") < order.index("keywords")
    default = ENV.from_string(QUESTIONS["keywords"]["default"]).render(**answers)
    assert default == keywords
    assert validate("keywords", default) == ""


@pytest.mark.parametrize(
    ("source", "sha256", "refused"),
    [
        ("http://example.org/events.csv", "", True),
        ("ftp://user@data.example.org:21/events.csv", "", True),
        ("http://example.org/events.csv", "ab" * 32, False),
        ("https://example.org/events.csv", "", False),
        ("doi:10.5281/zenodo.1234567/events.csv", "", False),
        ("http://127.0.0.1:8000/events.csv", "", False),
        ("http://localhost/events.csv", "", False),
        ("synthetic", "", False),
    ],
)
def test_a_plain_http_source_needs_its_checksum(source: str, sha256: str, refused: bool) -> None:
    """As the generated config.unprotected_source: the same sources need data.sha256."""
    message = ENV.from_string(QUESTIONS["data_sha256"]["validator"]).render(
        data_source=source, data_sha256=sha256
    )
    assert bool(message.strip()) == refused, message
    if refused:
        assert "data_sha256 is needed" in message and "https://" in message


def test_the_checker_knows_the_default_abstract_as_a_placeholder() -> None:
    """fair/checks.py warns about the abstract copier.yml writes when `description` is kept."""
    checks = TEMPLATE / "template" / "src" / "{{package_name}}" / "fair" / "checks.py"
    default = QUESTIONS["description"]["default"]
    assert f"PLACEHOLDER_ABSTRACT = {default!r}".replace("'", '"') in checks.read_text()

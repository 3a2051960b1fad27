"""The questions of copier.yml: every free-text answer is validated with a message that says what
is wrong and what a right answer looks like; the Jinja validators agree with the generated
project's Python rules (one specification, two runtimes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import jinja2
import pytest
import yaml
from helpers import TEMPLATE, generate

QUESTIONS = yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))
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
    path = TEMPLATE / "template" / "src" / "{{package_name}}" / "fair" / "rules.py"
    spec = importlib.util.spec_from_file_location("template_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    ("project_slug", "My Analysis", "not a valid slug", "higgs-bdt-analysis"),
    ("version", "1.0", "not a Semantic Version", "MAJOR.MINOR.PATCH"),
    ("version", "v1.0.0", "not a Semantic Version", "0.1.0"),
    ("repository_url", "github.com/me/x", "not a web address", "https://"),
    ("project_name", "", "project_name is empty", "single-line"),
    ("project_name", "two\nlines", "single line", "remove the line breaks"),
    ("author_given_names", "yes", "yes/no", "as printed on a paper"),
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
    ("version", "1.0.0-rc.1+build.5"),
    ("repository_url", "https://gitlab.cern.ch/group/analysis"),
    ("author_given_names", "José María"),
    ("author_family_names", "O'Neill"),
    ("author_family_names", "王"),
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
SEMVERS = ["0.1.0", "1.2.3-alpha.1", "01.2.3", "1.2", "1.2.3+meta", "1.2.3-", "1.2.3-01"]


@pytest.mark.parametrize(
    ("question", "rule", "values"),
    [
        ("author_orcid", RULES.orcid_problem, ORCIDS),
        ("code_doi", RULES.doi_problem, DOIS),
        ("author_email", RULES.email_problem, EMAILS),
        ("repository_url", RULES.url_problem, URLS),
        ("version", RULES.semver_problem, SEMVERS),
    ],
    ids=["orcid", "doi", "email", "url", "semver"],
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

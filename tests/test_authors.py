"""Several authors at `copier copy`: persons with particles and suffixes, and a collaboration, given
with `-d` (flow YAML), with `--data-file` (block YAML) or through the Python API. CITATION.cff
lists them in order; the post-copy task derives every other metadata file from it, so that the
new project passes its own check and `make metadata` has nothing left to write; later
`copier update`s keep them and carry a changed answer into every file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from helpers import COPIER, QUESTIONS, TEMPLATE, commit_all, generate, git, run, update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MORE = [
    {
        "given-names": "Jan",
        "name-particle": "de",
        "family-names": "Vries",
        "orcid": "0000-0002-1825-0097",
        "affiliation": "Nikhef",
    },
    {"name": "CMS Collaboration"},
    {
        "given-names": "José",
        "family-names": "García Márquez",
        "name-suffix": "Jr.",
        "email": "jose.garcia@uv.es",
    },
]
FIRST: dict[str, Any] = {"author_given_names": "Anna", "author_family_names": "van der Berg"}
#: The four authors as each derived format writes their names.
FULL = ["Anna van der Berg", "Jan de Vries", "CMS Collaboration", "José García Márquez Jr."]
INVERTED = ["van der Berg, Anna", "de Vries, Jan", "CMS Collaboration", "García Márquez, José, Jr."]
FLOW = (
    "[{given-names: Jan, name-particle: de, family-names: Vries, orcid: 0000-0002-1825-0097, "
    "affiliation: Nikhef}, {name: CMS Collaboration}, {given-names: José, "
    "family-names: García Márquez, name-suffix: Jr., email: jose.garcia@uv.es}]"
)


def fair(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m <package>.fair ARGS` in the project, as the Makefile runs it."""
    return subprocess.run(
        [sys.executable, "-m", "my_fair_analysis.fair", *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A life-science project (it has an RO-Crate) with four authors, the post-copy task run."""
    dst = tmp_path_factory.mktemp("team") / "p"
    return generate(dst, domain="life-science", more_authors=MORE, **FIRST)


def test_citation_lists_every_author_in_order_in_cff_form(team: Path) -> None:
    cff = yaml.safe_load((team / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["authors"][0]["given-names"] == "Anna"
    assert cff["authors"][0]["family-names"] == "van der Berg"
    assert cff["authors"][1] == {**MORE[0], "orcid": "https://orcid.org/0000-0002-1825-0097"}
    assert cff["authors"][2:] == MORE[1:]
    data_authors = cff["references"][0]["authors"]
    assert [a.get("name") or a["family-names"] for a in data_authors] == [
        "van der Berg",
        "Vries",
        "CMS Collaboration",
        "García Márquez",
    ]


def test_the_new_project_passes_its_check_and_needs_no_derivation(team: Path) -> None:
    check = fair(team, "check-metadata", "--json")
    report = json.loads(check.stdout)
    assert check.returncode == 0, [f for f in report["findings"] if f["severity"] == "error"]
    derived = fair(team, "derive")
    assert derived.returncode == 0, derived.stdout + derived.stderr
    assert "wrote" not in derived.stdout, derived.stdout


def test_every_derived_file_carries_every_author_in_order(team: Path) -> None:
    codemeta = json.loads((team / "codemeta.json").read_text(encoding="utf-8"))
    assert [a["@type"] for a in codemeta["author"]] == [
        "Person",
        "Person",
        "Organization",
        "Person",
    ]
    assert codemeta["author"][2]["name"] == "CMS Collaboration"
    assert codemeta["author"][1]["@id"] == "https://orcid.org/0000-0002-1825-0097"
    assert codemeta["author"][3]["honorificSuffix"] == "Jr."
    zenodo = json.loads((team / ".zenodo.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in zenodo["creators"]] == INVERTED
    assert zenodo["creators"][1]["orcid"] == "0000-0002-1825-0097"
    project = tomllib.loads((team / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [a["name"] for a in project["authors"]] == FULL
    assert project["authors"][3]["email"] == "jose.garcia@uv.es"
    crate = json.loads((team / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    graph = {e["@id"]: e for e in crate["@graph"]}
    refs = [r["@id"] for r in graph["./"]["author"]]
    assert [graph[r]["name"] for r in refs] == FULL
    assert [graph[r]["@type"] for r in refs] == ["Person", "Person", "Organization", "Person"]
    block = "<!-- make metadata: {} -->{}<!-- /make metadata -->"
    card = (team / "models" / "classifier" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "**Developed by:** " + block.format("authors", ", ".join(FULL)) in card
    readme = (team / "README.md").read_text(encoding="utf-8")
    cited = "; ".join(INVERTED) + " *My FAIR Analysis*, version 0.1.0."  # 'Jr.' ends the names
    assert block.format("citation", cited) in readme
    datasheet = (team / "data" / "README.md").read_text(encoding="utf-8")
    assert "Created by: " + block.format("authors", ", ".join(FULL)) in datasheet


def _cli_copy(dst: Path, *options: str, template: Path = TEMPLATE) -> Path:
    run(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "-d", "domain=generic",
         "-d", "ml_framework=none", *options, str(template), str(dst)],
        cwd=dst.parent,
    )  # fmt: skip
    return dst


def test_flow_yaml_with_d_and_block_yaml_in_a_data_file_give_the_same_project(
    tmp_path: Path,
) -> None:
    first = [arg for key, value in FIRST.items() for arg in ("-d", f"{key}={value}")]
    flow = _cli_copy(tmp_path / "flow", *first, "-d", f"more_authors={FLOW}")
    answers = tmp_path / "answers.yml"
    answers.write_text(
        yaml.safe_dump({**FIRST, "more_authors": MORE}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    block = _cli_copy(tmp_path / "block", "--data-file", str(answers))
    for name in ("CITATION.cff", "codemeta.json", ".zenodo.json", "pyproject.toml"):
        assert (flow / name).read_bytes() == (block / name).read_bytes(), name
    cff = yaml.safe_load((flow / "CITATION.cff").read_text(encoding="utf-8"))
    assert len(cff["authors"]) == 4


def test_a_bad_further_author_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    dst = tmp_path / "p"
    proc = subprocess.run(
        [COPIER, "copy", "--trust", "--defaults", "--vcs-ref", "HEAD",
         "-d", "more_authors=[{given-names: Jan, family-names: Vries, orcid: 0000-0002-1825-0098}]",
         str(TEMPLATE), str(dst)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "more_authors[0].orcid '0000-0002-1825-0098' fails the ORCID checksum" in proc.stderr
    assert not dst.exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{given_names: Jan, family-names: Vries}",
            (
                "more_authors[0] (Vries) has the key 'given_names', which a CFF person has not: "
                "did you mean 'given-names'? CFF keys are written with hyphens."
            ),
        ),
        (
            "{given_names: Jan}",  # no name left to show: the place alone
            "more_authors[0] has the key 'given_names'",
        ),
        (
            "{name: CMS Collaboration, institution: CERN}",
            (
                "more_authors[0] (CMS Collaboration) has the key 'institution', which a CFF "
                "entity has not: use name,"
            ),
        ),
    ],
)
def test_an_unknown_key_of_a_further_author_is_named_with_the_right_one(
    entry: str, message: str
) -> None:
    """The question's validator, as Copier renders it for `-d more_authors=[...]`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE)),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
    )
    rendered = env.from_string(QUESTIONS["more_authors"]["validator"]).render(
        more_authors=yaml.safe_load(f"[{entry}]"),
        author_given_names="Anna",
        author_family_names="Berg",
        author_orcid="",
    )
    assert message in rendered, rendered


def test_without_the_task_make_metadata_derives_every_author(tmp_path: Path) -> None:
    dst = generate(tmp_path / "p", skip_tasks=True, more_authors=MORE, **FIRST)
    zenodo = json.loads((dst / ".zenodo.json").read_text(encoding="utf-8"))
    assert len(zenodo["creators"]) == 1  # the template renders the first author only
    derived = fair(dst, "derive")
    assert derived.returncode == 0, derived.stdout
    assert fair(dst, "check-metadata").returncode == 0
    zenodo = json.loads((dst / ".zenodo.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in zenodo["creators"]] == INVERTED


def _authors_everywhere(root: Path) -> dict[str, list[str]]:
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    return {
        "cff": [a.get("name") or a["family-names"] for a in cff["authors"]],
        **_authors_everywhere_but_cff(root),
    }


@pytest.mark.full
def test_updates_keep_added_authors_and_carry_a_changed_answer(
    tmp_path: Path, template_repo: Path
) -> None:
    project = tmp_path / "p"
    _cli_copy(
        project,
        "-d",
        "author_given_names=Anna",
        "-d",
        "author_family_names=van der Berg",
        template=template_repo,
    )
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    # A colleague and a funder added later by hand, as the README says.
    citation = project / "CITATION.cff"
    text = citation.read_text(encoding="utf-8")
    head, rest = text.split("\nversion: ", 1)
    citation.write_text(
        head + '\n  - given-names: "Lena"\n    family-names: "Ström"\n'
        '  - name: "SciLifeLab Data Centre"\nversion: ' + rest,
        encoding="utf-8",
    )
    zenodo_path = project / ".zenodo.json"
    zenodo: dict[str, Any] = json.loads(zenodo_path.read_text(encoding="utf-8"))
    zenodo["grants"] = [{"id": "10.13039/501100004359::2021-04711"}]
    zenodo_path.write_text(json.dumps(zenodo, indent=2) + "\n", encoding="utf-8")
    assert fair(project, "derive").returncode == 0
    assert fair(project, "check-metadata").returncode == 0
    commit_all(project, "two more authors and a grant")
    before = _authors_everywhere(project)
    assert before["pyproject"] == ["Anna van der Berg", "Lena Ström", "SciLifeLab Data Centre"]

    # A template change (a line of the README), then an update to it.
    readme = template_repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n<!-- a template fix -->\n")
    commit_all(template_repo, "a template fix")
    proc = update(project, "--vcs-ref", "HEAD")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "a template fix" in (project / "README.md").read_text(encoding="utf-8")
    assert _authors_everywhere(project) == before
    assert json.loads(zenodo_path.read_text(encoding="utf-8"))["grants"]
    commit_all(project, "update")

    # A further author given on update while authors were added by hand: both changed the same
    # lines of CITATION.cff, so the update leaves conflict markers; the check names them.
    proc = update(project, "--vcs-ref", "HEAD", "-d", "more_authors=[{name: CMS Collaboration}]")
    assert proc.returncode != 0
    assert "CITATION.cff: holds unresolved conflict markers" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stderr
    for name in ("codemeta.json", ".zenodo.json"):  # nothing derived from a conflicted file
        assert not git(project, "diff", "--stat", "HEAD", "--", name).strip(), name


def _authors_everywhere_but_cff(root: Path) -> dict[str, list[str]]:
    codemeta = json.loads((root / "codemeta.json").read_text(encoding="utf-8"))
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        "codemeta": [a.get("name") or a["familyName"] for a in codemeta["author"]],
        "zenodo": [c["name"] for c in zenodo["creators"]],
        "pyproject": [a["name"] for a in project["authors"]],
    }


@pytest.mark.full
def test_a_further_author_given_on_update_reaches_every_file(
    tmp_path: Path, template_repo: Path
) -> None:
    project = _cli_copy(tmp_path / "p", "-d", "author_family_names=Berg", template=template_repo)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "start")
    proc = update(project, "--vcs-ref", "HEAD", "-d", f"more_authors={FLOW}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = _authors_everywhere(project)
    assert after["pyproject"] == ["Firstname Berg", *FULL[1:]]
    assert after["zenodo"] == ["Berg, Firstname", *INVERTED[1:]]
    assert after["codemeta"] == ["Berg", "de Vries", "CMS Collaboration", "García Márquez"]
    assert fair(project, "check-metadata").returncode == 0
    assert fair(project, "derive").stdout.startswith("up to date")
    assert not list(project.rglob("*.rej")), list(project.rglob("*.rej"))


def test_the_readme_recipe_for_authors_and_funding_works(tmp_path: Path) -> None:
    """The generated README's recipe, followed as written: its author snippet appended to
    CITATION.cff, its grant and funding snippets added, then `make metadata` and the check."""
    dst = generate(tmp_path / "p", domain="life-science", **FIRST)
    readme = (dst / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Authors, funding and other metadata", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    entity = section.split("(an entity): `", 1)[1].split("`", 1)[0]
    citation = dst / "CITATION.cff"
    head, rest = citation.read_text(encoding="utf-8").split("\nversion: ", 1)
    added = "\n".join(line[2:] for line in snippet.splitlines()) + "\n" + entity + "\n"
    citation.write_text(head + "\n" + added + "version: " + rest, encoding="utf-8")
    grant = json.loads(section.split('as\n  `"grants": ', 1)[1].split("`", 1)[0])
    funding = json.loads(section.split('as\n  `"funding": ', 1)[1].split("`", 1)[0])
    for name, key, value in (
        (".zenodo.json", "grants", grant),
        ("codemeta.json", "funding", funding),
    ):
        path = dst / name
        data = json.loads(path.read_text(encoding="utf-8"))
        data[key] = value
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    derived = fair(dst, "derive")
    assert derived.returncode == 0, derived.stdout
    check = fair(dst, "check-metadata")
    assert check.returncode == 0, check.stdout
    project = tomllib.loads((dst / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [a["name"] for a in project["authors"]] == [
        "Anna van der Berg",
        "Jan de Vries Jr.",
        "CMS Collaboration",
    ]
    readme = (dst / "README.md").read_text(encoding="utf-8")
    assert "van der Berg, Anna; de Vries, Jan, Jr.; CMS Collaboration. *My FAIR" in readme
    datasheet = (dst / "data" / "README.md").read_text(encoding="utf-8")
    assert "Anna van der Berg, Jan de Vries Jr., CMS Collaboration<!--" in datasheet
    assert json.loads((dst / ".zenodo.json").read_text(encoding="utf-8"))["grants"] == grant
    assert json.loads((dst / "codemeta.json").read_text(encoding="utf-8"))["funding"] == funding


# Any list of further authors is either refused at the question, naming more_authors, or gives a
# project whose metadata passes the full check (jsonschema) with nothing left to derive.
NAMES = st.one_of(
    st.sampled_from(
        ["Anna", "van der", "O'Brien", "Łukasiewicz-Ñúñez", "李", "No", "null", "", " x", "a: b"]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.booleans(),
    st.integers(),
    st.none(),
)
CONTACT = {
    "orcid": st.sampled_from(["0000-0002-1825-0097", "https://orcid.org/0000-0002-1694-233X",
                              "0000-0002-1825-0098", "x"]),
    "email": st.sampled_from(["a@b.org", "a@b", "jose@uv.es"]),
    "website": st.sampled_from(["https://atlas.cern", "atlas.cern", "https://x.org/\u00e9"]),
}  # fmt: skip
PERSON = st.fixed_dictionaries(
    {},
    optional={
        "given-names": NAMES,
        "name-particle": NAMES,
        "family-names": NAMES,
        "name-suffix": NAMES,
        "affiliation": NAMES,
        **CONTACT,
    },
)
ENTITY = st.fixed_dictionaries({"name": NAMES}, optional=CONTACT)
MORE_AUTHORS = st.one_of(
    st.lists(st.one_of(PERSON, ENTITY), max_size=4),
    st.sampled_from(["Anna Berg", {"name": "CMS"}, [["x"]], [{"given_names": "x"}]]),
)


@pytest.mark.full
def test_any_further_authors_are_refused_or_give_a_passing_project(tmp_path: Path) -> None:
    counts = {"refused": 0, "generated": 0}

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(MORE_AUTHORS)
    def holds(value: Any) -> None:
        dst = tmp_path / f"p{sum(counts.values())}"
        try:
            generate(dst, domain="generic", ml_framework="none", more_authors=value)
        except ValueError as error:
            assert str(error).startswith("Validation error for question 'more_authors'"), error
            assert not dst.exists()
            counts["refused"] += 1
            return
        check = fair(dst, "check-metadata", "--json")
        report = json.loads(check.stdout)
        assert check.returncode == 0, [f for f in report["findings"] if f["severity"] == "error"]
        assert "wrote" not in fair(dst, "derive").stdout
        cff = yaml.safe_load((dst / "CITATION.cff").read_text(encoding="utf-8"))
        assert len(cff["authors"]) == 1 + len(value)
        counts["generated"] += 1

    holds()
    assert counts["refused"] and counts["generated"], counts

"""Fast tier: what each domain adds to a project, and what it leaves out.

hep: HEPData and the CERN Open Data portal, the experiment's mplhep style, ROOT ntuples.
life-science: the SciLifeLab Data Repository and ENA, RO-Crate, neutral plots, Parquet.
generic: neutral plots and Zenodo only, no domain-specific archive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from helpers import choices, generate

ARCHIVES = {
    "hep": ["HEPData", "CERN Open Data portal", "Zenodo"],
    "life-science": ["SciLifeLab Data Repository", "European Nucleotide Archive (ENA)", "Zenodo"],
    "generic": ["Zenodo"],
}
ALL_ARCHIVES = {name for names in ARCHIVES.values() for name in names}
DATASHEET = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing",
    "Uses",
    "Distribution",
    "Maintenance",
)
HEP_ONLY = ("mplhep", "uproot", "awkward", "vector")


@pytest.fixture(scope="module", params=choices("domain"))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    domain = request.param
    return generate(tmp_path_factory.mktemp(domain) / "analysis", domain=domain, skip_tasks=True)


def _domain(project: Path) -> str:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))["domain"]


def _package(project: Path) -> Path:
    (package,) = (project / "src").iterdir()
    return package


def _archives_module(project: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """The archives fair/archives.py reads: fair/archives.json, written from the answers."""
    text = (_package(project) / "fair" / "archives.json").read_text(encoding="utf-8")
    return [(entry["name"], entry["url"], tuple(entry["takes"])) for entry in json.loads(text)]


def test_the_domain_archives_and_no_others(project: Path) -> None:
    domain = _domain(project)
    archives = _archives_module(project)
    assert [name for name, _, _ in archives] == ARCHIVES[domain]
    assert all(url.startswith("https://") and takes for _, url, takes in archives)
    # Every domain can archive both its data and its model somewhere.
    assert {"data", "model"} <= {kind for _, _, takes in archives for kind in takes}
    distribution = (project / "data" / "README.md").read_text(encoding="utf-8")
    distribution = distribution.split("## Distribution", 1)[1].split("\n## ", 1)[0]
    for name in ALL_ARCHIVES:
        assert (name in distribution) == (name in ARCHIVES[domain]), (domain, name)


def test_the_data_readme_is_a_datasheet(project: Path) -> None:
    headings = re.findall(r"^## (.+)$", (project / "data" / "README.md").read_text(), re.MULTILINE)
    assert [h for h in headings if h in DATASHEET] == list(DATASHEET)


def test_plots_and_dependencies_are_neutral_outside_hep(project: Path) -> None:
    domain = _domain(project)
    plots = (_package(project) / "visualization" / "plots.py").read_text(encoding="utf-8")
    constants = (_package(project) / "project.py").read_text(encoding="utf-8")
    found = re.search(r"^CLASS_NAMES: Final = (.+)$", constants, re.MULTILINE)
    assert found, "project.py has no CLASS_NAMES: Final = ... line"
    labels = found[1]
    assert "CLASS_NAMES: tuple[str, str] = project.CLASS_NAMES" in plots
    requirements = (project / "requirements.txt").read_text(encoding="utf-8").lower()
    pinned = {line.split("==")[0] for line in requirements.splitlines() if "==" in line}
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    if domain == "hep":
        assert "draw_label(" in plots  # the experiment's style and label: visualization/style.py
        assert (_package(project) / "visualization" / "style.py").is_file()
        assert labels == '("background", "signal")'
        assert set(HEP_ONLY) <= pinned
        assert (project / "tests" / "test_ntuple.py").is_file()
    else:
        assert "mplhep" not in plots and "signal" not in plots and "background" not in plots
        assert labels == {"life-science": '("control", "case")'}.get(
            domain, '("negative", "positive")'
        )
        assert not set(HEP_ONLY) & pinned
        assert not any(f'"{name}>=' in pyproject for name in HEP_ONLY)
        assert not (project / "tests" / "test_ntuple.py").exists()
        assert not (_package(project) / "visualization" / "style.py").exists()


def test_life_science_describes_itself_with_rocrate(project: Path) -> None:
    domain = _domain(project)
    assert (project / "ro-crate-metadata.json").is_file() == (domain != "hep")
    config = yaml.safe_load((project / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    assert (
        config["data"]["raw_file"]
        == {
            "hep": "data/raw/events.csv",
            "life-science": "data/raw/samples.parquet",
            "generic": "data/raw/records.csv",
        }[domain]
    )

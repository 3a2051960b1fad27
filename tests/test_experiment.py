"""Fast tier: the `experiment` answer (and `domain`) reach the figures' settings.

A hep project's config/pipeline.yaml has a `figures:` section naming the experiment of the
answer, its status and centre-of-mass energy (13.6 TeV for the LHC experiments, none for any
other); its package reads them with visualization/style.py, which maps the experiment to mplhep's
style and label or to a neutral fallback. Other domains have neither.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import generate

PACKAGE = "my_fair_analysis"
#: The experiment answered, the ml_framework, the energy the configuration gets, and mplhep's
#: style for it. Without a model there is no HEPData record, so no HEPData settings.
EXPERIMENTS = {
    "ATLAS": ("scikit-learn", 13.6, "ATLAS"),
    "ALICE Collaboration": ("scikit-learn", 13.6, "ALICE"),
    "DUNE": ("none", None, "DUNE"),
    "phenomenology": ("scikit-learn", None, None),
}
HEPDATA_SETTINGS = {
    "reactions": [],
    "paper_locations": dict.fromkeys(
        [
            "roc_curve",
            "score_distribution",
            "feature_importance",
            "cutflow",
            "upper_limits",
            "efficiency_map",
        ]
    ),
}

#: Run in the generated project with the template's Python (PyYAML only: style.py imports
#: matplotlib and mplhep only when a figure is drawn): the checked settings, as the package
#: reads them.
READ_SETTINGS = f"""
import dataclasses, json
from {PACKAGE}.config import load_config
from {PACKAGE}.visualization.style import FigureSettings, experiment_of
settings = FigureSettings.from_config(load_config("."))
known = experiment_of(settings.experiment)
print(json.dumps({{
    "settings": dataclasses.asdict(settings),
    "style": known.style if known else None,
}}))
"""


def read_settings(project: Path) -> dict[str, object]:
    """The figure settings of a generated project, read and checked by its own package."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def figures_section(project: Path) -> dict[str, object] | None:
    config = yaml.safe_load((project / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    return config.get("figures")


@pytest.mark.parametrize("experiment", list(EXPERIMENTS))
def test_the_experiment_answer_sets_the_figures_section(tmp_path: Path, experiment: str) -> None:
    framework, energy, style = EXPERIMENTS[experiment]
    project = generate(
        tmp_path / "analysis", experiment=experiment, ml_framework=framework, skip_tasks=True
    )
    assert figures_section(project) == {
        "experiment": experiment,
        "status": "Simulation",
        "com_energy_tev": energy,
        "luminosity_fb": None,
        **(HEPDATA_SETTINGS if framework != "none" else {}),
    }
    # The package reads the section through its schema, and finds mplhep's style (or none).
    read = read_settings(project)
    assert read["settings"] == {
        "experiment": experiment,
        "status": "Simulation",
        "com_energy_tev": energy,
        "luminosity_fb": None,
    }
    assert read["style"] == style
    package = project / "src" / PACKAGE
    assert (package / "visualization" / "style.py").is_file()
    plots = (package / "visualization" / "plots.py").read_text(encoding="utf-8")
    assert "mplhep.style.CMS" not in plots  # no experiment's style is fixed in the code
    assert plots.count("draw_label(") + plots.count("label_row(") == 5  # one per figure
    if framework != "none":
        # The model card names the experiment: read from the same section at run time.
        template = (package / "models" / "model_card_template.md").read_text(encoding="utf-8")
        assert "experiment.name" in template


def test_other_domains_have_no_experiment_settings(tmp_path: Path) -> None:
    project = generate(tmp_path / "analysis", domain="life-science", skip_tasks=True)
    assert figures_section(project) is None
    visualization = project / "src" / PACKAGE / "visualization"
    assert not (visualization / "style.py").exists()
    assert "mplhep" not in (visualization / "plots.py").read_text(encoding="utf-8")

"""Full tier: the API page of a generated project's documentation, built from its docstrings.

A default project (high-energy physics, scikit-learn: every area of the package, the models
included) is installed with its docs group, and `make docs` builds it with warnings as errors
(`sphinx -W`): autodoc imports every module docs/api.md lists, and napoleon renders the Google
docstrings that ruff's pydocstyle rules enforce (pyproject.toml). The page must show what those
docstrings say: parameters with their types, returns, and the errors raised.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers import generate, install_project, make_venv, run

pytestmark = pytest.mark.full

PACKAGE = "my_fair_analysis"


def entry(page: str, name: str) -> str:
    """The text of one documented object of an HTML page: from its anchor to the next one."""
    start = page.index(f'id="{PACKAGE}.{name}"')
    end = page.find(f'id="{PACKAGE}.', start + 1)
    text = re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None])
    return " ".join(html.unescape(text).split())


def test_the_api_page_documents_every_area_from_the_docstrings(tmp_path: Path) -> None:
    project = generate(tmp_path / "analysis")
    python = make_venv(tmp_path / "venv")
    install_project(project, python)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin"}
    run(["make", "install-docs", f"PYTHON={python}"], cwd=project, env=env, timeout=1800)
    run(["make", "docs", f"PYTHON={python}"], cwd=project, env=env)
    html_dir = project / "docs" / "_build" / "html"
    assert 'href="api.html"' in (html_dir / "index.html").read_text(encoding="utf-8")
    page = (html_dir / "api.html").read_text(encoding="utf-8")
    # Every area of the package, each module from its own docstrings.
    for module in (
        "config",
        "data.table",
        "features.build_features",
        "models.estimator",
        "models.hepdata_submission",
        "visualization.plots",
        "fair.checks",
    ):
        assert f'id="module-{PACKAGE}.{module}"' in page, module
    # A function: its summary, its parameter with the annotated type, and its Raises section.
    load_config = entry(page, "config.load_config")
    assert "Read and check config/pipeline.yaml" in load_config
    assert "Raises" in load_config and "ConfigError" in load_config
    assert "Path | str" in load_config and "Return type" in load_config
    # Args with shapes and units, Returns, and every error raised (ConfigError through a call).
    check_table = entry(page, "data.table.check_table")
    assert "test_fraction" in check_table and "features.test_fraction" in check_table
    assert "Returns" in check_table and "FileNotFoundError" in check_table
    assert "TableError" in check_table
    plots = entry(page, "visualization.plots.feature_distributions_figure")
    assert "[events, features]" in plots
    # A Returns line with a colon in its text stays one sentence (docs/conf.py `_sentences`).
    assert "The fix: mend it by hand" in entry(page, "fair.checks.unreadable_fix")
    # A dataclass field documented by its `#:` comment.
    assert "authors[0].orcid" in entry(page, "fair.findings.Finding.field")
    # A FAIR check: its scorecard title and the principle its docstring quotes.
    code_identifier = entry(page, "fair.fairchecks.code_identifier")
    assert "persistent identifier" in code_identifier and "F1:" in code_identifier
    # Re-exported names are documented once, where they are defined.
    assert f'id="{PACKAGE}.fair.Report"' not in page
    # Written as in the source: a command keeps its `--`, a reaction its `-->` (no smart quotes).
    assert "INITIAL --> FINAL" in html.unescape(page) and "<cite>" not in page
    # A module of the user's own appears without editing docs/api.md, on the next build.
    (project / "src" / PACKAGE / "analysis.py").write_text(
        '"""My own helpers."""\n\n\ndef double(x: float) -> float:\n'
        '    """Return twice `x`.\n\n    Args:\n        x: a number.\n\n'
        '    Returns:\n        2 x.\n    """\n    return 2 * x\n',
        encoding="utf-8",
    )
    run(["make", "docs", f"PYTHON={python}"], cwd=project, env=env)
    page = (html_dir / "api.html").read_text(encoding="utf-8")
    assert "Your modules" in page and "Return twice" in entry(page, "analysis.double")

"""Sphinx configuration: MyST Markdown pages, the README included as the front page.

Title, authors and version come from CITATION.cff, the project's one metadata source.
"""

import datetime
import importlib
import sys
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent.parent


def _citation() -> tuple[str, list[str], str]:
    """Title, author names and version from CITATION.cff, read by the project's own code."""
    package = next((ROOT / "src").glob("*/fair/cff.py")).parent.parent.name
    sys.path.insert(0, str(ROOT / "src"))
    fair_cff = importlib.import_module(f"{package}.fair.cff")
    sources = importlib.import_module(f"{package}.fair.sources")
    record = sources.read_citation(ROOT)
    data = record.raw if record else {}
    names = [person.full_name() for person in fair_cff.authors(data)]
    return str(data.get("title", package)), names, str(data.get("version", ""))


project, _authors, release = _citation()
author = ", ".join(_authors)
copyright = f"{datetime.date.today().year}, {author}"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"

# The figures page lists every figure in reports/figures at build time (make all draws them).
FIGURES = Path(__file__).resolve().parent.parent / "reports" / "figures"


def _add_figures(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append each figure of reports/figures to docs/figures.md as it is read."""
    if docname != "figures":
        return
    figures = sorted(FIGURES.glob("*.png"))
    if not figures:
        source[0] += "\nNo figures yet: `make all` draws them into reports/figures.\n"
    for figure in figures:
        title = figure.stem.replace("_", " ").capitalize()
        source[0] += f"\n## {title}\n\n![{title}](../reports/figures/{figure.name})\n"


def setup(app: Sphinx) -> None:
    app.connect("source-read", _add_figures)

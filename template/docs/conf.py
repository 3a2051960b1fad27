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

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"

# The API page (api.md): autodoc imports each module from src/ (on the path since _citation)
# and documents what has a docstring; napoleon reads the Google style (Args, Returns, Raises)
# that ruff's pydocstyle rules enforce (pyproject.toml).
autodoc_default_options = {
    "members": True,
    "member-order": "bysource",
    "ignore-module-all": True,
}
# `name` in a docstring is code, as in the source; commands keep their `--` and straight quotes.
default_role = "code"
smartquotes = False
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

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


def _add_own_modules(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append to docs/api.md every module of the package it does not list yet.

    A module you add to src/<package>/ is documented without editing api.md; list it in one of
    the page's sections to give it its place.
    """
    if docname != "api":
        return
    package = next((ROOT / "src").glob("*/fair/cff.py")).parent.parent
    modules = []
    for path in sorted(package.rglob("*.py")):  # modules, not packages (`__init__.py`)
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts)
        if f"automodule:: {name}\n" not in source[0] and not parts[-1].startswith("_"):
            modules.append(name)
    if modules:
        directives = "".join(f".. automodule:: {name}\n" for name in modules)
        source[0] += "\n## Your modules\n\n```{eval-rst}\n" + directives + "```\n"


def _always_read_api(
    app: Sphinx, env: object, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Read docs/api.md on every build: the package's modules may have changed, not the page."""
    return ["api"]


def _sentences(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Keep napoleon from reading the start of a sentence as a type.

    Napoleon takes what comes before the first colon on the first line of an attribute's
    docstring, and of a Returns or Yields section, for the type ("int: the count"). Here the
    types come from the annotations and those lines are sentences ("The fix: ..."): a leading
    ": " makes napoleon keep the whole line as the description.
    """
    starts = [i for i, line in enumerate(lines) if line.strip()][:1]
    firsts = starts if what in ("attribute", "data", "property") else []
    for i, line in enumerate(lines):
        if line.strip() in ("Returns:", "Yields:"):
            firsts += [j for j in range(i + 1, len(lines)) if lines[j].strip()][:1]
    for i in firsts:
        if ":" in lines[i]:
            text = lines[i].lstrip()
            lines[i] = lines[i][: len(lines[i]) - len(text)] + ": " + text


def setup(app: Sphinx) -> None:
    """Register this configuration's own steps: figures, API modules, docstrings as sentences.

    Args:
        app: the Sphinx application building the documentation.
    """
    app.connect("source-read", _add_figures)
    app.connect("source-read", _add_own_modules)
    app.connect("env-get-outdated", _always_read_api)
    app.connect("autodoc-process-docstring", _sentences, priority=400)  # before napoleon (500)

"""The template's Python files as they are in the repository, before Copier renders anything.

Every Python file of template/src is plain Python, its variants chosen by file name (e.g.
`{% if ml_framework == 'xgboost' %}estimator.py{% endif %}`); the one exception is project.py.jinja,
the constants Copier writes from the answers. So ruff checks and formats them as they are, with
the settings the generated project has (template/pyproject.toml.jinja). mypy cannot: it needs
module names, and the package folders are Jinja expressions ({{package_name}}, the models folder
of `ml_framework != 'none'`); the generated projects are type-checked instead.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from helpers import TEMPLATE, run

SOURCES = TEMPLATE / "template" / "src"
#: The one Python file with Jinja: the constants module.
CONSTANTS = "{{package_name}}/project.py.jinja"
#: A Python file, kept as is or chosen by its Jinja file name.
PYTHON_NAME = re.compile(r"\.py(\{% endif %\})?$")
JINJA = re.compile(r"\{\{|\{%|\{#")


def python_files() -> list[Path]:
    """The Python files of template/src, other than the constants module."""
    return sorted(path for path in SOURCES.rglob("*") if PYTHON_NAME.search(path.name))


def ruff_settings(folder: Path) -> Path:
    """The generated project's [tool.ruff*] tables, copied into a pyproject.toml in `folder`."""
    text = (TEMPLATE / "template" / "pyproject.toml.jinja").read_text(encoding="utf-8")
    tables = re.findall(r"^\[tool\.ruff[^\]]*\]\n(?:[^\[\n].*\n|\n)*", text, flags=re.MULTILINE)
    assert tables and not JINJA.search("".join(tables)), "the ruff settings must be plain TOML"
    settings = folder / "pyproject.toml"
    settings.write_text("".join(tables), encoding="utf-8")
    return settings


def test_only_the_constants_module_has_jinja() -> None:
    with_jinja = [path.relative_to(SOURCES).as_posix() for path in SOURCES.rglob("*.py.jinja")]
    assert with_jinja == [CONSTANTS]
    for path in python_files():
        assert not JINJA.search(path.read_text(encoding="utf-8")), f"Jinja in {path}"


def test_ruff_checks_the_sources_as_they_are(tmp_path: Path) -> None:
    ruff, settings = str(Path(sys.executable).with_name("ruff")), str(ruff_settings(tmp_path))
    files = [str(path) for path in python_files()]
    assert len(files) > 40  # the variants chosen by file name included
    run([ruff, "check", "--no-cache", "--config", settings, *files], cwd=tmp_path)
    run([ruff, "format", "--check", "--no-cache", "--config", settings, *files], cwd=tmp_path)


def test_the_first_model_card_writes_licences_as_the_package_does() -> None:
    """models/MODEL_CARD.md.jinja maps SPDX to Hugging Face licence ids before the package is
    installed; fair/sources.py's HF_LICENSES is the package's map: the two must be one."""
    import ast

    sources = (SOURCES / "{{package_name}}" / "fair" / "sources.py").read_text(encoding="utf-8")
    (package_map,) = (
        ast.literal_eval(node.value)
        for node in ast.walk(ast.parse(sources))
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "HF_LICENSES"
    )
    cards = TEMPLATE / "template" / "models"
    (card,) = cards.glob("*/MODEL_CARD.md.jinja")
    found = re.search(r"set hf_license = (\{[^}]*\})", card.read_text(encoding="utf-8"))
    assert found, f"{card}: no hf_license map"
    card_map = ast.literal_eval(found[1])
    assert card_map == {spdx: hf for hf, spdx in package_map.items()}


def module_names() -> set[str]:
    """The dotted names of the package's modules (not its packages, nor fair/__main__.py), from
    the file names with their Jinja conditions taken away: `{% if domain == 'hep' %}samples.py{%
    endif %}` is the module data.samples."""
    names = set()
    for path in [*python_files(), SOURCES / CONSTANTS]:
        parts = [re.sub(r"\{%[^%]*%\}", "", part) for part in path.relative_to(SOURCES).parts]
        parts[-1] = parts[-1].removesuffix(".jinja").removesuffix(".py")
        if parts[-1] not in ("__init__", "__main__"):
            names.add(".".join(["{{ package_name }}", *parts[1:]]))
    return names


def test_the_api_page_lists_every_module() -> None:
    """docs/api.md documents every module by area (autodoc); a module that is not listed, or
    one listed that does not exist, is a mistake. Which answers include a module is checked
    where the documentation is built with warnings as errors (test_projects, test_api_docs)."""
    page = (TEMPLATE / "template" / "docs" / "api.md.jinja").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\.\. automodule:: (.+)$", page, flags=re.MULTILINE))
    packages = {"{{ package_name }}", "{{ package_name }}.fair"}
    assert listed - packages == module_names()

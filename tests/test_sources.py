"""The template's Python files as they are in the repository, before Copier renders anything.

Every Python file of template/src is plain Python, its variants chosen by file name (e.g.
`{% if ml_framework == 'xgboost' %}estimator.py{% endif %}`); the one exception is project.py.jinja,
the constants Copier writes from the answers. So ruff checks and formats them as they are, with
the settings the generated project has (template/pyproject.toml.jinja). mypy cannot: it needs
module names, and the package folders are Jinja expressions ({{package_name}}, the models folder
of `ml_framework != 'none'`); the generated projects are type-checked instead.
"""

from __future__ import annotations

import ast
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


#: A section header of a Google docstring ("Args:", "Returns:", ...), at the docstring's margin.
SECTION = re.compile(r"^([A-Z][A-Za-z ]*):\s*$")
#: An entry of the Args section: `name: text` or `name (type): text`, text maybe on the next lines.
ARG = re.compile(r"^(\*{0,2}\w+)(?: \([^)]*\))?:(.*)$")
#: Return annotations that need no Returns section: the function returns nothing.
NOTHING = {"None", "NoReturn", "Never", "typing.NoReturn", "typing.Never"}
#: The dunder methods a user of a public class calls with arguments: making one and calling it.
CALLED = {"__init__", "__call__"}


def sections(docstring: str) -> dict[str, list[str]]:
    """The sections of a Google docstring by name, each the lines under its header."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in docstring.splitlines():
        header = SECTION.match(line)
        if header:
            current = found.setdefault(header[1], [])
        elif line.strip() and not line[0].isspace():
            current = None  # a line at the margin ends a section
        elif current is not None:
            current.append(line)
    return found


def documented_args(lines: list[str]) -> dict[str, bool]:
    """The names of an Args section, each with whether it has a description."""
    margin = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    names: dict[str, bool] = {}
    name = None
    for line in lines:
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) == margin:
            entry = ARG.match(line.strip())
            name = entry[1] if entry else None
            if name is not None:
                names[name] = bool(entry and entry[2].strip())
        elif name is not None:
            names[name] = True  # the description continues on the next lines
    return names


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's body, not those of the functions and classes it defines."""
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
    return nodes


def yields_nothing(annotation: ast.expr) -> bool:
    """Whether a generator's annotation (`Iterator[None]`, `Generator[None, ...]`) yields None."""
    if not isinstance(annotation, ast.Subscript):
        return False
    first = (
        annotation.slice.elts[0] if isinstance(annotation.slice, ast.Tuple) else annotation.slice
    )
    return ast.unparse(first) == "None"


def public_functions(
    tree: ast.Module,
) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    """A module's public functions and the methods of its public classes (nested classes too),
    each with whether it is a method; not the functions defined inside functions."""
    found: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]] = []

    def visit(body: list[ast.stmt], in_class: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, True)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                not node.name.startswith("_") or in_class and node.name in CALLED
            ):
                found.append((node, in_class))

    visit(tree.body, False)
    return found


def docstring_gaps(function: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[str]:
    """What a public function's docstring lacks: parameters not described under Args, a missing
    Returns (Yields) section, names under Args that are not parameters; [] if nothing."""
    decorators = {ast.unparse(d).split("(")[0].split(".")[-1] for d in function.decorator_list}
    if decorators & {"property", "setter", "deleter", "overload", "cached_property"}:
        return []
    docstring = ast.get_docstring(function)
    if docstring is None:
        return ["no docstring"]
    found = sections(docstring)
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if method and "staticmethod" not in decorators and positional:
        positional = positional[1:]  # self or cls
    parameters = [a.arg for a in [*positional, *arguments.kwonlyargs]]
    starred = {f"*{arguments.vararg.arg}": arguments.vararg.arg} if arguments.vararg else {}
    if arguments.kwarg:
        starred[f"**{arguments.kwarg.arg}"] = arguments.kwarg.arg
    # *args and **kwargs may be written with or without their stars.
    described = {
        name.lstrip("*"): text for name, text in documented_args(found.get("Args", [])).items()
    }
    expected = [*parameters, *starred]
    gaps = []
    if expected and "Args" not in found:
        gaps.append(f"no Args section (parameters {', '.join(expected)})")
    elif expected:
        missing = [name for name in expected if not described.get(name.lstrip("*"))]
        if missing:
            gaps.append(f"Args does not describe {', '.join(missing)}")
    stale = [name for name in described if name not in {*parameters, *starred.values()}]
    if stale:
        gaps.append(f"Args names {', '.join(stale)}, not a parameter")
    returns = function.returns
    generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))
    if returns is None or ast.unparse(returns) in NOTHING:
        pass
    elif generator and not yields_nothing(returns) and not "".join(found.get("Yields", [])).strip():
        gaps.append(f"no Yields section (-> {ast.unparse(returns)})")
    elif not generator and not "".join(found.get("Returns", [])).strip():
        gaps.append(f"no Returns section (-> {ast.unparse(returns)})")
    return gaps


def test_public_functions_document_their_parameters_and_returns() -> None:
    """Every public function of the package documents, in the Google convention the API page
    shows (Sphinx napoleon), each of its parameters under `Args:` with a description (not self
    or cls; *args and **kwargs as `*args` or `args`), and what it returns under `Returns:`
    unless it is annotated `-> None` (or NoReturn) or not at all; a generator under `Yields:`,
    unless it yields None, as a context manager may. A name under `Args:` that is not a
    parameter is a mistake too. ruff's D417 checks only an Args section that exists.

    Public: a function of a module or a method of a public class (nested classes too) whose
    name does not start with _, and the __init__ and __call__ of a public class (their
    parameters are the class's); FAIR checks (@fair_check, @model_check) included. Not checked:
    functions defined inside functions (not on the API page), property getters and setters
    (documented as attributes: the docstring says what the value is), @overload signatures,
    other dunder methods. Protocol methods whose body is `...` are checked: their docstring is
    the interface a user who rewrites the module implements. Raises: is not checked here (an
    error may come from a call). Every gap is reported, all at once.
    """
    gaps = [
        f"{path.relative_to(SOURCES)}:{function.lineno} {function.name}: {gap}"
        for path in python_files()
        for function, method in public_functions(ast.parse(path.read_text(encoding="utf-8")))
        for gap in docstring_gaps(function, method)
    ]
    assert not gaps, f"{len(gaps)} docstring gaps:\n" + "\n".join(gaps)


def test_the_docstring_rule_finds_each_kind_of_gap() -> None:
    source = '''
def documented(x: int, *args: int, **kwargs: int) -> int:
    """Summary.

    Args:
        x: the x.
        args: more.
        y: not a parameter.

    Returns:
        A number.
    """
def undocumented(x) -> None:
    """Summary."""
def generator() -> Iterator[int]:
    """Summary."""
    yield 1
def context() -> Iterator[None]:
    """Summary."""
    yield
class Public:
    def __init__(self, z: int) -> None:
        """Summary."""
    def method(self, v: int) -> int:
        """Summary.

        Args:
            v:
        """
        def inner(q): ...
    @property
    def value(self) -> int:
        """The value."""
    @staticmethod
    def static(a: int) -> None:
        """Summary.

        Args:
            a (int): the a,
                on two lines.
        """
class _Private:
    def method(self, v): ...
'''
    gaps = {
        function.name: docstring_gaps(function, method)
        for function, method in public_functions(ast.parse(source))
    }
    assert gaps == {
        "documented": ["Args does not describe **kwargs", "Args names y, not a parameter"],
        "undocumented": ["no Args section (parameters x)"],
        "generator": ["no Yields section (-> Iterator[int])"],
        "context": [],
        "__init__": ["no Args section (parameters z)"],
        "method": ["Args does not describe v", "no Returns section (-> int)"],
        "value": [],
        "static": [],
    }

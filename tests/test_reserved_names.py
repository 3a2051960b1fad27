"""project_slug and package_name may not name what the generated project installs.

A slug equal to an installed distribution makes `pip install -e .` uninstall it (numpy); a package
named like an installed import name shadows it (src/yaml hides PyYAML). The names come from
includes/reserved.jinja, which hooks/reserved_names.py derives from the template's own
requirements for every ml_framework and domain, with what their environment markers bring in on
every python_version and on Linux, macOS and Windows (one list for all); these tests hold the
validators, the generated list and the real installs together.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import pytest
from helpers import TEMPLATE, choices, generate, install_pins, load_script, make_venv

#: includes/reserved.jinja's exported variables (distributions, imports): attributes that Jinja
#: sets on the template module at run time, hence Any.
RESERVED: Any = (
    jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE)),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],  # as Copier has
    )
    .get_template("includes/reserved.jinja")
    .module
)
SCRIPT = TEMPLATE / "hooks" / "reserved_names.py"
GENERATOR = load_script(SCRIPT, "reserved_names")


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


COMBINATIONS = GENERATOR.combinations()


def rendered_requirements(answers: dict[str, str]) -> dict[str, str]:
    """requirements.txt.jinja rendered for `answers`: {distribution: pinned version}."""
    source = (TEMPLATE / "template" / "requirements.txt.jinja").read_text(encoding="utf-8")
    text = jinja2.Environment().from_string(source).render(answers)
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", "--find-links ")):
            name, _, version = line.partition("==")
            assert version, f"{answers}: '{line}' is not a name==version pin"
            pins[name.strip()] = version.strip()
    return pins


TORCH = {"ml_framework": "pytorch"}
# question, answer, the exact clash the refusal names[, the other answers]
CLASHES: list[tuple[str, str, str] | tuple[str, str, str, dict[str, Any]]] = [
    ("project_slug", "numpy", "project_slug 'numpy' is the distribution name of numpy"),
    ("project_slug", "scikit-learn", "'scikit-learn' is the distribution name of scikit-learn"),
    ("project_slug", "pyyaml", "project_slug 'pyyaml' is the distribution name of PyYAML"),
    ("project_slug", "xgboost-cpu", "is the distribution name of xgboost-cpu"),
    ("project_slug", "torch", "project_slug 'torch' is the distribution name of torch"),
    ("project_slug", "yaml", "project_slug 'yaml' is the import name of PyYAML"),
    ("project_slug", "json", "project_slug 'json' is the name of the standard-library module"),
    ("package_name", "yaml", "package_name 'yaml' is the import name of PyYAML"),
    ("package_name", "numpy", "package_name 'numpy' is the import name of numpy"),
    ("package_name", "jsonschema", "package_name 'jsonschema' is the import name of jsonschema"),
    ("package_name", "dask", "package_name 'dask' is the import name of dask"),
    ("package_name", "onnx", "package_name 'onnx' is the import name of onnx"),
    ("package_name", "torch", "package_name 'torch' is the import name of torch"),
    ("package_name", "sklearn", "package_name 'sklearn' is the import name of scikit-learn"),
    ("package_name", "xgboost", "package_name 'xgboost' is the import name of xgboost and 1"),
    ("project_slug", "xgboost", "project_slug 'xgboost' is the distribution name of xgboost"),
    ("package_name", "filelock", "package_name 'filelock' is the import name of filelock"),
    ("package_name", "google", "package_name 'google' is the import name of protobuf"),
    ("package_name", "pil", "package_name 'pil' is the import name of pillow (as 'PIL'"),
    ("package_name", "scikit_learn", "'scikit_learn' is the distribution name of scikit-learn"),
    ("package_name", "pytest", "package_name 'pytest' is the import name of pytest"),
    ("package_name", "sphinxcontrib", "is the import name of sphinxcontrib-applehelp and"),
    # What the markers bring in elsewhere: torch's CUDA dependencies on Linux (the list is one for
    # every platform), click's colorama on Windows, xgboost on macOS (xgboost-cpu elsewhere).
    ("package_name", "triton", "package_name 'triton' is the import name of triton", TORCH),
    ("package_name", "triton", "package_name 'triton' is the import name of triton"),
    ("package_name", "nvidia", "package_name 'nvidia' is the import name of nvidia-", TORCH),
    ("package_name", "nvidia", "package_name 'nvidia' is the import name of nvidia-"),
    ("package_name", "colorama", "package_name 'colorama' is the import name of colorama"),
]
CASES: list[tuple[str, str, str, dict[str, Any]]] = [(*case, {})[:4] for case in CLASHES]


@pytest.mark.parametrize(
    ("question", "value", "clash", "answers"),
    CASES,
    ids=[f"{q}={v}" + "".join(f",{k}={a}" for k, a in o.items()) for q, v, _, o in CASES],
)
def test_copier_refuses_a_name_the_project_installs(
    tmp_path: Path, question: str, value: str, clash: str, answers: dict[str, Any]
) -> None:
    dst = tmp_path / "p"
    with pytest.raises(ValueError) as error:
        generate(dst, **{**answers, question: value})
    message = str(error.value)
    assert f"Validation error for question '{question}'" in message, message
    assert clash in message, message
    assert "which the project installs" in message or "standard-library" in message, message
    separator = "_" if question == "package_name" else "-"
    assert f"choose another name, e.g. '{value}{separator}analysis'" in message, message
    assert not dst.exists()


def test_an_upper_case_import_name_is_refused_too(tmp_path: Path) -> None:
    """'PIL' is no valid package name; 'pil' is the same folder as PIL on macOS and Windows."""
    with pytest.raises(ValueError, match="not a valid Python package name"):
        generate(tmp_path / "p", package_name="PIL")


@pytest.mark.parametrize(
    "answers",
    [
        {"project_slug": "higgs-bdt", "package_name": "higgs_bdt"},
        {"project_slug": "numpy-study", "package_name": "numpy_study"},
        {"project_slug": "yaml-analysis", "package_name": "yaml_analysis"},
    ],
    ids=lambda a: a["package_name"],
)
def test_a_name_near_an_installed_one_is_accepted(tmp_path: Path, answers: dict) -> None:
    """The post-copy metadata check (a task) runs too: the project imports its own package."""
    dst = generate(tmp_path / "p", **answers)
    assert (dst / "src" / answers["package_name"] / "__init__.py").exists()
    pyproject = tomllib.loads((dst / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == answers["project_slug"]


def test_every_pinned_distribution_is_reserved() -> None:
    """Fails when a pin is added to requirements.txt.jinja and the list is not regenerated."""
    missing = {
        f"{name} ({answers['ml_framework']}, {answers['domain']})"
        for answers in COMBINATIONS
        for name in rendered_requirements(answers)
        if canonical(name) not in RESERVED.distributions
    }
    assert not missing, f"run hooks/reserved_names.py: {sorted(missing)}"


def test_the_extras_groups_and_the_side_environment_are_reserved() -> None:
    """pyproject.toml's extras and dependency groups (make install, install-docs,
    install-notebooks) and a Makefile's side environment, if any, too."""
    pyproject = tomllib.loads(GENERATOR.render("pyproject.toml.jinja", COMBINATIONS[0]))
    extras = pyproject["project"]["optional-dependencies"]
    groups = pyproject["dependency-groups"]
    assert "parquet" in extras
    assert {"test", "lint", "docs", "notebooks", "dev"} <= set(groups)
    texts = [text for e in extras.values() for text in e]
    texts += [text for g in groups.values() for text in g if isinstance(text, str)]
    names = {re.split(r"[<>=!~;\[ ]", text, maxsplit=1)[0] for text in texts}
    makefile = (TEMPLATE / "template" / "Makefile.jinja").read_text(encoding="utf-8")
    names |= set(re.findall(r"pip install --quiet ([A-Za-z0-9_.-]+)==", makefile))
    missing = sorted(name for name in names if canonical(name) not in RESERVED.distributions)
    assert not missing, f"run hooks/reserved_names.py: {missing}"


def test_the_list_holds_import_names_with_their_distributions() -> None:
    """Spot checks of names that differ from their distribution (read from the wheels)."""
    assert RESERVED.imports["yaml"] == ["yaml", "PyYAML"]
    assert RESERVED.imports["sklearn"] == ["sklearn", "scikit-learn"]
    assert RESERVED.imports["pil"] == ["PIL", "pillow"]
    assert RESERVED.imports["google"][1:] == ["protobuf"]
    assert RESERVED.imports["dateutil"][1:] == ["python-dateutil"]
    for key, (name, *dists) in RESERVED.imports.items():
        assert key == name.lower() and dists, key
        assert all(canonical(d) in RESERVED.distributions for d in dists), key
    assert all(key == canonical(key) for key in RESERVED.distributions)


def test_the_markers_are_evaluated_for_every_python_version_and_platform() -> None:
    """The generator's targets: copier.yml's python_version choices on Linux, macOS, Windows."""
    assert {python for python, _ in GENERATOR.targets()} == set(choices("python_version"))
    systems = {values["platform_system"] for values, _ in GENERATOR.PLATFORMS.values()}
    assert systems == {"Linux", "Darwin", "Windows"}
    requires = [
        'tomli>=1; python_version < "3.12"',
        'colorama; sys_platform == "win32"',
        'triton==3.7.1; platform_system == "Linux" and python_version < "3.15"',
        'pygments>=2; extra == "docs"',
        "typing-extensions>=4",
    ]
    found = GENERATOR.dependencies(requires, set())
    assert set(found) == {"tomli", "colorama", "triton", "typing-extensions"}
    assert {python for python, _ in found["tomli"][2]} == {"3.11"}
    assert {platform for _, platform in found["colorama"][2]} == {"Windows x86-64"}
    assert {platform for _, platform in found["triton"][2]} == {"Linux x86_64", "Linux aarch64"}
    assert found["typing-extensions"][2] == set(GENERATOR.targets())
    assert "pygments" in GENERATOR.dependencies(requires, {"docs"})


def test_the_generated_list_is_up_to_date() -> None:
    """`hooks/reserved_names.py --check`, from its cache in build/ (skipped where there is none)."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--offline"],
        check=False,
        capture_output=True,
        text=True,
        cwd=TEMPLATE,
    )
    if result.returncode == 2:
        pytest.skip(f"no complete offline cache of the wheels' metadata: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr


INSTALLED_NAMES = """
import importlib.metadata, json, re
found = {}
for dist in importlib.metadata.distributions():
    names = set()
    for path in dist.files or []:
        parts = path.parts
        if len(parts) == 1 and (parts[0].endswith('.py') or '.so' in parts[0]):
            names.add(parts[0].split('.')[0])
        elif len(parts) > 1 and not parts[0].endswith(('.dist-info', '.data')):
            names.add(parts[0])
    top = dist.read_text('top_level.txt') or ''
    names |= set(top.split())
    found[dist.metadata['Name']] = sorted(n for n in names if n.isidentifier()
                                          and n != '__pycache__' and not n.startswith('..'))
print(json.dumps(found))
"""


@pytest.mark.full
def test_the_list_covers_a_real_install(tmp_path: Path) -> None:
    """Install one framework's pins for real; every installed name must be in the list."""
    answers = {"ml_framework": "scikit-learn", "domain": "hep"}
    project = generate(tmp_path / "p", skip_tasks=True, **answers)
    python = make_venv(tmp_path / "venv")
    install_pins(project, python)
    installed = json.loads(
        subprocess.run(
            [str(python), "-c", INSTALLED_NAMES], check=True, capture_output=True, text=True
        ).stdout
    )
    assert len(installed) > len(rendered_requirements(answers))  # pins + pip, setuptools
    missing_dists = sorted(d for d in installed if canonical(d) not in RESERVED.distributions)
    missing_names = sorted(
        f"{name} ({dist})"
        for dist, names in installed.items()
        for name in names
        if name.lower() not in RESERVED.imports
    )
    assert not missing_dists, missing_dists
    assert not missing_names, missing_names

"""Every offered python_version, ml_framework and domain installs from its own pins, from PyPI.

For each python_version copier.yml offers and each platform users run (Linux x86_64, macOS
arm64), template/requirements.txt.jinja is rendered as Copier renders it for every ml_framework
and domain, its environment markers are evaluated for that target, and pip resolves the pins
without installing (`pip install --dry-run --no-deps --only-binary=:all: --python-version X.Y
--platform TAG --report`) from the public index only: this machine's pip settings (its local
wheel folder and indexes) are ignored. With --no-deps every pin is found on its own, so one
resolve of all combinations' pins per target answers for each combination, and the failures are
named per combination. Then the closure: every dependency each pinned wheel declares for that
Python and platform (Requires-Dist with its markers and extras evaluated there) must be pinned
too, at a version it accepts, in each combination that pins the wheel.

Full tier: it needs PyPI (about 20 to 50 s per target; one test per target, for pytest-xdist).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import TEMPLATE, choices, load_script
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

SCRIPT = TEMPLATE / "hooks" / "reserved_names.py"
GENERATOR = load_script(SCRIPT, "reserved_names_for_resolve")

INDEX = "https://pypi.org/simple"
#: Where users install a generated project: the environment markers' values and pip's --platform
#: tags there (pip widens a macOS tag to the older releases itself; torch's macOS wheels need 14).
PLATFORMS = {
    "linux-x86_64": (
        {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux"}
        | {"platform_machine": "x86_64"},
        GENERATOR.manylinux("x86_64"),
    ),
    "macos-arm64": (
        {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin"}
        | {"platform_machine": "arm64"},
        ["macosx_14_0_arm64"],
    ),
}
#: Pins that may come as a source distribution (pure Python, published without a wheel), with the
#: reason; every other pin must have a wheel for the target.
SDIST_ALLOWED: dict[str, str] = {
    "bagit": "1.9.0 (the Library of Congress's BagIt library) is on PyPI as a source distribution"
    " alone, and 1.8.1, the last with a wheel, imports pkg_resources, which the setuptools that"
    " PyTorch projects pin (84) no longer has, nor do uv's environments: one module, pure Python",
}
#: Pages other than the index that requirements.txt may name (`--find-links`), with what they
#: serve: PyTorch's CPU builds (torch==X+cpu). From a machine that cannot reach one (this
#: sandbox reaches PyPI alone) its pins are reported as unverified: an expected failure, not a
#: pass; where it is reachable they are resolved like every other pin.
LINKED_PAGES = {"download.pytorch.org": re.compile(r"^torch==[^;]*\+cpu$")}
PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*(?:;\s*(\S.*))?$")


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def environment(python: str, platform: str) -> dict[str, str]:
    """The environment markers' values for CPython `python` on `platform`."""
    return {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
        **PLATFORMS[platform][0],
        "extra": "",
    }


def requirements(answers: dict[str, str], env: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """requirements.txt for `answers`, as Copier renders it: ({name: version} for `env`, options).

    Options are pip's own lines (`--find-links URL`, `--extra-index-url URL`), passed on to pip.
    """
    pins, options = {}, []
    for line in GENERATOR.render("requirements.txt.jinja", answers).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            options.append(line)
            continue
        match = PIN_LINE.match(line)
        assert match, f"{answers}: '{line}' is not an exact name==version pin"
        if match[3] is None or Marker(match[3]).evaluate(env):
            name = canonical(match[1])
            assert name not in pins, f"{answers}: {name} is pinned twice for {env}"
            pins[name] = match[2]
    return pins, options


def reachable(host: str) -> bool:
    """Whether `host` resolves and accepts HTTPS connections from this machine (5 s at most)."""
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError:
        return False
    return True


def pip_environment() -> dict[str, str]:
    """This process's environment without pip's settings: the public index alone decides."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    if os.environ.get("PIP_CERT"):  # a proxy's certificate authority, if any, to reach PyPI
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    return env


def dry_run(lines: list[str], python: str, platform: str, tmp: Path) -> tuple[dict, str]:
    """pip's --report of `lines` for the target ({} if pip fails), and pip's error output."""
    (tmp / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp / "report.json"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
    command += ["--no-deps", "--only-binary=:all:", "--implementation", "cp"]
    command += [f"--no-binary={name}" for name in SDIST_ALLOWED]
    command += ["--python-version", python, "--index-url", INDEX, "--quiet"]
    command += [f"--platform={tag}" for tag in PLATFORMS[platform][1]]
    # pip before 23.3 takes the platform options for `--target` installs only (none is written).
    command += ["--target", str(tmp / "target"), "--report", str(report)]
    command += ["-r", str(tmp / "requirements.txt")]
    result = subprocess.run(
        command, env=pip_environment(), capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode:
        return {}, result.stderr
    return json.loads(report.read_text(encoding="utf-8")), ""


#: (canonical name, version) -> the entry of pip's installation report for that release.
Entries = dict[tuple[str, str], dict[str, Any]]


def resolve(
    lines: list[str], python: str, platform: str, tmp: Path
) -> tuple[Entries, dict[str, str]]:
    """({(name, version): report entry}, {pin line: why it is not found}) for the target.

    pip stops at the first pin it cannot find: that one is set aside and the rest resolved again.
    """
    lines = list(lines)
    missing: dict[str, str] = {}
    while True:
        report, error = dry_run(lines, python, platform, tmp)
        if report:
            break
        found = re.search(r"No matching distribution found for (\S+)", error)
        if not found or found[1] not in lines:
            pytest.fail(f"pip failed for Python {python} on {platform}:\n{error[-3000:]}")
        available = re.search(r"\(from versions: ([^)]*)\)", error)
        newest = ", ".join(available[1].split(", ")[-3:]) if available else "none"
        missing[found[1]] = f"no wheel for it; the newest there: {newest}"
        lines.remove(found[1])
        if not any(not line.startswith("-") for line in lines):
            report = {"install": []}
            break
    entries: Entries = {}
    for item in report["install"]:
        meta = item["metadata"]
        entries[(canonical(meta["name"]), str(Version(meta["version"])))] = item
        is_wheel = item["download_info"]["url"].endswith(".whl")
        if not is_wheel and canonical(meta["name"]) not in SDIST_ALLOWED:
            missing[f"{meta['name']}=={meta['version']}"] = "a source distribution only"
    return entries, missing


def unpinned(
    pins: dict[str, str], entries: Entries, env: dict[str, str]
) -> list[tuple[str, str, str]]:
    """[(pinned name, its requirement, what is wrong)] for what the pins require and miss."""
    problems = []
    todo: list[tuple[str, frozenset[str]]] = [(name, frozenset()) for name in pins]
    seen = set(todo)
    while todo:
        name, extras = todo.pop()
        entry = entries.get((name, str(Version(pins[name]))))
        if entry is None:  # not found for this target: reported already
            continue
        for text in entry["metadata"].get("requires_dist", []):
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate(env | {"extra": e}) for e in {"", *extras}):
                continue
            needed = canonical(requirement.name)
            if needed not in pins:
                problems.append((name, text, "not pinned"))
                continue
            if not requirement.specifier.contains(pins[needed], prereleases=True):
                problems.append((name, text, f"pinned {pins[needed]}"))
            node = (needed, frozenset(requirement.extras))
            if requirement.extras and node not in seen:
                seen.add(node)
                todo.append(node)
    return problems


TARGETS = [(python, platform) for python in choices("python_version") for platform in PLATFORMS]


@pytest.mark.full
@pytest.mark.parametrize(("python", "platform"), TARGETS, ids=[f"{p}-{q}" for p, q in TARGETS])
def test_every_combination_installs_from_pypi(python: str, platform: str, tmp_path: Path) -> None:
    env = environment(python, platform)
    combos = {}
    for answers in GENERATOR.combinations():
        pins, options = requirements({**answers, "python_version": python}, env)
        combos["+".join(answers.values())] = (pins, options)
    options = sorted({option for _, opts in combos.values() for option in opts})
    lines = {f"{name}=={version}" for pins, _ in combos.values() for name, version in pins.items()}
    unverified = []
    for host, served in LINKED_PAGES.items():
        if not reachable(host):
            options = [option for option in options if f"//{host}/" not in option]
            unverified += sorted(line for line in lines if served.match(line))
    lines -= set(unverified)
    entries: Entries = {}
    missing: dict[str, str] = {}
    # pip takes each name once: a name pinned to different versions by different combinations
    # is resolved in layers.
    for layer in GENERATOR.layers({line: "" for line in lines}):
        got, lost = resolve(options + layer, python, platform, tmp_path)
        entries |= got
        missing |= lost
    failures = []
    for combo, (pins, _) in combos.items():
        for line, why in sorted(missing.items()):
            name, _, version = line.partition("==")
            if pins.get(canonical(name)) == version:
                failures.append(f"{combo}: {line}: {why}")
        for name, text, what in unpinned(pins, entries, env):
            failures.append(f"{combo}: {name}=={pins[name]} requires {text}: {what}")
    assert not failures, f"Python {python} on {platform}:\n" + "\n".join(failures)
    if unverified:
        pytest.xfail(f"not verified, its page is unreachable from here: {', '.join(unverified)}")

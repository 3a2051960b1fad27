"""Generate includes/reserved.jinja: the names a generated project installs, for its validators.

A project whose distribution name (project_slug) is one it installs makes `pip install -e .`
replace that distribution; a package (package_name) with an installed import name shadows it.
This script derives both lists from the template itself, for every `ml_framework` and `domain`
of copier.yml:

* template/requirements.txt.jinja, rendered for each combination (and each raw table format):
  the exact pins, whatever their environment markers (xgboost-cpu, and xgboost for macOS: both
  are reserved; torch's CPU build and its macOS release);
* template/pyproject.toml.jinja, rendered for each combination: its dependencies, every
  optional extra (parquet) and every dependency group (test, lint, docs, notebooks), resolved
  with their own dependencies under the pins;
* template/Makefile.jinja: what it installs into a side environment
  (`$(CFFCONVERT_ENV)/bin/python -m pip install ...`), if anything;
* the seed packages of `python -m venv` (ensurepip's bundled wheels of the Python running this
  script: pip and setuptools with the template's Python 3.11).

pip resolves the names (`pip install --dry-run --ignore-installed --prefer-binary --report`,
which also gives each wheel's address and metadata) for the Python and platform running this
script. The list is one for every `python_version` copier.yml offers and for Linux (x86_64,
aarch64), macOS (arm64, x86_64) and Windows (x86-64): the Requires-Dist entries of every
resolved distribution, and of the requirements themselves, are evaluated with
`packaging.markers` for each (python_version, platform) and each requested extra, recursively;
a distribution they bring in that nothing resolved yet (colorama for click on Windows,
nvidia-nccl-cu12 for xgboost on Linux) is looked up with `pip install --dry-run --no-deps
--python-version X.Y --platform TAG` for a target that needs it (its newest release that fits).
A resolved wheel with a local version label (torch 2.13.0+cpu from this machine's wheel folder)
may declare fewer dependencies than the release on the index (torch's CUDA ones on Linux:
triton, nvidia-*, cuda-*): the release's Linux x86_64 wheel is added too, or, if the index has
not that version, its nearest release's; the generated header says so.

The import names are the top-level entries of each wheel's file list (what pip installs into
site-packages) and of its top_level.txt, if any, read from the wheel itself: a local file is
opened directly, a remote one is read with HTTP range requests for the zip's central directory
only (a few hundred kB even for torch), falling back to a full download; a distribution
published as source only is built into a wheel with `pip wheel`. Results are cached in
build/reserved-names/ (gitignored), so reruns and `--check` work offline.

Usage (with the template's .venv Python):
    python hooks/reserved_names.py            # regenerate includes/reserved.jinja
    python hooks/reserved_names.py --check    # exit 1 if the file is out of date
    --offline   use the cache only (exit 2 if it is incomplete)
    --refresh   resolve the unpinned requirements again (their newest releases)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import email.parser
import ensurepip
import functools
import hashlib
import io
import itertools
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import jinja2
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

TEMPLATE = Path(__file__).resolve().parents[1]
OUTPUT = TEMPLATE / "includes" / "reserved.jinja"
CACHE = TEMPLATE / "build" / "reserved-names"
#: The answers the installed names depend on (every combination of their choices is rendered).
AXES = ("ml_framework", "domain")
#: The values of the computed answer raw_format (copier.yml).
RAW_FORMATS = ("csv", "parquet")
#: Stand-in answers for the other variables pyproject.toml.jinja uses (they name no package).
STAND_INS = {
    "project_slug": "stand-in",
    "package_name": "stand_in",
    "version": "0.1.0",
    "description": "stand-in",
    "license": "MIT",
    "keyword_list": [],
    "cff_authors": [{"given-names": "A", "family-names": "B", "email": "a@example.org"}],
    "python_version": "3.11",
    "repository_url": "",
    "ci": "github",
    "include_docker": True,
    "data_license": "CC-BY-4.0",
    "experiment": "CMS",
}
#: A pin of requirements.txt: name==version, optionally with an environment marker (a name may
#: be pinned twice, to versions or distributions for different Pythons or platforms).
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*(?:;\s*(\S.*))?$")
SIDE_ENV = re.compile(r"\$\(CFFCONVERT_ENV\)/bin/python -m pip install (.+)$", re.MULTILINE)


def manylinux(arch: str) -> list[str]:
    """pip's --platform tags for a Linux machine (pip does not widen manylinux_2_N itself)."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(39, 4, -1)]
    return tags + [f"manylinux{name}_{arch}" for name in ("2014", "2010", "1")] + [f"linux_{arch}"]


#: Where a generated project may be installed: the environment markers' values there and pip's
#: --platform tags for its wheels (pip widens a macOS tag to the older releases itself).
PLATFORMS: dict[str, tuple[dict[str, str], list[str]]] = {
    "Linux x86_64": (
        {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux"}
        | {"platform_machine": "x86_64"},
        manylinux("x86_64"),
    ),
    "Linux aarch64": (
        {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux"}
        | {"platform_machine": "aarch64"},
        manylinux("aarch64"),
    ),
    "macOS arm64": (
        {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin"}
        | {"platform_machine": "arm64"},
        ["macosx_15_0_arm64"],
    ),
    "macOS x86_64": (
        {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin"}
        | {"platform_machine": "x86_64"},
        ["macosx_15_0_x86_64"],
    ),
    "Windows x86-64": (
        {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows"}
        | {"platform_machine": "AMD64"},
        ["win_amd64"],
    ),
}
#: The platform this script resolves the pins and extras on (its own: pip's defaults).
HOME = "Linux x86_64"
RESOLVED = "resolved-v2.json"

#: The keys of build/reserved-names/resolved-v2.json this run used (the others are dropped).
USED: set[str] = set()


class OfflineMiss(Exception):
    """--offline and something is not in the cache."""


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def questions() -> dict[str, Any]:
    return yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))


def choices(question: str) -> list[str]:
    """The choices copier.yml offers for `question`."""
    values = questions()[question]["choices"]
    return [str(v) for v in (values.values() if isinstance(values, dict) else values)]


def combinations() -> list[dict[str, str]]:
    """Every combination of the choices of AXES in copier.yml, with each raw table format.

    raw_format is computed in copier.yml (from data_source and domain): both values are taken,
    since a Parquet table brings in pyarrow whatever the domain.
    """
    values = [choices(axis) for axis in AXES] + [list(RAW_FORMATS)]
    keys = (*AXES, "raw_format")
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def render(name: str, answers: dict[str, str]) -> str:
    # Copier's environment: its default extension (regex_replace, ...) and the template's own.
    extensions = ["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]
    extensions += questions().get("_jinja_extensions", [])
    env = jinja2.Environment(
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined, extensions=extensions
    )
    env.filters["to_json"] = lambda value, **kw: json.dumps(value, **kw)
    source = (TEMPLATE / "template" / name).read_text(encoding="utf-8")
    return env.from_string(source).render({**STAND_INS, **answers})


def pins(answers: dict[str, str]) -> dict[str, str]:
    """The rendered requirements.txt: {pin line's name==version: name}; any other line is an error.

    Every pin counts, whatever its environment marker: the list is one for all targets.
    """
    found = {}
    for line in render("requirements.txt.jinja", answers).splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "--find-links ")):
            continue
        match = PIN.match(line)
        if not match or (match[3] and not valid_marker(match[3])):
            sys.exit(
                f"requirements.txt.jinja {answers}: '{line}' is not an exact name==version pin"
                " (with an optional environment marker)"
            )
        found[f"{match[1]}=={match[2]}"] = match[1]
    return found


def valid_marker(text: str) -> bool:
    try:
        Marker(text)
    except ValueError:
        return False
    return True


def unpinned(answers: dict[str, str], pinned: dict[str, str]) -> set[str]:
    """pyproject.toml's dependencies that requirements.txt does not pin, all its extras, and
    all its dependency groups (PEP 735; an `{include-group = ...}` entry names no package)."""
    pyproject = tomllib.loads(render("pyproject.toml.jinja", answers))
    project = pyproject["project"]
    pinned_names = {canonical(name) for name in pinned.values()}
    wanted = set()
    for text in project.get("dependencies", []):
        req = Requirement(text)
        if canonical(req.name) not in pinned_names or req.extras:
            wanted.add(str(req))
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update(str(Requirement(text)) for text in extra)
    for group in pyproject.get("dependency-groups", {}).values():
        wanted.update(str(Requirement(text)) for text in group if isinstance(text, str))
    return wanted


def side_environment() -> set[str]:
    """The requirements `make metadata` installs into its own virtual environment."""
    text = (TEMPLATE / "template" / "Makefile.jinja").read_text(encoding="utf-8")
    return {
        arg for line in SIDE_ENV.findall(text) for arg in line.split() if not arg.startswith("-")
    }


def venv_seeds() -> list[list[Any]]:
    """[[name, version, file URL, requires_dist]] of what `python -m venv` installs.

    ensurepip's bundled wheels: Python 3.11 (the template's own) seeds pip and setuptools, as
    3.10 does; 3.12 and later, pip only.
    """
    seeds = []
    bundled = Path(ensurepip.__file__).parent / "_bundled"
    for name, package in sorted(getattr(ensurepip, "_get_packages", dict)().items()):
        wheel = Path(package.wheel_path or bundled / package.wheel_name)
        if wheel.exists():
            with zipfile.ZipFile(wheel) as archive:
                path = next(f for f in archive.namelist() if f.endswith(".dist-info/METADATA"))
                metadata = email.parser.Parser().parsestr(archive.read(path).decode())
            requires = metadata.get_all("Requires-Dist") or []
            seeds.append([name, package.version, wheel.resolve().as_uri(), requires])
    return seeds


# ---------------------------------------------------------------------------------------------
# Resolution with pip (cached by its input)


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def resolve(
    requirements: list[str],
    constraints: list[str],
    no_deps: bool,
    args: argparse.Namespace,
    target: tuple[str, str] | None = None,
    binary_only: bool = True,
) -> list[list[Any]] | None:
    """[[name, version, url, requires_dist], ...] pip would install for `requirements` (cached).

    Without `target`, for the Python running this script on this machine; with a target
    (python_version, platform in PLATFORMS), for that one (--no-deps only): only its wheels, or
    anything pip can read the metadata of if not `binary_only`. None if pip finds no solution.
    """
    key_text = json.dumps([sorted(requirements), sorted(constraints), no_deps, target, binary_only])
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    cache_file = CACHE / RESOLVED
    cache = load_json(cache_file)
    USED.add(key)
    pinned_only = no_deps and all("==" in r for r in requirements)
    if key in cache and (pinned_only or not args.refresh):
        return cache[key]
    if args.offline:
        raise OfflineMiss(f"no cached resolution of {len(requirements)} requirements")
    with tempfile.TemporaryDirectory() as tmp:
        req_file = Path(tmp) / "requirements.txt"
        req_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        command += ["--prefer-binary", "--quiet", "--report", "-", "-r", str(req_file)]
        if constraints:
            con_file = Path(tmp) / "constraints.txt"
            con_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
            command += ["-c", str(con_file)]
        if no_deps:
            command.append("--no-deps")
        where = ""
        if target:
            python, platform = target
            # pip 23 takes platform options for `--target` installs only (none is written).
            command += ["--target", str(Path(tmp) / "target"), "--python-version", python]
            command += ["--implementation", "cp"]
            command += [f"--platform={tag}" for tag in PLATFORMS[platform][1]]
            if binary_only:
                command.append("--only-binary=:all:")
            where = f" for Python {python} on {platform}"
        print(f"pip resolves {len(requirements)} requirements{where}", file=sys.stderr)
        result = subprocess.run(command, check=False, capture_output=True, text=True)
    if result.returncode:
        if not target:
            sys.exit(f"pip failed on {requirements}:\n{result.stderr}")
        resolved = None
    else:
        report = json.loads(result.stdout)
        resolved = sorted(
            [
                item["metadata"]["name"],
                item["metadata"]["version"],
                item["download_info"]["url"],
                item["metadata"].get("requires_dist", []),
            ]
            for item in report["install"]
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = load_json(cache_file)
    cache[key] = resolved
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return resolved


def layers(pinned: dict[str, str]) -> list[list[str]]:
    """Split name==version pins into lists with each name at most once (pip refuses doubles)."""
    by_name: dict[str, list[str]] = {}
    for line in sorted(pinned):
        by_name.setdefault(canonical(line.split("==")[0]), []).append(line)
    depth = max((len(lines) for lines in by_name.values()), default=0)
    return [[lines[i] for lines in by_name.values() if i < len(lines)] for i in range(depth)]


# ---------------------------------------------------------------------------------------------
# Every python_version and platform: the requirements' environment markers


@functools.cache
def targets() -> list[tuple[str, str]]:
    """(python_version, platform) for every python_version copier.yml offers and PLATFORMS."""
    return [(python, platform) for python in choices("python_version") for platform in PLATFORMS]


@functools.cache
def marker_targets(marker: str, extra: str) -> frozenset[tuple[str, str]]:
    """The targets where `marker` holds with `extra` requested (at an early and a late patch)."""
    held, parsed = set(), Marker(marker)
    for python, platform in targets():
        for patch in ("0", "99"):
            environment = {
                "implementation_name": "cpython",
                "platform_python_implementation": "CPython",
                "implementation_version": f"{python}.{patch}",
                "python_version": python,
                "python_full_version": f"{python}.{patch}",
                "platform_release": "",
                "platform_version": "",
                **PLATFORMS[platform][0],
                "extra": extra,
            }
            if parsed.evaluate(environment):
                held.add((python, platform))
    return frozenset(held)


@functools.cache
def requirement(text: str) -> Requirement:
    return Requirement(text)


#: {normalized name: [extras, specifiers, targets]} of what some requirements bring in.
Needs = dict[str, tuple[set[str], list[SpecifierSet], set[tuple[str, str]]]]


def dependencies(requires: list[str], extras: set[str]) -> Needs:
    """What `requires` (Requires-Dist) brings in on any target, with `extras` requested."""
    found: Needs = {}
    for text in requires:
        req = requirement(text)
        if req.marker is None:
            where = set(targets())
        else:
            where = set().union(*(marker_targets(str(req.marker), e) for e in {"", *extras}))
        if where:
            entry = found.setdefault(canonical(req.name), (set(), [], set()))
            entry[0].update(req.extras)
            entry[1].append(req.specifier)
            entry[2].update(where)
    return found


def merge(into: Needs, needs: Needs) -> None:
    for name, (extras, specifiers, where) in needs.items():
        entry = into.setdefault(name, (set(), [], set()))
        entry[0].update(extras)
        entry[1].extend(specifiers)
        entry[2].update(where)


def preference(target: tuple[str, str]) -> tuple[bool, bool, tuple[str, str]]:
    """This machine's platform and Python first: the pins were resolved there."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (target[1] != HOME, target[0] != running, target)


def fetch(missing: Needs, args: argparse.Namespace) -> list[list[Any]]:
    """A release (newest that fits) of each missing distribution, for a target that needs it."""
    wanted: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for name, (_, specifiers, targets) in sorted(missing.items()):
        specifier = functools.reduce(lambda a, b: a & b, specifiers, SpecifierSet())
        wanted[name] = (f"{name}{specifier}", sorted(targets, key=preference))
    groups: dict[tuple[str, str], list[str]] = {}
    for name, (_, where) in wanted.items():
        groups.setdefault(where[0], []).append(name)
    found = []
    for target, names in sorted(groups.items()):
        got = resolve([wanted[n][0] for n in names], [], True, args, target)
        if got is not None:
            found += got
            continue
        for name in names:  # one of them fails there: each on its own, where it is needed
            text, where = wanted[name]
            attempts = [(text, t, True) for t in where] + [(text, where[0], False)]
            attempts.append((name, where[0], False))
            for text, target, binary_only in attempts:
                got = resolve([text], [], True, args, target, binary_only)
                if got is not None:
                    found += got
                    break
            else:
                sys.exit(f"reserved_names: pip finds no release of {text} for {where[0]}")
    return found


def complete(wheels: list[list[Any]], roots: list[str], args: argparse.Namespace) -> list[list]:
    """`wheels` and everything they and `roots` require on any target, recursively."""
    nodes: dict[str, list[list[Any]]] = {}
    for wheel in wheels:
        nodes.setdefault(canonical(wheel[0]), []).append(wheel)
    wanted: dict[str, set[str]] = {name: set() for name in nodes}
    done: dict[str, set[str]] = {}
    needs = dependencies(roots, set())
    while True:
        for name in sorted(nodes):
            extras = wanted.setdefault(name, set())
            if done.get(name) != extras:
                done[name] = set(extras)
                for wheel in nodes[name]:
                    merge(needs, dependencies(wheel[3], extras))
        missing: Needs = {}
        for name, (extras, specifiers, where) in needs.items():
            wanted.setdefault(name, set()).update(extras)
            if name not in nodes:
                missing[name] = (extras, specifiers, where)
        needs = {}
        if not missing and all(done.get(name) == wanted[name] for name in nodes):
            return [wheel for name in sorted(nodes) for wheel in nodes[name]]
        for wheel in fetch(missing, args):
            nodes.setdefault(canonical(wheel[0]), []).append(wheel)
        for name in missing:
            nodes.setdefault(name, [])


def index_versions(name: str, target: tuple[str, str], args: argparse.Namespace) -> list[str]:
    """The versions of `name` with a wheel for `target` on the index (cached with resolutions)."""
    python, platform = target
    command = [sys.executable, "-m", "pip", "index", "versions", name, "--python-version", python]
    command += ["--implementation", "cp", "--only-binary=:all:"]
    command += [f"--platform={tag}" for tag in PLATFORMS[platform][1]]
    key = hashlib.sha256(json.dumps(command[3:]).encode()).hexdigest()[:16]
    cache = load_json(CACHE / RESOLVED)
    USED.add(key)
    if key in cache and not args.refresh:
        return cache[key]
    if args.offline:
        raise OfflineMiss(f"no cached list of the releases of {name}")
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    line = re.search(r"^Available versions: (.*)$", result.stdout, re.MULTILINE)
    versions = line[1].split(", ") if line else []
    cache = load_json(CACHE / RESOLVED)
    cache[key] = versions
    (CACHE / RESOLVED).write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", "utf-8")
    return versions


def public_releases(wheels: list[list[Any]], args: argparse.Namespace) -> tuple[list, list]:
    """The index's release of each local build among `wheels` (torch 2.13.0+cpu), and notes.

    A local build may declare fewer dependencies than the release others install (the CPU wheel
    of torch has none of the CUDA ones of Linux: triton, nvidia-*): the release's wheel for
    Linux x86_64 is added, or, if the index has not that version, its nearest release's.
    """
    added, notes = [], []
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    for name, version, url, requires in wheels:
        local = Version(version)
        if local.local is None:
            continue
        target = (running, HOME)
        release, note = local.public, ""
        got = resolve([f"{name}==={release}"], [], True, args, target)
        if not got:
            releases = [Version(v) for v in index_versions(name, target, args)]
            releases = sorted(v for v in releases if v.local is None and not v.is_prerelease)
            if not releases:
                sys.exit(f"reserved_names: the index has no release of {name} for {target}")
            below = [v for v in releases if v <= local]
            release = str(below[-1] if below else releases[0])
            got = resolve([f"{name}==={release}"], [], True, args, target)
            if not got:
                sys.exit(f"reserved_names: pip finds no wheel of {name}=={release} for {target}")
            note = f" (the index has no {local.public}: its nearest release there)"
        own = {canonical(requirement(r).name) for r in requires}
        more = sorted({canonical(requirement(r).name) for w in got for r in w[3]} - own)
        folder = Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).parent
        notes.append(
            f"{name} {version}, the wheel pip takes from {folder} here, is a local build: what "
            f"{name} {release}{note} on the index requires besides ({', '.join(more) or 'none'}) "
            "is added too."
        )
        added += got
    return added, notes


# ---------------------------------------------------------------------------------------------
# Import names from the wheels' file lists


class HTTPRangeFile(io.RawIOBase):
    """A read-only file over HTTP range requests: zipfile reads just the central directory."""

    def __init__(self, url: str, context: ssl.SSLContext) -> None:
        self.url, self.context, self.pos = url, context, 0
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request, context=context, timeout=60) as response:
            self.size = int(response.headers["Content-Length"])
            if response.headers.get("Accept-Ranges") != "bytes":
                raise OSError("the server does not serve byte ranges")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: Any) -> int:
        end = min(self.pos + len(buffer), self.size)
        if end <= self.pos:
            return 0
        request = urllib.request.Request(self.url, headers={"Range": f"bytes={self.pos}-{end - 1}"})
        with urllib.request.urlopen(request, context=self.context, timeout=60) as response:
            if response.status != 206:
                raise OSError("the server sent the whole file instead of a range")
            data = response.read()
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)


def ssl_context() -> ssl.SSLContext:
    cafile = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    return ssl.create_default_context(cafile=cafile if cafile and Path(cafile).exists() else None)


def listing(wheel: zipfile.ZipFile) -> list[str]:
    """A wheel's file list, and the names its top_level.txt declares (as `top_level.txt:NAME`)."""
    files = wheel.namelist()
    declared = [f for f in files if f.count("/") == 1 and f.endswith(".dist-info/top_level.txt")]
    for path in declared:
        files += [f"top_level.txt:{n}" for n in wheel.read(path).decode().split()]
    return files


def wheel_files(url: str) -> list[str]:
    """The file list of the wheel at `url` (file:// or http(s)://), built first if a sdist."""
    parsed = urllib.parse.urlparse(url)
    if not parsed.path.endswith(".whl"):  # a source distribution (e.g. docopt): build it
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp, url]
            subprocess.run(command, check=True, capture_output=True)
            with zipfile.ZipFile(next(Path(tmp).glob("*.whl"))) as wheel:
                return listing(wheel)
    if parsed.scheme == "file":
        with zipfile.ZipFile(urllib.request.url2pathname(parsed.path)) as wheel:
            return listing(wheel)
    context = ssl_context()
    for attempt in range(3):  # a name lookup may fail now and then
        try:
            with zipfile.ZipFile(HTTPRangeFile(url, context)) as wheel:
                return listing(wheel)
        except (OSError, zipfile.BadZipFile) as error:
            failure = error
            time.sleep(2**attempt)
    print(f"range requests failed ({failure}): downloading {url}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / urllib.parse.unquote(Path(parsed.path).name)
        with urllib.request.urlopen(url, context=context, timeout=600) as response:
            target.write_bytes(response.read())
        with zipfile.ZipFile(target) as wheel:
            return listing(wheel)


def top_level(files: list[str]) -> list[str]:
    """The top-level import names a wheel installs into site-packages."""
    names = set()
    for path in files:
        if path.startswith("top_level.txt:"):  # declared by setuptools, e.g. _xxhash
            names.add(path.partition(":")[2].split("/")[0])
            continue
        parts = path.split("/")
        if parts[0].endswith(".data"):
            if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                continue  # scripts, headers, data: not in site-packages
            parts = parts[2:]
        elif parts[0].endswith(".dist-info"):
            continue
        if len(parts) == 1:  # a module file
            stem, _, suffix = parts[0].partition(".")
            name = stem if suffix == "py" or suffix.endswith(("so", "pyd")) else ""
        else:  # a package folder
            name = parts[0]
        if name.isidentifier() and name != "__pycache__":
            names.add(name)
    return sorted(names)


def import_names(wheels: list[list[Any]], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """{wheel file name: {name, version, imports}} for every resolved wheel (cached)."""
    cache_file = CACHE / "wheels-v2.json"
    cache = load_json(cache_file)
    todo = {}
    for name, version, url, *_ in wheels:
        filename = urllib.parse.unquote(Path(urllib.parse.urlparse(url).path).name)
        if filename not in cache:
            todo[filename] = (name, version, url)
    if todo and args.offline:
        raise OfflineMiss(f"{len(todo)} wheels not in the cache, e.g. {next(iter(todo))}")
    if todo:
        print(f"reading the file lists of {len(todo)} wheels", file=sys.stderr)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            lists = dict(zip(todo, pool.map(lambda t: wheel_files(t[2]), todo.values())))
        for filename, (name, version, _) in todo.items():
            cache[filename] = {
                "name": name,
                "version": version,
                "imports": top_level(lists[filename]),
            }
        CACHE.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    result = {}
    for _, _, url, *_ in wheels:
        filename = urllib.parse.unquote(Path(urllib.parse.urlparse(url).path).name)
        result[filename] = cache[filename]
    return result


# ---------------------------------------------------------------------------------------------
# The generated file


def collect(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, list[str]], list[str]]:
    """({normalized distribution: name}, {lower-case import name: [import name, dists...]}, notes)."""
    combos = combinations()
    pinned: set[str] = set()
    extra: set[str] = set()
    for answers in combos:
        combo_pins = pins(answers)
        pinned.update(combo_pins)
        extra |= unpinned(answers, combo_pins)
    wheels: list[list[Any]] = []
    for layer in layers({line: "" for line in pinned}):
        wheels += resolve(layer, [], no_deps=True, args=args) or []
    # The extras are installed on top of requirements.txt: resolved under its pins.
    constraints = layers({line: "" for line in pinned})[0]
    wheels += resolve(sorted(extra), constraints, no_deps=False, args=args) or []
    # The Makefile's side environment, if any: its own resolution.
    side = sorted(side_environment())
    if side:
        wheels += resolve(side, [], no_deps=False, args=args) or []
    wheels += venv_seeds()
    # pip resolved for this machine's Python and platform: add what the requirements' markers
    # bring in on the other python_version choices and platforms (and a local build's release).
    releases, notes = public_releases(wheels, args)
    wheels = complete(wheels + releases, sorted(extra) + side, args)
    distributions: dict[str, str] = {}
    providers: dict[str, tuple[str, set[str]]] = {}
    for info in import_names(wheels, args).values():
        distributions[canonical(info["name"])] = info["name"]
        for module in info["imports"]:
            _, dists = providers.setdefault(module.lower(), (module, set()))
            dists.add(info["name"])
    imports = {
        key: [shown, *sorted(dists, key=str.lower)] for key, (shown, dists) in providers.items()
    }
    return dict(sorted(distributions.items())), dict(sorted(imports.items())), notes


HEADER = """\
{{#- GENERATED by hooks/reserved_names.py: do not edit. Regenerate with
    `.venv/bin/python hooks/reserved_names.py` (check: `... --check`) after changing a pin in
    template/requirements.txt.jinja, the dependencies or extras of template/pyproject.toml.jinja,
    a side environment of template/Makefile.jinja or the choices of ml_framework, domain and
    python_version.

    The names a generated project installs, for every ml_framework and domain: requirements.txt,
    pyproject.toml's extras (resolved by pip under those pins), what the Makefile installs into a
    side environment ({side}), and what python -m venv seeds (pip, setuptools). A project
    distribution (project_slug) with one of these names would replace it at `pip install -e .`; a
    package (package_name) with one of these import names would shadow it.
{targets}
    distributions: PEP 503 name -> name as published ({n_dists}).
    imports: lower-case top-level import name -> [import name, distributions that install it]
    ({n_imports}), from each wheel's file list and top_level.txt; lower case, as macOS and
    Windows file systems do not tell 'PIL' from 'pil'. -#}}
"""


def jinja_literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def generate(distributions: dict[str, str], imports: dict[str, list[str]], notes: list[str]) -> str:
    targets = (
        f"One list for every python_version ({', '.join(choices('python_version'))}) and "
        f"platform ({', '.join(PLATFORMS)}): what the environment markers of the requirements "
        "bring in on any of them is added, recursively (the newest release that fits where "
        "nothing pins it)."
    )
    targets = textwrap.fill(
        " ".join([targets, *notes]),
        width=99,
        initial_indent="    ",
        subsequent_indent="    ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    side = ", ".join(sorted(side_environment())) or "none"
    header = HEADER.format(
        targets=targets, side=side, n_dists=len(distributions), n_imports=len(imports)
    )
    lines = [header.rstrip("\n")]
    # Each mapping is one JSON text read by from_json: Jinja compiles a text in about 1 ms, the
    # same mapping written as a Jinja dict literal in about 35 ms, on every `copier copy`.
    for name, mapping in (("distributions", distributions), ("imports", imports)):
        lines.append(f"{{%- set {name} = '{{")
        lines += [f"{jinja_literal(k)}: {jinja_literal(v)}," for k, v in mapping.items()]
        if any("'" in line or "\\" in line for line in lines[-len(mapping) :]):
            raise ValueError(f"a name of {name} holds a quote or a backslash: {mapping}")
        lines[-1] = lines[-1].rstrip(",")
        lines.append("}' | from_json -%}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    parser.add_argument("--offline", action="store_true", help="use the cache only")
    parser.add_argument("--refresh", action="store_true", help="resolve the extras again")
    args = parser.parse_args()
    try:
        distributions, imports, notes = collect(args)
    except OfflineMiss as error:
        print(f"reserved_names: the cache in {CACHE} is incomplete: {error}", file=sys.stderr)
        return 2
    text = generate(distributions, imports, notes)
    cache_file = CACHE / RESOLVED
    cache = load_json(cache_file)
    if not args.offline and set(cache) - USED:
        kept = {key: value for key, value in cache.items() if key in USED}
        cache_file.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if args.check:
        if text != current:
            print(
                f"{OUTPUT.relative_to(TEMPLATE)} is out of date: "
                "run `.venv/bin/python hooks/reserved_names.py`",
                file=sys.stderr,
            )
            return 1
        print(f"{OUTPUT.relative_to(TEMPLATE)} is up to date", file=sys.stderr)
        return 0
    if text != current:
        OUTPUT.write_text(text, encoding="utf-8")
    print(
        f"{OUTPUT.relative_to(TEMPLATE)}: {len(distributions)} distributions, "
        f"{len(imports)} import names",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

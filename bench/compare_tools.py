"""Compare: CITATION.cff -> derived metadata, ours against somesy, HERMES and cffconvert.

For each real CITATION.cff of the shared corpus (`../shared/corpus/cff/*.cff`, read only: each
run writes a copy into a fresh temporary folder), runs each tool without network access and
measures, per file and in total:

- whether it accepts the file (exit status, and the output actually written: cffconvert exits 0
  after "Conversion aborted"), CFF 1.1.0 files included;
- every DOI of the CFF (top-level ``doi`` and ``identifiers`` of type doi) in codemeta.json
  (``identifier``/``@id``/``sameAs``) and in .zenodo.json (``doi``, ``related_identifiers``);
- entity authors (CFF ``name:``) typed Organization in codemeta.json;
- a licence list written as one SPDX URL per licence in codemeta.json;
- the author order of codemeta.json (family name or entity name, in sequence);
- pyproject.toml ``[project].authors`` (count) where the tool writes it;
- CITATION.cff unchanged byte for byte, and, if it was rewritten, its DOIs and licence list;
- wall time per file (median of --runs fresh runs, each tool as a subprocess, interpreter start
  included) and failures that name the network.

The tools, each from its own virtual environment:

- ours: ``python -m <package>.fair derive`` of a project generated from this template (copy it
  first, see below), in a folder holding CITATION.cff and the project's pyproject.toml, README.md
  and LICENSE (the same seed for every tool).
- cffconvert 2.0.0: ``cffconvert -i CITATION.cff -f codemeta`` and ``-f zenodo``.
- HERMES (PyPI ``hermes``, softwarepub/hermes): ``hermes harvest|process|curate|deposit`` with a
  hermes.toml harvesting ``cff`` and depositing to ``file`` (hermes.json: the curated CodeMeta).
  Its cff harvester validates against the schema downloaded from citation-file-format.github.io,
  so the timed pipeline sets ``[harvest.cff] enable_validation = false``; the default (validating)
  harvest and an Invenio/Zenodo deposit (its only Zenodo mapping, which looks licences up on the
  server) are each tried once per file and recorded.
- somesy: its source is its own TOML (``.somesy.toml`` or ``[tool.somesy]``), not CITATION.cff
  (``somesy sync --help``; ``somesy init`` harvests pyproject.toml, package.json, ... only). This
  script writes a ``.somesy.toml`` from the CFF (title, abstract or else title as description,
  version, the first DOI in its one ``doi`` slot, licence, url, repository-code, keywords,
  persons as ``people`` and entities as ``entities``, all authors) and runs ``somesy sync`` with
  the real CITATION.cff as one of its targets, with codemeta.json and pyproject.toml.

Network: each command runs in a new network namespace (``unshare -rn``) when the system allows
it; otherwise with whatever network there is (said in the output). --allow-network skips it.

Usage (the venvs and the generated project as in the report; absent tools are skipped):
    python3.11 -m venv /tmp/cmp-somesy && /tmp/cmp-somesy/bin/pip install somesy
    python3.11 -m venv /tmp/cmp-hermes && /tmp/cmp-hermes/bin/pip install hermes
    python3.11 -m venv /tmp/cmp-cffconvert && /tmp/cmp-cffconvert/bin/pip install cffconvert==2.0.0
    cd /tmp && /work/main/.venv/bin/copier copy --trust --defaults --skip-tasks --vcs-ref HEAD \\
        -d package_name=cmp_pkg -d domain=life-science /work/main /tmp/cmp-ours
    python3.11 bench/compare_tools.py --json /tmp/compare_tools.json [--runs 3] \\
        [--ours /tmp/cmp-ours] [--ours-python /work/main/.venv/bin/python] \\
        [--somesy /tmp/cmp-somesy/bin/somesy] [--hermes /tmp/cmp-hermes/bin/hermes] \\
        [--cffconvert /tmp/cmp-cffconvert/bin/cffconvert] [--corpus ../shared/corpus/cff]
Needs Python >= 3.11 (tomllib) and PyYAML; prints a markdown table, writes per-file JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[1]
CORPUS = TEMPLATE.parent / "shared" / "corpus" / "cff"
TOOLS = ("ours", "somesy", "hermes", "cffconvert")
SEED = ("pyproject.toml", "README.md", "LICENSE", "LICENSES")
TIMEOUT = 300
NETWORK_ERROR = re.compile(
    r"NameResolutionError|name resolution|Name or service not known|Network is unreachable|"
    r"URLError|ConnectionError|Max retries exceeded|nodename nor servname",
    re.IGNORECASE,
)
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
HERMES_TOML = """[harvest]
sources = ["cff"]
{validation}
[deposit]
target = "{target}"
{deposit}"""
NO_VALIDATION = "\n[harvest.cff]\nenable_validation = false\n"
INVENIO = '\n[deposit.invenio]\nsite_url = "https://sandbox.zenodo.org"\nauth_token = "dummy"\n'


# ---------------------------------------------------------------- the CFF side: what to expect


def load_yaml(data: bytes) -> Any:
    """CITATION.cff parsed with PyYAML's safe loader, or None when it is not YAML."""
    try:
        return yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def bare_doi(value: Any) -> str:
    """A DOI without its resolver prefix, lower case (DOIs are case-insensitive)."""
    return DOI_PREFIX.sub("", str(value).strip()).lower()


def cff_dois(cff: dict[str, Any]) -> list[str]:
    """Every DOI of the work: top-level ``doi`` and ``identifiers`` of type doi, each once."""
    found = [bare_doi(cff["doi"])] if cff.get("doi") else []
    identifiers = cff.get("identifiers")
    for ident in identifiers if isinstance(identifiers, list) else []:
        if isinstance(ident, dict) and ident.get("type") == "doi" and ident.get("value"):
            found.append(bare_doi(ident["value"]))
    return list(dict.fromkeys(found))


def cff_authors(cff: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level authors that are mappings."""
    authors = cff.get("authors")
    return [a for a in authors if isinstance(a, dict)] if isinstance(authors, list) else []


def is_entity(author: dict[str, Any]) -> bool:
    """A CFF entity (``name:``) rather than a person (CFF 1.2.0 schema)."""
    return "name" in author


def last_word(text: Any) -> str:
    """The last word of a name, lower case: the key of a person in an author sequence."""
    words = str(text).lower().split()
    return words[-1] if words else ""


def cff_key(author: dict[str, Any]) -> str:
    """An author's key: the entity's whole name, else the last word of the family names."""
    if is_entity(author):
        return " ".join(str(author["name"]).lower().split())
    if author.get("family-names"):
        return last_word(author["family-names"])
    return " ".join(str(author.get("given-names", "")).lower().split())


def cff_licenses(cff: dict[str, Any]) -> list[str]:
    """The CFF licence ids, as a list."""
    value = cff.get("license")
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def expected(data: bytes) -> dict[str, Any]:
    """What a faithful conversion of CITATION.cff `data` keeps."""
    cff = load_yaml(data)
    if not isinstance(cff, dict):
        return {"parsed": False}
    authors = cff_authors(cff)
    return {
        "parsed": True,
        "cff_version": str(cff.get("cff-version", "")),
        "dois": cff_dois(cff),
        "entities": [cff_key(a) for a in authors if is_entity(a)],
        "authors": [cff_key(a) for a in authors],
        "licenses": cff_licenses(cff),
    }


# ------------------------------------------------------------ the output side: what was written


def read_json(path: Path) -> Any:
    """A JSON file, or None if absent or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def strings(value: Any) -> list[str]:
    """Every string in a JSON value (lists and mappings walked)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []


def codemeta_dois(codemeta: dict[str, Any]) -> set[str]:
    """The DOIs codemeta.json states as identifiers of the software."""
    found = set()
    for key in ("identifier", "@id", "id", "sameAs"):
        for text in strings(codemeta.get(key)):
            if "10." in text:
                found.add(bare_doi(text))
    return found


def zenodo_dois(zenodo: dict[str, Any]) -> set[str]:
    """The DOIs of .zenodo.json: ``doi`` and the identifiers of ``related_identifiers``."""
    found = {bare_doi(zenodo["doi"])} if zenodo.get("doi") else set()
    related = zenodo.get("related_identifiers")
    for item in related if isinstance(related, list) else []:
        if isinstance(item, dict) and "10." in str(item.get("identifier", "")):
            found.add(bare_doi(item["identifier"]))
    return found


def as_list(value: Any) -> list[Any]:
    """A JSON value as a list (None -> [])."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def jsonld_type(node: dict[str, Any]) -> str:
    """A node's type, compacted or not (HERMES writes ``type``, the others ``@type``)."""
    value = node.get("@type", node.get("type", ""))
    return str(value[0] if isinstance(value, list) and value else value)


def codemeta_key(author: dict[str, Any]) -> str:
    """An author's key in codemeta.json, comparable with :func:`cff_key`."""
    if author.get("familyName"):
        return last_word(strings(author["familyName"])[0])
    if author.get("name"):
        return " ".join(strings(author["name"])[0].lower().split())
    return " ".join(" ".join(strings(author.get("givenName"))).lower().split())


def license_urls(codemeta: dict[str, Any]) -> list[str]:
    """The licence values of codemeta.json as text (a URL each, if written well)."""
    return strings(as_list(codemeta.get("license")))


def pyproject_authors(path: Path) -> list[str] | None:
    """The names of pyproject.toml ``[project].authors``, or None."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    authors = data.get("project", {}).get("authors")
    return [str(a.get("name", "")) for a in authors] if isinstance(authors, list) else None


def measure(work: Path, original: bytes, want: dict[str, Any], tool: str) -> dict[str, Any]:
    """The checks on what one run of `tool` left in `work` (None: not applicable)."""
    out: dict[str, Any] = {}
    codemeta_name = "hermes.json" if tool == "hermes" else "codemeta.json"
    codemeta = read_json(work / codemeta_name)
    zenodo = read_json(work / ".zenodo.json")
    after = (work / "CITATION.cff").read_bytes() if (work / "CITATION.cff").is_file() else b""
    out["codemeta_written"] = isinstance(codemeta, dict)
    out["zenodo_written"] = isinstance(zenodo, dict)
    out["cff_unchanged"] = after == original
    if not want["parsed"]:
        return out
    dois, entities, licenses = want["dois"], want["entities"], want["licenses"]
    if isinstance(codemeta, dict):
        authors = [a for a in as_list(codemeta.get("author")) if isinstance(a, dict)]
        keys = [codemeta_key(a) for a in authors]
        types = {codemeta_key(a): jsonld_type(a) for a in authors}
        urls = license_urls(codemeta)
        found = codemeta_dois(codemeta)
        out["codemeta_dois_missing"] = [d for d in dois if d not in found] if dois else None
        out["entities_as_organization"] = (
            all(types.get(e) == "Organization" for e in entities) if entities else None
        )
        out["entity_types"] = {e: types.get(e) for e in entities} or None
        out["license_urls"] = urls
        out["license_list_ok"] = (
            len(urls) == len(licenses)
            and all(u.rstrip("/").endswith("/" + lic) for u, lic in zip(urls, licenses))
            if len(licenses) > 1
            else None
        )
        out["author_order_kept"] = keys == want["authors"] if want["authors"] else None
        if keys != want["authors"]:
            out["author_keys"] = keys
    if isinstance(zenodo, dict):
        found = zenodo_dois(zenodo)
        out["zenodo_dois_missing"] = [d for d in dois if d not in found] if dois else None
    names = pyproject_authors(work / "pyproject.toml") if tool in ("ours", "somesy") else None
    if names is not None:
        out["pyproject_authors"] = len(names)
        out["pyproject_authors_complete"] = len(names) == len(want["authors"])
    if not out["cff_unchanged"]:
        rewritten = load_yaml(after)
        if isinstance(rewritten, dict):
            kept = cff_dois(rewritten)
            out["cff_after_dois_missing"] = [d for d in dois if d not in kept] if dois else None
            out["cff_after_licenses"] = cff_licenses(rewritten)
            out["cff_after_license_list_kept"] = (
                cff_licenses(rewritten) == licenses if len(licenses) > 1 else None
            )
    return out


# ------------------------------------------------------------------------------- running tools


def venv_version(executable: Path, dist: str) -> str:
    """The installed version of `dist` in the venv of `executable`."""
    python = executable.parent / "python"
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    try:
        done = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as error:
        return f"unknown ({error})"
    return done.stdout.strip() or f"unknown ({done.stderr.strip()[-200:]})"


def no_network_prefix(allow: bool) -> tuple[list[str], str]:
    """The command prefix that cuts the network (``unshare -rn``), and what it does."""
    if allow:
        return [], "network allowed (--allow-network)"
    unshare = shutil.which("unshare")
    if unshare:
        ok = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
        if ok.returncode == 0:
            return [unshare, "-rn"], "no network: each command in a new network namespace"
    return [], "network NOT cut (unshare -rn unavailable): network failures may not show"


class Runner:
    """Runs the commands of one tool on one file in one folder, collecting their outcome."""

    def __init__(self, prefix: list[str], work: Path, env: dict[str, str] | None = None):
        self.prefix, self.work, self.env = prefix, work, env
        self.steps: list[dict[str, Any]] = []

    def run(self, *command: str) -> bool:
        """Run `command` in the work folder; record its status and last error line."""
        try:
            done = subprocess.run(
                [*self.prefix, *command],
                cwd=self.work,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            status, output = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired:
            status, output = -1, f"timeout after {TIMEOUT} s"
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        self.steps.append(
            {
                "command": " ".join(Path(command[0]).name.split() + list(command[1:])),
                "status": status,
                "network_error": bool(NETWORK_ERROR.search(output)),
                "last_line": lines[-1][:300] if lines else "",
            }
        )
        return status == 0


def toml_value(value: Any) -> str:
    """A TOML value for a string, boolean or list of strings (JSON string syntax is TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def somesy_input(cff: Any) -> str:
    """A ``.somesy.toml`` carrying what CITATION.cff says (as a user moving to somesy would)."""
    cff = cff if isinstance(cff, dict) else {}
    dois = cff_dois(cff)
    licenses = cff_licenses(cff)
    keywords = [str(k) for k in cff.get("keywords") or [] if k not in (None, "")]
    project = {
        "name": cff.get("title"),
        "description": cff.get("abstract") or cff.get("title"),
        "version": cff.get("version"),
        "doi": dois[0] if dois else None,
        "license": (licenses if len(licenses) > 1 else licenses[0]) if licenses else None,
        "homepage": cff.get("url"),
        "repository": cff.get("repository-code"),
        "keywords": keywords or None,
    }
    lines = ["[project]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in project.items() if v is not None]
    person_keys: tuple[str, ...] = (
        "given-names",
        "family-names",
        "name-particle",
        "name-suffix",
        "orcid",
    )
    person_keys += ("email", "affiliation", "alias")
    for author in cff_authors(cff):
        table, keys = (
            ("entities", ("name", "email", "website", "alias"))
            if is_entity(author)
            else ("people", person_keys)
        )
        lines += ["", f"[[project.{table}]]"]
        lines += [f"{k} = {toml_value(author[k])}" for k in keys if author.get(k) is not None]
        lines.append("author = true")
    return "\n".join(lines) + "\n"


def run_tool(tool: str, exe: dict[str, Path], prefix: list[str], work: Path) -> Runner:
    """Run `tool` once in `work` (CITATION.cff and the seed files already there)."""
    if tool == "ours":
        package = exe["package"].name
        env = {**os.environ, "PYTHONPATH": str(exe["package"].parent)}
        runner = Runner(prefix, work, env)
        runner.run(str(exe["ours_python"]), "-m", f"{package}.fair", "derive", "--root", ".")
    elif tool == "cffconvert":
        runner = Runner(prefix, work)
        for fmt, name in (("codemeta", "codemeta.json"), ("zenodo", ".zenodo.json")):
            runner.run(str(exe["cffconvert"]), "-i", "CITATION.cff", "-f", fmt, "-o", name)
    elif tool == "somesy":
        runner = Runner(prefix, work)
        cff = load_yaml((work / "CITATION.cff").read_bytes())
        (work / ".somesy.toml").write_text(somesy_input(cff), encoding="utf-8")
        runner.run(str(exe["somesy"]), "sync")
    else:
        runner = Runner(prefix, work)
        hermes = str(exe["hermes"])
        text = HERMES_TOML.format(validation=NO_VALIDATION, target="file", deposit="")
        (work / "hermes.toml").write_text(text, encoding="utf-8")
        for step in ("harvest", "process", "curate", "deposit"):
            if not runner.run(hermes, step):
                break
    return runner


def hermes_probes(exe: Path, prefix: list[str], work: Path) -> dict[str, Any]:
    """HERMES's two network-bound steps, once per file: the default validating harvest, and an
    Invenio (Zenodo) deposit after an offline harvest/process/curate."""
    out: dict[str, Any] = {}
    text = HERMES_TOML.format(validation="", target="file", deposit="")
    (work / "hermes.toml").write_text(text, encoding="utf-8")
    runner = Runner(prefix, work)
    runner.run(str(exe), "harvest")
    out["validating_harvest"] = runner.steps[-1]
    shutil.rmtree(work / ".hermes", ignore_errors=True)
    text = HERMES_TOML.format(validation=NO_VALIDATION, target="invenio", deposit=INVENIO)
    (work / "hermes.toml").write_text(text, encoding="utf-8")
    runner = Runner(prefix, work)
    if all(runner.run(str(exe), step) for step in ("harvest", "process", "curate")):
        runner.run(str(exe), "deposit")
        out["invenio_deposit"] = runner.steps[-1]
        deposit = read_json(work / ".hermes" / "deposit" / "invenio" / "deposit.json")
        out["invenio_deposit_written"] = isinstance(deposit, dict)
    else:
        out["invenio_deposit"] = runner.steps[-1]
    return out


def fresh(work_root: Path, source: Path, ours: Path | None) -> Path:
    """A new folder holding the CITATION.cff copy and the seed files of the generated project."""
    work = Path(tempfile.mkdtemp(dir=work_root))
    shutil.copyfile(source, work / "CITATION.cff")  # contents only: the copy is writable
    if ours is None:
        return work
    for name in SEED:
        path = ours / name
        if path.is_dir():
            shutil.copytree(path, work / name)
        elif path.is_file():
            shutil.copyfile(path, work / name)
    return work


def one_file(
    source: Path, tools: dict[str, Path], exe: dict[str, Path], prefix: list[str], runs: int
) -> dict[str, Any]:
    """Every tool on one corpus file: the checks of the first run and the median time."""
    original = source.read_bytes()
    want = expected(original)
    result: dict[str, Any] = {"file": source.name, "expected": want, "tools": {}}
    ours = exe.get("package")
    seed = ours.parents[1] if ours else None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for tool in tools:
            times, first = [], None
            for i in range(runs):
                work = fresh(root, source, seed)
                start = time.perf_counter()
                runner = run_tool(tool, exe, prefix, work)
                times.append(time.perf_counter() - start)
                if i == 0:
                    first = measure(work, original, want, tool)
                    first["steps"] = runner.steps
                    first["accepted"] = (
                        all(s["status"] == 0 for s in runner.steps) and (first["codemeta_written"])
                    )
                    first["network_error"] = any(s["network_error"] for s in runner.steps)
                shutil.rmtree(work)
            assert first is not None
            first["seconds"] = statistics.median(times)
            if tool == "hermes":
                first["probes"] = hermes_probes(tools["hermes"], prefix, fresh(root, source, None))
            result["tools"][tool] = first
    return result


# ------------------------------------------------------------------------------------ summary


def schema_column(corpus: Path) -> dict[str, str]:
    """The ``schema`` column (valid/invalid) of the corpus's SOURCES.md, by file name."""
    out: dict[str, str] = {}
    sources = corpus / "SOURCES.md"
    if not sources.is_file():
        return out
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 5 and cells[0].endswith(".cff"):
            out[cells[0]] = cells[5]
    return out


def count(results: list[dict[str, Any]], tool: str, key: str, accepted_only: bool = True) -> str:
    """'n/m': files whose `key` is true (or an empty list) among the m where it applies."""
    hits = total = 0
    for r in results:
        t = r["tools"].get(tool)
        if t is None or (accepted_only and not t.get("accepted")) or t.get(key) is None:
            continue
        total += 1
        value = t[key]
        hits += value == [] if isinstance(value, list) else bool(value)
    return f"{hits}/{total}"


def summary(results: list[dict[str, Any]], tools: list[str], schema: dict[str, str]) -> str:
    """The markdown table: one row per measure, one column per tool."""

    def accepted(tool: str, pick) -> str:
        chosen = [r for r in results if pick(r)]
        hits = sum(bool(r["tools"][tool].get("accepted")) for r in chosen)
        return f"{hits}/{len(chosen)}"

    def seconds(tool: str) -> str:
        values = [r["tools"][tool]["seconds"] for r in results]
        return f"{sum(values):.1f} s (median {statistics.median(values):.2f} s)"

    def network(tool: str) -> str:
        n = sum(bool(r["tools"][tool].get("network_error")) for r in results)
        if tool != "hermes":
            return f"{n} failures"
        probes = [r["tools"][tool].get("probes", {}) for r in results]
        v = sum(p.get("validating_harvest", {}).get("network_error", False) for p in probes)
        z = sum(p.get("invenio_deposit", {}).get("network_error", False) for p in probes)
        return f"{n} (timed, validation off); validating harvest {v}, Zenodo deposit {z}"

    rows = [
        (
            "reads CITATION.cff as its source",
            lambda t: "no (.somesy.toml)" if t == "somesy" else "yes",
        ),
        ("accepted (ran, wrote codemeta)", lambda t: accepted(t, lambda r: True)),
        (
            "... schema-valid files",
            lambda t: accepted(t, lambda r: schema.get(r["file"]) == "valid"),
        ),
        (
            "... schema-invalid files",
            lambda t: accepted(t, lambda r: schema.get(r["file"]) == "invalid"),
        ),
        (
            "... CFF 1.1.0 files",
            lambda t: accepted(t, lambda r: r["expected"].get("cff_version") == "1.1.0"),
        ),
        ("all DOIs in codemeta", lambda t: count(results, t, "codemeta_dois_missing")),
        ("all DOIs in .zenodo.json", lambda t: count(results, t, "zenodo_dois_missing")),
        ("entities typed Organization", lambda t: count(results, t, "entities_as_organization")),
        ("licence list: one URL each", lambda t: count(results, t, "license_list_ok")),
        ("author order kept (codemeta)", lambda t: count(results, t, "author_order_kept")),
        ("pyproject authors complete", lambda t: count(results, t, "pyproject_authors_complete")),
        ("CITATION.cff unchanged", lambda t: count(results, t, "cff_unchanged", False)),
        ("rewritten CFF kept all DOIs", lambda t: count(results, t, "cff_after_dois_missing")),
        (
            "rewritten CFF kept licence list",
            lambda t: count(results, t, "cff_after_license_list_kept"),
        ),
        ("network failures", network),
        ("wall time, sum of per-file medians", seconds),
    ]
    lines = ["| measure | " + " | ".join(tools) + " |", "|---" * (len(tools) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(fn(t) for t in tools) + " |" for name, fn in rows]
    lines.append(
        "\nn/m: files passing among the m accepted files where the measure applies "
        "(a DOI, an entity author, a licence list, a rewritten CITATION.cff...)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every available tool on every corpus file; print the table, write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path, required=True, help="per-file results (JSON)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per file and tool")
    parser.add_argument("--ours", type=Path, default=Path("/tmp/cmp-ours"), help="project")
    parser.add_argument("--ours-python", type=Path, default=TEMPLATE / ".venv" / "bin" / "python")
    parser.add_argument("--somesy", type=Path, default=Path("/tmp/cmp-somesy/bin/somesy"))
    parser.add_argument("--hermes", type=Path, default=Path("/tmp/cmp-hermes/bin/hermes"))
    parser.add_argument(
        "--cffconvert", type=Path, default=Path("/tmp/cmp-cffconvert/bin/cffconvert")
    )
    parser.add_argument("--only", nargs="*", help="corpus file names (default: all)")
    parser.add_argument("--allow-network", action="store_true", help="do not cut the network")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.cff"))
    if args.only:
        files = [f for f in files if f.name in args.only or f.stem in args.only]
    if not files:
        print(f"no CITATION.cff files in {args.corpus}: pass --corpus", file=sys.stderr)
        return 2
    exe: dict[str, Path] = {}
    tools: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    versions: dict[str, str] = {}
    packages = [p.parent for p in (args.ours / "src").glob("*/fair/derive.py")]
    if packages and args.ours_python.is_file():
        exe["package"], exe["ours_python"] = packages[0].parent, args.ours_python
        tools["ours"] = args.ours_python
        versions["ours"] = f"copier4fair project {args.ours} ({packages[0].parent.name})"
    else:
        skipped["ours"] = f"no generated project at {args.ours} or no {args.ours_python}"
    for tool, dist in (("somesy", "somesy"), ("hermes", "hermes"), ("cffconvert", "cffconvert")):
        path = getattr(args, tool)
        if path.is_file():
            exe[tool] = tools[tool] = path
            versions[tool] = venv_version(path, dist)
        else:
            skipped[tool] = f"{path} not found"
    prefix, network = no_network_prefix(args.allow_network)
    print(f"{len(files)} files, {args.runs} runs each; {network}")
    for tool, version in versions.items():
        print(f"  {tool}: {version}")
    for tool, reason in skipped.items():
        print(f"  {tool}: skipped ({reason})")
    results = []
    for source in files:
        start = time.perf_counter()
        results.append(one_file(source, tools, exe, prefix, args.runs))
        print(f"  {source.name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    schema = schema_column(args.corpus)
    for r in results:
        r["schema"] = schema.get(r["file"], "")
    print(summary(results, list(tools), schema))
    report = {
        "corpus": str(args.corpus),
        "runs": args.runs,
        "network": network,
        "versions": versions,
        "skipped": skipped,
        "files": results,
    }
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"per-file results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

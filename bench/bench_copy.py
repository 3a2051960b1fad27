"""Benchmark: `copier copy` and `copier update`, and where the time of a copy goes.

Measured side by side in one run, on a git snapshot of the template's work tree (copied to a
temporary folder, committed and tagged 1.0.0, then 1.0.1 with one changed file):

1. as a user runs them (the CLI, `--defaults` and two `-d` answers, so that the key check
   runs too): `copier copy` with its task and with `--skip-tasks`, interleaved run by run, and
   the difference (the task as the user waits for it);
2. the same copy in this process (`copier.run_copy`), instrumented by wrapping
   `jinja2.Environment.compile`, `subprocess.Popen`, Copier's `Question.render_value` and a
   few methods of its `Worker`: the template's own work (the Jinja of copier.yml's questions:
   defaults, validators, `when`, and the includes they import; the task: hooks/post_generate.py
   with hooks/check_data_keys.py in it), and the costs that are Copier's (the `git`
   subprocesses it starts, compiling the template files and the same strings again and again,
   plain values included, reading copier.yml); one warm-up run is not counted;
3. `copier update --trust --defaults` in a real git project from 1.0.0 to 1.0.1, reset between
   runs (the answer-change hook and the metadata check included).

Prints medians and the spread; speed targets live here, not in the tests: the template's own
work should take at most 100 ms (issue 17). The wrapped names are Copier 9.x internals: a
Copier that renames them fails here with an AttributeError.
Usage: python bench/bench_copy.py [--runs 7] [--template PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1]
#: Answers given with -d: the key check (hooks/check_data_keys.py) runs only when some are given.
ANSWERS = {"author_given_names": "Anna", "author_family_names": "Berg"}
#: The template's own work should take at most this long on top of Copier (issue 17).
TARGET_OWN_S = 0.100

GIT_ID = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ID}
    )


def snapshot(template: Path, repo: Path) -> None:
    """Commit the work tree of `template` to a new git repository `repo`: tags 1.0.0, 1.0.1."""
    shutil.copytree(
        template, repo, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__")
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.0.0")
    git(repo, "tag", "1.0.0")
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n<!-- 1.0.1 -->\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "1.0.1")
    git(repo, "tag", "1.0.1")


def copy_cli(copier: Path, template: Path, ref: str, dst: Path, *extra: str) -> float:
    """Run one `copier copy` as a user would (the CLI); return seconds."""
    data = [arg for key, value in ANSWERS.items() for arg in ("-d", f"{key}={value}")]
    start = time.perf_counter()
    subprocess.run(
        [str(copier), "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", ref, *data]
        + [*extra, str(template), str(dst)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def update_times(copier: Path, repo: Path, project: Path, runs: int) -> list[float]:
    """Time `copier update` from tag 1.0.0 to 1.0.1 of the snapshot `repo`, `runs` times."""
    copy_cli(copier, repo, "1.0.0", project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "start")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [str(copier), "update", "--trust", "--defaults", "--quiet"],
            cwd=project,
            check=True,
            capture_output=True,
            env={**os.environ, **GIT_ID},
        )
        times.append(time.perf_counter() - start)
        git(project, "reset", "-q", "--hard", "HEAD")
        git(project, "clean", "-qfd")
    return times


class Probe:
    """Wraps functions of Copier, Jinja and subprocess in this process and adds up their time.

    `seconds[key]` and `counts[key]` per measure; `strings` counts each Jinja source compiled
    from a string (a question's expression, a path, a task's argument) by its text.
    """

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()
        self.strings: Counter[str] = Counter()
        self._in_question = 0
        self._processes: dict[int, tuple[str, float]] = {}

    def add(self, key: str, seconds: float) -> None:
        self.seconds[key] += seconds
        self.counts[key] += 1

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Install the wrappers for the duration of the block."""
        import jinja2
        from copier import _main, _template, _user_data

        patches: list[tuple[Any, str, Callable[..., Any]]] = [
            (jinja2.Environment, "compile", self._compile),
            (_user_data.Question, "render_value", self._render_value),
            (_main.Worker, "_execute_tasks", self._timed("tasks")),
            (_main.Worker, "_ask", self._timed("questions (Copier's loop)")),
            (_main.Worker, "_render_template", self._timed("rendering the files")),
            (subprocess.Popen, "__init__", self._popen_init),
            (subprocess.Popen, "wait", self._popen_wait),
        ]
        originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
        load = _template.load_template_config
        _template.load_template_config = self._wrap("reading copier.yml", load)
        for (owner, name, wrapper), (_, _, original) in zip(patches, originals, strict=True):
            setattr(owner, name, wrapper(original))
        try:
            yield
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)
            _template.load_template_config = load

    def _wrap(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(key, time.perf_counter() - start)

        return wrapper

    def _timed(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return lambda function: self._wrap(key, function)

    def _compile(self, original: Callable[..., Any]) -> Callable[..., Any]:
        probe = self

        def compiled(env: Any, source: str, name: str | None = None, *args: Any, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(env, source, name, *args, **kw)
            finally:
                seconds = time.perf_counter() - start
                if name is None:
                    probe.strings[source] += 1
                    jinja = any(mark in source for mark in ("{{", "{%", "{#"))
                    kind = "expressions" if jinja else "plain values"
                elif name.startswith("includes/"):
                    kind = "includes"
                    probe.add(f"include {name}", seconds)
                else:
                    kind = "template files"
                where = "in questions" if probe._in_question else "elsewhere"
                probe.add(f"compile {kind} {where}", seconds)

        return compiled

    def _render_value(self, original: Callable[..., Any]) -> Callable[..., Any]:
        probe = self

        def render_value(question: Any, *args: Any, **kwargs: Any) -> Any:
            probe._in_question += 1
            start = time.perf_counter()
            try:
                return original(question, *args, **kwargs)
            finally:
                probe._in_question -= 1
                if not probe._in_question:
                    probe.add("question expressions", time.perf_counter() - start)

        return render_value

    def _popen_init(self, original: Callable[..., Any]) -> Callable[..., Any]:
        probe = self

        def init(process: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
            start = time.perf_counter()
            original(process, args, *rest, **kwargs)
            argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
            program = Path(os.fsdecode(argv[0])).name if argv else "?"
            key = f"git {os.fsdecode(argv[1])}" if program == "git" and len(argv) > 1 else program
            probe._processes[id(process)] = (key, start)

        return init

    def _popen_wait(self, original: Callable[..., Any]) -> Callable[..., Any]:
        probe = self

        def wait(process: Any, *args: Any, **kwargs: Any) -> Any:
            code = original(process, *args, **kwargs)
            started = probe._processes.pop(id(process), None)
            if started is not None:
                key, start = started
                probe.add(f"process {key}", time.perf_counter() - start)
            return code

        return wait


@contextmanager
def silenced() -> Iterator[None]:
    """Send this process's standard output and error (the tasks' too) to /dev/null."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def copy_in_process(repo: Path, dst: Path) -> Probe:
    """One `copier.run_copy` with its tasks, instrumented; return the probe."""
    from copier import run_copy

    probe = Probe()
    with probe.installed(), silenced():
        start = time.perf_counter()
        run_copy(
            str(repo),
            str(dst),
            data=dict(ANSWERS),
            defaults=True,
            unsafe=True,
            vcs_ref="HEAD",
            quiet=True,
        )
        probe.add("total", time.perf_counter() - start)
    return probe


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, max {max(times):.2f} s, {len(times)} runs)"
    )


def report(probes: list[Probe]) -> list[str]:
    """The breakdown of the in-process copies: medians over the runs."""

    def seconds(key: str) -> list[float]:
        return [p.seconds[key] for p in probes]

    def ms(key: str) -> str:
        return median_ms(seconds(key))

    def count(key: str) -> int:
        return round(statistics.median(p.counts[key] for p in probes))

    def prefixed(prefix: str) -> list[float]:
        return [sum(s for k, s in p.seconds.items() if k.startswith(prefix)) for p in probes]

    def prefixed_count(prefix: str) -> int:
        counts = [sum(n for k, n in p.counts.items() if k.startswith(prefix)) for p in probes]
        return round(statistics.median(counts))

    # Copier compiles every plain value of a question (`type: str`, `when: true`, each choice)
    # as a template too, each time it reads it: its cost, not the template's.
    plain = seconds("compile plain values in questions")
    questions = [q - c for q, c in zip(seconds("question expressions"), plain, strict=True)]
    own = [q + t for q, t in zip(questions, seconds("tasks"), strict=True)]
    met = "met" if statistics.median(own) <= TARGET_OWN_S else "missed"
    python = [p.seconds["process python"] / max(p.counts["process python"], 1) for p in probes]
    includes = sorted({k for p in probes for k in p.seconds if k.startswith("include ")})
    totals = seconds("total")
    return [
        (
            f"in-process copy (copier.run_copy, tasks included): median {ms('total')} "
            f"(min {min(totals) * 1000:.0f} ms, {len(probes)} runs)"
        ),
        (
            f"  the template's own work: median {median_ms(own)} "
            f"(target {TARGET_OWN_S * 1000:.0f} ms: {met})"
        ),
        (
            f"    copier.yml's question expressions (defaults, validators, when): "
            f"{median_ms(questions)}; in it compiling the expressions "
            f"{ms('compile expressions in questions')} ({count('compile expressions in questions')})"
            f" and the includes they import {ms('compile includes in questions')}: "
            + ", ".join(f"{k.split('/')[-1]} {ms(k)}" for k in includes)
        ),
        (
            f"    the tasks: {ms('tasks')} ({count('process python')} Python process, "
            f"{median_ms(python)} each)"
        ),
        "  Copier's own costs:",
        (
            f"    git subprocesses: {prefixed_count('process git')} per copy, "
            f"{median_ms(prefixed('process git'))} in all; `git config` (one per rendered "
            f"file): {count('process git config')}, {ms('process git config')}"
        ),
        (
            f"    compiling Jinja: the template files {ms('compile template files elsewhere')} "
            f"({count('compile template files elsewhere')}); strings (paths, task arguments) "
            f"{median_ms(prefixed('compile expressions elsewhere'))} and plain values "
            f"{median_ms(prefixed('compile plain values'))}, "
            f"{sum(probes[0].strings.values())} compiles of {len(probes[0].strings)} distinct "
            "strings (Copier compiles a string each time it renders it, and a question's plain "
            "values too)"
        ),
        f"    reading copier.yml (PyYAML's pure-Python SafeLoader): {ms('reading copier.yml')}",
        f"    rendering the files (git config and compiling included): {ms('rendering the files')}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--template", type=Path, default=TEMPLATE, help="the template's folder")
    args = parser.parse_args()
    copier = Path(sys.executable).with_name("copier")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        repo = tmp / "template"
        snapshot(args.template.resolve(), repo)
        with_tasks, skipped = [], []
        for i in range(args.runs):
            with_tasks.append(copy_cli(copier, repo, "HEAD", tmp / f"t{i}"))
            skipped.append(copy_cli(copier, repo, "HEAD", tmp / f"s{i}", "--skip-tasks"))
        copy_in_process(repo, tmp / "warm-up")
        probes = [copy_in_process(repo, tmp / f"p{i}") for i in range(args.runs)]
        updates = update_times(copier, repo, tmp / "update", args.runs)
    answers = " ".join(f"-d {k}={v}" for k, v in ANSWERS.items())
    print(summary(f"copier copy --trust --defaults {answers}", with_tasks))
    print(summary("  the same with --skip-tasks", skipped))
    tasks = [a - b for a, b in zip(with_tasks, skipped, strict=True)]
    print(f"  the tasks as the user waits for them: median {median_ms(tasks)} (run by run)")
    print("\n".join(report(probes)))
    print(summary("copier update --trust --defaults", updates))
    return 0


if __name__ == "__main__":
    sys.exit(main())

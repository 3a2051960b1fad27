"""Command line of the FAIR tooling: ``python -m <package>.fair derive|check-metadata|scorecard``.

One implementation for the Copier tasks, `make metadata`, `make check-metadata` and CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..files import write_text
from .checks import DISAGREE, FIX_DERIVED, check_metadata
from .findings import Finding, Report
from .scorecard import Scorecard, fair_report, same_but_time, scorecard


def _count(n: int, noun: str) -> str:
    """'1 error', '2 errors'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


#: More disagreements with CITATION.cff than this (all fixed by `make metadata`) are printed
#: as one line that counts them per file; `check-metadata --json` still lists each.
LISTED_DISAGREEMENTS = 3


def _disagrees(finding: Finding) -> bool:
    """Whether `make metadata` mends the finding: a field out of date with CITATION.cff.

    In codemeta.json, .zenodo.json, pyproject.toml, the prose blocks, the RO-Crate's entities
    or the model cards' headers, which `make metadata` writes from CITATION.cff.
    """
    return finding.fix == FIX_DERIVED or finding.message.endswith(DISAGREE)


def _disagreements(errors: list[Finding]) -> str | None:
    """One line for the files `make metadata` would rewrite, when they disagree in many fields.

    A CITATION.cff edited or replaced by another one puts every derived file out of date: one
    line with the fix says more than one line for each field.

    Args:
        errors: the report's errors.

    Returns:
        The line, or None when at most `LISTED_DISAGREEMENTS` errors are disagreements
        (`_disagrees`: they are printed one by one).
    """
    stale = [f for f in errors if _disagrees(f)]
    if len(stale) <= LISTED_DISAGREEMENTS:
        return None
    files: dict[str, int] = {}
    for finding in stale:
        files[finding.file] = files.get(finding.file, 0) + 1
    counted = ", ".join(f"{name} ({_count(n, 'field')})" for name, n in files.items())
    return (
        f"{'ERROR':7} {_count(len(files), 'file')} disagree with CITATION.cff in "
        f"{len(stale)} fields: {counted}: CITATION.cff changed since they were written. "
        "Fix: run `make metadata` to write them from CITATION.cff"
    )


def print_report(report: Report, root: Path, stream=sys.stdout) -> None:
    """Print the findings for people: errors first, then warnings as next steps.

    Many disagreements with CITATION.cff (`FIX_DERIVED`) are printed as one line
    (`_disagreements`).

    Args:
        report: the metadata checker's report.
        root: the project folder, named in the heading.
        stream: where to print (default: standard output).
    """
    print(f"Metadata check of {root.resolve()}", file=stream)
    print(f"  validation: {report.validation}", file=stream)
    summed = _disagreements(report.errors)
    for finding in report.errors:
        if summed is None or not _disagrees(finding):
            print("  " + finding.line(), file=stream)
    if summed is not None:
        print("  " + summed, file=stream)
    if report.warnings:
        print("  Next steps before publishing:", file=stream)
        for finding in report.warnings:
            print("  " + finding.line(), file=stream)
    if report.ok:
        print(f"  OK: no errors ({_count(len(report.warnings), 'warning')}).", file=stream)
    else:
        count = _count(len(report.errors), "error")
        print(
            f"  FAILED: {count}. Every file was left as it is: fix the "
            "fields named above, then re-run `make check-metadata`.",
            file=stream,
        )


STATUS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}


def print_scorecard(card: Scorecard, root: Path, stream=sys.stdout) -> None:
    """Print the scorecard as a table, with the fix under every line that does not pass.

    Args:
        card: the scorecard.
        root: the project folder, named in the heading.
        stream: where to print (default: standard output).
    """
    print(f"FAIR scorecard of {root.resolve()}", file=stream)
    print(f"  {'principle':9} {'subject':7} {'status':6} check / evidence", file=stream)
    for check in card.checks:
        print(
            f"  {check.principle:9} {check.subject:7} {STATUS[check.status]:6} {check.title}: "
            f"{check.evidence}",
            file=stream,
        )
        if check.fix:
            print(f"  {'':9} {'':7} {'':6} fix: {check.fix}", file=stream)
    counts = card.counts()
    verdict = "FAILED" if card.failed else "OK"
    print(
        f"  {verdict}: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail.",
        file=stream,
    )


def run_derive(root: Path, stream=sys.stdout) -> int:
    """Derive the metadata files from CITATION.cff (`make metadata`) and say what was written.

    Args:
        root: the project folder.
        stream: where to print (default: standard output).

    Returns:
        0, or 1 when CITATION.cff is missing or invalid (then nothing is written and the
        errors are printed).

    Raises:
        OSError: a derived file could not be read or written.
    """
    from .derive import DeriveError, derive

    try:
        done = derive(root)
    except DeriveError as error:
        print(f"Metadata derivation of {root.resolve()}", file=stream)
        for finding in error.report.errors:
            print("  " + finding.line(), file=stream)
        count = _count(len(error.report.errors), "error")
        print(f"  FAILED: {count}; no file was written.", file=stream)
        return 1
    for name in done.written:
        print(f"wrote {name} from CITATION.cff", file=stream)
    if done.unchanged:
        print(f"up to date: {', '.join(done.unchanged)}", file=stream)
    for note in done.notes:
        print(f"note: {note}", file=stream)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a FAIR command: check-metadata, derive or scorecard.

    Args:
        argv: the command-line arguments; default: those of the process.

    Returns:
        The exit code: 0 when all is well, 1 when errors were found (or, with `--strict`,
        warnings), 2 when `--root` is not a folder.

    Raises:
        SystemExit: the arguments are wrong, or `--help` was asked for (argparse).
        OSError: a file could not be read or written.
    """
    args = _parser().parse_args(argv)
    if not args.root.is_dir():
        print(f"error: --root {args.root}: no such folder", file=sys.stderr)
        return 2
    if args.command == "derive":
        return run_derive(args.root)
    if args.command == "scorecard":
        card = scorecard(args.root)
        print_scorecard(card, args.root)
        document = fair_report(args.root, card)
        if not same_but_time(args.root / args.output, document):
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
            write_text(args.root / args.output, text)
        return 1 if card.failed else 0
    report = check_metadata(args.root)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report, args.root)
    failed = not report.ok or (args.strict and report.warnings)
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    """The parser of the command line: its three commands and their options."""
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-metadata",
        help="validate CITATION.cff and check that the other metadata files agree with it",
    )
    check.add_argument("--root", type=Path, default=Path("."), help="project folder")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument(
        "--strict", action="store_true", help="treat warnings (placeholders) as errors"
    )
    derive_cmd = commands.add_parser(
        "derive",
        help="write codemeta.json, .zenodo.json, pyproject.toml [project], the RO-Crate and the "
        "model card authors from CITATION.cff (CITATION.cff is never written)",
    )
    derive_cmd.add_argument("--root", type=Path, default=Path("."), help="project folder")
    fair = commands.add_parser(
        "scorecard", help="score the project against the FAIR principles and the Les Houches items"
    )
    fair.add_argument("--root", type=Path, default=Path("."), help="project folder")
    fair.add_argument(
        "--output",
        type=Path,
        default=Path("reports") / "fair.json",
        help="where to write the JSON result, relative to --root (default reports/fair.json)",
    )
    return parser

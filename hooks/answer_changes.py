"""After `copier update`: keep the user's work safe from changed answers.

Copier runs this first after every update (a migration of the `after` stage), in the project,
before any other migration. The project was committed before the update (Copier refuses a dirty
work tree), so `HEAD` holds its state before the update and `.copier-answers.yml` at `HEAD` the
old answers. Two rules:

1. Nothing the user made is deleted. Copier deletes every file the old template version rendered
   that the new version (with the new answers) does not: a changed `package_name` deletes
   `src/<old>/`, a changed `domain` `data/ntuple.py`, a changed author name the notebook named
   by the initials. When a deleted file holds the user's work (its content at `HEAD` is not what
   the old template version rendered with the old answers), or the user's own files stay behind
   in a folder the update emptied of the template's files, the update is undone: every file is
   put back as it was at `HEAD`, and the message names the files and how to make the change
   safely. Files that are the template's text, unedited, are deleted as the new answers ask.
2. An answer whose effect lives in a file that is the user's (`_skip_if_exists` in copier.yml,
   e.g. `data_source` in `config/pipeline.yaml`), which Copier never changes, is applied there:
   the change between the new template version rendered with the old answers and with the new
   answers is merged into the user's file with `git merge-file`, so every other line stays byte
   for byte. Where it overlaps the user's own edits the file is left alone and the change is
   written beside it as `<file>.rej` (a unified diff, which the project's pre-commit hook
   refuses until it is dealt with), and the lines to change are printed.

When no answer changed and no tracked file was deleted, it does nothing (no rendering).
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

#: How many lines of an answer's change are printed for a file it could not be merged into.
SHOWN_LINES = 12


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root` without its hooks; return the completed process (bytes).

    Raises:
        subprocess.CalledProcessError: with `check`, when git exits non-zero.
    """
    return subprocess.run(
        ["git", "-c", f"core.hooksPath={os.devnull}", *args],
        cwd=root,
        capture_output=True,
        check=check,
    )


def at_head(root: Path, path: str) -> bytes | None:
    """The content of `path` (relative to `root`) at HEAD, or None if HEAD has no such file."""
    proc = git(root, "show", f"HEAD:./{path}", check=False)
    return proc.stdout if proc.returncode == 0 else None


def questions(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to questions, without Copier's own keys (`_commit`, `_src_path`)."""
    return {key: value for key, value in answers.items() if not key.startswith("_")}


def render(template: str, ref: str, answers: dict[str, Any], into: Path) -> Path:
    """Render the template at `ref` with `answers` into the new folder `into`; return it.

    The template's tasks are skipped; nothing outside `into` is written.

    Raises:
        Exception: whatever Copier raises (e.g. an answer the version's validators refuse).
    """
    import copier

    copier.run_copy(
        template,
        str(into),
        data=questions(answers),
        vcs_ref=ref,
        defaults=True,
        overwrite=True,
        quiet=True,
        skip_tasks=True,
        unsafe=True,
    )
    return into


def rendered_files(root: Path) -> set[str]:
    """Every file below a rendered project, as a POSIX path relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def users_files(template: Path) -> Any:
    """A matcher of the paths that are the user's: `_skip_if_exists` of the template's copier.yml.

    Returns a `pathspec.PathSpec`, with Copier's own pattern syntax (gitignore style).
    """
    import pathspec

    config = yaml.safe_load((template / "copier.yml").read_text(encoding="utf-8"))
    style = "gitignore" if int(pathspec.__version__.split(".")[0]) >= 1 else "gitwildmatch"
    return pathspec.PathSpec.from_lines(style, config.get("_skip_if_exists", []))


def deleted_by_update(root: Path) -> list[str]:
    """Files tracked at HEAD that are gone from the work tree, relative to `root`."""
    out = git(root, "ls-files", "--deleted", "-z", "--", ".").stdout.decode()
    return sorted({name for name in out.split("\0") if name})


def tracked_at_head(root: Path) -> list[str]:
    """Every file tracked at HEAD below `root`, relative to it."""
    out = git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", ".").stdout.decode()
    prefix = git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    return [name.removeprefix(prefix) for name in out.split("\0") if name]


def holding_work(root: Path, deleted: Iterable[str], old: Path) -> list[str]:
    """The deleted files whose content at HEAD differs from the old version's rendering."""
    work = []
    for name in deleted:
        before = at_head(root, name)
        original = old / name
        if before is None:
            continue
        if not original.is_file() or original.read_bytes() != before:
            work.append(name)
    return work


def stranded(root: Path, deleted: Iterable[str], old: Path) -> list[str]:
    """The user's files left in folders from which the update took every file of the template.

    A folder counts when the old rendering had files below it, all of them were deleted, and the
    update wrote none there (e.g. `src/<package>/models/` after `ml_framework=none`): what the
    user added there stays, but the code around it is gone.
    """
    gone = set(deleted)
    old_files = rendered_files(old)
    head = set(tracked_at_head(root))
    folders = {Path(name).parent.as_posix() for name in gone} - {"."}
    emptied = {
        folder
        for folder in folders
        if all(name in gone for name in old_files if name.startswith(folder + "/"))
        and not any(
            p.relative_to(root).as_posix() not in head
            for p in (root / folder).rglob("*")
            if p.is_file()
        )
    }
    return sorted(
        name
        for name in head
        if name not in gone
        and (root / name).exists()
        and any(name.startswith(folder + "/") for folder in emptied)
    )


def undo(root: Path) -> None:
    """Put every file below `root` back as it was at HEAD, and remove what the update added.

    Safe because Copier refuses to update a work tree with uncommitted or untracked files: every
    untracked, not ignored file below `root` was written by the update. Ignored files (data,
    models, environments) are not touched.
    """
    git(root, "reset", "-q", "HEAD", "--", ".")
    git(root, "checkout", "-q", "HEAD", "--", ".")
    git(root, "clean", "-fdq", "--", ".")


def shown(value: Any) -> str:
    """An answer as the message shows it: quoted, or '(not asked)' for a question skipped."""
    return "(not asked)" if value is None else repr(value)


def kept_name(name: str) -> str:
    """A name of the user's own for a file the new answers delete: `x.ipynb` -> `x-mine.ipynb`."""
    path = Path(name)
    return path.with_name(f"{path.stem}-mine{path.suffix}").as_posix()


def refusal(changed: dict[str, tuple[Any, Any]], work: list[str]) -> str:
    """The message of an undone update: the answers, the files, and how to change safely."""
    lines = [
        "copier4fair: the update was undone; every file is as it was before it.",
        "Changing "
        + ", ".join(
            f"{key} from {shown(old)} to {shown(new)}" for key, (old, new) in changed.items()
        )
        + " would lose your work:",
    ]
    lines += [f"  {name}: your edits; the new answers delete this file" for name in work]
    lines += [
        (
            "Keep your work first: give each file a name of your own (or carry your edits to "
            "the file's new place), commit, and run the update again:"
        ),
        *(f"  git mv {name} {kept_name(name)}" for name in work),
        '  git commit -m "Keep my files"',
        "or keep the old answer ("
        + " ".join(
            f"-d {key}={old}" for key, (old, new) in changed.items() if None not in (old, new)
        )
        + ").",
    ]
    return "\n".join(lines)


def merge(root: Path, mine: Path, base: Path, theirs: Path) -> tuple[bytes, bool]:
    """Three-way merge of text files with `git merge-file`; return (result, clean).

    The result has conflict markers (`<<<<<<< yours`, `>>>>>>> template`) where not clean.
    """
    proc = git(
        root,
        "merge-file",
        "-p",
        "-q",
        "-L",
        "yours",
        "-L",
        "before",
        "-L",
        "template",
        str(mine),
        str(base),
        str(theirs),
        check=False,
    )
    if proc.returncode < 0 or proc.returncode > 127:
        raise subprocess.CalledProcessError(proc.returncode, "git merge-file", proc.stderr)
    return proc.stdout, proc.returncode == 0


def move_package(
    root: Path, old_package: str, new_package: str, old: Path, mine: Any
) -> tuple[list[str], list[str]]:
    """Carry the user's work from `src/<old_package>/` to `src/<new_package>/`.

    Copier has deleted the old package's rendered files and written the new package's. For each
    file of the old package at HEAD: a file that is the user's (copier.yml `_skip_if_exists`) or
    that the user added replaces the new one; a file of the template that the user edited is
    merged with the template's new text (conflict markers where both changed a line); an
    unedited one needs nothing. The user's added files are removed from the old folder.

    Args:
        root: the project.
        old_package, new_package: the old and new `package_name`.
        old: the old template version rendered with the old answers.
        mine: matcher of the user's paths (`users_files`).

    Returns:
        (the files moved, as 'old -> new'; the new files holding conflict markers).
    """
    moved: list[str] = []
    conflicts: list[str] = []
    prefix = f"src/{old_package}/"
    for name in tracked_at_head(root):
        if not name.startswith(prefix):
            continue
        target_name = f"src/{new_package}/{name.removeprefix(prefix)}"
        source, target, original = root / name, root / target_name, old / name
        yours = at_head(root, name)
        assert yours is not None
        if original.is_file() and original.read_bytes() == yours:
            continue  # the template's text: its new version is already in place
        target.parent.mkdir(parents=True, exist_ok=True)
        if original.is_file() and not mine.match_file(name) and target.is_file():
            with tempfile.TemporaryDirectory() as tmp:
                ours = Path(tmp) / "yours"
                ours.write_bytes(yours)
                text, clean = merge(root, ours, original, target)
            write_atomically(target, text)
            if not clean:
                conflicts.append(target_name)
        else:
            write_atomically(target, yours)
        if source.is_file():
            source.unlink()
        moved.append(f"{name} -> {target_name}")
    return moved, conflicts


def importers(root: Path, package: str) -> list[str]:
    """The tracked text files that still import `package` by name (e.g. notebooks, own tests)."""
    pattern = rf"(^|[^.[:alnum:]_])(import|from)[[:space:]]+{package}([^[:alnum:]_]|$)"
    proc = git(root, "grep", "--untracked", "-lIE", pattern, "--", ".", check=False)
    return proc.stdout.decode().split()


def carry(
    root: Path, deltas: list[tuple[Path, Path]], mine: Any
) -> tuple[list[str], list[tuple[str, Path, Path]]]:
    """Merge the answers' effect into the user's own files of `root`.

    Args:
        root: the project.
        deltas: (base, theirs) pairs of renderings with the old and the new answers, tried in
            order for each file: the old template version first (the user's files are never
            updated, so they are closest to it), then the new one.
        mine: matcher of the user's paths (`users_files`).

    Returns:
        (files changed in place; (file, base, theirs) of those whose change overlaps the user's
        own edits, written beside them as `<file>.rej`).
    """
    merged: list[str] = []
    rejected: list[tuple[str, Path, Path]] = []
    names = sorted(set().union(*(rendered_files(b) & rendered_files(t) for b, t in deltas)))
    for name in names:
        target = root / name
        if not mine.match_file(name) or not target.is_file():
            continue
        pairs = [
            (b, t)
            for b, t in deltas
            if (b / name).is_file()
            and (t / name).is_file()
            and (b / name).read_bytes() != (t / name).read_bytes()
        ]
        if not pairs or any(target.read_bytes() == (t / name).read_bytes() for _, t in pairs):
            continue
        for base, theirs in pairs:
            text, clean = merge(root, target, base / name, theirs / name)
            if clean:
                write_atomically(target, text)
                merged.append(name)
                break
        else:
            base, theirs = pairs[0]
            diff = "".join(
                difflib.unified_diff(
                    (base / name).read_text("utf-8", "replace").splitlines(keepends=True),
                    (theirs / name).read_text("utf-8", "replace").splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
            write_atomically(target.with_name(target.name + ".rej"), diff.encode())
            rejected.append((name, base, theirs))
    return merged, rejected


def _project_writer() -> Any:
    """The generated package's one writer (template/src/<package>/files.py, plain Python with
    the standard library only), loaded from the template: the hook writes as the project does."""
    path = (
        Path(__file__).resolve().parents[1] / "template" / "src" / "{{package_name}}" / "files.py"
    )
    spec = importlib.util.spec_from_file_location("copier4fair_files", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` complete or not at all, with the project's writer (`files.py`)."""
    _project_writer().write_bytes(path, data)


def changed_lines(base: Path, theirs: Path, name: str) -> list[str]:
    """The removed and added lines of the answers' change to `name`, at most SHOWN_LINES."""
    before = (base / name).read_text(encoding="utf-8", errors="replace").splitlines()
    after = (theirs / name).read_text(encoding="utf-8", errors="replace").splitlines()
    lines = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]
    if len(lines) > SHOWN_LINES:
        lines = [*lines[:SHOWN_LINES], f"... ({len(lines) - SHOWN_LINES} more lines)"]
    return lines


def same_commit(template: str, first: str, second: str) -> bool:
    """Whether two references name the same commit of the template repository."""
    hashes = [
        git(Path(template), "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        .stdout.decode()
        .strip()
        for ref in (first, second)
    ]
    return bool(hashes[0]) and hashes[0] == hashes[1]


def main(argv: list[str] | None = None) -> int:
    """Check and carry the update's answer changes in the current folder; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", required=True, help="the template (Copier's src_path)")
    parser.add_argument("--ref", required=True, help="the commit the project is updated to")
    parser.add_argument("--answers-file", default=".copier-answers.yml")
    args = parser.parse_args(argv)
    root = Path.cwd()

    old_text = at_head(root, args.answers_file)
    if old_text is None:
        return 0
    old_answers = yaml.safe_load(old_text) or {}
    new_answers = yaml.safe_load((root / args.answers_file).read_text(encoding="utf-8")) or {}
    old_q, new_q = questions(old_answers), questions(new_answers)
    changed = {
        key: (old_q.get(key), new_q.get(key))
        for key in sorted(set(old_q) | set(new_q))
        if old_q.get(key) != new_q.get(key)
    }
    deleted = deleted_by_update(root)
    if not changed and not deleted:
        return 0
    mine = users_files(Path(args.template))
    old_ref = str(old_answers.get("_commit"))

    with tempfile.TemporaryDirectory(prefix="copier4fair-answers.") as tmp:
        work = Path(tmp)
        old = render(args.template, old_ref, old_answers, work / "old")
        moved: list[str] = []
        old_package, new_package = changed.get("package_name", (None, None))
        renamed = old_package is not None and new_package is not None
        if old_package is not None and new_package is not None:  # renamed
            moved, conflicts = move_package(root, old_package, new_package, old, mine)
            carried = {line.split(" -> ")[0] for line in moved}
            deleted = [name for name in deleted_by_update(root) if name not in carried]
        lost = holding_work(root, deleted, old)
        if lost:
            undo(root)
            print(refusal(changed, lost), file=sys.stderr)
            return 1
        if moved:
            print(
                f"copier4fair: package_name {old_package} -> {new_package}: your work in "
                f"src/{old_package}/ moved to src/{new_package}/:"
            )
            for line in moved:
                print(f"    {line}")
        if renamed:
            for name in conflicts:
                print(
                    f"copier4fair: {name}: your edits and the template's changes meet; both are "
                    "between <<<<<<< yours and >>>>>>> template markers: merge them by hand",
                    file=sys.stderr,
                )
            unedited = [name for name in deleted if name.startswith(f"src/{old_package}/")]
            deleted = [name for name in deleted if name not in unedited]
            print(
                f"copier4fair: the other {len(unedited)} files of src/{old_package}/ were the "
                f"template's text, unedited: their new version is in src/{new_package}/"
            )
        if deleted:
            print(
                "copier4fair: the update deleted these files, the template's text unedited: "
                + ", ".join(deleted)
            )
        left = stranded(root, deleted, old) if deleted else []
        if left:
            print(
                "copier4fair: note: these files of yours stay in folders the template's files "
                f"left (the new answers do not use them): {', '.join(left)}"
            )
        if not changed:
            return 0
        if "data_source" in changed and old_q.get("data_sha256") and "data_sha256" not in changed:
            print(
                f"copier4fair: warning: data_source changed but data_sha256 is still the checksum "
                f"of the old source ({old_q['data_sha256']}); `make data` will refuse the new "
                "file: update again with -d data_sha256=<sha256 of the new file>, or "
                "-d data_sha256= to record the first download",
                file=sys.stderr,
            )
        from copier.errors import CopierError  # imported only when answers changed

        try:
            deltas = []
            if not same_commit(args.template, old_ref, args.ref):
                deltas.append((old, render(args.template, old_ref, new_answers, work / "old-new")))
            base = render(args.template, args.ref, old_answers, work / "base")
            deltas.append((base, render(args.template, args.ref, new_answers, work / "theirs")))
        except (CopierError, ValueError, OSError) as error:  # e.g. an old answer now refused
            print(
                f"copier4fair: warning: the changed answers ({', '.join(changed)}) could not be "
                f"carried into your own files ({type(error).__name__}: {error}); check "
                "config/pipeline.yaml and your other files by hand.",
                file=sys.stderr,
            )
            return 0
        merged, rejected = carry(root, deltas, mine)
        still = importers(root, old_package) if renamed and old_package is not None else []
        if still:
            print(
                f"copier4fair: these files still import {old_package}: {', '.join(still)}; "
                f"write {new_package} there",
                file=sys.stderr,
            )
        for name in merged:
            print(f"copier4fair: {name}: the changed answers applied; your other lines kept")
        for name, base, theirs in rejected:
            print(
                f"copier4fair: {name}: yours, and the changed answers touch lines you edited, so "
                f"it was not changed; the change is in {name}.rej. Make it by hand, then delete "
                f"{name}.rej:",
                file=sys.stderr,
            )
            for line in changed_lines(base, theirs, name):
                print(f"    {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

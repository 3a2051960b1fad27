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
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from copier.errors import CopierError

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
    """The user's files left in folders from which the update deleted every rendered file.

    A folder counts when the old rendering had files below it and all of them were deleted
    (e.g. `src/<old package>/` after a change of `package_name`): whatever the user added there
    would stay behind, cut off from the code that used it.
    """
    gone = set(deleted)
    old_files = rendered_files(old)
    folders = {Path(name).parent.as_posix() for name in gone} - {"."}
    emptied = {
        folder
        for folder in folders
        if all(name in gone for name in old_files if name.startswith(folder + "/"))
    }
    # Only the outermost emptied folders: src/old rather than each of its subfolders.
    outer = {f for f in emptied if not any(f.startswith(o + "/") for o in emptied if o != f)}
    return sorted(
        name
        for name in tracked_at_head(root)
        if name not in gone
        and (root / name).exists()
        and any(name.startswith(folder + "/") for folder in outer)
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


def refusal(changed: dict[str, tuple[Any, Any]], work: list[str], left: list[str]) -> str:
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
        f"  {name}: yours; it would stay behind in a folder the update empties" for name in left
    ]
    if "package_name" in changed:
        old, new = changed["package_name"]
        lines += [
            "To rename the package, move it yourself, then update with nothing left to move:",
            f"  git mv src/{old} src/{new}",
            (
                f"  git grep -lw {old} | xargs sed -i 's/\\b{old}\\b/{new}/g'   "
                "# imports, Makefile, pyproject.toml, .copier-answers.yml"
            ),
            f"  git diff   # check, then: git commit -am 'Rename the package to {new}'",
            "  copier update --trust --defaults",
        ]
    else:
        lines += [
            "Keep your work first: move each file listed to a name of your own (git mv FILE "
            "FILE.mine), or carry your edits to their new place, commit, and run the update "
            "again; or keep the old answer ("
            + " ".join(f"-d {key}={old}" for key, (old, _) in changed.items() if old is not None)
            + ")."
        ]
    return "\n".join(lines)


def carry(root: Path, base: Path, theirs: Path, mine: Any) -> tuple[list[str], list[str]]:
    """Merge the answers' effect (base -> theirs) into the user's own files of `root`.

    Args:
        root: the project.
        base: the new template version rendered with the old answers.
        theirs: the same version rendered with the new answers.
        mine: matcher of the user's paths (`users_files`).

    Returns:
        (files changed in place, files whose change was written beside them as `.rej`).
    """
    merged: list[str] = []
    rejected: list[str] = []
    for name in sorted(rendered_files(base) & rendered_files(theirs)):
        if not mine.match_file(name):
            continue
        target = root / name
        before, after = (base / name).read_bytes(), (theirs / name).read_bytes()
        if before == after or not target.is_file():
            continue
        current = target.read_bytes()
        if current == after:
            continue
        proc = git(
            root,
            "merge-file",
            "-p",
            "-q",
            str(target),
            str(base / name),
            str(theirs / name),
            check=False,
        )
        if proc.returncode == 0:
            write_atomically(target, proc.stdout)
            merged.append(name)
        else:
            diff = "".join(
                difflib.unified_diff(
                    before.decode("utf-8", "replace").splitlines(keepends=True),
                    after.decode("utf-8", "replace").splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
            write_atomically(target.with_name(target.name + ".rej"), diff.encode())
            rejected.append(name)
    return merged, rejected


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it (complete or not at all).

    The file keeps its permission bits if it exists.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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

    with tempfile.TemporaryDirectory(prefix="copier4fair-answers.") as tmp:
        work = Path(tmp)
        if deleted:
            old = render(args.template, str(old_answers.get("_commit")), old_answers, work / "old")
            lost = holding_work(root, deleted, old)
            left = stranded(root, deleted, old) if changed else []
            if lost or left:
                undo(root)
                print(refusal(changed, lost, left), file=sys.stderr)
                return 1
            print(
                "copier4fair: the update deleted these files, the template's text unedited: "
                + ", ".join(deleted)
            )
        if not changed:
            return 0
        try:
            base = render(args.template, args.ref, old_answers, work / "base")
            theirs = render(args.template, args.ref, new_answers, work / "theirs")
        except (CopierError, ValueError, OSError) as error:  # e.g. an old answer now refused
            print(
                f"copier4fair: warning: the changed answers ({', '.join(changed)}) could not be "
                f"carried into your own files ({type(error).__name__}: {error}); check "
                "config/pipeline.yaml and your other files by hand.",
                file=sys.stderr,
            )
            return 0
        merged, rejected = carry(root, base, theirs, users_files(Path(args.template)))
        for name in merged:
            print(f"copier4fair: {name}: the changed answers applied; your other lines kept")
        for name in rejected:
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

"""Post-generation hook: derive the metadata files from CITATION.cff, then validate them.

Copier runs this after `copier copy` (a task) and after `copier update` (a migration), in the
Python that runs Copier, with the generated project as the working directory. It runs the
project's own code (src/<package>/fair), so that what happens here and `make metadata` /
`make check-metadata` later are the same code:

1. the derivation writes codemeta.json, .zenodo.json, the RO-Crate and the model card authors
   from CITATION.cff (all its authors: the template renders only the first author into them),
   and pyproject.toml's [project] where tomlkit is importable (elsewhere the template rendered it
   from the same answers; the check below proves they agree). It writes nothing when CITATION.cff
   or a derived JSON file is invalid (e.g. holds conflict markers after an update);
2. the check, which changes no file.

After `copier copy` with answers given (`-d`, `--data-file`), it first refuses a key that is no
question or a yes/no answer Copier would misread (hooks/check_data_keys.py, in this process: one
Python start fewer), before anything is derived or checked.

When the check fails after `copier copy`, Copier removes a destination folder it created (its
cleanup on error, unless `--no-cleanup`), so the hook first copies the generated project, answers
included, to a new sibling folder `<project>.unchecked` and says so: nothing generated is lost.
A folder that held anything the template does not generate (a `.git`, the user's files) existed
before the copy; Copier leaves it alone, and so does the hook.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

#: The template's files, next to this hook (copier.yml: _subdirectory).
TEMPLATE = Path(__file__).resolve().parent.parent / "template"


def generated_names(template: Path = TEMPLATE) -> set[str]:
    """The names the template can generate at the top of a project (conditions removed)."""
    names = set()
    for entry in template.iterdir():
        name = re.sub(r"\{%.*?%\}", "", entry.name).removesuffix(".jinja")
        name = name.replace("{{_copier_conf.answers_file}}", ".copier-answers.yml")
        if name:
            names.add(name)
    return names


def existed_before(root: Path) -> bool:
    """Whether the project folder holds anything the template does not generate."""
    names = generated_names()
    return any(entry.name not in names for entry in root.iterdir())


def keep_copy(root: Path) -> Path:
    """Copy the project to a new sibling folder `<name>.unchecked[-N]`; return its path.

    The copy is made in a temporary folder beside it and renamed, so it is complete or absent,
    and an existing folder is never written into.
    """
    for n in range(1, 1000):
        kept = root.with_name(f"{root.name}.unchecked" + (f"-{n}" if n > 1 else ""))
        if not kept.exists():
            break
    else:
        raise FileExistsError(f"{root}.unchecked-1 ... -999 all exist")
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        shutil.copytree(root, staging / "project", symlinks=True)
        (staging / "project").rename(kept)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return kept


def derive_metadata(root: Path, package: str) -> list[str]:
    """Write the derived metadata files of the project at `root` from its CITATION.cff.

    Args:
        root: the project folder; its ``src`` is on ``sys.path``.
        package: the import name of the project's package.

    Returns:
        The files written (relative names); [] when every file was up to date, or when the
        derivation refused to run (the check that follows names each reason).
    """
    derive = importlib.import_module(f"{package}.fair.derive")
    try:
        done = derive.derive(root)
    except derive.DeriveError:
        return []
    if done.written:
        print(f"copier4fair: wrote {', '.join(done.written)} from CITATION.cff")
    return list(done.written)


def main(argv: list[str] | None = None) -> int:
    """Run the project's metadata checker; return its exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", required=True, help="import name of the generated package")
    parser.add_argument("--operation", choices=("copy", "update"), required=True)
    parser.add_argument(
        "--cleanup-on-error",
        choices=("True", "False"),
        default="False",
        help="Copier's cleanup_on_error: whether a failed copy removes a folder it created",
    )
    parser.add_argument(
        "--data-keys",
        default="[]",
        help="JSON list of the -d keys given to `copier copy`: checked first (check_data_keys.py)",
    )
    parser.add_argument("--data", default="{}", help="JSON mapping of the -d answers given")
    args = parser.parse_args(argv)

    if json.loads(args.data_keys):
        import check_data_keys  # beside this file

        refused = check_data_keys.main(
            ["--template", str(TEMPLATE.parent), "--keys", args.data_keys, "--data", args.data]
        )
        if refused:
            return refused

    root = Path.cwd()
    src = root / "src"
    if not (src / args.package / "fair" / "cli.py").is_file():
        print(
            f"copier4fair: src/{args.package}/fair/cli.py is missing, so the metadata of "
            f"{root} could not be checked. Restore it with `copier recopy` or from git.",
            file=sys.stderr,
        )
        return 1
    sys.path.insert(0, str(src))
    print(f"\ncopier4fair: checking the metadata after {args.operation} ...")
    try:
        derive_metadata(root, args.package)
        cli = importlib.import_module(f"{args.package}.fair.cli")
        code: int = cli.main(["check-metadata", "--root", str(root)])
    except Exception:  # noqa: BLE001 - a bug of the checker: show it, and keep the files below
        import traceback

        traceback.print_exc()
        print(
            f"copier4fair: the metadata checker of src/{args.package} crashed (above); this is a "
            "bug of copier4fair: please report it with the traceback.",
            file=sys.stderr,
        )
        code = 1
    if not code:
        return 0
    print(
        "\ncopier4fair: the metadata check failed; no file was changed by the check. "
        "Fix the fields listed above, then run `make check-metadata` (or "
        f"`python -m {args.package}.fair check-metadata`) again.",
        file=sys.stderr,
    )
    if args.operation == "copy" and args.cleanup_on_error == "True" and not existed_before(root):
        try:
            kept = keep_copy(root)
        except OSError as error:
            print(
                f"copier4fair: could not keep a copy of the project ({error}); run copier copy "
                "again with --no-cleanup to keep the generated files in place.",
                file=sys.stderr,
            )
        else:
            print(
                f"copier4fair: Copier removes a project folder it created when a task fails, so "
                f"every generated file, your answers in .copier-answers.yml included, is kept in "
                f"{kept}. Fix the fields there and run `make check-metadata`; if {root} is gone, "
                f"`mv {kept} {root}`. (`copier copy --no-cleanup` keeps the files in place.)",
                file=sys.stderr,
            )
    return code


if __name__ == "__main__":
    sys.exit(main())

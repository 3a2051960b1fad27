"""Post-generation hook: validate the metadata of the generated project.

Copier runs this after `copier copy` (a task) and after `copier update` (a migration), in the
Python that runs Copier, with the generated project as the working directory. It runs the
project's own metadata checker (src/<package>/fair), so that the check after generation and
`make check-metadata` later are the same code. It changes no file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run the project's metadata checker; return its exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", required=True, help="import name of the generated package")
    parser.add_argument("--operation", choices=("copy", "update"), required=True)
    args = parser.parse_args(argv)

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
    cli = importlib.import_module(f"{args.package}.fair.cli")
    print(f"\ncopier4fair: checking the metadata after {args.operation} ...")
    code: int = cli.main(["check-metadata", "--root", str(root)])
    if code:
        print(
            "\ncopier4fair: the metadata check failed; no file was changed by the check. "
            "Fix the fields listed above, then run `make check-metadata` (or "
            f"`python -m {args.package}.fair check-metadata`) again.",
            file=sys.stderr,
        )
    return code


if __name__ == "__main__":
    sys.exit(main())

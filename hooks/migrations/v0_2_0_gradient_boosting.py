"""Migration to copier4fair 0.2.0 (scikit-learn projects): rename the model's hyperparameters.

0.2.0 trains scikit-learn's GradientBoostingClassifier instead of HistGradientBoostingClassifier
(which petrifyml cannot export to C++ and skl2onnx cannot convert with scikit-learn 1.8).
config/pipeline.yaml is the user's file, so `copier update` does not replace it; this script
renames the hyperparameters in place and leaves every other byte of the file as it was:

    max_iter: N         -> n_estimators: N
    max_leaf_nodes: L   -> max_depth: D     (the depth whose full tree has at least L leaves)
    early_stopping: ... -> n_iter_no_change: 10, or nothing when it was false

Copier runs it after every `copier update` of a scikit-learn project (copier.yml, _migrations),
not gated by a version: the template reaches users from its main branch, and a clone may carry
no tags. It detects the old state itself: a hyperparameter block with the old keys or comment is
migrated; any other file, an already migrated one included, is left byte for byte and nothing is
printed (idempotent).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from pathlib import Path

HYPERPARAMETERS = re.compile(r"^(?P<indent>\s*)hyperparameters:\s*$")
ENTRY = re.compile(
    r"^(?P<indent>\s+)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<space>\s*)(?P<value>[^#\n]*?)(?P<rest>\s*(#.*)?)$"
)
OLD_COMMENT = "# sklearn.ensemble.HistGradientBoostingClassifier"
NEW_COMMENT = (
    '# sklearn.ensemble.GradientBoostingClassifier (always with init="zero", for the C++ export)'
)
UNSUPPORTED = {
    "l2_regularization",
    "max_bins",
    "categorical_features",
    "interaction_cst",
    "scoring",
    "monotonic_cst",
    "class_weight",
    "max_features",
}


def migrate_lines(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Return (new lines, changes made, keys the user must look at)."""
    out: list[str] = []
    changes: list[str] = []
    review: list[str] = []
    block_indent: int | None = None
    for line in lines:
        body = line.rstrip("\n")
        newline = line[len(body) :]
        if body.strip() == OLD_COMMENT:
            out.append(body.replace(OLD_COMMENT, NEW_COMMENT) + newline)
            changes.append("comment: HistGradientBoostingClassifier -> GradientBoostingClassifier")
            continue
        header = HYPERPARAMETERS.match(body)
        if header:
            block_indent = len(header["indent"])
            out.append(line)
            continue
        entry = ENTRY.match(body)
        in_block = block_indent is not None and entry and len(entry["indent"]) > block_indent
        if block_indent is not None and body.strip() and not in_block:
            block_indent = None
        if entry is None or not in_block:
            out.append(line)
            continue
        key, value = entry["key"], entry["value"].strip()
        indent, rest = entry["indent"], entry["rest"]
        if key == "max_iter":
            out.append(f"{indent}n_estimators:{entry['space']}{value}{rest}{newline}")
            changes.append(f"max_iter: {value} -> n_estimators: {value}")
        elif key == "max_leaf_nodes" and value.isdigit():
            depth = max(1, math.ceil(math.log2(int(value))))
            out.append(f"{indent}max_depth: {depth}{rest}  # was max_leaf_nodes: {value}{newline}")
            changes.append(f"max_leaf_nodes: {value} -> max_depth: {depth}")
        elif key == "early_stopping":
            if value.lower() in ("false", "no", "off"):
                changes.append(
                    f"early_stopping: {value} removed (no early stopping is the default)"
                )
            else:
                out.append(
                    f"{indent}n_iter_no_change: 10{rest}  # was early_stopping: {value}{newline}"
                )
                changes.append(f"early_stopping: {value} -> n_iter_no_change: 10")
        else:
            if key in UNSUPPORTED:
                review.append(key)
            out.append(line)
    return out, changes, review


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=Path("config") / "pipeline.yaml")
    args = parser.parse_args(argv)
    path: Path = args.config
    if not path.is_file():
        return 0  # nothing of the user's to migrate
    text = path.read_text(encoding="utf-8")
    lines, changes, review = migrate_lines(text.splitlines(keepends=True))
    if changes:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write("".join(lines))
        os.replace(tmp, path)
        print(f"copier4fair 0.2.0 migration: {path}: " + "; ".join(changes))
        print(
            "  Retrain the model with `make all`: the scikit-learn model is now a "
            "GradientBoostingClassifier."
        )
    if review and changes:  # only while migrating: later, the config check names them
        print(
            f"copier4fair 0.2.0 migration: {path}: GradientBoostingClassifier has no "
            f"{', '.join(sorted(review))}: remove or replace them under model.hyperparameters",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Refuse `-d key=value` answers whose key is not a question of the template, or whose value
Copier would read as something else.

Copier ignores an unknown `-d` key silently, so a typo (`-d projectname=...`) would give a
project with the default instead of the user's answer; and it reads any text it does not know
as a yes/no answer as *yes* (`-d include_docker=maybe` gives a Dockerfile). Copier runs this first after a copy, and
before an update changes any file, with the keys given and the template folder; it names each
unknown key, suggests the nearest question and exits 2. (After a copy into a new folder, Copier
then removes the folder: the user wrote nothing in it yet. An update stops with the project as
it was.)
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


@lru_cache(maxsize=4)
def _config(template: Path) -> dict[str, Any]:
    """copier.yml of `template`, read once per process (libyaml's loader where PyYAML has it:
    the same mapping as Copier's pure-Python SafeLoader reads, a tenth of the time)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = (template / "copier.yml").read_text(encoding="utf-8")
    return dict(yaml.load(text, Loader=loader))


def questions(template: Path) -> list[str]:
    """The question names of copier.yml (not the settings `_...`, not the computed values)."""
    return [
        key
        for key, spec in _config(template).items()
        if not key.startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    ]


#: The texts Copier reads as yes/no (copier._tools.cast_to_bool); '' is no.
YES_TEXTS = {"y", "yes", "t", "true", "on"}
NO_TEXTS = {"", "n", "no", "f", "false", "off", "~", "null", "none"}
BOOLEAN_TEXTS = YES_TEXTS | NO_TEXTS


def bool_questions(template: Path) -> list[str]:
    """The names of the yes/no questions of copier.yml."""
    return [
        k for k, v in _config(template).items() if isinstance(v, dict) and v.get("type") == "bool"
    ]


def unclear_booleans(data: dict[str, object], names: list[str]) -> list[str]:
    """The yes/no questions among `data` whose value is neither a yes/no text nor a number."""
    unclear = []
    for name in names:
        value = data.get(name)
        if name not in data or isinstance(value, (bool, int, float)):
            continue
        text = str(value).strip().lower()
        try:
            float(text)
        except ValueError:
            if text not in BOOLEAN_TEXTS:
                unclear.append(name)
    return unclear


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", type=Path, required=True, help="the template folder")
    parser.add_argument("--keys", required=True, help="JSON list of the -d keys given")
    parser.add_argument("--data", default="{}", help="JSON mapping of the -d answers given")
    args = parser.parse_args(argv)
    known = questions(args.template)
    data = json.loads(args.data)
    unclear = unclear_booleans(data, bool_questions(args.template))
    for name in unclear:
        print(
            f"copier4fair: -d {name}={data[name]}: {name} is a yes/no question, and Copier would "
            f"read '{data[name]}' as yes. Give -d {name}=true or -d {name}=false.",
            file=sys.stderr,
        )
    if unclear:
        return 2
    unknown = [key for key in json.loads(args.keys) if key not in known]
    if not unknown:
        return 0
    import difflib  # only to name the nearest question

    for key in unknown:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" Did you mean -d {close[0]}=...?" if close else ""
        print(f"copier4fair: -d {key}: copier4fair has no question '{key}'.{hint}", file=sys.stderr)
    print(
        "copier4fair: the questions are: " + ", ".join(known) + ". Run the command again "
        "with the right names (see the README, 'Questions').",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())

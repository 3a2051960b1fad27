"""config/model_card.yaml, read with the type of every field checked.

The file holds the text of the model card: paragraphs (`summary`, `direct_use`, ...), two lists
(`tags`, `datasets`) and the descriptions of the inputs (`inputs`). A field of the wrong type is
refused with one message naming the file and the key, before any work; a single text where a
list is expected is read as a list of one (`datasets: some/name` is the data set `some/name`,
never one data set per letter).
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path
from typing import Any

from .. import project
from ..config import MODEL_CARD_FILE, ConfigError, load_model_card_config

#: The paragraphs of the card, each required and written as text.
TEXT_FIELDS = (
    "summary",
    "direct_use",
    "out_of_scope_use",
    "limitations",
    "recommendations",
    "training_data",
)
#: The lists of the card header, with an example of an entry.
LIST_FIELDS = {"tags": "particle-physics", "datasets": "10.5281/zenodo.1234567"}
#: The descriptions of the input columns: column name -> {unit, description}.
INPUTS = "inputs"
INPUT_KEYS = ("unit", "description")
INPUT_EXAMPLE = "{unit: " + project.UNIT_EXAMPLE + ", description: what the column measures}"


def _kind(value: Any) -> str:
    """The YAML word for the type of a value, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, bool):
        return f"the boolean {value} (quote it)"
    if isinstance(value, (int, float)):
        return f"the number {value} (quote it)"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value} (quote it)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _text_list(name: str, value: Any) -> list[str]:
    """A list field as a list of texts; a single text is a list of one.

    Raises:
        ConfigError: the value is no text nor a list of texts.
    """
    example = LIST_FIELDS[name]
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if not isinstance(value, list):
        raise ConfigError(
            f"{MODEL_CARD_FILE}: '{name}' must be a list of texts, e.g. {name}: [{example}]; "
            f"found {_kind(value)}"
        )
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(
                f"{MODEL_CARD_FILE}: {name}[{index}] must be a non-empty text, e.g. "
                f"{name}: [{example}]; found {_kind(item)}"
            )
        items.append(item.strip())
    return items


def _inputs(value: Any) -> dict[str, dict[str, str]]:
    """The `inputs` mapping, each entry checked to be {unit, description} texts.

    Raises:
        ConfigError: the value or an entry has the wrong type, or an entry lacks a description.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{MODEL_CARD_FILE}: '{INPUTS}' must map column names to {INPUT_EXAMPLE}; "
            f"found {_kind(value)}"
        )
    described = {}
    for column, entry in value.items():
        key = f"{INPUTS}.{column}"
        if not isinstance(entry, dict):
            raise ConfigError(
                f"{MODEL_CARD_FILE}: {key} must be a mapping {INPUT_EXAMPLE}; found {_kind(entry)}"
            )
        unknown = sorted(str(k) for k in entry if k not in INPUT_KEYS)
        if unknown:
            raise ConfigError(
                f"{MODEL_CARD_FILE}: {key}: {', '.join(unknown)} is not a key of an input; "
                f"known: {', '.join(INPUT_KEYS)}"
            )
        description, unit = entry.get("description"), entry.get("unit")
        if not isinstance(description, str) or not description.strip():
            raise ConfigError(
                f"{MODEL_CARD_FILE}: {key}.description must be a non-empty text, e.g. "
                f"{column}: {INPUT_EXAMPLE}"
            )
        if unit is not None and not isinstance(unit, str):
            raise ConfigError(
                f"{MODEL_CARD_FILE}: {key}.unit must be text, e.g. unit: {project.UNIT_EXAMPLE} "
                '(or unit: "" for '
                f"none); found {_kind(unit)}"
            )
        described[str(column)] = {"unit": unit or "", "description": description.strip()}
    return described


def load_card_config(root: Path | str = ".", require_text: bool = True) -> dict[str, Any]:
    """Read config/model_card.yaml with every field checked; return it normalised.

    Args:
        root: the project folder.
        require_text: refuse a missing or empty paragraph (`make model-card`); the export
            reads only `inputs` and passes False.

    Returns:
        {paragraph: text, "tags": [text], "datasets": [text], "inputs": {column: {"unit":
        text ("" for none), "description": text}}}; texts stripped, a missing paragraph "".

    Raises:
        ConfigError: the file is missing or no YAML mapping, a key is unknown, or a field has
            the wrong type; the message names the file and the key.
    """
    data = load_model_card_config(root)
    known = (*TEXT_FIELDS, *LIST_FIELDS, INPUTS)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ConfigError(
                f"{MODEL_CARD_FILE}: '{key}' is not a field of the model card; {hint}"
                f"known: {', '.join(known)}"
            )
    card: dict[str, Any] = {}
    missing = []
    for name in TEXT_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(
                f"{MODEL_CARD_FILE}: '{name}' must be text (a paragraph, e.g. {name}: >- and "
                f"indented lines); found {_kind(value)}"
            )
        card[name] = (value or "").strip()
        if not card[name]:
            missing.append(name)
    if missing and require_text:
        raise ConfigError(f"{MODEL_CARD_FILE}: write the text of {', '.join(missing)}")
    for name in LIST_FIELDS:
        card[name] = _text_list(name, data.get(name))
    card[INPUTS] = _inputs(data.get(INPUTS))
    return card

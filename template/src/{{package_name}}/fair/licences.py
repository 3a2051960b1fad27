"""The project's licence texts: LICENSES/<id>.txt as REUSE places them, and which one a text is.

REUSE Specification 3.3 (https://reuse.software/spec-3.3/): the text of each licence the project
uses is in LICENSES/<SPDX id>.txt. The licence of the code is stated twice more, in CITATION.cff
(`license`) and by the text of LICENSE; `licence_of_text` tells which text of LICENSES a
LICENSE file is, so that the metadata checker can compare the two.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

#: A text is taken for a licence when at least this fraction of its words match the licence's
#: (difflib's ratio over the lower-case words, punctuation aside): the copyright line, the year
#: and the holders differ between a LICENSE and the list's text; another licence matches far less
#: (MIT against BSD-2-Clause: about 0.4).
SAME_LICENCE = 0.9
_WORD = re.compile(r"[a-z0-9]+")


def licence_texts(root: Path) -> dict[str, str]:
    """The licence texts of the project, LICENSES/<id>.txt as REUSE places them.

    Args:
        root: the project folder.

    Returns:
        Lower-case SPDX identifier -> the text's path relative to `root` ("LICENSES/<id>.txt",
        the identifier as the file spells it); {} without a LICENSES folder.
    """
    folder = root / "LICENSES"
    if not folder.is_dir():
        return {}
    return {p.stem.lower(): p.relative_to(root).as_posix() for p in sorted(folder.glob("*.txt"))}


def licence_path(spdx: str) -> str:
    """Where the text of a licence belongs, as the REUSE specification places it.

    Args:
        spdx: the SPDX licence identifier, e.g. "CC-BY-4.0".

    Returns:
        "LICENSES/<id>.txt", relative to the project.
    """
    return f"LICENSES/{spdx}.txt"


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def licence_of_text(text: str, root: Path, texts: Mapping[str, str]) -> str | None:
    """Which of the project's licence texts `text` is (a LICENSE file, say).

    Args:
        text: the text to identify.
        root: the project folder.
        texts: `licence_texts(root)`.

    Returns:
        The SPDX identifier as LICENSES/ spells it, of the text whose words match at least
        `SAME_LICENCE` of `text`'s (the best one); None when none does, or a text of LICENSES
        cannot be read (the REUSE check reports it).
    """
    words = _words(text)
    best, best_ratio = None, SAME_LICENCE
    for relative in texts.values():
        try:
            candidate = _words((root / relative).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None
        matcher = difflib.SequenceMatcher(None, words, candidate, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = Path(relative).stem, ratio
    return best

"""Hostile answers: no answer is ever run as a command or evaluated as a template.

Every free-text question gets shell substitutions, backticks, a command separator and a Jinja
expression. Each answer is either refused at its question (Copier's validator message names
it) or rendered literally; no file appears, nothing is deleted, nothing is evaluated.
"""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
import yaml
from helpers import TEMPLATE, project_files

CONFIG = yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))
#: The free-text questions users answer (computed values, `when: false`, are not asked).
QUESTIONS = [
    name
    for name, spec in CONFIG.items()
    if not name.startswith("_")
    and isinstance(spec, dict)
    and spec.get("type") == "str"
    and spec.get("when") is not False
    and "choices" not in spec
]
PAYLOADS = ["$(touch PWNED)", "`touch PWNED`", "x; rm -rf sentinel", "A {{ 7*7 }} Z"]


def test_every_free_text_question_is_covered() -> None:
    assert {"project_name", "description", "author_given_names", "keywords"} <= set(QUESTIONS)
    assert len(QUESTIONS) >= 15


@pytest.mark.full
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_hostile_answer_is_refused_or_literal(tmp_path: Path, question: str, payload: str) -> None:
    sentinel = tmp_path / "sentinel"
    sentinel.mkdir()
    dst = tmp_path / "p"
    try:
        copier.run_copy(
            str(TEMPLATE),
            str(dst),
            data={question: payload},
            defaults=True,
            unsafe=True,
            quiet=True,
            vcs_ref="HEAD",
        )
    except ValueError as error:
        assert f"question '{question}'" in str(error)
        assert not dst.exists()
    else:
        texts = {
            name: (dst / name).read_text(encoding="utf-8", errors="replace")
            for name in project_files(dst)
        }
        assert "A 49 Z" not in "".join(texts.values())
        answers = yaml.safe_load(texts[".copier-answers.yml"])
        if question in answers:  # an answer Copier kept is the text as given
            assert answers[question] == payload
    assert sentinel.is_dir()
    assert not list(tmp_path.rglob("PWNED"))
    assert not list(Path.cwd().glob("PWNED"))

"""Hostile answers: no answer is ever run as a command or evaluated as a template.

Every free-text question gets shell substitutions, backticks, a command separator and a Jinja
expression. Each answer is either refused at its question (Copier's validator message names
it) or rendered literally; no file appears, nothing is deleted, nothing is evaluated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import free_text_questions, generate, project_files

QUESTIONS = free_text_questions()
PAYLOADS = ["$(touch PWNED)", "`touch PWNED`", "x; rm -rf sentinel", "A {{ 7*7 }} Z"]


def test_every_free_text_question_is_covered() -> None:
    assert {"project_name", "description", "author_given_names", "keywords"} <= set(QUESTIONS)
    assert len(QUESTIONS) >= 15


@pytest.mark.full
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_hostile_answer_is_refused_or_literal(tmp_path: Path, question: str, payload: str) -> None:
    # The project folder exists with a sentinel inside: tasks run there, so a command that
    # slipped through (`rm -rf sentinel`) would find it.
    dst = tmp_path / "p"
    sentinel = dst / "sentinel"
    sentinel.mkdir(parents=True)
    answers: dict[str, Any] = {question: payload}
    try:
        generate(dst, **answers)
    except ValueError as error:
        assert f"question '{question}'" in str(error)
        assert project_files(dst) == set()  # nothing generated
    else:
        texts = {
            name: (dst / name).read_text(encoding="utf-8", errors="replace")
            for name in project_files(dst)
        }
        assert "A 49 Z" not in "".join(texts.values())
        answers = yaml.safe_load(texts.pop(".copier-answers.yml"))
        if question in answers:  # an answer Copier kept is the text as given ...
            assert answers[question] == payload
            # ... and it reaches the project's files as that text, not evaluated.
            assert any(payload in text for text in texts.values()), question
    assert sentinel.is_dir()
    assert not list(tmp_path.rglob("PWNED"))
    assert not list(Path.cwd().glob("PWNED"))

"""`make app`: a web page that shows the released model's card and scores one row typed in.

The page is a server-rendered HTML form (Flask, served by waitress; no JavaScript): the model
card of models/<name>/MODEL_CARD.md, rendered from Markdown (markdown-it-py); one labelled field
per input of model.onnx, with the name, unit and description the model records (its
metadata_props `inputs`, written by `make export` from `describe_inputs`); and, on submit, either
one message per invalid field or the score onnxruntime gives the row.

It is a model demo SciLifeLab Serve can host: the Dockerfile's `app` stage runs it as the
non-root user of UID 1000 on port 8000 (Serve accepts ports 3000-9999). Its libraries are the
`app` dependency group of pyproject.toml (`make install-app`), not the default install.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import project
from ..config import load_config
from ..layout import MODEL_CARD, MODEL_FIGURES_DIR, Layout
from ..step import EXPECTED
from . import onnx_io, reference

#: The port of `make app` and of the Docker image's `app` stage (Serve accepts 3000-9999).
DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"
#: The page's template, a Jinja file beside this module (rendered by Flask, not by Copier).
PAGE = "app_page_template.html"
#: The import names of the `app` dependency group (pyproject.toml) the page needs.
APP_MODULES = frozenset({"flask", "waitress", "markdown_it", "werkzeug", "mdurl"})
#: The largest magnitude a float32 input holds; beyond it the model would see infinity.
FLOAT32_MAX = float(np.finfo(np.float32).max)
#: The card's YAML front matter (Hugging Face metadata) and its HTML comments: not for the page.
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class AppError(Exception):
    """The release the app serves is incomplete (the message names the file and the fix)."""


#: The failures of `make app` reported as one line: the configuration or the release.
ERRORS: tuple[type[Exception], ...] = (
    *EXPECTED,
    AppError,
    onnx_io.ModelFileError,
    onnx_io.ModelInterfaceError,
)


@dataclass(frozen=True)
class Field:
    """One input of the model as the form shows it.

    Attributes:
        name: the column name, the field's label.
        unit: the unit of its values ("" for a dimensionless number).
        description: one line on what it measures.
    """

    name: str
    unit: str
    description: str

    @property
    def unit_text(self) -> str:
        """The unit as the page writes it: "dimensionless" for ""."""
        return self.unit or "dimensionless"


def card_html(text: str) -> str:
    """The model card as HTML, for the page.

    Args:
        text: the card's Markdown (MODEL_CARD.md), with its YAML front matter.

    Returns:
        HTML of the card without its front matter and comments; raw HTML in the text is
        escaped (markdown-it-py's CommonMark with tables, `html` off).
    """
    from markdown_it import MarkdownIt

    body = _COMMENT.sub("", _FRONT_MATTER.sub("", text.replace("\r\n", "\n"), count=1))
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(body)


def parse(fields: Sequence[Field], form: Mapping[str, str]) -> tuple[list[float], dict[str, str]]:
    """Check the submitted value of each field: a finite number that float32 holds.

    Args:
        fields: the model's inputs, in order.
        form: the submitted values by field name (missing names count as empty).

    Returns:
        (the values in the order of `fields`, {}) when all are valid; otherwise (the valid
        values so far, {field name: its one message}), e.g. "mean radius (px): 'abc' is not a
        number; enter a number in px".
    """
    values: list[float] = []
    errors: dict[str, str] = {}
    for field in fields:
        text = (form.get(field.name) or "").strip()
        fix = f"enter a number in {field.unit}" if field.unit else "enter a number"
        where = f"{field.name} ({field.unit_text})"
        if not text:
            errors[field.name] = f"{where}: no value; {fix}"
            continue
        try:
            value = float(text)
        except ValueError:
            errors[field.name] = f"{where}: '{text[:40]}' is not a number; {fix}"
            continue
        if not math.isfinite(value) or abs(value) > FLOAT32_MAX:
            errors[field.name] = (
                f"{where}: {text[:40]} is not a finite number the model takes (float32, at most "
                f"{FLOAT32_MAX:.3g} in magnitude); {fix}"
            )
            continue
        values.append(value)
    return values, errors


class Demo:
    """The released model, its card and its inputs, loaded once when the app starts."""

    def __init__(self, root: Path) -> None:
        """Load models/<name>/model.onnx (checked) and MODEL_CARD.md of the project at `root`.

        Args:
            root: the project folder.

        Raises:
            ConfigError: config/pipeline.yaml is missing or invalid, or has no `model:`.
            FileNotFoundError: model.onnx is missing (run `make export`).
            ModelFileError: model.onnx cannot be read.
            ModelInterfaceError: onnx.checker rejects it, its interface differs, or it records
                no `inputs` metadata.
            AppError: MODEL_CARD.md is missing (run `make model-card`).
        """
        layout = Layout(load_config(root))
        self.directory = layout.model_dir.resolve()  # Flask resolves relative paths elsewhere
        onnx_file = self.directory / onnx_io.ONNX_FILE
        model = onnx_io.load(onnx_file)
        inputs = onnx_io.json_metadata(model, "inputs")
        onnx_io.check(model, len(inputs), onnx_file)
        self.fields = [Field(i["name"], i["unit"], i["description"]) for i in inputs]
        self.session = onnx_io.session(model, onnx_file)
        card = self.directory / MODEL_CARD
        if not card.is_file():
            raise AppError(f"{card} is missing: run `make model-card` to write it")
        self.card = card_html(card.read_text(encoding="utf-8"))
        self.example = self._example()

    def _example(self) -> dict[str, str]:
        """The first reference input of the release, as form values ({} without one)."""
        try:
            x, names, _ = reference.load(self.directory)
        except (OSError, ValueError):
            return {}
        if names != [field.name for field in self.fields] or not len(x):
            return {}
        return {name: f"{float(value):.9g}" for name, value in zip(names, x[0], strict=True)}

    def predict(self, values: Sequence[float]) -> float:
        """The model's score for one row.

        Args:
            values: one value per input, in order and in the units of the fields.

        Returns:
            The probability of label 1 (`project.CLASS_NAMES[1]`), in [0, 1], from onnxruntime
            on the float32 row.
        """
        return float(onnx_io.run(self.session, np.asarray([values], dtype=np.float64))[0])


def create_app(root: Path) -> Any:
    """The Flask application of the page.

    Args:
        root: the project folder.

    Returns:
        The `flask.Flask` application: GET / shows the card and the empty form (`?example=1`:
        filled with the first reference input), POST / checks the values and shows the score
        or one message per invalid field (status 422), GET /figures/<name> serves the card's
        figures.

    Raises:
        ConfigError: config/pipeline.yaml is missing or invalid (see `Demo`).
        FileNotFoundError: model.onnx is missing.
        ModelFileError: model.onnx cannot be read.
        ModelInterfaceError: model.onnx has not the interface of `onnx_io`.
        AppError: MODEL_CARD.md is missing.
    """
    from flask import Flask, render_template, request, send_from_directory

    demo = Demo(root)
    app = Flask(__name__, template_folder=str(Path(__file__).parent), static_folder=None)
    page = {
        "fields": demo.fields,
        "card": demo.card,
        "positive": project.CLASS_NAMES[1],
        "row": project.ROW_NAMES[0],
        "has_example": bool(demo.example),
    }

    @app.get("/")
    def form() -> str:
        values = demo.example if request.args.get("example") else {}
        return render_template(PAGE, values=values, errors={}, score=None, **page)

    @app.post("/")
    def predict() -> tuple[str, int]:
        submitted = {field.name: request.form.get(field.name, "") for field in demo.fields}
        values, errors = parse(demo.fields, submitted)
        score = None if errors else demo.predict(values)
        html = render_template(PAGE, values=submitted, errors=errors, score=score, **page)
        return html, 422 if errors else 200

    @app.get(f"/{MODEL_FIGURES_DIR}/<path:name>")
    def figure(name: str) -> Any:
        return send_from_directory(demo.directory / MODEL_FIGURES_DIR, name)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run `make app`: serve the page with waitress until Ctrl-C.

    Args:
        argv: the command-line arguments (`--root`, `--host`, `--port`); default: those of the
            process.

    Returns:
        The exit code: 1 after one line naming what is missing (the release, or the `app`
        group: `make install-app`) or that the port is taken; 0 after Ctrl-C.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    args = parser.parse_args(argv)
    try:
        import waitress

        app = create_app(args.root)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in APP_MODULES:
            raise
        print(
            f"error: make app needs {error.name}, of the app group of this project: run "
            "`make install-app` (pip install --group app), then `make app` again",
            file=sys.stderr,
        )
        return 1
    except ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        server = waitress.create_server(app, host=args.host, port=args.port, ident=None)
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(
            f"error: cannot listen on {args.host}:{args.port} ({error.strerror or error}); "
            "choose another with `make app APP_PORT=<port>` (or APP_HOST=<address>)",
            file=sys.stderr,
        )
        return 1
    print(f"the model demo: http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the page stops, nothing is left
        server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

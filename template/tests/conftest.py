"""Shared fixtures: a scratch copy of the project's configuration, and a local HTTP server."""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import importlib.util
import io
import shutil
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dask
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Register the `parquet` marker (pyproject.toml's pytest settings refuse unknown ones)."""
    config.addinivalue_line(
        "markers", "parquet: reads or writes Parquet tables (skipped without pyarrow)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked `parquet` where pyarrow, the parquet extra, is not installed."""
    if importlib.util.find_spec("pyarrow") is not None:
        return
    skip = pytest.mark.skip(
        reason="Parquet tables need pyarrow, the parquet extra: pip install -e '.[parquet]'"
    )
    for item in items:
        if "parquet" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _local_dask() -> Iterator[None]:
    """Tests run on their own local Dask cluster, whatever DASK_SCHEDULER_ADDRESS says."""
    with dask.config.set({"scheduler-address": None}):
        yield


def _toy_columns() -> set[str]:
    """The columns of the toy data set (FEATURES of data/synthetic.py)."""
    (init,) = (PROJECT / "src").glob("*/__init__.py")
    interface = importlib.import_module(f"{init.parent.name}.data.interface")
    return {feature.name for feature in interface.generator().FEATURES}


def scratch_project(root: Path) -> Path:
    """Make `root` a scratch project: the real config/pipeline.yaml on the toy data set, scaled
    down for speed (2,000 events), config/model_card.yaml and CITATION.cff.

    The tests check the pipeline's code, on the seeded toy data set of data/synthetic.py, also
    once the project reads data of its own: the data source is the toy generator, and the cuts
    of `cutflow:` and the `inputs:` of the model card on columns the toy data lacks are left out.

    Args:
        root: an empty folder.

    Returns:
        `root`.
    """
    (root / "config").mkdir()
    config = yaml.safe_load((PROJECT / "config" / "pipeline.yaml").read_text(encoding="utf-8"))
    for key in ("sha256", "ntuples"):
        config["data"].pop(key, None)
    config["data"].update(source="synthetic", n_events=2000)
    toy = _toy_columns()
    if isinstance(config.get("cutflow"), dict):
        cuts = config["cutflow"].get("cuts") or []
        config["cutflow"]["cuts"] = [cut for cut in cuts if cut.get("feature") in toy]
    (root / "config" / "pipeline.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    card = PROJECT / "config" / "model_card.yaml"
    if card.is_file():
        text = yaml.safe_load(card.read_text(encoding="utf-8"))
        inputs = text.get("inputs") or {}
        text["inputs"] = {name: entry for name, entry in inputs.items() if name in toy}
        (root / "config" / "model_card.yaml").write_text(
            yaml.safe_dump(text, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    shutil.copy(PROJECT / "CITATION.cff", root / "CITATION.cff")
    return root


@pytest.fixture(scope="session")
def new_scratch_project() -> Callable[[Path], Path]:
    """`scratch_project`, for fixtures that make a scratch project of their own (once)."""
    return scratch_project


@dataclass(frozen=True)
class PipelineRun:
    """A scratch project after `make all`, and what that run did.

    Attributes:
        root: the scratch project (`scratch_project`): shared, so copy it before changing it.
        ran: the steps that ran, in order (all of them: it was the project's first run).
        out: what the run printed to stdout.
    """

    root: Path
    ran: list[str]
    out: str


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """`make all` of a scratch project, run once for the whole session in this process
    (`pipeline.run`, as `make all` does): the tests that need its outputs start from a copy
    (the pipeline is the slow part of the tests)."""
    (init,) = (PROJECT / "src").glob("*/__init__.py")
    pipeline = importlib.import_module(f"{init.parent.name}.pipeline")
    root = scratch_project(tmp_path_factory.mktemp("pipeline_run"))
    printed = io.StringIO()
    with (
        dask.config.set({"scheduler-address": None}),
        contextlib.redirect_stdout(printed),
        warnings.catch_warnings(),
    ):
        # hepdata-validator (HEP) leaves the YAML files it reads open: closed here, quietly,
        # rather than reported in whichever test comes next.
        warnings.simplefilter("ignore", ResourceWarning)
        ran = pipeline.run(root, ["all"])
        gc.collect()
    return PipelineRun(root=root, ran=ran, out=printed.getvalue())


@pytest.fixture
def after_all(pipeline_run: PipelineRun, tmp_path: Path) -> Path:
    """A fresh copy of the scratch project after `make all` (`pipeline_run`), for one test."""
    return Path(shutil.copytree(pipeline_run.root, tmp_path / "after_all"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project folder with the real config/pipeline.yaml, scaled down for speed."""
    return scratch_project(tmp_path)


@pytest.fixture
def metadata_project(tmp_path: Path) -> Path:
    """A scratch copy of the project's metadata files."""
    for name in ("CITATION.cff", "codemeta.json", ".zenodo.json", "pyproject.toml"):
        shutil.copy(PROJECT / name, tmp_path / name)
    if (PROJECT / "models").is_dir():
        shutil.copytree(PROJECT / "models", tmp_path / "models")
    return tmp_path


class _Handler(SimpleHTTPRequestHandler):
    """Serves a folder; /truncated/<name> announces the whole file but stops half way."""

    def do_GET(self) -> None:
        if self.path.startswith("/truncated/"):
            body = (Path(self.directory) / self.path.removeprefix("/truncated/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving a scratch folder: yields (base URL, folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_Handler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

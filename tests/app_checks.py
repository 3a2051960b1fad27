"""The model demo of a generated project (`make app`), driven in headless Chromium.

Called by a full-tier test whose project has run `make all` (tests/test_real_data.py): no project
of its own. It installs the `app` group as the README and the Docker image's app stage do (`make
install-app`: pip, `--group app`), starts `make app` on a free port of 127.0.0.1, and drives the
page with Selenium in Debian's chromium and chromium-driver (.ci/run installs them): the card is
shown, each input is labelled with its name and unit, the first reference input of the release
gives the score onnxruntime gives it (to the project's model tolerance, models/agreement.py),
and a value that is no number gets its field's message. The server is stopped at the end.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import run

#: Debian's packages (`apt-get install chromium chromium-driver`).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Headless, and nothing that reaches the network (no network here but the package indexes).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
#: The score of a row and the tolerance, computed in the project's environment with onnxruntime.
ONNX_SCORE = """
import csv, json, sys
from pathlib import Path
import numpy as np
from {package}.models import agreement, onnx_io
with open(sys.argv[2], newline="", encoding="utf-8") as stream:
    row = next(csv.DictReader(stream))
model = onnx_io.load(Path(sys.argv[1]))
x = np.asarray([[float(v) for v in row.values()]], dtype=np.float32)
score = float(onnx_io.run(onnx_io.session(model), x)[0])
inputs = onnx_io.json_metadata(model, "inputs")
print(json.dumps({{"score": score, "tolerance": agreement.TOLERANCE, "inputs": inputs}}))
"""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def app_server(project: Path, python: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """`make app` on a free port of 127.0.0.1, its output in `log`; yields its address once it
    answers; stops it (Ctrl-C) and waits until make and the server are gone."""
    port = free_port()
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(
            ["make", "app", f"PYTHON={python}", f"APP_PORT={port}"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the server: one process group, stopped together
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"make app stopped: {log.read_text(encoding='utf-8')}")
            try:
                with urllib.request.urlopen(address + "/", timeout=5) as page:
                    assert page.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"make app does not answer: {log.read_text(encoding='utf-8')}")
                time.sleep(0.2)
        yield address
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Send Ctrl-C (SIGINT) to the process group of `server` (make, and the app it started), as
    a user stops `make app`; wait until all of it is gone (SIGKILL after 20 s)."""
    try:
        os.killpg(server.pid, signal.SIGINT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            server.poll()  # reaps make once it exits (a zombie still counts in its group)
            os.killpg(server.pid, 0)  # ProcessLookupError once no process of it is left
            time.sleep(0.1)
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    """A Selenium driver of headless Chromium, with a fresh profile; quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # Both paths given: Selenium Manager (which downloads drivers) is never asked.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def check_model_demo(
    project: Path, python: Path, env: dict[str, str], package: str, screenshot: Path
) -> None:
    """Install the app group, serve `make app`, and check the page in headless Chromium.

    Args:
        project: a generated project with a model, after `make all`.
        python: the Python of its environment.
        env: the environment of its make commands.
        package: its package name.
        screenshot: where the PNG of the page with a prediction is saved.
    """
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run does)")
    from selenium.webdriver.common.by import By

    run(["make", "install-app", f"PYTHON={python}"], cwd=project, env=env, timeout=600)
    model_dir = project / "models" / "classifier"
    inputs_csv = model_dir / "validation" / "reference_inputs.csv"
    with inputs_csv.open(newline="", encoding="utf-8") as stream:
        row = next(csv.DictReader(stream))
    expected = json.loads(
        run(
            [str(python), "-c", ONNX_SCORE.format(package=package)]
            + [str(model_dir / "model.onnx"), str(inputs_csv)],
            cwd=project,
        )
    )
    metadata = expected["inputs"]
    log = screenshot.with_name("app-server.log")
    with app_server(project, python, env, log) as address, chromium() as browser:
        browser.get(address + "/")
        # The card, rendered: its title and its table of inputs.
        card = browser.find_element(By.ID, "card")
        assert card.find_element(By.TAG_NAME, "h1").text.endswith("classifier")
        assert card.find_elements(By.TAG_NAME, "table")
        # One field per input, labelled with its name, unit and description.
        assert [i["name"] for i in metadata] == list(row)
        for number, entry in enumerate(metadata, start=1):
            field = browser.find_element(By.ID, f"input-{number}")
            assert field.get_attribute("name") == entry["name"]
            label = browser.find_element(By.CSS_SELECTOR, f"label[for='input-{number}']").text
            assert label == f"{entry['name']} ({entry['unit'] or 'dimensionless'})", label
            hint = browser.find_element(By.ID, f"input-{number}-hint").text
            assert hint == entry["description"]
        # A reference input of the release, typed in: onnxruntime's score.
        for name, value in row.items():
            field = browser.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
        shown = float(browser.find_element(By.ID, "prediction").get_attribute("data-score"))
        assert abs(shown - expected["score"]) <= expected["tolerance"], (shown, expected)
        assert browser.find_element(By.ID, "prediction").text == f"{shown:.6f}"
        browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes().startswith(b"\x89PNG")
        # A value that is no number: that field's message, and no score.
        first = metadata[0]
        field = browser.find_element(By.ID, "input-1")
        field.clear()
        field.send_keys("abc")
        browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
        message = browser.find_element(By.ID, "input-1-error").text
        unit = first["unit"]
        assert message.startswith(f"{first['name']} ({unit or 'dimensionless'}): 'abc' is not")
        assert message.endswith(f"enter a number in {unit}" if unit else "enter a number")
        assert browser.find_element(By.ID, "input-1").get_attribute("aria-invalid") == "true"
        assert "1 of the" in browser.find_element(By.ID, "errors").text
        assert not browser.find_elements(By.ID, "prediction")

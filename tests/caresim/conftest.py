"""Fixtures of these tests: a small base config and experiment files written beside it, and a
real browser (the system's Chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from tests.conftest import ROOT, queue_document


def small_queue(horizon: str = "2000 hours", warm_up: str = "50 hours") -> dict:
    """Three servers, 2.7 arrivals an hour, an hour's service: a busy M/M/3 (ρ = 0.9)."""
    return queue_document(
        rate="2.7 per hour",
        duration={"distribution": "exponential", "mean": "1 hour"},
        servers=3,
        horizon=horizon,
        warm_up=warm_up,
    )


@pytest.fixture
def experiment_file(tmp_path):
    """Write ``configs/base.yaml`` (a small queue, or the document given) and an experiment.

    The experiment text (YAML) refers to the base as ``../configs/base.yaml``.
    """

    def write(text: str, base: dict | None = None, name: str = "experiment.yaml"):
        configs = tmp_path / "configs"
        configs.mkdir(exist_ok=True)
        (configs / "base.yaml").write_text(
            yaml.safe_dump(base or small_queue(), sort_keys=False), encoding="utf-8"
        )
        folder = tmp_path / "experiments"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


#: Headless, and quiet: the browser must not try to reach the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOCS_IMAGES = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium; missing Chromium fails under CI (which installs it) and skips elsewhere."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

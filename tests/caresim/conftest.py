"""Fixtures of the tests that use a real browser: the system's Chromium, driven by Playwright."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import ROOT

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

"""Report heights: how tall each shipped experiment's report is in a browser.

``python bench/report_heights.py [--full] [experiments/NAME.yaml ...]`` (default: every file in
``experiments/``) runs each experiment with ``caresim experiment --report`` into a temporary
folder and measures ``document.documentElement.scrollHeight`` of its report.html in headless
Chromium at a 1280-px-wide viewport, folded parts closed. A board reads the first page; a
report should stay under about 15,000 px.

The height depends on the number of scenarios, measures and figures, not on the run's length,
so by default each experiment runs shortened: 2 replications of every scenario, and a run of
its warm-up plus 6 weeks (never longer than the file's). ``--full`` runs the files as they are.
``--folders DIR ...`` runs nothing: it writes the report of finished experiment folders again
(``caresim report``) and measures that.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caresim.experiments.files import load_experiment  # noqa: E402

VIEWPORT_WIDTH = 1280
MOST_PX = 15_000
SHORT_REPLICATIONS = 2
SHORT_DAYS_MEASURED = 42


def shortened(path: Path, folder: Path) -> Path:
    """A copy of an experiment file whose every scenario runs its warm-up plus six weeks."""
    experiment = load_experiment(path)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["base"] = str((path.parent / document["base"]).resolve())
    run = experiment.baseline.config.run
    horizon = min(run.horizon, run.warm_up + SHORT_DAYS_MEASURED * 24)
    document["set"] = {**(document.get("set") or {}), "run.horizon": f"{horizon:g} hours"}
    copy = folder / path.name
    copy.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return copy


def report_height(report: Path) -> int:
    """The rendered height of a report, in CSS pixels."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": VIEWPORT_WIDTH, "height": 900})
        page.goto(report.as_uri(), wait_until="load")
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        browser.close()
    return height


def measure(path: Path, full: bool, keep: Path | None) -> tuple[str, int, int, float]:
    """Run one experiment with its report; (name, scenarios, height px, seconds)."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        file = path if full else shortened(path, folder)
        out = (keep / path.stem) if keep else folder / "out"
        command = [sys.executable, "-m", "caresim.cli", "experiment", str(file)]
        command += ["--out", str(out), "--report", "--quiet", "--yes"]
        if not full:
            command += ["--replications", str(SHORT_REPLICATIONS)]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT)
        seconds = time.perf_counter() - started
        scenarios = pd.read_csv(out / "summary.csv")["scenario"].nunique()
        return path.stem, int(scenarios), report_height(out / "report.html"), seconds


def remeasure(folder: Path) -> tuple[str, int, int, float]:
    """Write a finished experiment's report again; (name, scenarios, height px, seconds)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "caresim.cli", "report", str(folder)], check=True)
    seconds = time.perf_counter() - started
    scenarios = pd.read_csv(folder / "summary.csv")["scenario"].nunique()
    return folder.name, int(scenarios), report_height(folder / "report.html"), seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiments", nargs="*", type=Path)
    parser.add_argument("--full", action="store_true", help="run the files as they are")
    parser.add_argument("--keep", type=Path, help="keep each experiment's folder under this one")
    parser.add_argument(
        "--folders", action="store_true", help="the arguments are finished experiment folders"
    )
    args = parser.parse_args()
    paths = args.experiments or sorted((ROOT / "experiments").glob("*.yaml"))
    print(f"{'experiment':<16} {'scenarios':>9} {'height px':>10} {'seconds':>7}")
    tallest = 0
    for path in paths:
        if args.folders:
            name, scenarios, height, seconds = remeasure(path)
        else:
            name, scenarios, height, seconds = measure(path, args.full, args.keep)
        tallest = max(tallest, height)
        flag = "" if height < MOST_PX else f"  over {MOST_PX:,}"
        print(f"{name:<16} {scenarios:>9} {height:>10,} {seconds:>7.0f}{flag}", flush=True)
    return 0 if tallest < MOST_PX else 1


if __name__ == "__main__":
    raise SystemExit(main())

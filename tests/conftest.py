"""Shared fixtures: configs written on the fly, the command line run in-process, replications."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from caresim.cli import main
from caresim.config.files import load_config, validate_document
from caresim.runs.replication import replication_frames
from caresim.runs.stats import t_interval

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def write_config(tmp_path):
    """Write YAML text (dedented) or a dict to a file and return its path."""

    def write(content, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(capsys):
    """Run ``caresim ARGS`` in-process; return (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def replicate(document: dict, replications: int, seed: int = 1) -> pd.DataFrame:
    """Measures of ``replications`` replications of a config document (no files written)."""
    config = validate_document(document)
    frames = [replication_frames(config, config.name, r, seed)[0] for r in range(replications)]
    return pd.concat(frames, ignore_index=True)


def interval(
    table: pd.DataFrame, group: str, measure: str, confidence: float = 0.99
) -> tuple[float, float, float, int]:
    """The t-interval of one measure of one group across replications.

    Checks against theory use 99% intervals with each config's own seed: a 95% interval misses
    the truth one time in twenty by design, and a test suite should fail on bias, not on that.
    """
    values = table[(table["group"] == group) & (table["measure"] == measure)]["value"]
    return t_interval(values.to_numpy(), confidence)


def queue_document(
    *,
    rate: str,
    duration: dict,
    servers: int | str,
    horizon: str,
    warm_up: str = "0 hours",
    kind: str = "staff",
    when_full: str = "queue",
    report_in: str = "hours",
) -> dict:
    """A one-service config: the textbook single queue."""
    document: dict = {
        "name": "queue",
        "run": {"horizon": horizon, "warm_up": warm_up, "replications": 1, "seed": 1},
        "services": {"service": {"uses": "servers", "duration": duration, "report_in": report_in}},
        "arrivals": {"patients": {"rate": rate, "to": "service"}},
    }
    if kind == "staff":
        document["staff"] = {"servers": {"headcount": servers}}
    else:
        document["beds"] = {"servers": {"capacity": servers, "when_full": when_full}}
    return document


def hospital_side(path: Path = ROOT / "configs" / "pcn_baseline.yaml") -> list[str]:
    """Overrides that take general practice out of a config, leaving the rest of the place.

    General practice is most of a whole run's work (nine-tenths of the PCN baseline's), so tests
    of the hospital, intermediate care and social care run without it. What it sent to the
    hospital (admissions, and attendances of those it could not see) is given instead to the
    emergency department's own attendances, half as many again, so that the baseline's acute
    beds and social care stay about as full as in the whole place (assumption, checked by the
    tests that use it: their bed-days waiting are of the whole baseline's size).
    """
    document = load_config(path).document
    rates = document["hospital"]["presentations"]["rate"]
    raised = ", ".join(f"{cohort}: {_times(rate, 1.5)}" for cohort, rate in rates.items())
    return [
        "general_practice=null",
        "starting_state.general_practice=null",
        *(
            f"staff.{name}.absence=null"
            for name, pool in document["staff"].items()
            if "absence" in pool
        ),
        f"hospital.presentations.rate={{{raised}}}",
    ]


def _times(rate: str, factor: float) -> str:
    """A rate such as '1.8 per year' multiplied by ``factor``."""
    number, rest = rate.split(" ", 1)
    return f"{float(number) * factor:g} {rest}"


# The tiers of the suite (``pytest -m unit`` and so on; ``make test-fast`` runs the unit tier).
# A file is in the tier named here, or in ``unit``; a test may also carry a tier marker itself.
TIERS = {
    "browser": ("tests/caresim/test_app_browser.py", "tests/caresim/test_report_browser.py"),
    "validation": (
        "tests/models/test_queueing_theory.py",
        "tests/models/test_settings_theory.py",
        "tests/caresim/test_replication_rule.py",
        "tests/models/test_stroke_capacity.py",
    ),
    "functional": (
        "tests/models/test_care_functional.py",
        "tests/models/test_care_conservation.py",
        "tests/models/test_conservation.py",
        "tests/models/test_general_practice.py",
        "tests/models/test_front_door.py",
        "tests/models/test_social_care_capacity.py",
        "tests/models/test_social_care_community.py",
        "tests/models/test_reproducibility.py",
        "tests/models/test_teaching.py",
        "tests/caresim/test_app.py",
        "tests/caresim/test_cli_run.py",
        "tests/caresim/test_events.py",
        "tests/caresim/test_experiment_files.py",
        "tests/caresim/test_experiment_report.py",
        "tests/caresim/test_experiment_run.py",
        "tests/caresim/test_plots.py",
        "tests/caresim/test_report.py",
        "tests/caresim/test_teaching.py",
        "tests/models/test_general_practice_baseline.py",
        "tests/caresim/test_report_baseline.py",
        "tests/models/test_hospital_discharge.py",
        "tests/models/test_time_series.py",
    ),
}
TIER_NAMES = ("unit", "validation", "functional", "browser")

# The files that take longest, longest first (seconds on an idle 2-core machine, measured with
# --durations). Workers take files in this order, then the rest in collection order, so that no
# long file is left to start when the others are done.
HEAVIEST_FIRST = (
    "tests/caresim/test_experiment_run.py",  # ~38
    "tests/models/test_care_functional.py",  # ~35
    "tests/caresim/test_report.py",  # ~28
    "tests/caresim/test_app_browser.py",  # ~23
    "tests/models/test_queueing_theory.py",  # ~21
    "tests/models/test_social_care_capacity.py",  # ~19
    "tests/caresim/test_report_browser.py",  # ~16
    "tests/caresim/test_app.py",  # ~13
    "tests/models/test_settings_theory.py",  # ~13
    "tests/caresim/test_plots.py",  # ~13
    "tests/caresim/test_place.py",  # ~12
    "tests/caresim/test_report_baseline.py",  # ~12
    "tests/models/test_general_practice_baseline.py",  # ~11
    "tests/caresim/test_teaching.py",  # ~11
    "tests/models/test_demand.py",  # ~10
    "tests/models/test_hospital_discharge.py",  # ~10
)


def pytest_collection_modifyitems(config, items):
    tier_of = {path: tier for tier, paths in TIERS.items() for path in paths}
    for item in items:
        if any(item.get_closest_marker(name) for name in TIER_NAMES):
            continue
        item.add_marker(getattr(pytest.mark, tier_of.get(_path(item), "unit")))
    rank = {path: k for k, path in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(_path(item), len(rank)))


def _path(item) -> str:
    return Path(item.fspath).resolve().relative_to(ROOT).as_posix()

"""Every experiment shipped in experiments/ loads, and every one of its scenarios validates."""

import pytest

from caresim.experiments.files import load_experiment
from tests.conftest import ROOT

FILES = sorted((ROOT / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_shipped_experiment_resolves_every_scenario(path):
    experiment = load_experiment(path)
    assert experiment.scenarios[0].name == "baseline"
    assert len(experiment.scenarios) >= 2
    assert experiment.measures


def test_the_headline_experiments_are_shipped():
    assert {"task_sharing", "lower_acuity", "pooling", "sensitivity"} <= {p.stem for p in FILES}

"""Fixtures for experiments: a small base config and experiment files written beside it."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import queue_document


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

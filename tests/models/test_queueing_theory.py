"""The engine against queueing theory, through confidence intervals over replications.

Each check runs independent replications and asks that the 95% t-interval of the simulated
measure contains the theoretical value (or that simulated and theoretical values differ by less
than the interval's half-width allows). A single lucky seed proves nothing; an interval does.
"""

import math

import numpy as np
import pytest

from caresim.config.files import load_config, validate_document
from caresim.models.model import simulate
from caresim.sim.measures import LogView
from caresim.sim.theory import (
    erlang_b,
    erlang_c,
    mmc_queue_length_mean,
    mmc_wait_mean,
    poisson_pmf,
    poisson_quantile,
)
from tests.conftest import ROOT, interval, queue_document, replicate


def test_mm3_config_mean_wait_matches_erlang_c(tmp_path):
    """The shipped configs/validation/mm3.yaml, its 10 replications over a quarter of its
    100,000 hours: the interval is twice as wide, and the bias of the empty start (a few hundred
    hours to settle at ρ = 0.9) still far below it."""
    loaded = load_config(ROOT / "configs/validation/mm3.yaml", ["run.horizon=25000 hours"])
    table = replicate(loaded.document, loaded.config.run.replications, seed=1)
    mean, low, high, n = interval(table, "clinic", "wait_mean", confidence=0.95)
    assert n == 10
    assert low <= mmc_wait_mean(2.7, 1.0, 3) <= high
    assert mmc_wait_mean(2.7, 1.0, 3) == pytest.approx(2.7235, abs=1e-4)
    mean, low, high, _ = interval(table, "clinicians", "queue_length_mean")
    assert low <= mmc_queue_length_mean(2.7, 1.0, 3) <= high
    mean, low, high, _ = interval(table, "clinic", "waited_share")
    assert low <= erlang_c(3, 2.7) <= high


# Five servers see 40,000 arrivals in 10,000 hours; one server needs twice the hours for 14,000.
@pytest.mark.parametrize(
    ("servers", "arrival_rate", "horizon"), [(1, 0.7, "20000 hours"), (5, 4.0, "10000 hours")]
)
def test_mmc_waits_match_erlang_c_at_other_loads(servers, arrival_rate, horizon):
    document = queue_document(
        rate=f"{arrival_rate} per hour",
        duration={"distribution": "exponential", "mean": "1 hour"},
        servers=servers,
        horizon=horizon,
        warm_up="200 hours",
    )
    table = replicate(document, 10, seed=3)
    _, low, high, _ = interval(table, "service", "wait_mean")
    assert low <= mmc_wait_mean(arrival_rate, 1.0, servers) <= high
    _, low, high, _ = interval(table, "servers", "utilisation")
    assert low <= arrival_rate / servers <= high


def test_mmcc_config_blocking_matches_erlang_b():
    """configs/validation/mmcc_beds.yaml: ten beds, 8 admissions a day, one-day stays."""
    loaded = load_config(ROOT / "configs/validation/mmcc_beds.yaml")
    seed = loaded.config.run.seed
    table = replicate(loaded.document, loaded.config.run.replications, seed)
    _, low, high, _ = interval(table, "admission", "turned_away_share")
    assert low <= erlang_b(10, 8.0) <= high
    _, low, high, _ = interval(table, "ward", "occupancy_mean")
    assert low <= 8.0 * (1 - erlang_b(10, 8.0)) <= high
    # Insensitivity: blocking depends on the length of stay only through its mean (M/G/c/c).
    stays = {"distribution": "lognormal", "mean": "1 day", "sd": "2 days"}
    loaded = load_config(
        ROOT / "configs/validation/mmcc_beds.yaml",
        [f"services.admission.duration={stays}".replace("'", "")],
    )
    table = replicate(loaded.document, loaded.config.run.replications, seed)
    _, low, high, _ = interval(table, "admission", "turned_away_share")
    assert low <= erlang_b(10, 8.0) <= high


def test_unconstrained_beds_config_has_poisson_occupancy():
    """configs/validation/mginf_beds.yaml: occupancy is Poisson(20), whatever the stays."""
    loaded = load_config(ROOT / "configs/validation/mginf_beds.yaml")
    config = loaded.config
    table = replicate(loaded.document, config.run.replications, config.run.seed)
    _, low, high, _ = interval(table, "audit", "occupancy_mean")
    assert low <= 20.0 <= high
    p95 = table.query("group == 'audit' and measure == 'occupancy_p95'")["value"]
    assert abs(p95.median() - poisson_quantile(0.95, 20.0)) <= 1
    # The share of time at each occupancy, over replications, against the Poisson pmf.
    shares: dict[int, list[float]] = {k: [] for k in (10, 15, 20, 25, 30)}
    for r in range(config.run.replications):
        result = simulate(config, r, config.run.seed)
        level = LogView(result.log).busy_level("audit")
        at = level.time_at_levels(result.window.start, result.window.end)
        for k in shares:
            shares[k].append(at.get(float(k), 0.0))
    for k, values in shares.items():
        values = np.array(values)
        half = 3.25 * values.std(ddof=1) / math.sqrt(len(values))  # 99%, 9 degrees of freedom
        assert abs(values.mean() - poisson_pmf(k, 20.0)) <= half


def test_littles_law_holds_for_the_queue():
    """Lq = λ·W over everyone who queued (served or gave up), replication by replication."""
    document = queue_document(
        rate="3 per hour",
        duration={"distribution": "gamma", "mean": "50 min", "sd": "30 min"},
        servers=3,
        horizon="5000 hours",
        warm_up="100 hours",
    )
    document["services"]["service"]["patience"] = {"distribution": "exponential", "mean": "2 hours"}
    config = validate_document(document)
    for r in range(4):
        result = simulate(config, r, 13)
        view = LogView(result.log)
        out = view.step("service", result.window)
        use = view.pool_use("servers", result.window, 3)
        assert out.abandoned > 0
        arrival_rate = out.requests / result.window.length
        mean_wait = (out.waits.sum() + out.abandon_waits.sum()) / out.requests
        assert use.queue_length_mean == pytest.approx(arrival_rate * mean_wait, rel=0.02)

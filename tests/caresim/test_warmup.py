"""MSER-5 finds the end of a known initial transient, and leaves a steady series alone."""

import numpy as np
import pandas as pd

from caresim.experiments.warmup import BATCH, WARMUP_COLUMNS, estimate_warm_up, mser5


def test_a_step_transient_is_cut_exactly_where_it_ends():
    rng = np.random.default_rng(1)
    start = np.full(100, 30.0)  # 100 observations far from the steady state, then steady
    series = np.concatenate([start, 10 + rng.normal(0, 1, 900)])
    truncation = mser5(series)
    assert truncation.batches * BATCH == 100
    assert truncation.settled


def test_a_decaying_transient_is_cut_and_the_rest_is_unbiased():
    rng = np.random.default_rng(2)
    t = np.arange(2000)
    series = 10 + 20 * np.exp(-t / 40) + rng.normal(0, 1, len(t))
    cut = mser5(series).batches * BATCH
    # the bias is 20·exp(-t/40): above the noise's sd until t ≈ 120, below 0.1 after t ≈ 212
    assert 60 <= cut <= 300
    assert abs(series[cut:].mean() - 10) < 0.1 < abs(series.mean() - 10)


def test_a_steady_series_is_hardly_cut_and_a_constant_one_not_at_all():
    rng = np.random.default_rng(3)
    steady = 10 + rng.normal(0, 1, 1000)
    assert mser5(steady).batches * BATCH <= 100
    constant = mser5(np.full(500, 0.3))
    assert constant.batches == 0 and constant.settled
    assert np.all(constant.statistic == 0)


def test_the_statistic_covers_the_first_half_of_the_batches():
    rng = np.random.default_rng(4)
    truncation = mser5(rng.normal(0, 1, 103))  # 20 whole batches; the last 3 points left out
    assert len(truncation.statistic) == 10
    assert truncation.statistic[truncation.batches] == truncation.statistic.min()


def test_a_series_still_rising_at_half_the_run_is_reported_unsettled():
    t = np.arange(400, dtype=float)
    truncation = mser5(t)  # a trend never settles: the minimum sits at the end of the search
    assert not truncation.settled


def series_frame(values_by_replication, group, bin_width):
    rows = []
    for replication, values in enumerate(values_by_replication):
        for index, value in enumerate(values):
            rows.append(
                ("x", replication, "hospital", group, "occupancy", "beds", index * bin_width, value)
            )
    return pd.DataFrame(
        rows,
        columns=["scenario", "replication", "setting", "group", "measure", "unit", "time", "value"],
    )


def test_the_warm_up_is_the_latest_cut_over_series_averaged_over_replications():
    rng = np.random.default_rng(5)
    bin_width = 24.0
    quick = [np.concatenate([np.full(20, 0.0), 5 + rng.normal(0, 0.5, 180)]) for _ in range(3)]
    slow = [np.concatenate([np.full(40, 0.0), 8 + rng.normal(0, 0.5, 160)]) for _ in range(3)]
    frame = pd.concat(
        [series_frame(quick, "ward_a", bin_width), series_frame(slow, "ward_b", bin_width)]
    )
    hours, diagnostic, unsettled = estimate_warm_up(frame, bin_width, horizon=200 * bin_width)
    assert hours == 40 * bin_width
    assert list(diagnostic.columns) == WARMUP_COLUMNS
    chosen = diagnostic[diagnostic["truncation"]].set_index("group")["batch_start"]
    assert chosen.to_dict() == {"ward_a": 20 * bin_width, "ward_b": 40 * bin_width}
    assert len(diagnostic) == 2 * 200 // BATCH
    assert diagnostic.groupby("group")["mser5"].count().tolist() == [20, 20]
    assert unsettled == []

"""District nursing as a planner sees it: visits due in windows, kinds kept for an episode, travel
in the nurse's time, and lateness against the window."""

import numpy as np
import pandas as pd
import pytest

from caresim.config.files import validate_document
from caresim.models.model import simulate
from caresim.sim.recorder import Kind
from tests.conftest import interval, replicate

FIXED = lambda value: {"distribution": "fixed", "value": value}  # noqa: E731


def nursing_document(visit_kinds: dict, **extra) -> dict:
    """District nursing alone: one practice, one nurse on duty around the clock."""
    nursing = {
        "episode": {
            "visits": {"distribution": "fixed", "value": 1},
            "interval": FIXED("1 hour"),
            "first_visit_after": FIXED("0 days"),
        },
        "visit_kinds": visit_kinds,
    }
    nursing.update(extra)
    return {
        "name": "district_nursing_alone",
        "run": {"horizon": "3 days", "warm_up": "0 days", "replications": 1},
        "population": {"practices": {"only": {"registered": 10000}}, "cohorts": {"everyone": 1.0}},
        "staff": {"nurse": {"role": "district_nurse", "headcount": 1}},
        "district_nursing": nursing,
    }


def measures(document: dict, seed: int = 1) -> dict[tuple[str, str], float]:
    table = replicate(document, 1, seed)
    return {(r.group, r.measure): r.value for r in table.itertuples()}


def visit_log(document: dict, seed: int = 1) -> pd.DataFrame:
    """Each visit's entity, kind, time due, time the nurse left and time the nurse arrived."""
    result = simulate(validate_document(document), 0, seed)
    log = result.log
    labels = {label.code: label for label in log.labels}
    rows = pd.DataFrame(log.columns())
    rows["kind"] = [labels[c].kind for c in rows["label"]]
    rows["event"] = [labels[c].event for c in rows["label"]]
    due = rows[(rows["kind"] == Kind.QUEUE) & rows["event"].str.endswith("_visit_wait")]
    left = rows[rows["kind"] == Kind.START].set_index("ref")["time"]
    arrived = rows[rows["event"].str.endswith("_visit_arrived")].set_index("ref")["time"]
    return pd.DataFrame(
        {
            "entity": due["entity"].to_numpy(),
            "visit_kind": due["event"].str.removesuffix("_visit_wait").to_numpy(),
            "due": due["time"].to_numpy(),
            "left": left.reindex(due.index).to_numpy(),
            "arrived": arrived.reindex(due.index).to_numpy(),
        }
    )


def test_visits_due_together_in_a_window_are_late_once_it_closes():
    """Three insulin visits due at 08:00, one nurse, 15 minutes' travel and 30 minutes a visit.

    The nurse reaches them at 08:15, 09:00 and 09:45: the window closes at 09:00, so the third
    is late by three quarters of an hour, and the nurse spent 45 minutes on the road.
    """
    document = nursing_document(
        {
            "insulin": {
                "share": 1.0,
                "windows": ["08:00-09:00"],
                "roles": {"district_nurse": {"duration": FIXED("30 min")}},
            }
        },
        travel=FIXED("15 min"),
    )
    document["starting_state"] = {"district_nursing": {"open_episodes": 3}}
    found = measures(document)
    assert found[("insulin", "arrivals")] == 3
    assert found[("insulin", "completed")] == 3
    assert found[("all", "wait_mean")] == pytest.approx((0.25 + 1.0 + 1.75) / 3)
    assert found[("all", "late_share")] == pytest.approx(1 / 3)
    assert found[("all", "lateness_mean")] == pytest.approx(0.75)
    assert found[("all", "patient_hours_waiting")] == pytest.approx(0.75)
    assert found[("all", "travel_hours")] == pytest.approx(0.75)
    # Travel is the nurse's time: three visits of 45 minutes each, 08:00 to 10:15.
    assert found[("nurse", "busy_mean")] * 72 == pytest.approx(3 * 0.75)


def test_a_twice_daily_visit_falls_due_at_each_window_in_turn():
    document = nursing_document(
        {
            "insulin": {
                "share": 1.0,
                "windows": ["08:00-09:00", "16:30-17:30"],
                "visits": FIXED(6),
                "interval": FIXED("12 hours"),
                "roles": {"district_nurse": {"duration": FIXED("20 min")}},
            }
        }
    )
    document["run"]["horizon"] = "5 days"
    document["starting_state"] = {"district_nursing": {"open_episodes": 6}}
    visits = visit_log(document)
    assert len(visits) > 6  # some episodes had several visits left
    assert set(np.round(visits["due"] % 24, 9)) <= {8.0, 16.5}
    for _, episode in visits.groupby("entity"):
        gaps = np.diff(episode["due"].to_numpy())
        assert set(np.round(gaps, 9)) <= {8.5, 15.5}
        assert not np.any(gaps[1:] == gaps[:-1])  # morning and evening alternate
    # Nobody is visited before their window opens.
    assert (visits["arrived"] >= visits["due"]).all()


def test_a_visit_kind_is_kept_for_the_whole_episode():
    """Half the episodes are wound care, half catheter care; an episode never changes kind."""
    roles = {"district_nurse": {"duration": {"distribution": "exponential", "mean": "20 min"}}}
    document = nursing_document(
        {
            "wound_care": {"share": 0.5, "roles": roles},
            "catheter_care": {"share": 0.5, "roles": roles},
        },
        referrals={"everyone": "0.2 per year"},
    )
    document["district_nursing"]["episode"]["visits"] = {"distribution": "fixed", "value": 5}
    document["district_nursing"]["episode"]["interval"] = FIXED("1 day")
    document["run"]["horizon"] = "60 days"
    visits = visit_log(document)
    kinds_per_episode = visits.groupby("entity")["visit_kind"].nunique()
    assert len(kinds_per_episode) > 100
    assert (kinds_per_episode == 1).all()
    # Both kinds are drawn, in about equal numbers of episodes.
    first = visits.groupby("entity")["visit_kind"].first().value_counts()
    assert set(first.index) == {"wound_care", "catheter_care"}
    assert abs(first["wound_care"] - first["catheter_care"]) < 0.25 * len(kinds_per_episode)


def test_contacts_per_patient_year_are_visits_made_over_the_list_and_the_year():
    """Single-visit referrals at 0.46 a patient a year: the contacts come to 0.46 within CI."""
    roles = {"district_nurse": {"duration": FIXED("10 min")}}
    document = nursing_document(
        {"any": {"share": 1.0, "roles": roles}}, referrals={"everyone": "0.46 per year"}
    )
    document["run"] = {"horizon": "120 days", "warm_up": "5 days", "replications": 1}
    table = replicate(document, 6, seed=5)
    _, low, high, _ = interval(table, "all", "contacts_per_patient_year")
    assert low <= 0.46 <= high


def test_a_second_nurse_makes_fewer_visits_late():
    """Twice-daily visits more than one nurse can make in their windows: with a second nurse and
    the same random numbers, the share of visits late falls, beyond its paired 95% interval."""

    def document(nurses: int) -> dict:
        doc = nursing_document(
            {
                "insulin": {
                    "share": 1.0,
                    "windows": ["08:00-09:00", "16:30-17:30"],
                    "visits": {"distribution": "geometric", "mean": 20},
                    "interval": FIXED("12 hours"),
                    "roles": {
                        "district_nurse": {
                            "duration": {
                                "distribution": "lognormal",
                                "mean": "25 min",
                                "sd": "8 min",
                            }
                        }
                    },
                }
            },
            referrals={"everyone": "0.02 per year"},
            travel={"distribution": "lognormal", "mean": "10 min", "sd": "5 min"},
        )
        doc["staff"]["nurse"]["headcount"] = nurses
        doc["run"] = {"horizon": "200 days", "warm_up": "20 days", "replications": 1}
        return doc

    one = replicate(document(1), 5, seed=9)
    two = replicate(document(2), 5, seed=9)

    def values(table: pd.DataFrame, measure: str) -> np.ndarray:
        rows = table[(table["group"] == "all") & (table["measure"] == measure)]
        return rows.sort_values("replication")["value"].to_numpy()

    difference = values(one, "late_share") - values(two, "late_share")
    assert difference.mean() > 0
    _, low, _, _ = interval(
        pd.DataFrame({"group": "all", "measure": "d", "value": difference}), "all", "d", 0.95
    )
    assert low > 0


def test_the_visit_whose_window_closes_first_is_made_first():
    """Insulin (due 08:00-09:00) and dressings (any time 08:00-16:00) all due at 08:00 with one
    nurse: every insulin visit is made before any dressing, whatever order they fell due in."""
    roles = {"district_nurse": {"duration": FIXED("15 min")}}
    document = nursing_document(
        {
            "insulin": {"share": 0.5, "windows": ["08:00-09:00"], "roles": roles},
            "dressing": {"share": 0.5, "windows": ["08:00-16:00"], "roles": roles},
        }
    )
    document["starting_state"] = {"district_nursing": {"open_episodes": 12}}
    visits = visit_log(document)
    assert (visits["due"] == 8.0).all()
    by_kind = visits.groupby("visit_kind")["arrived"]
    assert set(by_kind.groups) == {"insulin", "dressing"}
    assert by_kind.max()["insulin"] < by_kind.min()["dressing"]
    # In the order they fell due the kinds are mixed: first come, first served would not do it.
    queued = visits["visit_kind"].tolist()
    insulin = queued.count("insulin")
    assert queued[:insulin] != ["insulin"] * insulin

"""Each care setting alone reduces to a textbook queue, and matches it within an interval."""

import math

from scipy import stats

from caresim.sim.theory import mmc_wait_mean
from tests.conftest import interval, replicate

ONE_PRACTICE = {"practices": {"only": {"registered": 8760}}, "cohorts": {"everyone": 1.0}}
EXP = lambda mean: {"distribution": "exponential", "mean": mean}  # noqa: E731


def hospital_document(rate_per_day: float, beds, stay_days: float, **extra) -> dict:
    """Emergency admissions at a Poisson rate to acute beds, every one admitted, home after."""
    hospital = {
        "beds": "acute",
        "presentations": {"rate": {"everyone": f"{rate_per_day * 365} per year"}},
        "acuity": {"high": 1.0},
        "admitted_share": {"high": 1.0, "medium": 1.0, "low": 1.0},
        "length_of_stay": {"everyone": EXP(f"{stay_days} days")},
        "discharge_pathways": {"everyone": {"pathway_0": 1.0}},
    }
    hospital.update(extra)
    return {
        "name": "hospital_alone",
        "run": {"horizon": "2000 days", "warm_up": "50 days", "replications": 1},
        "population": {"practices": {"only": {"registered": 1}}, "cohorts": {"everyone": 1.0}},
        "beds": {"acute": {"capacity": beds}},
        "hospital": hospital,
    }


def test_waits_for_an_acute_bed_match_erlang_c():
    """Admissions at 10 a day to 12 beds, exponential one-day stays: boarding is M/M/12."""
    table = replicate(hospital_document(10.0, 12, 1.0), 8, seed=1)
    _, low, high, _ = interval(table, "admission", "wait_mean")
    assert low <= 24 * mmc_wait_mean(10.0, 1.0, 12) <= high
    _, low, high, _ = interval(table, "acute", "occupancy_mean")
    assert low <= 10.0 <= high


def test_step_down_waits_match_erlang_c_and_littles_law():
    """Unconstrained acute beds send Poisson discharges (Burke) to two IC beds: M/M/2 step-down."""
    document = hospital_document(
        1.0,
        "unconstrained",
        2.0,
        discharge_pathways={"everyone": {"pathway_0": 0.7, "pathway_2": 0.3}},
    )
    document["beds"]["ic_beds"] = {"capacity": 2}
    document["intermediate_care"] = {
        "bed_based": {"uses": "ic_beds", "length_of_stay": EXP("5 days")}
    }
    table = replicate(document, 8, seed=2)
    theory = mmc_wait_mean(0.3, 1 / 5, 2)  # days
    _, low, high, _ = interval(table, "bed_based_step_down", "wait_mean")
    assert low <= theory <= high
    # Delayed discharge bed-days per day is the mean number waiting: Lq = λ·Wq.
    per_day = (
        table.query("group == 'all' and measure == 'delayed_discharge_bed_days'")["value"] / 1950
    )
    mean = per_day.mean()
    half = stats.t.ppf(0.995, len(per_day) - 1) * per_day.std(ddof=1) / math.sqrt(len(per_day))
    assert abs(mean - 0.3 * theory) <= half


def test_district_nursing_visits_match_erlang_c():
    """Single-visit referrals at 2.5 an hour to three nurses on duty 24/7: M/M/3 visits."""
    document = {
        "name": "district_nursing_alone",
        "run": {"horizon": "500 days", "warm_up": "20 days", "replications": 1},
        "population": {"practices": {"only": {"registered": 21900}}, "cohorts": {"everyone": 1.0}},
        "staff": {"nurses": {"role": "district_nurse", "headcount": 3}},
        "district_nursing": {
            "referrals": {"everyone": "1 per year"},
            "episode": {
                "visits": {"distribution": "fixed", "value": 1},
                "interval": {"distribution": "fixed", "value": "1 day"},
                "first_visit_after": {"distribution": "fixed", "value": "0 days"},
            },
            "visit_kinds": {
                "any": {"share": 1.0, "roles": {"district_nurse": {"duration": EXP("1 hour")}}}
            },
        },
    }
    table = replicate(document, 8, seed=3)
    _, low, high, _ = interval(table, "all", "wait_mean")
    assert low <= mmc_wait_mean(2.5, 1.0, 3) <= high


def test_same_day_slots_turn_away_the_demand_beyond_them():
    """All requests come before surgery opens: each day's unmet demand is E[(D − N)+] with D Poisson."""
    slots_per_day = 8  # one GP, 08:00-12:00, 30-minute slots
    mean_demand = 7.0
    document = {
        "name": "same_day_slots",
        "run": {"horizon": "2800 days", "warm_up": "14 days", "replications": 1},
        "population": ONE_PRACTICE,
        "rotas": {"mornings": {"mon-fri": "08:00-12:00"}},
        "profiles": {"early": {"weekday": [1, 1, 1, 1, 1, 0, 0], "hour": [1] * 7 + [0] * 17}},
        "staff": {"gp": {"headcount": 1, "rota": "mornings", "scope": "only"}},
        "general_practice": {
            "slot_length": {"gp": "30 min"},
            "activities": {
                "same_day": {
                    # Per patient per year, times 8,760 patients: 7 requests each weekday.
                    "rate": {"everyone": f"{mean_demand * 5 * 365 / 7 / 8760} per year"},
                    "profile": "early",
                    "roles": {"gp": {"duration": {"distribution": "fixed", "value": "10 min"}}},
                    "book_within": "0 days",
                    "target": "0 days",
                    "patience": "0 days",
                }
            },
        },
    }
    table = replicate(document, 6, seed=4)
    unmet = sum(
        (d - slots_per_day) * stats.poisson.pmf(d, mean_demand)
        for d in range(slots_per_day + 1, 80)
    )
    _, low, high, _ = interval(table, "same_day", "gave_up_share")
    assert low <= unmet / mean_demand <= high
    # Everyone who got a slot was seen the same day.
    _, low, high, _ = interval(table, "same_day", "wait_share_same_day")
    assert low == high == 1.0

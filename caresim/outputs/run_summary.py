"""The measures printed after a run: per-setting waits, staff use, beds, delays and avoidance.

``summary.csv`` holds every measure; the printed table picks what a planner looks at first.
"""

from __future__ import annotations

import pandas as pd

from caresim.models.schema import Config
from caresim.models.vocabulary import CARE_SETTINGS, IC_KINDS, role_of

__all__ = ["headline"]

#: (setting, group or role kind, measures) in the order they are printed.
SETTING_ROWS = {
    "general_practice": [
        "arrivals",
        "wait_mean",
        "wait_p95",
        "within_target_share",
        "gave_up_share",
    ],
    "district_nursing": ["arrivals", "late_share", "lateness_mean"],
    "hospital": [
        "admissions",
        "admissions_avoided",
        "readmissions",
        "delayed_discharge_bed_days",
        "length_of_stay_mean",
    ],
    "system": ["arrivals", "time_in_system_mean", "total_cost"],
}
SERVICE_MEASURES = (
    "arrivals",
    "wait_mean",
    "wait_p95",
    "turned_away_share",
    "utilisation",
    "overtime_hours",
    "occupancy_mean",
    "queue_length_mean",
    "time_in_system_mean",
)


def headline(summary: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The rows of ``summary`` to print, in reading order."""
    picks: list[tuple[str, str, str]] = []
    care = any(getattr(config, s) is not None for s in CARE_SETTINGS)
    if not care:
        return summary[summary["measure"].isin(SERVICE_MEASURES)].sort_values(
            ["setting", "group"], kind="stable"
        )
    roles = sorted({role_of(name, staff) for name, staff in config.staff.items()})
    for setting in (
        "general_practice",
        "district_nursing",
        "intermediate_care",
        "hospital",
        "system",
    ):
        if setting != "system" and getattr(config, setting) is None:
            continue
        picks += [(setting, "all", m) for m in SETTING_ROWS.get(setting, [])]
        if setting == "hospital":
            picks.append((setting, "admission", "wait_mean"))
        if setting == "intermediate_care":
            for kind in IC_KINDS:
                if getattr(config.intermediate_care, kind) is not None:
                    picks += [
                        (setting, f"{kind}_step_down", "wait_mean"),
                        (setting, f"{kind}_step_up", "gave_up"),
                    ]
        for role in roles:
            picks += [
                (setting, role, "utilisation"),
                (setting, role, "slot_use"),
                (setting, role, "overtime_hours"),
            ]
        for pool in config.beds:
            picks += [(setting, pool, "occupancy_mean"), (setting, pool, "utilisation")]
    order = {key: i for i, key in enumerate(picks)}
    keys = list(zip(summary["setting"], summary["group"], summary["measure"], strict=True))
    rank = pd.Series([order.get(k, -1) for k in keys], index=summary.index)
    chosen = summary[rank >= 0].copy()
    chosen["_rank"] = rank[rank >= 0]
    return chosen.sort_values("_rank").drop(columns="_rank")

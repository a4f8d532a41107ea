"""The measures the page shows first, and how this run compares with the previous one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import pandas as pd

from caresim.app.controls import is_care_system, role_plural, words
from caresim.app.runs import TeachingRun
from caresim.models.schema import Config

__all__ = [
    "Headline",
    "comparison",
    "comparison_rows",
    "format_interval",
    "format_value",
    "headlines",
    "metric_label",
    "metric_value",
    "signed_change",
]


@dataclass(frozen=True)
class Headline:
    """One headline measure of a run: its mean and 95% interval over replications.

    ``better`` says which way is an improvement ("lower", "higher") or that neither is.
    """

    setting: str
    group: str
    measure: str
    label: str
    unit: str
    mean: float
    low: float
    high: float
    better: Literal["lower", "higher", "neither"]
    explanation: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """Which measure this is, the same in any run that has it."""
        return (self.setting, self.group, self.measure)


_IC_WORDS = {
    "bed_based": ("an IC bed", "a bed-based intermediate care place"),
    "home_based": ("home-based IC", "a home-based intermediate care place"),
    "assessment_beds": ("a D2A bed", "a discharge-to-assess bed"),
}


class _Pick(NamedTuple):
    setting: str
    group: str
    measure: str
    label: str
    better: str
    explanation: str


def _care_picks(config: Config) -> list[_Pick]:
    """A care system's headline measures, in the order patients meet the settings."""
    picks = []
    if config.general_practice is not None:
        lead = config.general_practice.handback_role
        picks += [
            _Pick(
                "general_practice",
                "all",
                "wait_mean",
                "Wait for an appointment",
                "lower",
                "Days from asking for an appointment to having it, every activity together.",
            ),
            _Pick(
                "general_practice",
                "all",
                "within_target_share",
                "Seen within target",
                "higher",
                "The share of appointments within their activity's target wait.",
            ),
            _Pick(
                "general_practice",
                lead,
                "slot_use",
                f"{role_plural(lead)}' slots booked",
                "neither",
                f"The share of {role_plural(lead)}' appointment slots that were booked.",
            ),
        ]
    if config.district_nursing is not None:
        picks.append(
            _Pick(
                "district_nursing",
                "all",
                "late_share",
                "District nursing visits late",
                "lower",
                "The share of visits the nurse reached after their time window had closed.",
            )
        )
    if config.intermediate_care is not None:
        for kind, (short, words) in _IC_WORDS.items():
            if getattr(config.intermediate_care, kind) is not None:
                picks.append(
                    _Pick(
                        "intermediate_care",
                        f"{kind}_step_down",
                        "wait_mean",
                        f"Wait for {short}",
                        "lower",
                        f"Days a patient fit to leave hospital waited for {words}, keeping "
                        "an acute bed.",
                    )
                )
    if config.hospital is not None:
        picks += [
            _Pick(
                "hospital",
                "admission",
                "wait_mean",
                "Wait for an acute bed",
                "lower",
                "Hours an admitted patient waited in the emergency department for a bed.",
            ),
            _Pick(
                "hospital",
                "all",
                "delayed_discharge_bed_days",
                "Delayed-discharge bed-days",
                "lower",
                "Acute bed-days of patients fit to leave, waiting for their next place.",
            ),
            _Pick(
                "hospital",
                "all",
                "admissions",
                "Emergency admissions",
                "lower",
                "Patients admitted to an acute bed in the measured period.",
            ),
        ]
        if config.hospital.admission_avoidance is not None:
            picks.append(
                _Pick(
                    "hospital",
                    "all",
                    "admissions_avoided",
                    "Admissions avoided",
                    "higher",
                    "Patients treated at home by urgent community response or a virtual ward "
                    "instead of being admitted.",
                )
            )
        picks.append(
            _Pick(
                "hospital",
                config.hospital.beds,
                "utilisation",
                "Acute bed occupancy",
                "neither",
                "The share of acute beds occupied on average; above 85% bed crises become regular.",
            )
        )
    picks.append(
        _Pick(
            "system",
            "all",
            "total_cost",
            "Total cost",
            "lower",
            "Staff, bed and delay costs over the measured period.",
        )
    )
    return picks


def _service_picks(config: Config) -> list[_Pick]:
    picks = []
    for name, service in config.services.items():
        pool = config.beds.get(service.uses)
        if pool is not None and pool.when_full == "turn_away":
            picks.append(
                _Pick(
                    service.setting,
                    name,
                    "turned_away_share",
                    f"Turned away: {words(name)}",
                    "lower",
                    "The share of patients who found every bed full.",
                )
            )
        else:
            picks.append(
                _Pick(
                    service.setting,
                    name,
                    "wait_mean",
                    f"Mean wait: {words(name)}",
                    "lower",
                    "Time from joining the queue to being seen, over patients seen.",
                )
            )
    used = list(dict.fromkeys(service.uses for service in config.services.values()))
    for pool in used:
        setting = next(s.setting for s in config.services.values() if s.uses == pool)
        picks.append(
            _Pick(
                setting,
                pool,
                "utilisation",
                f"Utilisation: {words(pool)}",
                "neither",
                "The share of the time staff were on duty (or beds open) that they were busy.",
            )
        )
    return picks


def headlines(run: TeachingRun) -> list[Headline]:
    """The measures the page shows first, those the run has, in reading order."""
    picks = _service_picks(run.config)
    if is_care_system(run.config):
        picks += _care_picks(run.config)
    summary = run.summary.set_index(["setting", "group", "measure"])
    found = []
    for pick in picks:
        key = (pick.setting, pick.group, pick.measure)
        if key not in summary.index:
            continue
        row = summary.loc[key]
        found.append(
            Headline(
                *key,
                label=pick.label,
                unit=str(row["unit"]),
                mean=float(row["mean"]),
                low=float(row["ci_low"]),
                high=float(row["ci_high"]),
                better=pick.better,  # type: ignore[arg-type]
                explanation=pick.explanation,
            )
        )
    return found


def format_value(value: float, unit: str) -> str:
    """A measure's value as the page shows it: ``35.5 minutes``, ``81%``, ``£1,196,281``."""
    if value is None or not math.isfinite(value):
        return "–"
    if unit == "proportion":
        return f"{value * 100:.1f}%"
    if unit == "GBP":
        return f"£{value:,.0f}"
    size = abs(value)
    number = f"{value:,.0f}" if size >= 1000 else f"{value:#.3g}" if size < 10 else f"{value:,.1f}"
    return f"{number} {unit}"


TIME_UNITS = ("minutes", "hours", "days", "weeks")


def metric_label(headline: Headline) -> str:
    """A headline's label, with its unit if it is a time, so that the figure beside it can be a
    bare number (counts say what they count in the label)."""
    if headline.unit in TIME_UNITS:
        return f"{headline.label} ({headline.unit})"
    return headline.label


def metric_value(value: float, unit: str) -> str:
    """A headline figure without its unit (which :func:`metric_label` carries)."""
    return format_value(value, unit).removesuffix(f" {unit}")


def format_interval(low: float, high: float, unit: str) -> str:
    """A 95% interval as the page shows it, or a dash when a run cannot give one."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    if unit == "proportion":
        return f"{low * 100:.1f}% to {high * 100:.1f}%"
    return f"{format_value(low, unit).removesuffix(' ' + unit)} to {format_value(high, unit)}"


def comparison(current: Sequence[Headline], previous: Sequence[Headline]) -> pd.DataFrame:
    """This run's headline measures beside the previous run's, where both runs have them.

    Columns ``label, unit, previous, previous_low, previous_high, mean, low, high, change,
    overlap``; ``overlap`` is whether the two 95% intervals overlap (None without intervals).
    """
    before = {h.key: h for h in previous}
    rows = []
    for now in current:
        if now.key not in before:
            continue
        then = before[now.key]
        bounds = (now.low, now.high, then.low, then.high)
        overlap = (
            bool(now.low <= then.high and then.low <= now.high)
            if all(math.isfinite(b) for b in bounds)
            else None
        )
        rows.append(
            (
                now.label,
                now.unit,
                then.mean,
                then.low,
                then.high,
                now.mean,
                now.low,
                now.high,
                now.mean - then.mean,
                overlap,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "label",
            "unit",
            "previous",
            "previous_low",
            "previous_high",
            "mean",
            "low",
            "high",
            "change",
            "overlap",
        ],
    )


def signed_change(change: float, unit: str) -> str:
    """A change between runs with its sign: ``-12.3 minutes``, ``+4.1 points`` (of a share)."""
    if change is None or not math.isfinite(change):
        return "–"
    if unit == "proportion":
        return f"{change * 100:+.1f} points"
    text = format_value(abs(change), unit)
    return ("+" if change > 0 else "-" if change < 0 else "±") + text


def comparison_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the page writes it: one row of text per measure."""
    words = {True: "yes: could be chance", False: "no: a real change", None: "–"}
    return pd.DataFrame(
        {
            "measure": table["label"],
            "previous run": [
                f"{format_value(m, u)} ({format_interval(lo, hi, u)})"
                for m, lo, hi, u in zip(
                    table["previous"],
                    table["previous_low"],
                    table["previous_high"],
                    table["unit"],
                    strict=True,
                )
            ],
            "this run": [
                f"{format_value(m, u)} ({format_interval(lo, hi, u)})"
                for m, lo, hi, u in zip(
                    table["mean"], table["low"], table["high"], table["unit"], strict=True
                )
            ],
            "change": [
                signed_change(c, u) for c, u in zip(table["change"], table["unit"], strict=True)
            ],
            "intervals overlap?": [
                words[None if pd.isna(o) else bool(o)] for o in table["overlap"]
            ],
        }
    )

"""The measures the page shows first, and how this run compares with the previous one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import pandas as pd
from scipy import stats

from caresim.app.controls import is_care_system, role_plural, words
from caresim.app.runs import TeachingRun
from caresim.models.measures_care import admission_source_keys
from caresim.models.schema import Config
from caresim.runs.stats import bounded, t_interval

__all__ = [
    "COMPARISON_COLUMNS",
    "Headline",
    "admission_sources",
    "bounded",
    "comparison",
    "comparison_rows",
    "format_interval",
    "format_value",
    "headlines",
    "metric_label",
    "metric_value",
    "signed_change",
]


#: Which way a measure is better: lower, higher, or neither (a level to read, not to push).
Better = Literal["lower", "higher", "neither"]


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
                # With several trusts, all their acute beds together (as one site's pool is named)
                config.hospital.acute_beds[0] if config.hospital.trusts is None else "acute",
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
        found.append(_from_summary(key, summary.loc[key], pick))
    return found


#: How the page names emergency admissions by source (others: "Admitted from <source>").
_SOURCE_LABELS = {
    "emergency_department": "Admitted via A&E",
    "general_practice": "Admitted on a GP's referral",
    "readmission": "Readmitted",
    "admission_avoidance": "Admitted after admission avoidance",
}


def _from_summary(key: tuple[str, str, str], row: pd.Series, pick: _Pick) -> Headline:
    low, high = bounded(float(row["ci_low"]), float(row["ci_high"]), str(row["unit"]))
    return Headline(
        *key,
        label=pick.label,
        unit=str(row["unit"]),
        mean=float(row["mean"]),
        low=low,
        high=high,
        better=pick.better,  # type: ignore[arg-type]
        explanation=pick.explanation,
    )


def admission_sources(run: TeachingRun, other: TeachingRun | None = None) -> list[Headline]:
    """Emergency admissions by source (A&E, a GP's referral, district nursing, readmission, ...),
    which the comparison shows after the headlines so that an effect in one setting can be
    traced to the hospital's front door.

    The sources that admitted anyone in this run or in ``other`` (the run it is compared with).
    """
    runs = [run] if other is None else [run, other]
    rows = pd.concat([r.summary for r in runs], ignore_index=True)
    keys = admission_source_keys(
        rows[["setting", "group", "measure", "mean"]].itertuples(index=False, name=None)
    )
    summary = run.summary.set_index(["setting", "group", "measure"])
    found = []
    for key in keys:
        if key not in summary.index:
            continue
        source = key[2].removeprefix("from_")
        label = _SOURCE_LABELS.get(source, f"Admitted from {words(source)}")
        explanation = f"Emergency admissions from {words(source)} in the measured period."
        pick = _Pick(*key, label, "lower", explanation)
        found.append(_from_summary(key, summary.loc[key], pick))
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


COMPARISON_COLUMNS = [
    "label",
    "unit",
    "previous",
    "previous_low",
    "previous_high",
    "mean",
    "low",
    "high",
    "change",
    "change_low",
    "change_high",
    "paired",
    "beyond_chance",
]


def _change_interval(
    key: tuple[str, str, str], now: pd.DataFrame | None, then: pd.DataFrame | None
) -> tuple[float, float, bool]:
    """The 95% interval of this run minus the previous one, and whether it was paired.

    Replication r of both runs shares its random numbers when their seeds agree, so the
    differences replication by replication cancel the luck of the draw; otherwise the two runs
    are independent samples (Welch's interval).
    """
    if now is None or then is None:
        return math.nan, math.nan, False

    def values(table: pd.DataFrame) -> pd.Series:
        setting, group, measure = key
        rows = table[
            (table["setting"] == setting)
            & (table["group"] == group)
            & (table["measure"] == measure)
        ]
        return rows.set_index("replication")["value"].astype(float)

    a, b = values(now), values(then)
    same_seed = now.attrs.get("seed") == then.attrs.get("seed")
    if same_seed:
        pairs = (a - b.reindex(a.index)).dropna()
        _, low, high, _ = t_interval(pairs.to_numpy())
        return low, high, True
    a, b = a.dropna(), b.dropna()
    if len(a) < 2 or len(b) < 2:
        return math.nan, math.nan, False
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    spread = math.sqrt(va + vb)
    if spread == 0:
        return float(a.mean() - b.mean()), float(a.mean() - b.mean()), False
    freedom = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, freedom)) * spread
    change = float(a.mean() - b.mean())
    return change - half, change + half, False


def comparison(
    current: Sequence[Headline],
    previous: Sequence[Headline],
    current_replications: pd.DataFrame | None = None,
    previous_replications: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """This run's headline measures beside the previous run's, where both runs have them.

    Columns :data:`COMPARISON_COLUMNS`. ``change_low``/``change_high`` is the 95% interval of the
    change, from the runs' replications (``replications.csv`` rows, with the run's seed in
    ``attrs["seed"]``): paired replication by replication when both runs share their seed.
    ``beyond_chance`` is whether that interval excludes zero (None where it cannot be had).
    """
    before = {h.key: h for h in previous}
    rows = []
    for now in current:
        if now.key not in before:
            continue
        then = before[now.key]
        low, high, paired = _change_interval(now.key, current_replications, previous_replications)
        known = math.isfinite(low) and math.isfinite(high)
        beyond = bool(low > 0 or high < 0) if known else None
        rows.append(
            (now.label, now.unit, then.mean, then.low, then.high, now.mean, now.low, now.high)
            + (now.mean - then.mean, low, high, paired, beyond)
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def signed_change(change: float, unit: str) -> str:
    """A change between runs with its sign: ``-12.3 minutes``, ``+4.1 points`` (of a share)."""
    if change is None or not math.isfinite(change):
        return "–"
    if unit == "proportion":
        return f"{change * 100:+.1f} points"
    text = format_value(abs(change), unit)
    return ("+" if change > 0 else "-" if change < 0 else "±") + text


def _change_text(change: float, low: float, high: float, unit: str) -> str:
    text = signed_change(change, unit)
    if math.isfinite(low) and math.isfinite(high):
        if unit == "proportion":
            return f"{text} ({low * 100:+.1f} to {high * 100:+.1f})"
        return f"{text} ({signed_change(low, unit)} to {signed_change(high, unit)})"
    return text


def comparison_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the page writes it: one row of text per measure."""
    words = {True: "yes: a real change", False: "no: could be chance", None: "–"}
    unchanged = (table["change"] == 0) & (table["change_low"] == 0) & (table["change_high"] == 0)
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
            "change (95% interval)": [
                _change_text(c, lo, hi, u)
                for c, lo, hi, u in zip(
                    table["change"],
                    table["change_low"],
                    table["change_high"],
                    table["unit"],
                    strict=True,
                )
            ],
            "beyond chance?": [
                "no change" if same else words[None if pd.isna(b) else bool(b)]
                for b, same in zip(table["beyond_chance"], unchanged, strict=True)
            ],
        }
    )

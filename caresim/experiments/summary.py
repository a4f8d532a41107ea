"""The text an experiment prints: each scenario's measures of interest and their differences.

For every chosen measure, then for every source of emergency admissions (general practice, the
emergency department, readmission, ...) where the hospital is modelled, one row per scenario: its
mean and 95% interval, and the paired difference from the baseline with its 95% interval, flagged
``*`` when the interval excludes zero. With automatic replications, a table of how many each scenario needed and why it stopped.
"""

from __future__ import annotations

import math

import pandas as pd

from caresim.experiments.experiment import ExperimentOutcome
from caresim.experiments.files import BASELINE, Experiment, written
from caresim.experiments.replication_rule import AutomaticRule
from caresim.models.measures_care import admission_source_keys
from caresim.outputs.formatting import format_interval, format_number

__all__ = [
    "comparison_text",
    "describe_replications",
    "headline",
    "number",
    "replications_text",
    "scenarios_text",
    "warm_up_text",
]


number = format_number


def _interval(low: float, high: float) -> str:
    return format_interval(low, high)


def _table(lines: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = []
    for index, line in enumerate(lines):
        cells = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
        if index == 0:
            text.append("  ".join("-" * width for width in widths))
    return text


def _key(name: str) -> tuple[str, str, str]:
    setting, group, measure = name.split(".")
    return setting, group, measure


def _measure_block(
    summary: pd.DataFrame, comparison: pd.DataFrame, key: tuple[str, str, str]
) -> str | None:
    """One measure: every scenario's mean and interval, and its paired difference."""
    setting, group, measure = key
    rows = summary[
        (summary["setting"] == setting)
        & (summary["group"] == group)
        & (summary["measure"] == measure)
    ]
    if rows.empty:
        return None
    differences = comparison[
        (comparison["setting"] == setting)
        & (comparison["group"] == group)
        & (comparison["measure"] == measure)
    ].set_index("scenario")
    unit = rows["unit"].iloc[0]
    lines = [("scenario", "n", "mean", "95% interval", "minus baseline", "95% interval", "")]
    for row in rows.itertuples():
        shown = (row.scenario, str(row.n), number(row.mean), _interval(row.ci_low, row.ci_high))
        if row.scenario == BASELINE or row.scenario not in differences.index:
            lines.append((*shown, "", "", ""))
            continue
        d = differences.loc[row.scenario]
        lines.append(
            (
                *shown,
                number(d["mean_difference"]),
                _interval(d["ci_low"], d["ci_high"]),
                "*" if d["distinguishable"] else "",
            )
        )
    return "\n".join([f"{'.'.join(key)} ({unit})", *_table(lines, {1, 2, 3, 4, 5})])


def comparison_text(outcome: ExperimentOutcome, measures: tuple[str, ...]) -> str:
    """Per measure of interest, then per source of emergency admissions (where the hospital is
    modelled): every scenario's mean and interval, and its paired difference."""
    summary, comparison = outcome.summary, outcome.comparison
    named = [_key(name) for name in measures]
    blocks = [_measure_block(summary, comparison, key) for key in named]
    rows = summary[["setting", "group", "measure", "mean"]].itertuples(index=False, name=None)
    sources = [key for key in admission_source_keys(rows) if key not in named]
    if sources:
        blocks.append(
            "emergency admissions by source, so that an effect in one setting can be traced to "
            "the hospital's front door:"
        )
        blocks += [_measure_block(summary, comparison, key) for key in sources]
    blocks.append(
        "* the 95% interval of the paired difference (same replications, common random "
        "numbers) excludes zero"
    )
    return "\n\n".join(block for block in blocks if block)


def sensitivity_text(outcome: ExperimentOutcome) -> str:
    """The inputs of a Latin hypercube ranked by their influence on each measure."""
    table = outcome.sensitivity
    if table is None or table.empty:
        return ""
    blocks = []
    for (setting, group, measure), rows in table.groupby(
        ["setting", "group", "measure"], sort=False
    ):
        r_squared = rows["r_squared"].iloc[0]
        by = "SRC" if rows["ranked_by"].iloc[0] == "src" else "Spearman"
        lines = [("rank", "input", "SRC (95% bootstrap)", "Spearman (95% bootstrap)")]
        for row in rows.itertuples():
            lines.append(
                (
                    str(row.rank),
                    row.parameter,
                    f"{row.src:+.2f} ({row.src_ci_low:+.2f} to {row.src_ci_high:+.2f})",
                    f"{row.spearman:+.2f} ({row.spearman_ci_low:+.2f} to "
                    f"{row.spearman_ci_high:+.2f})",
                )
            )
        blocks.append(
            f"what moves {setting}.{group}.{measure} most "
            f"({int(rows['points'].iloc[0])} points, linear R² = {r_squared:.2f}, "
            f"ranked by {by})\n" + "\n".join(_table(lines, {0, 2, 3}))
        )
    return "\n\n".join(blocks)


def replications_text(outcome: ExperimentOutcome, experiment: Experiment) -> str:
    """How many replications each scenario got under the automatic rule, and why it stopped."""
    rule = experiment.replications
    if not isinstance(rule, AutomaticRule):
        return ""
    lines = [("scenario", "replications", "stopped because")]
    for scenario in outcome.scenarios:
        if scenario.stopped == "precision":
            why = (
                f"precision {scenario.precision:.3g} <= {rule.precision:g} reached at "
                f"{scenario.needed}, held for {scenario.replications - scenario.needed} more"
            )
        else:
            precision = scenario.precision if scenario.precision is not None else math.inf
            why = f"maximum of {rule.maximum} reached (precision {precision:.3g})"
        lines.append((scenario.name, str(scenario.replications), why))
    head = (
        f"replications chosen until every 95% interval of {', '.join(experiment.replication_measures)} "
        f"is within ±{rule.precision:.0%} of its mean (look-ahead {rule.look_ahead})"
    )
    return "\n".join([head, *_table(lines, {1})])


def scenarios_text(experiment: Experiment, limit: int = 20) -> str:
    """What each scenario sets, so that generated names can be read (the first ``limit``)."""
    lines = [("scenario", "sets")]
    common = ", ".join(f"{key}={written(value)}" for key, value in experiment.common)
    for scenario in experiment.scenarios[:limit]:
        sets = ", ".join(f"{key}={written(value)}" for key, value in scenario.overrides)
        if scenario is experiment.baseline:
            sets = f"the experiment's set: {common}" if common else ""
        lines.append((scenario.name, sets or f"nothing: {experiment.base_path} as it is"))
    if common:
        lines.append(("", f"(every scenario also sets {common})"))
    text = _table(lines, set())
    if len(experiment.scenarios) > limit:
        text.append(f"... and {len(experiment.scenarios) - limit} more (scenarios.csv)")
    return "\n".join(text)


def warm_up_text(outcome: ExperimentOutcome) -> str:
    """One line on the warm-up that was applied and how it was chosen."""
    warm_up = outcome.warm_up
    if warm_up.method != "mser5":
        return ""
    series = (
        0
        if warm_up.diagnostic is None
        else len(warm_up.diagnostic.drop_duplicates(["setting", "group", "measure"]))
    )
    return (
        f"warm-up {warm_up.hours:g} hours, estimated by MSER-5 on {series} time series of the "
        "baseline's pilot replications (warmup.csv)"
    )


def describe_replications(experiment: Experiment) -> str:
    """The replications asked for, in a few words."""
    rule = experiment.replications
    if isinstance(rule, AutomaticRule):
        return f"{rule.initial} to {rule.maximum} replications (automatic)"
    return f"{rule} replication{'s' if rule != 1 else ''}"


def headline(experiment: Experiment, backend: str, folder: object) -> str:
    """The line announcing a run."""
    count = len(experiment.scenarios)
    warm_up = (
        "warm-up estimated (MSER-5)"
        if experiment.warm_up == "auto"
        else f"warm-up {experiment.baseline.config.run.warm_up:g} hours"
    )
    return (
        f"{experiment.name}: {count} scenario{'s' if count != 1 else ''} x "
        f"{describe_replications(experiment)}, seed {experiment.seed}, {warm_up}, "
        f"{backend} -> {folder}"
    )

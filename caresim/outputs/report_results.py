"""The report's results section (7): tables with 95% intervals, and the figures.

A table longer than the page should carry is folded (:func:`~caresim.outputs.html.table`); for an
experiment, the figures that compare scenarios are on its first page
(:mod:`~caresim.outputs.report_board`, of the measures it names) and here are, folded, the
forest plot of every measure and the figures of its baseline alone, labelled as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from caresim.models.vocabulary import SETTINGS
from caresim.outputs.html import (
    NOT_RECORDED,
    escape,
    figure_html,
    folded,
    interval,
    number,
    paragraph,
    table,
)
from caresim.outputs.plots.common import Figure, measure_words, setting_words
from caresim.outputs.plots.comparison import EVERY_MEASURE, forest_rows
from caresim.outputs.report_board import comparing
from caresim.outputs.results import ResultFolder

__all__ = ["HEADLINE", "results_section"]

#: Measures shown in an experiment's table of results by scenario, in order.
HEADLINE = (
    "arrivals",
    "wait_mean",
    "wait_p95",
    "within_target_share",
    "turned_away_share",
    "utilisation",
    "overtime_hours",
    "occupancy_mean",
    "queue_length_mean",
    "time_in_system_mean",
    "delayed_discharge_bed_days",
    "admissions",
    "admissions_avoided",
    "readmissions",
    "staff_cost",
)
SETTING_ORDER = list(SETTINGS)


def _summary_rows(summary: pd.DataFrame) -> list[tuple]:
    order = {s: i for i, s in enumerate(SETTING_ORDER)}
    summary = summary.assign(_order=summary["setting"].map(order).fillna(len(order)))
    summary = summary.sort_values("_order", kind="stable")
    return [
        (
            setting_words(str(row.setting)),
            row.group,
            measure_words(str(row.measure)),
            row.unit,
            number(row.mean),
            interval(row.ci_low, row.ci_high),
            _count(row.n) if "n" in summary else "–",
        )
        for row in summary.itertuples()
    ]


def _count(value: object) -> int | str:
    """A count (of replications, say) as a whole number, or a dash where there is none."""
    if isinstance(value, int | float | np.integer | np.floating) and pd.notna(value):
        return int(value)
    return "–"


def _by_scenario(result: ResultFolder) -> str:
    shown = result.summary[result.summary["measure"].isin(HEADLINE)]
    rows = []
    for (setting, group, measure, unit), these in shown.groupby(
        ["setting", "group", "measure", "unit"], sort=False
    ):
        by = these.set_index("scenario")
        cells = []
        for scenario in result.scenarios:
            if scenario in by.index:
                r = by.loc[scenario]
                cells.append(f"{number(r['mean'])} ({interval(r['ci_low'], r['ci_high'])})")
            else:
                cells.append("–")
        rows.append((setting_words(str(setting)), group, measure_words(str(measure)), unit, *cells))
    return table(["setting", "group", "measure", "unit", *result.scenarios], rows)


def _comparison(result: ResultFolder) -> str:
    comparison = result.comparison
    if comparison is None:
        return paragraph(f"{NOT_RECORDED}: no comparison.csv in this folder.", "note")
    rows = forest_rows(comparison)
    moved = rows["distinguishable"].astype(str).str.lower().isin(["true", "1"])
    headers = ["scenario", "setting", "group", "measure", "unit", "difference", "95% interval"]
    body = [
        (
            r.scenario,
            setting_words(str(r.setting)),
            r.group,
            measure_words(str(r.measure)),
            r.unit,
            number(r.mean_difference),
            interval(r.ci_low, r.ci_high),
            r.n,
            "yes" if d else "no",
        )
        for r, d in zip(rows.itertuples(), moved, strict=True)
    ]
    return paragraph(
        f"Paired differences, scenario minus '{result.baseline}', with 95% intervals; rows in "
        "bold are beyond chance (the interval excludes zero). Every measure is in comparison.csv."
    ) + table(
        [*headers, "n", "beyond chance"],
        body,
        numeric={5, 6, 7},
        row_classes=["distinguishable" if d else "" for d in moved],
    )


def _figures(result: ResultFolder, figures: list[Figure], first: int) -> str:
    shown = comparing(figures) if result.is_experiment else []
    others = [f for f in figures if f.drawn and f not in shown]
    every = [f for f in others if f.name == EVERY_MEASURE]
    single = [f for f in others if f not in every]
    parts = []
    if every:  # the long forest plot beside the first page's, of the named measures only
        figure = every[0]
        parts.append(folded(f"Figure {first}. {figure.title}", figure_html(figure, first)))
        first += 1
    note = f"Scenario '{result.baseline}' alone." if result.is_experiment else ""
    body = "".join(figure_html(f, i, note) for i, f in enumerate(single, start=first))
    if result.is_experiment and single:
        body = folded(f"Figures of the baseline scenario '{result.baseline}' alone", body)
    parts.append(body)
    missing = [f for f in figures if not f.drawn]
    if missing:
        items = "".join(f"<li>{escape(f.title)}: {escape(f.skipped)}.</li>" for f in missing)
        parts.append(folded(f"Figures not drawn ({len(missing)})", f"<ul>{items}</ul>"))
    return "".join(parts)


def results_section(result: ResultFolder, figures: list[Figure]) -> str:
    """Section 7: results by scenario and the comparison (experiments) or the summary (runs)."""
    if result.is_experiment:
        first = len(comparing(figures)) + 1  # those are numbered on the first page
        return (
            "<h3>7.1 Results by scenario</h3>"
            + paragraph(
                "Means over replications with 95% intervals, for the main measures; every "
                "measure is in summary.csv."
            )
            + _by_scenario(result)
            + "<h3>7.2 Comparison with the baseline</h3>"
            + _comparison(result)
            + "<h3>7.3 Figures</h3>"
            + _figures(result, figures, first)
        )
    return (
        "<h3>7.1 Summary</h3>"
        + paragraph("Means over replications with 95% t-intervals (also in summary.csv).")
        + table(
            ["setting", "group", "measure", "unit", "mean", "95% interval", "n"],
            _summary_rows(result.summary),
            numeric={4, 5, 6},
        )
        + "<h3>7.2 Figures</h3>"
        + _figures(result, figures, 1)
    )

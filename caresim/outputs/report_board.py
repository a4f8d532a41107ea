"""The first page of an experiment's report: what a board reads before anything else.

The measures the experiment names under ``measures:``, scenario by scenario: the baseline's value
with its 95% interval, each other scenario's paired difference from it (common random numbers,
replication by replication) with its 95% interval, and a verdict in plain words; the same for
emergency admissions by source; then the figures that compare scenarios, those of several panels
at the page's width and the others two abreast.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

from caresim.models.measures_care import admission_source_keys
from caresim.outputs.html import (
    Markup,
    escape,
    figure_html,
    folded,
    interval,
    number,
    paragraph,
    png_width,
    table,
)
from caresim.outputs.plots.common import Figure, group_words, measure_words, setting_words
from caresim.outputs.results import ResultFolder
from caresim.runs.stats import bounded

__all__ = ["COMPARING_FIGURES", "board_page", "comparing", "named_measures", "verdict"]

#: Figures that compare scenarios (by the start of their names), in the order shown: the named
#: measures, which inputs matter most, then the detail of each sweep.
COMPARING_FIGURES = ("comparison", "tornado", "sensitivity", "response_", "heatmap_")
#: The first page shows this many of them open; the rest (a sweep of many parameters) fold.
MOST_FIGURES_OPEN = 4

#: Figures at least this wide (PNG pixels) have panels side by side: they take the page's width
#: on the first page, where narrower figures go two abreast.
WIDE_FIGURE_PX = 1100

#: Measures for which less is better, by a part of their name.
LESS_IS_BETTER = (
    "wait",
    "cost",
    "delayed",
    "delay_",
    "queue_length",
    "gave_up",
    "turned_away",
    "abandoned",
    "overtime",
    "late_share",
    "readmissions",
    "patient_hours_waiting",
)


def named_measures(result: ResultFolder) -> list[tuple[str, str, str]]:
    """The (setting, group, measure) the experiment names under ``measures:``, in its order."""
    return result.named_measures


def verdict(measure: str, low: float, high: float) -> tuple[str, str]:
    """A paired difference's interval in plain words, and its kind (better, worse, up, down,
    none): whether it moved beyond chance, and which way."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "too few replications to say", "none"
    if low <= 0 <= high:
        return "no clear change", "none"
    lower = high < 0
    if any(part in measure for part in LESS_IS_BETTER):
        return ("lower: better", "better") if lower else ("higher: worse", "worse")
    return ("lower", "down") if lower else ("higher", "up")


def _measure_heading(setting: str, group: str, measure: str, unit: str) -> str:
    where = setting_words(setting)
    who = "" if group == "all" else f" {group_words(group)}"
    return f"{where}{who}: {measure_words(measure)} ({unit})"


def _cells(result: ResultFolder, key: tuple[str, str, str]) -> tuple[str, list[str]]:
    """The heading and one cell per scenario (baseline first) of one named measure."""
    setting, group, measure = key
    rows = _one_measure(result.summary, key)
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    heading = _measure_heading(setting, group, measure, unit)
    means = {row["scenario"]: row for row in rows.to_dict("records")}
    comparison = result.comparison
    differences = {}
    if comparison is not None:
        these = _one_measure(comparison, key).to_dict("records")
        differences = {str(row["scenario"]): row for row in these}
    cells: list[str] = []
    for scenario in _scenario_order(result):
        if scenario == result.baseline:
            cells.append(_baseline_cell(means[scenario]) if scenario in means else "–")
        elif scenario in differences:
            cells.append(_difference_cell(measure, differences[scenario]))
        else:
            cells.append("–")
    return heading, cells


def _one_measure(table: pd.DataFrame, key: tuple[str, str, str]) -> pd.DataFrame:
    """The rows of one (setting, group, measure) of a summary or a comparison."""
    setting, group, measure = key
    return table[
        (table["setting"] == setting) & (table["group"] == group) & (table["measure"] == measure)
    ]


def _baseline_cell(row: Mapping[Hashable, Any]) -> Markup:
    """The baseline's mean and its 95% interval."""
    low, high = bounded(float(row["ci_low"]), float(row["ci_high"]), str(row["unit"]))
    return Markup(f"{escape(number(row['mean']))}<br><small>{escape(interval(low, high))}</small>")


def _difference_cell(measure: str, row: Mapping[Hashable, Any]) -> Markup:
    """A scenario's paired difference from the baseline, its 95% interval and the verdict."""
    low, high = float(row["ci_low"]), float(row["ci_high"])
    words, kind = verdict(measure, low, high)
    sign = "+" if float(row["mean_difference"]) > 0 else ""
    return Markup(
        f"{escape(sign + number(row['mean_difference']))}<br>"
        f"<small>{escape(interval(low, high))}</small><br>"
        f'<span class="verdict {kind}">{escape(words)}</span>'
    )


def _admission_sources(result: ResultFolder) -> list[tuple[str, str, str]]:
    """The (setting, group, measure) of admissions by source, where the hospital has them."""
    summary = result.summary
    return admission_source_keys(
        summary[["setting", "group", "measure", "mean"]].itertuples(index=False, name=None)
    )


def _scenario_order(result: ResultFolder) -> list[str]:
    return [result.baseline, *(s for s in result.scenarios if s != result.baseline)]


def _summary_table(result: ResultFolder, keys: list[tuple[str, str, str]]) -> str:
    columns = [_cells(result, key) for key in keys]
    headings = ["scenario", *(heading for heading, _ in columns)]
    rows = []
    for index, scenario in enumerate(_scenario_order(result)):
        name = f"{scenario} (baseline)" if scenario == result.baseline else scenario
        rows.append([name, *(cells[index] for _, cells in columns)])
    return table(headings, rows, numeric=set(range(1, len(headings))))


def _plain_words(result: ResultFolder, keys: list[tuple[str, str, str]]) -> list[str]:
    comparison = result.comparison
    if comparison is None:
        return []
    lines = []
    others = len(result.scenarios) - 1
    for setting, group, measure in keys:
        rows = _one_measure(comparison, (setting, group, measure))
        moved = rows[(rows["ci_low"] > 0) | (rows["ci_high"] < 0)]
        name = _measure_heading(
            setting, group, measure, str(rows["unit"].iloc[0]) if len(rows) else ""
        )
        if moved.empty:
            lines.append(f"{name}: no scenario moves it beyond chance.")
            continue
        largest = moved.iloc[moved["mean_difference"].abs().argmax()]
        lines.append(
            f"{name}: {len(moved)} of {others} scenarios move it beyond chance; the largest "
            f"change is {largest['scenario']}, {number(largest['mean_difference'])} "
            f"({interval(largest['ci_low'], largest['ci_high'])})."
        )
    return lines


def _width(figure: Figure) -> str:
    """'wide' for a figure of several panels side by side, which takes the page's width."""
    return "wide" if figure.png is not None and png_width(figure.png) >= WIDE_FIGURE_PX else ""


def comparing(figures: Iterable[Figure]) -> list[Figure]:
    """The drawn figures that compare scenarios, in the order of :data:`COMPARING_FIGURES`."""
    drawn = [f for f in figures if f.drawn]
    ordered = []
    for start in COMPARING_FIGURES:
        ordered += [f for f in drawn if f.name.startswith(start) and f not in ordered]
    return ordered


def board_page(result: ResultFolder, figures: list[Figure]) -> str:
    """The experiment's first page: its named measures by scenario, then comparing figures."""
    keys = named_measures(result)
    parts = ['<section id="summary"><h2>Summary for decision makers</h2>']
    if keys:
        parts.append(
            paragraph(
                f"The measures the experiment names, by scenario: the baseline "
                f"'{result.baseline}' with its 95% interval, then each scenario's difference "
                "from it with the 95% interval of the paired differences (replication r of "
                "every scenario shares its random numbers) and a verdict. A change is named "
                "only when its interval excludes zero; otherwise it reads 'no clear "
                "change'."
            )
        )
        parts.append(_summary_table(result, keys))
        lines = _plain_words(result, keys)
        if lines:
            parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")
    else:
        parts.append(paragraph("The experiment names no measures (measures: in its file).", "note"))
    sources = _admission_sources(result)
    if sources:
        parts.append("<h3>Where admissions came from</h3>")
        parts.append(
            paragraph(
                "Emergency admissions by source, so that an effect in one setting can be traced "
                "to the hospital's front door: the baseline, and each scenario's paired "
                "difference from it. A source that admitted no one in any scenario is left out "
                "(every source is in summary.csv and comparison.csv)."
            )
        )
        parts.append(_summary_table(result, sources))
    shown = [figure_html(f, i, css=_width(f)) for i, f in enumerate(comparing(figures), start=1)]
    if shown:
        parts.append('<div class="side-by-side">' + "".join(shown[:MOST_FIGURES_OPEN]) + "</div>")
    if len(shown) > MOST_FIGURES_OPEN:
        more = shown[MOST_FIGURES_OPEN:]
        body = '<div class="side-by-side">' + "".join(more) + "</div>"
        what = (
            "1 more figure that compares"
            if len(more) == 1
            else f"{len(more)} more figures that compare"
        )
        parts.append(folded(f"{what} scenarios", body))
    parts.append("</section>")
    return "".join(parts)

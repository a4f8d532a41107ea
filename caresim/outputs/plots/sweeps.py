"""Sweeps: how results respond as one parameter varies (response curves), as two vary together
(heatmaps), and which parameters matter most (a sensitivity tornado).

The design is read from ``scenarios.csv`` (``scenario, parameter, value``: the dotted config paths
each scenario sets). A scenario belongs to a parameter's one-way sweep when it differs from the
baseline in that parameter alone, and to a two-way grid when it differs in two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from caresim.outputs.plots.common import (
    COLOURS,
    Figure,
    error_bars,
    measure_words,
    new_figure,
    row_label,
    save_figure,
    scale_for,
    skipped,
    style_axes,
    unit_words,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "RESPONSE_MEASURES",
    "SweepDesign",
    "heatmaps",
    "numeric_values",
    "response_curves",
    "sensitivity_ranking",
    "sweep_design",
    "tornado",
]

#: Measures drawn against a swept parameter, in order of interest.
RESPONSE_MEASURES = (
    "wait_mean",
    "within_target_share",
    "turned_away_share",
    "utilisation",
    "occupancy_mean",
    "delayed_discharge_bed_days",
    "time_in_system_mean",
)
MAX_LINES = 6
MAX_TICK_LABEL = 24  # characters: a longer value is named by its scenario on the axis
_WITH_UNIT = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


@dataclass
class SweepDesign:
    """Which scenarios vary which parameters, relative to the baseline."""

    baseline: str
    values: pd.DataFrame  # index scenario, a column per parameter, text values (NaN: not set)
    one_way: dict[str, list[str]] = field(default_factory=dict)  # parameter -> scenarios
    two_way: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def value(self, scenario: str, parameter: str) -> str | None:
        """The value a scenario gives a parameter (the baseline's when the scenario sets none)."""
        for name in (scenario, self.baseline):
            if name in self.values.index and parameter in self.values.columns:
                value = self.values.at[name, parameter]
                if isinstance(value, str):
                    return value
        return None


def _value_at(document: dict | None, parameter: str) -> str | None:
    """The value a config document holds at a dotted path, as text (None if it holds none)."""
    node = document
    for key in parameter.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return None if isinstance(node, dict | list) else str(node)


def sweep_design(
    scenarios: pd.DataFrame | None, baseline: str, base_config: dict | None = None
) -> SweepDesign | None:
    """The one-way sweeps and two-way grids in ``scenarios.csv``, or None if it is absent.

    The baseline sets nothing, so its value of each swept parameter is read from the base
    config (``base_config``, the resolved document) when ``scenarios.csv`` does not give it.
    """
    if scenarios is None or scenarios.empty:
        return None
    values = scenarios.pivot_table(
        index="scenario", columns="parameter", values="value", aggfunc="last"
    )
    for parameter in values.columns:
        if baseline not in values.index or not isinstance(values.at[baseline, parameter], str):
            found = _value_at(base_config, str(parameter))
            if found is not None:
                values.loc[baseline, parameter] = found
    design = SweepDesign(baseline, values)
    base = {str(p): v for p, v in values.loc[baseline].items()} if baseline in values.index else {}
    for scenario, row in values.iterrows():
        if scenario == baseline:
            continue
        changed = _changed_parameters(row, base)
        if len(changed) == 1:
            design.one_way.setdefault(changed[0], []).append(str(scenario))
        elif len(changed) == 2:
            design.two_way.setdefault((changed[0], changed[1]), []).append(str(scenario))
    return design


def _changed_parameters(row: pd.Series, base: dict[str, object]) -> tuple[str, ...]:
    """The parameters a scenario sets to other values than the baseline's, in order of name."""
    changed = []
    for parameter, value in row.items():
        name = str(parameter)
        if isinstance(value, str) and (name not in base or base[name] != value):
            changed.append(name)
    return tuple(sorted(changed))


def numeric_values(texts: list[str]) -> tuple[list[float], str] | None:
    """Values such as ``"4"`` or ``"3 days"`` as numbers and their common unit, if they all are."""
    numbers, units = [], set()
    for text in texts:
        match = _WITH_UNIT.match(str(text))
        if match is None:
            return None
        numbers.append(float(match.group(1)))
        units.add(match.group(2))
    if len(units) > 1:
        return None
    return numbers, units.pop() if units else ""


def _parameter_words(parameter: str) -> str:
    """A config path in words: ``staff.gp.headcount`` is 'gp headcount', ``beds.ward.capacity``
    'ward beds'."""
    parts = parameter.split(".")
    if len(parts) == 3 and parts[0] == "beds" and parts[2] == "capacity":
        words = f"{parts[1]} beds"
    elif len(parts) >= 2:
        words = " ".join(parts[-2:])
    else:
        words = parameter
    return words.replace("_", " ")


def _points(design: SweepDesign, parameter: str) -> tuple[list[str], list, str, bool]:
    """Scenarios of a one-way sweep (baseline included), their x values, unit, and if numeric."""
    scenarios, texts = [], []
    for scenario in [design.baseline, *design.one_way.get(parameter, [])]:
        text = design.value(scenario, parameter)
        if text is not None:
            scenarios.append(scenario)
            texts.append(text)
    numeric = numeric_values(texts)
    if numeric is None:
        return scenarios, texts, "", False
    numbers, unit = numeric
    order = np.argsort(numbers, kind="stable")
    return [scenarios[i] for i in order], [numbers[i] for i in order], unit, True


def _widest(spread: pd.Series) -> tuple[str, str]:
    """The (setting, group) of a spread indexed by setting and group with the largest value."""
    key = spread.idxmax()
    assert isinstance(key, tuple), "a spread is indexed by (setting, group)"
    setting, group = key
    return setting, group


def _lines_for(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """The (setting, group) lines of one measure that respond most, at most ``MAX_LINES``."""
    spread = rows.groupby(["setting", "group"], sort=False)["mean"].agg(lambda v: v.max() - v.min())
    return list(spread.sort_values(ascending=False, kind="stable").index[:MAX_LINES])


def _panels(count: int, width: float, height: float) -> tuple[MplFigure, np.ndarray, int]:
    """A figure with ``count`` panels of about ``width`` by ``height`` inches, two to a row:
    the figure, its grid of axes and the number of columns. Panels past ``count`` are hidden."""
    columns = min(2, count)
    rows_of_panels = -(-count // columns)
    figure = new_figure(width * columns + 0.6, height * rows_of_panels + 0.8)
    grid = figure.subplots(rows_of_panels, columns, squeeze=False)
    for index in range(count, rows_of_panels * columns):
        grid[index // columns, index % columns].set_visible(False)
    return figure, grid, columns


def response_curves(
    summary: pd.DataFrame, design: SweepDesign | None, folder: Path
) -> list[Figure]:
    """For each parameter swept one at a time, the main measures against its value."""
    if design is None:
        return [
            skipped("response", "Response to each swept parameter", "no scenarios.csv (no sweep)")
        ]
    figures = [_response_figure(summary, design, parameter, folder) for parameter in design.one_way]
    if not figures:
        figures.append(
            skipped(
                "response",
                "Response to each swept parameter",
                "no scenario differs from the baseline in one parameter alone",
            )
        )
    return figures


def _response_figure(
    summary: pd.DataFrame, design: SweepDesign, parameter: str, folder: Path
) -> Figure:
    """The main measures against one parameter swept alone: a panel per measure and unit."""
    name = "response_" + re.sub(r"[^a-z0-9]+", "_", parameter.lower()).strip("_")
    title = f"How results respond to {_parameter_words(parameter)}"
    scenarios, xs, x_unit, numeric = _points(design, parameter)
    if len(scenarios) < 2:
        return skipped(name, title, "fewer than two values of the parameter")
    position = dict(zip(scenarios, xs if numeric else range(len(xs)), strict=True))
    labels = dict(zip(scenarios, xs if numeric else _category_labels(scenarios, xs), strict=True))
    here = summary[summary["scenario"].isin(scenarios)]
    # One panel per measure and unit: a wait in hours never shares an axis in days.
    measures = [
        (m, u)
        for m in RESPONSE_MEASURES
        for u in dict.fromkeys(here.loc[here["measure"] == m, "unit"].astype(str))
    ]
    if not measures:
        return skipped(name, title, f"summary.csv has none of {', '.join(RESPONSE_MEASURES)}")
    figure, grid, columns = _panels(len(measures), 5.0, 3.4)
    drawn = []
    for index, (measure, unit) in enumerate(measures):
        axes = grid[index // columns, index % columns]
        rows = here[(here["measure"] == measure) & (here["unit"].astype(str) == unit)].copy()
        rows["x"] = rows["scenario"].map(position)
        rows["label"] = rows["scenario"].map(labels)
        drawn += _response_lines(axes, rows, unit, parameter, joined=numeric)
        if design.baseline in position:
            axes.axvline(position[design.baseline], color="#999999", linestyle=":", linewidth=1)
        if not numeric:
            axes.set_xticks(range(len(xs)), [labels[sc] for sc in scenarios], fontsize=8)
        elif all(float(x).is_integer() for x in xs):
            axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel(_parameter_words(parameter) + (f" ({x_unit})" if x_unit else ""))
        axes.set_ylabel(f"{measure_words(measure)} ({unit_words(unit)})")
        style_axes(axes)
        axes.legend(fontsize=7, frameon=False)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        f"Means over replications with 95% intervals; the dotted line is the baseline "
        f"({design.baseline}). Each panel shows the services or pools that respond most."
    )
    return Figure(name, title, caption, png, svg, data=pd.concat(drawn, ignore_index=True))


def _category_labels(scenarios: list[str], values: list[str]) -> list[str]:
    """Tick labels of a parameter whose values are not numbers: the values when each is a short
    word or two, else the scenarios' names (a value such as a whole triage policy is not a label)."""
    short = all(len(v) <= MAX_TICK_LABEL and not v.startswith(("{", "[")) for v in values)
    return list(values) if short else list(scenarios)


def _response_lines(
    axes, rows: pd.DataFrame, unit: str, parameter: str, joined: bool = True
) -> list[pd.DataFrame]:
    """One measure's lines that respond most, against the parameter; the rows each line draws.

    Points are joined only along a numeric parameter: between categories there is nothing."""
    scale = scale_for(unit)
    drawn = []
    for colour, (setting, group) in zip(COLOURS, _lines_for(rows), strict=False):
        line = rows[(rows["setting"] == setting) & (rows["group"] == group)]
        line = line.sort_values("x")
        axes.errorbar(
            line["x"],
            line["mean"] * scale,
            yerr=error_bars(line, scale),
            fmt="o-" if joined else "o",
            color=colour,
            capsize=3,
            label=row_label(setting, group),
        )
        drawn.append(line.assign(parameter=parameter))
    return drawn


def _heatmap_outcomes(rows: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Up to four (setting, group, measure) outcomes for heatmaps: the whole system's time, then
    the service or pool that responds most for each main measure."""
    outcomes = []
    system = rows[(rows["group"] == "all") & (rows["measure"] == "time_in_system_mean")]
    if len(system):
        outcomes.append(("system", "all", "time_in_system_mean"))
    for measure in ("wait_mean", "utilisation", "occupancy_mean", "delayed_discharge_bed_days"):
        these = rows[(rows["measure"] == measure) & (rows["group"] != "all")]
        if these.empty:
            continue
        spread = these.groupby(["setting", "group"], sort=False)["mean"].agg(
            lambda v: v.max() - v.min()
        )
        setting, group = _widest(spread)
        outcomes.append((setting, group, measure))
    return outcomes[:4]


def _crossed(cells: dict[tuple[str, str], str]) -> bool:
    """Whether the cells make a grid: some value of each parameter is met with two or more of
    the other's (not one diagonal of values that always change together)."""
    firsts = pd.Series([a for a, _ in cells]).value_counts()
    seconds = pd.Series([b for _, b in cells]).value_counts()
    return bool((firsts > 1).any() and (seconds > 1).any())


def heatmaps(summary: pd.DataFrame, design: SweepDesign | None, folder: Path) -> list[Figure]:
    """For each pair of parameters varied together on a grid, the main outcomes over the grid."""
    figures = []
    if design is not None:
        figures += [
            _heatmap_figure(summary, design, parameters, members, folder)
            for parameters, members in design.two_way.items()
        ]
    if not figures:
        figures.append(
            skipped(
                "heatmap",
                "Results over two parameters varied together",
                "no two parameters are varied together on a grid",
            )
        )
    return figures


Cells = dict[tuple[str, str], str]  # (first value, second value) -> scenario


def _grid_cells(design: SweepDesign, parameters: tuple[str, str], members: list[str]) -> Cells:
    """The scenario of each pair of values on a grid: the grid's own, its one-way sweeps, the
    baseline (the first scenario with a pair keeps it)."""
    first, second = parameters
    scenarios = [design.baseline, *design.one_way.get(first, [])]
    scenarios += design.one_way.get(second, []) + members
    cells: Cells = {}
    for scenario in scenarios:
        a, b = design.value(scenario, first), design.value(scenario, second)
        if a is not None and b is not None:
            cells.setdefault((a, b), scenario)
    return cells


def _heatmap_figure(
    summary: pd.DataFrame,
    design: SweepDesign,
    parameters: tuple[str, str],
    members: list[str],
    folder: Path,
) -> Figure:
    """The main outcomes over one grid of two parameters: a panel per outcome."""
    first, second = parameters
    name = "heatmap_" + re.sub(r"[^a-z0-9]+", "_", f"{first}__{second}".lower()).strip("_")
    title = f"Results over {_parameter_words(first)} and {_parameter_words(second)}"
    cells = _grid_cells(design, parameters, members)
    xs = sorted({a for a, _ in cells}, key=_sort_key)
    ys = sorted({b for _, b in cells}, key=_sort_key)
    if len(xs) < 2 or len(ys) < 2:
        return skipped(name, title, "fewer than two values of each parameter")
    if not _crossed(cells):
        return skipped(name, title, "the two parameters change together, so there is no grid")
    here = summary[summary["scenario"].isin(set(cells.values()))]
    outcomes = _heatmap_outcomes(here)
    if not outcomes:
        return skipped(name, title, "no outcome measures to show")
    figure, grid, columns = _panels(len(outcomes), 5.2, 3.8)
    drawn = []
    for index, (setting, group, measure) in enumerate(outcomes):
        axes = grid[index // columns, index % columns]
        rows = here[
            (here["setting"] == setting) & (here["group"] == group) & (here["measure"] == measure)
        ].set_index("scenario")
        unit = str(rows["unit"].iloc[0]) if len(rows) else ""
        means = rows["mean"].astype(float).to_dict()
        matrix = np.full((len(ys), len(xs)), np.nan)
        for (a, b), scenario in cells.items():
            if scenario in means:
                matrix[ys.index(b), xs.index(a)] = means[scenario] * scale_for(unit)
                drawn.append(
                    {"scenario": scenario, first: a, second: b, "setting": setting}
                    | {"group": group, "measure": measure, "mean": means[scenario]}
                )
        _heatmap_panel(figure, axes, matrix, (xs, ys), unit)
        axes.set_xlabel(_parameter_words(first))
        axes.set_ylabel(_parameter_words(second))
        axes.set_title(f"{measure_words(measure)}: {row_label(setting, group)}", fontsize=9)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = "Each cell is the mean over replications of one scenario; blank: not run."
    return Figure(name, title, caption, png, svg, data=pd.DataFrame(drawn))


def _heatmap_panel(
    figure: MplFigure, axes, matrix: np.ndarray, ticks: tuple[list[str], list[str]], unit: str
) -> None:
    """One outcome's matrix as coloured cells, each labelled with its value, and a colour bar."""
    xs, ys = ticks
    image = axes.imshow(matrix, origin="lower", aspect="auto", cmap="viridis")
    for (i, j), value in np.ndenumerate(matrix):
        if np.isfinite(value):
            bright = value > np.nanmean(matrix)
            axes.text(
                j,
                i,
                f"{value:.3g}",
                ha="center",
                va="center",
                fontsize=8,
                color="black" if bright else "white",
            )
    axes.set_xticks(range(len(xs)), xs, fontsize=8)
    axes.set_yticks(range(len(ys)), ys, fontsize=8)
    figure.colorbar(image, ax=axes, label=unit_words(unit))


def _sort_key(text: str) -> tuple[int, float, str]:
    numeric = numeric_values([text])
    return (0, numeric[0][0], "") if numeric is not None else (1, 0.0, text)


def tornado_outcome(comparison: pd.DataFrame) -> tuple[str, str, str] | None:
    """The outcome a tornado ranks parameters by: the whole system's mean time in the system, or
    failing that the mean wait that differs most between scenarios."""
    system = comparison[
        (comparison["group"] == "all") & (comparison["measure"] == "time_in_system_mean")
    ]
    if len(system):
        return str(system["setting"].iloc[0]), "all", "time_in_system_mean"
    for measure in ("wait_mean", "utilisation", "occupancy_mean"):
        these = comparison[comparison["measure"] == measure]
        if len(these):
            spread = these.groupby(["setting", "group"], sort=False)["mean_difference"].agg(
                lambda v: v.abs().max()
            )
            setting, group = _widest(spread)
            return str(setting), str(group), measure
    return None


def tornado(
    comparison: pd.DataFrame | None,
    design: SweepDesign | None,
    folder: Path,
    outcome: tuple[str, str, str] | None = None,
) -> Figure:
    """How far each parameter, varied alone over its range, moves one outcome from the baseline."""
    name, title = "tornado", "Which parameters matter most"
    if comparison is None or comparison.empty:
        return skipped(name, title, "no comparison.csv (paired differences) in this folder")
    if design is None or not design.one_way:
        return skipped(name, title, "no parameter is varied alone from the baseline")
    outcome = outcome or tornado_outcome(comparison)
    if outcome is None:
        return skipped(name, title, "comparison.csv has no outcome measure to rank by")
    setting, group, measure = outcome
    rows = comparison[
        (comparison["setting"] == setting)
        & (comparison["group"] == group)
        & (comparison["measure"] == measure)
    ].set_index("scenario")
    bars = [bar for parameter in design.one_way if (bar := _tornado_bar(rows, design, parameter))]
    if not bars:
        return skipped(name, title, f"no one-way scenario has {measure} for {group}")
    data = pd.DataFrame(bars)
    data["span"] = data["high_difference"] - data["low_difference"]
    data = data.sort_values("span", ascending=True, kind="stable").reset_index(drop=True)
    unit = str(rows["unit"].iloc[0])
    figure = new_figure(8.0, 0.55 * len(data) + 1.8)
    axes = figure.subplots()
    _tornado_bars(axes, data, design.baseline, scale_for(unit))
    axes.set_yticks(range(len(data)), [_parameter_words(p) for p in data["parameter"]])
    difference_unit = "percentage points" if unit == "proportion" else unit_words(unit)
    axes.set_xlabel(
        f"change in {measure_words(measure)}, {row_label(setting, group)} ({difference_unit})"
    )
    style_axes(axes)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        f"Each bar spans the change from the baseline ({design.baseline}) as one parameter moves "
        "over the values swept (labelled at the ends), the others held at the baseline; the "
        "widest bar matters most."
    )
    return Figure(name, title, caption, png, svg, data=data)


def _tornado_bar(rows: pd.DataFrame, design: SweepDesign, parameter: str) -> dict | None:
    """The lowest and highest difference from the baseline one parameter's sweep reaches (None
    if no scenario of the sweep has the outcome)."""
    present = [s for s in design.one_way[parameter] if s in rows.index]
    if not present:
        return None
    differences = rows.loc[present, "mean_difference"].astype(float)
    # The baseline is a point of every sweep, at no difference from itself.
    differences = pd.concat([pd.Series({design.baseline: 0.0}), differences])
    low_s, high_s = str(differences.idxmin()), str(differences.idxmax())
    return {
        "parameter": parameter,
        "low_scenario": low_s,
        "low_value": design.value(low_s, parameter),
        "low_difference": float(differences[low_s]),
        "high_scenario": high_s,
        "high_value": design.value(high_s, parameter),
        "high_difference": float(differences[high_s]),
        "baseline_value": design.value(design.baseline, parameter),
    }


def _tornado_bars(axes, data: pd.DataFrame, baseline: str, scale: float) -> None:
    """A bar per parameter from its lowest to its highest difference, its ends labelled with the
    values that reach them, and room on both sides for the labels."""
    for y, (_, row) in enumerate(data.iterrows()):
        low, high = row["low_difference"] * scale, row["high_difference"] * scale
        axes.barh(y, high - low, left=low, color=COLOURS[0], height=0.6)
        for value, scenario, text, align in (
            (row["low_difference"], row["low_scenario"], row["low_value"], "right"),
            (row["high_difference"], row["high_scenario"], row["high_value"], "left"),
        ):
            axes.annotate(
                f"{text} (baseline)" if scenario == baseline else str(text),
                (value * scale, y),
                xytext=(-4 if align == "right" else 4, 0),
                textcoords="offset points",
                ha=align,
                va="center",
                fontsize=8,
            )
    axes.axvline(0, color="#333333", linewidth=1)
    smallest = min(0.0, float(data["low_difference"].min())) * scale
    largest = max(0.0, float(data["high_difference"].max())) * scale
    room = 0.25 * (largest - smallest) or 1.0
    axes.set_xlim(smallest - room, largest + room)


def unique_words(parameters: list[str]) -> dict[str, str]:
    """Short names for config paths, using more of each path until no two names are the same."""
    for parts in range(2, max((len(p.split(".")) for p in parameters), default=2) + 1):
        words = {p: " ".join(p.split(".")[-parts:]).replace("_", " ") for p in parameters}
        if len(set(words.values())) == len(parameters):
            if parts == 2:
                return {p: _parameter_words(p) for p in parameters}
            return words
    return {p: p for p in parameters}


def sensitivity_ranking(table: pd.DataFrame | None, folder: Path) -> Figure:
    """The inputs of a Latin hypercube ranked by influence on each measure (``sensitivity.csv``)."""
    name, title = "sensitivity", "Which uncertain inputs matter most"
    if table is None or table.empty:
        return skipped(name, title, "no sensitivity.csv (the experiment is not a Latin hypercube)")
    groups = list(table.groupby(["setting", "group", "measure"], sort=False))[:4]
    names = unique_words(sorted(table["parameter"].unique()))
    columns = min(2, len(groups))
    rows_of_panels = -(-len(groups) // columns)
    inputs = table["parameter"].nunique()
    figure = new_figure(6.0 * columns, (0.45 * inputs + 1.4) * rows_of_panels + 0.6)
    grid = figure.subplots(rows_of_panels, columns, squeeze=False)
    for index, ((setting, group, measure), rows) in enumerate(groups):
        axes = grid[index // columns, index % columns]
        _ranking_panel(axes, rows, names, setting, group, measure)
    for index in range(len(groups), rows_of_panels * columns):
        grid[index // columns, index % columns].set_visible(False)
    figure.suptitle(title, fontsize=13)
    png, svg = save_figure(figure, folder, name)
    caption = (
        "Each panel draws the statistic its inputs are ranked by, longest bar first: where a "
        "straight line explains at least 70% of the variation (R²), the standardised "
        "regression coefficient (how many standard deviations the measure moves for one "
        "standard deviation of the input, the others held), else Spearman's rank correlation. "
        "Red: up, blue: down; whiskers are 95% bootstrap intervals, and an input whose "
        "whisker crosses zero may not matter at all."
    )
    return Figure(name, title, caption, png, svg, data=table)


def _ranking_panel(axes, rows: pd.DataFrame, names, setting, group, measure) -> None:
    """One measure's inputs, by the statistic that ranks them, with bootstrap intervals."""
    rows = rows.sort_values("rank", ascending=False)
    by = str(rows["ranked_by"].iloc[0]) if "ranked_by" in rows else "src"
    values = rows[by].to_numpy(float)
    colours = ["#D55E00" if v > 0 else "#0072B2" for v in values]
    labels = [names[p] for p in rows["parameter"]]
    axes.barh(labels, values, color=colours)
    if f"{by}_ci_low" in rows:
        low, high = rows[f"{by}_ci_low"].to_numpy(float), rows[f"{by}_ci_high"].to_numpy(float)
        spread = np.vstack([np.clip(values - low, 0, None), np.clip(high - values, 0, None)])
        axes.errorbar(values, labels, xerr=spread, fmt="none", ecolor="#333333", capsize=3)
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_title(
        f"{row_label(setting, group)}: {measure_words(measure)} "
        f"(R² {rows['r_squared'].iloc[0]:.2f})",
        fontsize=9,
    )
    axes.set_xlabel(
        "standardised regression coefficient" if by == "src" else "Spearman's rank correlation"
    )
    style_axes(axes)

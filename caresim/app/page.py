"""The teaching app's page, for Streamlit: pick a teaching scenario, set its controls, run it,
and read waits, workload, occupancy and the capacity trade-off against the previous run.

Start it with ``caresim app``. Everything it computes comes from :mod:`caresim.app`; this
module only lays out the page. Streamlit runs it as a script, so importing it does nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import streamlit as st

from caresim.app import (
    CHARTS,
    ChartImage,
    Control,
    Headline,
    LessonPart,
    Scenario,
    TeachingRun,
    admission_sources,
    chart_images,
    comparison,
    comparison_rows,
    format_interval,
    headlines,
    load_scenarios,
    metric_label,
    metric_value,
    run_scenario,
    signed_change,
    teaching_folder,
    tradeoff_image,
    tradeoff_pools,
)
from caresim.app.headlines import Better
from caresim.config.files import ConfigError

__all__ = ["main"]

LOG = logging.getLogger(__name__)
METRICS_PER_ROW = 3
TAB_NAMES = {
    "waits": "Waits",
    "staff": "Staff",
    "beds": "Beds",
    "tradeoff": "Trade-off",
    "queues": "Over time",
}
#: How a change is coloured: green for better, red for worse, grey where neither way is better.
DELTA_COLOURS: dict[Better, Literal["inverse", "normal", "off"]] = {
    "lower": "inverse",
    "higher": "normal",
    "neither": "off",
}


@dataclass
class ShownRun:
    """A run as the page keeps it between interactions: results and their drawn charts."""

    number: int
    run: TeachingRun
    headlines: list[Headline]
    charts: dict[str, ChartImage]
    tradeoffs: dict[str, ChartImage] = field(default_factory=dict)


def _markdown_text(text: str) -> str:
    """Plain text made safe for Markdown ($ would start a formula, * emphasis, ...)."""
    for character in "\\`*_[]<>#|$~":
        text = text.replace(character, "\\" + character)
    return text


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _widget(control: Control, scenario: Scenario) -> float:
    """Draw one control in the sidebar and return its value."""
    key = f"{scenario.stem}:{control.key}"
    if control.unit == "%":
        return st.sidebar.slider(
            control.label,
            min_value=int(control.minimum),
            max_value=int(control.maximum),
            value=int(control.default),
            step=int(control.step),
            format="%d%%",
            key=key,
            help=control.help,
        )
    if control.whole:
        return st.sidebar.number_input(
            control.label,
            min_value=int(control.minimum),
            max_value=int(control.maximum),
            value=int(control.default),
            step=int(control.step),
            key=key,
            help=control.help,
        )
    return st.sidebar.number_input(
        control.label,
        min_value=float(control.minimum),
        max_value=float(control.maximum),
        value=float(control.default),
        step=float(control.step),
        format="%g",
        key=key,
        help=control.help,
    )


def _controls(scenario: Scenario) -> dict[str, float]:
    values: dict[str, float] = {}
    section = None
    for control in scenario.controls:
        if control.section != section:
            section = control.section
            st.sidebar.subheader(section)
        values[control.key] = _widget(control, scenario)
    return values


def _lesson(scenario: Scenario) -> None:
    parts: tuple[LessonPart, ...] = scenario.lesson
    if not parts:
        return
    first, rest = parts[0], parts[1:]
    # A title-like first line is set in bold; a first paragraph is left as text.
    text = _markdown_text(first.text)
    st.markdown(f"**{text}**" if len(first.text) <= 120 else text)
    if rest:
        with st.expander("What this scenario teaches, and what to try"):
            for part in rest:
                if part.kind == "commands":
                    st.code(part.text, language="bash")
                else:
                    st.markdown(_markdown_text(part.text))


def _run(scenario: Scenario, values: dict[str, float]) -> ShownRun | None:
    """Run with a progress bar; a problem is one line on the page, never a traceback."""
    bar = st.progress(0.0, text="Starting...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Replication {min(done + 1, total)} of {total}...")

    try:
        run = run_scenario(scenario, values, progress, _shown_path(scenario.path))
        bar.progress(1.0, text="Drawing the charts...")
        charts = chart_images(run)
    except ConfigError as error:
        bar.empty()
        st.error(f"These settings do not make a valid scenario: {error}")
        return None
    except Exception as error:  # the page must stay usable whatever went wrong
        LOG.exception("run of %s failed", scenario.stem)
        bar.empty()
        st.error(f"The run failed: {' '.join(str(error).split()) or type(error).__name__}")
        return None
    bar.empty()
    runs: list[ShownRun] = st.session_state.setdefault("runs", [])
    shown = ShownRun(len(runs) + 1, run, headlines(run), charts)
    runs.append(shown)
    del runs[:-2]  # this run and the one before are all the page compares
    return shown


def _metrics(current: ShownRun, previous: ShownRun | None) -> None:
    before = {h.key: h for h in previous.headlines} if previous is not None else {}
    rows = [
        current.headlines[i : i + METRICS_PER_ROW]
        for i in range(0, len(current.headlines), METRICS_PER_ROW)
    ]
    for row in rows:
        for column, headline in zip(st.columns(METRICS_PER_ROW), row, strict=False):
            then = before.get(headline.key)
            change = headline.mean - then.mean if then is not None else math.nan
            with column:
                st.metric(
                    metric_label(headline),
                    metric_value(headline.mean, headline.unit),
                    delta=signed_change(change, headline.unit) if math.isfinite(change) else None,
                    # No change is no news: neither green nor red.
                    delta_color=DELTA_COLOURS[headline.better] if change else "off",
                    help=f"{headline.explanation} The mean over replications; the change is "
                    "from the previous run.",
                    border=True,
                )
                st.caption(
                    "95% interval: " + format_interval(headline.low, headline.high, headline.unit)
                )
    if any(not math.isfinite(h.mean) for h in current.headlines):
        st.caption(
            "A dash: this run measured nothing for that figure (for example, no patient was "
            "seen, or none reached that step after the warm-up)."
        )


def _comparison(current: ShownRun, previous: ShownRun | None) -> None:
    st.subheader("Against the previous run")
    if previous is None:
        st.caption("Change a control and press Run again to compare the two runs here.")
        return
    table = comparison(
        [*current.headlines, *admission_sources(current.run, previous.run)],
        [*previous.headlines, *admission_sources(previous.run, current.run)],
        current.run.replications,
        previous.run.replications,
    )
    if table.empty:
        st.caption(
            f"The previous run ({previous.run.scenario}) has none of these measures to compare."
        )
        return
    beyond = int((table["beyond_chance"] == True).sum())  # noqa: E712 - None means unknown
    paired = bool(table["paired"].all())
    st.markdown(
        f"Run {current.number} ({current.run.scenario}) against run {previous.number} "
        f"({previous.run.scenario}): **{beyond} of {len(table)}** measures moved by more than "
        "chance would explain (the 95% interval of the change excludes zero)."
    )
    st.table(comparison_rows(table).set_index("measure"))
    if paired:
        st.caption(
            "Both runs use the same seed, so replication by replication they meet the same "
            "patients: the interval of the change is of those paired differences, which the "
            "luck of the draw largely cancels. So a change can be beyond chance even where the "
            "two runs' own intervals overlap."
        )
    else:
        st.caption(
            "The runs have different seeds, so they meet different patients: the interval of "
            "the change treats them as independent samples, and is wider than a paired one."
        )


def _charts(shown: ShownRun) -> None:
    drawn = {name: image for name, image in shown.charts.items() if image.png is not None}
    pools = tradeoff_pools(shown.run)
    names = [n for n in TAB_NAMES if n in drawn or (n == "tradeoff" and pools)]
    tabs = st.tabs([TAB_NAMES[n] for n in names])
    for name, tab in zip(names, tabs, strict=True):
        with tab:
            st.caption(CHARTS[name])
            if name == "tradeoff":
                pool = st.selectbox(
                    "Staff or bed pool",
                    pools,
                    format_func=lambda p: p.replace("_", " "),
                    key=f"tradeoff:{shown.number}",
                )
                if pool not in shown.tradeoffs:
                    shown.tradeoffs[pool] = tradeoff_image(shown.run, pool)
                image = shown.tradeoffs[pool]
            else:
                image = drawn[name]
            if image.png is None:
                st.info(f"Not drawn: {image.skipped}")
                continue
            st.image(image.png)
            if image.caption:
                st.caption(image.caption)
    missing = [image for name, image in shown.charts.items() if image.png is None]
    if missing:
        st.caption(
            "Not drawn for this scenario: "
            + "; ".join(f"{image.title.lower()} ({image.skipped})" for image in missing)
        )


def main() -> None:
    """Lay out the page; Streamlit calls this on every interaction."""
    st.set_page_config(page_title="caresim teaching app", layout="wide")
    folder = teaching_folder()
    # Read on every interaction (a fraction of a second), so edits to a file show at once.
    scenarios, problems = load_scenarios(folder)
    st.sidebar.title("caresim")
    for problem in problems:
        st.sidebar.warning(problem)
    if not scenarios:
        st.error(
            f"No teaching scenarios in {folder}: start the app from the project's folder, "
            "or name a folder of scenario files with caresim app --scenarios DIR."
        )
        return
    by_stem = {scenario.stem: scenario for scenario in scenarios}
    stem = st.sidebar.selectbox(
        "Teaching scenario",
        list(by_stem),
        format_func=lambda s: s.replace("_", " "),
        key="scenario",
    )
    scenario = by_stem[stem]
    values = _controls(scenario)

    st.title(scenario.stem.replace("_", " "))
    st.caption(scenario.description)
    _lesson(scenario)
    with st.expander("The same run on the command line"):
        st.code(scenario.command(values, _shown_path(scenario.path)), language="bash")

    clicked = st.button("Run", type="primary", key="run")
    if clicked:
        _run(scenario, values)
    runs: list[ShownRun] = st.session_state.get("runs", [])
    current = runs[-1] if runs else None
    if current is None or current.run.scenario != scenario.stem:
        if not clicked:
            st.info("Set the controls in the sidebar, then press Run.")
        return
    previous = runs[-2] if len(runs) > 1 else None
    if list(current.run.overrides) != scenario.overrides(values):
        st.warning("The controls have changed since this run: press Run to see their effect.")
    st.subheader(f"Run {current.number}: {current.run.scenario.replace('_', ' ')}")
    st.caption(
        f"Run {current.number} finished: {current.run.config.run.replications} replications of "
        f"{current.run.horizon_hours / 24:g} days, the first "
        f"{current.run.warm_up_hours / 24:g} left out as warm-up; "
        f"{current.run.elapsed_seconds:.1f} s."
    )
    _metrics(current, previous)
    _comparison(current, previous)
    _charts(current)


if __name__ == "__main__":
    main()

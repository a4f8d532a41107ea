"""A self-contained HTML report of a finished run or experiment, in the order of the STRESS-DES
reporting guideline (Monks et al., 2019): objectives, logic, data, experimentation,
implementation, code access; then the results, as tables with 95% intervals and figures.

The page needs nothing else: figures are embedded as PNG data, styles are inline, there are no
scripts and no fonts or files to fetch, so it can be mailed, archived or shown offline.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from caresim.config.sources import Citation, config_citations
from caresim.models.vocabulary import SETTINGS
from caresim.outputs.formatting import format_interval, format_number
from caresim.outputs.plots import Figure, draw_figures
from caresim.outputs.plots.common import measure_words, setting_words
from caresim.outputs.plots.comparison import forest_rows
from caresim.outputs.results import ResultFolder, open_result
from caresim.runs.store import atomic_write_text

__all__ = ["REPORT_NAME", "STRESS_SECTIONS", "render_report", "write_report"]

REPORT_NAME = "report.html"

#: The report's sections, in the order of the STRESS-DES guideline, then the results.
STRESS_SECTIONS = (
    ("objectives", "1. Objectives"),
    ("logic", "2. Logic"),
    ("data", "3. Data"),
    ("experimentation", "4. Experimentation"),
    ("implementation", "5. Implementation"),
    ("code", "6. Code access"),
    ("results", "7. Results"),
)

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
    "admissions_avoided",
    "readmissions",
    "staff_cost",
)

NOT_RECORDED = "not recorded"

#: What the engine assumes whatever the config says (README, "The config language").
ENGINE_ASSUMPTIONS = (
    "Patients arrive as Poisson processes, at a constant rate or shaped by a weekly profile of "
    "weekday and hour-of-day weights.",
    "Each step of care holds one member of staff or one bed of a pool for a time drawn from the "
    "distribution the config gives; patients wait in priority order, first come first served "
    "within a priority.",
    "Staff work their rota; the patient-facing share of each shift is available to patients and "
    "the rest, at the end of the shift, is admin. A task started before the end of a shift "
    "finishes in overtime.",
    "A patient who finds a full bed pool that turns patients away leaves that step; patients "
    "with a patience give up waiting after it.",
)

STYLE = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d8d8d8; --band: #f4f6f8; --accent: #005eb8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 1.5rem 2rem 4rem; line-height: 1.45; }
header { border-bottom: 4px solid var(--accent); margin-bottom: 1.5rem; }
h1 { font-size: 1.9rem; margin: 0 0 .3rem; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.lede { font-size: 1.1rem; color: var(--muted); margin: .2rem 0 .8rem; }
.facts { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.facts li { background: var(--band); padding: .3rem .7rem; border-radius: 4px; }
nav ul { columns: 2; margin: .3rem 0; list-style: none; padding-left: 1rem; }
.facts-table { width: auto; } .facts-table th { background: none; font-weight: 600; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; width: 100%; }
th, td { text-align: left; padding: .25rem .55rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: var(--band); }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.distinguishable td { font-weight: 600; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; }
figure { margin: 1.2rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
.note { color: var(--muted); }
.table { overflow-x: auto; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); }
@media print { nav { display: none; } figure { break-inside: avoid; } }
"""


# -- small pieces of HTML -------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _p(text: str, css: str = "") -> str:
    return f'<p class="{css}">{_e(text)}</p>' if css else f"<p>{_e(text)}</p>"


DASH = "–"


def _number(value: Any) -> str:
    return format_number(value, DASH)


def _interval(low: Any, high: Any) -> str:
    return format_interval(low, high, DASH)


def _table(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    numeric: Collection[int] = (),
    row_classes: Iterable[str] | None = None,
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    classes = list(row_classes) if row_classes is not None else None
    for index, row in enumerate(rows):
        cells = "".join(
            f'<td class="number">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        css = f' class="{_e(classes[index])}"' if classes and classes[index] else ""
        body.append(f"<tr{css}>{cells}</tr>")
    if not body:
        return _p(NOT_RECORDED, "note")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="table">{table}</div>'  # a wide table scrolls; the page does not


def _facts(rows: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of named facts, the names as row headings."""
    body = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
    return (
        f'<table class="facts-table"><tbody>{body}</tbody></table>'
        if body
        else _p(NOT_RECORDED, "note")
    )


def _inline(value: Any) -> str:
    """A config value written on one line: distributions as 'lognormal (mean 10 min, sd 4 min)'."""
    if isinstance(value, Mapping):
        if "distribution" in value:
            rest = ", ".join(f"{k} {_inline(v)}" for k, v in value.items() if k != "distribution")
            return f"{value['distribution']} ({rest})" if rest else str(value["distribution"])
        return ", ".join(f"{k}: {_inline(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        items = [_inline(v) for v in value]
        more = f", … ({len(items)} values)" if len(items) > 30 else ""
        return "[" + ", ".join(items[:30]) + more + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _flatten(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in document.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value and "distribution" not in value:
            rows += _flatten(value, path)
        else:
            rows.append((path, _inline(value)))
    return rows


def _entries_table(section: Any, first: str) -> str:
    """A config section of named entries as a table: one row per entry, a column per key."""
    if not isinstance(section, Mapping) or not section:
        return _p(NOT_RECORDED, "note")
    entries = {k: v for k, v in section.items() if isinstance(v, Mapping)}
    if not entries:
        return _table([first, "value"], [(k, _inline(v)) for k, v in section.items()])
    keys = list(dict.fromkeys(k for spec in entries.values() for k in spec))
    rows = [[name, *(_inline(spec.get(k, "")) for k in keys)] for name, spec in entries.items()]
    return _table([first, *(k.replace("_", " ") for k in keys)], rows)


def _hours_words(hours: float) -> str:
    if not isinstance(hours, int | float) or math.isnan(hours):
        return NOT_RECORDED
    if hours and hours % 24 == 0:
        return f"{hours / 24:g} days ({hours:g} hours)"
    return f"{hours:g} hours"


def _embedded(png: Path) -> str:
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    return f"data:image/png;base64,{data}"


# -- the sections ---------------------------------------------------------------------------------


def _objectives(result: ResultFolder, config: Mapping[str, Any]) -> str:
    manifest = result.manifest
    description = config.get("description") or manifest.get("description")
    parts = ["<h3>1.1 Purpose of the model</h3>"]
    parts.append(
        _p(description)
        if description
        else _p(f"{NOT_RECORDED}: the config has no description.", "note")
    )
    parts.append(
        _p(
            "caresim simulates patient flow across general practice, district nursing, "
            "intermediate care and the acute hospital, with finite staff and beds, so that the "
            "effect of a change on waits, queues, occupancy and staff load can be measured "
            "before a real service is changed."
        )
    )
    parts.append("<h3>1.2 Model outputs</h3>")
    measures = result.summary.drop_duplicates(["measure", "unit"])[["measure", "unit"]]
    parts.append(
        _p(
            "Each measure is estimated for every service, staff or bed pool it applies to, as a "
            "mean over replications with a 95% confidence interval. Counts are of patients who "
            "arrived after the warm-up."
        )
    )
    parts.append(
        _table(
            ["measure", "in words", "unit"],
            [(m, measure_words(m), u) for m, u in measures.itertuples(index=False)],
        )
    )
    parts.append("<h3>1.3 Aims of experimentation</h3>")
    if result.is_experiment:
        aims = manifest.get("aims") or manifest.get("description")
        if aims:
            parts.append(_p(aims))
        parts.append(
            _p(
                f"{len(result.scenarios)} scenarios, each compared with the baseline "
                f"'{result.baseline}' by paired differences under common random numbers: "
                + ", ".join(result.scenarios)
                + "."
            )
        )
    else:
        overrides = _overrides(manifest.get("command"))
        text = (
            f"A single scenario, '{manifest.get('scenario', config.get('name', ''))}', run to "
            "estimate its measures with their 95% confidence intervals."
        )
        if overrides:
            text += " Values set on the command line: " + "; ".join(overrides) + "."
        parts.append(_p(text))
    return "".join(parts)


def _overrides(command: Any) -> list[str]:
    if not isinstance(command, list):
        return []
    found = []
    for flag, value in zip(command, command[1:], strict=False):
        if flag == "--set":
            found.append(str(value))
    return found


def _logic(result: ResultFolder, config: Mapping[str, Any]) -> str:
    services = config.get("services") if isinstance(config.get("services"), Mapping) else {}
    arrivals = config.get("arrivals") if isinstance(config.get("arrivals"), Mapping) else {}
    staff = config.get("staff") if isinstance(config.get("staff"), Mapping) else {}
    beds = config.get("beds") if isinstance(config.get("beds"), Mapping) else {}
    settings = sorted(
        {str(s.get("setting", "system")) for s in services.values() if isinstance(s, Mapping)}
    )
    parts = ["<h3>2.1 Base model overview</h3>"]
    parts.append(
        _p(
            f"Patients arrive in {len(arrivals)} stream(s) and pass through {len(services)} "
            f"step(s) of care in {', '.join(setting_words(s) for s in settings) or 'no setting'}, "
            f"using {len(staff)} staff pool(s) and {len(beds)} bed pool(s). Each step holds one "
            "member of staff or one bed while the patient is seen, then sends the patient on by "
            "the shares given, or out of the system."
        )
    )
    flow = []
    for name, spec in services.items():
        if not isinstance(spec, Mapping):
            continue
        route = spec.get("next", {"exit": 1.0})
        then = (
            ", ".join(f"{k} {float(v):.0%}" for k, v in route.items())
            if isinstance(route, Mapping)
            else _inline(route)
        )
        flow.append(
            (name, setting_words(str(spec.get("setting", "system"))), spec.get("uses", ""), then)
        )
    if flow:
        parts.append(_table(["step of care", "setting", "uses", "then"], flow))
    parts.append("<h3>2.2 Scenario logic</h3>")
    design = result.scenario_settings
    if result.is_experiment and design is not None:
        parts.append(
            _p(
                f"Each scenario changes the baseline '{result.baseline}' in the config values "
                "below (dotted paths into the config)."
            )
        )
        parts.append(_table(["scenario", "parameter", "value"], design.itertuples(index=False)))
    elif result.is_experiment:
        parts.append(_p(f"{NOT_RECORDED}: the experiment has no scenarios.csv.", "note"))
    else:
        parts.append(_p("One scenario: the config as resolved in section 3.3."))
    parts.append("<h3>2.3 Algorithms</h3>")
    parts.append(
        _p(
            "A discrete-event simulation in SimPy. Arrival streams with a weekly profile are "
            "generated by thinning a Poisson process at the peak rate (Lewis and Shedler, 1979). "
            "Durations and patience are sampled from the distributions in the config. Every "
            "measure, including time-weighted queue length and occupancy, is computed after the "
            "run from the event log."
        )
    )
    parts.append("<h3>2.4 Components</h3>")
    parts.append("<h4>Entities</h4>")
    parts.append(
        _p("Patients, created by the arrival streams below; each follows the steps of care.")
    )
    parts.append(_entries_table(arrivals, "arrival stream"))
    parts.append("<h4>Activities</h4>")
    parts.append(_entries_table(services or config.get("activities"), "step of care"))
    parts.append("<h4>Resources</h4>")
    parts.append(_entries_table(staff, "staff pool"))
    parts.append(_entries_table(beds, "bed pool"))
    parts.append("<h4>Queues</h4>")
    queues = []
    for name, spec in services.items():
        if not isinstance(spec, Mapping):
            continue
        pool = spec.get("uses", "")
        when_full = beds.get(pool, {}).get("when_full", "queue") if pool in beds else "queue"
        patience = spec.get("patience")
        queues.append(
            (
                name,
                pool,
                "turned away when full"
                if when_full == "turn_away"
                else "priority, then first come first served",
                _inline(patience) if patience else "wait for ever",
                spec.get("on_abandon", "exit") if patience else "–",
            )
        )
    parts.append(
        _table(["step of care", "pool", "discipline", "patience", "if they give up"], queues)
    )
    parts.append("<h4>Entry and exit points</h4>")
    entries = [
        f"{name} → {spec.get('to', '')}"
        for name, spec in arrivals.items()
        if isinstance(spec, Mapping)
    ]
    exits = [
        name
        for name, spec in services.items()
        if isinstance(spec, Mapping)
        and (
            "exit" in (spec.get("next") or {"exit": 1})
            or spec.get("on_abandon", "exit") == "exit"
            or spec.get("on_turned_away", "exit") == "exit"
        )
    ]
    parts.append(_p("Patients enter at: " + ("; ".join(entries) or NOT_RECORDED) + "."))
    parts.append(
        _p("Patients may leave the system from: " + (", ".join(exits) or NOT_RECORDED) + ".")
    )
    return "".join(parts)


def _citations_table(citations: list[Citation]) -> str:
    return _table(
        ["file", "line", "config key", "comment"],
        [(c.file, c.line, c.key or "(file)", c.text) for c in citations],
    )


def _data(result: ResultFolder, config: Mapping[str, Any]) -> str:
    config_file = result.manifest.get("config_file")
    citations = config_citations(config_file) if config_file else None
    parts = ["<h3>3.1 Data sources</h3>"]
    if citations is None:
        where = (
            f"the config file ({config_file}) is not available here"
            if config_file
            else "no config file is named in the manifest"
        )
        parts.append(
            _p(
                f"{NOT_RECORDED}: {where}, so the sources its comments cite cannot be listed.",
                "note",
            )
        )
    else:
        sources = [c for c in citations if not c.is_assumption]
        parts.append(
            _citations_table(sources)
            if sources
            else _p(f"{NOT_RECORDED}: the config file's comments name no sources.", "note")
        )
    parts.append("<h3>3.2 Pre-processing</h3>")
    parts.append(
        _p(
            "The config file was read with a safe YAML loader, the files it extends were merged "
            "under it and the values set on the command line applied; the resulting document, "
            "validated before the clock started, is what was run (3.3). No other pre-processing "
            "is recorded."
        )
    )
    parts.append("<h3>3.3 Input parameters</h3>")
    parts.append(_table(["config key", "value"], _flatten(config)))
    parts.append("<h3>3.4 Assumptions</h3>")
    if citations:
        stated = [c for c in citations if c.is_assumption]
        if stated:
            parts.append(_p("Stated in the config file:"))
            parts.append(_citations_table(stated))
        else:
            parts.append(_p("The config file's comments state no assumptions.", "note"))
    parts.append(_p("Made by the model whatever the config:"))
    parts.append("<ul>" + "".join(f"<li>{_e(a)}</li>" for a in ENGINE_ASSUMPTIONS) + "</ul>")
    return "".join(parts)


def _experimentation(result: ResultFolder) -> str:
    manifest = result.manifest
    warm_up = result.warm_up_hours
    parts = ["<h3>4.1 Initialisation</h3>"]
    parts.append(
        _p(
            "Each replication starts on a Monday at 00:00 with no patients waiting and no staff "
            "or beds in use. "
            + (
                f"A warm-up of {_hours_words(warm_up)} is excluded from every measure."
                if warm_up
                else "There is no warm-up: every measure covers the whole run."
            )
        )
    )
    if result.warmup is not None:
        parts.append(_p("The experiment's warm-up analysis (warmup.csv) is kept in the folder."))
    parts.append("<h3>4.2 Run length</h3>")
    parts.append(
        _p(
            f"Each replication simulates {_hours_words(result.horizon_hours)}; measures cover the "
            f"{_hours_words(result.window_hours)} after the warm-up."
        )
    )
    parts.append("<h3>4.3 Estimation approach</h3>")
    replications = manifest.get("replications", NOT_RECORDED)
    n = result.summary["n"].max() if "n" in result.summary else replications
    parts.append(
        _p(
            f"{replications} independent replications"
            + ("" if str(replications) == str(n) else f" ({n} with values)")
            + f", master seed {manifest.get('seed', NOT_RECORDED)}. Each measure is reported as "
            "the mean over replications with a 95% t-interval."
            + (
                " Scenarios are compared by paired differences, replication by replication, "
                "under common random numbers."
                if result.is_experiment
                else ""
            )
        )
    )
    return "".join(parts)


def _implementation(result: ResultFolder) -> str:
    manifest = result.manifest
    versions = manifest.get("versions") or {}
    parts = ["<h3>5.1 Software</h3>"]
    parts.append(
        _table(["package", "version"], sorted(versions.items()))
        if isinstance(versions, Mapping) and versions
        else _p(NOT_RECORDED, "note")
    )
    parts.append("<h3>5.2 Random sampling</h3>")
    parts.append(_p(str(manifest.get("streams")) if manifest.get("streams") else NOT_RECORDED))
    parts.append(
        _p(
            "Every source of randomness (each arrival stream, each step's durations, each "
            "routing decision) has its own stream derived by name from the master seed, so that "
            "changing one part of a scenario leaves the random numbers of the others unchanged."
        )
    )
    parts.append("<h3>5.3 Model execution</h3>")
    command = manifest.get("command")
    if isinstance(command, list) and command:
        command = " ".join([Path(str(command[0])).name, *map(str, command[1:])])
    parts.append(
        _facts(
            [
                ("started", manifest.get("started", NOT_RECORDED)),
                ("finished", manifest.get("finished", NOT_RECORDED)),
                (
                    "run time",
                    f"{manifest['elapsed_seconds']:g} seconds"
                    if isinstance(manifest.get("elapsed_seconds"), int | float)
                    else NOT_RECORDED,
                ),
                ("command", command or NOT_RECORDED),
                ("event log kept", "yes" if manifest.get("events") else "no"),
            ],
        )
    )
    parts.append("<h3>5.4 System specification</h3>")
    machine = manifest.get("machine")
    parts.append(
        _facts(machine.items())
        if isinstance(machine, Mapping) and machine
        else _p(NOT_RECORDED, "note")
    )
    return "".join(parts)


def _code(result: ResultFolder) -> str:
    manifest = result.manifest
    version = (manifest.get("versions") or {}).get("caresim", NOT_RECORDED)
    commit = manifest.get("git_commit") or NOT_RECORDED
    return _p(
        f"caresim {version}, source commit {commit}. caresim is open source under the MIT "
        "licence; the commit identifies the exact code that produced these results."
    )


def _summary_rows(summary: pd.DataFrame) -> list[tuple]:
    order = {
        s: i
        for i, s in enumerate(
            list(SETTINGS)
        )
    }
    summary = summary.assign(_order=summary["setting"].map(order).fillna(len(order)))
    summary = summary.sort_values("_order", kind="stable")
    return [
        (
            setting_words(row.setting),
            row.group,
            measure_words(row.measure),
            row.unit,
            _number(row.mean),
            _interval(row.ci_low, row.ci_high),
            int(row.n) if "n" in summary and pd.notna(row.n) else "–",
        )
        for row in summary.itertuples()
    ]


def _results(result: ResultFolder, figures: list[Figure]) -> str:
    parts = []
    summary = result.summary
    if result.is_experiment:
        parts.append("<h3>7.1 Results by scenario</h3>")
        parts.append(
            _p(
                "Means over replications with 95% intervals, for the main measures; every "
                "measure is in summary.csv."
            )
        )
        shown = summary[summary["measure"].isin(HEADLINE)]
        keys = ["setting", "group", "measure", "unit"]
        rows = []
        for key, these in shown.groupby(keys, sort=False):
            by = these.set_index("scenario")
            cells = []
            for scenario in result.scenarios:
                if scenario in by.index:
                    r = by.loc[scenario]
                    cells.append(f"{_number(r['mean'])} ({_interval(r['ci_low'], r['ci_high'])})")
                else:
                    cells.append("–")
            rows.append((setting_words(key[0]), key[1], measure_words(key[2]), key[3], *cells))
        parts.append(_table(["setting", "group", "measure", "unit", *result.scenarios], rows))
        parts.append("<h3>7.2 Comparison with the baseline</h3>")
        comparison = result.comparison
        if comparison is None:
            parts.append(_p(f"{NOT_RECORDED}: no comparison.csv in this folder.", "note"))
        else:
            rows = forest_rows(comparison)
            distinguishable = rows["distinguishable"].astype(str).str.lower().isin(["true", "1"])
            parts.append(
                _p(
                    f"Paired differences, scenario minus '{result.baseline}', with 95% "
                    "intervals; rows in bold are distinguishable (the interval excludes zero)."
                )
            )
            parts.append(
                _table(
                    [
                        "scenario",
                        "setting",
                        "group",
                        "measure",
                        "unit",
                        "difference",
                        "95% interval",
                        "n",
                        "distinguishable",
                    ],
                    [
                        (
                            r.scenario,
                            setting_words(r.setting),
                            r.group,
                            measure_words(r.measure),
                            r.unit,
                            _number(r.mean_difference),
                            _interval(r.ci_low, r.ci_high),
                            r.n,
                            "yes" if d else "no",
                        )
                        for r, d in zip(rows.itertuples(), distinguishable, strict=True)
                    ],
                    numeric={5, 6, 7},
                    row_classes=["distinguishable" if d else "" for d in distinguishable],
                )
            )
        figure_heading = "7.3 Figures"
    else:
        parts.append("<h3>7.1 Summary</h3>")
        parts.append(_p("Means over replications with 95% t-intervals (also in summary.csv)."))
        parts.append(
            _table(
                ["setting", "group", "measure", "unit", "mean", "95% interval", "n"],
                _summary_rows(summary),
                numeric={4, 5, 6},
            )
        )
        figure_heading = "7.2 Figures"
    parts.append(f"<h3>{figure_heading}</h3>")
    if result.is_experiment:
        parts.append(
            _p(f"Figures of a single scenario show the baseline, '{result.baseline}'.", "note")
        )
    for number, figure in enumerate((f for f in figures if f.drawn), start=1):
        parts.append(
            f'<figure id="figure-{_e(figure.name)}">'
            f'<img src="{_embedded(figure.png)}" alt="{_e(figure.title)}">'
            f"<figcaption><strong>Figure {number}. {_e(figure.title)}.</strong> "
            f"{_e(figure.caption)} Files: figures/{_e(figure.png.name)}, "
            f"figures/{_e(figure.svg.name)}.</figcaption></figure>"
        )
    missing = [f for f in figures if not f.drawn]
    if missing:
        parts.append("<h4>Figures not drawn</h4>")
        parts.append(
            "<ul>" + "".join(f"<li>{_e(f.title)}: {_e(f.skipped)}.</li>" for f in missing) + "</ul>"
        )
    return "".join(parts)


def render_report(result: ResultFolder, figures: list[Figure]) -> str:
    """The report as one HTML document, figures embedded."""
    manifest = result.manifest
    config = result.config(result.baseline)
    name = (
        manifest.get("scenario") or manifest.get("name") or config.get("name") or result.path.name
    )
    kind = "experiment" if result.is_experiment else "run"
    title = f"{name}: simulation {kind} report"
    description = config.get("description") or manifest.get("description") or ""
    facts = [
        f"{manifest.get('replications', NOT_RECORDED)} replications",
        f"run length {_hours_words(result.horizon_hours)}",
        f"warm-up {_hours_words(result.warm_up_hours)}",
        f"seed {manifest.get('seed', NOT_RECORDED)}",
        f"finished {manifest.get('finished', NOT_RECORDED)}",
    ]
    if result.is_experiment:
        facts.insert(0, f"{len(result.scenarios)} scenarios")
    sections = {
        "objectives": _objectives(result, config),
        "logic": _logic(result, config),
        "data": _data(result, config),
        "experimentation": _experimentation(result),
        "implementation": _implementation(result),
        "code": _code(result),
        "results": _results(result, figures),
    }
    contents = "".join(
        f'<li><a href="#{key}">{_e(heading)}</a></li>' for key, heading in STRESS_SECTIONS
    )
    body = "".join(
        f'<section id="{key}"><h2>{_e(heading)}</h2>{sections[key]}</section>'
        for key, heading in STRESS_SECTIONS
    )
    version = (manifest.get("versions") or {}).get("caresim", "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{_e(title)}</h1>"
        + (_p(description, "lede") if description else "")
        + '<ul class="facts">'
        + "".join(f"<li>{_e(f)}</li>" for f in facts)
        + "</ul></header>"
        f'<nav aria-label="contents"><strong>Contents</strong><ul>{contents}</ul></nav>'
        f"<main>{body}</main>"
        f"<footer><p>Written by caresim {_e(version)} from the folder "
        f"'{_e(result.path.name)}'. Sections 1 to 6 follow the STRESS-DES guideline for "
        "reporting discrete-event simulations (Monks et al., Journal of Simulation, 2019).</p>"
        "</footer></body></html>\n"
    )


def write_report(
    folder: str | Path,
    out: str | Path | None = None,
    targets: Mapping[str, str | float] | None = None,
) -> Path:
    """Draw the figures of a finished run or experiment and write its report; return its path.

    Figures go to ``folder/figures/`` (PNG and SVG); the report to ``out`` (default
    ``folder/report.html``). ``targets`` maps a step of care to its waiting-time target (a
    duration such as ``"2 days"``, or a number of hours). Raises
    :class:`~caresim.outputs.results.ResultFolderError` for a folder that is not a finished result.
    """
    result = open_result(folder)
    figures = draw_figures(result, targets=targets)
    path = Path(out) if out is not None else result.path / REPORT_NAME
    atomic_write_text(path, render_report(result, figures))
    return path

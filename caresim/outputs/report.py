"""A self-contained HTML report of a finished run or experiment, in the order of the STRESS-DES
reporting guideline (Monks et al., 2019): objectives, logic, data, experimentation,
implementation, code access; then the results, as tables with 95% intervals and figures.

The page needs nothing else: figures are embedded as PNG data, styles are inline, there are no
scripts and no fonts or files to fetch, so it can be mailed, archived or shown offline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from caresim.config.sources import Citation, config_citations
from caresim.experiments.files import written
from caresim.models.schema import Config
from caresim.outputs.html import NOT_RECORDED
from caresim.outputs.html import escape as _e
from caresim.outputs.html import facts as _facts
from caresim.outputs.html import paragraph as _p
from caresim.outputs.html import table as _table
from caresim.outputs.plots import Figure, draw_figures
from caresim.outputs.plots.common import measure_words
from caresim.outputs.report_board import board_page
from caresim.outputs.report_logic import initialisation_text, logic_section, validated_config
from caresim.outputs.report_results import results_section
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
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 0 1.2rem; }
.side-by-side figure { margin: .8rem 0; }
.side-by-side .wide { grid-column: 1 / -1; } /* panels side by side already: the full width */
details { margin: .5rem 0 1rem; } summary { cursor: pointer; color: var(--accent); }
#summary { margin-bottom: 2rem; } #summary table { font-size: .8rem; } #summary td.number { white-space: normal; }
.verdict.better { color: #1a7f37; } .verdict.worse { color: #b42318; } .verdict.none { color: var(--muted); }
@media print { nav { display: none; } figure { break-inside: avoid; } }
"""


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


def _hours_words(hours: float) -> str:
    if not isinstance(hours, int | float) or math.isnan(hours):
        return NOT_RECORDED
    if hours and hours % 24 == 0:
        return f"{hours / 24:g} days ({hours:g} hours)"
    return f"{hours:g} hours"


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
        common = manifest.get("set")
        if isinstance(common, dict) and common:
            parts.append(
                _p(
                    "Every scenario, the baseline included, sets: "
                    + "; ".join(f"{key}={written(value)}" for key, value in common.items())
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


def _experimentation(result: ResultFolder, model: Config | str) -> str:
    manifest = result.manifest
    warm_up = result.warm_up_hours
    parts = ["<h3>4.1 Initialisation</h3>"]
    parts.append(initialisation_text(model, _hours_words(warm_up), warm_up))
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


def render_report(result: ResultFolder, figures: list[Figure]) -> str:
    """The report as one HTML document, figures embedded."""
    manifest = result.manifest
    config = result.config(result.baseline)
    model = validated_config(config)
    name = (
        manifest.get("experiment")
        or manifest.get("scenario")
        or manifest.get("name")
        or config.get("name")
        or result.path.name
    )
    kind = "experiment" if result.is_experiment else "run"
    title = f"{name}: simulation {kind} report"
    description = (
        manifest.get("description") if result.is_experiment else config.get("description")
    ) or ""
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
        "logic": logic_section(result, model),
        "data": _data(result, config),
        "experimentation": _experimentation(result, model),
        "implementation": _implementation(result),
        "code": _code(result),
        "results": results_section(result, figures),
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
        + (board_page(result, figures) if result.is_experiment else "")
        + f'<nav aria-label="contents"><strong>Contents</strong><ul>{contents}</ul></nav>'
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

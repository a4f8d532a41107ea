"""The ``caresim`` command: run, validate and describe scenarios, and run experiments.

Every error a user can cause (a bad config, a bad flag, an output folder in use) is one line on
standard error and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import re
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from caresim.config.cost import MAX_PATIENTS, WARN_SECONDS, RunCost, run_cost
from caresim.errors import CaresimError

# Each command imports what it needs when it runs, so that `caresim --help`, `validate` and
# `schema` start without pandas, scipy, Dask, matplotlib or Streamlit.
if TYPE_CHECKING:
    import pandas as pd

    from caresim.models.schema import Config

__all__ = ["app_command", "main"]

EXIT_USAGE = 2
#: Scenarios of an experiment built before it starts (each takes up to a tenth of a second).
MAX_BUILT = 100
PLACE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _.-]{0,79}")  # a scenario name safe in YAML as is
MAX_SEED = 2**63 - 1  # the bound of run.seed in the schema (numpy seeds take 64 bits)
YES_HELP = f"run even past the bound of {MAX_PATIENTS:,} patients in all"
DEFAULT_APP_PORT = 8501


class UsageError(CaresimError):
    """A command line that cannot be acted on."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage dump
        raise UsageError(message)


def _whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number of at least ``minimum`` (and at most ``maximum``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            within = (
                f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            )
            raise argparse.ArgumentTypeError(f"expected a whole number {within}, got {value}")
        return value

    return parse


def _path(text: str) -> Path:
    """An argparse type: a path, never the empty one (which would be the working folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty one")
    return Path(text)


def _where_arguments(command: argparse.ArgumentParser) -> None:
    """Where replications run: local worker processes, or a Dask cluster."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_whole_number(1),
        help="local worker processes (default: one per core; 1 runs in this process)",
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://127.0.0.1:8786"
    )
    where.add_argument(
        "--local-cluster",
        type=_whole_number(1),
        metavar="N",
        help="start a Dask cluster of N workers on this machine",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="caresim",
        description="Simulate patient flow across general practice, district nursing, "
        "intermediate care and hospital.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _run_arguments(
        commands.add_parser("run", help="run a scenario's replications and summarise them")
    )
    validate = commands.add_parser("validate", help="check a scenario file and summarise it")
    validate.add_argument("config", help="scenario file (YAML)")
    validate.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE"
    )
    commands.add_parser("schema", help="print the JSON Schema of scenario files, for editors")
    _place_arguments(
        commands.add_parser("place", help="build a scenario of your place from CSV tables")
    )
    _report_arguments(
        commands.add_parser(
            "report", help="draw the figures of a finished run or experiment and write report.html"
        )
    )
    _experiment_arguments(
        commands.add_parser(
            "experiment", help="run an experiment file: scenarios, sweeps, paired comparisons"
        )
    )
    _app_arguments(
        commands.add_parser(
            "app", help="start the teaching app: a local web page over the teaching scenarios"
        )
    )
    return parser


def _run_arguments(run: argparse.ArgumentParser) -> None:
    """``caresim run``: a scenario file, what to override, where to write and where to run."""
    run.add_argument("config", help="scenario file (YAML)")
    run.add_argument(
        "--replications", type=_whole_number(1), help="replications (overrides run.replications)"
    )
    run.add_argument(
        "--seed", type=_whole_number(0, MAX_SEED), help="master seed (overrides run.seed)"
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override one config value, e.g. --set staff.gp.headcount=5 (repeatable)",
    )
    run.add_argument("--out", type=_path, help="output folder (default: results/<name>-<time>)")
    run.add_argument(
        "--events", action="store_true", help="also write the event log, events.parquet"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    run.add_argument(
        "--report", action="store_true", help="also write figures and report.html into the folder"
    )
    _where_arguments(run)
    run.add_argument("--yes", action="store_true", help=YES_HELP)


def _place_arguments(place: argparse.ArgumentParser) -> None:
    """``caresim place``: a folder of CSV tables into a scenario file."""
    place.add_argument("tables", type=Path, help="folder of CSV tables (practices.csv, ...)")
    place.add_argument("--out", type=_path, required=True, help="the scenario file to write")
    place.add_argument("--name", help="the scenario's name (default: the folder's name)")
    place.add_argument(
        "--defaults", type=Path, help="the scenario it extends (default: configs/pcn_baseline.yaml)"
    )
    place.add_argument("--force", action="store_true", help="overwrite an existing --out file")


def _report_arguments(report: argparse.ArgumentParser) -> None:
    """``caresim report``: a finished folder, where the report goes, the targets to draw."""
    report.add_argument("folder", type=Path, help="a run or experiment folder")
    report.add_argument(
        "--out", type=_path, help="where to write the report (default: DIR/report.html)"
    )
    report.add_argument(
        "--target",
        dest="targets",
        action="append",
        default=[],
        metavar="STEP=DURATION",
        help="a waiting-time target to draw, e.g. --target clinic='2 hours' (repeatable)",
    )


def _experiment_arguments(experiment: argparse.ArgumentParser) -> None:
    """``caresim experiment``: an experiment file, where it runs and writes, and a quick look."""
    experiment.add_argument("experiment", help="experiment file (YAML)")
    _where_arguments(experiment)
    experiment.add_argument(
        "--replications",
        type=_whole_number(1),
        help="this many replications of every scenario, instead of the file's (a quick look)",
    )
    experiment.add_argument(
        "--out", type=_path, help="output folder (default: results/<name>-<time>)"
    )
    experiment.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    experiment.add_argument(
        "--report", action="store_true", help="also draw the figures and write report.html"
    )
    experiment.add_argument("--yes", action="store_true", help=YES_HELP)


def _app_arguments(app: argparse.ArgumentParser) -> None:
    """``caresim app``: where the teaching app serves, and its scenarios."""
    app.add_argument(
        "--port", type=_whole_number(1), default=DEFAULT_APP_PORT, help="port (default 8501)"
    )
    app.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to serve on (default 127.0.0.1: this computer only; 0.0.0.0 shares it "
        "with the network)",
    )
    app.add_argument(
        "--scenarios",
        type=Path,
        help="folder of scenario files to teach with (default: configs/teaching)",
    )


def app_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command that serves the teaching app: Streamlit on this Python, headless, quiet."""
    page = Path(__file__).resolve().parent / "app" / "page.py"
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(page),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
    ]


def _has_streamlit() -> bool:
    try:
        return importlib.util.find_spec("streamlit") is not None
    except (ImportError, ValueError):
        return False


def _app(args: argparse.Namespace) -> int:
    if not _has_streamlit():
        raise UsageError("the teaching app needs Streamlit: pip install 'caresim[app]'")
    if args.scenarios is not None and not args.scenarios.is_dir():
        raise UsageError(f"--scenarios {args.scenarios}: no such folder")
    from caresim.app import SCENARIOS_VARIABLE

    environment = dict(os.environ)
    if args.scenarios is not None:
        environment[SCENARIOS_VARIABLE] = str(args.scenarios.resolve())
    command = app_command(args.port, args.address)
    print(
        f"caresim: teaching app on http://{args.address}:{args.port} (Ctrl-C stops it)",
        file=sys.stderr,
        flush=True,
    )
    sys.stdout.flush()
    # Streamlit takes this process over, so Ctrl-C and a stop signal reach it directly.
    os.execve(command[0], command, environment)
    return 0  # not reached


def _summary_table(summary: pd.DataFrame, config: Config) -> str:
    from caresim.outputs.formatting import format_interval, format_number
    from caresim.outputs.run_summary import headline

    shown = headline(summary, config)
    if shown.empty:
        return "(no measures)"

    header = ("setting", "group", "measure", "mean", "95% interval", "unit")
    lines: list[tuple[object, ...]] = [header]
    for row in shown.itertuples():
        interval = format_interval(row.ci_low, row.ci_high)
        lines.append(
            (row.setting, row.group, row.measure, format_number(row.mean), interval, row.unit)
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(6)]
    text = []
    for i, line in enumerate(lines):
        cells = [
            str(c).ljust(w) if j < 3 or j == 5 else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
        if i == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def _run(args: argparse.Namespace) -> int:
    from caresim.config.build_check import check_buildable
    from caresim.config.files import load_config
    from caresim.runs.provenance import timestamp
    from caresim.runs.scenario import run_scenario  # heavy imports only when running
    from caresim.runs.store import default_folder

    overrides = list(args.overrides)
    if args.replications is not None:
        overrides.append(f"run.replications={args.replications}")
    if args.seed is not None:
        overrides.append(f"run.seed={args.seed}")
    loaded = load_config(args.config, overrides)
    config = loaded.config
    check_buildable(config, args.config)
    long_run = _check_cost(run_cost(config), args, args.config)
    folder = args.out or default_folder(config.name, timestamp())

    def announce() -> None:
        if long_run:
            print(long_run, file=sys.stderr)
        if not args.quiet:
            print(
                f"{config.name}: {config.run.replications} replications of "
                f"{_hours_text(config.run.horizon)} (warm-up {_hours_text(config.run.warm_up)}), "
                f"seed {config.run.seed} -> {folder}",
                file=sys.stderr,
            )

    with _backend(args, config.run.replications) as backend:
        outcome = run_scenario(
            loaded,
            folder,
            events=args.events,
            show_progress=not args.quiet,
            command=args.argv,
            announce=announce,
            backend=backend,
        )
    if not args.quiet:
        print(_summary_table(outcome.summary, config))
        if outcome.calibration is not None:
            from caresim.runs.calibration import calibration_line

            print("\n" + calibration_line(outcome.calibration))
        resumed = f", {outcome.resumed} resumed from an earlier run" if outcome.resumed else ""
        print(f"\nResults in {outcome.folder} ({outcome.elapsed_seconds:.1f} s{resumed})")
    if args.report:
        from caresim.outputs.report import write_report

        path = write_report(outcome.folder)
        if not args.quiet:
            print(f"Report in {path}")
    return 0


def _hours_text(hours: float) -> str:
    if hours == 0:
        return "0 hours"
    if hours % 24 == 0:
        days = hours / 24
        return f"{days:g} days"
    return f"{hours:g} hours"


def _check_cost(cost: RunCost, args: argparse.Namespace, where: str) -> str | None:
    """Refuse a run past the bound without --yes; for a long one, the line that says its cost."""
    if cost.patients > MAX_PATIENTS and not args.yes:
        raise UsageError(
            f"{where}: {cost.describe()}: more than {MAX_PATIENTS:,} patients in all; shorten "
            "run.horizon or ask for fewer replications, or add --yes to run it anyway"
        )
    if cost.seconds > WARN_SECONDS and not args.quiet:
        return f"caresim: {where}: {cost.describe()}"
    return None


def _validate(args: argparse.Namespace) -> int:
    from caresim.config.build_check import check_buildable
    from caresim.config.files import load_config
    from caresim.runs.calibration import check_targets

    config = load_config(args.config, args.overrides).config
    check_targets(config, str(args.config))
    check_buildable(config, args.config)
    cost = run_cost(config)
    parts = [
        f"{len(config.staff)} staff pools",
        f"{len(config.beds)} bed pools",
        f"{len(config.services)} services",
        f"{len(config.arrivals)} arrival streams",
    ]
    print(
        f"{args.config}: valid — '{config.name}', {', '.join(parts)}; "
        f"{_hours_text(config.run.horizon)}, {config.run.replications} replications "
        f"(about {cost.patients_per_replication:,.0f} patients each)"
    )
    from caresim.models.load_checks import load_warnings

    for warning in load_warnings(config):
        print(f"caresim: warning: {args.config}: {warning}", file=sys.stderr)
    return 0


def _place(args: argparse.Namespace) -> int:
    from caresim.config.files import load_config
    from caresim.place import build_place, read_tables, write_place

    if args.out.exists() and not args.force:
        raise UsageError(f"{args.out} exists; pass --force to overwrite it")
    if args.out.is_dir():
        raise UsageError(f"--out {args.out}: is a folder; expected the scenario file to write")
    if args.name is not None and not PLACE_NAME.fullmatch(args.name):
        raise UsageError(
            f"--name {args.name!r}: expected a plain name of letters, digits, spaces, '_', '-' "
            "or '.', starting with a letter"
        )
    place = build_place(read_tables(args.tables), name=args.name, defaults=args.defaults)
    # Written beside --out and checked there (its extends is relative to that folder); only a
    # scenario that loads replaces --out.
    draft = args.out.with_name(f".{args.out.name}.draft")
    try:
        write_place(place, draft)
        config = load_config(draft).config
        os.replace(draft, args.out)
    except OSError as error:
        raise UsageError(f"--out {args.out}: cannot be written ({error.strerror})") from None
    finally:
        if draft.parent.is_dir():
            draft.unlink(missing_ok=True)
    out = args.out
    print(
        f"{out}: '{config.name}', {len(place.practices)} practices in "
        f"{len(place.networks)} network(s), {place.registered:,} patients, {len(config.staff)} staff pools, "
        f"{sum(b for b in place.beds.values())} beds and places; next: caresim run {out}"
    )
    return 0


def _schema(_args: argparse.Namespace) -> int:
    from caresim.models.schema import Config

    schema = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "caresim scenario"
    print(json.dumps(schema, indent=2))
    return 0


def _targets(texts: list[str]) -> dict[str, str]:
    """``STEP=DURATION`` pairs, each duration checked."""
    from caresim.sim.units import UnitError, parse_duration

    targets = {}
    for text in texts:
        step, sep, duration = text.partition("=")
        if not sep or not step.strip():
            raise UsageError(f"--target {text}: expected STEP=DURATION, such as clinic='2 hours'")
        try:
            parse_duration(duration)
        except UnitError as error:
            raise UsageError(f"--target {text}: {error}") from None
        targets[step.strip()] = duration
    return targets


def _check_report_out(folder: Path, out: Path | None) -> None:
    """Refuse a report path that would write over one of the run's own files."""
    if out is None:
        return
    target, home = out.resolve(), folder.resolve()
    if target.is_dir():
        raise UsageError(f"--out {out}: is a folder; expected the path of an HTML file")
    inside = target == home or home in target.parents
    if inside and (target.suffix.lower() != ".html" or home / "parts" in target.parents):
        raise UsageError(
            f"--out {out}: inside the run's folder only an .html report may be written, "
            "never over the run's own files"
        )


def _check_targets(folder: Path, targets: dict[str, str]) -> None:
    """Refuse a waiting-time target for a step the run does not have."""
    if not targets:
        return
    import difflib

    from caresim.outputs.results import open_result

    summary = open_result(folder).summary
    steps = sorted(set(summary.loc[summary["measure"] == "wait_mean", "group"]))
    for step in targets:
        if step not in steps:
            close = difflib.get_close_matches(step, steps, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(steps)}"
            raise UsageError(f"--target {step}: the run has no step '{step}'; {hint}")


def _report(args: argparse.Namespace) -> int:
    from caresim.outputs.report import write_report

    _check_report_out(args.folder, args.out)
    targets = _targets(args.targets)
    _check_targets(args.folder, targets)
    path = write_report(args.folder, args.out, targets)
    print(f"Report in {path}")
    return 0


def _backend(args: argparse.Namespace, tasks: int | None = None):
    """The backend the flags ask for; local workers default to one per core (no more than the
    ``tasks`` there are to run, when that is known)."""
    from caresim.runs import backends

    if args.scheduler:
        return backends.DaskBackend.connect(args.scheduler)
    if args.local_cluster:
        return backends.DaskBackend.local_cluster(args.local_cluster)
    workers = args.workers or os.cpu_count() or 1
    if tasks is not None and args.workers is None:
        workers = min(workers, tasks)
    return backends.SerialBackend() if workers == 1 else backends.ProcessBackend(workers)


def _experiment(args: argparse.Namespace) -> int:
    from caresim.config.build_check import check_buildable

    # heavy imports only when running
    from caresim.experiments.experiment import run_experiment
    from caresim.experiments.files import load_experiment
    from caresim.experiments.summary import (
        comparison_text,
        headline,
        replications_text,
        scenarios_text,
        sensitivity_text,
        warm_up_text,
    )
    from caresim.runs.provenance import timestamp
    from caresim.runs.store import default_folder

    experiment = load_experiment(args.experiment, args.replications)
    for scenario in experiment.scenarios[:MAX_BUILT]:  # a bad sweep point fails in one line too
        check_buildable(scenario.config, f"{args.experiment}: scenario '{scenario.name}'")
    long_run = _check_cost(_experiment_cost(experiment), args, args.experiment)
    folder = args.out or default_folder(experiment.name, timestamp())
    backend = _backend(args)

    def announce() -> None:
        if long_run:
            print(long_run, file=sys.stderr)
        if not args.quiet:
            print(headline(experiment, backend.description, folder), file=sys.stderr)

    with backend:
        outcome = run_experiment(
            experiment,
            folder,
            backend,
            show_progress=not args.quiet,
            command=args.argv,
            announce=announce,
        )
    for series in outcome.warm_up.unsettled:
        print(
            f"caresim: warning: {series} was still changing at half the run, so the warm-up "
            "estimate is unreliable; lengthen run.horizon",
            file=sys.stderr,
        )
    if not args.quiet:
        for block in (
            scenarios_text(experiment),
            warm_up_text(outcome),
            replications_text(outcome, experiment),
            comparison_text(outcome, experiment.measures),
            sensitivity_text(outcome),
        ):
            if block:
                print(block + "\n")
        resumed = f", {outcome.resumed} resumed from an earlier run" if outcome.resumed else ""
        print(f"Results in {outcome.folder} ({outcome.elapsed_seconds:.1f} s{resumed})")
    if args.report:
        from caresim.outputs.report import write_report

        path = write_report(outcome.folder)
        if not args.quiet:
            print(f"Report in {path}")
    return 0


def _experiment_cost(experiment) -> RunCost:
    """The size of an experiment: every scenario, at most the replications it may get."""
    replications = experiment.replications
    most = replications if isinstance(replications, int) else replications.maximum
    patients = sum(run_cost(s.config, 1).patients for s in experiment.scenarios)
    return RunCost(patients / len(experiment.scenarios), most * len(experiment.scenarios))


class _WarningLines(logging.Handler):
    """Library warnings (a part redone on resuming) as 'caresim: warning: ...' lines.

    Writes to whatever ``sys.stderr`` is when the warning comes, not when the handler was made.
    """

    def emit(self, record: logging.LogRecord) -> None:
        print(f"caresim: warning: {record.getMessage()}", file=sys.stderr)


def _show_warnings() -> None:
    logger = logging.getLogger("caresim")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``caresim`` console script; returns the exit status."""
    _show_warnings()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        # The command as typed, for the manifest of what was run (also when called in-process).
        args.argv = ["caresim", *(sys.argv[1:] if argv is None else argv)]
        handler = {
            "run": _run,
            "validate": _validate,
            "schema": _schema,
            "place": _place,
            "experiment": _experiment,
            "report": _report,
            "app": _app,
        }[args.command]
        status = handler(args)
        if argv is None:  # the console script: the work is done and written, so an interrupt
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # while Python shuts down changes nothing
        return status
    except CaresimError as error:
        print(f"caresim: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader stopped early (``caresim schema | head``): not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(
            "caresim: interrupted; finished replications are kept — run the same command to resume",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())

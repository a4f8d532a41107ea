"""Reading experiment files: a base config, named scenarios, sweeps, replications, warm-up, measures.

An experiment file is YAML, validated like a config (unknown keys are errors). Every scenario is
resolved into a validated config before anything runs: the base file, then the experiment's
``set``, warm-up and seed, then the scenario's own overrides. A problem is an
:class:`ExperimentError`, one line naming the file, the key path and what was expected; a bad
override in a scenario names the scenario and the path, e.g.::

    experiments/x.yaml: scenario 'more_staff': staff.gp.headcont: unknown key 'headcont' in 'staff.gp'; did you mean 'headcount'?
"""

from __future__ import annotations

import copy
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, StrictInt, ValidationError, model_validator

from caresim.config.files import (
    ConfigError,
    check_is_config,
    document_hash,
    load_config,
    read_document,
    replaced_changes,
    validate_document,
)
from caresim.config.messages import SET, describe
from caresim.experiments.replication_rule import AutomaticRule
from caresim.experiments.sweeps import (
    GeneratedScenario,
    grid,
    latin_hypercube,
    one_at_a_time,
    read_range,
)
from caresim.models.schema import SETTINGS, Config
from caresim.models.schema_types import Frozen
from caresim.runs.store import slug
from caresim.sim.units import UnitError, parse_duration

log = logging.getLogger(__name__)

__all__ = [
    "BASELINE",
    "Experiment",
    "ExperimentError",
    "ExperimentSpec",
    "Scenario",
    "load_experiment",
    "override_text",
    "written",
]

BASELINE = "baseline"
#: Config paths an experiment decides for every scenario; scenarios may not set them.
RESERVED = {
    "run": "set its keys one by one, e.g. run.horizon",
    "name": "the experiment names its scenarios",
    "extends": "use 'base' for the config the experiment starts from",
    "run.seed": "use the experiment's 'seed'",
    "run.replications": "use the experiment's 'replications'",
    "run.warm_up": "use the experiment's 'warm_up'",
}
MAX_SCENARIOS = 10_000

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]
ParameterPath = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$", description="a dotted config path")
]
MeasureName = Annotated[
    str,
    Field(
        pattern=r"^[a-z_]+\.[a-z0-9_]+\.[a-z][a-z0-9_]*$",
        description="setting.group.measure, e.g. general_practice.all.wait_mean",
    ),
]


class ExperimentError(ConfigError):
    """An experiment that cannot be run as written. ``str()`` is one line for the user."""


def _warm_up(value: Any) -> Any:
    if value in ("fixed", "auto"):
        return value
    try:
        parse_duration(value)
    except UnitError:
        raise ValueError(
            f"expected 'fixed', 'auto' or a duration with a unit such as '10 days', got {value!r}"
        ) from None
    return value


class AutomaticReplications(Frozen):
    """Replications added until the 95% interval of each measure is within a precision."""

    initial: StrictInt = Field(
        3, ge=2, le=100_000, description="replications before the first check"
    )
    max: StrictInt = Field(100, ge=2, le=100_000, description="never more than this many")
    precision: float = Field(
        0.05, gt=0.0, lt=1.0, description="target half-width of the 95% interval over |mean|"
    )
    look_ahead: StrictInt = Field(
        5, ge=0, le=1000, description="replications that must confirm the precision once met"
    )
    measures: tuple[MeasureName, ...] | None = Field(
        None, min_length=1, description="measures judged (default: the experiment's measures)"
    )

    @model_validator(mode="after")
    def _maximum(self):
        if self.max < self.initial:
            raise ValueError(f"max ({self.max}) must be at least initial ({self.initial})")
        return self


class WarmUpEstimate(Frozen):
    """How ``warm_up: auto`` estimates the warm-up (MSER-5)."""

    series: tuple[MeasureName, ...] | None = Field(
        None,
        min_length=1,
        description="time series judged, setting.group.measure (default: every queue length "
        "and busy/occupancy series)",
    )
    replications: StrictInt = Field(
        5, ge=1, le=1000, description="pilot replications of the baseline, averaged"
    )


class _Sweep(Frozen):
    prefix: Name = Field("sweep", description="generated scenarios are named prefix_001, ...")


class GridSweep(_Sweep):
    """Every combination of the listed values."""

    kind: Literal["grid"]
    parameters: dict[ParameterPath, Annotated[list[Any], Field(min_length=1)]] = Field(min_length=1)


class OneAtATimeSweep(_Sweep):
    """Each parameter through its values, the others at the base config's."""

    kind: Literal["one_at_a_time"]
    parameters: dict[ParameterPath, Annotated[list[Any], Field(min_length=1)]] = Field(min_length=1)


class LatinHypercubeSweep(_Sweep):
    """``n`` points drawn by Latin hypercube sampling from ranges [low, high]."""

    kind: Literal["latin_hypercube"]
    n: StrictInt = Field(ge=1, le=MAX_SCENARIOS, description="points in the design")
    seed: StrictInt = Field(0, ge=0, le=2**63 - 1, description="seed of the design")
    parameters: dict[ParameterPath, Annotated[list[Any], Field(min_length=2, max_length=2)]] = (
        Field(min_length=1)
    )


Sweep = Annotated[GridSweep | OneAtATimeSweep | LatinHypercubeSweep, Field(discriminator="kind")]


class ExperimentSpec(Frozen):
    """An experiment file, as written."""

    name: Name | None = Field(None, description="the experiment's name (default: the file's)")
    description: str = ""
    base: str = Field(min_length=1, description="the config every scenario starts from")
    common: dict[ParameterPath, Any] = Field(
        default_factory=dict, alias="set", description="overrides applied to every scenario"
    )
    seed: StrictInt | None = Field(
        None, ge=0, le=2**63 - 1, description="master seed (default: the base's)"
    )
    replications: Annotated[StrictInt, Field(ge=1, le=100_000)] | AutomaticReplications | None = (
        Field(None, description="a number, or a rule (default: the base's run.replications)")
    )
    warm_up: Annotated[str, BeforeValidator(_warm_up)] = Field(
        "fixed", description="'fixed' (the base's), 'auto' (MSER-5) or a duration"
    )
    warm_up_estimate: WarmUpEstimate | None = None
    measures: tuple[MeasureName, ...] = Field(
        min_length=1, description="the measures of interest, setting.group.measure"
    )
    scenarios: dict[Name, dict[ParameterPath, Any]] = Field(default_factory=dict)
    sweep: Sweep | None = None


@dataclass(frozen=True)
class Scenario:
    """One scenario of an experiment, resolved into a validated config.

    ``origin`` is ``"baseline"``, ``"scenario"`` (named in the file) or ``"sweep"``;
    ``overrides`` are the config paths it sets, with values as written.
    """

    name: str
    origin: str
    overrides: tuple[tuple[str, Any], ...]
    document: dict[str, Any]
    config: Config


@dataclass(frozen=True)
class Experiment:
    """An experiment ready to run: every scenario resolved and validated.

    ``replications`` is a fixed number or an :class:`AutomaticRule` judged on
    ``replication_measures``; ``warm_up`` is ``"fixed"``, ``"auto"`` or the duration written.
    """

    path: Path
    name: str
    description: str
    document: dict[str, Any]
    base_path: Path
    base_document: dict[str, Any]
    seed: int
    replications: int | AutomaticRule
    replication_measures: tuple[str, ...]
    warm_up: str
    warm_up_estimate: WarmUpEstimate | None
    measures: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    common: tuple[tuple[str, Any], ...] = ()

    @property
    def baseline(self) -> Scenario:
        """The base config as the experiment runs it; always the first scenario."""
        return self.scenarios[0]

    def config_hash(self) -> str:
        """What identifies the experiment's results: the scenarios' configs, seed and warm-up.

        The number of replications is left out, so that asking for more extends a folder.
        """
        scenarios = []
        for scenario in self.scenarios:
            document = copy.deepcopy(scenario.document)
            document.get("run", {}).pop("replications", None)
            document.pop("name", None)
            scenarios.append([scenario.name, document])
        estimate = self.warm_up_estimate or WarmUpEstimate()
        return document_hash(
            {
                "kind": "experiment",
                "seed": self.seed,
                "warm_up": self.warm_up,
                "warm_up_estimate": estimate.model_dump() if self.warm_up == "auto" else None,
                "scenarios": scenarios,
            }
        )

    def with_warm_up(self, hours: float) -> Experiment:
        """The same experiment with every scenario's warm-up set (to apply an estimate)."""
        scenarios = []
        for scenario in self.scenarios:
            document = copy.deepcopy(scenario.document)
            document.setdefault("run", {})["warm_up"] = f"{hours!r} hours"
            config = validate_document(document, self.base_path)
            scenarios.append(replace(scenario, document=document, config=config))
        return replace(self, scenarios=tuple(scenarios))


def written(value: Any) -> str:
    """A value as a config file would write it: text as is, anything else in YAML flow style."""
    if isinstance(value, str):
        return value
    return override_text(value)


def override_text(value: Any) -> str:
    """The YAML text of a value, for ``KEY.PATH=VALUE`` (reads back as the same value)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.strip()


# -- reading ------------------------------------------------------------------------------------
def load_experiment(path: str | Path, replications: int | None = None) -> Experiment:
    """Read, validate and resolve an experiment file; raise :class:`ExperimentError` if wrong.

    ``replications`` replaces the file's replications with a fixed number (a quick look).
    """
    path = Path(path)
    document, spec = _read_spec(path)
    _check_paths(spec, path)
    base_path = Path(os.path.normpath(path.parent / spec.base))
    if not base_path.is_file():
        raise ExperimentError(
            f"{path}: base: no config file at {base_path} (paths are relative to the experiment file)"
        )
    generated = _sweep(spec, path)
    _check_names(spec, path)
    _check_generated_names(spec, path, generated)

    common = [(key, value) for key, value in spec.common.items()]
    if spec.warm_up not in ("fixed", "auto"):
        common.append(("run.warm_up", spec.warm_up))
    baseline = _resolve(path, base_path, common, (), BASELINE, "baseline", spec)
    seed = spec.seed if spec.seed is not None else baseline.config.run.seed
    if spec.seed is not None:
        common.append(("run.seed", spec.seed))
        baseline = _resolve(path, base_path, common, (), BASELINE, "baseline", spec)
    _warn_of_replaced_changes(path, base_path, spec, baseline.document)
    scenarios = [baseline]
    for name, overrides in spec.scenarios.items():
        scenarios.append(
            _resolve(path, base_path, common, tuple(overrides.items()), name, "scenario", spec)
        )
    for point in generated:
        scenarios.append(
            _resolve(path, base_path, common, point.overrides, point.name, "sweep", spec)
        )
    chosen, judged = _replication_rule(spec, replications, baseline.config.run.replications)
    return Experiment(
        path=path,
        name=spec.name or path.stem,
        description=spec.description,
        document=document,
        base_path=base_path,
        base_document=baseline.document,
        seed=seed,
        replications=chosen,
        replication_measures=judged,
        warm_up=spec.warm_up,
        warm_up_estimate=spec.warm_up_estimate,
        measures=tuple(spec.measures),
        scenarios=tuple(scenarios),
        common=tuple(spec.common.items()),
    )


def _warn_of_replaced_changes(
    path: Path, base_path: Path, spec: ExperimentSpec, baseline: dict[str, Any]
) -> None:
    """A warning for each ``changes`` of ``set`` or a scenario that drops dated changes."""
    if "changes" in spec.common:
        base = load_config(base_path, warn=False).document
        dropped = replaced_changes(base.get("changes"), spec.common["changes"])
        if dropped:
            log.warning(
                f"{path}: set.changes: replaces {dropped} of {base_path}; list them too to keep them"
            )
    for name, overrides in spec.scenarios.items():
        dropped = replaced_changes(baseline.get("changes"), overrides.get("changes"))
        if "changes" in overrides and dropped:
            log.warning(
                f"{path}: scenario '{name}': changes: replaces {dropped} of the baseline; "
                "list them too to keep them"
            )


def _read_spec(path: Path) -> tuple[Any, ExperimentSpec]:
    """The experiment file's document and its validated spec (one-line errors if it is not)."""
    try:
        document = read_document(path)
    except ConfigError as error:
        message = str(error)
        if "the file is empty" in message:
            message = f"{path}: the file is empty; expected an experiment (base, measures, ...)"
        raise ExperimentError(message) from None
    try:
        check_is_config(document, path, ExperimentSpec, "a caresim experiment file")
        spec = ExperimentSpec.model_validate(document)
    except ConfigError as error:
        raise ExperimentError(str(error)) from None
    except ValidationError as error:
        raise ExperimentError(describe(error, document, str(path), ExperimentSpec)) from None
    except RecursionError:
        raise ExperimentError(f"{path}: the document is nested too deeply") from None
    return document, spec


def _check_generated_names(
    spec: ExperimentSpec, path: Path, generated: list[GeneratedScenario]
) -> None:
    """Refuse a sweep whose scenarios take the names of others, or that makes too many."""
    names = {BASELINE} | set(spec.scenarios)
    disk_names = {slug(n) for n in names}
    for scenario in generated:
        if scenario.name in names or slug(scenario.name) in disk_names:
            raise ExperimentError(
                f"{path}: sweep.prefix: generated scenario '{scenario.name}' has the name of "
                "another scenario; choose another prefix"
            )
    if 1 + len(spec.scenarios) + len(generated) > MAX_SCENARIOS:
        raise ExperimentError(
            f"{path}: sweep: {1 + len(spec.scenarios) + len(generated)} scenarios; "
            f"expected at most {MAX_SCENARIOS}"
        )


def _replication_rule(
    spec: ExperimentSpec, replications: int | None, base_replications: int
) -> tuple[int | AutomaticRule, tuple[str, ...]]:
    """How many replications each scenario gets (a number, or the automatic rule), and the
    measures the automatic rule judges precision by. ``replications`` given wins; then the
    file's; then the base config's."""
    if replications is not None:
        return replications, ()
    if isinstance(spec.replications, AutomaticReplications):
        rule = spec.replications
        chosen = AutomaticRule(rule.initial, rule.max, rule.precision, rule.look_ahead)
        return chosen, tuple(rule.measures or spec.measures)
    if isinstance(spec.replications, int):
        return spec.replications, ()
    return base_replications, ()


def _check_paths(spec: ExperimentSpec, path: Path) -> None:
    """Refuse overrides of what the experiment itself decides, and measures of unknown settings."""
    places: list[tuple[str, str]] = [(f"set.{key}", key) for key in spec.common]
    for name, overrides in spec.scenarios.items():
        places += [(f"scenarios.{name}.{key}", key) for key in overrides]
    if spec.sweep is not None:
        places += [(f"sweep.parameters.{key}", key) for key in spec.sweep.parameters]
    for where, key in places:
        for reserved, advice in RESERVED.items():
            if key == reserved or (reserved != "run" and key.startswith(f"{reserved}.")):
                raise ExperimentError(
                    f"{path}: {where}: the experiment decides '{reserved}'; {advice}"
                )
    if spec.warm_up_estimate is not None and spec.warm_up != "auto":
        raise ExperimentError(
            f"{path}: warm_up_estimate: only used with warm_up: auto (warm_up is '{spec.warm_up}')"
        )
    lists = [("measures", spec.measures)]
    if isinstance(spec.replications, AutomaticReplications) and spec.replications.measures:
        lists.append(("replications.measures", spec.replications.measures))
    if spec.warm_up_estimate is not None and spec.warm_up_estimate.series:
        lists.append(("warm_up_estimate.series", spec.warm_up_estimate.series))
    for where, names in lists:
        for index, name in enumerate(names):
            setting = name.split(".")[0]
            if setting not in SETTINGS:
                raise ExperimentError(
                    f"{path}: {where}[{index}]: unknown setting '{setting}' in '{name}'; "
                    f"expected one of {', '.join(SETTINGS)}"
                )


def _check_names(spec: ExperimentSpec, path: Path) -> None:
    """Refuse a scenario named 'baseline', and names that would share files on disk."""
    if BASELINE in spec.scenarios:
        raise ExperimentError(
            f"{path}: scenarios.{BASELINE}: '{BASELINE}' is the base config as the experiment "
            "runs it; give the scenario another name"
        )
    on_disk: dict[str, str] = {slug(BASELINE): BASELINE}
    for name in spec.scenarios:
        other = on_disk.setdefault(slug(name), name)
        if other != name:
            raise ExperimentError(
                f"{path}: scenarios.{name}: would write to the same files as '{other}'; "
                "choose names that differ by more than underscores"
            )


def _sweep(spec: ExperimentSpec, path: Path) -> list[GeneratedScenario]:
    sweep = spec.sweep
    if sweep is None:
        return []
    if isinstance(sweep, LatinHypercubeSweep):
        for key, bounds in sweep.parameters.items():
            try:
                read_range(bounds)
            except ValueError as error:
                raise ExperimentError(f"{path}: sweep.parameters.{key}: {error}") from None
        return latin_hypercube(sweep.prefix, sweep.parameters, sweep.n, sweep.seed)
    count = 1
    for values in sweep.parameters.values():
        count = count * len(values) if isinstance(sweep, GridSweep) else count + len(values)
        if count > MAX_SCENARIOS:
            raise ExperimentError(
                f"{path}: sweep.parameters: more than {MAX_SCENARIOS} scenarios; "
                "expected fewer values"
            )
    if isinstance(sweep, GridSweep):
        return grid(sweep.prefix, sweep.parameters)
    return one_at_a_time(sweep.prefix, sweep.parameters)


def _resolve(
    path: Path,
    base_path: Path,
    common: list[tuple[str, Any]],
    overrides: tuple[tuple[str, Any], ...],
    name: str,
    origin: str,
    spec: ExperimentSpec,
) -> Scenario:
    """Load the base config with the experiment's and the scenario's overrides applied."""
    texts = [f"{key}={override_text(value)}" for key, value in (*common, *overrides)]
    try:
        loaded = load_config(base_path, texts, warn=False)
    except ConfigError as error:
        raise ExperimentError(
            _blame(str(error), path, base_path, common, overrides, name, origin, spec)
        ) from None
    return Scenario(name, origin, tuple(overrides), loaded.document, loaded.config)


def _blame(
    message: str,
    path: Path,
    base_path: Path,
    common: list[tuple[str, Any]],
    overrides: tuple[tuple[str, Any], ...],
    name: str,
    origin: str,
    spec: ExperimentSpec,
) -> str:
    """Re-word a config error caused by an override so that it points into the experiment file."""
    prefix = f"{base_path}: {SET} "
    if not message.startswith(prefix):
        # the base config itself is at fault (perhaps only together with the overrides)
        return message if origin == "baseline" else f"{path}: scenario '{name}': {message}"
    rest = message[len(prefix) :]

    def matches(key: str) -> bool:
        return rest.startswith(key) and rest[len(key) : len(key) + 1] in (":", ".", "[")

    for key, _ in sorted(overrides, key=lambda item: -len(item[0])):
        if matches(key):
            if origin == "sweep":
                return f"{path}: sweep.parameters.{rest} (in scenario '{name}')"
            return f"{path}: scenario '{name}': {rest}"
    for key, _ in sorted(common, key=lambda item: -len(item[0])):
        if matches(key):
            where = "warm_up" if key == "run.warm_up" and key not in spec.common else "set"
            if where == "warm_up":
                return f"{path}: warm_up: {rest[len(key) + 2 :]}"
            return f"{path}: set.{rest}"
    return f"{path}: scenario '{name}': {rest}"

"""Teaching scenarios: a scenario file, the lesson its opening comment teaches, its controls."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from caresim.app.controls import Control, is_care_system, scenario_controls
from caresim.config.files import ConfigError, LoadedConfig, load_config

__all__ = [
    "SCENARIOS_VARIABLE",
    "LessonPart",
    "Scenario",
    "lesson",
    "load_scenarios",
    "scenario_from_file",
    "teaching_folder",
]

#: The environment variable naming the folder of scenarios the app teaches with.
SCENARIOS_VARIABLE = "CARESIM_SCENARIOS"


@dataclass(frozen=True)
class LessonPart:
    """A paragraph of a scenario's lesson: prose, or commands to try, kept line by line."""

    kind: Literal["text", "commands"]
    text: str


def lesson(text: str) -> tuple[LessonPart, ...]:
    """The lesson a scenario file's opening comment teaches, in paragraphs.

    Indented comment lines, and lines starting ``Try:``, are commands and keep their lines.
    """
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" ").rstrip())
    parts: list[LessonPart] = []
    prose: list[str] = []
    commands: list[str] = []

    def close() -> None:
        if prose:
            parts.append(LessonPart("text", " ".join(prose)))
            prose.clear()
        if commands:
            parts.append(LessonPart("commands", "\n".join(commands)))
            commands.clear()

    for line in lines:
        if not line.strip():
            close()
        elif line.startswith(("Try:", " ")):
            if prose:
                close()
            commands.append(line)
        else:
            if commands:
                close()
            prose.append(line.strip())
    close()
    return tuple(parts)


@dataclass(frozen=True)
class Scenario:
    """A teaching scenario: its file, what it teaches, and the controls that make sense for it."""

    path: Path
    name: str
    description: str
    lesson: tuple[LessonPart, ...]
    controls: tuple[Control, ...]
    care_system: bool

    @property
    def stem(self) -> str:
        """The file's name without ``.yaml``: how the page names the scenario."""
        return self.path.stem

    def defaults(self) -> dict[str, float]:
        """Every control at its starting value."""
        return {control.key: control.default for control in self.controls}

    def control(self, key: str) -> Control:
        """The control named ``key``."""
        for control in self.controls:
            if control.key == key:
                return control
        raise KeyError(key)

    def overrides(self, values: Mapping[str, float]) -> list[str]:
        """The ``--set`` overrides of these control values (missing ones at their defaults)."""
        found: list[str] = []
        for control in self.controls:
            found += control.overrides(values.get(control.key, control.default))
        return found

    def command(self, values: Mapping[str, float], shown_path: str | None = None) -> str:
        """The command line that runs what the app runs with these values."""
        words = ["caresim", "run", shown_path or str(self.path)]
        for override in self.overrides(values):
            words += ["--set", override]
        return " ".join(shlex.quote(word) for word in words)

    def load(self, values: Mapping[str, float]) -> LoadedConfig:
        """The config these values make; :class:`ConfigError` (one line) if it is not valid."""
        return load_config(self.path, self.overrides(values))


def scenario_from_file(path: str | Path) -> Scenario:
    """Read a teaching scenario; :class:`ConfigError` (one line) if its file is not valid."""
    path = Path(path)
    loaded = load_config(path)
    config = loaded.config
    return Scenario(
        path,
        config.name,
        " ".join(config.description.split()),
        lesson(path.read_text(encoding="utf-8")),
        scenario_controls(config, loaded.document),
        is_care_system(config),
    )


def teaching_folder(given: str | Path | None = None) -> Path:
    """Where the teaching scenarios are: the folder given, else the one the environment variable
    ``CARESIM_SCENARIOS`` names, else ``configs/teaching`` of the working folder, else that of
    the source tree this package runs from."""
    given = given or os.environ.get(SCENARIOS_VARIABLE)
    if given:
        return Path(given)
    here = Path("configs") / "teaching"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "configs" / "teaching"


def load_scenarios(folder: str | Path) -> tuple[list[Scenario], list[str]]:
    """Every scenario of a folder, by file name, and a line for each file that could not be read."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            scenarios.append(scenario_from_file(path))
        except ConfigError as error:
            problems.append(str(error))
    return scenarios, problems

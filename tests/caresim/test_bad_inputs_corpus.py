"""Every file in tests/bad_inputs is refused with one line naming it and what was expected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "bad_inputs"
CONFIGS = sorted((CORPUS / "configs").glob("*.yaml"))
EXPERIMENTS = sorted((CORPUS / "experiments").glob("*.yaml"))
SECRETS = ("hunter2", "password", "secret")


def directives(path: Path) -> tuple[list[str], list[str]]:
    """The ``# set:`` and ``# expect:`` lines at the top of a corpus file."""
    sets, expects = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#\s*(set|expect):\s*(.+?)\s*$", line)
        if not match:
            break
        (sets if match.group(1) == "set" else expects).append(match.group(2))
    return sets, expects


def one_line(code: int, out: str, err: str) -> str:
    assert code != 0
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_the_corpus_is_there():
    assert len(CONFIGS) >= 25 and len(EXPERIMENTS) >= 5
    for path in CONFIGS + EXPERIMENTS:
        assert directives(path)[1], f"{path.name} says nothing of what it expects"


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_a_bad_config_is_refused_by_validate_and_run(cli, tmp_path, path):
    sets, expects = directives(path)
    flags = [item for text in sets for item in ("--set", text)]
    for command in (["validate", path], ["run", path, "--out", tmp_path / "out", "--quiet"]):
        line = one_line(*cli(*command, *flags))
        assert line.startswith("caresim: error: "), line
        assert str(path.parent) in line or path.name in line or "--set" in line, line
        for fragment in expects:
            assert fragment in line, f"{fragment!r} not in {line!r}"
        assert not any(secret in line for secret in SECRETS), line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_a_bad_experiment_is_refused(cli, tmp_path, path):
    _, expects = directives(path)
    out = tmp_path / "out"
    line = one_line(*cli("experiment", path, "--out", out, "--workers", "1", "--quiet"))
    for fragment in expects:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    assert not any(secret in line for secret in SECRETS), line
    assert not out.exists()

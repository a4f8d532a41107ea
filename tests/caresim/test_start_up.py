"""A quick start: ``caresim --help``, ``validate`` and ``schema`` import nothing heavy they do not
need — the figures, the cluster and the app's libraries are loaded only by the commands that use
them, and ``--help`` and ``schema`` do not load pandas either."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("scipy.stats", "dask", "distributed", "matplotlib", "streamlit")

PROBE = """
import json, sys
from caresim import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {names} if m in sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> list[str]:
    names = (*HEAVY, "pandas")
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(names=names), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("args", "also_light"),
    [
        (("--help",), ("pandas",)),
        (("schema",), ("pandas",)),
        (("validate", "configs/validation/mm3.yaml"), ()),
        (("validate", "configs/pcn_baseline.yaml"), ()),
    ],
)
def test_a_command_that_draws_nothing_loads_no_heavy_library(args, also_light):
    loaded = loaded_by(*args)
    assert not [name for name in loaded if name in (*HEAVY, *also_light)], loaded


def test_the_probe_sees_a_heavy_library_when_one_is_loaded():
    code = "import matplotlib, sys; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True"


INTERRUPTED_AFTER = """
import os, signal, sys
sys.argv = ["caresim", "validate", "configs/validation/mm3.yaml"]
from caresim.cli import main
status = main()
os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the finished command shuts down
sys.exit(status)
"""


def test_an_interrupt_after_the_command_has_finished_leaves_its_exit_status():
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_AFTER], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "Traceback" not in done.stderr

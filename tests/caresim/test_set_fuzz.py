"""--set never invents: whatever path and value it is given, the config it gives has no entry the
file lacked unless the path ends at that entry; anything else is a one-line ConfigError."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from caresim.config.files import ConfigError, load_config
from caresim.config.keys import is_entry_table
from caresim.models.schema import Config
from tests.conftest import ROOT

MM3 = ROOT / "configs/validation/mm3.yaml"
DOCUMENT = yaml.safe_load(MM3.read_text(encoding="utf-8"))

segments = st.sampled_from(
    [
        "run", "horizon", "replications", "seed", "trace_interval", "staff", "clinicians",
        "clinician", "headcount", "rota", "services", "clinic", "clinc", "duration", "mean",
        "distribution", "next", "exit", "arrivals", "patients", "rate", "to", "beds", "new",
        "profiles", "x",
    ]
) | st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)  # fmt: skip
values = st.sampled_from(
    [
        "5", "true", "0", "-1", "1e308", ".nan", "2.7 per hour", "1e308 per minute", "10 min",
        "0 min", "1000000 years", "{headcount: 2}", "{exit: 1.0}", "{clinic: 1.0}", "[1, 2]",
        "{", "!!binary aGk=", "&a [*a]", "",
    ]
) | st.text(max_size=12)  # fmt: skip


def invented_entry(path: tuple[str, ...]) -> bool:
    """Whether ``path`` goes through a named entry (pool, service, ...) the file does not have."""
    node = DOCUMENT
    for depth, key in enumerate(path[:-1]):
        if not isinstance(node, dict):
            return False
        if key not in node:
            return is_entry_table(Config, path[:depth])
        node = node[key]
    return False


@settings(max_examples=150, deadline=None)
@given(st.lists(segments, min_size=1, max_size=4), values)
def test_a_set_is_applied_as_written_or_refused_in_one_line(path, value):
    text = f"{'.'.join(path)}={value}"
    try:
        loaded = load_config(MM3, [text])
    except ConfigError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(str(MM3)), message
        return
    assert not invented_entry(tuple(path)), f"--set {text} was accepted"
    node = loaded.document
    for key in path[:-1]:
        node = node[key]
    assert path[-1] in node  # the value is where the path says, not elsewhere

"""Whatever document the loader is fed, it gives a Config or a one-line ConfigError, nothing else."""

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caresim.config.files import ConfigError, load_config, validate_document
from tests.conftest import ROOT

VALID = yaml.safe_load((ROOT / "configs/validation/mm3.yaml").read_text())

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["10 min", "-3 days", "2.7 per hour", "24/7", "exponential", "unconstrained", "exit"]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "run",
                    "horizon",
                    "staff",
                    "services",
                    "uses",
                    "duration",
                    "distribution",
                    "mean",
                    "arrivals",
                    "rate",
                    "to",
                    "beds",
                    "capacity",
                    "next",
                    "x",
                    "rota",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


def leaf_paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, (*prefix, key))
    else:
        yield prefix


def assert_clean(call):
    try:
        call()
    except ConfigError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_documents_give_only_clean_errors(document):
    if isinstance(document, dict):
        assert_clean(lambda: validate_document(document, "fuzz.yaml"))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_valid_config_with_one_value_changed_gives_only_clean_errors(data):
    document = copy.deepcopy(VALID)
    paths = list(leaf_paths(document))
    path = data.draw(st.sampled_from(paths))
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(documents)
    assert_clean(lambda: validate_document(document, "mutated.yaml"))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_random_text_files_give_only_clean_errors(tmp_path, text):
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    assert_clean(lambda: load_config(path))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_random_overrides_give_only_clean_errors(override):
    assert_clean(lambda: load_config(ROOT / "configs/validation/mm3.yaml", [override]))

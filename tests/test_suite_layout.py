"""The suite's own bookkeeping: every file it names by path exists, so a rename is not lost."""

from tests.conftest import HEAVIEST_FIRST, ROOT, TIERS


def test_every_file_named_in_the_tiers_and_the_order_exists():
    named = [path for paths in TIERS.values() for path in paths] + list(HEAVIEST_FIRST)
    missing = [path for path in named if not (ROOT / path).is_file()]
    assert missing == []


def test_no_file_is_in_two_tiers_or_ranked_twice():
    named = [path for paths in TIERS.values() for path in paths]
    assert len(named) == len(set(named))
    assert len(HEAVIEST_FIRST) == len(set(HEAVIEST_FIRST))

"""More care home places mean fewer bed-days waiting for a care home, on the baseline.

The same comparison as for home care (``test_social_care_capacity.py``, whose runs it shares), in
a file of its own so that the two run side by side.
"""

from tests.models.test_social_care_capacity import FEWER_CARE_HOMES, _baseline_minus_fewer


def test_more_care_home_places_mean_fewer_bed_days_waiting_for_a_care_home():
    diff = _baseline_minus_fewer(FEWER_CARE_HOMES)
    assert diff.loc["care_home", "ci_high"] < 0  # fewer bed-days, beyond the 95% interval

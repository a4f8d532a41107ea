"""More care-home places mean fewer bed-days waiting for a care home, on the baseline.

The same comparison as for home care (``test_social_care_capacity.py``, whose baseline runs it
shares within a worker), in a file of its own so that the two run side by side.
"""

from tests.models.test_social_care_capacity import MORE_CARE_HOMES, more_minus_baseline


def test_more_care_home_places_mean_fewer_bed_days_waiting_for_a_care_home():
    diff = more_minus_baseline(MORE_CARE_HOMES)
    assert diff.loc[("care_home", "delayed_discharge_bed_days"), "ci_high"] < 0

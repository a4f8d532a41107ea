"""Cohorts from age bands: the share of each band that is frail, has a long-term condition, or
neither, so that a practice's list by age becomes the care model's three cohorts.

The mapping (each figure's source beside it):

| age | frail_older | long_term_condition | general |
|---|---:|---:|---:|
| under 40 | 0 | 0.14 | 0.86 |
| 40-59 | 0 | 0.30 | 0.70 |
| 60-64 | 0 | 0.58 | 0.42 |
| 65 and over | 0.15 | 0.43 | 0.42 |

- Long-term conditions: 14% of people under 40 and 58% of people over 60 have one (Department of
  Health, Long Term Conditions Compendium of Information, 3rd edition, 2012). 40-59 is an
  assumption between the two.
- Frailty: of people aged 65 and over in general practice, 12% have moderate and 3% severe frailty
  by the electronic frailty index (Clegg et al., Age and Ageing 2016); ``frail_older`` is those
  15%. They are counted out of the 58% with a long-term condition (an assumption: frailty comes
  with long-term conditions), so 43% of over-65s are in ``long_term_condition``.
- The cohorts are shares of the whole place's list: the config language gives every practice the
  same mix, so a practice's own age profile moves the place's mix, not its own.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["AGE_BOUNDARIES", "COHORTS", "cohort_shares", "cohorts_of_age"]

COHORTS = ("frail_older", "long_term_condition", "general")

#: (lowest age of the band, frail share, long-term-condition share not frail), youngest first.
_BY_AGE = (
    (0, 0.0, 0.14),  # DH LTC Compendium (2012): 14% under 40
    (40, 0.0, 0.30),  # assumption: between the under-40 and over-60 figures
    (60, 0.0, 0.58),  # DH LTC Compendium (2012): 58% over 60
    (65, 0.15, 0.43),  # Clegg et al. (2016): 12% + 3% moderately or severely frail at 65+
)
#: The ages at which the shares change: an age band of the lists must not span one.
AGE_BOUNDARIES = tuple(lowest for lowest, _frail, _long_term in _BY_AGE[1:])


def cohorts_of_age(age: int) -> dict[str, float]:
    """The share of people of ``age`` (the lowest age of their band) in each cohort."""
    frail, long_term = 0.0, 0.0
    for lowest, frail_share, long_term_share in _BY_AGE:
        if age >= lowest:
            frail, long_term = frail_share, long_term_share
    return {
        "frail_older": frail,
        "long_term_condition": long_term,
        "general": 1.0 - frail - long_term,
    }


def cohort_shares(patients_by_age: Mapping[int, float]) -> dict[str, float]:
    """Shares of each cohort in a list given as patients by the lowest age of each band.

    Shares are rounded to four places, the largest taking the remainder, so that they sum to 1.
    """
    total = sum(patients_by_age.values())
    if total <= 0:
        raise ValueError("no registered patients in any age band")
    counts = dict.fromkeys(COHORTS, 0.0)
    for age, patients in patients_by_age.items():
        for cohort, share in cohorts_of_age(age).items():
            counts[cohort] += share * patients
    shares = {cohort: round(count / total, 4) for cohort, count in counts.items()}
    largest = max(shares, key=lambda c: shares[c])
    shares[largest] = round(1.0 - sum(v for c, v in shares.items() if c != largest), 4)
    return shares

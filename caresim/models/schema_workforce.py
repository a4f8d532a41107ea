"""Config of a staff pool's workforce supply over years, and the checks of staff changes by date.

A pool's ``headcount`` is its establishment: the posts it can ever have. ``workforce`` says how
many of them are filled at the start and how people leave and join over the run; a dated change
(``changes.K.staff``) sets the number in post from a given time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from caresim.models.schema_types import Count, Duration, Frozen, reference_error

if TYPE_CHECKING:
    from caresim.models.schema import Config

__all__ = ["WorkforceSpec", "check_staff_changes", "check_workforce"]


class WorkforceSpec(Frozen):
    """People in post at the start, and the leavers and starters who change that over a run.

    Each person in post leaves at ``leavers_per_year`` (a rate: 0.087 a year loses about 8.3% of
    a group in a year when no one joins). Recruits arrive as a Poisson stream of
    ``starters_per_year`` from the start of the run and each joins ``training_lag`` later, into a
    vacant post if there is one; a starter who finds every post filled is not placed (counted,
    and gone). ``in_training`` are recruits already in training at the start, who join at times
    drawn evenly over the first training lag (a pipeline in steady state holds about
    ``starters_per_year`` times the lag in years).
    """

    in_post: Count | None = Field(
        None, ge=0, description="people in post at the start (default: the headcount, all posts)"
    )
    leavers_per_year: float = Field(
        0.0,
        ge=0.0,
        le=10.0,
        allow_inf_nan=False,
        description="the rate a year at which each person in post leaves (attrition, e.g. 0.087)",
    )
    starters_per_year: float = Field(
        0.0,
        ge=0.0,
        le=100_000.0,
        allow_inf_nan=False,
        description="recruits a year, a Poisson stream from the start; each joins after the "
        "training lag, into a vacant post",
    )
    training_lag: Duration = Field(
        0.0, description="from a recruit's arrival to joining, e.g. '3 years' (default: none)"
    )
    in_training: Count = Field(
        0,
        ge=0,
        le=100_000,
        description="recruits already in training at the start, joining over the first "
        "training lag",
    )

    @model_validator(mode="after")
    def _pipeline_has_a_lag(self):
        if self.in_training and self.training_lag <= 0:
            raise ValueError("in_training needs a training_lag longer than zero to join over")
        return self


def check_workforce(config: Config) -> None:
    """A pool's workforce fits its posts, is on one rota, and is what vacancies come from."""
    for name, staff in config.staff.items():
        workforce = staff.workforce
        if workforce is None:
            continue
        if staff.roster is not None:
            raise reference_error(
                f"staff.{name}.workforce",
                f"pool '{name}' has a roster: workforce supply is for pools on one rota",
            )
        if workforce.in_post is not None and workforce.in_post > staff.headcount:
            raise reference_error(
                f"staff.{name}.workforce.in_post",
                f"expected at most {staff.headcount}, the pool's headcount (its posts); "
                f"got {workforce.in_post}",
                (f"staff.{name}.headcount",),
            )
        if staff.absence is not None and staff.absence.vacancy > 0:
            raise reference_error(
                f"staff.{name}.absence.vacancy",
                "with a workforce, vacant posts come from workforce.in_post, starters and "
                f"leavers; expected no vacancy share, got {staff.absence.vacancy}",
                (f"staff.{name}.workforce",),
            )


def check_staff_changes(config: Config) -> None:
    """Each dated change of staff names a pool on one rota and stays within its posts."""
    for k, change in enumerate(config.changes):
        for pool, number in change.staff.items():
            path = f"changes[{k}].staff.{pool}"
            staff = config.staff.get(pool)
            if staff is None:
                known = ", ".join(f"'{n}'" for n in sorted(config.staff)) or "(none defined)"
                raise reference_error(path, f"unknown staff pool '{pool}'; expected one of {known}")
            if staff.roster is not None:
                raise reference_error(
                    path,
                    f"pool '{pool}' has a roster: dated changes of staff are for pools on one rota",
                )
            if number > staff.headcount:
                raise reference_error(
                    path,
                    f"expected at most {staff.headcount}, the pool's headcount; got {number}",
                    (f"staff.{pool}.headcount",),
                )
            if staff.absence is not None and staff.absence.vacancy > 0:
                raise reference_error(
                    f"staff.{pool}.absence.vacancy",
                    f"with dated changes of staff ({path}), vacant posts are those the changes "
                    f"leave unfilled; expected no vacancy share, got {staff.absence.vacancy}",
                    (path,),
                )

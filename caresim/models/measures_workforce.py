"""Measures of the workforce: people in post, vacant posts, starters and leavers.

Only staff pools whose number in post changes (a workforce, or dated changes of staff) have
them, so a config without either reports exactly what it did before. Over the measured window:
``in_post_mean`` (time-weighted) and ``in_post_end`` (at the horizon); ``vacancy_share_mean``,
1 - in post / headcount, time-weighted; ``starters`` who took up a post, ``starters_not_placed``
who found every post filled, and ``leavers``. A role with several pools, one of them changing,
has the same measures across all its pools (a pool that does not change counts its headcount).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from caresim.models.model import Replication
from caresim.models.staffing import PoolInfo
from caresim.models.workforce import InPost
from caresim.sim.measures import Window, share

__all__ = ["workforce_measures"]

Add = Callable[[str, str, str, str, float], None]


def workforce_measures(result: Replication, add: Add) -> None:
    """In post, vacancies, starters and leavers of each changing pool, and of its role."""
    window = result.window
    by_role: dict[tuple[str, str], list[PoolInfo]] = {}
    for name, info in result.pools.items():
        if info.kind == "staff" and info.people is None:
            by_role.setdefault((info.setting, info.role), []).append(info)
        if info.in_post is not None:
            _rows(info.setting, name, [_of(info)], window, add)
    for (setting, role), infos in sorted(by_role.items()):
        if all(info.in_post is None for info in infos) or [i.name for i in infos] == [role]:
            continue  # no pool of the role changes, or its one pool's rows say it all
        _rows(setting, role, [_of(info) for info in infos], window, add)


def _of(info: PoolInfo) -> InPost:
    """A pool's people in post: its plan, or every post filled throughout."""
    if info.in_post is not None:
        return info.in_post
    return InPost(info.capacity or 0, info.capacity or 0)


def _rows(setting: str, group: str, plans: list[InPost], window: Window, add: Add) -> None:
    """The workforce measures of one pool, or of several taken together."""
    mean = sum(plan.level().mean(window.start, window.end) for plan in plans)
    posts = sum(plan.headcount for plan in plans)
    add(setting, group, "in_post_mean", "staff", mean)
    add(setting, group, "in_post_end", "staff", sum(plan.at(window.end) for plan in plans))
    add(setting, group, "vacancy_share_mean", "proportion", 1.0 - share(mean, posts))
    for measure, times in (
        ("starters", [plan.starters for plan in plans]),
        ("starters_not_placed", [plan.not_placed for plan in plans]),
        ("leavers", [plan.leavers for plan in plans]),
    ):
        add(setting, group, measure, "staff", sum(_inside(t, window) for t in times))


def _inside(times: tuple[float, ...], window: Window) -> int:
    """How many of ``times`` fall in the window."""
    values = np.asarray(times, dtype=float)
    return int(np.count_nonzero((values >= window.start) & (values < window.end)))

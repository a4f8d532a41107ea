"""What every figure shares: the record of a drawn (or skipped) figure, the canvas, the words.

Figures are drawn on matplotlib's Agg canvas, chosen per figure rather than through pyplot, so
that nothing about matplotlib's global state is touched and nothing happens at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "COLOURS",
    "TARGET_COLOUR",
    "WARM_UP_COLOUR",
    "Figure",
    "group_words",
    "measure_words",
    "new_figure",
    "pool_words",
    "save_figure",
    "setting_words",
    "error_bars",
    "ordered_rows",
    "row_label",
    "scale_for",
    "skipped",
    "style_axes",
    "t_band",
    "tidy",
    "unit_words",
]

#: Colour-blind-safe palette (Okabe and Ito), in the order series are given colours.
COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
TARGET_COLOUR = "#C00000"
WARM_UP_COLOUR = "#DDDDDD"

_MEASURE_WORDS = {
    "arrivals": "arrivals",
    "completed": "patients completed",
    "abandoned": "patients who gave up waiting",
    "turned_away": "patients turned away",
    "in_system_end": "patients still in the system at the end",
    "wait_mean": "mean wait",
    "wait_p95": "95th percentile wait",
    "waited_share": "share who had to wait",
    "turned_away_share": "share turned away",
    "service_time_mean": "mean time in service (of those finished)",
    "in_service_end": "patients still in service at the end",
    "stays_running_end": "stays still running at the end",
    "length_of_stay_mean": "mean length of stay (of stays ended)",
    "queue_length_mean": "mean number waiting",
    "queue_length_max": "most waiting at once",
    "busy_mean": "mean staff busy",
    "utilisation": "utilisation",
    "overtime_hours": "overtime",
    "occupancy_mean": "mean beds occupied",
    "occupancy_max": "most beds occupied",
    "occupancy_p95": "beds occupied 95% of the time or less",
    "time_in_system_mean": "mean time in the system",
    "time_in_system_p95": "95th percentile time in the system",
    "left": "patients who left without completing",
    "delayed_discharge_bed_days": "delayed-discharge bed-days",
    "admissions_avoided": "admissions avoided",
    "readmissions": "readmissions",
    "within_target_share": "share seen within target",
    "queue_length": "patients waiting",
    "busy": "staff busy",
    "occupancy": "beds occupied",
}

_SETTING_WORDS = {
    "general_practice": "general practice",
    "district_nursing": "district nursing",
    "intermediate_care": "intermediate care",
    "hospital": "hospital",
    "system": "whole system",
}


def measure_words(measure: str) -> str:
    """A measure's name in plain words."""
    return _MEASURE_WORDS.get(measure, measure.replace("_", " "))


def setting_words(setting: str) -> str:
    """A care setting's name in plain words."""
    return _SETTING_WORDS.get(setting, setting.replace("_", " "))


#: Abbreviations written in capitals when a name is put in words.
_ACRONYMS = {"ic": "IC", "gp": "GP", "gps": "GPs", "hca": "HCA", "d2a": "D2A", "ed": "ED"}
_ACRONYMS |= {"ucr": "UCR", "pcn": "PCN", "ltc": "LTC", "dn": "DN", "ae": "A&E"}


def group_words(group: str) -> str:
    """A service, pool or role name in plain words ("ic_beds" is "IC beds")."""
    if group == "all":
        return "all patients"
    return " ".join(_ACRONYMS.get(word, word) for word in group.split("_"))


def pool_words(pool: str, noun: str) -> str:
    """A pool's name with what it counts, said once: "IC beds", "riverside GP (staff)"."""
    words = group_words(pool)
    if words.split()[-1] in ("beds", "places", "ward", "staff", noun):
        return words
    return f"{words} ({noun})"


def unit_words(unit: str) -> str:
    """A unit as an axis label writes it."""
    return "%" if unit == "proportion" else unit


@dataclass(frozen=True)
class Figure:
    """A figure written as PNG and SVG, or the reason it was not drawn.

    ``data`` is what the figure shows, one row per mark (a row of a forest plot, a point of a
    curve), for tables beside the figure and for checking what was drawn.
    """

    name: str
    title: str
    caption: str = ""
    png: Path | None = None
    svg: Path | None = None
    skipped: str | None = None
    data: pd.DataFrame | None = None

    @property
    def drawn(self) -> bool:
        """Whether the figure exists (as opposed to having been skipped)."""
        return self.skipped is None and self.png is not None


def skipped(name: str, title: str, reason: str) -> Figure:
    """A figure that could not be drawn from these results, and why."""
    return Figure(name=name, title=title, skipped=reason)


def new_figure(width: float, height: float) -> MplFigure:
    """A blank figure of the given size in inches, on its own Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure: MplFigure, folder: Path, name: str) -> tuple[Path, Path]:
    """Write ``name.png`` and ``name.svg`` into ``folder``; the files are the same for the same data."""
    import matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with matplotlib.rc_context({"svg.hashsalt": "caresim", "svg.fonttype": "path"}):
        figure.savefig(png, dpi=110, metadata={"Software": None})
        # The layout is the same for both: found once, for the PNG, and kept for the SVG.
        figure.set_layout_engine("none")
        figure.savefig(svg, metadata={"Date": None, "Creator": None})
    return png, svg


def t_band(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-interval (NaN bounds with fewer than two values) of independent values."""
    from caresim.runs.stats import t_interval

    mean, low, high, _ = t_interval(values, confidence)
    return mean, low, high


def style_axes(axes) -> None:
    """Light grid behind the data, no box: easier to read at a distance."""
    axes.grid(True, color="#E5E5E5", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def scale_for(unit: str) -> float:
    """The factor that turns a value in ``unit`` into what the axis shows (proportions as %)."""
    return 100.0 if unit == "proportion" else 1.0


def ordered_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by care setting (in the order patients meet them), then as given."""
    order = {s: i for i, s in enumerate(_SETTING_WORDS)}
    frame = frame.copy()
    frame["_setting_order"] = frame["setting"].map(order).fillna(len(order))
    frame = frame.sort_values(["_setting_order"], kind="stable")
    return frame.drop(columns="_setting_order")


def row_label(setting: str, group: str) -> str:
    """How a row of a chart names a service or pool: its group, and its setting if not 'system'."""
    if setting == "system":
        return group_words(group)
    return f"{group_words(group)} ({setting_words(setting)})"


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with rounding noise (|x| < 1e-9, e.g. overtime of 1e-14 hours) shown as zero."""
    frame = frame.copy()
    for column in ("mean", "ci_low", "ci_high", "mean_difference"):
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce")
            frame[column] = values.where(~(values.abs() < 1e-9), 0.0)
    return frame


def error_bars(frame: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """The (below, above) distances of each row's interval from its mean, zero where unknown."""
    mean = frame["mean"].to_numpy(dtype=float) * scale
    low = frame["ci_low"].to_numpy(dtype=float) * scale
    high = frame["ci_high"].to_numpy(dtype=float) * scale
    below = np.where(np.isfinite(low), np.clip(mean - low, 0, None), 0.0)
    above = np.where(np.isfinite(high), np.clip(high - mean, 0, None), 0.0)
    return np.vstack([below, above])

"""Numbers as people read them in tables: the printed summaries and the report share these."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["format_interval", "format_number"]


def format_number(value: Any, missing: str = "-") -> str:
    """Thousands separated above 1,000, three significant figures below 1, two decimals between.

    ``missing`` stands for a value that is not a number (NaN, nothing measured); text that is not
    a number is returned as it is.
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return missing
    if abs(x) < 1e-9:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) < 1:
        return f"{x:.3g}"
    return f"{x:,.2f}"


def format_interval(low: Any, high: Any, missing: str = "-") -> str:
    """``low to high``, or ``missing`` when the interval is undefined (fewer than two values)."""
    low_text, high_text = format_number(low, missing), format_number(high, missing)
    if missing in (low_text, high_text):
        return missing
    return f"{low_text} to {high_text}"

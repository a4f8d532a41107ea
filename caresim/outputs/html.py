"""Small pieces of HTML the report is built from: escaped text, tables, facts, folded parts."""

from __future__ import annotations

import base64
import html
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caresim.outputs.formatting import format_interval, format_number

if TYPE_CHECKING:
    from caresim.outputs.plots.common import Figure

__all__ = [
    "DASH",
    "NOT_RECORDED",
    "escape",
    "facts",
    "figure_html",
    "folded",
    "interval",
    "number",
    "paragraph",
    "png_width",
    "table",
]

NOT_RECORDED = "not recorded"

#: Tables longer than this are folded, so that the page reads without them.
LONGEST_TABLE_SHOWN = 40


class Markup(str):
    """HTML already made safe, which :func:`escape` leaves as it is (a table cell, say)."""


def escape(value: Any) -> str:
    """Text made safe inside HTML, quotes too (:class:`Markup` is left as it is)."""
    if isinstance(value, Markup):
        return str(value)
    return html.escape(str(value), quote=True)


def paragraph(text: str, css: str = "") -> str:
    """A paragraph of escaped text, with a CSS class if given."""
    return f'<p class="{css}">{escape(text)}</p>' if css else f"<p>{escape(text)}</p>"


DASH = "–"


def number(value: Any) -> str:
    """A number as the report writes it (a dash when there is none)."""
    return format_number(value, DASH)


def interval(low: Any, high: Any) -> str:
    """An interval as the report writes it, '1.2 to 3.4'."""
    return format_interval(low, high, DASH)


def table(
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    numeric: Collection[int] = (),
    row_classes: Iterable[str] | None = None,
    longest: int = LONGEST_TABLE_SHOWN,
    what: str = "the table",
) -> str:
    """A table of escaped cells; ``numeric`` columns are right-aligned.

    A table of more than ``longest`` rows is folded, opened by 'Show ``what`` (N rows)'."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    classes = list(row_classes) if row_classes is not None else None
    for index, row in enumerate(rows):
        cells = "".join(
            f'<td class="number">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        css = f' class="{escape(classes[index])}"' if classes and classes[index] else ""
        body.append(f"<tr{css}>{cells}</tr>")
    if not body:
        return paragraph(NOT_RECORDED, "note")
    markup = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    markup = f'<div class="table">{markup}</div>'  # a wide table scrolls; the page does not
    if len(body) > longest:
        return folded(f"Show {what} ({len(body)} rows)", markup)
    return markup


def facts(rows: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of named facts, the names as row headings."""
    body = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows
    )
    return (
        f'<table class="facts-table"><tbody>{body}</tbody></table>'
        if body
        else paragraph(NOT_RECORDED, "note")
    )


def folded(summary: str, body: str) -> str:
    """A part of the page shown only when the reader opens it (a long table, say)."""
    return f"<details><summary>{escape(summary)}</summary>{body}</details>"


def embedded(png: Path) -> str:
    """A PNG file as a data address, so the page needs nothing beside it."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def png_width(png: Path) -> int:
    """The width of a PNG image in pixels, from its header."""
    with png.open("rb") as file:
        header = file.read(24)
    return int.from_bytes(header[16:20], "big")


def figure_html(figure: Figure, index: int, note: str = "", css: str = "") -> str:
    """One embedded figure with its numbered caption (``note`` goes before the caption)."""
    png, svg = figure.png, figure.svg
    if png is None or svg is None:
        raise ValueError(f"figure {figure.name!r} was not drawn: {figure.skipped}")
    css = f' class="{escape(css)}"' if css else ""
    return (
        f'<figure id="figure-{escape(figure.name)}"{css}>'
        f'<img src="{embedded(png)}" alt="{escape(figure.title)}">'
        f"<figcaption><strong>Figure {index}. {escape(figure.title)}.</strong> "
        f"{escape(note + ' ' if note else '')}{escape(figure.caption)} "
        f"Files: figures/{escape(png.name)}, figures/{escape(svg.name)}."
        "</figcaption></figure>"
    )

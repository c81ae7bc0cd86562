"""How the note graph looks: colours by type, outlines by status, strokes by relation kind, and
the legend and style sheet an SVG carries (shared by the SVG and the DOT and Mermaid exports).

Styles and legends are cached: a site has a handful of combinations over thousands of pages.
"""

from __future__ import annotations

import functools
import re
import zlib

from ..core.escaping import xml_text as _text
from ..core.graph import BODY_KINDS
from .graph_layout import RADIUS

DEFAULT_TYPES = ("research", "plans", "prs")

TYPE_COLOURS = {"research": "#4e79a7", "plans": "#f28e2b", "prs": "#59a14f"}
OTHER_COLOURS = ("#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#e15759")
UNTYPED_COLOUR = "#bab0ac"

STATUS_STYLES = {
    "complete": "stroke:currentColor;stroke-width:1.5",
    "in_progress": "stroke:currentColor;stroke-width:1.5;stroke-dasharray:2 1.5",
    "ready_for_review": "stroke:#e15759;stroke-width:2",
}
"""Outline of a node by status; any other configured status is dotted, no status no outline."""
OTHER_STATUS_STYLE = "stroke:currentColor;stroke-width:1.5;stroke-dasharray:.5 1.5"

EDGE_STYLES: dict[str, tuple[str, str, float]] = {
    "builds_on": ("#4e79a7", "", 1.4),
    "implements": ("#59a14f", "", 1.4),
    "supersedes": ("#e15759", "6 2 1 2", 1.4),
    "superseded_by": ("#e15759", "6 2 1 2", 1.4),
    "related": ("#b07aa1", "5 3", 1.2),
    "cites": ("#9c755f", "1 2.5", 1.2),
    "links_to": ("#8c8c8c", "", 0.8),
    "mentions": ("#a0a0a0", "", 0.7),
}
"""Colour, dash pattern and width per edge kind; a configured kind not here gets a dashed
colour picked from its name."""

LEGEND_LINE = 18

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_-]")


@functools.lru_cache(maxsize=256)
def legend_markup(
    types: tuple[str, ...],
    titles: tuple[str, ...],
    statuses: tuple[str, ...],
    kinds: tuple[str, ...],
    width: int,
) -> tuple[str, int]:
    """A legend above the graph: the node colours, outlines and edge styles that occur in it.
    Cached, like the styles: a site has a handful of combinations over thousands of pages."""
    circle = f'<circle cx="6" cy="-4" r="{RADIUS}"/>'
    sections = [
        (
            "Type",
            [
                (f'<g class="t-{css_ident(name)}">{circle}</g>', 16, title)
                for name, title in zip(types, titles, strict=True)
            ],
        ),
        (
            "Status",
            [(f'<g class="s-{css_ident(name)} tg-sw">{circle}</g>', 16, name) for name in statuses],
        ),
        (
            "Relation",
            [(f'<path class="k-{css_ident(kind)}" d="M0 -4H22"/>', 28, kind) for kind in kinds],
        ),
    ]
    lines: list[str] = []
    y = 28
    for heading, items in sections:
        if not items:
            continue
        x = 16
        row = [f'<text class="tg-band" x="{x}" y="{y}">{heading}</text>']
        x += 64
        for swatch, text_x, name in items:
            caption = name.replace("_", " ") if name else "Other"
            item_width = text_x + int(len(caption) * 6.4) + 14
            if x + item_width > max(width, 360) - 8 and x > 80:
                y += LEGEND_LINE
                x = 80
            row.append(
                f'<g transform="translate({x},{y})">{swatch}'
                f'<text x="{text_x}" y="0">{_text(caption)}</text></g>'
            )
            x += item_width
        lines.append("".join(row))
        y += LEGEND_LINE
    if not lines:
        return "", 0
    return '<g class="tg-legend">' + "".join(lines) + "</g>", y - LEGEND_LINE + 10


@functools.lru_cache(maxsize=256)
def markers(ident: str, kinds: tuple[str, ...]) -> str:
    markers = [
        f'<marker id="{ident}-m-{css_ident(kind)}" viewBox="0 0 8 8" refX="8" refY="4" '
        f'markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0 0L8 4L0 8z" fill="{edge_style(kind)[0]}"/></marker>'
        for kind in kinds
        if kind not in BODY_KINDS
    ]
    return "<defs>" + "".join(markers) + "</defs>" if markers else ""


@functools.lru_cache(maxsize=256)
def style_sheet(
    ident: str, types: tuple[str, ...], statuses: tuple[str, ...], kinds: tuple[str, ...]
) -> str:
    scope = f"#{ident}"
    rules = [
        f"{scope}{{font:12px system-ui,sans-serif}}",
        f"{scope} text{{fill:currentColor}}",
        f"{scope} .tg-band{{font-weight:600}}",
        f"{scope} .tg-more{{font-style:italic}}",
        f"{scope} .tg-c circle{{stroke:currentColor;stroke-width:2.5}}",
        f"{scope} .tg-c text{{font-weight:600}}",
        f"{scope}.tg-lazy .tg-later text{{display:none}}",
        f"{scope} path{{fill:none}}",
        f"{scope} .tg-edges path{{stroke-linejoin:round}}",
        f"{scope} .tg-strips path{{stroke:currentColor;stroke-opacity:.2}}",
        f"{scope} .tg-strips text{{font-weight:600;fill-opacity:.75}}",
        f"{scope} .tg-sw circle{{fill:{UNTYPED_COLOUR}}}",
    ]
    for name in types:
        rules.append(f"{scope} .t-{css_ident(name)} circle{{fill:{type_colour(name)}}}")
    for name in statuses:
        style = STATUS_STYLES.get(name, OTHER_STATUS_STYLE)
        rules.append(f"{scope} .s-{css_ident(name)} circle{{{style}}}")
    for kind in kinds:
        colour, dashes, width = edge_style(kind)
        rule = f"stroke:{colour};stroke-width:{width:g}"
        if dashes:
            rule += f";stroke-dasharray:{dashes}"
        if kind in BODY_KINDS:
            # Most edges of a big graph: solid, light and without arrowheads, which are what
            # costs the browser most to draw.
            rule += ";stroke-opacity:.5" if kind == "links_to" else ";stroke-opacity:.35"
        rules.append(f"{scope} .k-{css_ident(kind)}{{{rule}}}")
        if kind not in BODY_KINDS:
            marker = f"url(#{ident}-m-{css_ident(kind)})"
            rules.append(f"{scope} .tg-edges .k-{css_ident(kind)}{{marker-end:{marker}}}")
    return "".join(rules)


@functools.lru_cache(maxsize=1024)
def css_ident(name: str) -> str:
    """A CSS class or id fragment for a name from configuration or notes."""
    return _NOT_IDENT.sub("_", name)


def type_colour(name: str) -> str:
    if not name:
        return UNTYPED_COLOUR
    return TYPE_COLOURS.get(name) or OTHER_COLOURS[zlib.crc32(name.encode()) % len(OTHER_COLOURS)]


def edge_style(kind: str) -> tuple[str, str, float]:
    if kind in EDGE_STYLES:
        return EDGE_STYLES[kind]
    return (OTHER_COLOURS[zlib.crc32(kind.encode()) % len(OTHER_COLOURS)], "4 2", 1.2)


_KIND_ORDER = {kind: rank for rank, kind in enumerate(EDGE_STYLES)}
_STATUS_ORDER = {status: rank for rank, status in enumerate(STATUS_STYLES)}
_TYPE_ORDER = {name: rank for rank, name in enumerate(DEFAULT_TYPES)}


def kind_rank(kind: str) -> tuple[int, str]:
    return (_KIND_ORDER.get(kind, len(_KIND_ORDER)), kind)


def status_rank(status: str) -> tuple[int, str]:
    return (_STATUS_ORDER.get(status, len(_STATUS_ORDER)), status)


def type_rank(name: str, keys: list[str]) -> tuple[int, str]:
    if name in keys:
        return (keys.index(name), name)
    return (len(keys) + _TYPE_ORDER.get(name, len(_TYPE_ORDER)), name)

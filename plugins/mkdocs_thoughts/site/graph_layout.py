"""Where each node, label and edge of a graph goes, computed at build time (no layout library, no
browser).

Both pictures are grids of columns. Every column is, from left to right, a *lane* (a corridor
that holds only edges), the nodes and their labels; every row of nodes is followed by a *gap*
(a corridor as high as the space between two labels). Edges run only along lanes and gaps:
out of a node vertically into the gap next to it, along that gap to the lane of the target's
column, along the lane to the gap next to the target, and into the target vertically. So no edge
ever crosses a label, whatever the titles (labels are shortened to the width the layout gives
them, measured with the font's own character widths).

The site graph is a grid of time bands (weeks, months, quarters or years, newest at the top) by
note type (research, plans, PRs, others, in lifecycle order): within a band a type's notes fill
its columns row by row, newest first, so a plan and the research it builds on sit side by side in
one band. The picture is about as wide as a screen and grows downwards with time, so the page can
open on the newest notes at a size where their titles are read.

A note's local graph puts the note in the middle, what it points at on the left and what points
at it on the right, two hops deep.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..core.graph import Graph, Node

RADIUS = 5
CENTRE_RADIUS = 8
"""Radius of a node, and of the note in the middle of its local graph."""
PITCH_Y = 24
"""Distance between rows; the gap between two rows' labels is the corridor edges run along."""
LANE = 14
"""Width of the corridor left of each column's nodes."""
LABEL_GAP = 4
"""Space between a node and its label."""
COLUMN_PAD = 6
"""Space after the longest label of a column, before the next column's lane."""
LABEL_ABOVE = 7
LABEL_BELOW = 7
"""How far a label's box reaches above and below its node's centre (12px text, baseline 4px
below the centre: the font's ascent is 11px, its descent 3px)."""
BAND_GAP = 24
HEADER = 30
"""Height of the band titles above the nodes."""
STRIP_GAP = 14
"""Space between two time bands (a thin rule is drawn in it)."""
MARGIN = 16

SITE_WIDTH = 1150
"""Width the site graph aims at: in a content column of about a thousand pixels, labels stay
readable without zooming."""
SITE_LABEL = 190
"""Room for a label in the site graph (about 28 characters)."""
SMALL_SITE = 60
SMALL_LABEL = 330
"""Graphs of at most SMALL_SITE notes give labels up to SMALL_LABEL pixels: whole titles."""
LOCAL_LABEL = 170
"""Room for a label in a note's local graph."""
MAX_STRIPS = 16
"""At most this many time bands: the finest of weeks, months, quarters, years that fits."""

# Advance widths of DejaVu Sans at 12px (what `system-ui, sans-serif` is on Linux, and wider than
# the usual Helvetica and Segoe UI), for the printable ASCII characters from space on; anything
# else counts as a full em. Bold text is about an eighth wider.
_WIDTHS = (
    "3.82 4.81 5.52 10.05 7.64 11.4 9.36 3.3 4.68 4.68 6 10.05 3.82 4.33 3.82 4.04 "
    "7.64 7.64 7.64 7.64 7.64 7.64 7.64 7.64 7.64 7.64 4.04 4.04 10.05 10.05 10.05 6.37 "
    "12 8.51 8.23 8.38 9.24 7.58 6.9 9.3 9.02 3.54 3.54 7.87 6.69 10.35 8.98 9.45 "
    "7.24 9.45 8.34 7.62 7.14 8.78 8.21 11.87 8.22 7.33 8.22 4.68 4.04 4.68 10.05 6 "
    "6 7.35 7.62 6.6 7.62 7.38 4.13 7.62 7.61 3.33 3.33 6.95 3.33 11.69 7.61 7.34 "
    "7.62 7.62 4.74 6.25 4.71 7.61 7.1 9.82 7.1 7.1 6.3 7.64 4.04 7.64 10.05"
)
CHAR_WIDTHS = {chr(32 + index): float(width) for index, width in enumerate(_WIDTHS.split())}
WIDE = 12.0
BOLD = 1.15


def text_width(text: str, *, bold: bool = False) -> float:
    """Width in pixels of ``text`` at the labels' 12px font (an upper bound on Linux)."""
    width = sum(map(CHAR_WIDTHS.get, text, itertools.repeat(WIDE, len(text))))
    return width * BOLD if bold else width


def fit_text(text: str, room: float, *, bold: bool = False) -> str:
    """``text`` (whitespace collapsed), shortened with an ellipsis to fit ``room`` pixels."""
    text = " ".join(text.split())
    if text_width(text, bold=bold) <= room:
        return text
    budget = room - text_width("…", bold=bold)
    scale = BOLD if bold else 1.0
    used = 0.0
    for end, char in enumerate(text):
        used += CHAR_WIDTHS.get(char, WIDE) * scale
        if used > budget:
            return text[:end].rstrip() + "…"
    return text


@dataclass(frozen=True, slots=True)
class Band:
    """A column group of the picture: the notes of one type, or one column of a local graph."""

    key: str
    title: str
    x: int
    width: int
    count: int


@dataclass(frozen=True, slots=True)
class Strip:
    """A time band of the site graph: its notes lie between ``top`` and ``bottom``."""

    title: str
    top: int
    bottom: int


@dataclass(slots=True)
class Layout:
    width: int
    height: int
    positions: dict[str, tuple[int, int]]
    """Centre of each placed node, by node id."""
    bands: list[Band]
    labels: bool
    lanes: dict[str, int] = field(default_factory=dict)
    """The x of the lane left of each node's column: where edges into the node come down."""
    label_room: dict[str, int] = field(default_factory=dict)
    """Pixels a node's label may take (its title is shortened to fit)."""
    strips: list[Strip] = field(default_factory=list)
    period: str = ""
    """What a time band is: "Week of", "Month", "Quarter" or "Year"."""
    centre: str | None = None
    hidden: int = 0
    """Nodes left out (a local graph shows at most a few dozen)."""

    def radius(self, node_id: str) -> int:
        return CENTRE_RADIUS if node_id == self.centre else RADIUS

    def route(
        self,
        source: str,
        target: str,
        *,
        via: str | None = None,
        lane_shift: int = 0,
        gap_shift: int = 0,
    ) -> list[tuple[int, int]]:
        """The corners of the edge ``source`` -> ``target``: vertical out of the source into the
        gap next to it, along that gap to the lane of ``via`` (the target by default; one of
        the two ends), along the lane to the gap next to the target, vertical into the target.

        The long horizontal run is in the gap next to the end that is not ``via``: drawing the
        edges of a note with many relations via their other ends bundles them into one run next
        to it. ``lane_shift`` (-4..4) and ``gap_shift`` (-2..2) move the edge within its
        corridors, so that bundles sharing a lane or gap stay apart.
        """
        (x1, y1), (x2, y2) = self.positions[source], self.positions[target]
        lane = self.lanes[via or target] + lane_shift
        return list(
            route(x1, y1, self.radius(source), x2, y2, self.radius(target), lane, gap_shift)
        )


def route(
    x1: int, y1: int, r1: int, x2: int, y2: int, r2: int, lane: int, gap_shift: int
) -> tuple[tuple[int, int], ...]:
    """The corners of an edge from the node at (x1, y1) of radius r1 to the one at (x2, y2),
    through ``lane`` when it changes gaps (see :meth:`Layout.route`). Not cached here: the SVG
    caches each edge's path data (graph_svg._edge_path), and a cache here was never hit."""
    half = PITCH_Y // 2
    if y1 == y2:
        # Same row: both ends use the gap above, the edge an arch over the labels between.
        first = last = y1 - half + gap_shift
        start, end = y1 - r1, y2 - r2 - 1
    elif y2 > y1:
        first, last = y1 + half + gap_shift, y2 - half + gap_shift
        start, end = y1 + r1, y2 - r2 - 1
    else:
        first, last = y1 - half + gap_shift, y2 + half + gap_shift
        start, end = y1 - r1, y2 + r2 + 1
    if first == last:
        return ((x1, start), (x1, first), (x2, last), (x2, end))
    return ((x1, start), (x1, first), (lane, first), (lane, last), (x2, last), (x2, end))


def type_order(graph: Graph, configured: Sequence[str]) -> list[str]:
    """Band keys in lifecycle order: the configured types first (research, plans, prs), then any
    other type found, then untyped notes as ``""``."""
    present = {node.type or "" for node in graph.nodes.values()}
    ordered = [name for name in configured if name in present]
    ordered += sorted(present - set(ordered) - {""})
    return [*ordered, ""] if "" in present else ordered


# --- The site graph -----------------------------------------------------------------------------


def column_layout(
    graph: Graph,
    bands: Sequence[str],
    *,
    titles: dict[str, str] | None = None,
    labels: bool = True,
    newest_first: bool = True,
    width: int = SITE_WIDTH,
) -> Layout:
    """The site graph: a column group per key of ``bands`` (note types, ``""`` for untyped notes),
    a row group per time band, newest first."""
    titles = titles or {}
    grid = _grid(graph, bands, newest_first)
    keys = grid.keys
    names = {key: f"{titles.get(key, key or 'Other')} ({len(grid.members[key])})" for key in keys}
    cap = SMALL_LABEL if len(graph) <= SMALL_SITE else SITE_LABEL
    room = {
        key: min(cap, math.ceil(max(text_width(node.title) for node in grid.members[key])))
        if labels
        else 0
        for key in keys
    }
    pitches = {key: _column_width(room[key]) for key in keys}
    axis = 0
    if len(grid.strip_keys) > 1:
        widest = max(text_width(title, bold=True) for _, title in grid.strip_keys)
        axis = math.ceil(max(widest, text_width(grid.period_name, bold=True))) + 14
    columns = _columns(keys, grid.cells, pitches, names, width - axis - 2 * MARGIN)

    placed: list[Band] = []
    x = MARGIN + axis
    band_x: dict[str, int] = {}
    for key in keys:
        band_x[key] = x
        band_width = max(columns[key] * pitches[key], _band_title_width(names[key]))
        placed.append(Band(key, names[key], x, band_width, len(grid.members[key])))
        x += band_width + BAND_GAP
    total_width = max(x - BAND_GAP + MARGIN, 2 * MARGIN + axis)
    layout = Layout(total_width, 0, {}, placed, labels, {}, {})
    _place_rows(layout, grid, band_x, columns, pitches, room)
    if axis:
        layout.period = grid.period_name
    else:
        layout.strips = []
    return layout


@dataclass(slots=True)
class _Grid:
    """The notes by column group and time band, before any coordinates."""

    members: dict[str, list[Node]]
    keys: list[str]
    """The column groups that have notes, in band order."""
    strip_keys: list[tuple[str, str]]
    """The time bands (sort key, title), in display order."""
    cells: dict[str, list[list[Node]]]
    """cells[key][strip] = the notes of one type in one time band, in display order."""
    period_name: str


def _grid(graph: Graph, bands: Sequence[str], newest_first: bool) -> _Grid:
    members: dict[str, list[Node]] = {key: [] for key in bands}
    for node in graph.nodes.values():
        members.setdefault(node.type or "", []).append(node)
    keys = [key for key in members if members[key]]
    periods, period_name = _periods([node.date for node in graph.nodes.values()])
    strip_keys = sorted({periods(node.date) for node in graph.nodes.values()}, reverse=newest_first)
    if ("", "undated") in strip_keys:  # undated notes last, whatever the order
        strip_keys.remove(("", "undated"))
        strip_keys.append(("", "undated"))
    strip_index = {key: index for index, key in enumerate(strip_keys)}
    cells: dict[str, list[list[Node]]] = {key: [[] for _ in strip_keys] for key in keys}
    for key in keys:
        for node in sorted(members[key], key=lambda node: node.sort_key, reverse=newest_first):
            cells[key][strip_index[periods(node.date)]].append(node)
    return _Grid(members, keys, strip_keys, cells, period_name)


def _place_rows(
    layout: Layout,
    grid: _Grid,
    band_x: dict[str, int],
    columns: dict[str, int],
    pitches: dict[str, int],
    room: dict[str, int],
) -> None:
    """Each time band's rows, top to bottom: node positions, lanes, label room, strips, height."""
    top = MARGIN + HEADER
    for index, (_, title) in enumerate(grid.strip_keys):
        rows = max(math.ceil(len(grid.cells[key][index]) / columns[key]) for key in grid.keys)
        for key in grid.keys:
            for order, node in enumerate(grid.cells[key][index]):
                row, column = divmod(order, columns[key])
                left = band_x[key] + column * pitches[key]
                layout.positions[node.id] = (
                    left + LANE + RADIUS,
                    top + row * PITCH_Y + PITCH_Y // 2,
                )
                layout.lanes[node.id] = left + LANE // 2
                layout.label_room[node.id] = room[key]
        bottom = top + rows * PITCH_Y
        layout.strips.append(Strip(title, top, bottom))
        top = bottom + STRIP_GAP
    layout.height = (top - STRIP_GAP if grid.strip_keys else top) + MARGIN


def _column_width(room: int) -> int:
    return LANE + 2 * RADIUS + LABEL_GAP + room + COLUMN_PAD


def _band_title_width(title: str) -> int:
    return math.ceil(text_width(title, bold=True)) + 8


def _columns(
    keys: list[str],
    cells: dict[str, list[list[Node]]],
    pitches: dict[str, int],
    names: dict[str, str],
    room: int,
) -> dict[str, int]:
    """Columns per type: one each at least, then one at a time to the type whose tallest time
    band is tallest, while the picture stays within ``room`` pixels."""
    columns = {key: 1 for key in keys}
    widest = {key: max(len(cell) for cell in cells[key]) for key in keys}

    def width() -> int:
        return sum(
            max(columns[key] * pitches[key], _band_title_width(names[key])) for key in keys
        ) + BAND_GAP * (len(keys) - 1)

    while True:
        growable = [key for key in keys if columns[key] < widest[key]]
        if not growable:
            return columns
        key = max(growable, key=lambda k: (math.ceil(widest[k] / columns[k]), -keys.index(k)))
        columns[key] += 1
        if width() > room:
            columns[key] -= 1
            return columns


def _periods(days: Sequence[date | None]) -> tuple[Callable[[date | None], tuple[str, str]], str]:
    """The function giving a note's time band ``(sort key, title)``, and what a band is called:
    the finest of weeks, months, quarters and years that makes at most MAX_STRIPS bands."""
    known = [day for day in days if day is not None]

    def week(day: date) -> tuple[str, str]:
        monday = date.fromordinal(day.toordinal() - day.weekday()).isoformat()
        return (monday, monday)

    def month(day: date) -> tuple[str, str]:
        name = f"{day.year}-{day.month:02d}"  # as strftime's %Y-%m, at a tenth of the cost
        return (name, name)

    def quarter(day: date) -> tuple[str, str]:
        name = f"{day.year} Q{(day.month - 1) // 3 + 1}"
        return (name, name)

    def year(day: date) -> tuple[str, str]:
        return (str(day.year), str(day.year))

    units: list[tuple[Callable[[date], tuple[str, str]], str]] = [
        (week, "Week of"),
        (month, "Month"),
        (quarter, "Quarter"),
    ]
    chosen: Callable[[date], tuple[str, str]] = year
    name = "Year"
    for unit, unit_name in units:
        if len({unit(day) for day in known}) <= MAX_STRIPS:
            chosen, name = unit, unit_name
            break

    def period(day: date | None) -> tuple[str, str]:
        return ("", "undated") if day is None else chosen(day)

    return period, name


# --- A note's local graph -----------------------------------------------------------------------


def local_layout(graph: Graph, centre: str, *, hidden: int = 0) -> Layout:
    """A note's neighbourhood (``graph`` is already the small subgraph around ``centre``).

    Columns from left to right: two hops and one hop along what the note points at (what it
    builds on, cites, links to), the note, one and two hops along what points at it.
    """
    side = _sides(graph, centre)
    by_column: dict[int, list[Node]] = {}
    for node_id, column in side.items():
        by_column.setdefault(column, []).append(graph.nodes[node_id])
    columns = sorted(by_column)
    for column in columns:
        by_column[column].sort(key=lambda node: (node.type or "~", _newest(node), node.id))
    tallest = max(max(len(nodes) for nodes in by_column.values()), 3)
    top = MARGIN + HEADER
    positions: dict[str, tuple[int, int]] = {}
    lanes: dict[str, int] = {}
    rooms: dict[str, int] = {}
    bands: list[Band] = []
    titles = {-1: "Points at", 1: "Pointed at by"}
    pitch = _column_width(LOCAL_LABEL) + CENTRE_RADIUS - RADIUS
    for slot, column in enumerate(columns):
        nodes = by_column[column]
        left = MARGIN + slot * pitch
        # Whole rows, so every column shares the gaps the edges run along.
        first = (tallest - len(nodes)) // 2
        for row, node in enumerate(nodes, start=first):
            radius = CENTRE_RADIUS if node.id == centre else RADIUS
            positions[node.id] = (left + LANE + radius, top + row * PITCH_Y + PITCH_Y // 2)
            lanes[node.id] = left + LANE // 2
            rooms[node.id] = LOCAL_LABEL
        bands.append(Band(str(column), titles.get(column, ""), left, pitch, len(nodes)))
    width = 2 * MARGIN + len(columns) * pitch
    height = top + tallest * PITCH_Y + MARGIN + (14 if hidden else 0)
    return Layout(width, height, positions, bands, True, lanes, rooms, centre=centre, hidden=hidden)


def _sides(graph: Graph, centre: str) -> dict[str, int]:
    """The column of each node: negative for what the note points at, positive for the rest."""
    side: dict[str, int] = {centre: 0}
    targets = {edge.target for edge in graph.edges_from(centre)}
    sources = {edge.source for edge in graph.edges_to(centre)}
    for node_id in sorted((targets | sources) - {centre}):
        side[node_id] = -1 if node_id in targets else 1
    for node_id in sorted(graph.nodes):
        if node_id in side:
            continue
        parents = sorted(
            (side[other], other)
            for other in (
                *(edge.target for edge in graph.edges_from(node_id)),
                *(edge.source for edge in graph.edges_to(node_id)),
            )
            if abs(side.get(other, 0)) == 1
        )
        # A node two hops away sits beyond the neighbour it hangs from (left before right).
        side[node_id] = 2 * parents[0][0] if parents else 2
    return side


def _newest(node: Node) -> int:
    return -node.date.toordinal() if node.date else 0

"""Where each node of a graph goes, computed at build time (no layout library, no browser).

The site graph is a set of bands, one per note type in lifecycle order (research, plans, PRs,
others), each band a grid filled row by row in date order. All bands share the number of rows,
so a row is roughly the same stretch of time in every band and a plan's edge to the research it
builds on runs mostly sideways. The row count is chosen so the whole picture has a screen-like
shape, which keeps 3,000 notes a grid of dots instead of a column 40,000 pixels tall.

A note's local graph puts the note in the middle, what it points at on the left and what points
at it on the right, two hops deep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .graph import Graph, Node

COMPACT_PITCH = 14
"""Distance between node centres in the site graph without labels (nodes have radius 5)."""
LABEL_PITCH_X = 230
LABEL_PITCH_Y = 22
BAND_GAP = 36
HEADER = 30
"""Height of the band titles above the nodes."""
MARGIN = 16
LABELS_UP_TO = 120
"""The site graph shows titles next to nodes when it has at most this many notes."""
CHAR_WIDTH = 6.4
"""Rough width of one character at the 12px font, for sizing boxes around text."""

LOCAL_COLUMN = 250
LOCAL_PITCH_Y = 26
LOCAL_LABEL_CHARS = 30
"""Title characters beside a node of a local graph (about 200px, inside its column)."""


@dataclass(frozen=True, slots=True)
class Band:
    """A vertical band of the picture: the notes of one type, or one side of a local graph."""

    key: str
    title: str
    x: int
    width: int
    count: int
    anchor: str = "start"
    """Where node labels go: ``start`` (right of the node), ``end`` (left) or ``middle`` (below)."""


@dataclass(slots=True)
class Layout:
    width: int
    height: int
    positions: dict[str, tuple[int, int]]
    """Centre of each placed node, by node id."""
    bands: list[Band]
    labels: bool
    label_chars: int = 0
    """How many characters of a title fit beside a node (0 without labels)."""
    anchors: dict[str, str] = field(default_factory=dict)
    """Label placement per node id (see :attr:`Band.anchor`)."""
    centre: str | None = None
    hidden: int = 0
    """Nodes left out (a local graph shows at most a few dozen)."""


def type_order(graph: Graph, configured: Sequence[str]) -> list[str]:
    """Band keys in lifecycle order: the configured types first (research, plans, prs), then any
    other type found, then untyped notes as ``""``."""
    present = {node.type or "" for node in graph.nodes.values()}
    ordered = [name for name in configured if name in present]
    ordered += sorted(present - set(ordered) - {""})
    return [*ordered, ""] if "" in present else ordered


def column_layout(
    graph: Graph,
    bands: Sequence[str],
    *,
    titles: dict[str, str] | None = None,
    labels: bool | None = None,
    newest_first: bool = True,
    aspect: float = 1.6,
) -> Layout:
    """The site graph: one band per key of ``bands`` (note types, ``""`` for untyped notes)."""
    titles = titles or {}
    labels = len(graph) <= LABELS_UP_TO if labels is None else labels
    pitch_x, pitch_y = (LABEL_PITCH_X, LABEL_PITCH_Y) if labels else (COMPACT_PITCH, COMPACT_PITCH)
    members: dict[str, list[Node]] = {key: [] for key in bands}
    for node in graph.nodes.values():
        members.setdefault(node.type or "", []).append(node)
    for nodes in members.values():
        nodes.sort(key=lambda node: node.sort_key, reverse=newest_first)
    keys = [key for key in members if members[key]]
    names = {key: f"{titles.get(key, key or 'Other')} ({len(members[key])})" for key in keys}
    sizes = [len(members[key]) for key in keys]
    title_widths = [_text_width(names[key]) for key in keys]
    rows = _rows_for(sizes, title_widths, pitch_x, pitch_y, aspect)

    positions: dict[str, tuple[int, int]] = {}
    placed: list[Band] = []
    x = MARGIN
    top = MARGIN + HEADER
    for key, title_width in zip(keys, title_widths, strict=True):
        nodes = members[key]
        columns = math.ceil(len(nodes) / rows)
        width = max(columns * pitch_x, title_width)
        for index, node in enumerate(nodes):
            row, column = divmod(index, columns)
            offset = pitch_x // 2 if not labels else 8
            positions[node.id] = (x + column * pitch_x + offset, top + row * pitch_y + pitch_y // 2)
        placed.append(Band(key, names[key], x, width, len(nodes)))
        x += width + BAND_GAP
    width = max(x - BAND_GAP + MARGIN, 2 * MARGIN)
    height = top + rows * pitch_y + MARGIN if keys else top + MARGIN
    label_chars = int((pitch_x - 24) / CHAR_WIDTH) if labels else 0
    return Layout(width, height, positions, placed, labels, label_chars)


def _rows_for(
    sizes: list[int], title_widths: list[int], pitch_x: int, pitch_y: int, aspect: float
) -> int:
    """The shared row count whose picture is closest to ``aspect`` (width / height)."""
    if not sizes:
        return 1
    best_rows, best_error = 1, math.inf
    for rows in range(1, max(sizes) + 1):
        width = sum(
            max(math.ceil(size / rows) * pitch_x, title)
            for size, title in zip(sizes, title_widths, strict=True)
        )
        width += BAND_GAP * (len(sizes) - 1) + 2 * MARGIN
        height = rows * pitch_y + HEADER + 2 * MARGIN
        error = abs(math.log(width / height / aspect))
        if error < best_error:
            best_rows, best_error = rows, error
    return best_rows


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
    tallest = max(len(nodes) for nodes in by_column.values())
    body_height = max(tallest * LOCAL_PITCH_Y, 3 * LOCAL_PITCH_Y)
    top = MARGIN + HEADER
    positions: dict[str, tuple[int, int]] = {}
    anchors: dict[str, str] = {}
    bands: list[Band] = []
    titles = {-2: "", -1: "Points at", 0: "", 1: "Pointed at by", 2: ""}
    for slot, column in enumerate(columns):
        nodes = by_column[column]
        anchor = "end" if column < 0 else "start" if column > 0 else "middle"
        left = MARGIN + slot * LOCAL_COLUMN
        # Labels sit on the outer side of each column, so the node is at the column's inner edge.
        node_x = {"end": left + LOCAL_COLUMN - 12, "start": left + 12}.get(
            anchor, left + LOCAL_COLUMN // 2
        )
        first = top + (body_height - len(nodes) * LOCAL_PITCH_Y) // 2 + LOCAL_PITCH_Y // 2
        for row, node in enumerate(nodes):
            positions[node.id] = (node_x, first + row * LOCAL_PITCH_Y)
            anchors[node.id] = anchor
        bands.append(
            Band(str(column), titles.get(column, ""), left, LOCAL_COLUMN, len(nodes), anchor)
        )
    width = 2 * MARGIN + len(columns) * LOCAL_COLUMN
    height = top + body_height + MARGIN + (14 if hidden else 0)
    return Layout(width, height, positions, bands, True, LOCAL_LABEL_CHARS, anchors, centre, hidden)


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


def _text_width(text: str) -> int:
    return int(len(text) * CHAR_WIDTH) + 8

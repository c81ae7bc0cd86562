"""Draw a laid-out graph as one self-contained SVG string (styles, markers and legend inside).

Every string that comes from a note (title, type, status, tags, and the URL built from its path)
is escaped here, in one place, for text or for an attribute; links with a scheme other than
http(s) are made relative, so no note can put markup or a ``javascript:`` URL into the page.
The same graph always gives the same bytes: everything is drawn in a sorted order and every
coordinate is an integer.

The markup is what assets/graph.js expects: ``svg.tg-graph[data-graph]`` holding
``g.tg-edges > path[data-s][data-t]`` (indexes of nodes) and ``g.tg-nodes > a`` with
``data-type``, ``data-status`` and ``data-tags`` (tags separated by spaces; a space inside a tag
becomes ``-``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.escaping import ELLIPSIS, SEPARATOR, safe_href
from ..core.escaping import xml_attr as _attr
from ..core.escaping import xml_text as _text
from ..core.graph import BODY_KINDS, Edge, Graph, Node
from ..core.notes import Note
from .graph_layout import (
    CENTRE_RADIUS,
    LABEL_GAP,
    MARGIN,
    RADIUS,
    STRIP_GAP,
    Layout,
    column_layout,
    fit_text,
    local_layout,
    route,
    type_order,
)
from .graph_style import (
    DEFAULT_TYPES,
    css_ident,
    kind_rank,
    legend_markup,
    markers,
    status_rank,
    style_sheet,
    type_rank,
)

__all__ = ["render_graph_svg", "render_local_svg", "safe_href"]

UrlFor = Callable[[Note], str]
"""Gives the URL of a note's page, relative to the page the SVG is shown on."""

OPENING_ASPECT = 0.68
"""Height over width of the part of a tall site graph shown first."""
OPENING_HEIGHT = 900
"""A site graph up to this tall opens whole (graph.js fits it to the window)."""
LAZY_MARGIN = 200
"""Labels this far below the opening view are still laid out with the page."""


def render_graph_svg(
    graph: Graph,
    url_for: UrlFor,
    *,
    types: Sequence[str] = DEFAULT_TYPES,
    labels: bool = True,
    newest_first: bool = True,
    body_links: bool = True,
    svg_id: str = "tg-graph",
    page: bool = False,
) -> str:
    """The site graph: bands by note type, newest notes at the top, every node a link.

    ``types``: the type order of the bands (others follow, untyped notes last); ``labels``:
    titles beside the nodes (shortened to the room the layout gives them); ``body_links``:
    also draw links and mentions from note bodies (in big corpora most edges are these, and
    they are most of the browser's drawing time); ``page``: for the graph page, whose script
    pans and zooms: a tall graph opens on its newest notes (a standalone SVG shows it all).
    """
    if not body_links:
        graph = Graph(
            graph.nodes.values(),
            (edge for edge in graph.edges if not edge.is_body),
            type_titles=graph.type_titles,
            field_kinds=graph.field_kinds,
        )
    layout = column_layout(
        graph,
        type_order(graph, types),
        titles=graph.type_titles,
        labels=labels,
        newest_first=newest_first,
    )
    return render_svg(graph, layout, url_for, svg_id=svg_id, mode="full", opening=page)


def render_local_svg(
    graph: Graph,
    note: Note | str,
    url_for: UrlFor,
    *,
    depth: int = 2,
    max_nodes: int = 30,
    svg_id: str = "tg-local",
) -> str:
    """A note's neighbourhood to ``depth`` hops, at most ``max_nodes`` nodes, the note centred
    (``note`` must be in ``graph``)."""
    centre = note if isinstance(note, str) else note.rel_path
    reachable = graph.neighbourhood(centre, depth)
    shown = graph.closest(centre, reachable, max_nodes)
    # Only the edges of paths out from the note: ties among its neighbours turn a readable
    # picture of one note's context into a hairball.
    tree = graph.subgraph(
        shown,
        keep_edge=lambda edge: (
            reachable[edge.source] + reachable[edge.target] in (1, 2, 3)
            and reachable[edge.source] != reachable[edge.target]
        ),
        with_external=False,
    )
    layout = local_layout(tree, centre, hidden=len(reachable) - len(shown))
    return render_svg(tree, layout, url_for, svg_id=svg_id, mode="local")


def render_svg(
    graph: Graph,
    layout: Layout,
    url_for: UrlFor,
    *,
    svg_id: str,
    mode: str,
    opening: bool = False,
) -> str:
    ident = css_ident(svg_id)
    drawn = _Drawn.of(graph, layout)
    nodes, edges = drawn.nodes, drawn.edges
    legend, legend_height = legend_markup(
        drawn.types, drawn.type_titles, drawn.statuses, drawn.kinds, layout.width
    )
    width, height = layout.width, layout.height + legend_height
    count = f"{len(nodes)} note{'s' * (len(nodes) != 1)}, {len(edges)} relation" + "s" * (
        len(edges) != 1
    )
    # A site graph taller than a screen opens on its top (the newest notes), at the shape of a
    # screen: the browser lays the labels out once, at the size they are shown (graph.js only
    # pans and zooms from there; data-size is the whole drawing).
    shown = height
    if opening and height > max(width * OPENING_ASPECT, OPENING_HEIGHT):
        shown = round(width * OPENING_ASPECT)
    size = f' data-size="{width} {height}"' if mode == "full" else ""
    # Labels far below the opening view wait until the page has been painted (graph.js shows
    # them while the reader looks, or at the first pan or zoom): laying out thousands of labels
    # nobody sees yet was most of the time to show a big graph.
    below = shown - legend_height + LAZY_MARGIN if shown < height else None
    lazy = " tg-lazy" if below is not None else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="tg-graph{lazy}" '
        f'data-graph="{mode}"{size} viewBox="0 0 {width} {shown}" width="{width}" '
        f'height="{shown}" aria-label="{_attr("Note graph: " + count)}">',
        f"<title>{_text('Note graph: ' + count)}</title>",
        f"<style>{style_sheet(ident, drawn.types, drawn.statuses, drawn.kinds)}</style>",
        markers(ident, drawn.kinds),
        legend,
        f'<g transform="translate(0,{legend_height})">',
        _bands(layout),
        _strips(layout),
        '<g class="tg-edges">',
        *(_edge(edge, drawn.index, layout, drawn.degree) for edge in edges),
        "</g>",
        '<g class="tg-nodes">',
        *(_node(node, layout, url_for, below) for node in nodes),
        "</g>",
    ]
    if layout.hidden:
        parts.append(
            f'<text class="tg-more" x="{layout.width // 2}" y="{layout.height - 10}" '
            f'text-anchor="middle">+{layout.hidden} more not shown</text>'
        )
    parts += ["</g>", "</svg>"]
    return "\n".join(part for part in parts if part) + "\n"


@dataclass(frozen=True, slots=True)
class _Drawn:
    """What of a graph a layout shows: its nodes and edges, and the types, statuses and
    relation kinds among them (for the legend and the style sheet), each in a fixed order."""

    nodes: list[Node]
    index: dict[str, int]
    """Each drawn node's position in ``nodes`` (what an edge's data-s and data-t name)."""
    edges: list[Edge]
    degree: dict[str, int]
    types: tuple[str, ...]
    type_titles: tuple[str, ...]
    statuses: tuple[str, ...]
    kinds: tuple[str, ...]

    @classmethod
    def of(cls, graph: Graph, layout: Layout) -> _Drawn:
        nodes = [graph.nodes[node_id] for node_id in graph.nodes if node_id in layout.positions]
        index = {node.id: position for position, node in enumerate(nodes)}
        edges = [
            edge
            for edge in graph.edges
            if edge.source in index and edge.target in index and edge.source != edge.target
        ]
        # Body links first, so the written relations are drawn over them.
        edges.sort(key=lambda edge: edge.kind not in BODY_KINDS)
        kinds = sorted({edge.kind for edge in edges}, key=kind_rank)
        degree: dict[str, int] = {}
        for edge in edges:
            degree[edge.source] = degree.get(edge.source, 0) + 1
            degree[edge.target] = degree.get(edge.target, 0) + 1
        band_keys = [band.key for band in layout.bands]
        types = sorted({node.type or "" for node in nodes}, key=lambda t: type_rank(t, band_keys))
        statuses = sorted({node.status or "" for node in nodes} - {""}, key=status_rank)
        titles = tuple(graph.type_titles.get(name, name) for name in types)
        return cls(nodes, index, edges, degree, tuple(types), titles, tuple(statuses), tuple(kinds))


# --- Pieces -------------------------------------------------------------------------------------


def _bands(layout: Layout) -> str:
    titles = [
        f'<text class="tg-band" x="{band.x}" y="28">{_text(band.title)}</text>'
        for band in layout.bands
        if band.title
    ]
    return '<g class="tg-bands">' + "".join(titles) + "</g>" if titles else ""


def _strips(layout: Layout) -> str:
    """The time bands: a title at the left of each, a thin rule between two."""
    if not layout.strips:
        return ""
    parts = ['<g class="tg-strips">', f'<text x="{MARGIN}" y="28">{_text(layout.period)}</text>']
    for index, strip in enumerate(layout.strips):
        if index:
            y = strip.top - STRIP_GAP // 2
            parts.append(f'<path d="M{MARGIN} {y}H{layout.width - MARGIN}"/>')
        parts.append(f'<text x="{MARGIN}" y="{strip.top + 16}">{_text(strip.title)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _edge(edge: Edge, index: dict[str, int], layout: Layout, degree: dict[str, int]) -> str:
    source, target = index[edge.source], index[edge.target]
    # The run along a gap goes next to the better connected end, so a note's many relations
    # join into one line there; bundles of different notes are spread across shared corridors
    # (the same corners as Layout.route, written out as it runs for every edge of every page).
    hub_is_source = degree[edge.source] > degree[edge.target]
    hub = source if hub_is_source else target
    (x1, y1), (x2, y2) = layout.positions[edge.source], layout.positions[edge.target]
    lane = layout.lanes[edge.target if hub_is_source else edge.source] + (hub % 5 - 2) * 2
    centre = layout.centre
    d = _edge_path(
        x1,
        y1,
        CENTRE_RADIUS if edge.source == centre else RADIUS,
        x2,
        y2,
        CENTRE_RADIUS if edge.target == centre else RADIUS,
        lane,
        (hub % 3 - 1) * 2,
    )
    return f'<path class="k-{css_ident(edge.kind)}" data-s="{source}" data-t="{target}" d="{d}"/>'


@functools.lru_cache(maxsize=1 << 15)
def _edge_path(
    x1: int, y1: int, r1: int, x2: int, y2: int, r2: int, lane: int, gap_shift: int
) -> str:
    """An edge's path data (cached by its ends and corridors: one lookup for most edges of a
    local graph, whose nodes sit on the same few columns and rows from page to page)."""
    return _path(route(x1, y1, r1, x2, y2, r2, lane, gap_shift))


def _path(points: tuple[tuple[int, int], ...]) -> str:
    """An orthogonal path through ``points`` with rounded corners (radius at most 4, less where
    a leg is short, so that a corner never leaves the corridors of its two legs)."""
    corners = [points[0]]
    for point in points[1:]:
        if point != corners[-1]:
            corners.append(point)
    # Drop the middle of three points on one line.
    simple = [corners[0]]
    for here, after in itertools.pairwise(corners[1:]):
        before = simple[-1]
        if not (before[0] == here[0] == after[0] or before[1] == here[1] == after[1]):
            simple.append(here)
    simple.append(corners[-1])
    x, y = simple[0]
    out = [f"M{x} {y}"]
    for position in range(1, len(simple)):
        tx, ty = simple[position]
        if position + 1 < len(simple):
            nx, ny = simple[position + 1]
            radius = min(4, abs(tx - x + ty - y) // 2, abs(nx - tx + ny - ty) // 2)
            # Stop `radius` short of the corner, curve round it, carry on from `radius` past it.
            bx, by = tx - _sign(tx - x) * radius, ty - _sign(ty - y) * radius
            ax, ay = tx + _sign(nx - tx) * radius, ty + _sign(ny - ty) * radius
            out.append(_leg(x, y, bx, by))
            if radius:
                out.append(f"Q{tx} {ty} {ax} {ay}")
            x, y = ax, ay
        else:
            out.append(_leg(x, y, tx, ty))
            x, y = tx, ty
    return "".join(part for part in out if part)


def _leg(x: int, y: int, tx: int, ty: int) -> str:
    if (tx, ty) == (x, y):
        return ""
    return f"H{tx}" if ty == y else f"V{ty}"


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _node(node: Node, layout: Layout, url_for: UrlFor, below: int | None = None) -> str:
    """A node, its tooltip and label. Labels of nodes below ``below`` (out of the opening view)
    are marked to be laid out after the first paint."""
    x, y = layout.positions[node.id]
    is_centre = node.id == layout.centre
    attributes, tooltip = _node_markup(node, is_centre)
    if below is not None and y > below:
        attributes = attributes.replace('class="', 'class="tg-later ', 1)
    radius = CENTRE_RADIUS if is_centre else RADIUS
    inside = f'{tooltip}<circle cx="{x}" cy="{y}" r="{radius}"/>{_label(node, x, y, layout)}'
    if node.note is None:
        return f"<g {attributes}>{inside}</g>"
    return f'<a href="{_href(url_for(node.note))}" {attributes}>{inside}</a>'


@functools.lru_cache(maxsize=1 << 14)
def _node_markup(node: Node, is_centre: bool) -> tuple[str, str]:
    """A node's escaped attributes and tooltip, which do not depend on where it is drawn.
    Cached: a note shows up in the local graphs of all its neighbours."""
    classes = (
        f"t-{css_ident(node.type or '')} s-{css_ident(node.status or '')}" + " tg-c" * is_centre
    )
    tags = " ".join("-".join(tag.split()) for tag in node.tags)
    attributes = (
        f'class="{classes}" data-type="{_attr(node.type or "")}" '
        f'data-status="{_attr(node.status or "")}" data-tags="{_attr(tags)}"'
    )
    day = node.date.isoformat() if node.date else ""
    details = SEPARATOR.join(_text(part) for part in (node.type, node.status, day) if part)
    tooltip = f"<title>{_text(node.title)}{chr(10) + details if details else ''}</title>"
    return attributes, tooltip


@functools.lru_cache(maxsize=1 << 16)
def _href(url: str) -> str:
    """``url`` made safe for an ``href``. Cached: notes of one folder link their neighbours
    with the same relative URLs."""
    return _attr(safe_href(url))


def _label(node: Node, x: int, y: int, layout: Layout) -> str:
    room = layout.label_room.get(node.id, 0)
    if not room or not layout.labels:
        return ""
    if node.id == layout.centre:
        text = _label_text(node.title, room, True)
        return f'<text x="{x + CENTRE_RADIUS + LABEL_GAP}" y="{y + 4}">{text}</text>'
    text = _label_text(node.title, room, False)
    return f'<text x="{x + RADIUS + LABEL_GAP}" y="{y + 4}">{text}</text>'


@functools.lru_cache(maxsize=1 << 14)
def _label_text(title: str, room: int, bold: bool) -> str:
    """A title shortened to ``room`` pixels and escaped for a label (cached like the rest of a
    node's markup)."""
    return _text(fit_text(title, room, bold=bold)).replace("\u2026", ELLIPSIS)

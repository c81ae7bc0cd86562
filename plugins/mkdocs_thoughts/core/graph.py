"""The note graph: one node per note, typed edges from relation fields and body references, and the
inverse relations a note's page shows ("Plans built on this", "Superseded by", "Referenced by").

Plain data, built once per build from the resolved relations; layout and drawing live in
graph_layout.py and graph_svg.py, the text formats in graph_export.py.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import field as _field  # Edge.field shadows it in the class body
from datetime import date, datetime

from .config import ThoughtsSettings
from .links import NoteIndex, Origin, Relation, TargetKind
from .notes import Note

NOTE = "note"
"""The kind of a node that is a note (room for runs and code later)."""

LINKS_TO = "links_to"
MENTIONS = "mentions"
BODY_KINDS = frozenset({LINKS_TO, MENTIONS})

BUILDS_ON = "builds_on"
SUPERSEDES = "supersedes"
SUPERSEDED_BY = "superseded_by"

OUTGOING_LABELS: dict[str, str] = {
    BUILDS_ON: "Builds on",
    "implements": "Implements",
    SUPERSEDES: "Supersedes",
    SUPERSEDED_BY: "Superseded by",
    "related": "Related",
    "cites": "Cites",
    LINKS_TO: "Links to",
    MENTIONS: "Links to",
}
"""Headings of what a note points at, by edge kind; a configured kind not here is title-cased."""

INCOMING_LABELS: dict[str, str] = {
    "implements": "Implemented by",
    SUPERSEDES: "Superseded by",
    SUPERSEDED_BY: "Supersedes",
    "related": "Related",
}
"""Headings of what points at a note. ``builds_on`` is named by the source's type ("Plans built on
this"); any other kind (``cites``, body links, configured kinds) is "Referenced by"."""

REFERENCED_BY = "Referenced by"

_LABEL_ORDER = (
    "Builds on",
    "Implements",
    "Implemented by",
    "Supersedes",
    "Superseded by",
    "Related",
    "Cites",
    "Links to",
    REFERENCED_BY,
)


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    """For a note, its path relative to the repository root."""
    kind: str
    title: str
    type: str | None
    status: str | None
    date: date | None
    tags: tuple[str, ...]
    note: Note | None = field(default=None, compare=False, repr=False)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Oldest first, then by path: the order of a column and of every listing."""
        return (self.date.isoformat() if self.date else "", self.id)


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: str
    field: str | None
    """The frontmatter field it was written in; ``None`` for a link or mention in the body."""
    relation: Relation | None = _field(default=None, compare=False, repr=False)

    @property
    def is_body(self) -> bool:
        return self.field is None


class Graph:
    """Nodes and edges of a set of notes, with per-node adjacency in both directions."""

    def __init__(
        self,
        nodes: Iterable[Node],
        edges: Iterable[Edge],
        *,
        external: Iterable[Relation] = (),
        type_titles: dict[str, str] | None = None,
        field_kinds: dict[str, str] | None = None,
    ) -> None:
        self.nodes: dict[str, Node] = {node.id: node for node in sorted(nodes, key=_by_id)}
        self.edges: list[Edge] = sorted(
            (edge for edge in edges if edge.source in self.nodes and edge.target in self.nodes),
            key=_edge_key,
        )
        self.external: list[Relation] = list(external)
        """Relations that name no note here: URLs, ids such as ``PRD-002``, missing targets."""
        self._external: dict[str, list[Relation]] = {}
        for relation in self.external:
            self._external.setdefault(relation.source.rel_path, []).append(relation)
        self.type_titles = dict(type_titles or {})
        """Display name of each note type ("Plans"), for "Plans built on this"."""
        self.field_kinds = dict(field_kinds or {})
        """The edge kind of each relation field (``based_on`` -> ``builds_on``)."""
        self._neighbour_ids: dict[str, list[str]] = {}
        self._out: dict[str, list[Edge]] = {node_id: [] for node_id in self.nodes}
        self._in: dict[str, list[Edge]] = {node_id: [] for node_id in self.nodes}
        for edge in self.edges:
            self._out[edge.source].append(edge)
            self._in[edge.target].append(edge)

    def __len__(self) -> int:
        return len(self.nodes)

    def node(self, note: Note | str) -> Node:
        return self.nodes[_id(note)]

    def edges_from(self, note: Note | str) -> list[Edge]:
        return self._out[_id(note)]

    def edges_to(self, note: Note | str) -> list[Edge]:
        return self._in[_id(note)]

    def outgoing(self, note: Note | str) -> list[tuple[str, list[Node]]]:
        """What the note points at, grouped under human-readable labels ("Builds on", ...)."""
        return self._grouped(
            (self.outgoing_label(edge), self.nodes[edge.target]) for edge in self.edges_from(note)
        )

    def incoming(self, note: Note | str) -> list[tuple[str, list[Node]]]:
        """What points at the note ("Plans built on this", "Superseded by", "Referenced by")."""
        return self._grouped(
            (self.incoming_label(edge), self.nodes[edge.source]) for edge in self.edges_to(note)
        )

    def connections(self, note: Note | str) -> list[tuple[str, list[Node]]]:
        """Outgoing and incoming together, for a note's header: a note's own ``superseded_by``
        and another's ``supersedes`` land under the same "Superseded by"."""
        node_id = _id(note)
        pairs = [(self.outgoing_label(e), self.nodes[e.target]) for e in self.edges_from(node_id)]
        pairs += [(self.incoming_label(e), self.nodes[e.source]) for e in self.edges_to(node_id)]
        return self._grouped(pair for pair in pairs if pair[1].id != node_id)

    def citations(self, note: Note | str) -> list[tuple[str, list[str]]]:
        """The note's relation values that are URLs or ids (``PRD-002``), grouped by label."""
        groups: dict[str, list[str]] = {}
        for relation in self._external.get(_id(note), ()):
            if relation.kind is TargetKind.MISSING:
                continue
            if relation.origin is not Origin.FIELD:
                continue
            label = _outgoing_label(self.field_kinds.get(relation.value.field, "related"))
            texts = groups.setdefault(label, [])
            if relation.value.text not in texts:
                texts.append(relation.value.text)
        return sorted(groups.items(), key=lambda item: _label_rank(item[0]))

    def outgoing_label(self, edge: Edge) -> str:
        return _outgoing_label(edge.kind)

    def incoming_label(self, edge: Edge) -> str:
        if edge.kind == BUILDS_ON:
            source_type = self.nodes[edge.source].type
            title = self.type_titles.get(source_type or "", "Notes")
            return f"{title} built on this"
        return INCOMING_LABELS.get(edge.kind, REFERENCED_BY)

    def neighbourhood(self, note: Note | str, depth: int = 1) -> dict[str, int]:
        """Node ids within ``depth`` hops (either direction) of the note, with their distance."""
        start = _id(note)
        distances = {start: 0}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if distances[current] >= depth:
                continue
            for other in self._neighbours(current):
                if other not in distances:
                    distances[other] = distances[current] + 1
                    queue.append(other)
        return distances

    def local(self, note: Note | str, depth: int = 2, max_nodes: int | None = None) -> Graph:
        """The subgraph around a note: neighbours to ``depth`` hops, at most ``max_nodes`` of them
        (the note itself, then the closest and most strongly related first)."""
        centre = _id(note)
        return self.subgraph(self.closest(centre, self.neighbourhood(centre, depth), max_nodes))

    def subgraph(
        self,
        ids: Iterable[str],
        *,
        keep_edge: Callable[[Edge], bool] | None = None,
        with_external: bool = True,
    ) -> Graph:
        """The nodes ``ids`` and the edges among them (those ``keep_edge`` accepts)."""
        keep = set(ids)
        # Through the adjacency lists: a note page's local graph must not scan every edge.
        edges = (edge for node_id in keep for edge in self._out[node_id] if edge.target in keep)
        return Graph(
            (self.nodes[node_id] for node_id in keep),
            edges if keep_edge is None else filter(keep_edge, edges),
            external=(r for node_id in keep for r in self._external.get(node_id, ()))
            if with_external
            else (),
            type_titles=self.type_titles,
            field_kinds=self.field_kinds,
        )

    def _neighbours(self, node_id: str) -> list[str]:
        # Every note page walks its neighbourhood, so each node's neighbours are worked out once.
        known = self._neighbour_ids.get(node_id)
        if known is None:
            seen = {edge.target for edge in self._out[node_id]}
            seen.update(edge.source for edge in self._in[node_id])
            seen.discard(node_id)
            known = self._neighbour_ids[node_id] = sorted(seen)
        return known

    def closest(self, centre: str, distances: dict[str, int], limit: int | None) -> list[str]:
        """At most ``limit`` ids of ``distances`` (a :meth:`neighbourhood`): the centre, then by
        hop, written relations before body links, more ties to what is chosen, newest first."""
        if limit is None or len(distances) <= limit:
            return sorted(distances)
        chosen = [centre]
        chosen_set = {centre}
        for hop in range(1, max(distances.values()) + 1):
            ring = [node_id for node_id, distance in distances.items() if distance == hop]
            ring.sort(key=lambda node_id: self._priority(node_id, chosen_set))
            for node_id in ring:
                if len(chosen) >= limit:
                    return chosen
                chosen.append(node_id)
                chosen_set.add(node_id)
        return chosen

    def _priority(self, node_id: str, chosen: set[str]) -> tuple[int, int, int, str]:
        # Written relations before body links, more ties to what is shown, newest first.
        edges = [e for e in self._out[node_id] if e.target in chosen]
        edges += [e for e in self._in[node_id] if e.source in chosen]
        typed = sum(not edge.is_body for edge in edges)
        day = self.nodes[node_id].date
        return (-typed, -len(edges), -day.toordinal() if day else 0, node_id)

    def _grouped(self, pairs: Iterable[tuple[str, Node]]) -> list[tuple[str, list[Node]]]:
        groups: dict[str, dict[str, Node]] = {}
        for label, node in pairs:
            groups.setdefault(label, {})[node.id] = node
        return [
            (label, sorted(members.values(), key=lambda n: n.sort_key, reverse=True))
            for label, members in sorted(groups.items(), key=lambda item: _label_rank(item[0]))
        ]


def build_graph(
    notes: Sequence[Note], relations: Iterable[Relation], settings: ThoughtsSettings
) -> Graph:
    """The graph of ``notes`` from their resolved relations (fields and body references).

    A pair of notes joined by a relation field is not joined again by a body link; links and
    mentions of the same note count once (as ``links_to``); self-references from a body are
    dropped, while a field naming its own note is kept (a note superseding itself is a cycle).
    """
    nodes = [node_for(note) for note in notes]
    field_pairs: set[tuple[str, str]] = set()
    field_edges: dict[tuple[str, str, str, str], Edge] = {}
    body_edges: dict[tuple[str, str], Edge] = {}
    external: list[Relation] = []
    for relation in relations:
        if relation.kind is not TargetKind.NOTE or relation.target is None:
            external.append(relation)
            continue
        source, target = relation.source.rel_path, relation.target.rel_path
        if relation.origin is Origin.FIELD:
            kind = settings.relation_fields.get(relation.value.field, "related")
            key = (source, target, kind, relation.value.field)
            field_edges.setdefault(key, Edge(source, target, kind, relation.value.field, relation))
            field_pairs.add((source, target))
        elif source != target:
            kind = LINKS_TO if relation.origin is Origin.LINK else MENTIONS
            known = body_edges.get((source, target))
            if known is None or (known.kind == MENTIONS and kind == LINKS_TO):
                body_edges[(source, target)] = Edge(source, target, kind, None, relation)
    edges = list(field_edges.values())
    edges += [edge for pair, edge in body_edges.items() if pair not in field_pairs]
    titles = {name: settings.type_title(name) for name in settings.types}
    return Graph(
        nodes,
        edges,
        external=external,
        type_titles=titles,
        field_kinds=dict(settings.relation_fields),
    )


def collect_relations(
    notes: Sequence[Note], index: NoteIndex, *, body: bool = True, folder: str | None = None
) -> list[Relation]:
    """Every relation of ``notes`` resolved against ``index`` (fields, then body references)."""
    return [
        relation for note in notes for relation in index.relations(note, body=body, folder=folder)
    ]


def node_for(note: Note) -> Node:
    day = note.sort_date
    if isinstance(day, datetime):
        day = day.date()
    return Node(
        id=note.rel_path,
        kind=NOTE,
        title=note.title,
        type=note.note_type,
        status=note.meta.status,
        date=day,
        tags=tuple(note.meta.tags),
        note=note,
    )


def _outgoing_label(kind: str) -> str:
    return OUTGOING_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _label_rank(label: str) -> tuple[int, str]:
    if label in _LABEL_ORDER:
        return (_LABEL_ORDER.index(label) + 1, label)
    if label.endswith(" built on this"):
        return (0, label)  # what was built on a note is the first thing its reader wants
    return (len(_LABEL_ORDER) - 1, label)  # configured kinds just before "Referenced by"


def _id(note: Note | str) -> str:
    return note if isinstance(note, str) else note.rel_path


def _by_id(node: Node) -> str:
    return node.id


def _edge_key(edge: Edge) -> tuple[str, str, str, str]:
    return (edge.source, edge.target, edge.kind, edge.field or "")

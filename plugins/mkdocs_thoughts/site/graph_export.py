"""The note graph as text: JSON for tools, DOT for Graphviz, Mermaid for Markdown previews.

Node ids are note paths from the repository root. Titles come from notes, so DOT and Mermaid
labels are escaped for their quoting rules; Mermaid node ids are generated (``n0``, ``n1``, ...)
because its identifiers cannot hold a path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..core.graph import Graph, Node
from .graph_style import EDGE_STYLES, TYPE_COLOURS, UNTYPED_COLOUR

FORMATS = ("json", "dot", "mermaid")

_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 _.,:;/()!?+=@'-]")
_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")


def graph_data(graph: Graph) -> dict[str, Any]:
    """Nodes, edges and the relation values that name no note, as plain JSON-ready data."""
    return {
        "nodes": [_node_data(node) for node in graph.nodes.values()],
        "edges": [
            {"source": edge.source, "target": edge.target, "kind": edge.kind, "field": edge.field}
            for edge in graph.edges
        ],
        "unresolved": [
            {
                "source": relation.source.rel_path,
                "field": relation.value.field,
                "value": relation.value.text,
                "kind": relation.kind.value,
                "origin": relation.origin.value,
            }
            for relation in sorted(
                graph.external,
                key=lambda r: (r.source.rel_path, r.value.field, r.value.text, r.origin.value),
            )
        ],
    }


def to_json(graph: Graph) -> str:
    return json.dumps(graph_data(graph), indent=2, ensure_ascii=False) + "\n"


def to_dot(graph: Graph, *, name: str = "thoughts") -> str:
    lines = [
        f"digraph {_dot_string(name)} {{",
        "  rankdir=RL;",
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
        '  edge [fontname="sans-serif", fontsize=8];',
    ]
    for node in graph.nodes.values():
        attributes = {
            "label": node.title,
            "tooltip": node.id,
            "fillcolor": TYPE_COLOURS.get(node.type or "", UNTYPED_COLOUR),
        }
        if node.status:
            attributes["xlabel"] = node.status
        lines.append(f"  {_dot_string(node.id)} [{_dot_attributes(attributes)}];")
    for edge in graph.edges:
        colour, dashes, _ = EDGE_STYLES.get(edge.kind, ("#76b7b2", "4 2", 1.2))
        attributes = {"label": edge.kind, "color": colour}
        if dashes:
            attributes["style"] = "dashed"
        source, target = _dot_string(edge.source), _dot_string(edge.target)
        lines.append(f"  {source} -> {target} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: Graph) -> str:
    ids = {node_id: f"n{index}" for index, node_id in enumerate(graph.nodes)}
    lines = ["flowchart RL"]
    for node in graph.nodes.values():
        lines.append(f'  {ids[node.id]}["{_mermaid_text(node.title)}"]')
    for edge in graph.edges:
        arrow = "-->" if edge.kind in ("builds_on", "implements", "supersedes") else "-.->"
        label = _mermaid_text(edge.kind.replace("_", " "))
        lines.append(f'  {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
    types = sorted({node.type or "" for node in graph.nodes.values()})
    for name in types:
        colour = TYPE_COLOURS.get(name, UNTYPED_COLOUR)
        lines.append(f"  classDef {_class_name(name)} fill:{colour},color:#fff")
    for name in types:
        members = [ids[node.id] for node in graph.nodes.values() if (node.type or "") == name]
        lines.append(f"  class {','.join(members)} {_class_name(name)}")
    return "\n".join(lines) + "\n"


def _node_data(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        "type": node.type,
        "title": node.title,
        "status": node.status,
        "date": node.date.isoformat() if node.date else None,
        "tags": list(node.tags),
    }


def _dot_string(text: str) -> str:
    """A DOT quoted string: backslashes (DOT's escapes such as ``\\N``) and quotes escaped,
    line breaks as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={_dot_string(value)}" for key, value in attributes.items())


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: anything beyond plain words and punctuation becomes an
    entity code (``#60;``), so a title can neither end the label nor inject HTML or Markdown."""
    return "".join(
        char if _MERMAID_SAFE.fullmatch(char) else f"#{ord(char)};"
        for char in " ".join(text.split())
    )


def _class_name(type_name: str) -> str:
    return "type_" + (_NOT_IDENT.sub("_", type_name) or "other")

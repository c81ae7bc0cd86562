"""`thoughts graph`: print the relationship graph of the notes (JSON, DOT, Mermaid or SVG).

``--note PATH --depth N`` prints only the notes within N hops of one note. Node ids are paths
from the repository root, the same ids diagnostics use.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ...core.graph import Graph
from ...core.notes import Note
from ...corpus.model import Corpus
from ...site.graph_export import to_dot, to_json, to_mermaid
from ...site.graph_svg import render_graph_svg, render_local_svg
from .common import UsageError, add_config_option, note_loader, site_config

FORMATS = ("json", "dot", "mermaid", "svg")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the notes and their relations (frontmatter relation fields and links "
        "in note bodies) as JSON, Graphviz DOT, Mermaid or SVG."
    )
    parser.add_argument("--format", choices=FORMATS, default="json")
    parser.add_argument(
        "--note", metavar="PATH", help="only the neighbourhood of this note (a path to its file)"
    )
    parser.add_argument(
        "--depth", type=int, metavar="N", help="hops from --note to include (default: 2)"
    )
    parser.add_argument(
        "--no-body",
        action="store_true",
        help="only relations written in frontmatter, not links in note bodies",
    )
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.depth is not None and args.note is None:
        raise UsageError("--depth needs --note")
    depth = 2 if args.depth is None else args.depth
    if depth < 0:
        raise UsageError("--depth must be 0 or more")
    config = site_config(args, required=True)
    loader = note_loader(config)
    corpus = loader.load(code_drift=False)
    for notice in corpus.notices:
        print(f"thoughts: warning: {notice}", file=sys.stderr)
    graph = corpus.relation_graph(loader.settings, body=not args.no_body)
    types = list(loader.settings.types)

    if args.note is None:
        output = _render(graph, args.format, types)
    else:
        note = find_note(corpus, args.note)
        if args.format == "svg":
            output = render_local_svg(graph, note, _site_url, depth=depth, max_nodes=60)
        else:
            output = _render(graph.local(note, depth), args.format, types)
    sys.stdout.write(output)
    return 0


def find_note(corpus: Corpus, written: str) -> Note:
    """The note a command-line path names: a file path (from the current folder), or a path from
    the repository root or the notes root."""
    absolute = os.path.normpath(Path(written).resolve())
    wanted = written.replace("\\", "/")
    while wanted.startswith("./"):
        wanted = wanted[2:]
    for note in corpus.notes:
        if os.path.normpath(note.path) == absolute or wanted in (note.rel_path, note.doc_uri):
            return note
    raise UsageError(f"{written}: not a note of this site")


def _render(graph: Graph, format_name: str, types: list[str]) -> str:
    if format_name == "dot":
        return to_dot(graph)
    if format_name == "mermaid":
        return to_mermaid(graph)
    if format_name == "svg":
        return render_graph_svg(graph, _site_url, types=types)
    return to_json(graph)


def _site_url(note: Note) -> str:
    """The note's page from the site root (MkDocs' default directory URLs)."""
    return note.doc_uri.removesuffix(".md") + "/"

"""`thoughts notes`: every note with the facts the site shows, for scripts and CI.

The same facts as the site's headers (the commit each note resolves to, where it is, how far
behind HEAD), so a consumer of ``--format json`` and the site never disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ...corpus.model import Corpus
from .common import add_config_option, note_loader, site_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print every note with its type, title, status, and the commit its "
        "git_commit resolves to (full SHA, placement, commits behind HEAD)."
    )
    parser.add_argument("--format", choices=("json", "text"), default="json")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loader = note_loader(site_config(args, required=True))
    corpus = loader.load(code_drift=False)
    for notice in corpus.notices:
        print(f"thoughts: warning: {notice}", file=sys.stderr)
    records = note_records(corpus)
    if args.format == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        for record in records:
            commit = (record["commit"] or {}).get("sha") or "-"
            print(f"{record['path']}\t{record['status'] or '-'}\t{commit[:12]}\t{record['title']}")
    return 0


def note_records(corpus: Corpus) -> list[dict[str, Any]]:
    records = []
    for note in corpus.notes:
        commit = None
        facts = corpus.git_facts.get(note.rel_path)
        if note.meta.git_commit and facts is not None:
            placement = facts.placement
            commit = {
                "written": note.meta.git_commit,
                "sha": placement.sha if placement else None,
                "where": placement.where.value if placement else None,
                "ref": placement.ref_name if placement else None,
                "behind_head": facts.behind_head,
                "subject": facts.commit.subject if facts.commit else None,
            }
        when = note.sort_date
        records.append(
            {
                "path": note.rel_path,
                "type": note.note_type,
                "title": note.title,
                "status": note.meta.status,
                "date": when.isoformat() if when else None,
                "git_commit": note.meta.git_commit,
                "commit": commit,
                "errors": sum(item.is_error for item in note.diagnostics),
                "warnings": sum(not item.is_error for item in note.diagnostics),
            }
        )
    return records

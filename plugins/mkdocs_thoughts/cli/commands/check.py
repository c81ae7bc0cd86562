"""`thoughts check`: validate notes and print every problem with its file, line and column."""

from __future__ import annotations

import argparse
import sys

from ...core.diagnostics import format_github, format_json, format_text, summary
from ...core.gcpause import collector_paused
from .common import add_config_option, existing_paths, note_loader, site_config

FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Validate notes. Exit 0 when no errors, 1 on errors "
        "(or warnings with --strict), 2 on usage or configuration errors."
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="notes or folders to check")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The collector stays off until the notes are gone: a one-off command keeps every note it
    # reads until it ends, and turning the collector on while they live makes it walk them all.
    with collector_paused():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    config = site_config(args, required=not args.paths)
    loader = note_loader(config)
    paths = existing_paths(args.paths)
    corpus = loader.load(paths or None, code_drift=False)
    for notice in corpus.notices:
        print(f"thoughts: warning: {notice}", file=sys.stderr)
    for notice in corpus.skipped:
        print(f"thoughts: {notice}", file=sys.stderr)

    diagnostics = corpus.diagnostics
    output = FORMATTERS[args.format](diagnostics)
    if output:
        print(output)
    errors = sum(item.is_error for item in diagnostics)
    warnings = len(diagnostics) - errors
    line = summary(len(corpus.notes), diagnostics)
    print(line, file=sys.stdout if args.format == "text" else sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0

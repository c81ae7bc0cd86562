"""Subcommands of the `thoughts` CLI, one module each with ``configure(parser)`` and ``run``.

A command's module is imported only when that command runs: `thoughts check` starts without the
exporter, the graph drawing or `init`'s inference (a fifth of its start-up).
"""

from __future__ import annotations

import argparse
from importlib import import_module

COMMANDS: dict[str, str] = {
    "check": "validate notes' frontmatter",
    "notes": "list notes with their resolved commits",
    "new": "write a new note from its template",
    "meta": "print date, git commit, branch, repository and researcher for a new note",
    "fix": "propose fixes for notes that fail the check (--write to apply them)",
    "schema": "print the JSON Schema of the configured frontmatter",
    "init": "write mkdocs.yml for the notes, inferring the plugin options from them",
    "graph": "print the graph of relations between notes",
    "export": "write the site as plain docs that build without the plugin (Zensical, MkDocs)",
}
"""Each command and its line in `thoughts --help`, in that order."""


def configure(name: str, parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the arguments and the ``run`` of the command ``name``."""
    import_module(f"{__name__}.{name}").configure(parser)

"""Subcommands of the `thoughts` CLI; each module has ``add_parser(subparsers)``."""

from __future__ import annotations

from types import ModuleType

from . import check, export, fix, graph, init, meta, new, notes, schema

COMMANDS: tuple[ModuleType, ...] = (check, notes, new, meta, fix, schema, init, graph, export)

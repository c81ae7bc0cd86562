"""Subcommands of the `thoughts` CLI; each module has ``add_parser(subparsers)``."""

from __future__ import annotations

from types import ModuleType

from . import check, fix, graph, init, meta, new, schema

COMMANDS: tuple[ModuleType, ...] = (check, new, meta, fix, schema, init, graph)

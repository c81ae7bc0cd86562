"""Subcommands of the `thoughts` CLI; each module has ``add_parser(subparsers)``."""

from __future__ import annotations

from types import ModuleType

from . import check

COMMANDS: tuple[ModuleType, ...] = (check,)

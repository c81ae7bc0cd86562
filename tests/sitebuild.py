"""Build a real MkDocs site from a folder in a test, the way `mkdocs build` does."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig


def build_site(root: Path, *, strict: bool = False) -> Path:
    return Path(built_config(root, strict=strict).site_dir)


def built_config(root: Path, *, strict: bool = False) -> MkDocsConfig:
    """The configuration of a finished build (its plugins hold what they made)."""
    config = load_config(str(root / "mkdocs.yml"), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return config


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]

"""Read mkdocs.yml for the CLI exactly as `mkdocs build` reads it.

MkDocs' own loader resolves ``INHERIT`` (the plugin options may live in a base file), ``!ENV``
and ``!relative`` values and every default, and it hands the plugin's options to the plugin, which
validates them with the same pydantic model (:func:`config.load_settings`) — so `thoughts check`
cannot check a different configuration from the one the site is built with.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.config import ThoughtsSettings

PLUGIN_NAME = "thoughts"
PLUGIN_MODULE = "mkdocs_thoughts.plugin"
"""Where the plugin class lives; the CLI recognises the loaded plugin by it, without importing
it (the plugin and the CLI never import each other)."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    config_file: Path
    docs_dir: Path
    repo_url: str | None
    site_url: str | None
    settings: ThoughtsSettings
    warnings: list[str] = field(default_factory=list)
    """What MkDocs warned about while loading (an unknown key, a deprecated option)."""
    theme_dirs: tuple[Path, ...] = ()
    """The theme's template folders, ``custom_dir`` first, as the build searches them."""
    custom_dir: Path | None = None

    @property
    def notes_root(self) -> Path:
        if self.settings.notes_root:
            return (self.config_file.parent / self.settings.notes_root).resolve()
        return self.docs_dir


class ConfigError(Exception):
    """mkdocs.yml is missing or cannot be used; the message says which and why."""


def load_site_config(config_file: Path, *, need_docs_dir: bool = True) -> SiteConfig:
    """The site as `mkdocs build` configures it. ``need_docs_dir=False`` tolerates a docs_dir
    that does not exist yet (for commands that only need the plugin's settings)."""
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: cannot read (no such file)")
    # Imported here: MkDocs (and the theme and plugins it loads) is not needed by `thoughts meta`.
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import MkDocsException

    # What mkdocs.config.load_config does, minus raising on the first problem: the same loader
    # (INHERIT, !ENV, !relative) and the same validation, plugins included.
    config = MkDocsConfig(config_file_path=str(config_file))
    with _mkdocs_messages() as messages, tempfile.TemporaryDirectory() as stand_in:
        try:
            with config_file.open("rb") as stream:
                config.load_file(stream)
            docs_dir = config_file.parent / str(config.get("docs_dir") or "docs")
            if not need_docs_dir and not docs_dir.is_dir():
                # MkDocs stops validating at a missing docs_dir; an empty folder stands in.
                config["docs_dir"] = stand_in
            errors, warnings = config.validate()
        except (MkDocsException, OSError) as error:
            raise ConfigError(f"{config_file}: {error}") from None
    if errors:
        found = "; ".join(f"Config value '{name}': {error}" for name, error in errors)
        raise ConfigError(f"{config_file}: {found}")
    return SiteConfig(
        config_file.resolve(),
        docs_dir.resolve(),
        config.repo_url,
        config.site_url,
        _plugin_settings(config.plugins),
        [
            *(f"Config value '{name}': {warning}" for name, warning in warnings),
            *(text for level, text in messages if level >= logging.WARNING),
        ],
        tuple(Path(folder) for folder in config.theme.dirs),
        Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None,
    )


def _plugin_settings(plugins: Any) -> ThoughtsSettings:
    """The settings the loaded `thoughts` plugin validated, however mkdocs.yml spelt it (a list
    entry, a mapping key, bare or with options); the defaults when the site does not use it."""
    for plugin in plugins.values():
        if type(plugin).__module__ == PLUGIN_MODULE:
            settings = getattr(plugin, "settings", None)
            if isinstance(settings, ThoughtsSettings):
                return settings
    return ThoughtsSettings()


@contextmanager
def _mkdocs_messages() -> Iterator[list[tuple[int, str]]]:
    """MkDocs' log records while the block runs, kept from the terminal: the CLI says them in
    its own words (``thoughts: error: ...``)."""
    logger = logging.getLogger("mkdocs")
    messages: list[tuple[int, str]] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append((record.levelno, record.getMessage()))

    handler = _Keep(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate

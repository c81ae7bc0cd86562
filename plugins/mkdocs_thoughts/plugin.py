"""MkDocs events only: each wires one step of the build to the plain classes that do the work."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files

from .corpus import Corpus, NoteLoader
from .diagnostics import Diagnostic
from .schema import SettingsError, ThoughtsSettings, load_settings

log = get_plugin_logger(__name__)


class ThoughtsPlugin(BasePlugin):
    """Validates, indexes and links the research notes of a MkDocs site."""

    def __init__(self) -> None:
        self.settings = ThoughtsSettings()
        self.loader: NoteLoader | None = None
        self.corpus: Corpus | None = None
        self.is_serving = False

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        # The options are validated by the same pydantic model the CLI uses, so `thoughts check`
        # and `mkdocs build` cannot read one mkdocs.yml two ways.
        try:
            self.settings = load_settings(options)
        except SettingsError as error:
            return [("thoughts", ValidationError(str(error)))], []
        return [], []

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Having on_startup keeps this instance alive across `mkdocs serve` rebuilds, and with it
        # the note cache.
        self.is_serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        notes_root = Path(config.docs_dir)
        if self.settings.notes_root:
            notes_root = Path(config.config_file_path).parent / self.settings.notes_root
        if self.loader is None or self.loader.notes_root != notes_root.resolve():
            project_dir = Path(config.config_file_path).parent
            self.loader = NoteLoader(self.settings, notes_root, project_dir)
        else:
            self.loader.settings = self.settings
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.loader is not None
        self.corpus = self.loader.load()
        self._report(self.corpus, strict=bool(config.strict))
        return files

    def _report(self, corpus: Corpus, *, strict: bool) -> None:
        for notice in corpus.notices:
            # Not a warning: a site built from an export without .git must still pass --strict.
            log.info(notice)
        errors: list[Diagnostic] = []
        for item in corpus.diagnostics:
            text = f"{item.location()}: {item.code} {item.message} (hint: {item.hint})"
            if item.is_error:
                errors.append(item)
                # A warning through the plugin logger is what makes `mkdocs build --strict` fail.
                log.warning(text)
            else:
                log.info(text)
        if errors and self.settings.fail_on_error and not strict and not self.is_serving:
            raise PluginError(
                f"{len(errors)} error(s) in note frontmatter; see above "
                "(set fail_on_error: false to build anyway)"
            )

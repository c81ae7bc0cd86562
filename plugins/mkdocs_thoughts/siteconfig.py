"""Read what the CLI needs from mkdocs.yml without running MkDocs.

mkdocs.yml files carry tags such as ``!ENV`` and ``!!python/name:`` that only MkDocs can construct;
the CLI needs none of them, so any tag is read as its plain value instead of choking on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .schema import SettingsError, ThoughtsSettings, load_settings

PLUGIN_NAME = "thoughts"


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads any unknown tag as its untagged value (never as code)."""


def _construct_untagged(loader: _TolerantLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _construct_untagged)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_untagged)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    config_file: Path
    docs_dir: Path
    repo_url: str | None
    site_url: str | None
    settings: ThoughtsSettings

    @property
    def notes_root(self) -> Path:
        if self.settings.notes_root:
            return (self.config_file.parent / self.settings.notes_root).resolve()
        return self.docs_dir


class ConfigError(Exception):
    """mkdocs.yml is missing or cannot be used; the message says which and why."""


def load_site_config(config_file: Path) -> SiteConfig:
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{config_file}: cannot read ({error.strerror})") from None
    try:
        data = yaml.load(text, Loader=_TolerantLoader) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{config_file}: invalid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{config_file}: expected a mapping of settings")
    try:
        settings = load_settings(plugin_options(data.get("plugins")))
    except SettingsError as error:
        raise ConfigError(f"{config_file}: {error}") from None
    docs_dir = (config_file.parent / str(data.get("docs_dir", "docs"))).resolve()
    return SiteConfig(
        config_file.resolve(), docs_dir, data.get("repo_url"), data.get("site_url"), settings
    )


def plugin_options(plugins: object) -> dict[str, Any]:
    """The options of the `thoughts` entry in a `plugins:` list or mapping (MkDocs accepts both)."""
    entries: list[Any]
    if isinstance(plugins, dict):
        entries = [{name: options} for name, options in plugins.items()]
    elif isinstance(plugins, list):
        entries = plugins
    else:
        return {}
    for entry in entries:
        if entry == PLUGIN_NAME:
            return {}
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    return {}

"""The configuration file of an export: the site's own mkdocs.yml without the plugin.

Site name, theme, Markdown extensions, URLs and every other setting are kept as written (tags
such as ``!ENV`` and ``!!python/name:`` included, for mkdocs.yml); what the plugin did at build
time is written down instead: the nav of its pages, its stylesheet and script. The plugin's own
entry goes, and so does the tags plugin, whose page the export writes itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ..site.assets import SCRIPT, STYLESHEET

PLUGIN_NAME = "thoughts"
REPLACED_PLUGINS = frozenset({PLUGIN_NAME, "tags", "material/tags"})
"""Plugins whose pages the export writes as files."""
BUILD_SETTINGS = ("docs_dir", "site_dir", "INHERIT")
"""Paths of the source tree: the export has its own (``docs``, ``site``) and inherits nothing."""
EXPORT_DOCS = "docs"


class ExportConfigError(Exception):
    """The site's configuration cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Tagged:
    """A value written with a YAML tag (``!ENV [X, default]``), kept to be written back."""

    tag: str
    value: Any


class _TaggedLoader(yaml.SafeLoader):
    """A safe loader that keeps any tag with its plain value (and never constructs objects)."""


def _construct_tagged(loader: _TaggedLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = node.value
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_TaggedLoader.add_multi_constructor("!", _construct_tagged)
_TaggedLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def read_config(text: str, name: str) -> dict[str, Any]:
    """The settings of a mkdocs.yml (``name`` is its path, for messages)."""
    try:
        data = yaml.load(text, Loader=_TaggedLoader) or {}
    except yaml.YAMLError as error:
        raise ExportConfigError(f"{name}: invalid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ExportConfigError(f"{name}: expected a mapping of settings")
    return data


def export_config(source: Mapping[str, Any], nav: list[dict[str, str]]) -> dict[str, Any]:
    """The export's settings: the source's, with the plugin's work written in."""
    config = {key: value for key, value in source.items() if key not in BUILD_SETTINGS}
    config["docs_dir"] = EXPORT_DOCS
    if config.get("nav") is None:
        config["nav"] = nav
    plugins = _plugins_without(config.get("plugins"))
    if plugins is not None:
        config["plugins"] = plugins
    config["extra_css"] = _with(config.get("extra_css"), STYLESHEET)
    config["extra_javascript"] = _with(config.get("extra_javascript"), SCRIPT)
    return config


def _plugins_without(plugins: object) -> list[Any] | dict[str, Any] | None:
    if isinstance(plugins, dict):
        return {name: value for name, value in plugins.items() if name not in REPLACED_PLUGINS}
    if isinstance(plugins, list):
        return [
            entry
            for entry in plugins
            if not (
                (isinstance(entry, str) and entry in REPLACED_PLUGINS)
                or (isinstance(entry, dict) and REPLACED_PLUGINS.intersection(entry))
            )
        ]
    return None


def _with(items: object, path: str) -> list[Any]:
    listed = list(items) if isinstance(items, list) else []
    return listed if path in listed else [*listed, path]


def to_yaml(config: Mapping[str, Any]) -> str:
    header = "# Written by `thoughts export`: the site without the thoughts plugin.\n"
    body = yaml.dump(
        dict(config),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body


def to_toml(config: Mapping[str, Any]) -> str:
    """zensical.toml: the same settings under ``[project]`` (tags are read as plain values)."""
    lines = ["# Written by `thoughts export`: the site without the thoughts plugin.", ""]
    _toml_table(lines, "project", config)
    return "\n".join(lines) + "\n"


def _toml_table(lines: list[str], name: str, table: Mapping[str, Any]) -> None:
    lines.append(f"[{name}]")
    nested = []
    for key, value in table.items():
        value = _untagged(value)
        if value is None:
            continue  # TOML has no null; an unset setting is the generator's default
        if isinstance(value, dict):
            nested.append((key, value))
            continue
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in nested:
        lines.append("")
        _toml_table(lines, f"{name}.{_toml_key(key)}", value)


def _untagged(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def _toml_key(key: object) -> str:
    text = str(key)
    if text and all(char.isalnum() or char in "-_" for char in text) and text.isascii():
        return text
    return json.dumps(text, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    value = _untagged(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if value != value else "inf")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value if item is not None) + "]"
    if isinstance(value, dict):
        # `- toc:` (an extension without options) is a key with no value: an empty table.
        entries = (
            f"{_toml_key(key)} = {'{}' if _untagged(item) is None else _toml_value(item)}"
            for key, item in value.items()
        )
        return "{ " + ", ".join(entries) + " }"
    # JSON's string escapes are TOML's basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)

"""`thoughts init`: give a repository with a thoughts/ folder a site, or add the plugin to one.

An existing mkdocs.yml is edited as text (one inserted line or a few characters), so its comments,
order and tags such as ``!ENV`` and ``!!python/name:`` survive; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from ..atomic import write_atomic
from ..fmedit import yaml_scalar
from ..git import find_repo_root
from ..metadata import repository_name
from ..siteconfig import PLUGIN_NAME, ConfigError, load_site_config
from .common import DEFAULT_CONFIG, UsageError

NOTES_FOLDER = "thoughts"

STARTER = """\
site_name: {site_name}
docs_dir: {notes}
theme:
  name: material
  features:
    - navigation.indexes
    - search.suggest
exclude_docs: |
  searchable/
plugins:
  - search
  - {plugin}
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""
"""`searchable/` holds hard-link mirrors of the notes; publishing it would show each note twice."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="write a starting mkdocs.yml, or add the thoughts plugin to an existing one",
        description="Write mkdocs.yml (docs_dir: thoughts, theme material, plugins search and "
        "thoughts) when there is none, or add the thoughts plugin to an existing mkdocs.yml "
        "without touching the rest of it.",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing mkdocs.yml with the starter"
    )
    parser.add_argument(
        "--config", "-f", metavar="FILE", default=DEFAULT_CONFIG, help="default: mkdocs.yml"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = Path(args.config)
    folder = config.parent
    if config.exists() and not args.force:
        text = config.read_bytes().decode("utf-8")  # not read_text: keep CRLF line ends
        new_text = add_plugin(text)
        if new_text == text:
            print(f"{config}: the {PLUGIN_NAME} plugin is already configured")
            return 0
        write_atomic(config, new_text)
        print(f"{config}: added the {PLUGIN_NAME} plugin")
        _hint_notes_root(config)
        return 0
    if not (folder / NOTES_FOLDER).is_dir():
        raise UsageError(
            f"no {NOTES_FOLDER}/ folder in {folder.resolve()}; run this in the repository that "
            f"holds the notes (or create {NOTES_FOLDER}/shared/research first)"
        )
    write_atomic(config, starter(_site_name(folder)))
    print(f"{config}: wrote a starting site (`mkdocs serve` to preview it)")
    return 0


def _hint_notes_root(config: Path) -> None:
    """Say so when the notes sit outside the site's docs_dir, where the plugin will not look."""
    notes = (config.parent / NOTES_FOLDER).resolve()
    try:
        site = load_site_config(config, need_docs_dir=False)
    except ConfigError:
        return
    if notes.is_dir() and site.notes_root not in (notes, *notes.parents):
        print(
            f"thoughts: note: docs_dir is {site.docs_dir}, but the notes are in {notes}; set "
            f"`docs_dir: {NOTES_FOLDER}` (or the plugin's notes_root) so the site finds them",
            file=sys.stderr,
        )


def starter(site_name: str) -> str:
    return STARTER.format(site_name=yaml_scalar(site_name), notes=NOTES_FOLDER, plugin=PLUGIN_NAME)


def add_plugin(text: str) -> str:
    """``text`` with the plugin added to its ``plugins:``; unchanged when it is already there."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # composing never constructs a tag
    except yaml.YAMLError as error:
        raise UsageError(f"mkdocs.yml is not valid YAML: {error}") from None
    if root is None:
        return text + _plugins_block(text, ["search", PLUGIN_NAME])
    if not isinstance(root, yaml.MappingNode):
        raise UsageError("mkdocs.yml is not a mapping of settings")
    plugins = next(
        (value for key, value in root.value if getattr(key, "value", None) == "plugins"), None
    )
    if plugins is None or (isinstance(plugins, yaml.ScalarNode) and plugins.value == ""):
        # Without `plugins:`, MkDocs enables search by default; naming plugins would drop it.
        names = ["search", PLUGIN_NAME]
        if plugins is None:
            return text + _plugins_block(text, names)
        at = plugins.start_mark.index
        return _insert(text, at, plugins.end_mark.index, _block_list(names, _newline(text)))
    if _has_plugin(plugins):
        return text
    if isinstance(plugins, yaml.SequenceNode):
        return _add_to_sequence(text, plugins)
    if isinstance(plugins, yaml.MappingNode):
        return _add_to_mapping(text, plugins)
    raise UsageError("mkdocs.yml: `plugins` is neither a list nor a mapping")


def _has_plugin(plugins: yaml.Node) -> bool:
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode) and item.value == PLUGIN_NAME:
                return True
            if isinstance(item, yaml.MappingNode) and any(
                getattr(key, "value", None) == PLUGIN_NAME for key, _ in item.value
            ):
                return True
    if isinstance(plugins, yaml.MappingNode):
        return any(getattr(key, "value", None) == PLUGIN_NAME for key, _ in plugins.value)
    return False


def _add_to_sequence(text: str, plugins: yaml.SequenceNode) -> str:
    if plugins.flow_style or not plugins.value:
        # `plugins: [search]` or `plugins: []`: add inside the brackets.
        close = plugins.end_mark.index - 1
        separator = ", " if plugins.value else ""
        return _insert(text, close, close, f"{separator}{PLUGIN_NAME}")
    indent = " " * plugins.start_mark.column
    at = _after_line(text, _last_leaf(plugins.value[-1]).end_mark)
    return _insert(text, at, at, f"{indent}- {PLUGIN_NAME}{_newline(text)}")


def _add_to_mapping(text: str, plugins: yaml.MappingNode) -> str:
    if plugins.flow_style or not plugins.value:
        close = plugins.end_mark.index - 1
        separator = ", " if plugins.value else ""
        return _insert(text, close, close, f"{separator}{PLUGIN_NAME}: {{}}")
    indent = " " * plugins.start_mark.column
    at = _after_line(text, _last_leaf(plugins.value[-1][1]).end_mark)
    return _insert(text, at, at, f"{indent}{PLUGIN_NAME}: {{}}{_newline(text)}")


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The last scalar or flow collection inside ``node``: a block collection's own end mark
    lies past any blank lines and comments that follow it."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _after_line(text: str, end: yaml.Mark) -> int:
    """Where the line holding the end of the last item ends (its value may span lines)."""
    index = end.index
    # A block node's end mark sits at the start of the next line (after its newline).
    if end.column == 0 and index > 0:
        return index
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1


def _insert(text: str, start: int, end: int, new: str) -> str:
    if start == len(text) and text and not text.endswith("\n"):
        new = _newline(text) + new
    return text[:start] + new + text[end:]


def _plugins_block(text: str, names: list[str]) -> str:
    newline = _newline(text)
    lead = newline if text and not text.endswith("\n") else ""
    return f"{lead}plugins:{_block_list(names, newline)}{newline}"


def _block_list(names: list[str], newline: str = "\n") -> str:
    """`  - name` lines, each after a newline (the caller ends the last one)."""
    return "".join(f"{newline}  - {name}" for name in names)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _site_name(folder: Path) -> str:
    root = find_repo_root(folder.resolve()) or folder.resolve()
    return f"{repository_name('', str(root))} research notes"

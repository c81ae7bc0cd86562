"""`thoughts init`: give a repository a site for its notes, or add the plugin to an existing one.

The plugin options are inferred from the notes already there (survey.py), each written with a
comment saying what was seen; the summary says how many notes pass before and after. A repository
without notes gets the folders and a home page. An existing mkdocs.yml is edited as text (a few
inserted lines or characters), so its comments, order and tags such as ``!ENV`` and
``!!python/name:`` survive; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

from ...authoring.ci_files import PRECOMMIT_PATH, WORKFLOW_PATH, check_requirement, write_ci_files
from ...authoring.install_source import DISTRIBUTION, UnknownSource, running_requirement
from ...authoring.metadata import repository_name
from ...authoring.options_yaml import render_options
from ...authoring.survey import Survey, read_notes, survey
from ...authoring.text_edits import yaml_scalar
from ...core.atomic import write_atomic
from ...core.config import ThoughtsSettings, load_settings
from ...corpus.loader import NoteLoader
from ...git.origin import origin_web_url
from ...git.runner import find_repo_root
from ...site.pages import SUMMARY_MARKER
from ..siteconfig import PLUGIN_NAME, ConfigError, load_site_config
from .common import DEFAULT_CONFIG, UsageError
from .init_report import measure, print_summary

NOTES_FOLDER = "thoughts"
NEW_FOLDERS = ("shared/research", "shared/plans", "shared/prs")
"""Where `thoughts new` writes each default type."""

STARTER = """\
site_name: {site_name}
{repo_url}docs_dir: {notes}
theme:
  name: material
  font: false   # system fonts: the site works offline
  features:
    - navigation.indexes
    - search.suggest
exclude_docs: |
  searchable/
plugins:
  - search
  - tags   # Material's tags plugin: tag chips on every note and the tags page
  - {plugin}{options}
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""
"""`searchable/` holds hard-link mirrors of the notes; publishing it would show each note twice."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write mkdocs.yml (Material, search, tags and the thoughts plugin, with "
        "options inferred from the notes already there, each commented with what was seen) "
        "when there is none, or add the plugin to an existing mkdocs.yml without touching the "
        "rest of it. Without a notes folder it creates one with a home page."
    )
    parser.add_argument(
        "--print",
        action="store_true",
        dest="print_only",
        help="print the configuration instead of writing anything (the summary goes to stderr)",
    )
    parser.add_argument(
        "--notes",
        metavar="DIR",
        help=f"the notes folder, relative to mkdocs.yml (default: {NOTES_FOLDER})",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing mkdocs.yml with a new one"
    )
    parser.add_argument(
        "--ci",
        action="store_true",
        help=f"also write {WORKFLOW_PATH} and {PRECOMMIT_PATH}, installing this copy of "
        f"{DISTRIBUTION} (from git at its commit, or its version from an index)",
    )
    parser.add_argument(
        "--requirement",
        metavar="REQ",
        help="with --ci: the pip requirement CI installs instead (e.g. mkdocs-thoughts==0.1.0)",
    )
    parser.add_argument(
        "--config", "-f", metavar="FILE", default=DEFAULT_CONFIG, help="default: mkdocs.yml"
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class _Notes:
    root: Path
    name: str
    """As written in mkdocs.yml (relative to its folder, forward slashes)."""
    survey: Survey | None
    """``None`` when the folder does not exist yet."""


def run(args: argparse.Namespace) -> int:
    # Known before anything is written, so a copy CI cannot install stops the command early.
    requirement = _ci_requirement(args) if args.ci else None
    report = sys.stderr if args.print_only else sys.stdout
    notes = _site(args, report)
    if requirement is not None:
        write_ci_files(Path(args.config).parent, requirement, notes, print_only=args.print_only)
    return 0


def _site(args: argparse.Namespace, report: TextIO) -> str:
    """Write (or print) mkdocs.yml; returns the notes folder as written in it."""
    config = Path(args.config)
    folder = config.parent
    if config.exists() and not args.force:
        text = config.read_bytes().decode("utf-8")  # not read_text: keep CRLF line ends
        docs_dir = _docs_dir(config)
        default = NOTES_FOLDER if (folder / NOTES_FOLDER).is_dir() else docs_dir
        notes = _notes(folder, args.notes or default)
        if notes.survey is not None and notes.root != (folder / docs_dir).resolve():
            # The plugin publishes notes outside docs_dir too, once it knows where they are.
            notes.survey.options = {"notes_root": notes.name, **notes.survey.options}
            notes.survey.comments["notes_root"] = f"the notes, outside docs_dir ({docs_dir})"
        options = _option_lines(notes.survey)
        new_text = add_plugin(text, options)
        if new_text == text:
            print(f"{config}: the {PLUGIN_NAME} plugin is already configured", file=report)
            if args.print_only and options:
                print("\n".join(["# what `thoughts init` infers from the notes:", *options]))
            return notes.name
        if args.print_only:
            sys.stdout.write(new_text)
            _summary(notes, folder, None, report)
        else:
            write_atomic(config, new_text)
            print(f"{config}: added the {PLUGIN_NAME} plugin", file=report)
            _summary(notes, folder, config, report)
        return notes.name
    notes = _notes(folder, args.notes or NOTES_FOLDER)
    text = starter(
        _site_name(folder),
        notes=notes.name,
        repo_url=origin_web_url(find_repo_root(folder.resolve()) or folder),
        options=_option_lines(notes.survey),
    )
    if args.print_only:
        sys.stdout.write(text)
        _summary(notes, folder, None, report)
        return notes.name
    if notes.survey is None:
        for path in NEW_FOLDERS:
            (notes.root / path).mkdir(parents=True, exist_ok=True)
        print(f"{notes.root}: created {', '.join(NEW_FOLDERS)}", file=report)
    home = _write_home(notes.root, _site_name(folder))
    if home is not None:
        print(f"{home}: wrote the home page", file=report)
    write_atomic(config, text)
    print(f"{config}: wrote a starting site (`mkdocs serve` to preview it)", file=report)
    _summary(notes, folder, config, report)
    return notes.name


def _ci_requirement(args: argparse.Namespace) -> str:
    try:
        return check_requirement(args.requirement or running_requirement())
    except (UnknownSource, ValueError) as error:
        raise UsageError(
            f"--ci: cannot tell how CI should install {DISTRIBUTION}: {error}; name it with "
            f"--requirement (a pip requirement, e.g. {DISTRIBUTION}==0.1.0 from your index)"
        ) from None


def _notes(folder: Path, name: str) -> _Notes:
    root = (folder / name).resolve()
    if not root.is_relative_to(folder.resolve()):
        raise UsageError(f"--notes {name}: the notes folder must be inside {folder.resolve()}")
    written = Path(os.path.relpath(root, folder.resolve())).as_posix()
    if not root.is_dir():
        return _Notes(root, written, None)
    repo_root = find_repo_root(folder.resolve()) or folder.resolve()
    paths = NoteLoader(ThoughtsSettings(), root, folder).discover()
    return _Notes(root, written, survey(read_notes(root, paths), repo_root))


def _docs_dir(config: Path) -> str:
    """docs_dir as MkDocs reads it (INHERIT, !ENV...), relative to mkdocs.yml."""
    try:
        site = load_site_config(config, need_docs_dir=False)
    except ConfigError:
        return "docs"  # MkDocs' default; add_plugin reports a file it cannot edit
    return Path(os.path.relpath(site.docs_dir, config.parent.resolve())).as_posix()


def _option_lines(found: Survey | None) -> list[str]:
    if found is None or not found.options:
        return []
    lines = render_options(
        found.options, found.comments, found.remarks, " " * 6, headline=found.headline
    )
    # Keys and values come from notes: write them only if they read back as inferred.
    if yaml.safe_load("\n".join(lines)) != found.options:
        raise UsageError("the inferred options do not read back as inferred; please report it")
    return lines


def _write_home(notes_root: Path, site_name: str) -> Path | None:
    """A home page for the team to write, unless the folder has one (index.md or README.md)."""
    if notes_root.is_dir() and any(
        child.name.lower() in ("index.md", "readme.md") for child in notes_root.iterdir()
    ):
        return None
    home = notes_root / "index.md"
    write_atomic(home, f"# {site_name}\n\n{SUMMARY_MARKER}\n")
    return home


def _summary(notes: _Notes, folder: Path, config: Path | None, out: TextIO) -> None:
    """``config``: the written mkdocs.yml, read back the way `mkdocs build` reads it; ``None``
    under --print, where the inferred options are validated by the same model instead."""
    found = notes.survey
    if found is None or found.notes == 0:
        return
    written = (
        load_site_config(config, need_docs_dir=False).settings
        if config is not None
        else load_settings(found.options)
    )
    before = measure(ThoughtsSettings(), notes.root, folder)
    after = measure(written, notes.root, folder)
    print_summary(found.notes, notes.name, before, after, out)


def starter(
    site_name: str,
    *,
    notes: str = NOTES_FOLDER,
    repo_url: str | None = None,
    options: list[str] | None = None,
) -> str:
    return STARTER.format(
        site_name=yaml_scalar(site_name),
        repo_url=f"repo_url: {yaml_scalar(repo_url)}   # from the origin remote\n"
        if repo_url
        else "",
        notes=yaml_scalar(notes),
        plugin=PLUGIN_NAME,
        options="".join(f":\n{chr(10).join(options)}" if options else ""),
    )


def add_plugin(text: str, options: list[str] | None = None) -> str:
    """``text`` with the plugin added to its ``plugins:``; unchanged when it is already there.
    ``options`` (lines indented by six spaces) go under it where ``plugins:`` is a block list or
    mapping; a flow collection gets the bare plugin."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # composing never constructs a tag
    except yaml.YAMLError as error:
        raise UsageError(f"mkdocs.yml is not valid YAML: {error}") from None
    options = options or []
    if root is None:
        return text + _plugins_block(text, ["search", PLUGIN_NAME], options)
    if not isinstance(root, yaml.MappingNode):
        raise UsageError("mkdocs.yml is not a mapping of settings")
    plugins = next(
        (value for key, value in root.value if getattr(key, "value", None) == "plugins"), None
    )
    if plugins is None or (isinstance(plugins, yaml.ScalarNode) and plugins.value == ""):
        # Without `plugins:`, MkDocs enables search by default; naming plugins would drop it.
        names = ["search", PLUGIN_NAME]
        if plugins is None:
            return text + _plugins_block(text, names, options)
        at = plugins.start_mark.index
        return _insert(
            text, at, plugins.end_mark.index, _block_list(names, _newline(text), options)
        )
    if _has_plugin(plugins):
        return text
    if isinstance(plugins, yaml.SequenceNode):
        return _add_to_sequence(text, plugins, options)
    if isinstance(plugins, yaml.MappingNode):
        return _add_to_mapping(text, plugins, options)
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


def _add_to_sequence(text: str, plugins: yaml.SequenceNode, options: list[str]) -> str:
    if plugins.flow_style or not plugins.value:
        # `plugins: [search]` or `plugins: []`: add inside the brackets.
        close = plugins.end_mark.index - 1
        separator = ", " if plugins.value else ""
        return _insert(text, close, close, f"{separator}{PLUGIN_NAME}")
    indent = " " * plugins.start_mark.column
    at = _after_line(text, _last_leaf(plugins.value[-1]).end_mark)
    newline = _newline(text)
    entry = f"{indent}- {PLUGIN_NAME}{_options_block(options, len(indent) + 4, newline)}"
    return _insert(text, at, at, f"{entry}{newline}")


def _add_to_mapping(text: str, plugins: yaml.MappingNode, options: list[str]) -> str:
    if plugins.flow_style or not plugins.value:
        close = plugins.end_mark.index - 1
        separator = ", " if plugins.value else ""
        return _insert(text, close, close, f"{separator}{PLUGIN_NAME}: {{}}")
    indent = " " * plugins.start_mark.column
    at = _after_line(text, _last_leaf(plugins.value[-1][1]).end_mark)
    newline = _newline(text)
    block = _options_block(options, len(indent) + 2, newline)
    entry = f"{indent}{PLUGIN_NAME}{block}" if block else f"{indent}{PLUGIN_NAME}: {{}}"
    return _insert(text, at, at, f"{entry}{newline}")


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


def _plugins_block(text: str, names: list[str], options: list[str]) -> str:
    newline = _newline(text)
    lead = newline if text and not text.endswith("\n") else ""
    return f"{lead}plugins:{_block_list(names, newline, options)}{newline}"


def _block_list(names: list[str], newline: str = "\n", options: list[str] | None = None) -> str:
    """`  - name` lines, each after a newline (the caller ends the last one); the options go
    under the last name."""
    lines = "".join(f"{newline}  - {name}" for name in names)
    return lines + _options_block(options or [], 6, newline)


def _options_block(options: list[str], column: int, newline: str) -> str:
    """``:`` and the option lines (rendered six spaces deep) re-indented to ``column``."""
    if not options:
        return ""
    indent = " " * column
    return ":" + "".join(f"{newline}{indent}{line.removeprefix(' ' * 6)}" for line in options)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _site_name(folder: Path) -> str:
    root = find_repo_root(folder.resolve()) or folder.resolve()
    return f"{repository_name('', str(root))} research notes"

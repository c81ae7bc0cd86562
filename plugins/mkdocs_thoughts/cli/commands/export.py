"""`thoughts export`: write the research site as a docs tree that builds without the plugin."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...corpus.loader import NoteLoader
from ...corpus.model import Corpus
from ...export.build import ExportInput, export_docs
from ...export.config import (
    EXPORT_DOCS,
    ExportConfigError,
    export_config,
    read_config,
    to_toml,
    to_yaml,
)
from ...export.markdown import GENERATED, markdown_indexes
from ...export.tree import ExportTargetError, write_files, write_tree
from ...site.note_links import link_edits
from ..siteconfig import ConfigError, SiteConfig
from . import check
from .common import UsageError, add_config_option, note_loader, site_config

FORMATS = ("mkdocs", "zensical", "markdown")
CONFIG_FILES = {"mkdocs": "mkdocs.yml", "zensical": "zensical.toml"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write OUT: the notes with their headers, every page the plugin generates, "
        "its stylesheet and script, and a config file, so that `zensical build`, `mkdocs build` "
        "or `properdocs build` in OUT builds the site with no plugin. OUT must be new, empty or "
        "an earlier export (which is replaced). --format markdown writes only INDEX.md tables "
        "into OUT, with links relative to the notes, for reading on GitHub."
    )
    parser.add_argument("out", metavar="OUT", help="the folder to write")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="mkdocs",
        help="mkdocs: mkdocs.yml (Zensical reads it too); zensical: zensical.toml; "
        "markdown: INDEX.md tables only (default: mkdocs)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check the notes first, as `thoughts check` does; on errors write nothing, exit 1",
    )
    parser.add_argument("--strict", action="store_true", help="with --check: warnings fail too")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = site_config(args, required=True)
    assert config is not None
    if args.check:
        status = check.run(
            argparse.Namespace(paths=[], format="text", strict=args.strict, config=args.config)
        )
        if status:
            print("thoughts: export: nothing written (the check failed)", file=sys.stderr)
            return status
    out = Path(args.out)
    loader = note_loader(config)
    corpus = loader.load()
    if not args.check:
        for notice in corpus.notices:
            print(f"thoughts: warning: {notice}", file=sys.stderr)
    if args.format == "markdown":
        return _markdown_indexes(corpus, loader, out)
    if out.absolute().resolve().is_relative_to(config.docs_dir):
        raise UsageError(f"{out}: inside the docs folder {config.docs_dir}; choose another")
    try:
        raw = read_config(config.config_file.read_text(encoding="utf-8"), str(config.config_file))
    except ExportConfigError as error:
        raise ConfigError(str(error)) from None
    site = export_docs(_export_input(args, config, loader, corpus, raw))
    settings = export_config(raw, site.nav)
    config_name = CONFIG_FILES[args.format]
    text = to_toml(settings) if args.format == "zensical" else to_yaml(settings)
    files = {f"{EXPORT_DOCS}/{path}": content for path, content in site.files.items()}
    files[config_name] = text.encode()
    files.update(_custom_dir_files(config))
    try:
        write_tree(out, files, kind=args.format)
    except ExportTargetError as error:
        raise UsageError(str(error)) from None
    print(
        f"exported {site.notes} note{'s' * (site.notes != 1)} and {site.pages} generated "
        f"page{'s' * (site.pages != 1)} to {out} ({config_name}, {len(files)} files)"
    )
    return 0


def _markdown_indexes(corpus: Corpus, loader: NoteLoader, out: Path) -> int:
    """``--format markdown``: index files beside the notes, for reading them on a forge."""
    indexes = markdown_indexes(corpus, loader.settings, out, commit_url=loader.git.commit_url)
    try:
        write_files(out, indexes, owned_prefix=GENERATED)
    except ExportTargetError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {len(indexes)} index file{'s' * (len(indexes) != 1)} to {out}")
    return 0


def _export_input(
    args: argparse.Namespace,
    config: SiteConfig,
    loader: NoteLoader,
    corpus: Corpus,
    raw: Mapping[str, Any],
) -> ExportInput:
    # The corpus found the runs and linked them to the notes, as for the check and the site.
    assert corpus.run_links is not None
    return ExportInput(
        corpus=corpus,
        settings=loader.settings,
        git=loader.git,
        runs=corpus.runs,
        run_links=corpus.run_links,
        docs_dir=config.docs_dir,
        repo_root=loader.repo_root,
        directory_urls=raw.get("use_directory_urls", True) is not False,
        source_relative=args.format == "zensical",
        link_edits=link_edits(
            corpus.body_relations,
            loader.notes_prefix,
            lambda path, note: loader.git.file_url(path, note.meta.git_commit),
        ),
        not_page=loader.is_template,
        template_dirs=config.theme_dirs,
    )


def _custom_dir_files(config: SiteConfig) -> dict[str, bytes]:
    """The theme's ``custom_dir``, at the same place beside the exported config, which names it
    as written: without it the export would not build. Only a folder inside the site's own folder
    (one elsewhere is found at its absolute path); hidden files and links are left out."""
    folder, base = config.custom_dir, config.config_file.parent
    if folder is None or not folder.is_dir() or not folder.is_relative_to(base):
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            files[path.relative_to(base).as_posix()] = path.read_bytes()
    return files

"""What several subcommands share: finding mkdocs.yml and loading the notes it describes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...core.config import ThoughtsSettings
from ...corpus.loader import NoteLoader
from ...git.forges import ForgeError, site_forge
from ..siteconfig import ConfigError, SiteConfig, load_site_config

DEFAULT_CONFIG = "mkdocs.yml"


class UsageError(Exception):
    """The command line asks for something impossible; exits 2."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        "-f",
        metavar="FILE",
        help="the site's mkdocs.yml (default: ./mkdocs.yml when it exists)",
    )


def site_config(
    args: argparse.Namespace, *, required: bool, need_docs_dir: bool = True
) -> SiteConfig | None:
    """The configured site, or ``None`` when there is none and the command can do without."""
    if args.config:
        return _loaded(Path(args.config), need_docs_dir)
    default = Path(DEFAULT_CONFIG)
    if default.is_file():
        return _loaded(default, need_docs_dir)
    if required:
        raise UsageError(
            f"no {DEFAULT_CONFIG} here; pass --config FILE or run in the site's folder"
        )
    return None


def _loaded(config_file: Path, need_docs_dir: bool) -> SiteConfig:
    config = load_site_config(config_file, need_docs_dir=need_docs_dir)
    for warning in config.warnings:  # what `mkdocs build` would warn about too
        print(f"thoughts: warning: {config_file}: {warning}", file=sys.stderr)
    return config


def note_loader(config: SiteConfig | None) -> NoteLoader:
    if config is None:
        return NoteLoader(ThoughtsSettings(), Path.cwd(), Path.cwd())
    try:
        forge = site_forge(config.repo_url, config.settings)
    except ForgeError as error:  # the build stops on it too
        raise ConfigError(f"{config.config_file}: plugins.thoughts: {error}") from None
    return NoteLoader(config.settings, config.notes_root, config.config_file.parent, forge=forge)


def existing_paths(given: list[str]) -> list[Path]:
    """The PATH arguments as paths; a usage error names every one that does not exist."""
    paths = [Path(path) for path in given]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths

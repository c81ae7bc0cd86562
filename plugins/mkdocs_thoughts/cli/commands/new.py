"""`thoughts new`: write a new note from the type's template, filled with metadata from git."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ...authoring.inference import canonical_status
from ...authoring.metadata import FIELDS, gather
from ...authoring.new_note import (
    SINGULAR_ALIASES,
    AuthoringError,
    NoteRequest,
    parse_tags,
    resolve_type,
    write_note,
)
from ...core.diagnostics import format_text
from ...git.runner import find_repo_root
from ..siteconfig import SiteConfig
from .common import UsageError, add_config_option, note_loader, site_config

DEFAULT_STATUS = "in_progress"
SINGULAR = {folder: word for word, folder in SINGULAR_ALIASES.items()}
"""The default tag of a type: `plan` for plans."""
TEMPLATES_FOLDER = "templates"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write <notes_root>/shared/<folder>/YYYY-MM-DD_HH-MM-SS_<slug>.md from "
        "templates/<type>.md, with the date, researcher, commit, branch and repository filled "
        "in, and print its path. Never overwrites a file."
    )
    parser.add_argument("type", metavar="TYPE", help="research, plan, pr or a configured type")
    parser.add_argument("topic", metavar="TOPIC", help="the note's topic (its title)")
    parser.add_argument("--tags", metavar="A,B", help="comma-separated tags (default: the type)")
    parser.add_argument(
        "--related",
        metavar="PATH",
        action="append",
        default=[],
        help="a note this one builds on (repeatable); plans record it as related_research",
    )
    parser.add_argument("--status", metavar="STATUS", help="initial status (default: in_progress)")
    parser.add_argument(
        "--supersedes",
        metavar="PATH",
        help="a note this one replaces; it gets `superseded_by:` pointing here",
    )
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = site_config(args, required=True, need_docs_dir=False)
    assert config is not None
    settings = config.settings
    project_dir = config.config_file.parent
    repo_root = find_repo_root(project_dir) or project_dir
    try:
        type_name = resolve_type(args.type, settings)
    except AuthoringError as error:
        raise UsageError(str(error)) from None
    topic = " ".join(args.topic.split())
    if not topic:
        raise UsageError("the topic is empty")
    related = [_existing(path, "--related", project_dir, repo_root) for path in args.related]
    if "related_research" in settings.types[type_name].required and not related:
        raise UsageError(
            f"{type_name} notes need related_research: pass --related PATH "
            "(the research note this builds on)"
        )
    supersedes = None
    if args.supersedes:
        supersedes = _existing(args.supersedes, "--supersedes", project_dir, repo_root)
    request = NoteRequest(
        type_name=type_name,
        topic=topic,
        tags=parse_tags(args.tags, [SINGULAR.get(type_name, type_name)]),
        status=_status(args.status, settings.all_statuses, config),
        related=related,
        supersedes=supersedes,
    )
    metadata = gather(cwd=project_dir)
    missing = [label for key, label in FIELDS if not getattr(metadata, key)]
    if missing:
        print(
            f"thoughts: warning: unknown {', '.join(missing)} (not in a git repository, or no "
            "commit yet); the note will fail `thoughts check` until they are filled in",
            file=sys.stderr,
        )
    try:
        written = write_note(
            request,
            metadata,
            settings,
            config.notes_root,
            repo_root,
            project_dir / TEMPLATES_FOLDER,
            args.type,
        )
    except AuthoringError as error:
        raise UsageError(str(error)) from None
    if written.template is None:
        print(
            f"thoughts: note: no {TEMPLATES_FOLDER}/{args.type}.md; used the built-in template",
            file=sys.stderr,
        )
    print(_shown(written.path))
    if written.superseded is not None and written.superseded_changed:
        print(f"thoughts: marked {_shown(written.superseded)} as superseded", file=sys.stderr)
    _report_problems(config, written.path)
    return 0


def _existing(text: str, option: str, project_dir: Path, repo_root: Path) -> Path:
    """The file a path names, from here, the repository root or the site's folder."""
    given = Path(text)
    for base in (Path.cwd(), repo_root, project_dir):
        candidate = given if given.is_absolute() else base / given
        if candidate.is_file():
            resolved = candidate.resolve()
            if not resolved.is_relative_to(repo_root.resolve()):
                # A note's relations name notes of this repository, never files elsewhere.
                raise UsageError(f"{option} {text}: outside the repository {repo_root}")
            if resolved.suffix != ".md":
                raise UsageError(f"{option} {text}: not a note (a .md file)")
            return resolved
    raise UsageError(f"{option} {text}: no such file")


def _status(asked: str | None, allowed: list[str], config: SiteConfig) -> str:
    if asked is None:
        return DEFAULT_STATUS if DEFAULT_STATUS in allowed else allowed[0]
    status = canonical_status(asked, config.settings)
    if status is None:
        raise UsageError(f"--status {asked!r} is not one of {', '.join(allowed)}")
    return status


def _report_problems(config: SiteConfig, path: Path) -> None:
    """Check the new note the way `thoughts check` would, so a broken template shows at once."""
    # The whole site is loaded: the new note's relations resolve against every note.
    corpus = note_loader(config).load(code_drift=False)
    note = next((note for note in corpus.notes if note.path == path.resolve()), None)
    diagnostics = [item for item in note.diagnostics if item.is_error] if note else []
    if diagnostics:
        print("thoughts: warning: the new note has problems:", file=sys.stderr)
        print(format_text(diagnostics), file=sys.stderr)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)

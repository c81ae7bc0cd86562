"""`thoughts fix`: propose (or, with --write, make) the frontmatter edits that can be inferred."""

from __future__ import annotations

import argparse
import sys

from ...authoring.fixer import fix_notes, summary
from ...core.atomic import SymlinkRefused, write_atomic
from ...core.diagnostics import format_text, printable
from ...git.runner import git_available
from .common import add_config_option, existing_paths, note_loader, site_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "For notes that fail `thoughts check`, infer what their frontmatter was "
        "meant to say (from the file name, the first heading, **Date**:-style lines, git) and "
        "print the edits as a unified diff; exit 1 when there are any. With --write, make them "
        "in place. Values nothing can tell are not invented: the check keeps reporting them, "
        "and fix lists what still fails. Templates and folder pages are never edited."
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="notes or folders to fix")
    parser.add_argument("--write", action="store_true", help="edit the files in place")
    parser.add_argument(
        "--normalize",
        action="store_true",
        help="also write accepted spellings canonically (field_aliases keys, status_aliases "
        "values) in every note, passing ones included; without it they are left as written",
    )
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = site_config(args, required=not args.paths)
    loader = note_loader(config)
    paths = existing_paths(args.paths)
    # Load the whole site first: relations then resolve against every note even when PATHs
    # pick a few, so a note is judged the way a full `thoughts check` judges it.
    corpus = loader.load(code_drift=False)
    if paths:
        corpus = loader.load(paths, code_drift=False)
        for notice in corpus.skipped:
            print(f"thoughts: {notice}", file=sys.stderr)
    for refused in corpus.refused:  # symlinks out of the repository or to nothing: never read
        print(f"thoughts: {printable(refused.path)}: skipped: {refused.message}", file=sys.stderr)
    git = loader.git if loader.is_git and git_available() else None
    fixes = fix_notes(
        corpus.notes, loader.settings, loader.repo_root, git=git, normalize=args.normalize
    )
    changed, unfixed, still = summary(fixes)
    not_applied = 0
    for fix in fixes:
        if fix.ignored:
            print(f"thoughts: {fix.rel_path}: skipped: {fix.ignored}", file=sys.stderr)
            continue
        for dropped in fix.dropped:
            print(f"thoughts: {fix.rel_path}: left alone: {dropped}", file=sys.stderr)
        if fix.changed:
            if args.write:
                try:
                    write_atomic(fix.path, fix.new)
                except SymlinkRefused:
                    print(
                        f"thoughts: {printable(fix.rel_path)}: fix not applied: the note is a "
                        "symlink; fix the file it points to",
                        file=sys.stderr,
                    )
                    not_applied += 1
                    still -= bool(fix.remaining)
                    continue
                print(f"fixed {printable(fix.rel_path)}: {'; '.join(fix.changes)}")
            else:
                sys.stdout.write(fix.diff())
        if fix.changed and fix.remaining:
            print(f"thoughts: {fix.rel_path}: still fails after the fix:", file=sys.stderr)
            print(format_text(fix.remaining), file=sys.stderr)
    verb = "fixed" if args.write else "can be fixed"
    changed -= not_applied
    print(
        f"{changed} note{'s' * (changed != 1)} {verb}"
        + (f" ({still} still failing: see above)" if still else "")
        + (f"; {not_applied} not applied (symlinks)" if not_applied else "")
        + f"; {unfixed} failing note{'s' * (unfixed != 1)} with nothing to infer"
        + ("" if args.write or not changed else " (run with --write to apply)"),
        file=sys.stderr,
    )
    return 1 if changed and not args.write else 0

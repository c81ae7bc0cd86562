"""How many failing notes `thoughts fix --write` repairs in the real corpora (../shared/corpora).

For each corpus: copy its thoughts/ to a temporary folder, count the notes that fail `thoughts
check` (errors, not warnings), run `thoughts fix --write`, count again. Once with the default
configuration and once with the configuration that team would plausibly write (TEAM_OPTIONS).
It also confirms that no body changed and that a second `fix` finds nothing to do.

The copies are not git repositories (the corpora hold only the notes), so nothing is inferred from
git history here; in the teams' own repositories `fix` also gets commits, authors and dates.

    .venv/bin/python hack/fix_corpora.py [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs_thoughts.cli import main as thoughts
from mkdocs_thoughts.commands.common import note_loader
from mkdocs_thoughts.frontmatter import split_frontmatter
from mkdocs_thoughts.siteconfig import load_site_config

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT.parent / "shared" / "corpora"

MKDOCS = "site_name: corpus\ndocs_dir: thoughts\nplugins:\n  - search\n  - thoughts{options}\n"

_ALIASES = (
    "      field_aliases: {commit: git_commit, git_sha: git_commit, author: researcher,"
    " git_branch: branch, updated: last_updated}\n"
)

TEAM_OPTIONS: dict[str, str] = {
    # HumanLayer-style workflow: research notes carry frontmatter, plans (from /create_plan) never
    # did, so a plan needs only its title; a third of the research notes lack the git fields.
    # Their review verdicts and drafts are statuses of their own.
    "lightfastai__lightfast": (
        "      types:\n"
        "        research: {folders: [research], required: [date, topic, tags, status]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        specs: {folders: [specs], required: [topic]}\n"
        "      extra_statuses: [draft, pending, approved, revised]\n"
        "      unknown_keys: ignore\n"
        # A third of their dates are days without a time.
        "      date_precision: day\n"
    ),
    # Plans without frontmatter; handoffs are a note type of their own with most fields filled
    # (git fields missing in a tenth); `in-progress` and `needs-research` are their spellings.
    "robertlupo1997__ferroml": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        handoffs: {folders: [handoffs], required: [date, researcher, topic, tags,"
        " status]}\n"
        "      extra_statuses: [needs_research]\n" + _ALIASES
    ),
    # The seed's own workflow; plans written by /create_plan have no frontmatter.
    "nikeyes__stepwise-dev": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
    ),
}


@dataclass(frozen=True, slots=True)
class Result:
    corpus: str
    config: str
    notes: int
    failing_before: int
    failing_after: int
    bodies_identical: bool
    idempotent: bool

    @property
    def repaired(self) -> int:
        return self.failing_before - self.failing_after


def site_options(corpus: str, config: str) -> str:
    if config == "default":
        return ""
    return ":\n" + TEAM_OPTIONS.get(corpus, "")


def failing(config_file: Path) -> tuple[int, int]:
    site = load_site_config(config_file)
    corpus = note_loader(site).load()
    return len(corpus.notes), sum(note.has_errors for note in corpus.notes)


def bodies(folder: Path) -> dict[Path, str]:
    return {
        path.relative_to(folder): split_frontmatter(path.read_bytes().decode("utf-8")).body
        for path in sorted(folder.rglob("*.md"))
    }


def measure(source: Path, config: str, work: Path) -> Result:
    """Copy ``source`` (a corpus folder) under ``work``, fix it, and count."""
    site = work / f"{source.name}-{config}"
    shutil.copytree(source / "thoughts", site / "thoughts")
    for path in site.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)  # the shared corpora are read-only
    config_file = site / "mkdocs.yml"
    config_file.write_text(MKDOCS.format(options=site_options(source.name, config)))
    before_bodies = bodies(site / "thoughts")
    notes, before = failing(config_file)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        thoughts(["fix", "--write", "--config", str(config_file)])
        second = thoughts(["fix", "--config", str(config_file)])
    _, after = failing(config_file)
    return Result(
        source.name,
        config,
        notes,
        before,
        after,
        bodies(site / "thoughts") == before_bodies,
        second == 0,
    )


def measure_all(corpora: Path = CORPORA) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="fix-corpora-") as temporary:
        for source in sorted(path for path in corpora.iterdir() if (path / "thoughts").is_dir()):
            for config in ("default", "team"):
                results.append(measure(source, config, Path(temporary)))
    return results


def table(results: list[Result]) -> str:
    header = (
        "| corpus | config | notes | failing before | failing after | repaired | "
        "bodies identical | 2nd run no-op |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---|---|"]
    for item in results:
        share = f"{item.repaired / item.failing_before:.0%}" if item.failing_before else "-"
        lines.append(
            f"| {item.corpus} | {item.config} | {item.notes} | {item.failing_before} | "
            f"{item.failing_after} | {item.repaired} ({share}) | "
            f"{'yes' if item.bodies_identical else 'NO'} | {'yes' if item.idempotent else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"{CORPORA} is absent", file=sys.stderr)
        return 2
    print(table(measure_all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

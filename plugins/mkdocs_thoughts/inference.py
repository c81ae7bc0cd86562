"""What a note's frontmatter was meant to say, from what is known about it elsewhere.

Sources, best first: bold metadata lines at the top of the body (``**Date**: ...``), the first
heading, the date and time in the file name, and git (the commit and author that added the file,
from one ``git log`` for every note). Nothing here invents a value: a field no source knows is left
out, and the check keeps reporting it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .git import resolve_shas
from .metadata import repository_name
from .notes import first_heading
from .schema import ThoughtsSettings, parse_timestamp

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
_LEADING_SHA = re.compile(r"`?([0-9a-fA-F]{7,40})`?(?![0-9A-Za-z])\s*(.*)", re.DOTALL)
_BOLD = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?\*\*(?P<label>[A-Za-z][A-Za-z _-]{0,30}?)[ \t]*"
    r"(?::[ \t]*\*\*|\*\*[ \t]*:)[ \t]*(?P<value>.*?)[ \t\\]*$"
)
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)")
_SECTION = re.compile(r"^##[ \t]")
_FILE_NAME_TIME = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})[_T ](?P<hour>\d{2})[-:](?P<minute>\d{2})(?:[-:](?P<second>\d{2}))?"
    r"(?=[_\-. ])"
)
_ZONE_WORD = re.compile(r"(?P<stamp>.+?\d)\s*(?P<zone>[A-Z]{3,4})\Z")

BOLD_LABELS: dict[str, str] = {
    "date": "date",
    "git commit": "git_commit",
    "commit": "git_commit",
    "researcher": "researcher",
    "author": "researcher",
    "branch": "branch",
    "repository": "repository",
    "status": "status",
    "topic": "topic",
    "last updated": "last_updated",
}
"""Bold labels (lower case) and the field each fills."""

ZONES: dict[str, str] = {
    "UTC": "+00:00",
    "GMT": "+00:00",
    "EST": "-05:00",
    "EDT": "-04:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "CET": "+01:00",
    "CEST": "+02:00",
}
"""Zone abbreviations with one meaning; CST (US, China, Cuba) and IST (India, Ireland) have none."""

_BOLD_SCAN_LINES = 60


@dataclass(frozen=True, slots=True)
class Added:
    """The commit that added a file."""

    sha: str
    short: str
    author: str
    date: str
    """The author date, ISO 8601 with the author's UTC offset."""


@dataclass(slots=True)
class GitFacts:
    """What git knows about every note of a run, gathered in a few batched processes."""

    repository: str | None = None
    added: dict[str, Added] = field(default_factory=dict)
    """By path relative to the repository root, with forward slashes."""
    known_shas: dict[str, bool] = field(default_factory=dict)
    shallow: bool = False

    @classmethod
    def collect(cls, repo_root: Path, under: Iterable[Path]) -> GitFacts:
        """One ``git log`` over the given folders; an empty result when git fails."""
        state = _git(repo_root, "rev-parse", "--is-shallow-repository", "--show-toplevel")
        if state is None:
            return cls()
        shallow_text, _, toplevel = state.partition("\n")
        origin = _git(repo_root, "config", "--get", "remote.origin.url") or ""
        facts = cls(repository=repository_name(origin, toplevel.strip()))
        if shallow_text.strip() == "true":
            # In a shallow clone every file looks added by the oldest fetched commit.
            facts.shallow = True
            return facts
        paths = sorted({_relative(folder, repo_root) for folder in under})
        output = _git(
            repo_root,
            "-c",
            "core.quotePath=false",
            "log",
            "--no-renames",
            "--diff-filter=A",
            "--name-only",
            "--format=%x1e%H%x1f%h%x1f%an%x1f%aI",
            "--",
            *(paths or ["."]),
        )
        for record in (output or "").split("\x1e"):
            header, _, names = record.partition("\n")
            parts = header.split("\x1f")
            if len(parts) != 4:
                continue
            added = Added(*parts)
            for name in names.splitlines():
                # The log is newest first: the latest addition is the file as it is now.
                if name.strip():
                    facts.added.setdefault(name.strip(), added)
        return facts

    def verify(self, repo_root: Path, shas: Iterable[str]) -> None:
        """Learn which SHAs name commits here, in one ``git cat-file`` for all of them."""
        wanted = sorted({sha for sha in shas if sha not in self.known_shas})
        if not wanted:
            return
        try:
            resolved = resolve_shas(repo_root, wanted)
        except (OSError, subprocess.CalledProcessError):
            return
        for sha, answer in resolved.items():
            self.known_shas[sha] = answer.full is not None

    def is_known(self, sha: str) -> bool:
        """Unknown until verified counts as known: without git, commits are not checked."""
        return self.known_shas.get(sha, True)


@dataclass(slots=True)
class Inferred:
    """Candidate values per field, best first, before validation."""

    candidates: dict[str, list[str]] = field(default_factory=dict)

    def offer(self, name: str, value: str | None) -> None:
        if value:
            self.candidates.setdefault(name, []).append(value)

    def shas(self) -> list[str]:
        return [value for value in self.candidates.get("git_commit", []) if _SHA.fullmatch(value)]


def infer(
    name: str,
    rel_path: str,
    body: str,
    settings: ThoughtsSettings,
    git: GitFacts | None,
) -> Inferred:
    """Everything that can be said about one note's fields."""
    inferred = Inferred()
    bold = bold_fields(body)
    added = git.added.get(rel_path) if git else None
    inferred.offer("topic", first_heading(body))
    inferred.offer("topic", bold.get("topic"))
    inferred.offer("date", normalise_timestamp(bold.get("date", "")))
    inferred.offer("date", date_from_name_and_git(name, added))
    inferred.offer("researcher", bold.get("researcher"))
    inferred.offer("researcher", added.author if added else None)
    inferred.offer("git_commit", sha_and_prose(bold.get("git_commit", ""))[0])
    inferred.offer("git_commit", added.short if added else None)
    inferred.offer("branch", bold.get("branch"))
    inferred.offer("repository", bold.get("repository"))
    inferred.offer("repository", git.repository if git else None)
    inferred.offer("status", canonical_status(bold.get("status", ""), settings))
    inferred.offer("last_updated", normalise_timestamp(bold.get("last_updated", "")))
    return inferred


def bold_fields(body: str) -> dict[str, str]:
    """``**Label**: value`` lines at the top of the body (before the second section heading,
    outside code), by field; the first line for a field wins."""
    found: dict[str, str] = {}
    in_fence = False
    sections = 0
    for line in body.splitlines()[:_BOLD_SCAN_LINES]:
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if _SECTION.match(line):
            sections += 1
            if sections > 1:
                break
            continue
        match = _BOLD.match(line)
        if not match:
            continue
        label = " ".join(match["label"].replace("_", " ").replace("-", " ").lower().split())
        name = BOLD_LABELS.get(label)
        value = match["value"].strip().strip("`").strip()
        if name and value and name not in found:
            found[name] = value
    return found


def sha_and_prose(text: str) -> tuple[str | None, str]:
    """``3d801c3 (uncommitted changes)`` -> ("3d801c3", "(uncommitted changes)")."""
    match = _LEADING_SHA.fullmatch(text.strip())
    if not match:
        return None, ""
    return match[1].lower(), " ".join(match[2].split())


def normalise_timestamp(text: str) -> str | None:
    """An ISO 8601 text for a date written in a form the schema reads, or with a zone word.

    ``2025-12-28 10:45:00 PST`` -> ``2025-12-28T10:45:00-08:00``; ``+0100`` offsets stay (they
    parse). Returns ``None`` for anything else (prose dates are not guessed at).
    """
    text = text.strip().strip("`").strip()
    if not text:
        return None
    try:
        parse_timestamp(text)
    except ValueError:
        pass
    else:
        return text
    zoned = _ZONE_WORD.fullmatch(text)
    if zoned and zoned["zone"] in ZONES:
        try:
            moment = dt.datetime.fromisoformat(zoned["stamp"].strip())
        except ValueError:
            return None
        if moment.tzinfo is None:
            return moment.isoformat(timespec="seconds") + ZONES[zoned["zone"]]
    return None


def date_from_name_and_git(name: str, added: Added | None) -> str | None:
    """The file name's day (and time, if it has one) in the time zone of the commit that added
    it, when that commit was made the same day; else the file name's day alone."""
    with_time = _FILE_NAME_TIME.match(name)
    day_match = re.match(r"\d{4}-\d{2}-\d{2}", name)
    day = with_time["day"] if with_time else (day_match[0] if day_match else None)
    if day is None:
        return added.date if added else None
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return added.date if added else None
    if added is None or not added.date.startswith(day):
        return day
    if with_time is None:
        return added.date
    offset = added.date[19:]
    second = with_time["second"] or "00"
    return f"{day}T{with_time['hour']}:{with_time['minute']}:{second}{offset}"


def canonical_status(text: str, settings: ThoughtsSettings) -> str | None:
    """The configured status ``text`` names (itself, an alias, or another case or separator)."""
    text = text.strip().strip("`*_").strip()
    if not text:
        return None
    allowed = settings.all_statuses
    if text in allowed:
        return text
    aliases = {alias.lower(): target for alias, target in settings.status_aliases.items()}
    lowered = text.lower()
    if lowered in aliases:
        return aliases[lowered]
    folded = {status.lower(): status for status in allowed}
    return folded.get(lowered) or folded.get(re.sub(r"[\s-]+", "_", lowered))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _git(repo_root: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=repo_root, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return completed.stdout if completed.returncode == 0 else None

"""What a note's frontmatter was meant to say, from what is known about it elsewhere.

Sources, best first: bold metadata lines at the top of the body (``**Date**: ...``), the first
heading, the date and time in the file name, and git (the commit and author that added the file,
from one ``git log`` for every note). Nothing here invents a value: a field no source knows is left
out, and the check keeps reporting it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.commit_value import is_plain_sha, read_commit
from ..core.config import ThoughtsSettings
from ..core.notes import first_heading
from ..core.timestamps import parse_timestamp
from ..git.facts import CommitInfo
from ..git.info import GitInfo
from .metadata import identity

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
_COMPACT_TIME = re.compile(
    r"(?<![0-9])(?P<year>\d{4})(?P<month>\d{2})(?P<date>\d{2})[-_T]"
    r"(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?(?![0-9])"
)
"""``how-vector-search-works-20251221-161532.md``: a day and time anywhere in the name."""
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
UNDATED = "the date of the commit that added it (nothing else dates the note)"
"""Why a date is the adding commit's own: its ``git_commit`` is then that commit too."""


@dataclass(frozen=True, slots=True)
class Added:
    """The commit that added a file."""

    sha: str
    short: str
    author: str
    date: str
    """The author date, ISO 8601 with the author's UTC offset."""
    committed: dt.datetime


@dataclass(slots=True)
class GitFacts:
    """What git knows about the notes of one run, read from the build's one pass over the
    history (:class:`GitInfo`): no git process per note."""

    info: GitInfo
    repository: str | None = None

    @classmethod
    def collect(cls, info: GitInfo, repo_root: Path) -> GitFacts | None:
        """``None`` when git has nothing to say (no repository, git failed)."""
        info.refresh()
        if not info.available:
            return None
        return cls(info, identity(repo_root).repository or None)

    def added(self, rel_path: str) -> Added | None:
        """The commit that added the file (through renames) on HEAD's branch."""
        if self.info.shallow:
            return None  # in a shallow clone every file looks added by the oldest commit
        created = self.info.file_history(rel_path).created
        if created is None:
            return None
        return Added(
            created.sha,
            created.short_sha,
            created.author_name,
            created.authored.isoformat(),
            created.committed,
        )

    def verify(self, shas: Iterable[str]) -> None:
        """Look up every SHA at once (one ``git cat-file`` for those the history lacks)."""
        self.info.resolve_many(shas)

    def is_known(self, sha: str) -> bool:
        return self.info.resolve(sha) is not None

    def commit_at(self, moment: dt.datetime) -> CommitInfo | None:
        return self.info.commit_at(moment)

    @property
    def branch(self) -> str:
        """HEAD's branch, named in the change log ("HEAD" when detached)."""
        ref = self.info.head_ref
        return ref.removeprefix("refs/heads/") if ref else "HEAD"


@dataclass(slots=True)
class Inferred:
    """Candidate values per field, best first, each with the rule that gave it."""

    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    added: Added | None = None

    def offer(self, name: str, value: str | None, why: str) -> None:
        if value:
            self.candidates.setdefault(name, []).append((value, why))

    def shas(self) -> list[str]:
        return [value for value, _ in self.candidates.get("git_commit", []) if is_plain_sha(value)]


def infer(
    name: str,
    rel_path: str,
    body: str,
    settings: ThoughtsSettings,
    git: GitFacts | None,
) -> Inferred:
    """Everything that can be said about one note's fields (``git_commit`` from the note's date
    is left to the caller, who knows which date the note ends up with)."""
    inferred = Inferred()
    bold = bold_fields(body)
    added = inferred.added = git.added(rel_path) if git else None
    inferred.offer("topic", first_heading(body), "the first heading")
    inferred.offer("topic", bold.get("topic"), "the **Topic**: line")
    for value, why in date_candidates(name, bold.get("date", ""), added):
        inferred.offer("date", value, why)
    inferred.offer("researcher", bold.get("researcher"), "the **Researcher**: line")
    inferred.offer(
        "researcher", added.author if added else None, "the author of the commit that added it"
    )
    inferred.offer(
        "git_commit", read_commit(bold.get("git_commit", "")).sha, "the **Git Commit**: line"
    )
    inferred.offer("branch", bold.get("branch"), "the **Branch**: line")
    inferred.offer("repository", bold.get("repository"), "the **Repository**: line")
    inferred.offer("repository", git.repository if git else None, "the repository's name")
    inferred.offer(
        "status", canonical_status(bold.get("status", ""), settings), "the **Status**: line"
    )
    inferred.offer(
        "last_updated",
        normalise_timestamp(bold.get("last_updated", "")),
        "the **Last Updated**: line",
    )
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


def date_candidates(name: str, bold_date: str, added: Added | None) -> list[tuple[str, str]]:
    """The note's date, best first: a ``**Date**:`` line with its zone; the file name's day and
    time in the UTC offset of the commit that added the file (or the ``**Date**:`` line's time
    when the name has none); the day alone; the adding commit's own date only when nothing else
    dates the note."""
    found: list[tuple[str, str]] = []
    offset = added.date[19:] if added else None
    bold_text = normalise_timestamp(bold_date)
    bold_value = _parsed(bold_text)
    if isinstance(bold_value, dt.datetime) and bold_value.tzinfo is not None:
        found.append((bold_text or "", "the **Date**: line"))
    with_time = _FILE_NAME_TIME.match(name)
    day_match = re.match(r"\d{4}-\d{2}-\d{2}", name)
    day = with_time["day"] if with_time else (day_match[0] if day_match else None)
    compact = _COMPACT_TIME.search(name) if day is None else None
    if compact is not None:
        day = f"{compact['year']}-{compact['month']}-{compact['date']}"
        with_time = compact
    if day is not None and _parsed(day) is None:
        day = None
    if with_time is not None and day is not None and offset:
        second = with_time["second"] or "00"
        stamp = f"{day}T{with_time['hour']}:{with_time['minute']}:{second}{offset}"
        found.append((stamp, "the file name's time, in the UTC offset of the commit that added it"))
    naive = isinstance(bold_value, dt.datetime) and bold_value.tzinfo is None
    if with_time is None and naive and offset:
        assert isinstance(bold_value, dt.datetime)
        stamp = bold_value.isoformat(timespec="seconds") + offset
        found.append(
            (stamp, "the **Date**: line's time, in the UTC offset of the commit that added it")
        )
    bold_day = bold_value.isoformat() if type(bold_value) is dt.date else None
    for candidate, why in ((day, "the file name's day"), (bold_day, "the **Date**: line's day")):
        if candidate is not None:
            found.append((candidate, why))
    if added is not None and day is not None and added.date.startswith(day):
        found.append((added.date, "the time of the commit that added it, the same day"))
    if added is not None and day is None and bold_value is None:
        found.append((added.date, UNDATED))
    return found


def _parsed(text: str | None) -> dt.datetime | dt.date | None:
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        return None


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

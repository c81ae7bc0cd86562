"""What git says about a note, as plain values: its commit, where that commit is, the note
file's history, and everything together (:class:`NoteGitFacts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import TYPE_CHECKING

from .code_refs import CodeRef, Drift, RefCandidate
from .readers import CommitObject

if TYPE_CHECKING:
    from ..core.notes import Note


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: datetime
    """The author date, in the author's own UTC offset."""
    committed: datetime
    subject: str

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


class Where(StrEnum):
    HEAD = "head"
    """In HEAD's history: the default branch as checked out."""
    OTHER_REF = "other_ref"
    """Only reachable from another ref, e.g. a squash-merged pull request's branch."""
    UNREACHABLE = "unreachable"
    """In the object database, but no ref reaches it (lost at the next ``git gc``)."""
    MISSING = "missing"
    AMBIGUOUS = "ambiguous"
    NO_GIT = "no_git"


@dataclass(frozen=True, slots=True)
class Placement:
    written: str
    """The SHA as the note wrote it."""
    where: Where
    sha: str | None = None
    ref: str | None = None
    """The full ref name: HEAD's branch for ``HEAD`` (``None`` when detached), the ref holding the
    commit for ``OTHER_REF``."""
    shallow: bool = False

    @property
    def ref_name(self) -> str | None:
        """``main``, ``origin/feature``, ``pull/1/head``, ``v1.0``."""
        return short_ref(self.ref) if self.ref else None

    def problem(self, field: str = "git_commit") -> tuple[str, str] | None:
        """(message, hint) for a diagnostic, or ``None`` when the commit is in HEAD's history;
        ``field`` names where the SHA is written (a stamp's commit: "last_updated's commit")."""
        shown = self.written
        if self.where is Where.OTHER_REF:
            return (
                f"{field} {shown} is not in HEAD's history; only {self.ref_name} has it",
                "a squash or rebase merge leaves the branch's commits behind: point it "
                "at the commit on the default branch that carries the change",
            )
        if self.where is Where.UNREACHABLE:
            return (
                f"{field} {shown} exists here but no branch or tag contains it",
                "push the branch that has it, or point it at a commit on a branch",
            )
        if self.where is Where.AMBIGUOUS:
            return (f"{field} {shown} is ambiguous", "write more characters of the SHA")
        if self.where is Where.MISSING:
            hint = "fetch all refs (`git fetch --all`), or correct the SHA"
            if self.shallow:
                hint = "this is a shallow clone: `git fetch --unshallow`, or fetch-depth: 0 in CI"
            return (f"{field} {shown} is not a commit of this repository", hint)
        return None


@dataclass(frozen=True, slots=True)
class FileHistory:
    """A file's own history in HEAD's history, following renames."""

    path: str
    tracked: bool
    """Whether the file is in HEAD's tree (a note not yet committed is not)."""
    created: CommitInfo | None
    """The oldest commit of the file (through renames): the one that added it."""
    last_changed: CommitInfo | None
    commits: int
    authors: tuple[str, ...] = ()
    """Distinct author names, most recent first."""
    previous_paths: tuple[str, ...] = ()
    """Earlier names, most recent first."""


@dataclass(frozen=True, slots=True)
class NoteSource:
    """What the git facts need of a note."""

    rel_path: str
    body: str
    commit: str | None

    @classmethod
    def of(cls, note: Note) -> NoteSource:
        return cls(note.rel_path, note.body, note.meta.git_commit)


@dataclass(frozen=True, slots=True)
class NoteGitFacts:
    """Everything git says about one note."""

    commit: CommitInfo | None
    placement: Placement | None
    """``None`` when the note names no commit."""
    behind_head: int | None
    history: FileHistory
    refs: tuple[CodeRef, ...]
    drift: Drift
    unknown_paths: tuple[tuple[RefCandidate, str, str | None], ...] = ()
    """Backticked repository paths that no commit ever had: (where, path, closest file)."""


def short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/", "refs/tags/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def commit_info(found: CommitObject) -> CommitInfo:
    when = datetime.fromtimestamp(found.authored, UTC)
    committed = datetime.fromtimestamp(found.committed, UTC)
    if found.author_offset:
        when = when.astimezone(timezone(timedelta(minutes=found.author_offset)))
    return CommitInfo(
        found.sha,
        found.parents,
        found.author_name,
        found.author_email,
        when,
        committed,
        found.subject,
    )

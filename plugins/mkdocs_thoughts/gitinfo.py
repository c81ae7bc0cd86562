"""Git facts for notes: one pass over history per build, kept until HEAD or a ref moves.

A build runs a constant number of git processes, however many notes there are:

- ``git rev-parse`` (shallow?, HEAD, every ref): the cache key, and the only process when nothing
  moved since the last build;
- ``git for-each-ref``: every ref's commit (tags peeled);
- ``git log --all --topo-order --name-status -M``: every commit (SHA, parents, author, dates,
  subject) and every file it touched;
- ``git ls-tree -r HEAD``: the files that exist now, with their blob ids;
- ``git cat-file --batch``: only for SHAs the log does not know (on no ref, missing, ambiguous);
- ``git cat-file --batch-check``: every cited path at every note commit (``<sha>:<path>``);
- ``git cat-file --batch``: both versions of files whose cited lines must be compared (the
  line diff itself runs in Python, so there is no ``git diff`` per note commit).

Everything else (which ref holds a commit, how far behind HEAD it is, a file's history, how many
commits touched a cited file since the note) is computed from the parsed graph in Python.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from .coderefs import (
    CodeRef,
    Drift,
    LineChanges,
    RefCandidate,
    RefStatus,
    RefSyntax,
    compare_lines,
    find_candidates,
)
from .forges import Forge
from .git import (
    CommitObject,
    RepoState,
    cat_file,
    list_tree,
    read_commits,
    read_history,
    read_ref_tips,
    read_repo_state,
)
from .gitrun import GitError, find_repo_root, git_available

if TYPE_CHECKING:
    from .notes import Note

_HEX = re.compile(r"[0-9a-f]{4,40}")
MAX_DIFF_BYTES = 4_000_000
"""Larger files are not read to compare lines; a line range in one counts as changed."""

# Which ref to name when several hold a commit that HEAD does not: branches people know first.
_REF_ORDER = ("refs/heads/", "refs/remotes/", "refs/pull/", "refs/merge-requests/", "refs/tags/")
_IGNORED_REFS = ("refs/stash", "refs/notes/")


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


class GitInfo:
    """The git facts of one repository, cached until HEAD or a ref moves.

    Call :meth:`refresh` once per build (cheap when nothing moved), then :meth:`prepare` with all
    notes, so their SHAs, cited files and changed lines are each read in one process; the query
    methods then answer from memory. Every query also works without ``prepare``, batching less.
    """

    def __init__(
        self,
        repo_root: Path,
        forge: Forge | None = None,
        *,
        skip_prefixes: Sequence[str] = (),
    ) -> None:
        self.repo_root = repo_root
        self.forge = forge
        self.skip_prefixes = tuple(skip_prefixes)
        """Repository paths never taken for code references (e.g. the notes folder)."""
        self.root = find_repo_root(repo_root.resolve())
        self.notices: list[str] = []
        """Problems with the whole repository (not a repository, shallow clone, git failed)."""
        self.state: RepoState | None = None
        self.builds = 0
        """How many times the history was read; tests and benchmarks read it."""
        self._history: _History | None = None
        self._refreshed = False
        self._resolved: dict[str, int | CommitObject | Where] = {}
        self._blob_at: dict[tuple[str, str], str | None] = {}
        """(commit, path) -> blob id there, or ``None`` when the path is not a file there."""
        self._line_changes: dict[tuple[str, str], LineChanges] = {}
        """(old blob, new blob) -> where the text changed."""
        self._sizes: dict[str, int] = {}
        self._unreadable: set[str] = set()
        """Note commits whose files git could not read this build."""
        self._found: dict[str, tuple[str, list[RefCandidate]]] = {}
        self._permalinks: dict[tuple[object, ...], str | None] = {}
        """(sha, path, start, end) -> permalink under ``_permalinks_forge``: many references
        share one, and hashing the forge itself for every reference cost as much as the URL."""
        self._permalinks_forge: Forge | None = None

    # --- the cache ------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Re-read history if HEAD or any ref moved; ``True`` when the facts changed."""
        first = not self._refreshed
        self._refreshed = True
        if self.root is None:
            self.notices = [
                f"{self.repo_root}: not a git repository; "
                "commit facts, file histories and code links are off"
            ]
            return first
        if not git_available():
            self.notices = [f"{self.root}: git is not installed; git facts are off"]
            return first
        try:
            state = read_repo_state(self.root)
        except GitError as error:
            changed = self._history is not None or first
            self._switch_off(_why_off(error))
            return changed
        if state == self.state and self._history is not None:
            self.notices = self._state_notices()  # last build's failures are not this one's
            self._unreadable.clear()
            return False
        try:
            history = _History(
                read_history(self.root),
                state,
                read_ref_tips(self.root),
                list_tree(self.root, state.head),
            )
        except (GitError, ValueError) as error:
            self._switch_off(f"git failed ({error}); git facts are off for this build")
            return True
        self._history, self.state = history, state
        self.builds += 1
        self._resolved.clear()
        self._unreadable.clear()
        self.notices = self._state_notices()
        return True

    def _switch_off(self, why: str) -> None:
        self._history = self.state = None
        self._resolved.clear()
        self.notices = [f"{self.root}: {why}"]

    def _state_notices(self) -> list[str]:
        assert self.state is not None and self._history is not None
        notices = []
        if self.state.shallow:
            notices.append(self.shallow_notice())
        if self.state.head_ref is None:
            notices.append(
                f"{self.root}: HEAD is detached at {self.state.head[:7]}; "
                "'on the default branch' means in HEAD's history"
            )
        return notices

    def shallow_notice(self, beyond_cut: int = 0) -> str:
        """The one notice of a shallow clone; ``beyond_cut`` notes name a commit it lacks.

        A commit older than the cut cannot be told from one that never existed, so such notes get
        no TH302 each: the notice counts them instead."""
        assert self._history is not None
        unchecked = (
            f"{beyond_cut} note{'s' * (beyond_cut != 1)} name{'s' * (beyond_cut == 1)} a commit "
            f"outside it and TH302 is not checked for {'them' if beyond_cut != 1 else 'it'}; "
            if beyond_cut
            else ""
        )
        commits = len(self._history.shas)
        return (
            f"{self.root}: shallow clone ({commits} commit{'s' * (commits != 1)} of history): "
            f"{unchecked}older commits show as missing, and 'behind HEAD' counts and file "
            "histories stop at the cut; fetch the full history with `git fetch --unshallow`, or "
            "set `fetch-depth: 0` on actions/checkout in CI"
        )

    @property
    def available(self) -> bool:
        return self._history is not None

    @property
    def shallow(self) -> bool:
        return bool(self.state and self.state.shallow)

    @property
    def head(self) -> CommitInfo | None:
        history = self._history
        return history.commits[history.head] if history else None

    def head_paths(self) -> Iterable[str] | None:
        """Every file in HEAD's tree, or ``None`` without git facts."""
        return self._history.head_blobs.keys() if self._history else None

    def ever_existed(self, path: str) -> bool:
        """Whether any commit of the history had a file at ``path`` (HEAD's tree included)."""
        history = self._history
        return history is not None and (path in history.head_blobs or path in history.touches)

    @property
    def head_ref(self) -> str | None:
        """HEAD's branch (``refs/heads/main``), or ``None`` when detached or without git."""
        return self.state.head_ref if self.state else None

    # --- commits --------------------------------------------------------------------------------

    def resolve(self, written: str) -> str | None:
        """The full SHA of a commit written in full or short, or ``None``."""
        found = self._resolve(written)
        if isinstance(found, int):
            assert self._history is not None
            return self._history.shas[found]
        if isinstance(found, CommitObject):
            return found.sha
        return None

    def commit(self, written: str) -> CommitInfo | None:
        found = self._resolve(written)
        if isinstance(found, int):
            assert self._history is not None
            return self._history.commits[found]
        if isinstance(found, CommitObject):
            return _commit_info(found)
        return None

    def placement(self, written: str) -> Placement:
        history = self._history
        if history is None:
            return Placement(written, Where.NO_GIT)
        found = self._resolve(written)
        shallow = self.shallow
        if isinstance(found, CommitObject):
            return Placement(written, Where.UNREACHABLE, found.sha, shallow=shallow)
        if not isinstance(found, int):
            return Placement(written, found, shallow=shallow)
        sha = history.shas[found]
        if history.on_head[found]:
            return Placement(written, Where.HEAD, sha, self.head_ref, shallow)
        return Placement(written, Where.OTHER_REF, sha, history.owner.get(found), shallow)

    def behind_head(self, written: str) -> int | None:
        """Commits in HEAD's history that are not in the commit's (``git rev-list --count
        C..HEAD``); ``None`` when the commit is not in the graph."""
        found = self._resolve(written)
        if not isinstance(found, int):
            return None
        assert self._history is not None
        self._history.ensure_ancestry([found])
        return self._history.behind[found]

    def resolve_many(self, shas: Iterable[str]) -> None:
        """Look up many SHAs at once (one ``git cat-file`` for those off the history)."""
        if self._history is not None:
            self._resolve_many(shas)

    def commit_at(self, moment: datetime) -> CommitInfo | None:
        """The commit HEAD's branch was at at ``moment``: the first commit along HEAD's first
        parents committed at or before it, as ``git rev-list -1 --first-parent --before=MOMENT
        HEAD`` finds it; ``None`` when the history starts later (or without git)."""
        history = self._history
        if history is None:
            return None
        index = history.first_parent_at(moment.timestamp())
        return history.commits[index] if index is not None else None

    def _resolve(self, written: str) -> int | CommitObject | Where:
        if self._history is None:
            return Where.NO_GIT
        key = written.strip().lower()
        if key not in self._resolved:
            self._resolve_many([key])
        return self._resolved[key]

    def _resolve_many(self, shas: Iterable[str]) -> None:
        history = self._history
        assert history is not None
        ask: list[str] = []
        for written in shas:
            key = written.strip().lower()
            if key in self._resolved:
                continue
            if not _HEX.fullmatch(key):
                self._resolved[key] = Where.MISSING  # "main" or "N/A" is no commit SHA
                continue
            matches = history.lookup(key)
            if len(matches) == 1:
                self._resolved[key] = matches[0]
            elif matches:
                self._resolved[key] = Where.AMBIGUOUS
            else:
                ask.append(key)  # on no ref, or missing: only git's object store can tell
        if not ask:
            return
        assert self.root is not None
        try:
            answers = read_commits(self.root, ask)
        except GitError as error:
            self.notices.append(f"{self.root}: {error}; some commits could not be looked up")
            answers = {}
        for key in ask:
            answer = answers.get(key)
            if isinstance(answer, CommitObject):
                index = history.index.get(answer.sha)
                self._resolved[key] = answer if index is None else index
            elif answer is not None and answer.ambiguous:
                self._resolved[key] = Where.AMBIGUOUS
            else:
                self._resolved[key] = Where.MISSING

    # --- files ----------------------------------------------------------------------------------

    def file_history(self, rel_path: str) -> FileHistory:
        history = self._history
        if history is None:
            return FileHistory(rel_path, False, None, None, 0)
        return history.file_history(rel_path)

    # --- code references ------------------------------------------------------------------------

    def prepare(self, notes: Iterable[NoteSource]) -> None:
        """Batch the git work for many notes: one ``cat-file`` for their SHAs, one ancestry
        sweep, one ``cat-file --batch-check`` for every cited path at every note commit, and one
        ``cat-file --batch`` for the file versions whose lines must be compared."""
        history = self._history
        if history is None:
            return
        sources = list(notes)
        self._resolve_many(source.commit for source in sources if source.commit)
        indexes: set[int] = set()
        wanted: list[tuple[str, list[RefCandidate]]] = []
        for source in sources:
            full, index = self._note_commit(source.commit)
            if index is not None:
                indexes.add(index)
            if full is not None and full != history.head_sha:
                wanted.append((full, self._candidates(source.rel_path, source.body)))
        history.ensure_ancestry(indexes)
        self._fetch(wanted)

    def code_refs(
        self, note_body: str, note_rel_path: str, note_commit: str | None
    ) -> list[CodeRef]:
        """The note's code references that exist at its commit or at HEAD, with their drift."""
        history = self._history
        if history is None:
            return []
        candidates = self._candidates(note_rel_path, note_body)
        full, index = self._note_commit(note_commit)
        if full is not None and full != history.head_sha:
            if index is not None:
                history.ensure_ancestry([index])
            self._fetch([(full, candidates)])
        refs = []
        for candidate in candidates:
            ref = self._code_ref(candidate, full, index)
            if ref is not None:
                refs.append(ref)
        return refs

    def facts(self, source: NoteSource) -> NoteGitFacts:
        """Everything for one note (call :meth:`prepare` first when there are many)."""
        refs = tuple(self.code_refs(source.body, source.rel_path, source.commit))
        commit = source.commit
        return NoteGitFacts(
            commit=self.commit(commit) if commit else None,
            placement=self.placement(commit) if commit else None,
            behind_head=self.behind_head(commit) if commit else None,
            history=self.file_history(source.rel_path),
            refs=refs,
            drift=Drift.of(refs),
            unknown_paths=tuple(self.unknown_paths(source.rel_path, source.body)),
        )

    def unknown_paths(
        self, rel_path: str, body: str
    ) -> Iterable[tuple[RefCandidate, str, str | None]]:
        """Backticked paths that look like files of this repository (a file name with an
        extension, under a folder HEAD has) but that no commit ever had: likely typos. Paths a
        note cites before they exist, or after they were deleted, are not among them."""
        history = self._history
        if history is None:
            return
        for candidate in self._candidates(rel_path, body):
            if candidate.syntax is not RefSyntax.CODE:
                continue
            path = candidate.alternatives[0]
            folder, _, name = path.rpartition("/")
            if "." not in name.strip(".") or folder.split("/", 1)[0] not in history.top_folders:
                continue
            if any(self.ever_existed(other) for other in candidate.alternatives):
                continue
            yield candidate, path, history.closest_file(path)

    def _note_commit(self, written: str | None) -> tuple[str | None, int | None]:
        """(full SHA, graph index) of a note's commit; the index is ``None`` off the graph."""
        if not written:
            return None, None
        found = self._resolve(written)
        if isinstance(found, int):
            assert self._history is not None
            return self._history.shas[found], found
        if isinstance(found, CommitObject):
            return found.sha, None
        return None, None

    def _candidates(self, rel_path: str, body: str) -> list[RefCandidate]:
        # Parsed once per body text: a serve rebuild re-parses only notes that changed.
        cached = self._found.get(rel_path)
        if cached is None or cached[0] != body:
            cached = (body, find_candidates(body, rel_path, self.skip_prefixes))
            self._found[rel_path] = cached
        return cached[1]

    def _fetch(self, wanted: Iterable[tuple[str, list[RefCandidate]]]) -> None:
        """Look up, in at most two processes, what the references of these (commit, candidates)
        pairs need: each cited path's blob at the commit, then both versions of every file whose
        cited lines must be compared (``<commit>:<path>`` is immutable, so answers are kept for
        good, across HEAD moves)."""
        history = self._history
        assert history is not None and self.root is not None
        ask: dict[tuple[str, str], None] = {}
        for full, candidates in wanted:
            for candidate in candidates:
                for path in candidate.alternatives:
                    known = path in history.head_blobs or path in history.touches
                    if known and (full, path) not in self._blob_at and "\n" not in path:
                        ask[full, path] = None
        if ask:
            try:
                answers = cat_file(self.root, [f"{c}:{p}" for c, p in ask], contents=False)
            except GitError as error:
                # Not knowing is not "missing": these notes' references are shown unpinned.
                self.notices.append(f"{self.root}: {error}; code drift is unknown")
                self._unreadable.update(commit for commit, _ in ask)
                return
            for key, (object_id, kind, size, _) in zip(ask, answers, strict=True):
                self._blob_at[key] = object_id if kind == "blob" else None
                if kind == "blob":
                    self._sizes[object_id] = size
        pairs: dict[tuple[str, str], None] = {}
        for full, candidates in wanted:
            index = history.index.get(full)
            for candidate in candidates:
                if candidate.start is None:
                    continue
                found = self._locate(candidate, full, index)
                if found is None:
                    continue
                _, old, _, new = found
                if old and new and old != new and (old, new) not in self._line_changes:
                    pairs[old, new] = None
        self._compare(pairs)

    def _compare(self, pairs: Iterable[tuple[str, str]]) -> None:
        assert self.root is not None and self._history is not None
        sizes = self._history.head_sizes
        pairs = list(pairs)
        # A huge file (data, a lock file) is not worth reading: its cited lines count as changed.
        small = {
            blob
            for pair in pairs
            for blob in pair
            if max(self._sizes.get(blob, 0), sizes.get(blob, 0)) <= MAX_DIFF_BYTES
        }
        blobs = sorted(small)
        try:
            answers = cat_file(self.root, blobs, contents=True)
        except GitError as error:
            self.notices.append(f"{self.root}: {error}; changed lines are unknown")
            answers = [("", "missing", 0, None)] * len(blobs)
        text = {blob: data for blob, (_, _, _, data) in zip(blobs, answers, strict=True)}
        for old, new in pairs:
            before, after = text.get(old), text.get(new)
            if before is None or after is None:
                self._line_changes[old, new] = LineChanges(exact=False)
            else:
                self._line_changes[old, new] = compare_lines(before, after)

    def _locate(
        self, candidate: RefCandidate, full: str, index: int | None
    ) -> tuple[str, str | None, str | None, str | None] | None:
        """(path as cited, its blob at the commit, its path at HEAD, its blob at HEAD), or
        ``None`` when no alternative exists at either commit."""
        history = self._history
        assert history is not None
        for path in candidate.alternatives:
            old = self._blob_at.get((full, path))
            if old is None and path not in history.head_blobs:
                continue
            current: str | None = path
            if old is not None and path not in history.head_blobs:
                current = history.renamed_to_at_head(path, index)
            new = history.head_blobs.get(current) if current else None
            return path, old, current, new
        return None

    def _code_ref(
        self, candidate: RefCandidate, full: str | None, index: int | None
    ) -> CodeRef | None:
        history = self._history
        assert history is not None
        start, end = candidate.start, candidate.end

        def make(path: str, status: RefStatus, sha: str, **more: object) -> CodeRef:
            return CodeRef(
                path,
                start,
                end,
                candidate.text,
                candidate.syntax,
                candidate.line,
                candidate.column,
                status,
                sha,
                **more,  # type: ignore[arg-type]
            )

        if full is None or full == history.head_sha or full in self._unreadable:
            # Nothing to compare with (no commit, an unknown one, or HEAD itself).
            for path in candidate.alternatives:
                if path in history.head_blobs:
                    unchanged = full == history.head_sha
                    return make(
                        path,
                        RefStatus.UNCHANGED if unchanged else RefStatus.UNPINNED,
                        history.head_sha,
                        current_path=path,
                        current_start=start,
                        current_end=end,
                        commits_since=0 if unchanged else None,
                    )
            return None
        found = self._locate(candidate, full, index)
        if found is None:
            return None  # not a repository path at either commit
        path, old, current, new = found
        since = history.touching_since(index, path) if index is not None else None
        if old is None:
            return make(
                path,
                RefStatus.NOT_AT_COMMIT,
                history.head_sha,
                current_path=path,
                current_start=start,
                current_end=end,
                commits_since=since,
            )
        if current is None or new is None:
            return make(path, RefStatus.DELETED, full, current_path=None, commits_since=since)
        renamed = current != path
        if old == new:
            return make(
                path,
                RefStatus.RENAMED if renamed else RefStatus.UNCHANGED,
                full,
                current_path=current,
                current_start=start,
                current_end=end,
                lines_changed=False if renamed and start is not None else None,
                commits_since=since,
            )
        lines_changed = moved_start = moved_end = None
        if start is not None and end is not None:
            changes = self._line_changes.get((old, new), LineChanges(exact=False))
            lines_changed = changes.lines_changed(start, end)
            if not lines_changed:
                moved_start, moved_end = changes.moved_lines(start, end)
        if renamed:
            status = RefStatus.RENAMED
        elif lines_changed is False:
            status = RefStatus.LINES_UNCHANGED
        else:
            status = RefStatus.CHANGED
        return make(
            path,
            status,
            full,
            current_path=current,
            current_start=moved_start,
            current_end=moved_end,
            lines_changed=lines_changed,
            commits_since=since,
        )

    # --- links ----------------------------------------------------------------------------------

    def commit_url(self, written: str) -> str | None:
        full = self.resolve(written)
        return self.forge.commit_url(full) if self.forge and full else None

    def file_url(self, path: str, written: str | None) -> str | None:
        """A repository file cited by a note, at the note's commit (at HEAD when git does not
        know the commit); ``None`` without a forge or git."""
        history = self._history
        if self.forge is None or history is None:
            return None
        sha = (self.resolve(written) if written else None) or history.head_sha
        return self.forge.blob_url(sha, path)

    def permalink(self, ref: CodeRef) -> str | None:
        """The cited lines as the note saw them: the file at the pinned commit."""
        if self.forge is None or ref.sha is None:
            return None
        if self._permalinks_forge is not self.forge:
            self._permalinks, self._permalinks_forge = {}, self.forge  # another repo_url
        key = (ref.sha, ref.path, ref.start, ref.end)
        if key not in self._permalinks:
            self._permalinks[key] = self.forge.blob_url(ref.sha, ref.path, ref.start, ref.end)
        return self._permalinks[key]

    def current_url(self, ref: CodeRef) -> str | None:
        """The file as it is at HEAD (renamed path, moved lines), pinned to HEAD's SHA."""
        history = self._history
        if self.forge is None or history is None or ref.current_path is None:
            return None
        return self.forge.blob_url(
            history.head_sha, ref.current_path, ref.current_start, ref.current_end
        )


def short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/", "refs/tags/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _why_off(error: GitError) -> str:
    text = str(error)
    if "unknown revision" in text or "ambiguous argument 'HEAD'" in text:
        return "the repository has no commits yet; git facts are off"
    return f"git failed ({text}); git facts are off for this build"


def _commit_info(found: CommitObject) -> CommitInfo:
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


class _History:
    """The parsed commit graph. Indexes run parents first: 0 is a root, HEAD is near the end."""

    def __init__(
        self,
        log: str,
        state: RepoState,
        ref_tips: Iterable[tuple[str, str]],
        head_files: dict[str, tuple[str, int]],
    ) -> None:
        records = log.split("\x1e")[1:]
        count = len(records)
        self.shas: list[str] = [""] * count
        self.commits: list[CommitInfo] = []
        parent_shas: list[list[str]] = [[] for _ in range(count)]
        self.touches: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        """path -> (index, status, other path) for every commit touching it, newest first.
        A rename is ``R`` (other: the old name) on the new path and ``r`` on the old one."""
        self.renamed_to: dict[str, set[str]] = defaultdict(set)
        infos: list[CommitInfo | None] = [None] * count
        for position, record in enumerate(records):
            index = count - 1 - position  # git printed children first
            header, _, changes = record.partition("\0")
            sha, parents, name, email, authored, committed, subject = header.split("\x1f", 6)
            self.shas[index] = sha
            parent_shas[index] = parents.split()
            infos[index] = CommitInfo(
                sha,
                tuple(parent_shas[index]),
                name,
                email,
                datetime.fromisoformat(authored),
                datetime.fromisoformat(committed),
                subject,
            )
            self._add_changes(index, changes)
        self.commits = [info for info in infos if info is not None]
        if len(self.commits) != count:
            raise ValueError("git log output could not be parsed")
        self.index = {sha: index for index, sha in enumerate(self.shas)}
        if state.head not in self.index:
            raise ValueError(f"HEAD {state.head[:7]} is not in git log's output")
        self.head = self.index[state.head]
        self.head_sha = state.head
        # A shallow clone's oldest commits name parents it does not have: they are left out.
        self.parents = [
            tuple(self.index[p] for p in shas if p in self.index) for shas in parent_shas
        ]
        self.children_count = [0] * count
        for parents_of in self.parents:
            for parent in parents_of:
                self.children_count[parent] += 1
        self.head_blobs = {path: blob for path, (blob, _) in head_files.items()}
        """path -> blob id of every file in HEAD's tree."""
        self.top_folders = {path.split("/", 1)[0] for path in head_files if "/" in path}
        self._by_folder: dict[str, list[str]] | None = None
        self.head_sizes = {blob: size for blob, size in head_files.values()}
        self._sorted = sorted(self.shas)
        self.on_head = self._reach(self.head, bytearray(count))
        self.owner = self._owners(
            [
                (ref, self.index[sha])
                for ref, sha in ref_tips
                if sha in self.index and not ref.startswith(_IGNORED_REFS)
            ]
        )
        self.ancestry: dict[int, int] = {}
        """index -> bit set (an int) of the commit's ancestors and itself, for wanted commits."""
        self.behind: dict[int, int] = {}
        self._chain: tuple[list[int], list[float]] | None = None
        self._since: dict[tuple[int, str], int] = {}
        """(commit index, path) -> touching_since: notes of one day cite the same files at the
        same commit, and each answer walks the file's history with big-integer bit tests."""

    def first_parent_at(self, stamp: float) -> int | None:
        """The first commit on HEAD's first-parent chain committed at or before ``stamp``."""
        if self._chain is None:
            # Running minimum of committer times along the chain: it never rises, so the first
            # commit at or before a moment is found by bisection, not by a walk per note.
            chain: list[int] = []
            lowest: list[float] = []
            index: int | None = self.head
            while index is not None:
                when = self.commits[index].committed.timestamp()
                chain.append(index)
                lowest.append(min(when, lowest[-1]) if lowest else when)
                parents = self.parents[index]
                index = parents[0] if parents else None
            self._chain = (chain, [-value for value in lowest])
        chain, rising = self._chain
        position = bisect_left(rising, -stamp)
        return chain[position] if position < len(chain) else None

    def _add_changes(self, index: int, changes: str) -> None:
        tokens = changes.removeprefix("\n").split("\0")
        position = 0
        while position < len(tokens) - 1:
            status = tokens[position][:1]
            if status in ("R", "C"):
                old, new = tokens[position + 1], tokens[position + 2]
                position += 3
                self.touches[new].append((index, status, old))
                if status == "R":
                    self.touches[old].append((index, "r", new))
                    self.renamed_to[old].add(new)
            elif status:
                self.touches[tokens[position + 1]].append((index, status, None))
                position += 2
            else:
                position += 1

    def _reach(self, start: int, marks: bytearray) -> bytearray:
        """Mark ``start`` and its ancestors."""
        stack = [start]
        parents = self.parents
        while stack:
            index = stack.pop()
            if marks[index]:
                continue
            marks[index] = 1
            stack.extend(parents[index])
        return marks

    def _owners(self, tips: list[tuple[str, int]]) -> dict[int, str]:
        """For commits not in HEAD's history: the first ref (in ``_REF_ORDER``) holding each.

        Each ref's walk stops at commits already claimed, so the whole pass visits every commit
        at most once whatever the number of refs.
        """
        claimed = bytearray(self.on_head)
        owner: dict[int, str] = {}
        for ref, tip in sorted(tips, key=lambda item: _ref_rank(item[0])):
            if claimed[tip]:
                continue
            stack = [tip]
            while stack:
                index = stack.pop()
                if claimed[index]:
                    continue
                claimed[index] = 1
                owner[index] = ref
                stack.extend(self.parents[index])
        return owner

    def lookup(self, prefix: str) -> list[int]:
        """Up to two commits whose SHA starts with ``prefix`` (two means ambiguous)."""
        position = bisect_left(self._sorted, prefix)
        found = []
        for sha in self._sorted[position : position + 2]:
            if sha.startswith(prefix):
                found.append(self.index[sha])
        return found

    def ensure_ancestry(self, wanted: Iterable[int]) -> None:
        """Compute ancestor bit sets for ``wanted`` commits (and HEAD) in one sweep.

        Going parents first, a commit's set is its own bit or-ed with its parents' sets; a set
        is dropped once all of a commit's children have used it, so memory stays near the
        width of the graph plus the wanted sets. ``behind`` then is a popcount per commit.
        """
        need = {index for index in wanted if index not in self.ancestry}
        if not need:
            return
        if self.head not in self.ancestry:
            need.add(self.head)
        pending = list(self.children_count)
        live: dict[int, int] = {}
        parents = self.parents
        for index in range(max(need) + 1):
            bits = 1 << index
            for parent in parents[index]:
                bits |= live[parent]
                pending[parent] -= 1
                if not pending[parent]:
                    del live[parent]
            if pending[index]:
                live[index] = bits
            if index in need:
                self.ancestry[index] = bits
        head_bits = self.ancestry[self.head]
        for index in need:
            self.behind[index] = (head_bits & ~self.ancestry[index]).bit_count()

    def renamed_forward(self, path: str) -> set[str]:
        """Every name ``path`` was later renamed to, transitively."""
        found: set[str] = set()
        stack = [path]
        while stack:
            for new in self.renamed_to.get(stack.pop(), ()):
                if new not in found and new != path:
                    found.add(new)
                    stack.append(new)
        return found

    def renamed_to_at_head(self, path: str, index: int | None) -> str | None:
        """The name at HEAD of a file ``path`` at commit ``index``, through the renames in HEAD's
        history since then (``None``: deleted). Without an index (a commit on no ref) every
        rename in HEAD's history counts."""
        bits = self.ancestry.get(index) if index is not None else None
        name, after, seen = path, -1, {path}
        while True:
            steps = [
                (other, new)
                for other, status, new in self.touches.get(name, ())
                if status == "r"
                and other > after
                and self.on_head[other]
                and (bits is None or not (bits >> other) & 1)
            ]
            if not steps:
                return None
            after, new_name = min(steps)  # the first rename after the previous one
            if new_name is None or new_name in seen:
                return None
            name = new_name
            seen.add(name)
            if name in self.head_blobs:
                return name

    def closest_file(self, path: str) -> str | None:
        """A file at HEAD a typo away from ``path`` (in the same folder)."""
        if self._by_folder is None:
            self._by_folder = defaultdict(list)
            for known in self.head_blobs:
                self._by_folder[known.rpartition("/")[0]].append(known)
        folder = path.rpartition("/")[0]
        close = difflib.get_close_matches(path, self._by_folder.get(folder, []), n=1, cutoff=0.8)
        return close[0] if close else None

    def touching_since(self, index: int, path: str) -> int:
        """Commits in HEAD's history, not in commit ``index``'s, that touched ``path`` or a
        later name of it."""
        known = self._since.get((index, path))
        if known is not None:
            return known
        self.ensure_ancestry([index])
        bits = self.ancestry[index]
        seen: set[int] = set()
        for name in (path, *self.renamed_forward(path)):
            for other, _, _ in self.touches.get(name, ()):
                if self.on_head[other] and not (bits >> other) & 1:
                    seen.add(other)
        self._since[index, path] = len(seen)
        return len(seen)

    def file_history(self, path: str) -> FileHistory:
        collected: set[int] = set()
        previous: list[str] = []
        name, bound = path, len(self.shas)
        visited = {path}
        while True:
            oldest: tuple[int, str, str | None] | None = None
            for event in self.touches.get(name, ()):
                index = event[0]
                if index >= bound or not self.on_head[index]:
                    continue
                collected.add(index)
                if oldest is None or index < oldest[0]:
                    oldest = event
            if oldest is None or oldest[1] != "R" or oldest[2] is None or oldest[2] in visited:
                break
            # The file came from a rename: its earlier life is under the old name.
            name, bound = oldest[2], oldest[0]
            visited.add(name)
            previous.append(name)
        if not collected:
            return FileHistory(path, path in self.head_blobs, None, None, 0)
        ordered = sorted(collected, reverse=True)
        authors = tuple(dict.fromkeys(self.commits[index].author_name for index in ordered))
        return FileHistory(
            path,
            path in self.head_blobs,
            created=self.commits[ordered[-1]],
            last_changed=self.commits[ordered[0]],
            commits=len(ordered),
            authors=authors,
            previous_paths=tuple(previous),
        )


def _ref_rank(ref: str) -> tuple[int, str]:
    for rank, prefix in enumerate(_REF_ORDER):
        if ref.startswith(prefix):
            return rank, ref
    return len(_REF_ORDER), ref

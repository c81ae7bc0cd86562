"""Git facts for notes: one pass over history per build, kept until HEAD or a ref moves.

A build runs a constant number of git processes, however many notes there are:

- ``git rev-parse`` (shallow?, HEAD, every ref): the cache key, and the only process when nothing
  moved since the last build;
- side by side: ``git log --all --topo-order --raw -M`` (every commit: SHA, parents, author,
  dates, subject, and every file it touched with its blob ids), ``git for-each-ref`` (every
  ref's commit, tags peeled) and ``git ls-tree -r HEAD`` (the files that exist now, with their
  blob ids); the note loader runs :meth:`GitInfo.refresh` on a thread of its own while it
  parses the notes;
- ``git cat-file --batch``: only for SHAs the log does not know (on no ref, missing, ambiguous);
- ``git cat-file --batch-check``: the cited paths at the note commits the log cannot answer
  for (``<sha>:<path>``: a merge came since), and the sizes of the old versions it names;
- ``git cat-file --batch``: both versions of files whose cited lines must be compared (the
  line diff itself runs in Python, so there is no ``git diff`` per note commit).

Everything else (which ref holds a commit, how far behind HEAD it is, a file's history, how many
commits touched a cited file since the note) is computed from the parsed graph in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from .code_refs import CodeRef, Drift, RefCandidate
from .drift import CodeRefReader
from .facts import CommitInfo, FileHistory, NoteGitFacts, NoteSource, Placement, Where
from .forges import Forge
from .history import History
from .placement import CommitLookup
from .readers import RepoState, read_graph, read_repo_state
from .runner import GitError, find_repo_root, git_available


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
        self.root = find_repo_root(repo_root.resolve())
        self.notices: list[str] = []
        """Problems with the whole repository (not a repository, shallow clone, git failed).
        One list for the object's life, changed in place: the readers below append to it (a
        bound method of this object would make a cycle, which only the collector frees)."""
        self.state: RepoState | None = None
        self.builds = 0
        """How many times the history was read; tests and benchmarks read it."""
        self._history: History | None = None
        self._commits: CommitLookup | None = None
        self._refreshed = False
        self._refs = CodeRefReader(self.root, tuple(skip_prefixes), self.notices.append)

    @property
    def skip_prefixes(self) -> tuple[str, ...]:
        """Repository paths never taken for code references (e.g. the notes folder)."""
        return self._refs.skip_prefixes

    # --- the cache ------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Re-read history if HEAD or any ref moved; ``True`` when the facts changed."""
        first = not self._refreshed
        self._refreshed = True
        if self.root is None:
            self.notices[:] = [
                f"{self.repo_root}: not a git repository; "
                "commit facts, file histories and code links are off"
            ]
            return first
        if not git_available():
            self.notices[:] = [f"{self.root}: git is not installed; git facts are off"]
            return first
        self._refs.new_build()
        try:
            state = read_repo_state(self.root)
        except GitError as error:
            changed = self._history is not None or first
            self._switch_off(_why_off(error))
            return changed
        if state == self.state and self._history is not None:
            self.notices[:] = self._state_notices()  # last build's failures are not this one's
            return False
        try:
            log, tips, head_files = read_graph(self.root, state.head)
            history = History(log, state, tips, head_files)
        except (GitError, ValueError) as error:
            self._switch_off(f"git failed ({error}); git facts are off for this build")
            return True
        self._history, self.state = history, state
        self._commits = CommitLookup(history, state, self.root, self.notices.append)
        self.builds += 1
        self.notices[:] = self._state_notices()
        return True

    def _switch_off(self, why: str) -> None:
        self._history = self.state = self._commits = None
        self.notices[:] = [f"{self.root}: {why}"]

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

    # --- commits (see placement.py) ----------------------------------------------------------

    def resolve(self, written: str) -> str | None:
        """The full SHA of a commit written in full or short, or ``None``."""
        return self._commits.resolve(written) if self._commits else None

    def commit(self, written: str) -> CommitInfo | None:
        return self._commits.commit(written) if self._commits else None

    def placement(self, written: str) -> Placement:
        if self._commits is None:
            return Placement(written, Where.NO_GIT)
        return self._commits.placement(written)

    def behind_head(self, written: str) -> int | None:
        """Commits in HEAD's history that are not in the commit's (``git rev-list --count
        C..HEAD``); ``None`` when the commit is not in the graph."""
        return self._commits.behind_head(written) if self._commits else None

    def resolve_many(self, shas: Iterable[str]) -> None:
        """Look up many SHAs at once (one ``git cat-file`` for those off the history)."""
        if self._commits is not None:
            self._commits.resolve_many(shas)

    def commit_at(self, moment: datetime) -> CommitInfo | None:
        """The commit HEAD's branch was at at ``moment``: the first commit along HEAD's first
        parents committed at or before it, as ``git rev-list -1 --first-parent --before=MOMENT
        HEAD`` finds it; ``None`` when the history starts later (or without git)."""
        history = self._history
        if history is None:
            return None
        index = history.first_parent_at(moment.timestamp())
        return history.commits[index] if index is not None else None

    def file_history(self, rel_path: str) -> FileHistory:
        history = self._history
        if history is None:
            return FileHistory(rel_path, False, None, None, 0)
        return history.file_history(rel_path)

    # --- code references (see drift.py) ------------------------------------------------------

    def prepare(self, notes: Iterable[NoteSource], *, code: bool = True) -> None:
        """Batch the git work for many notes: one ``cat-file`` for their SHAs, one ancestry
        sweep, and (with ``code``) one ``cat-file --batch-check`` (the cited paths at the note
        commits the log cannot answer for, the sizes of the old versions it names) and one
        ``cat-file --batch`` for the file versions whose lines must be compared. Without it,
        :meth:`facts` would sweep the history once per note commit."""
        history, commits = self._history, self._commits
        if history is None or commits is None:
            return
        sources = list(notes)
        commits.resolve_many(source.commit for source in sources if source.commit)
        indexes: set[int] = set()
        wanted: list[tuple[str, str, list[RefCandidate]]] = []
        for source in sources:
            full, index = commits.note_commit(source.commit)
            if index is not None:
                indexes.add(index)
            if code and full is not None and full != history.head_sha:
                candidates = self._refs.candidates(source.rel_path, source.body)
                wanted.append((full, source.rel_path, candidates))
        history.ensure_ancestry(indexes)
        self._refs.fetch(history, wanted)

    def code_refs(
        self, note_body: str, note_rel_path: str, note_commit: str | None
    ) -> list[CodeRef]:
        """The note's code references that exist at its commit or at HEAD, with their drift."""
        history, commits = self._history, self._commits
        if history is None or commits is None:
            return []
        candidates = self._refs.candidates(note_rel_path, note_body)
        full, index = commits.note_commit(note_commit)
        if full is not None and full != history.head_sha:
            if index is not None:
                history.ensure_ancestry([index])
            self._refs.fetch(history, [(full, note_rel_path, candidates)])
        return self._refs.code_refs(history, candidates, full, index)

    def facts(self, source: NoteSource, *, code: bool = True) -> NoteGitFacts:
        """Everything for one note (call :meth:`prepare` first when there are many); with
        ``code=False``, no cited code (``refs`` empty): nothing is read but the history."""
        refs = tuple(self.code_refs(source.body, source.rel_path, source.commit)) if code else ()
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
        """Backticked paths that look like files of this repository but that no commit ever
        had: likely typos (see :meth:`.CodeRefReader.unknown_paths`)."""
        history = self._history
        if history is None:
            return ()
        return self._refs.unknown_paths(history, rel_path, body)

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
        # Not cached: a build asks for each (commit, file, lines) about once (25,138 distinct of
        # 25,790 asked in a 1,000-note build), and a cache cost more time than it saved, and
        # 3 MB of memory a thousand notes.
        return self.forge.blob_url(ref.sha, ref.path, ref.start, ref.end)

    def current_url(self, ref: CodeRef) -> str | None:
        """The file as it is at HEAD (renamed path, moved lines), pinned to HEAD's SHA."""
        history = self._history
        if self.forge is None or history is None or ref.current_path is None:
            return None
        return self.forge.blob_url(
            history.head_sha, ref.current_path, ref.current_start, ref.current_end
        )


def _why_off(error: GitError) -> str:
    text = str(error)
    if "unknown revision" in text or "ambiguous argument 'HEAD'" in text:
        return "the repository has no commits yet; git facts are off"
    return f"git failed ({text}); git facts are off for this build"

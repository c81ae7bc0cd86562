"""Where a SHA a note wrote is: in HEAD's history, only on another ref, in the object store
alone, ambiguous or missing; its commit and how far behind HEAD it is."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .facts import CommitInfo, Placement, Where, commit_info
from .history import History
from .readers import CommitObject, RepoState, read_commits
from .runner import GitError

_HEX = re.compile(r"[0-9a-f]{4,40}")


class CommitLookup:
    """The commits of one history: SHAs the parsed log knows are answered from memory, the rest
    with one ``git cat-file --batch`` per :meth:`resolve_many`."""

    def __init__(
        self, history: History, state: RepoState, root: Path, notice: Callable[[str], None]
    ) -> None:
        self.history = history
        self.state = state
        self.root = root
        self._notice = notice
        self._found: dict[str, int | CommitObject | Where] = {}
        """A SHA as written (stripped, lower case) -> its index in the history, the commit read
        from the object store (on no ref), or why there is none."""

    def find(self, written: str) -> int | CommitObject | Where:
        key = written.strip().lower()
        found = self._found.get(key)
        if found is None:
            self.resolve_many([key])
            found = self._found[key]
        return found

    def resolve(self, written: str) -> str | None:
        """The full SHA of a commit written in full or short, or ``None``."""
        found = self.find(written)
        if isinstance(found, int):
            return self.history.shas[found]
        if isinstance(found, CommitObject):
            return found.sha
        return None

    def note_commit(self, written: str | None) -> tuple[str | None, int | None]:
        """(full SHA, graph index) of a note's commit; the index is ``None`` off the graph."""
        if not written:
            return None, None
        found = self.find(written)
        if isinstance(found, int):
            return self.history.shas[found], found
        if isinstance(found, CommitObject):
            return found.sha, None
        return None, None

    def commit(self, written: str) -> CommitInfo | None:
        found = self.find(written)
        if isinstance(found, int):
            return self.history.commits[found]
        if isinstance(found, CommitObject):
            return commit_info(found)
        return None

    def placement(self, written: str) -> Placement:
        found = self.find(written)
        shallow = self.state.shallow
        if isinstance(found, CommitObject):
            return Placement(written, Where.UNREACHABLE, found.sha, shallow=shallow)
        if not isinstance(found, int):
            return Placement(written, found, shallow=shallow)
        history = self.history
        sha = history.shas[found]
        if history.on_head[found]:
            return Placement(written, Where.HEAD, sha, self.state.head_ref, shallow)
        return Placement(written, Where.OTHER_REF, sha, history.owner.get(found), shallow)

    def behind_head(self, written: str) -> int | None:
        """Commits in HEAD's history that are not in the commit's (``git rev-list --count
        C..HEAD``); ``None`` when the commit is not in the graph."""
        found = self.find(written)
        if not isinstance(found, int):
            return None
        self.history.ensure_ancestry([found])
        return self.history.behind[found]

    def resolve_many(self, shas: Iterable[str]) -> None:
        """Look up many SHAs at once (one ``git cat-file`` for those off the history)."""
        ask: list[str] = []
        for written in shas:
            key = written.strip().lower()
            if key in self._found:
                continue
            if not _HEX.fullmatch(key):
                self._found[key] = Where.MISSING  # "main" or "N/A" is no commit SHA
                continue
            matches = self.history.lookup(key)
            if len(matches) == 1:
                self._found[key] = matches[0]
            elif matches:
                self._found[key] = Where.AMBIGUOUS
            else:
                ask.append(key)  # on no ref, or missing: only git's object store can tell
        if ask:
            self._ask_git(ask)

    def _ask_git(self, keys: list[str]) -> None:
        try:
            answers = read_commits(self.root, keys)
        except GitError as error:
            self._notice(f"{self.root}: {error}; some commits could not be looked up")
            answers = {}
        for key in keys:
            answer = answers.get(key)
            if isinstance(answer, CommitObject):
                index = self.history.index.get(answer.sha)
                self._found[key] = answer if index is None else index
            elif answer is not None and answer.ambiguous:
                self._found[key] = Where.AMBIGUOUS
            else:
                self._found[key] = Where.MISSING

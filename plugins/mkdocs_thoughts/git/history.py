"""The parsed commit graph of one ``git log --all`` pass: commits, refs, ancestry, file histories.

Everything here is computed in Python from that one pass: which ref holds a commit, how far behind
HEAD it is, a file's history through renames, how many commits touched a file since a commit.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from .facts import CommitInfo, FileHistory
from .readers import RepoState

# Which ref to name when several hold a commit that HEAD does not: branches people know first.
_REF_ORDER = ("refs/heads/", "refs/remotes/", "refs/pull/", "refs/merge-requests/", "refs/tags/")
IGNORED_REFS = ("refs/stash", "refs/notes/")


class History:
    """The parsed commit graph. Indexes run parents first: 0 is a root, HEAD is near the end."""

    def __init__(
        self,
        log: str,
        state: RepoState,
        ref_tips: Iterable[tuple[str, str]],
        head_files: dict[str, tuple[str, int]],
    ) -> None:
        self.touches: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        """path -> (index, status, other path) for every commit touching it, newest first.
        A rename is ``R`` (other: the old name) on the new path and ``r`` on the old one."""
        self.renamed_to: dict[str, set[str]] = defaultdict(set)
        self._before: dict[tuple[int, str], str | None] = {}
        """(commit index, path) -> the path's blob id in the commit's first parent, for every
        path the commit touched (``None``: no such file there, or a submodule)."""
        self.commits, parent_shas = self._parse(log)
        self.shas = [commit.sha for commit in self.commits]
        self.index = {sha: index for index, sha in enumerate(self.shas)}
        if state.head not in self.index:
            raise ValueError(f"HEAD {state.head[:7]} is not in git log's output")
        self.head = self.index[state.head]
        self.head_sha = state.head
        # A shallow clone's oldest commits name parents it does not have: they are left out.
        self.parents = [
            tuple(self.index[p] for p in shas if p in self.index) for shas in parent_shas
        ]
        self.children_count = [0] * len(self.shas)
        for parents_of in self.parents:
            for parent in parents_of:
                self.children_count[parent] += 1
        self.head_blobs = {path: blob for path, (blob, _) in head_files.items()}
        """path -> blob id of every file in HEAD's tree."""
        self.top_folders = {path.split("/", 1)[0] for path in head_files if "/" in path}
        self._by_folder: dict[str, list[str]] | None = None
        self.head_sizes = {blob: size for blob, size in head_files.values()}
        self._sorted = sorted(self.shas)
        self.on_head = self._reach(self.head, bytearray(len(self.shas)))
        self.owner = self._owners(
            [
                (ref, self.index[sha])
                for ref, sha in ref_tips
                if sha in self.index and not ref.startswith(IGNORED_REFS)
            ]
        )
        self.ancestry: dict[int, int] = {}
        """index -> bit set (an int) of the commit's ancestors and itself, for wanted commits."""
        self.behind: dict[int, int] = {}
        self._chain: tuple[list[int], list[float]] | None = None
        self._touched: dict[str, tuple[int, ...]] = {}
        self._since: dict[tuple[int, str], int] = {}
        """(commit index, path) -> touching_since: notes of one day cite the same files at the
        same commit, and each answer walks the file's history with big-integer bit tests."""
        self._merges = sum(1 << index for index, of in enumerate(self.parents) if len(of) > 1)
        """Bit set of the merge commits: the log lists no files for them."""
        self._linear_since: dict[int, bool] = {}
        """index -> whether no merge is in HEAD's history and not in the commit's."""

    def _parse(self, log: str) -> tuple[list[CommitInfo], list[list[str]]]:
        """The commits of :func:`~.git.read_history`'s output, parents first, with their
        parents' SHAs; fills :attr:`touches` and :attr:`renamed_to` on the way."""
        records = log.split("\x1e")[1:]
        count = len(records)
        parent_shas: list[list[str]] = [[] for _ in range(count)]
        infos: list[CommitInfo | None] = [None] * count
        for position, record in enumerate(records):
            index = count - 1 - position  # git printed children first
            header, _, changes = record.partition("\0")
            sha, parents, name, email, authored, committed, subject = header.split("\x1f", 6)
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
        commits = [info for info in infos if info is not None]
        if len(commits) != count:
            raise ValueError("git log output could not be parsed")
        return commits, parent_shas

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
        """The ``--raw -z`` entries of one commit: ``:<modes> <old blob> <new blob> <status>``,
        then the path (a rename: the old path, then the new one)."""
        tokens = changes.removeprefix("\n").split("\0")
        position = 0
        while position < len(tokens) - 1:
            entry = tokens[position]
            if not entry.startswith(":"):
                position += 1
                continue
            old_mode, _, old_blob, _, status = entry[1:].split(" ", 4)
            status = status[:1]
            # No file in the parent: an addition (mode 000000); a submodule is no file either.
            before = None if old_mode in ("000000", "160000") else old_blob
            if status in ("R", "C"):
                old, new = tokens[position + 1], tokens[position + 2]
                position += 3
                self.touches[new].append((index, status, old))
                self._before[index, new] = None  # a rename's new path is a new file
                if status == "R":
                    self.touches[old].append((index, "r", new))
                    self.renamed_to[old].add(new)
                    self._before[index, old] = before
            else:
                self.touches[tokens[position + 1]].append((index, status, None))
                self._before[index, tokens[position + 1]] = before
                position += 2

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
        if index not in self.ancestry:
            self.ensure_ancestry([index])
        bits = self.ancestry[index]
        count = 0
        for other in self._touched_on_head(path):
            if not (bits >> other) & 1:
                count += 1
        self._since[index, path] = count
        return count

    def blob_at(self, index: int, path: str) -> tuple[bool, str | None]:
        """(known, the blob id of ``path`` in commit ``index``'s tree or ``None`` when it has no
        such file), from the log alone (no ``cat-file``). Known when the commit is in HEAD's
        history and no merge came since (the log lists no files for a merge, whose own tree
        may differ from both parents'): the oldest commit since that touched the path had it
        as the commit left it, and none means HEAD has it so. Call :meth:`ensure_ancestry`
        first."""
        if not self.on_head[index]:
            return False, None
        linear = self._linear_since.get(index)
        if linear is None:
            since = self.ancestry[self.head] & ~self.ancestry[index]
            linear = self._linear_since[index] = not since & self._merges
        if not linear:
            return False, None
        # With no merge since, HEAD's history is the commit's ancestors (lower indexes) and the
        # chain of its descendants up to HEAD (higher ones): no bit set needed.
        on_head, oldest = self.on_head, None
        for other, _, _ in self.touches.get(path, ()):  # newest first
            if other <= index:
                break
            if on_head[other]:
                oldest = other
        if oldest is None:
            return True, self.head_blobs.get(path)
        return True, self._before[oldest, path]

    def _touched_on_head(self, path: str) -> tuple[int, ...]:
        """The commits in HEAD's history that touched ``path`` or a later name of it (once per
        path: many notes cite the same file at different commits)."""
        found = self._touched.get(path)
        if found is None:
            on_head, touches = self.on_head, self.touches
            found = self._touched[path] = tuple(
                {
                    other
                    for name in (path, *self.renamed_forward(path))
                    for other, _, _ in touches.get(name, ())
                    if on_head[other]
                }
            )
        return found

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

"""Drift of the code notes cite: each cited file at the note's commit against HEAD.

Which files a note cites comes from :func:`~.coderefs.find_candidates`; here they are looked up
in git (``<commit>:<path>`` in one ``cat-file --batch-check``), followed through renames to HEAD,
and, when their lines are cited, both versions are read (one ``cat-file --batch``) and compared in
Python. ``<commit>:<path>`` never changes, so those answers are kept across HEAD moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..core.markdown_scan import scan_of
from .code_refs import (
    CodeRef,
    LineChanges,
    RefCandidate,
    RefStatus,
    RefSyntax,
    code_span_paths,
    compare_lines,
    find_candidates,
    span_candidate,
)
from .history import History
from .readers import cat_file
from .runner import GitError

MAX_DIFF_BYTES = 4_000_000
"""Larger files are not read to compare lines; a line range in one counts as changed."""

_Located = tuple[str, str | None, str | None, str | None]
"""(path as cited, its blob at the note's commit, its path at HEAD, its blob at HEAD)."""


class CodeRefReader:
    """The code references of notes, with their drift; caches what never changes."""

    def __init__(
        self, root: Path | None, skip_prefixes: tuple[str, ...], notice: Callable[[str], None]
    ) -> None:
        self.root = root
        self.skip_prefixes = skip_prefixes
        """Repository paths never taken for code references (e.g. the notes folder)."""
        self._notice = notice
        self._blob_at: dict[tuple[str, str], str | None] = {}
        """(commit, path) -> blob id there, or ``None`` when the path is not a file there."""
        self._line_changes: dict[tuple[str, str], LineChanges] = {}
        """(old blob, new blob) -> where the text changed."""
        self._sizes: dict[str, int] = {}
        self._found: dict[str, tuple[str, list[RefCandidate]]] = {}
        self._unreadable: set[str] = set()
        """Note commits whose files git could not read this build."""
        self._fetched: set[tuple[str, str]] = set()
        """(commit, note path) pairs fetched this build: a note's second look costs nothing."""
        self._typos: dict[tuple[str, ...], tuple[str, str | None] | None] = {}
        self._typos_of: History | None = None

    def new_build(self) -> None:
        """Forget this build's failures and fetches (HEAD may have moved: other pairs to read)."""
        self._unreadable.clear()
        self._fetched.clear()

    def candidates(self, rel_path: str, body: str) -> list[RefCandidate]:
        # Parsed once per body text: a serve rebuild re-parses only notes that changed.
        cached = self._found.get(rel_path)
        if cached is None or cached[0] != body:
            cached = (body, find_candidates(body, rel_path, self.skip_prefixes))
            self._found[rel_path] = cached
            self._fetched = {pair for pair in self._fetched if pair[1] != rel_path}
        return cached[1]

    def fetch(
        self, history: History, wanted: Iterable[tuple[str, str, list[RefCandidate]]]
    ) -> None:
        """Look up, in at most two processes, what the references of these (commit, note path,
        candidates) need: each cited path's blob at the commit, then both versions of every file
        whose cited lines must be compared."""
        todo = [item for item in wanted if (item[0], item[1]) not in self._fetched]
        if not todo:
            return
        if self._read_blob_ids(history, todo):
            self._compare(history, self._pairs_to_compare(history, todo))
        self._fetched.update((full, rel_path) for full, rel_path, _ in todo)

    def _read_blob_ids(
        self, history: History, todo: list[tuple[str, str, list[RefCandidate]]]
    ) -> bool:
        """Each cited path's blob at each commit, with the size of each old version (whether it
        is small enough to compare), asking git only what the log does not tell, in one
        process; ``False`` when git could not tell."""
        ask: dict[tuple[str, str], None] = {}
        unsized: dict[str, None] = {}
        head_blobs, touches, known = history.head_blobs, history.touches, self._blob_at
        for full, _, candidates in todo:
            index = history.index.get(full)
            for candidate in candidates:
                for path in candidate.alternatives:
                    key = (full, path)
                    if key in known or "\n" in path:  # a newline would end the request early
                        continue
                    found, blob = (False, None) if index is None else history.blob_at(index, path)
                    if found:
                        known[key] = blob  # the usual case: the log tells, no tree is walked
                        if blob and blob not in history.head_sizes and blob not in self._sizes:
                            unsized[blob] = None
                    elif path in head_blobs or path in touches:
                        ask[key] = None
        if not ask and not unsized:
            return True
        assert self.root is not None
        try:
            # A blob id is found without walking a tree: its size costs next to nothing.
            answers = cat_file(self.root, [*(f"{c}:{p}" for c, p in ask), *unsized], contents=False)
        except GitError as error:
            # Not knowing is not "missing": these notes' references are shown unpinned.
            self._notice(f"{self.root}: {error}; code drift is unknown")
            self._unreadable.update(commit for commit, _ in ask)
            self._sizes.update((blob, MAX_DIFF_BYTES + 1) for blob in unsized)  # never read
            return False
        for key, (object_id, kind, size, _) in zip(ask, answers, strict=False):
            known[key] = object_id if kind == "blob" else None
            if kind == "blob":
                self._sizes[object_id] = size
        for blob, (_, kind, size, _) in zip(unsized, answers[len(ask) :], strict=True):
            self._sizes[blob] = size if kind == "blob" else MAX_DIFF_BYTES + 1
        return True

    def _pairs_to_compare(
        self, history: History, todo: list[tuple[str, str, list[RefCandidate]]]
    ) -> list[tuple[str, str]]:
        """(old blob, new blob) of every cited line range whose file changed since the note."""
        pairs: dict[tuple[str, str], None] = {}
        for full, _, candidates in todo:
            index = history.index.get(full)
            for candidate in candidates:
                if candidate.start is None:
                    continue
                found = self._locate(history, candidate, full, index)
                if found is None:
                    continue
                _, old, _, new = found
                if old and new and old != new and (old, new) not in self._line_changes:
                    pairs[old, new] = None
        return list(pairs)

    def _compare(self, history: History, pairs: list[tuple[str, str]]) -> None:
        if not pairs:
            return
        assert self.root is not None
        sizes = history.head_sizes
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
            self._notice(f"{self.root}: {error}; changed lines are unknown")
            answers = [("", "missing", 0, None)] * len(blobs)
        text = {blob: data for blob, (_, _, _, data) in zip(blobs, answers, strict=True)}
        for old, new in pairs:
            before, after = text.get(old), text.get(new)
            if before is None or after is None:
                self._line_changes[old, new] = LineChanges(exact=False)
            else:
                self._line_changes[old, new] = compare_lines(before, after)

    def _locate(
        self, history: History, candidate: RefCandidate, full: str, index: int | None
    ) -> _Located | None:
        """Where the cited file is at the note's commit and at HEAD, or ``None`` when no
        alternative exists at either commit."""
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

    def code_refs(
        self,
        history: History,
        candidates: list[RefCandidate],
        full: str | None,
        index: int | None,
    ) -> list[CodeRef]:
        """The references among ``candidates`` that exist at the commit ``full`` or at HEAD
        (call :meth:`fetch` for the commit first)."""
        if full is None or full == history.head_sha or full in self._unreadable:
            # Nothing to compare with (no commit, an unknown one, or HEAD itself).
            pinned = full == history.head_sha
            found = (_at_head(history, candidate, pinned) for candidate in candidates)
        else:
            found = (self._drift(history, candidate, full, index) for candidate in candidates)
        return [ref for ref in found if ref is not None]

    def _drift(
        self, history: History, candidate: RefCandidate, full: str, index: int | None
    ) -> CodeRef | None:
        found = self._locate(history, candidate, full, index)
        if found is None:
            return None  # not a repository path at either commit
        path, old, current, new = found
        start, end = candidate.start, candidate.end
        since = history.touching_since(index, path) if index is not None else None
        if old is None:
            return _ref(
                candidate,
                path,
                RefStatus.NOT_AT_COMMIT,
                history.head_sha,
                path,
                start,
                end,
                commits_since=since,
            )
        if current is None or new is None:
            return _ref(candidate, path, RefStatus.DELETED, full, None, commits_since=since)
        renamed = current != path
        if old == new:
            status = RefStatus.RENAMED if renamed else RefStatus.UNCHANGED
            return _ref(
                candidate,
                path,
                status,
                full,
                current,
                start,
                end,
                lines_changed=False if renamed and start is not None else None,
                commits_since=since,
            )
        lines_changed, moved_start, moved_end = self._cited_lines(old, new, start, end)
        if renamed:
            status = RefStatus.RENAMED
        elif lines_changed is False:
            status = RefStatus.LINES_UNCHANGED
        else:
            status = RefStatus.CHANGED
        return _ref(
            candidate,
            path,
            status,
            full,
            current,
            moved_start,
            moved_end,
            lines_changed=lines_changed,
            commits_since=since,
        )

    def _cited_lines(
        self, old: str, new: str, start: int | None, end: int | None
    ) -> tuple[bool | None, int | None, int | None]:
        """(did the cited lines change, their start and end at HEAD when they did not)."""
        if start is None or end is None:
            return None, None, None
        changes = self._line_changes.get((old, new), LineChanges(exact=False))
        if changes.lines_changed(start, end):
            return True, None, None
        return False, *changes.moved_lines(start, end)

    def unknown_paths(
        self, history: History, rel_path: str, body: str
    ) -> Iterator[tuple[RefCandidate, str, str | None]]:
        """Backticked paths that look like files of this repository (a file name with an
        extension, under a folder HEAD has) but that no commit ever had: likely typos. Paths a
        note cites before they exist, or after they were deleted, are not among them. Taken
        from the note's candidates when the site found them; else (`thoughts check`) from its
        code spans, making a candidate only of a path that never existed."""
        if self._typos_of is not history:
            self._typos, self._typos_of = {}, history
        cached = self._found.get(rel_path)
        if cached is not None and cached[0] == body:
            for candidate in cached[1]:
                if candidate.syntax is RefSyntax.CODE:
                    typo = self._typo(history, candidate.alternatives)
                    if typo is not None:
                        yield candidate, *typo
            return
        scan = scan_of(body)
        for span, alternatives in code_span_paths(scan, rel_path, self.skip_prefixes):
            typo = self._typo(history, alternatives)
            if typo is not None:
                yield span_candidate(scan, span, rel_path, self.skip_prefixes), *typo

    def _typo(
        self, history: History, alternatives: tuple[str, ...]
    ) -> tuple[str, str | None] | None:
        """(path, closest file at HEAD) when none of ``alternatives`` ever existed and the
        first looks like a file of this repository; remembered per history (the notes of a
        folder cite the same files again and again)."""
        try:
            return self._typos[alternatives]
        except KeyError:
            pass
        typo = None
        path = alternatives[0]
        folder, _, name = path.rpartition("/")
        if (
            "." in name.strip(".")
            and folder.split("/", 1)[0] in history.top_folders
            and not any(
                other in history.head_blobs or other in history.touches for other in alternatives
            )
        ):
            typo = (path, history.closest_file(path))
        self._typos[alternatives] = typo
        return typo


def _at_head(history: History, candidate: RefCandidate, pinned: bool) -> CodeRef | None:
    """The reference shown at HEAD: unchanged when the note's commit is HEAD, else unpinned."""
    for path in candidate.alternatives:
        if path in history.head_blobs:
            status = RefStatus.UNCHANGED if pinned else RefStatus.UNPINNED
            return _ref(
                candidate,
                path,
                status,
                history.head_sha,
                path,
                candidate.start,
                candidate.end,
                commits_since=0 if pinned else None,
            )
    return None


def _ref(
    candidate: RefCandidate,
    path: str,
    status: RefStatus,
    sha: str,
    current_path: str | None,
    current_start: int | None = None,
    current_end: int | None = None,
    *,
    lines_changed: bool | None = None,
    commits_since: int | None = None,
) -> CodeRef:
    return CodeRef(
        path,
        candidate.start,
        candidate.end,
        candidate.text,
        candidate.syntax,
        candidate.line,
        candidate.column,
        status,
        sha,
        current_path,
        current_start,
        current_end,
        lines_changed,
        commits_since,
    )

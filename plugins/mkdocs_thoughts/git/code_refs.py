"""Code references in note bodies, and how far the cited code drifted since the note's commit.

Recognised forms (each may sit in prose, in an inline code span, or be a Markdown link's target):

- ``src/a.py:12``, ``src/a.py:12-20`` (also ``:L12-L20``, and ``:12:5`` line:column);
- ``src/a.py#L12``, ``src/a.py#L12-L20``, ``src/a.py#L12-20`` (forge anchors);
- a repository path in backticks: `` `src/preprocessing/parser.py` `` (also pytest's
  ``src/test_a.py::test_name``);
- a path in prose when it has a folder part (``src/a.py``) or a line suffix (``Makefile:3``);
- Markdown links ``[x](../../src/a.py#L3)``: relative to the note's folder first, as Markdown
  reads them, then to the repository root; a leading ``/`` means the repository root.

Paths inside fenced code blocks are not references: fences hold commands, logs and code whose
paths are not citations (``python src/train.py``), and no link could be rendered there anyway.
URLs are not references either. A path resolving outside the repository root is dropped here,
before anything looks it up, and nothing is ever read from disk: whether a path exists is
answered by git, at the note's commit or at HEAD.

This module is pure text: :mod:`.info` feeds it git's answers.
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

from ..core.markdown_scan import scan_of
from ..core.markdown_scan_model import BodyScan, CodeSpan, LinkKind

# --- finding candidates in Markdown -------------------------------------------------------------

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+|\bwww\.\S+|\bmailto:\S+")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LINES = r"(?::L?\d+(?:[-–]L?\d+)?(?::\d+)?|#L\d+(?:-L?\d+)?)"
_PATH_CHARS = r"[\w.@+~-]"
# A path in prose needs a folder part or a line suffix: a lone word is too likely just a word.
_BARE = re.compile(
    rf"(?<![\w/.@+~:#-])"
    rf"(?P<path>(?:\.{{1,2}}/|/)?(?:{_PATH_CHARS}+/)+{_PATH_CHARS}+|{_PATH_CHARS}+(?={_LINES}))"
    rf"(?P<lines>{_LINES})?"
)
_SPAN_REF = re.compile(rf"^(?P<path>[\w./@+~-]+)(?P<lines>{_LINES}|::[\w\[\].-]+)?$")
_LINE_NUMBERS = re.compile(r"L?(\d+)(?:[-–:]L?(\d+))?")
_LINE_COLUMN = re.compile(r"L?\d+:\d+")
_LINES_AT_END = re.compile(_LINES + "$")
# `/`, `:`, a backtick, `[` or `#L`, written to start with one character class: the regex engine
# then skips to the next of those characters (an alternation is tried at every position, 2.5
# times as slow over prose that has none).
_MARKERS = re.compile(r"[/:`\[#](?:(?<=#)L|(?<!#))")


class RefSyntax(StrEnum):
    CODE = "code"
    """In an inline code span: `` `src/a.py:12` ``."""
    LINK = "link"
    """The target of a Markdown link: ``[parser](../../src/a.py#L3)``."""
    TEXT = "text"
    """In prose: ``see src/a.py:12``."""


# Not frozen: a frozen dataclass's __init__ costs several times as much, and a build makes
# one per possible reference of every note. Hashed by value all the same; nothing assigns to one.
@dataclass(slots=True, unsafe_hash=True)
class RefCandidate:
    """Something in a note that reads like a repository path; git decides whether it is one."""

    alternatives: tuple[str, ...]
    """Repository-relative paths it may mean, most likely first (all inside the repository)."""
    start: int | None
    end: int | None
    text: str
    """The exact source text (with backticks, or the whole ``[..](..)`` link)."""
    syntax: RefSyntax
    line: int
    """1-based line in the note body (add the note's ``body_line - 1`` for the file's line)."""
    column: int
    """1-based column of ``text`` in that line."""


def find_candidates(
    body: str | BodyScan, note_rel_path: str, skip_prefixes: Sequence[str] = ()
) -> list[RefCandidate]:
    """Every possible code reference in a note body (or its scan), in reading order."""
    scan = body if isinstance(body, BodyScan) else scan_of(body)
    note_dir = posixpath.dirname(note_rel_path)
    skip = tuple(skip_prefixes)  # once: the caches below are keyed by it
    hits: list[tuple[int, int, RefCandidate]] = []
    for link in scan.links:
        # Only an inline link can be relinked where it stands; an image shows, not cites.
        if link.kind is not LinkKind.INLINE or link.image:
            continue
        text = scan.text(link.start, link.end)
        candidate = _from_link(link.target, text, link.line, link.column - 1, note_dir, skip)
        if candidate:
            hits.append((link.line, link.column, candidate))
    for span in scan.code_spans:
        if span.in_link:
            continue  # a code span in a link's text belongs to the link
        text = scan.span_text(span)
        candidate = _from_code_span(text, span.line, span.column - 1, note_dir, skip)
        if candidate:
            hits.append((span.line, span.column, candidate))
    # Every form in prose needs one of the markers; most prose lines have none.
    for number, line in scan.prose_lines(_MARKERS):
        for column, candidate in _bare(line, number, note_dir, skip):
            hits.append((number, column, candidate))
    hits.sort(key=lambda hit: hit[:2])
    return [candidate for _, _, candidate in hits]


def code_span_paths(
    scan: BodyScan, note_rel_path: str, skip_prefixes: tuple[str, ...] = ()
) -> Iterator[tuple[CodeSpan, tuple[str, ...]]]:
    """The code spans :func:`find_candidates` takes for references, each with the paths it may
    mean, in reading order: for `thoughts check`, which reads the paths alone (TH303) and
    needs a span's :func:`span_candidate` only for a path that never existed."""
    note_dir = posixpath.dirname(note_rel_path)
    for span in scan.code_spans:
        if not span.in_link:
            found = _span_path(scan.span_text(span), note_dir, skip_prefixes)
            if found is not None:
                yield span, found[0]


def span_candidate(
    scan: BodyScan, span: CodeSpan, note_rel_path: str, skip_prefixes: tuple[str, ...] = ()
) -> RefCandidate:
    """The candidate :func:`find_candidates` makes of a span :func:`code_span_paths` yields."""
    note_dir = posixpath.dirname(note_rel_path)
    text = scan.span_text(span)
    candidate = _from_code_span(text, span.line, span.column - 1, note_dir, skip_prefixes)
    assert candidate is not None, "only for a span that reads as a path"
    return candidate


def _bare(
    line: str, number: int, note_dir: str, skip: tuple[str, ...]
) -> Iterator[tuple[int, RefCandidate]]:
    """Paths in prose (links and code spans already blanked), URLs left out."""
    if ":" in line or "www." in line:
        line = _URL.sub(lambda url: " " * len(url[0]), line)
    for match in _BARE.finditer(line):
        path, lines = match["path"], match["lines"]
        if not lines:
            path = path.rstrip(".")  # the full stop ending a sentence
        first, last = _line_range(lines)
        text = path + (lines or "")
        alternatives = _alternatives(path, note_dir, skip, False)
        if alternatives:
            column = match.start() + 1
            yield (
                column,
                RefCandidate(alternatives, first, last, text, RefSyntax.TEXT, number, column),
            )


def _from_link(
    target: str, text: str, number: int, offset: int, note_dir: str, skip: tuple[str, ...]
) -> RefCandidate | None:
    target = target.strip("<>").strip()
    if not target or target.startswith("#") or _SCHEME.match(target):
        return None  # an anchor on the same page, or a URL
    path, _, fragment = target.partition("#")
    path = unquote(path.partition("?")[0])
    start = end = None
    if fragment.startswith("L"):
        start, end = _line_range("#" + fragment)
    else:
        match = _LINES_AT_END.search(path)
        if match:
            path = path[: match.start()]
            start, end = _line_range(match[0])
    alternatives = _alternatives(path, note_dir, skip, True)
    if not alternatives:
        return None
    return RefCandidate(alternatives, start, end, text, RefSyntax.LINK, number, offset + 1)


def _from_code_span(
    text: str, number: int, offset: int, note_dir: str, skip: tuple[str, ...]
) -> RefCandidate | None:
    found = _span_path(text, note_dir, skip)
    if found is None:
        return None
    alternatives, lines = found
    start, end = (None, None) if not lines or lines.startswith("::") else _line_range(lines)
    return RefCandidate(alternatives, start, end, text, RefSyntax.CODE, number, offset + 1)


def _span_path(
    text: str, note_dir: str, skip: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None] | None:
    """The paths a code span (backticks included) may mean and its line suffix, or ``None``."""
    match = _SPAN_REF.match(text.strip("`").strip())
    if not match:
        return None
    alternatives = _alternatives(match["path"], note_dir, skip, False)
    return (alternatives, match["lines"]) if alternatives else None


# Cached: a corpus writes a few hundred distinct suffixes (`:12`, `:3-10`) thousands of times.
@functools.lru_cache(maxsize=4096)
def _line_range(suffix: str | None) -> tuple[int | None, int | None]:
    """``:12`` -> (12, 12); ``#L3-L5`` -> (3, 5); ``:12:5`` (line:column) -> (12, 12)."""
    if not suffix:
        return None, None
    body = suffix[1:]
    if suffix[0] == ":" and _LINE_COLUMN.fullmatch(body):
        body = body.split(":")[0]  # line:column
    match = _LINE_NUMBERS.match(body)
    if not match:
        return None, None
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if first == 0:
        return None, None
    return min(first, last), max(first, last)


@functools.lru_cache(maxsize=1 << 15)
def _alternatives(path: str, note_dir: str, skip: tuple[str, ...], link: bool) -> tuple[str, ...]:
    """The repository paths ``path`` may mean, most likely first, none outside the repository
    (cached: the notes of one folder cite the same files again and again).

    A link is relative to the note's folder (that is how Markdown reads it), and a leading ``/``
    means the repository root. A path in prose or code is usually written from the repository
    root, unless it starts with ``./`` or ``../``; there an absolute path is a machine's path,
    not a repository's. Notes are often moved after they were written, so a path climbing out
    with ``../`` is also tried from the root without its ``../`` steps.
    """
    if not path or path.endswith("/"):
        return ()
    if path.startswith("/"):
        if not link:
            return ()
        bases = [""]
    elif link or path.startswith(("./", "../")):
        bases = [note_dir, ""]
    else:
        bases = ["", note_dir]
    tries = [posixpath.join(base, path.lstrip("/")) for base in bases]
    if path.startswith("../"):
        tries.append(re.sub(r"^(?:\.\./)+", "", path))
    found: list[str] = []
    for attempt in tries:
        joined = posixpath.normpath(attempt)
        if joined in (".", "..") or joined.startswith(("../", "/")):
            continue  # outside the repository: never looked up
        if joined in found or any(joined.startswith(prefix) for prefix in skip):
            continue
        found.append(joined)
    return tuple(found)


# --- did the cited lines change? ---------------------------------------------------------------

MAX_DIFF_LINES = 20_000
"""Files longer than this are not diffed line by line (a cited range in them counts as changed)."""


@dataclass(frozen=True, slots=True)
class LineChanges:
    """Where a file's text changed between two versions (the note's commit and HEAD)."""

    hunks: tuple[tuple[int, int, int, int], ...] = ()
    """(old start, old count, new start, new count), as in ``git diff -U0``: a count of 0 means
    lines inserted or deleted *after* that line."""
    exact: bool = True
    """``False`` for binary or very long files: no line-level answer, every range changed."""

    def lines_changed(self, start: int, end: int) -> bool:
        """Whether any hunk touches the old lines ``start``-``end``."""
        if not self.exact:
            return True
        for old_start, old_count, _, _ in self.hunks:
            if old_count == 0:
                if start <= old_start < end:  # lines inserted inside the range
                    return True
            elif old_start <= end and old_start + old_count - 1 >= start:
                return True
        return False

    def moved_lines(self, start: int, end: int) -> tuple[int, int]:
        """Where the old lines ``start``-``end`` are in the new text (when they did not change)."""
        delta = 0
        for old_start, old_count, _, new_count in self.hunks:
            before = old_start + old_count - 1 < start if old_count else old_start < start
            if before:
                delta += new_count - old_count
        return start + delta, end + delta


def compare_lines(old: bytes, new: bytes) -> LineChanges:
    """The hunks between two versions of a file, computed here rather than by one ``git diff``
    per commit: both blobs come from a single ``git cat-file --batch`` for the whole build.

    (difflib may cut hunks differently from git's diff, but both are minimal enough that
    "did these lines change" gets the same answer for an edit, an insertion or a deletion.)
    """
    if b"\0" in old[:8000] or b"\0" in new[:8000]:  # git's own test for binary content
        return LineChanges(exact=False)
    a, b = old.split(b"\n"), new.split(b"\n")
    if max(len(a), len(b)) > MAX_DIFF_LINES:
        return LineChanges(exact=False)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            # git numbers an empty side by the line it follows: "-5,0" is "after line 5".
            hunks.append((i1 + 1 if i2 > i1 else i1, i2 - i1, j1 + 1 if j2 > j1 else j1, j2 - j1))
    return LineChanges(tuple(hunks))


# --- the result ---------------------------------------------------------------------------------


class RefStatus(StrEnum):
    UNCHANGED = "unchanged"
    """The file is the same at HEAD as at the note's commit."""
    LINES_UNCHANGED = "lines_unchanged"
    """The file changed, but not the cited lines (they may have moved: see ``current_start``)."""
    CHANGED = "changed"
    """The file (or, for a line reference, the cited lines) changed since the note's commit."""
    RENAMED = "renamed"
    """The file is at ``current_path`` now (``lines_changed`` tells about its content)."""
    DELETED = "deleted"
    NOT_AT_COMMIT = "not_at_commit"
    """The path exists at HEAD but not at the note's commit: a wrong commit or a wrong path."""
    UNPINNED = "unpinned"
    """The note names no commit git knows, so there is nothing to compare; linked at HEAD."""


DRIFTED = frozenset({RefStatus.CHANGED, RefStatus.RENAMED, RefStatus.DELETED})


# Not frozen: a frozen dataclass's __init__ costs several times as much, and a build makes
# one per reference of every note. Hashed by value all the same; nothing assigns to one.
@dataclass(slots=True, unsafe_hash=True)
class CodeRef:
    """One code reference of a note, resolved against git."""

    path: str
    """Repository-relative path as cited (at the note's commit, or at HEAD if not there)."""
    start: int | None
    end: int | None
    text: str
    syntax: RefSyntax
    line: int
    """1-based line in the note body (add the note's ``body_line - 1`` for the file's line)."""
    column: int
    status: RefStatus
    sha: str | None
    """The full SHA a permalink pins: the note's commit, or HEAD for ``not_at_commit`` and
    ``unpinned``; ``None`` only without git."""
    current_path: str | None
    """The path at HEAD (the new name when renamed); ``None`` when deleted."""
    current_start: int | None = None
    """The cited lines' place at HEAD, when they are unchanged (else ``None``)."""
    current_end: int | None = None
    lines_changed: bool | None = None
    """For a line reference to a file that changed: did the cited lines change?"""
    commits_since: int | None = None
    """Commits in HEAD's history after the note's commit that touched the file (``None`` when
    git cannot tell, e.g. the commit is on no ref)."""

    @property
    def drifted(self) -> bool:
        return self.status in DRIFTED

    @property
    def lines(self) -> str:
        """``12`` or ``12-20`` or empty."""
        if self.start is None:
            return ""
        return str(self.start) if self.end in (None, self.start) else f"{self.start}-{self.end}"

    @property
    def label(self) -> str:
        """``src/a.py:12-20``: how a page can name the reference."""
        return f"{self.path}:{self.lines}" if self.lines else self.path

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        """What makes two mentions the same reference (for counting)."""
        return (self.path, self.start, self.end)

    def problem(self) -> tuple[str, str] | None:
        """(message, hint) for a diagnostic, or ``None`` when the reference is fine.

        A path that exists now but not at the note's commit is expected (a file added with the
        note, after its ``git_commit``, or one a plan proposed): the page marks it, no warning.
        Only a path that never existed is a likely typo (:func:`unknown_path_problem`)."""
        return None


def unknown_path_problem(path: str, suggestion: str | None) -> tuple[str, str]:
    """(message, hint) for a backticked repository path that no commit ever had."""
    return (
        f"{path} names no file that ever existed in the repository",
        f"did you mean {suggestion}?" if suggestion else "check the path for a typo",
    )


@dataclass(frozen=True, slots=True)
class Drift:
    """How stale a note's code references are, for ordering a "Drift" page."""

    references: int
    """Distinct references (path + line range) that could be compared."""
    drifted: int
    """Of those: changed, renamed or deleted since the note's commit."""
    lines_unchanged: int
    not_at_commit: int
    unpinned: int
    commits_since: int
    """The most commits touching any one cited file since the note's commit."""

    @property
    def score(self) -> float:
        """Share of the comparable references that drifted (0 when none can be compared)."""
        return self.drifted / self.references if self.references else 0.0

    def sort_key(self) -> tuple[float, int, int]:
        """Sorting by this in reverse puts the stalest notes first."""
        return (self.score, self.drifted, self.commits_since)

    @classmethod
    def of(cls, refs: Iterable[CodeRef]) -> Drift:
        seen: set[tuple[str, int | None, int | None]] = set()
        compared = drifted = lines_unchanged = not_at_commit = unpinned = most = 0
        for ref in refs:
            key = ref.key
            if key in seen:
                continue  # the first reference to a (path, lines) counts
            seen.add(key)
            status = ref.status
            if status is RefStatus.UNPINNED:
                unpinned += 1
            elif status is RefStatus.NOT_AT_COMMIT:
                not_at_commit += 1
            else:
                compared += 1
                drifted += status in DRIFTED
                lines_unchanged += status is RefStatus.LINES_UNCHANGED
                most = max(most, ref.commits_since or 0)
        return cls(compared, drifted, lines_unchanged, not_at_commit, unpinned, most)

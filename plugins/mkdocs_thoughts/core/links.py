"""Relations between notes: values of relation fields and references in note bodies, resolved.

Real notes write a target as a path from the repository root, a path relative to the note, a bare
file name living in another notes folder, with ``:123`` or ``#anchor`` suffixes, or as a URL or an
id such as ``PRD-002``; only path-like values are expected to name a note. Bodies refer to notes
with Markdown links (``[x](../plans/y.md)``) and with backticked paths (`` `thoughts/.../y.md` ``).
Every path resolves inside the repository or not at all.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import operator
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote

from .frontmatter import Position
from .markdown_scan_model import BodyScan, CodeSpan, LinkKind
from .notes import FOLDER_PAGES, Note, RelationValue
from .repofiles import RepoFiles

_WEB_URL = re.compile(r"https?://\S", re.IGNORECASE)
# Any other scheme (javascript:, mailto:, urn:) is text: only web URLs become links on a page.
# A `name.md:12` suffix is a line number, not a scheme.
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d+(-\d+)?$)(?!\s)")
_SUFFIX = re.compile(r"(#.*|:\d+(-\d+)?)$")
_PATH_IN_PROSE = re.compile(r"(?:^|(?<=\s))([^\s'\"`<>()]+?\.md)(?=$|[\s:#),;])", re.IGNORECASE)
_TYPO_RATIO = 0.93
"""How alike two file names must be to suggest one for the other (two or three characters off in
a 40-character name); looser, and deleted notes get confident wrong suggestions in the corpora."""
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[_-]\d{2}-\d{2}(?:-\d{2})?)?[_-]")

_PLACEHOLDER = re.compile(r"[{}\[\]*<>|]")

BODY_FIELD = "body"
"""The ``field`` of a :class:`RelationValue` found in a note's body rather than its frontmatter."""


class TargetKind(StrEnum):
    NOTE = "note"
    FILE = "file"
    """A file of the repository that is not a note (a PRD, an ADR, the README): a citation."""
    MISSING = "missing"
    URL = "url"
    TEXT = "text"


class Origin(StrEnum):
    """Where a relation was written."""

    FIELD = "field"
    """A relation field of the frontmatter (``based_on: ...``)."""
    LINK = "link"
    """A Markdown link in the body."""
    MENTION = "mention"
    """A backticked path to a note in the body."""


@dataclass(frozen=True, slots=True)
class Relation:
    source: Note
    value: RelationValue
    kind: TargetKind
    target: Note | None = None
    origin: Origin = Origin.FIELD
    by_name: bool = False
    """The written path names no file and the target was found by its file name alone (a moved
    note, or a bare file name): worth a did-you-mean with the target's real path."""
    file: str | None = None
    """For a :attr:`TargetKind.FILE`, the file's path from the repository root (``None`` when
    a bare name matches several files)."""


@dataclass(frozen=True, slots=True)
class BodyReference:
    """A reference to a note found in a body, before resolution."""

    origin: Origin
    value: RelationValue


class NoteIndex:
    """All notes of a build, by absolute path and by file name, for resolving references."""

    def __init__(
        self,
        notes: Iterable[Note],
        repo_root: Path,
        notes_root: Path,
        files: RepoFiles | None = None,
    ) -> None:
        self.repo_root = repo_root
        self.notes_root = notes_root
        self.files = files
        """The repository's other files: a path naming one is a citation, not a missing note."""
        self.by_path: dict[str, Note] = {}
        self.by_name: dict[str, list[Note]] = {}
        self.by_stem: dict[str, list[Note]] = {}
        self.by_slug: dict[str, list[Note]] = {}
        # Plain strings: resolving tens of thousands of references through pathlib is slow.
        self._repo_text = os.path.normpath(repo_root)
        self._notes_text = os.path.normpath(notes_root)
        self._notes_parent_text = os.path.dirname(self._notes_text)
        # A reference may reach any file of the repository (and the notes root, should it be
        # configured outside), nothing else: not even a note handed in from elsewhere.
        self._allowed = tuple(
            root.rstrip(os.sep) + os.sep for root in {self._repo_text, self._notes_text}
        )
        for note in notes:
            path = os.path.normpath(note.path)
            if not path.startswith(self._allowed):
                continue
            self.by_path[path] = note
            name = _base_name(note.doc_uri)
            self.by_name.setdefault(name, []).append(note)
            self.by_stem.setdefault(name.removesuffix(".md"), []).append(note)
            self.by_slug.setdefault(_slug(name), []).append(note)

    def resolve(
        self, source: Note, value: RelationValue, origin: Origin = Origin.FIELD
    ) -> Relation:
        text = value.text.strip().strip("`'\"<>").strip()
        if _WEB_URL.match(text):
            return Relation(source, value, TargetKind.URL, origin=origin)
        if _SCHEME.match(text):
            return Relation(source, value, TargetKind.TEXT, origin=origin)
        path_text = _path_text(unquote(text) if origin is Origin.LINK else text)
        if path_text is None:
            target = self._by_stem(text)
            kind = TargetKind.NOTE if target else TargetKind.TEXT
            return Relation(source, value, kind, target, origin)
        # A Markdown link is relative to its page; a frontmatter path usually to the repository.
        relative_first = origin is Origin.LINK or path_text.startswith(("./", "../"))
        # `sub/thoughts/plans/x.md` in backticks: the whole path first, then from the notes
        # folder on (an absolute path from someone's machine, or another checkout's).
        cut = _from_folder(path_text, self.notes_root.name) if origin is Origin.MENTION else None
        for attempt in (path_text, cut):
            if attempt is None:
                continue
            target = self._at_path(source, attempt, relative_first)
            if target is not None:
                return Relation(source, value, TargetKind.NOTE, target, origin)
            file = self._file_at(source, attempt, relative_first)
            if file is not None:
                return Relation(source, value, TargetKind.FILE, origin=origin, file=file)
        # A note of that file name elsewhere (moved); for a bare name, any repository file of
        # that name (a citation of a document that lives elsewhere).
        target = self._by_name(source, path_text)
        if target is not None:
            return Relation(source, value, TargetKind.NOTE, target, origin, by_name=True)
        if self.files is not None and "/" not in path_text.replace("\\", "/"):
            named = self.files.named(_base_name(path_text))
            if named:
                only = named[0] if len(named) == 1 else None
                return Relation(source, value, TargetKind.FILE, origin=origin, file=only)
        return Relation(source, value, TargetKind.MISSING, origin=origin)

    def find(self, source: Note, path_text: str, *, relative_first: bool = False) -> Note | None:
        """The note a path names, tried from the repository root, the note's folder, the notes
        root and its parent; else the only note with that file name. Never outside the repo."""
        return self._locate(source, path_text, relative_first)[0]

    def _locate(
        self, source: Note, path_text: str, relative_first: bool
    ) -> tuple[Note | None, bool]:
        note = self._at_path(source, path_text, relative_first)
        if note is not None:
            return note, False
        found = self._by_name(source, path_text)
        return found, found is not None

    def _candidates(self, source: Note, path_text: str, relative_first: bool) -> list[str]:
        """Absolute paths ``path_text`` may mean, most likely first, none outside the repo."""
        path_text = path_text.replace("\\", "/")
        relative = path_text.lstrip("/")
        source_dir = os.path.dirname(source.path)
        bases = [self._repo_text, source_dir, self._notes_text, self._notes_parent_text]
        if relative_first and not path_text.startswith("/"):
            bases.insert(0, bases.pop(1))
        found = []
        for base in bases:
            candidate = os.path.normpath(os.path.join(base, relative))
            # A path from a note never reaches outside the repository.
            if candidate.startswith(self._allowed) and candidate not in found:
                found.append(candidate)
        return found

    def _at_path(self, source: Note, path_text: str, relative_first: bool) -> Note | None:
        for candidate in self._candidates(source, path_text, relative_first):
            note = self.by_path.get(candidate)
            if note is not None:
                return note
        return None

    def _file_at(self, source: Note, path_text: str, relative_first: bool) -> str | None:
        """The repository file (not a note) the path names, relative to the repository root."""
        prefix = self._repo_text.rstrip(os.sep) + os.sep
        for candidate in self._candidates(source, path_text, relative_first):
            if not candidate.startswith(prefix):
                continue  # the notes root configured outside the repository
            rel_path = candidate[len(prefix) :].replace(os.sep, "/")
            if self._folder_page(candidate) or (self.files and self.files.exists(rel_path)):
                return rel_path
        return None

    def _folder_page(self, candidate: str) -> bool:
        # `../plans/index.md`: the folder's page, which the plugin writes when the team did not.
        notes_prefix = self._notes_text.rstrip(os.sep) + os.sep
        return (
            os.path.basename(candidate).lower() in FOLDER_PAGES
            and (candidate + os.sep).startswith(notes_prefix)
            and os.path.isdir(os.path.dirname(candidate))
        )

    def _by_name(self, source: Note, path_text: str) -> Note | None:
        # A moved note, or a bare file name living in another folder: the one note of that name.
        # Never the source itself: a plan naming `research/<its own file name>` means a research
        # note that is gone, not the plan.
        same_name = [
            note for note in self.by_name.get(_base_name(path_text), []) if note is not source
        ]
        if len(same_name) <= 1:
            return same_name[0] if same_name else None
        # Several notes share the name: the one whose path agrees with the written one in the
        # most trailing folders (`old/plans/x.md` -> `shared/plans/x.md`), else the one beside
        # the source.
        written = path_text.lower().replace("\\", "/").split("/")
        agreement = {
            note.rel_path: _common_tail(written, note.rel_path.lower().split("/"))
            for note in same_name
        }
        best = max(agreement.values())
        winners = [note for note in same_name if agreement[note.rel_path] == best]
        if best > 1 and len(winners) == 1:
            return winners[0]
        beside = [note for note in same_name if note.path.parent == source.path.parent]
        return beside[0] if len(beside) == 1 else None

    def _by_stem(self, text: str) -> Note | None:
        # `related: 2025-12-03_18-14_topic` without `.md` still names a note, when exactly one.
        if not text or any(char.isspace() for char in text):
            return None
        matches = self.by_stem.get(_base_name(text), [])
        return matches[0] if len(matches) == 1 else None

    def suggest(self, path_text: str, source: Note | None = None) -> str | None:
        """The note a missing target most likely meant, for a did-you-mean: one with the same
        file name elsewhere, the same topic under another date (notes get redated), or a name
        a typo away; never ``source`` itself. Deliberately strict: a confident wrong guess
        costs more than none."""
        name = _base_name(_SUFFIX.sub("", path_text.strip().strip("`'\"<>")))
        if not name:
            return None
        candidates = self.by_name.get(name) or (
            self.by_slug.get(_slug(name), []) if _slug(name) != name else []
        )
        if not candidates:
            match = difflib.get_close_matches(name, list(self.by_name), n=1, cutoff=_TYPO_RATIO)
            candidates = self.by_name[match[0]] if match else []
        return min((note.rel_path for note in candidates if note is not source), default=None)

    def relations(
        self, note: Note, *, body: bool = True, folder: str | None = None
    ) -> list[Relation]:
        """Every relation of one note, resolved: its relation fields, then (by default) the
        links and mentions in its body."""
        found = [self.resolve(note, value) for value in note.meta.relations]
        return found + self.body_relations(note, folder) if body else found

    def body_relations(self, note: Note, folder: str | None = None) -> list[Relation]:
        """The links and mentions in a note's body, resolved. ``folder`` is the folder name a
        mentioned path starts with (default: the notes root's, e.g. ``thoughts``)."""
        return [
            self.resolve(note, reference.value, reference.origin)
            for reference in body_references(note, folder or self.notes_root.name)
        ]


def body_references(note: Note, folder: str = "thoughts") -> list[BodyReference]:
    """Markdown links to ``.md`` files (inline, reference definitions, ``<x.md>``) and
    backticked ``<folder>/...md`` paths in a note's body, outside code, each distinct target
    once (at its first place)."""
    scan = note.markdown
    # (line, 0 for a mention / 1 for a link, column, origin, text): the order the text reads,
    # a line's mentions before its links.
    places: list[tuple[int, int, int, Origin, str]] = []
    offset = note.body_line - 1
    mention = _mention_pattern(folder)
    for span in _spans_naming_md(scan):
        content, column = scan.span_content(span)
        matched = mention.fullmatch(content.strip())
        if matched and not _PLACEHOLDER.search(matched[1]):
            text = matched[1] + (matched[2] or "")
            places.append((span.line + offset, 0, column, Origin.MENTION, text))
    for link in scan.links:
        if link.kind is LinkKind.REFERENCE:
            continue  # its definition is the place the target is written
        if _is_note_link(link.target):
            places.append(
                (link.target_line + offset, 1, link.target_column, Origin.LINK, link.target)
            )
    found: list[BodyReference] = []
    seen: set[tuple[Origin, str]] = set()
    for line, _, column, origin, text in sorted(places, key=lambda place: place[:3]):
        if origin is Origin.MENTION and _base_name(_SUFFIX.sub("", text)) in FOLDER_PAGES:
            continue  # index.md and README.md are folder pages, never notes
        if (origin, text) not in seen:
            seen.add((origin, text))
            found.append(
                BodyReference(origin, RelationValue(BODY_FIELD, text, Position(line, column)))
            )
    return found


_MD = re.compile(r"\.[mM][dD]")  # what `.md` in `text.lower()` finds
_START = operator.attrgetter("start")


def _spans_naming_md(scan: BodyScan) -> Iterator[CodeSpan]:
    """The code spans with `.md` (in any case) between their backticks, in order: looked up
    from where `.md` stands in the body, instead of reading every span (a note cites code in
    dozens of spans, and a note in a few)."""
    spans = scan.code_spans
    if not spans:
        return
    last = -1
    for match in _MD.finditer(scan.body):
        at = match.start()
        index = bisect.bisect_right(spans, at, key=_START) - 1
        if index > last:
            span = spans[index]
            if span.start + span.ticks <= at and match.end() <= span.end - span.ticks:
                last = index
                yield span


@functools.lru_cache(maxsize=8)
def _mention_pattern(folder: str) -> re.Pattern[str]:
    # The whole path is kept (`sub/thoughts/plans/x.md` may exist as written); resolution cuts
    # it at the folder only when it names nothing.
    return re.compile(
        rf"((?:[^\s`]*?/)?{re.escape(folder)}/[^\s`]+?\.md)(:\d+(?:-\d+)?|#[^\s`]*)?",
        re.IGNORECASE,
    )


def _from_folder(path_text: str, folder: str) -> str | None:
    """``a/b/thoughts/x.md`` -> ``thoughts/x.md`` (the first ``thoughts/``), or ``None``."""
    parts = path_text.replace("\\", "/").split("/")
    lowered = [part.lower() for part in parts]
    if folder.lower() not in lowered[1:-1]:
        return None
    return "/".join(parts[lowered.index(folder.lower(), 1) :])


def _is_note_link(target: str) -> bool:
    if not target or target.startswith("#") or _SCHEME.match(target) or "//" in target[:8]:
        return False
    return _SUFFIX.sub("", target.split("?")[0]).lower().endswith(".md")


def _path_text(text: str) -> str | None:
    """The path a relation value names (without ``:123``/``#anchor``), or ``None`` if none."""
    stripped = _SUFFIX.sub("", text)
    if stripped.lower().endswith(".md"):
        return stripped
    # "thoughts/shared/research/x.md (section 3)": a single path inside prose.
    paths = _PATH_IN_PROSE.findall(text)
    return paths[0] if len(paths) == 1 else None


def _common_tail(left: list[str], right: list[str]) -> int:
    """How many trailing path segments two paths share."""
    count = 0
    while count < min(len(left), len(right)) and left[-1 - count] == right[-1 - count]:
        count += 1
    return count


def _base_name(path_text: str) -> str:
    """The lower-case file name of a path written with either slash."""
    return path_text.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _slug(name: str) -> str:
    """A file name without its leading date and time: the topic, which survives redating."""
    return _DATE_PREFIX.sub("", name.lower())

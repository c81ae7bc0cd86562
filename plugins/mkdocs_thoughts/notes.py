"""A note: one Markdown file under the notes root, read into what every page and check needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as _date  # NoteMeta.date shadows the type in its class body
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic
from .frontmatter import Frontmatter, Position, parse_frontmatter, split_frontmatter

FOLDER_PAGES = frozenset({"index.md", "readme.md"})
FILE_NAME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<hour>\d{2})-(?P<minute>\d{2})(?:-(?P<second>\d{2}))?"
    r"_(?P<slug>[a-z0-9][a-z0-9_-]*)\.md"
)
LEADING_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
FENCE_LINE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class RelationValue:
    """One value of a relation field, as written (resolution happens once all notes are known)."""

    field: str
    text: str
    at: Position


@dataclass(slots=True)
class NoteMeta:
    """The note's frontmatter after validation; a field that failed validation is ``None``."""

    date: datetime | date | None = None
    researcher: str | None = None
    git_commit: str | None = None
    commit_remark: str | None = None
    """The remark in parentheses after ``git_commit``'s SHA (``(uncommitted changes on top)``)."""
    branch: str | None = None
    repository: str | None = None
    topic: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    last_updated: datetime | _date | None = None
    last_updated_by: str | None = None
    relations: list[RelationValue] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    stamp_commits: dict[str, str] = field(default_factory=dict)
    """The commit a date field names after its stamp, by field (``last_updated: 2026-04-01
    18:05, a7219ee``): the note's last-updated commit, checked like ``git_commit``."""


@dataclass(slots=True)
class Note:
    path: Path
    """Absolute path of the file."""
    rel_path: str
    """Path relative to the repository root, with forward slashes (used in diagnostics)."""
    doc_uri: str
    """Path relative to the notes root, with forward slashes."""
    note_type: str | None
    frontmatter: Frontmatter | None
    """``None`` when the note has no frontmatter block."""
    body: str
    body_line: int
    meta: NoteMeta
    title: str
    heading: str | None
    diagnostics: list[Diagnostic]
    mtime_ns: int = 0
    size: int = 0

    @property
    def stem(self) -> str:
        return PurePosixPath(self.doc_uri).stem

    @property
    def name(self) -> str:
        return self.doc_uri.rpartition("/")[2]

    @property
    def has_frontmatter(self) -> bool:
        return self.frontmatter is not None

    @property
    def has_errors(self) -> bool:
        return any(item.is_error for item in self.diagnostics)

    @property
    def sort_date(self) -> datetime | date | None:
        return self.meta.date or date_from_file_name(self.name)

    def field_position(self, name: str) -> Position | None:
        if self.frontmatter is None:
            return None
        raw = self.frontmatter.fields.get(name)
        return raw.value_at if raw else None


def date_from_file_name(name: str) -> date | None:
    """``2025-12-03_18-14_x.md`` and ``2025-12-03-x.md`` both name their day."""
    match = LEADING_DATE.match(name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def first_heading(body: str) -> str | None:
    """The first ``# `` heading outside fenced code (a shell comment is never the title)."""
    # One pass: the fence lines before each heading are counted on from the previous heading
    # (counting from the start again for each `#` line made a long fenced block quadratic).
    fences = FENCE_LINE.finditer(body)
    fence = next(fences, None)
    inside = False
    for match in HEADING.finditer(body):
        while fence is not None and fence.start() < match.start():
            inside = not inside
            fence = next(fences, None)
        if not inside:
            return match[1].strip()
    return None


def read_frontmatter(text: str) -> tuple[Frontmatter | None, str, int]:
    """The parsed frontmatter (or ``None``), the body and the body's first line."""
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return None, split.body, split.body_line
    return parse_frontmatter(split.frontmatter, first_line=2), split.body, split.body_line

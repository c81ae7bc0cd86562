"""A note: one Markdown file under the notes root, read into what every page and check needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as _date  # NoteMeta.date shadows the type in its class body
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic
from .frontmatter import Frontmatter, Position, parse_frontmatter, split_frontmatter
from .markdown_scan import scan_body, scan_of
from .markdown_scan_model import BodyScan

FOLDER_PAGES = frozenset({"index.md", "readme.md"})
FILE_NAME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})_(?P<hour>\d{2})-(?P<minute>\d{2})(?:-(?P<second>\d{2}))?"
    r"_(?P<slug>[a-z0-9][a-z0-9_-]*)\.md"
)
LEADING_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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
    diagnostics: list[Diagnostic]
    mtime_ns: int = 0
    size: int = 0
    scan: BodyScan | None = field(default=None, repr=False, compare=False)
    """The body parsed, once, on first use (see :attr:`markdown`)."""

    @property
    def markdown(self) -> BodyScan:
        """The body's one Markdown parse, shared by every reader (titles, relations, code
        references, run citations, link rewriting). Kept with the note, so a serve rebuild
        parses again only the notes it reads again."""
        if self.scan is None or self.scan.body is not self.body:
            self.scan = scan_of(self.body)
        return self.scan

    @property
    def heading(self) -> str | None:
        """The text of the body's first ``#`` heading."""
        return first_heading(self.markdown)

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


def first_heading(body: str | BodyScan) -> str | None:
    """The text of the first ``# `` heading (a ``#`` at the start of its line, outside code and
    containers): what Python-Markdown, which renders the page, makes the first level-one
    heading; a shell comment in a fence is never the title."""
    scan = body if isinstance(body, BodyScan) else scan_body(body)
    lines = scan.body.split("\n", scan.headings[-1].line) if scan.headings else []
    for heading in scan.headings:
        if heading.level != 1 or heading.nested or heading.setext:
            continue
        # Python-Markdown drops a closing run of `#` even with no space before it (`# C#`).
        text = heading.text.rstrip(" \t#")
        if text and lines[heading.line - 1].startswith("#"):
            return text
    return None


def read_frontmatter(text: str) -> tuple[Frontmatter | None, str, int]:
    """The parsed frontmatter (or ``None``), the body and the body's first line."""
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return None, split.body, split.body_line
    return parse_frontmatter(split.frontmatter, first_line=2), split.body, split.body_line

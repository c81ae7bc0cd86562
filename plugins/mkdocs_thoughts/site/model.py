"""What the site shows about the notes, computed once per build: rows, groupings and backlinks.

Plain data for the templates; nothing here knows MkDocs. URLs are site-root URLs ("shared/x/"),
turned into relative links by the renderer for the page they land on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..core.config import ThoughtsSettings
from ..core.diagnostics import Diagnostic
from ..core.escaping import css_token
from ..core.links import TargetKind
from ..core.notes import Note
from ..corpus.model import Corpus
from ..git.facts import NoteGitFacts
from .urls import relative_url

__all__ = ["Link", "NoteRow", "SiteModel", "css_token"]

_WEB_URL = re.compile(r"https?://", re.IGNORECASE)


@dataclass(slots=True)
class Link:
    label: str
    url: str | None
    """Site-root URL of the target note, or ``None`` for a target that is text or missing."""
    title: str
    external: bool = False


@dataclass(slots=True)
class NoteRow:
    """One note as listed and as shown in its header."""

    note: Note
    url: str | None
    title: str
    type_title: str
    day: str
    month: str
    sort_key: str
    status: str | None
    tags: list[str]
    researcher: str | None
    short_sha: str | None
    commit_url: str | None
    branch: str | None
    last_updated: str | None
    last_updated_by: str | None
    inferred: bool
    """True for a note without frontmatter, indexed from its file name and heading."""
    problem_count: int
    git: NoteGitFacts | None = None
    """The commit, the file's own history and the cited code, when git knows them."""
    relations: list[tuple[str, list[Link]]] = field(default_factory=list)
    """Notes it points at and notes pointing at it, by label ("Builds on", "Referenced by")."""
    stamp_commits: dict[str, dict[str, str | None]] = field(default_factory=dict)
    """The commit a date field names (``last_updated: 2026-04-01 18:05, a7219ee``), by field:
    ``short_sha`` and ``commit_url``, as :func:`render.commit_code` takes them."""


class SiteModel:
    """Rows for every note, grouped the ways the index pages need them, and backlinks."""

    def __init__(
        self,
        corpus: Corpus,
        settings: ThoughtsSettings,
        url_of: Mapping[str, str],
        *,
        commit_url: Callable[[str], str | None] = lambda sha: None,
        git_facts: Mapping[str, NoteGitFacts] | None = None,
        file_url: Callable[[str, str | None], str | None] = lambda path, sha: None,
    ) -> None:
        self.corpus = corpus
        self.settings = settings
        self.file_url = file_url
        """A cited repository file's URL on the forge, at the note's commit (``None``: text)."""
        self.rows: dict[str, NoteRow] = {}
        for note in corpus.notes:
            self.rows[note.rel_path] = self._row(note, url_of.get(note.doc_uri), commit_url)
        for rel_path, facts in (git_facts or {}).items():
            if rel_path in self.rows:
                self.rows[rel_path].git = facts
        self.by_uri = {row.note.doc_uri: row for row in self.rows.values()}
        self._link_relations()
        ordered = sorted(self.rows.values(), key=lambda row: (row.sort_key, row.note.rel_path))
        self.newest_first = ordered[::-1]

    def _row(
        self,
        note: Note,
        url: str | None,
        commit_url: Callable[[str], str | None],
    ) -> NoteRow:
        meta = note.meta
        when = note.sort_date
        day = _day(when).isoformat() if when else ""
        sha = meta.git_commit
        type_title = (
            self.settings.type_title(note.note_type)
            if note.note_type in self.settings.types
            else "Other"
        )
        return NoteRow(
            note=note,
            url=url,
            title=note.title,
            type_title=type_title,
            day=day,
            month=day[:7] if day else "undated",
            sort_key=_sort_key(when),
            status=meta.status,
            tags=list(meta.tags),
            researcher=meta.researcher,
            short_sha=sha[:7] if sha else None,
            commit_url=commit_url(sha) if sha else None,
            branch=meta.branch,
            last_updated=_day(meta.last_updated).isoformat() if meta.last_updated else None,
            last_updated_by=meta.last_updated_by,
            inferred=not note.has_frontmatter,
            problem_count=len(note.diagnostics),
            stamp_commits={
                name: {"short_sha": stamp[:7], "commit_url": commit_url(stamp)}
                for name, stamp in meta.stamp_commits.items()
            },
        )

    def _link_relations(self) -> None:
        """Each note's relations in both directions, from the graph (fields and body links)."""
        graph = self.corpus.graph
        if graph is None:
            return
        cited_files: dict[str, dict[str, str]] = defaultdict(dict)
        for relation in self.corpus.relations:
            if relation.kind is TargetKind.FILE and relation.file:
                cited_files[relation.source.rel_path][relation.value.text] = relation.file
        for rel_path, row in self.rows.items():
            if rel_path not in graph.nodes:
                continue
            row.relations = [
                (label, [self._link(node.id) for node in nodes])
                for label, nodes in graph.connections(rel_path)
            ]
            files = cited_files.get(rel_path, {})
            for label, texts in graph.citations(rel_path):
                links = [
                    # Only web links become hrefs: a note could write `javascript://...`.
                    Link(text, text, text, external=True)
                    if _WEB_URL.match(text)
                    else self._file_link(text, files.get(text), row.note.meta.git_commit)
                    for text in texts
                ]
                row.relations.append((label, links))

    def _file_link(self, text: str, file: str | None, commit: str | None) -> Link:
        url = self.file_url(file, commit) if file else None
        return Link(text, url, file or text, external=url is not None)

    def _link(self, rel_path: str) -> Link:
        target = self.rows[rel_path]
        return Link(target.title, target.url, rel_path)

    def relative_url_of(self, note: Note, page_url: str) -> str:
        """A link from the page at ``page_url`` to the note's page ("" without a page)."""
        row = self.rows.get(note.rel_path)
        if row is None or row.url is None:
            return ""
        return relative_url(row.url, page_url)

    # --- groupings ----------------------------------------------------------------------------

    def of_type(self, note_type: str) -> list[NoteRow]:
        return [row for row in self.newest_first if row.note.note_type == note_type]

    def untyped(self) -> list[NoteRow]:
        return [row for row in self.newest_first if row.note.note_type not in self.settings.types]

    def by_status(self) -> list[tuple[str, list[NoteRow]]]:
        columns: dict[str, list[NoteRow]] = {status: [] for status in self.settings.all_statuses}
        for row in self.newest_first:
            columns.setdefault(row.status or "no status", []).append(row)
        return list(columns.items())

    def by_researcher(self) -> list[tuple[str, list[NoteRow]]]:
        people: dict[str, list[NoteRow]] = defaultdict(list)
        for row in self.newest_first:
            if row.researcher:
                people[row.researcher].append(row)
        return sorted(people.items(), key=lambda item: item[0].lower())

    def by_tag(self) -> list[tuple[str, list[NoteRow]]]:
        tags: dict[str, list[NoteRow]] = defaultdict(list)
        for row in self.newest_first:
            for tag in row.tags:
                tags[tag].append(row)
        return sorted(tags.items(), key=lambda item: item[0].lower())

    def diagnostics_by_note(self) -> list[tuple[NoteRow, list[Diagnostic]]]:
        return [
            (self.rows[note.rel_path], note.diagnostics)
            for note in sorted(self.corpus.notes, key=lambda note: note.rel_path)
            if note.diagnostics
        ]

    def by_drift(self) -> list[NoteRow]:
        """Notes that cite code, the most stale first."""
        citing = [row for row in self.newest_first if row.git and row.git.drift.references]
        return sorted(
            citing,
            key=lambda row: row.git.drift.sort_key() if row.git else (0.0, 0, 0),
            reverse=True,
        )

    def relation_counts(self) -> dict[str, dict[str, int]]:
        """Relations by where they were written (fields, bodies) and what they resolved to."""
        counts = {
            origin: {kind.value: 0 for kind in TargetKind} for origin in ("fields", "bodies", "all")
        }
        for origin, relations in (
            ("fields", self.corpus.relations),
            ("bodies", self.corpus.body_relations),
        ):
            for relation in relations:
                counts[origin][relation.kind.value] += 1
                counts["all"][relation.kind.value] += 1
        return counts


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _sort_key(value: datetime | date | None) -> str:
    """Chronological across time zones: aware times compare in UTC, days as their midnight."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.isoformat() + "T00:00:00"

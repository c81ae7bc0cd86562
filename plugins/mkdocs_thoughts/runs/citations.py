"""Which notes cite which runs, and which runs say which notes document them.

A note cites runs in its ``runs:`` frontmatter field (a string, a list, or comma-separated) by
directory name (``20260105_140307_parse_ab12cd3``), by ``{run_id}_{name}``
(``20260105_140307_parse``), by bare run id when only one run has it, or by path
(``data/interim/parsed/<dir>``, or a file inside the run). In the body, a Markdown link or a
backticked path to a run directory cites it too. A run's ``run.json`` lists the notes that
document it (``notes: [...]``), paths from the repository root.

A ``runs:`` value that names no run is a TH402 error at the field, and so is a Markdown link in
the body to a path that looks like a run directory (a ``YYYYMMDD_HHMMSS_`` component) but is none:
those two are citations that must resolve. A backticked run-like name in prose (an example in a
table, a gitignored ``data/...`` path) cites the run when it exists and is ignored otherwise.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..core.config import ThoughtsSettings
from ..core.diagnostics import Diagnostic, DiagnosticSink
from ..core.markdown_scan_model import LinkKind
from ..core.notes import Note
from ..core.rules import Rule
from .model import Run
from .run_set import RunSet

RUNS_FIELD = "runs"
RUN_NOT_FOUND = Rule.RUN_NOT_FOUND.value
"""A run cited by a note is not among the runs found (an error by default)."""

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_RUN_DIR_NAME = re.compile(r"^\d{8}_\d{6}_[A-Za-z0-9]")
_SQUASHED_RUN_ID = re.compile(r"^\d{14}$")
_SHA = re.compile(r"^\s*([0-9a-fA-F]{4,40})\b")
_CITING = (LinkKind.INLINE, LinkKind.DEFINITION)
"""The links whose target is written where they stand (a reference's is in its definition)."""


class Origin(StrEnum):
    FIELD = "field"
    """The ``runs:`` frontmatter field."""
    LINK = "link"
    """A Markdown link in the body."""
    MENTION = "mention"
    """A backticked path in the body."""


@dataclass(frozen=True, slots=True)
class RunCitation:
    note: Note
    text: str
    """As written (one item of the field, or a link target)."""
    origin: Origin
    line: int | None
    column: int | None
    run: Run | None
    """``None``: the citation names no run (a TH402 problem says why)."""


@dataclass(frozen=True, slots=True)
class _Reference:
    text: str
    origin: Origin
    line: int | None
    column: int | None


class RunLinks:
    """The note ↔ run links of one build, both directions."""

    def __init__(
        self,
        citations: list[RunCitation],
        documented: list[tuple[Run, Note]],
        missing_notes: dict[str, list[str]],
        problems: list[Diagnostic],
    ) -> None:
        self.citations = citations
        self.problems = problems
        self._documented: dict[str, list[Note]] = {}
        self._documenting: dict[str, list[Run]] = {}
        for run, note in documented:
            self._documented.setdefault(run.rel_dir, []).append(note)
            self._documenting.setdefault(note.rel_path, []).append(run)
        self._missing_notes = missing_notes
        self._by_note: dict[str, list[RunCitation]] = {}
        self._citing: dict[str, list[Note]] = {}
        for citation in citations:
            self._by_note.setdefault(citation.note.rel_path, []).append(citation)
            if citation.run is not None:
                citing = self._citing.setdefault(citation.run.rel_dir, [])
                if citation.note not in citing:
                    citing.append(citation.note)

    def citations_of(self, note: Note) -> list[RunCitation]:
        """The note's citations in the order written, resolved or not (each run once)."""
        return list(self._by_note.get(note.rel_path, []))

    def runs_of(self, note: Note) -> list[Run]:
        """The runs the note cites, in the order written."""
        return [c.run for c in self._by_note.get(note.rel_path, []) if c.run is not None]

    def runs_naming(self, note: Note) -> list[Run]:
        """Runs whose run.json names the note (``RunContext(notes=[...])``), newest first."""
        return list(self._documenting.get(note.rel_path, []))

    def notes_citing(self, run: Run) -> list[Note]:
        """Notes whose frontmatter or body cites the run."""
        return sorted(self._citing.get(run.rel_dir, []), key=lambda note: note.rel_path)

    def notes_of(self, run: Run) -> list[Note]:
        """Notes citing the run and notes its run.json names, each once, by path."""
        notes = {note.rel_path: note for note in self._citing.get(run.rel_dir, [])}
        notes.update((note.rel_path, note) for note in self._documented.get(run.rel_dir, []))
        return [notes[path] for path in sorted(notes)]

    def missing_notes(self, run: Run) -> list[str]:
        """Paths in the run's run.json that name no note of this site."""
        return list(self._missing_notes.get(run.rel_dir, []))

    def uncited(self, runs: Iterable[Run]) -> list[Run]:
        """Runs no note cites and whose run.json names no existing note."""
        return [run for run in runs if not self.notes_of(run)]


def link_runs(
    notes: Iterable[Note],
    runs: RunSet,
    repo_root: Path,
    settings: ThoughtsSettings | None = None,
) -> RunLinks:
    """Resolve every run citation of ``notes`` against ``runs``, and each run's ``notes``;
    TH402 takes its severity from ``settings`` (default: the registry's)."""
    notes = list(notes)
    resolver = _Resolver(runs, repo_root)
    run_dirs = {run.dir_name for run in runs}
    body_hint = _body_hint(run_dirs)
    citations: list[RunCitation] = []
    problems: list[Diagnostic] = []
    for note in notes:
        seen: set[str] = set()
        for ref in references(note, body_hint):
            if ref.origin is not Origin.FIELD and not _may_name_run(ref.text, run_dirs):
                continue  # most body paths name code: not worth resolving on disk
            run, why = resolver.resolve(note, ref.text, ref.origin)
            if run is None and ref.origin is Origin.MENTION:
                continue  # prose naming a run that is not here: an example, not a citation
            if run is None and ref.origin is not Origin.FIELD and not _looks_like_run(ref.text):
                continue  # a body path to something else entirely
            key = run.rel_dir if run is not None else f"?{ref.text}"
            if key in seen:
                continue
            seen.add(key)
            citations.append(RunCitation(note, ref.text, ref.origin, ref.line, ref.column, run))
            if run is None:
                problems.extend(_not_found(note, ref, why, resolver.suggest(ref.text), settings))
    documented, missing = _documented_notes(runs, notes)
    return RunLinks(citations, documented, missing, problems)


def references(note: Note, body_hint: re.Pattern[str] | None = None) -> list[_Reference]:
    """What the note's ``runs:`` field and body name, before resolution. With ``body_hint``,
    a body in which it finds nothing is not scanned (it cannot name a run)."""
    found = []
    at = note.field_position(RUNS_FIELD)
    line, column = (at.line, at.column) if at is not None else (None, None)
    for text in field_values(note.meta.extra.get(RUNS_FIELD)):
        found.append(_Reference(text, Origin.FIELD, line, column))
    if body_hint is None or body_hint.search(note.body):
        found.extend(_body_references(note))
    return found


def _body_hint(run_dirs: set[str]) -> re.Pattern[str]:
    """What every body path that may name a run contains: a run-like directory name, or the
    name of a run directory written some other way. One search rules out most bodies, which
    would otherwise be scanned line by line on every check."""
    others = sorted(re.escape(name) for name in run_dirs if not _RUN_DIR_NAME.match(name))
    # `_HHMMSS_` starts with a literal, which the regex engine finds fast: a pattern starting
    # with \d is tried at every character of every body (a tenth of the whole check).
    return re.compile("|".join([r"_[0-9]{6}_", *others]))


def field_values(value: object) -> list[str]:
    """The run names in a ``runs:`` value: a string, a list, or comma-separated text."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    values: list[str] = []
    for item in items:
        if item is None or isinstance(item, dict | list):
            continue
        text = str(item)
        if isinstance(item, int) and _SQUASHED_RUN_ID.match(text):
            # YAML 1.1 reads `runs: 20260105_140307` as the integer 20260105140307.
            text = f"{text[:8]}_{text[8:]}"
        values.extend(part.strip() for part in text.split(",") if part.strip())
    return values


def commit_mismatch(note_commit: object, run_commit: object) -> bool:
    """Whether a note's ``git_commit`` and a run's commit are different commits. SHAs of any
    length are compared by prefix; a missing or non-SHA value never counts as a mismatch."""
    mine, theirs = _sha(note_commit), _sha(run_commit)
    if mine is None or theirs is None:
        return False
    return not (mine.startswith(theirs) or theirs.startswith(mine))


# --- resolution -------------------------------------------------------------------------------


class _Resolver:
    def __init__(self, runs: RunSet, repo_root: Path) -> None:
        self.runs = runs
        self.root = os.path.normpath(repo_root.resolve())
        self._names = sorted({name for run in runs for name in (run.dir_name, run.label)})

    def resolve(self, note: Note, text: str, origin: Origin) -> tuple[Run | None, str]:
        """The run ``text`` names and, when none, why."""
        cleaned = text.strip().strip("`'\"<>").strip()
        if origin is Origin.LINK:
            cleaned = unquote(cleaned.split("#", 1)[0].split("?", 1)[0])
        cleaned = cleaned.replace("\\", "/")
        if not cleaned:
            return None, "is empty"
        if _SCHEME.match(cleaned) or cleaned.startswith("//"):
            return None, "is a URL, not a run"
        if "/" in cleaned.strip("/"):
            return self._by_path(note, cleaned, origin)
        return self._by_name(cleaned.strip("/"))

    def _by_path(self, note: Note, path: str, origin: Origin) -> tuple[Run | None, str]:
        note_dir = os.path.dirname(os.path.normpath(note.path))
        # A link is relative to its page; a frontmatter or backticked path to the repository.
        bases = [self.root, note_dir]
        if origin is Origin.LINK and not path.startswith("/"):
            bases.reverse()
        inside = False
        for base in bases:
            candidate = os.path.normpath(os.path.join(base, path.lstrip("/")))
            if candidate != self.root and not candidate.startswith(self.root + os.sep):
                continue  # a note never reaches outside the repository
            inside = True
            relative = os.path.relpath(candidate, self.root).replace(os.sep, "/")
            run = self.runs.find_path(relative)
            if run is not None:
                return run, ""
        # A moved data folder, or a link to the run's page on this site: its directory name.
        name = PurePosixPath(path.rstrip("/")).name
        run, _ = self._by_name(name)
        if run is not None and _looks_like_run(name):
            return run, ""
        return None, "is not a run directory" if inside else "is outside the repository"

    def _by_name(self, name: str) -> tuple[Run | None, str]:
        found = self.runs.find_name(name)
        if len(found) == 1:
            return found[0], ""
        if found:
            names = ", ".join(run.dir_name for run in found[:4])
            return None, f"matches {len(found)} runs ({names})"
        return None, "is not a run here"

    def suggest(self, text: str) -> str | None:
        name = PurePosixPath(text.strip().strip("`'\"<>").replace("\\", "/").rstrip("/")).name
        if self.runs.find_name(name):
            return None  # ambiguous, not misspelt: the message lists the candidates
        close = difflib.get_close_matches(name, self._names, n=1, cutoff=0.85)
        return close[0] if close else None


def _not_found(
    note: Note,
    ref: _Reference,
    why: str,
    suggestion: str | None,
    settings: ThoughtsSettings | None,
) -> list[Diagnostic]:
    where = f"{RUNS_FIELD} names" if ref.origin is Origin.FIELD else "the body links to"
    if suggestion:
        hint = f"did you mean {suggestion}?"
    else:
        hint = "write the run's directory name or its path from the repository root"
    sink = DiagnosticSink(note.rel_path, settings)
    sink.add(
        Rule.RUN_NOT_FOUND,
        f"{where} {ref.text!r}, which {why}",
        hint,
        ref.line,
        ref.column,
        RUNS_FIELD if ref.origin is Origin.FIELD else "body",
    )
    return sink.items


def _may_name_run(text: str, run_dirs: set[str]) -> bool:
    """Whether a body path could be (inside) a run directory: one of its parts is a run's
    directory name or looks like one."""
    return any(part in run_dirs or _RUN_DIR_NAME.match(part) for part in _path_parts(text))


def _looks_like_run(text: str) -> bool:
    return any(_RUN_DIR_NAME.match(part) for part in _path_parts(text))


def _path_parts(text: str) -> list[str]:
    # Plain string splitting: every path in every note body passes through here.
    return text.strip().strip("`'\"<>").replace("\\", "/").split("/")


def _documented_notes(
    runs: RunSet, notes: list[Note]
) -> tuple[list[tuple[Run, Note]], dict[str, list[str]]]:
    """Each run's run.json ``notes``, as notes of this site, and the paths that name none."""
    note: Note | None
    by_path = {note.rel_path: note for note in notes}
    by_uri = {note.doc_uri: note for note in notes}
    by_name: dict[str, list[Note]] = {}
    for note in notes:
        by_name.setdefault(note.name, []).append(note)
    documented: list[tuple[Run, Note]] = []
    missing: dict[str, list[str]] = {}
    for run in runs:
        for written in run.notes:
            path = os.path.normpath(written.strip().replace("\\", "/")).replace(os.sep, "/")
            path = path.removeprefix("./")
            same_name = by_name.get(PurePosixPath(path).name, [])
            note = by_path.get(path) or by_uri.get(path)
            if note is None and len(same_name) == 1:
                note = same_name[0]
            if note is None:
                missing.setdefault(run.rel_dir, []).append(written)
            elif (run, note) not in documented:
                documented.append((run, note))
    return documented, missing


# --- the body ---------------------------------------------------------------------------------


def _body_references(note: Note) -> Iterator[_Reference]:
    """Link targets (inline and reference definitions) and backticked paths (with a ``/``)
    outside code, in reading order (a line's mentions before its links)."""
    scan = note.markdown
    offset = note.body_line - 1
    found: list[tuple[int, int, int, _Reference]] = []
    for span in scan.code_spans:
        content, column = scan.span_content(span)
        text = content.strip()
        if "/" in text and not any(char.isspace() for char in text):
            line = span.line + offset
            found.append((line, 0, column, _Reference(text, Origin.MENTION, line, column)))
    for link in scan.links:
        if link.kind not in _CITING:
            continue
        target = link.target
        if target and not target.startswith(("#", "//")) and not _SCHEME.match(target):
            line, column = link.target_line + offset, link.target_column
            found.append((line, 1, column, _Reference(target, Origin.LINK, line, column)))
    found.sort(key=lambda item: item[:3])
    for *_, reference in found:
        yield reference


def _sha(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    match = _SHA.match(str(value))
    return match[1].lower() if match else None

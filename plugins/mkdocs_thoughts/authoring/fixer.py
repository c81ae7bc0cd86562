"""`thoughts fix`: the frontmatter edits that can be inferred for notes that fail the check.

Only failing notes are touched (every note with ``--normalize``), and in them only the lines that
must change: key order, comments and the body stay byte-for-byte as they were, and a second run
finds nothing to do. Each value is validated by the same model as the check before it is written,
and a value that would add a new error is dropped on its own: every other safe edit is still made
(quoting a value that breaks the YAML included), and what still fails is reported.

Decisions:
- A SHA with prose (``3d801c3 (uncommitted changes)``) keeps the SHA as the value and the prose
  as a YAML comment on the same line: nothing is lost and the body is not touched.
- ``+0100`` offsets stay (they parse); a zone word with one meaning (PST, CET, UTC) becomes an
  offset; a date without time or zone is left alone (the time would be invented).
- Accepted spellings (aliased keys, status aliases) are a team's choice: they are made canonical
  only with ``--normalize``, and then in every note fix runs on, passing ones included, so the
  folder converges.
- ``git_commit`` is the commit the note was written against: the first commit along HEAD's first
  parents at or before the note's date; the commit that added the file only when nothing dates
  the note. A ``git_commit`` with no SHA in it (``N/A``) is replaced, its text kept as a comment.
- Templates and folder pages are not notes: fix leaves them alone even when named explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..core.checks import build_note
from ..core.commit_value import read_commit
from ..core.config import CORE_FIELDS, ThoughtsSettings
from ..core.diagnostics import Diagnostic
from ..core.fields import NoteFields
from ..core.frontmatter import RawField, split_frontmatter
from ..core.notes import FOLDER_PAGES, LEADING_DATE, Note, read_frontmatter
from ..core.rules import Rule
from ..core.timestamps import parse_timestamp, split_stamp
from ..corpus.loader import CORPUS_RULES
from ..git.info import GitInfo
from .inference import (
    UNDATED,
    Added,
    GitFacts,
    Inferred,
    canonical_status,
    infer,
    normalise_timestamp,
)
from .text_edits import (
    FrontmatterSyntaxError,
    FrontmatterText,
    yaml_list,
    yaml_scalar,
    yaml_timestamp,
)
from .yaml_repair import repair_syntax

_TEMPLATE_NAME = re.compile(r"(?:^|[-_.])templates?(?:[-_.]|$)", re.IGNORECASE)
"""``research_template``, ``TEMPLATE``, ``plan-template``; a dated note about template engines
(``2025-01-06_09-00_template-engines``) is a note all the same."""
_TIMESTAMP_FIELDS = ("date", "last_updated")


@dataclass(slots=True)
class Fix:
    """The proposed edit of one note (``new == old`` when nothing can be inferred)."""

    path: Path
    rel_path: str
    old: str
    new: str
    changes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    """Inferred values left out because each would have added an error."""
    remaining: list[Diagnostic] = field(default_factory=list)
    """The errors the note still has after the fix."""
    ignored: str | None = None
    """Why the file is not a note fix edits (a template, a folder page)."""
    failing: bool = True
    """Whether the note failed the check before the fix."""

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"a/{self.rel_path}",
            tofile=f"b/{self.rel_path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True, slots=True)
class Change:
    """One edit, the field whose value it sets (``None``: the value is unchanged, e.g. a
    rename or quoting) and what the change log says about it."""

    field: str | None
    text: str


def fix_notes(
    notes: Sequence[Note],
    settings: ThoughtsSettings,
    repo_root: Path,
    *,
    git: GitInfo | None,
    normalize: bool = False,
) -> list[Fix]:
    """Fixes for the notes that have errors (every note with ``normalize``), with git read once
    for all of them."""
    fixes: list[Fix] = []
    chosen: list[tuple[Note, str]] = []
    for note in notes:
        if not (note.has_errors or normalize):
            continue
        why = not_a_note(note, settings)
        if why is not None:
            fixes.append(Fix(note.path, note.rel_path, "", "", ignored=why))
            continue
        try:
            chosen.append((note, note.path.read_bytes().decode("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue  # not UTF-8: the body could not be kept byte-identical
    facts = GitFacts.collect(git, repo_root) if git is not None and chosen else None
    inferred: dict[Path, Inferred] = {}
    for note, text in chosen:
        body = split_frontmatter(text).body
        inferred[note.path] = infer(note.path.name, note.rel_path, body, settings, facts)
    if facts is not None:
        facts.verify(sha for item in inferred.values() for sha in item.shas())
    for note, text in chosen:
        fixes.append(
            fix_note(note, text, settings, inferred[note.path], facts, normalize=normalize)
        )
    return fixes


def not_a_note(note: Note, settings: ThoughtsSettings) -> str | None:
    """Why a file that was named to fix is no note: a template or a folder page."""
    folders = note.rel_path.split("/")[:-1]
    if note.name.lower() in FOLDER_PAGES:
        return "a folder page, not a note"
    if any(folder in settings.skip_folders for folder in folders):
        return f"in a skipped folder ({', '.join(settings.skip_folders)}), not a note"
    if _TEMPLATE_NAME.search(note.stem) and not LEADING_DATE.match(note.stem):
        return "a template, not a note"
    return None


def fix_note(
    note: Note,
    text: str,
    settings: ThoughtsSettings,
    inferred: Inferred,
    git: GitFacts | None,
    *,
    normalize: bool = False,
) -> Fix:
    fix = Fix(note.path, note.rel_path, text, text, failing=note.has_errors)
    blocked: dict[str, list[str]] = {}
    before = _errors(note, text, settings)
    for _ in range(len(CORE_FIELDS) + 1):
        new, changes = _edited(note, text, settings, inferred, git, set(blocked), normalize)
        if new == text:
            break
        if split_frontmatter(new).body != split_frontmatter(text).body:  # pragma: no cover
            return fix
        after = _errors(note, new, settings)
        edited = {change.field for change in changes if change.field}
        culprits = _culprits(set(after) - set(before), edited)
        if not culprits:
            fix.new, fix.changes = new, [change.text for change in changes if change.text]
            break
        for name, code in culprits:
            blocked.setdefault(name, []).append(code)
    fix.dropped = [
        f"{name} (it would add {', '.join(sorted(set(codes)))})" for name, codes in blocked.items()
    ]
    if fix.failing or fix.changed:
        fix.remaining = _remaining(note, fix.new, settings)
    return fix


def _edited(
    note: Note,
    text: str,
    settings: ThoughtsSettings,
    inferred: Inferred,
    git: GitFacts | None,
    blocked: set[str],
    normalize: bool,
) -> tuple[str, list[Change]]:
    """The note with every edit that is not ``blocked``, and the changes made."""
    changes: list[Change] = []
    repaired = text
    if note.has_errors:
        repaired, quoted = repair_syntax(text)
        changes += [Change(None, item) for item in quoted]
    try:
        editor = FrontmatterText(repaired)
    except FrontmatterSyntaxError:
        return text, []  # still not YAML after the repairs we know: leave it to a person
    picker = _Picker(inferred, settings, git, blocked)
    if editor.has_block:
        changes += _edit_block(editor, note, settings, picker, normalize)
    elif note.has_errors:
        changes += _new_block(editor, picker)
    new = editor.result() if editor.changed else repaired
    return (new, changes) if new != text else (text, [])


def _culprits(added: set[tuple[str, str | None]], edited: set[str]) -> set[tuple[str, str]]:
    """(field, code) for each new error an edited value caused. A new error elsewhere was only
    hidden before (quoting a value that broke the YAML reveals its neighbours' problems)."""
    found: set[tuple[str, str]] = set()
    for code, name in added:
        if code == Rule.MISSING_FIELD.value:
            continue  # a new frontmatter block makes missing fields visible, it does not cause them
        if code == Rule.UPDATED_BEFORE_DATE.value:
            found |= {(other, code) for other in ("date", "last_updated") if other in edited}
        elif name in edited:
            found.add((name, code))
    return found


def _errors(note: Note, text: str, settings: ThoughtsSettings) -> list[tuple[str, str | None]]:
    return [
        (item.code, _canonical(item.field, settings)) for item in _checked(note, text, settings)
    ]


def _checked(note: Note, text: str, settings: ThoughtsSettings) -> list[Diagnostic]:
    checked = build_note(note.path, note.rel_path, note.doc_uri, note.note_type, text, settings)
    return [item for item in checked.diagnostics if item.is_error]


def _remaining(note: Note, text: str, settings: ThoughtsSettings) -> list[Diagnostic]:
    """The note's errors after the fix: its own, and those that need every note or git (which
    no fix changes: fix never rewrites a relation or a SHA that is written)."""
    corpus = [item for item in note.diagnostics if item.is_error and item.code in CORPUS_RULES]
    return sorted(_checked(note, text, settings) + corpus, key=Diagnostic.sort_key)


def _canonical(key: str | None, settings: ThoughtsSettings) -> str | None:
    return settings.field_aliases.get(key, key) if key is not None else None


class _Picker:
    """The first inferred value of a field that the check would accept, and why it was chosen."""

    def __init__(
        self,
        inferred: Inferred,
        settings: ThoughtsSettings,
        git: GitFacts | None,
        blocked: set[str],
    ):
        self.inferred = inferred
        self.settings = settings
        self.git = git
        self.blocked = blocked
        self.date: dt.datetime | dt.date | None = None
        """The note's date, written or picked (set before ``git_commit`` is picked)."""
        self.date_source = "its date field"

    def pick(self, name: str) -> tuple[str, str] | None:
        if name in self.blocked:
            return None
        candidates = list(self.inferred.candidates.get(name, []))
        if name == "git_commit":
            candidates += self._commits()
        for value, why in candidates:
            if name == "git_commit" and self.git is not None and not self.git.is_known(value):
                continue
            if _accepted(name, value, self.settings):
                return value, why
        return None

    def _commits(self) -> list[tuple[str, str]]:
        """The commit at the note's date; the adding commit only when nothing dates the note."""
        git, added = self.git, self.inferred.added
        if git is None:
            return []
        when, source = self._when()
        if when is None or source == UNDATED:
            if added is None:
                return []
            return [(added.short, "the commit that added the file: nothing dates the note")]
        moment = _moment(when, added)
        if added is not None:
            # Written no later than it was committed: a later commit is never the one it used.
            moment = min(moment, added.committed)
        commit = git.commit_at(moment)
        if commit is None:
            return []
        why = (
            f"the last commit on {git.branch} at or before the note's date "
            f"({when.isoformat()}, {source})"
        )
        return [(commit.short_sha, why)]

    def _when(self) -> tuple[dt.datetime | dt.date | None, str]:
        if self.date is not None:
            return self.date, self.date_source
        for value, why in self.inferred.candidates.get("date", []):
            try:
                return parse_timestamp(value), why
            except ValueError:
                continue
        return None, ""


def _moment(when: dt.datetime | dt.date, added: Added | None) -> dt.datetime:
    """A date as a moment: a day ends at midnight, in the adding commit's offset (else UTC);
    a time without a zone is in that offset too."""
    zone = dt.datetime.fromisoformat(added.date).tzinfo if added is not None else None
    if isinstance(when, dt.datetime):
        return when if when.tzinfo is not None else when.replace(tzinfo=zone or dt.UTC)
    end = dt.datetime.combine(when, dt.time(23, 59, 59))
    return end.replace(tzinfo=zone or dt.UTC)


def _new_block(editor: FrontmatterText, picker: _Picker) -> list[Change]:
    """A block of every core field some source knows (none known: no block)."""
    added: list[tuple[str, str]] = []
    for name in CORE_FIELDS:
        picked = picker.pick(name)
        if picked is not None:
            editor.add(name, _formatted(name, picked[0]))
            added.append((name, picked[1]))
            if name == "date":
                picker.date, picker.date_source = parse_timestamp(picked[0]), picked[1]
    if not added:
        return []
    listed = "; ".join(f"{name} from {why}" for name, why in added)
    return [Change(name, "") for name, _ in added[1:]] + [
        Change(added[0][0], f"add frontmatter ({listed})")
    ]


def _edit_block(
    editor: FrontmatterText,
    note: Note,
    settings: ThoughtsSettings,
    picker: _Picker,
    normalize: bool,
) -> list[Change]:
    frontmatter, _, _ = read_frontmatter(editor.text)
    assert frontmatter is not None
    fields = {key: raw for key, raw in frontmatter.fields.items() if key in editor.entries}
    changes: list[Change] = []
    canonical: dict[str, RawField] = {}
    raw: RawField | None
    for key, raw in fields.items():
        name = settings.field_aliases.get(key, key)
        if name in canonical:
            continue  # two keys for one field: a person must choose
        canonical[name] = raw
        if normalize and name != key and name not in fields:
            editor.rename(key, name)
            changes.append(Change(None, f"rename {key} to {name}"))

    changes += _normalise_values(editor, canonical, settings, picker, normalize)
    if not note.has_errors:
        return changes  # a passing note gets only the normalisation asked for

    date = canonical.get("date")
    if date is not None and date.value is not None:
        with contextlib.suppress(ValueError):  # an unreadable date: the inferred ones count
            picker.date = parse_timestamp(split_stamp(date.value)[0])
    required = settings.types[note.note_type].required if note.note_type in settings.types else []
    placeholders = {
        problem.field for problem in frontmatter.problems if problem.code == Rule.PLACEHOLDER.value
    }
    for name in dict.fromkeys([*CORE_FIELDS, *required]):
        raw = canonical.get(name)
        needed = name in required and (raw is None or raw.tag.endswith(":null"))
        no_sha = name == "git_commit" and _holds_no_sha(raw)
        if not needed and not no_sha and not (raw is not None and raw.key in placeholders):
            continue
        picked = picker.pick(name)
        if picked is None:
            continue
        value, why = picked
        if name == "date":
            picker.date, picker.date_source = parse_timestamp(value), why
        if raw is None:
            editor.add(name, _formatted(name, value))
            changes.append(Change(name, f"add {name} ({why})"))
        elif no_sha:
            kept = " ".join(raw.source.split())
            editor.set_value(raw.key, f"{_formatted(name, value)}  # was: {kept}")
            changes.append(Change(name, f"replace {raw.key} {kept!r} with {value} ({why})"))
        else:
            editor.set_value(raw.key, _formatted(name, value))
            changes.append(Change(name, f"fill {name} ({why})"))
    return changes


def _holds_no_sha(raw: RawField | None) -> bool:
    """A written ``git_commit`` that names no commit at all (``N/A``, ``current``)."""
    if raw is None or not raw.is_scalar or raw.tag.endswith(":null"):
        return False
    text = raw.source.strip()
    return bool(text) and "{{" not in text and read_commit(text).sha is None


def _normalise_values(
    editor: FrontmatterText,
    canonical: dict[str, RawField],
    settings: ThoughtsSettings,
    picker: _Picker,
    normalize: bool,
) -> list[Change]:
    changes: list[Change] = []
    commit = canonical.get("git_commit")
    written = read_commit(commit.source) if commit is not None and commit.is_scalar else None
    if commit is not None and written is not None and not written.is_valid:
        sha, prose = written.sha, written.prose
        if sha is not None and "git_commit" not in picker.blocked:
            comment = f"  # {prose}" if prose else ""
            editor.set_value(commit.key, yaml_scalar(sha) + comment)
            moved = " (the prose to a comment)" if prose else ""
            changes.append(Change("git_commit", f"keep only the SHA in git_commit{moved}"))
    status = canonical.get("status")
    if status is not None and status.is_scalar and status.source.strip():
        target = canonical_status(status.source, settings)
        accepted = _accepted("status", status.source, settings)
        if target is not None and target != status.source and (normalize or not accepted):
            editor.set_value(status.key, yaml_scalar(target))
            changes.append(Change("status", f"status {status.source!r} -> {target!r}"))
    tags = canonical.get("tags")
    if tags is not None and tags.is_scalar and isinstance(tags.value, str) and tags.value.strip():
        items = [item.strip() for item in tags.value.split(",") if item.strip()]
        editor.set_value(tags.key, yaml_list(items))
        changes.append(Change("tags", "tags as a list"))
    for name in _TIMESTAMP_FIELDS:
        raw = canonical.get(name)
        if raw is None or not raw.is_scalar or not raw.source.strip() or _parses(raw):
            continue
        if name in picker.blocked:
            continue
        normalised = normalise_timestamp(raw.source)
        if normalised is not None and normalised != raw.source:
            editor.set_value(raw.key, yaml_timestamp(normalised))
            changes.append(Change(name, f"{name} {raw.source!r} -> {normalised}"))
    return changes


def _parses(raw: RawField) -> bool:
    try:
        parse_timestamp(raw.value if raw.value is not None else raw.source)
    except ValueError:
        return False
    return True


def _accepted(name: str, value: str, settings: ThoughtsSettings) -> bool:
    if name not in NoteFields.model_fields:
        return False
    try:
        NoteFields.model_validate({name: value}, context={"settings": settings})
    except ValidationError:
        return False
    return True


def _formatted(name: str, value: str) -> str:
    if name in _TIMESTAMP_FIELDS:
        return yaml_timestamp(value)
    return yaml_scalar(value)


def summary(fixes: Iterable[Fix]) -> tuple[int, int, int]:
    """(notes with a fix, failing notes that have none, fixed notes that still fail)."""
    items = [item for item in fixes if item.ignored is None]
    changed = sum(item.changed for item in items)
    unfixed = sum(item.failing and not item.changed for item in items)
    still = sum(item.changed and bool(item.remaining) for item in items)
    return changed, unfixed, still

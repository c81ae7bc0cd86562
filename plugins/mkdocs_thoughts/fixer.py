"""`thoughts fix`: the frontmatter edits that can be inferred for notes that fail the check.

Only failing notes are touched, and in them only the lines that must change: key order, comments
and the body stay byte-for-byte as they were, and a second run finds nothing to do. Each value is
validated by the same model as the check before it is written, and a fix that would add a new
error is dropped, so a fix never makes a note worse.

Decisions:
- A SHA with prose (``3d801c3 (uncommitted changes)``) keeps the SHA as the value and the prose
  as a YAML comment on the same line: nothing is lost and the body is not touched.
- ``+0100`` offsets stay (they parse); a zone word with one meaning (PST, CET, UTC) becomes an
  offset; a date without time or zone is left alone (the time would be invented).
- Aliased keys and status spellings are made canonical only in notes that fail anyway.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .checks import build_note
from .fmedit import FrontmatterSyntaxError, FrontmatterText, yaml_list, yaml_scalar, yaml_timestamp
from .frontmatter import RawField, split_frontmatter
from .inference import (
    GitFacts,
    Inferred,
    canonical_status,
    infer,
    normalise_timestamp,
    sha_and_prose,
)
from .notes import Note, read_frontmatter
from .schema import CORE_FIELDS, NoteFields, Rule, ThoughtsSettings, parse_timestamp

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
_KEY_LINE = re.compile(
    r"(?P<key>[A-Za-z_][\w.-]*):[ \t]+(?P<value>[^\s'\"\[\]{}|>&*!%@`#][^\r\n]*?)"
    r"(?P<comment>[ \t]+#[^\r\n]*)?(?P<eol>\r?)"
)
_MAX_REPAIRS = 20
_TIMESTAMP_FIELDS = ("date", "last_updated")


@dataclass(slots=True)
class Fix:
    """The proposed edit of one note (``new == old`` when nothing can be inferred)."""

    path: Path
    rel_path: str
    old: str
    new: str
    changes: list[str] = field(default_factory=list)
    skipped: str | None = None
    """Why a computed fix was dropped (it would have added an error)."""

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


def fix_notes(
    notes: Sequence[Note], settings: ThoughtsSettings, repo_root: Path, *, use_git: bool
) -> list[Fix]:
    """Fixes for the notes that have errors, with git consulted once for all of them."""
    failing = [note for note in notes if note.has_errors]
    texts: dict[Path, str] = {}
    for note in failing:
        try:
            texts[note.path] = note.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # not UTF-8: the body could not be kept byte-identical
    git = None
    if use_git and texts:
        git = GitFacts.collect(repo_root, {note.path.parent for note in failing})
    inferred: dict[Path, Inferred] = {}
    for note in failing:
        if note.path in texts:
            body = split_frontmatter(texts[note.path]).body
            inferred[note.path] = infer(note.path.name, note.rel_path, body, settings, git)
    if git is not None:
        git.verify(repo_root, [sha for item in inferred.values() for sha in item.shas()])
    return [
        fix_note(note, texts[note.path], settings, inferred[note.path], git)
        for note in failing
        if note.path in texts
    ]


def fix_note(
    note: Note, text: str, settings: ThoughtsSettings, inferred: Inferred, git: GitFacts | None
) -> Fix:
    fix = Fix(note.path, note.rel_path, text, text)
    repaired, changes = repair_syntax(text)
    try:
        editor = FrontmatterText(repaired)
    except FrontmatterSyntaxError:
        return fix  # still not YAML after the repairs we know: leave it to a person
    picker = _Picker(inferred, settings, git)
    if editor.has_block:
        changes += _edit_block(editor, note, settings, picker)
    else:
        changes += _new_block(editor, picker)
    new = editor.result() if editor.changed else repaired
    if new == text:
        return fix
    if split_frontmatter(new).body != split_frontmatter(text).body:  # pragma: no cover
        return Fix(note.path, note.rel_path, text, text, skipped="the body would change")
    added = _new_errors(note, text, new, settings)
    if added:
        return Fix(note.path, note.rel_path, text, text, skipped=f"would add {', '.join(added)}")
    fix.new, fix.changes = new, changes
    return fix


def repair_syntax(text: str) -> tuple[str, list[str]]:
    """Quote top-level values whose unquoted ``: `` breaks the YAML, one line at a time."""
    changes: list[str] = []
    for _ in range(_MAX_REPAIRS):
        block = split_frontmatter(text).frontmatter
        if block is None:
            break
        try:
            yaml.compose(block, Loader=yaml.SafeLoader)
            break
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            if mark is None or "mapping values are not allowed" not in (error.problem or ""):
                break
            lines = block.split("\n")
            match = _KEY_LINE.fullmatch(lines[mark.line]) if mark.line < len(lines) else None
            if match is None:
                break
            # A JSON string is a YAML double-quoted scalar; the comment stays a comment.
            value = json.dumps(match["value"].rstrip(), ensure_ascii=False)
            lines[mark.line] = f"{match['key']}: {value}{match['comment'] or ''}{match['eol']}"
            start = text.index("\n") + 1
            text = text[:start] + "\n".join(lines) + text[start + len(block) :]
            changes.append(f"quote {match['key']} (its value contains ': ')")
        except yaml.YAMLError:
            break
    return text, changes


class _Picker:
    """The first inferred value of a field that the check would accept."""

    def __init__(self, inferred: Inferred, settings: ThoughtsSettings, git: GitFacts | None):
        self.inferred = inferred
        self.settings = settings
        self.git = git

    def pick(self, name: str) -> str | None:
        for value in self.inferred.candidates.get(name, []):
            if name == "git_commit" and self.git is not None and not self.git.is_known(value):
                continue
            if _accepted(name, value, self.settings):
                return value
        return None


def _new_block(editor: FrontmatterText, picker: _Picker) -> list[str]:
    """A block of every core field some source knows (none known: no block)."""
    added = []
    for name in CORE_FIELDS:
        value = picker.pick(name)
        if value is not None:
            editor.add(name, _formatted(name, value))
            added.append(name)
    return [f"add frontmatter ({', '.join(added)})"] if added else []


def _edit_block(
    editor: FrontmatterText, note: Note, settings: ThoughtsSettings, picker: _Picker
) -> list[str]:
    frontmatter, _, _ = read_frontmatter(editor.text)
    assert frontmatter is not None
    fields = {key: raw for key, raw in frontmatter.fields.items() if key in editor.entries}
    changes: list[str] = []
    canonical: dict[str, RawField] = {}
    raw: RawField | None
    for key, raw in fields.items():
        name = settings.field_aliases.get(key, key)
        if name in canonical:
            continue  # two keys for one field: a person must choose
        canonical[name] = raw
        if name != key and name not in fields:
            editor.rename(key, name)
            changes.append(f"rename {key} to {name}")

    changes += _normalise_values(editor, canonical, settings)

    required = settings.types[note.note_type].required if note.note_type in settings.types else []
    placeholders = {
        problem.field for problem in frontmatter.problems if problem.code == Rule.PLACEHOLDER.value
    }
    for name in dict.fromkeys([*CORE_FIELDS, *required]):
        raw = canonical.get(name)
        needed = name in required and (raw is None or raw.tag.endswith(":null"))
        if not needed and not (raw is not None and raw.key in placeholders):
            continue
        value = picker.pick(name)
        if value is None:
            continue
        if raw is None:
            editor.add(name, _formatted(name, value))
            changes.append(f"add {name}")
        else:
            editor.set_value(raw.key, _formatted(name, value))
            changes.append(f"fill {name}")
    return changes


def _normalise_values(
    editor: FrontmatterText, canonical: dict[str, RawField], settings: ThoughtsSettings
) -> list[str]:
    changes = []
    commit = canonical.get("git_commit")
    if commit is not None and commit.is_scalar and not _SHA.fullmatch(commit.source.strip()):
        sha, prose = sha_and_prose(commit.source)
        if sha is not None:
            comment = f"  # {prose}" if prose else ""
            editor.set_value(commit.key, yaml_scalar(sha) + comment)
            moved = " (the prose to a comment)" if prose else ""
            changes.append(f"keep only the SHA in git_commit{moved}")
    status = canonical.get("status")
    if status is not None and status.is_scalar and status.source.strip():
        target = canonical_status(status.source, settings)
        if target is not None and target != status.source:
            editor.set_value(status.key, yaml_scalar(target))
            changes.append(f"status {status.source!r} -> {target!r}")
    tags = canonical.get("tags")
    if tags is not None and tags.is_scalar and isinstance(tags.value, str) and tags.value.strip():
        items = [item.strip() for item in tags.value.split(",") if item.strip()]
        editor.set_value(tags.key, yaml_list(items))
        changes.append("tags as a list")
    for name in _TIMESTAMP_FIELDS:
        raw = canonical.get(name)
        if raw is None or not raw.is_scalar or not raw.source.strip() or _parses(raw):
            continue
        normalised = normalise_timestamp(raw.source)
        if normalised is not None and normalised != raw.source:
            editor.set_value(raw.key, yaml_timestamp(normalised))
            changes.append(f"{name} {raw.source!r} -> {normalised}")
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


def _new_errors(note: Note, old: str, new: str, settings: ThoughtsSettings) -> list[str]:
    """Error codes the fixed text has that the old one had not (missing fields aside: a new
    frontmatter block makes them visible, it does not cause them)."""

    def errors(text: str) -> set[tuple[str, str | None]]:
        checked = build_note(note.path, note.rel_path, note.doc_uri, note.note_type, text, settings)
        return {(item.code, item.field) for item in checked.diagnostics if item.is_error}

    added = errors(new) - errors(old)
    return sorted({code for code, _ in added if code != Rule.MISSING_FIELD.value})


def summary(fixes: Iterable[Fix]) -> tuple[int, int]:
    """(notes with a fix, notes that fail but have none)."""
    items = list(fixes)
    changed = sum(item.changed for item in items)
    return changed, len(items) - changed

"""Turn a note's text into a :class:`Note` with its diagnostics (the per-note rules).

Rules that need every note (relation targets) or the repository (commits) live in corpus.py.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .commit_value import read_commit
from .config import ThoughtsSettings
from .diagnostics import DiagnosticSink
from .fields import NOTE_DATE, NoteFields
from .frontmatter import Frontmatter, Position, RawField
from .markdown_scan import scan_of
from .notes import (
    FILE_NAME,
    Note,
    NoteMeta,
    RelationValue,
    date_from_file_name,
    first_heading,
    read_frontmatter,
)
from .rules import Rule
from .timestamps import parse_timestamp, split_stamp

_TEXT_FIELDS = frozenset({"researcher", "branch", "repository", "topic", "last_updated_by"})
_SCALAR_SOURCE_FIELDS = _TEXT_FIELDS | {"git_commit", "status"}
# Read once: pydantic's class-level `model_fields` is a descriptor that costs a call per access.
_MODEL_FIELDS = tuple(NoteFields.model_fields)


def build_note(
    path: Path,
    rel_path: str,
    doc_uri: str,
    note_type: str | None,
    text: str,
    settings: ThoughtsSettings,
) -> Note:
    """Parse and check one note. Never raises for anything a note may contain."""
    frontmatter, body, body_line = read_frontmatter(text)
    sink = DiagnosticSink(rel_path, settings)
    meta = NoteMeta()
    name = path.name

    if frontmatter is None and _accepts_no_frontmatter(note_type, settings):
        pass  # its type requires no field (`required: []`), so a missing block loses nothing
    elif frontmatter is None:
        sink.add(
            Rule.NO_FRONTMATTER,
            "note has no frontmatter",
            "add a `---` block with date, researcher, git_commit, ... at the top "
            "(`thoughts fix --write` can build one from the file name and git)",
            1,
            1,
        )
    else:
        for problem in frontmatter.problems:
            line = problem.at.line if problem.at else None
            column = problem.at.column if problem.at else None
            sink.add(problem.code, problem.message, problem.hint, line, column, problem.field)
        if frontmatter.is_mapping:
            meta = _validate_fields(frontmatter, note_type, body_line, settings, sink)
            _check_file_name_date(name, meta, frontmatter, sink)

    if settings.file_name_patterns:
        _check_file_name(name, settings, sink)
    elif not FILE_NAME.fullmatch(name):
        sink.add(
            Rule.FILE_NAME,
            f"file name {name!r} does not follow YYYY-MM-DD_HH-MM[-SS]_slug.md",
            "rename it like 2025-12-03_18-14-34_short-topic.md (lower case, no spaces)",
        )

    # The body is parsed here only when its heading is the title; else on first use. Through
    # scan_of, so that the git facts, which are given the body alone, find this parse.
    scan = None if meta.topic else scan_of(body)
    title = meta.topic or (first_heading(scan) if scan else None) or path.stem
    return Note(
        path=path,
        rel_path=rel_path,
        doc_uri=doc_uri,
        note_type=note_type,
        frontmatter=frontmatter,
        body=body,
        body_line=body_line,
        meta=meta,
        title=title,
        diagnostics=sink.items,
        scan=scan,
    )


def _accepts_no_frontmatter(note_type: str | None, settings: ThoughtsSettings) -> bool:
    return note_type in settings.types and not settings.types[note_type].required


def _check_file_name(name: str, settings: ThoughtsSettings, sink: DiagnosticSink) -> None:
    """TH201 against the team's own conventions (``filename_pattern``)."""
    patterns = settings.file_name_patterns
    if any(pattern.matches(name) for pattern in patterns):
        return
    wanted = " or ".join(pattern.template for pattern in patterns)
    sink.add(
        Rule.FILE_NAME,
        f"file name {name!r} does not follow {wanted}",
        f"rename it like {patterns[0].example} (filename_pattern in mkdocs.yml)",
    )


def _validate_fields(
    frontmatter: Frontmatter,
    note_type: str | None,
    body_line: int,
    settings: ThoughtsSettings,
    sink: DiagnosticSink,
) -> NoteMeta:
    canonical = _canonical_fields(frontmatter, settings, sink)
    fields = _run_model(_model_input(frontmatter, canonical), canonical, settings, sink)
    _check_required(frontmatter, canonical, note_type, body_line, settings, sink)
    _check_unknown_keys(frontmatter, settings, sink)
    meta = NoteMeta(
        date=fields.get("date"),
        researcher=fields.get("researcher"),
        git_commit=fields.get("git_commit"),
        commit_remark=_commit_remark(canonical, fields),
        branch=fields.get("branch"),
        repository=fields.get("repository"),
        topic=fields.get("topic"),
        tags=fields.get("tags") or [],
        status=fields.get("status"),
        last_updated=fields.get("last_updated"),
        last_updated_by=fields.get("last_updated_by"),
        relations=_relation_values(canonical, settings),
        stamp_commits=_stamp_commits(canonical, fields),
        extra={
            name: raw.value
            for name, raw in canonical.items()
            if name not in _MODEL_FIELDS and name not in settings.relation_fields
        },
    )
    _check_updated_after_date(meta, canonical, sink)
    return meta


def _canonical_fields(
    frontmatter: Frontmatter, settings: ThoughtsSettings, sink: DiagnosticSink
) -> dict[str, RawField]:
    """The fields by canonical name (aliases applied); a second key for one field is TH004."""
    canonical: dict[str, RawField] = {}
    for key, raw in frontmatter.fields.items():
        name = settings.field_aliases.get(key, key)
        if name in canonical:
            other = canonical[name].key
            sink.add(
                Rule.DUPLICATE_KEY,
                f"'{key}' and '{other}' both set {name}",
                f"keep only '{name}'",
                raw.key_at.line,
                raw.key_at.column,
                key,
            )
            continue
        canonical[name] = raw
    return canonical


def _model_input(frontmatter: Frontmatter, canonical: dict[str, RawField]) -> dict[str, Any]:
    """What the pydantic model validates: fields without a YAML problem of their own or a null."""
    values: dict[str, Any] = {}
    problem_fields = {problem.field for problem in frontmatter.problems if problem.field}
    for name, raw in canonical.items():
        if raw.key in problem_fields or raw.tag.endswith(":null"):
            continue
        if name in _SCALAR_SOURCE_FIELDS and raw.is_scalar:
            # The text as written: `git_commit: 0123456` must not become the octal 42798.
            values[name] = raw.source
        else:
            values[name] = raw.value
    return values


def _check_required(
    frontmatter: Frontmatter,
    canonical: dict[str, RawField],
    note_type: str | None,
    body_line: int,
    settings: ThoughtsSettings,
    sink: DiagnosticSink,
) -> None:
    """TH101: each required field that is empty, then one for all the missing ones."""
    required = settings.types[note_type].required if note_type in settings.types else []
    # A key whose line is there but comes after a YAML syntax error is not missing.
    unread = {settings.field_aliases.get(key, key) for key in frontmatter.unreadable}
    for name in required:
        raw = canonical.get(name)
        if raw is not None and raw.tag.endswith(":null"):
            sink.add(
                Rule.MISSING_FIELD,
                f"required field '{name}' is empty",
                f"give `{name}:` a value (every note of type {note_type!r} needs it)",
                raw.value_at.line,
                raw.value_at.column,
                name,
            )
    missing = [name for name in required if name not in canonical and name not in unread]
    _report_missing(missing, note_type, body_line, sink)


def _report_missing(
    missing: list[str], note_type: str | None, body_line: int, sink: DiagnosticSink
) -> None:
    """One TH101 for all the missing fields of a note: they share a cause, a place (the block's
    closing line) and a fix, and a field per diagnostic stacked identical lines (and used up
    GitHub's annotations per step). An empty field is reported at its own line instead."""
    if not missing:
        return
    at = Position(max(body_line - 1, 1), 1)
    names = ", ".join(f"'{name}'" for name in missing)
    keys = ", ".join(f"`{name}: ...`" for name in missing)
    several = len(missing) > 1
    sink.add(
        Rule.MISSING_FIELD,
        f"required fields {names} are missing" if several else f"required field {names} is missing",
        f"add {keys} to the frontmatter (every note of type {note_type!r} needs "
        f"{'them' if several else 'it'})",
        at.line,
        at.column,
        # The JSON's `field` names one frontmatter key; a problem of several keys names none.
        None if several else missing[0],
    )


def _run_model(
    values: dict[str, Any],
    canonical: dict[str, RawField],
    settings: ThoughtsSettings,
    sink: DiagnosticSink,
) -> dict[str, Any]:
    """Validate with the pydantic model; a field that fails is reported and left out."""
    known = {name: values[name] for name in _MODEL_FIELDS if name in values}
    try:
        return dict(NoteFields.model_validate(known, context={"settings": settings}))
    except ValidationError as error:
        failed: set[str] = set()
        for item in error.errors():
            name = str(item["loc"][0])
            failed.add(name)
            raw = canonical[name]
            context = item.get("ctx") or {}
            if item["type"].startswith("TH"):
                code, message, hint = item["type"], context["message"], context["hint"]
                if NOTE_DATE in hint:
                    hint = hint.replace(NOTE_DATE, _date_argument(known.get("date")))
            else:  # pydantic's own type checks: the text fields are plain `str`
                code = Rule.BAD_VALUE.value
                message = f"{name} must be text, not a {type(item['input']).__name__}"
                hint = f"write {name}: on one line with a single value"
            sink.add(
                code,
                message,
                hint,
                raw.value_at.line,
                raw.value_at.column,
                raw.key,
            )
        retry = {name: value for name, value in known.items() if name not in failed}
        return dict(NoteFields.model_validate(retry, context={"settings": settings}))


def _date_argument(value: Any) -> str:
    """The note's date as a `git --before=` argument, when it can be read."""
    try:
        moment = parse_timestamp(split_stamp(value)[0])
    except ValueError:
        return NOTE_DATE
    if not isinstance(moment, datetime):
        return f"{moment.isoformat()}T23:59:59"
    return moment.isoformat()


def _check_unknown_keys(
    frontmatter: Frontmatter, settings: ThoughtsSettings, sink: DiagnosticSink
) -> None:
    known = settings.known_keys
    unknown = [(key, raw) for key, raw in frontmatter.fields.items() if key not in known]
    if not unknown:
        return
    # A key the note already has (under any spelling) is never the suggestion: `command:` beside
    # `git_commit:` is another field, not a misspelt `commit`.
    present = {settings.field_aliases.get(key, key) for key in frontmatter.fields}
    candidates = {name for name in known if settings.field_aliases.get(name, name) not in present}
    for key, raw in unknown:
        suggestion = _key_suggestion(key, candidates)
        sink.add(
            Rule.UNKNOWN_KEY,
            f"unknown key '{key}'" + (f" (did you mean '{suggestion}'?)" if suggestion else ""),
            f"rename it to '{suggestion}'"
            if suggestion
            else "add it under extra_fields or field_aliases in mkdocs.yml if the team uses it",
            raw.key_at.line,
            raw.key_at.column,
            key,
        )


_KEY_TYPO_RATIO = 0.8
"""How alike an unknown key and a known one must be to suggest one for the other: a typo or two
(`stauts`, `reseacher`), not another word (`command` is not `commit`, `question` not `revision`)."""


def _key_suggestion(key: str, candidates: set[str]) -> str | None:
    lowered = key.lower()
    match = difflib.get_close_matches(lowered, sorted(candidates), n=1, cutoff=_KEY_TYPO_RATIO)
    if not match:
        return None
    # `last_updated_note` extends `last_updated` with a word: a field of its own, not a typo.
    words, known_words = lowered.replace("-", "_").split("_"), match[0].split("_")
    if len(words) != len(known_words) and (
        words[: len(known_words)] == known_words or words[-len(known_words) :] == known_words
    ):
        return None
    return match[0]


def _relation_values(
    canonical: dict[str, RawField], settings: ThoughtsSettings
) -> list[RelationValue]:
    relations = []
    for name in settings.relation_fields:
        raw = canonical.get(name)
        if raw is None or raw.value is None:
            continue
        items = raw.value if isinstance(raw.value, list) else [raw.value]
        for number, item in enumerate(items):
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                # Each list item reports its own line, each part of `a.md, b.md` its own column.
                at = raw.item_at[number] if number < len(raw.item_at) else raw.value_at
                parts = str(item).split(",")
                offset = 0
                for part in parts:
                    if part.strip():
                        column = at.column + offset + len(part) - len(part.lstrip())
                        where = at if len(parts) == 1 else Position(at.line, column)
                        relations.append(RelationValue(name, part.strip(), where))
                    offset += len(part) + 1
    return relations


def _commit_remark(canonical: dict[str, RawField], fields: dict[str, Any]) -> str | None:
    raw = canonical.get("git_commit")
    if raw is None or fields.get("git_commit") is None:
        return None
    return read_commit(raw.source).remark


def _stamp_commits(canonical: dict[str, RawField], fields: dict[str, Any]) -> dict[str, str]:
    """The commit a valid date field names after its stamp (``2026-04-01 18:05, a7219ee``)."""
    found = {}
    for name in ("date", "last_updated"):
        raw = canonical.get(name)
        if raw is not None and raw.is_scalar and fields.get(name) is not None:
            sha = split_stamp(raw.source)[1]
            if sha is not None:
                found[name] = sha
    return found


def _check_updated_after_date(
    meta: NoteMeta, canonical: dict[str, RawField], sink: DiagnosticSink
) -> None:
    if meta.date is None or meta.last_updated is None:
        return
    written, updated = meta.date, meta.last_updated
    if (
        isinstance(written, datetime)
        and isinstance(updated, datetime)
        and (written.tzinfo is None) == (updated.tzinfo is None)
    ):
        is_before = updated < written
    else:
        is_before = _day(updated) < _day(written)
    if is_before:
        raw = canonical["last_updated"]
        sink.add(
            Rule.UPDATED_BEFORE_DATE,
            f"last_updated {updated.isoformat()} is before date {written.isoformat()}",
            "set last_updated to the day of the latest edit (not earlier than date)",
            raw.value_at.line,
            raw.value_at.column,
            raw.key,
        )


def _check_file_name_date(
    name: str, meta: NoteMeta, frontmatter: Frontmatter, sink: DiagnosticSink
) -> None:
    named = date_from_file_name(name)
    if named is None or meta.date is None:
        return
    written = _day(meta.date)
    if named != written:
        raw = next(
            raw for key, raw in frontmatter.fields.items() if key == "date" or raw.key == "date"
        )
        sink.add(
            Rule.FILE_NAME_DATE,
            f"file name says {named.isoformat()} but date is {written.isoformat()}",
            "rename the file or correct the date so they agree",
            raw.value_at.line,
            raw.value_at.column,
            "date",
        )


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value

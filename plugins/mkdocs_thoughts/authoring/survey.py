"""What a team's notes say about its conventions: the plugin options `thoughts init` writes.

Each inferred option carries a comment saying what was seen, so a reviewer can judge the line. The
rules never hide a defect: a broken value stays broken, one-off spellings and keys stay reported.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.commit_value import read_commit
from ..core.config import CORE_FIELDS, DEFAULT_RELATIONS, ThoughtsSettings
from ..core.filenames import DEFAULT_DESCRIPTION, shape_of
from ..core.frontmatter import RawField
from ..core.notes import read_frontmatter
from ..core.timestamps import parse_timestamp
from .status_survey import notes_phrase, survey_statuses

REQUIRED_SHARE = 0.9
"""A type requires a field when at least this share of its notes with frontmatter carry it."""
UPPER_CASE_SHARE = 0.1
"""File names may use capitals (``Slug``) when at least this share of the names do."""
TYPO_RATIO = 0.85
"""A key this similar to a known one, and as long give or take a letter, is a typo."""

_DEFAULTS = ThoughtsSettings()
_TITLES = {"research": "Research", "plans": "Plans", "prs": "PRs"}
_REQUIRABLE = (*CORE_FIELDS, *DEFAULT_RELATIONS)
"""Fields a type may require: the core ones, and the default relations (plans: related_research)."""
_FIRST_TYPES = ("research", "plans", "prs")

ALIAS_CANDIDATES: dict[str, str] = {
    "commit": "git_commit",
    "git_sha": "git_commit",
    "sha": "git_commit",
    "git_hash": "git_commit",
    "commit_sha": "git_commit",
    "author": "researcher",
    "created_by": "researcher",
    # Who wrote a review note: never taken where a note also names its researcher or author.
    "reviewer": "researcher",
    "title": "topic",
    "git_branch": "branch",
    "repo": "repository",
    "updated": "last_updated",
    "updated_at": "last_updated",
    "last_modified": "last_updated",
    "updated_by": "last_updated_by",
    "created": "date",
    "created_at": "date",
}
"""Keys that may hold a core field, each accepted only when its values fit the field."""

_RELATION_KINDS: tuple[tuple[str, str], ...] = (
    ("supersed", "related"),
    ("plan", "implements"),
    ("based", "builds_on"),
    ("research", "builds_on"),
    ("input", "builds_on"),
    ("source", "cites"),
    ("review", "cites"),
    ("cite", "cites"),
    ("ref", "cites"),
)
"""The edge kind of a relation key, by a word in its name (else ``related``)."""


@dataclass(frozen=True, slots=True)
class SeenNote:
    path: Path
    folder: str
    """The folder's name (``research``), or ``""`` for a note directly in the notes root."""
    fields: dict[str, RawField] | None
    """``None`` when the note has no frontmatter mapping."""


@dataclass(slots=True)
class Survey:
    notes: int
    options: dict[str, Any] = field(default_factory=dict)
    """The plugin options, in the order they are written."""
    comments: dict[str, str] = field(default_factory=dict)
    """What was seen, by option (``date_precision``) or entry (``types.research``)."""
    headline: str = ""
    """The comment line above the options."""
    remarks: list[str] = field(default_factory=list)
    """What was seen and deliberately not configured (written as comment lines)."""


def read_notes(notes_root: Path, paths: Iterable[Path]) -> list[SeenNote]:
    seen = []
    for path in paths:
        if path.is_symlink():
            continue  # never read through a link, which may lead out of the repository
        text = path.read_bytes().decode("utf-8", errors="replace")
        frontmatter, _, _ = read_frontmatter(text)
        fields = frontmatter.fields if frontmatter is not None and frontmatter.is_mapping else None
        folder = "" if path.parent == notes_root else path.parent.name
        seen.append(SeenNote(path, folder, fields))
    return seen


def survey(notes: list[SeenNote], repo_root: Path) -> Survey:
    result = Survey(len(notes))
    if not notes:
        return result
    result.headline = (
        f"inferred by `thoughts init` from {notes_phrase(len(notes))}; "
        "each comment says what it saw"
    )
    aliases, alias_comments = _field_aliases(notes)
    canonical = [_canonical(note.fields, aliases) for note in notes]
    _types(notes, canonical, result)
    _file_names(notes, result)
    _date_precision(canonical, result)
    _statuses(canonical, result)
    if aliases != _DEFAULTS.field_aliases:
        result.options["field_aliases"] = aliases
        for key, comment in alias_comments.items():
            result.comments[f"field_aliases.{key}"] = comment
    _relations(notes, aliases, repo_root, result)
    _extra_fields(notes, result)
    return result


def _canonical(
    fields: dict[str, RawField] | None, aliases: dict[str, str]
) -> dict[str, RawField] | None:
    if fields is None:
        return None
    return {aliases.get(key, key): raw for key, raw in fields.items()}


# --- note types ---------------------------------------------------------------------------------


def _types(notes: list[SeenNote], canonical: list[dict[str, RawField] | None], out: Survey) -> None:
    by_folder: dict[str, list[dict[str, RawField] | None]] = {}
    for note, fields in zip(notes, canonical, strict=True):
        if note.folder:
            by_folder.setdefault(note.folder, []).append(fields)
    order = sorted(
        by_folder,
        key=lambda name: (
            _FIRST_TYPES.index(name) if name in _FIRST_TYPES else len(_FIRST_TYPES),
            -len(by_folder[name]),
            name,
        ),
    )
    types: dict[str, dict[str, Any]] = {}
    for name in order:
        members = by_folder[name]
        with_frontmatter = [fields for fields in members if fields is not None]
        entry: dict[str, Any] = {"folders": [name]}
        if name in _TITLES and _TITLES[name] != name.capitalize():
            entry["title"] = _TITLES[name]
        counts = Counter(
            key
            for fields in with_frontmatter
            for key, raw in fields.items()
            if key in _REQUIRABLE and not raw.tag.endswith(":null")
        )
        if len(with_frontmatter) * 2 < len(members):
            entry["required"] = []
            comment = (
                f"{notes_phrase(len(members))}, {len(with_frontmatter)} with frontmatter: "
                "none required, notes without frontmatter are fine"
            )
        else:
            threshold = REQUIRED_SHARE * len(with_frontmatter)
            entry["required"] = [key for key in _REQUIRABLE if counts[key] >= threshold]
            optional = [
                f"{key} {counts[key]}" for key in _REQUIRABLE if 0 < counts[key] < threshold
            ]
            comment = f"{notes_phrase(len(members))}, {len(with_frontmatter)} with frontmatter"
            if optional:
                comment += f"; on fewer than 90% of them: {', '.join(optional)}"
        types[name] = entry
        out.comments[f"types.{name}"] = comment
    if types:
        out.options["types"] = types


# --- file names ---------------------------------------------------------------------------------


def _file_names(notes: list[SeenNote], out: Survey) -> None:
    shapes = [shape_of(note.path.name) for note in notes]
    counts = Counter(shape.template for shape in shapes if shape is not None)
    accepted = [template for template, count in counts.most_common() if count >= 2]
    if not accepted:
        return
    fitting = [shape for shape in shapes if shape is not None and shape.template in accepted]
    capitals = sum(shape.upper_case for shape in fitting)
    any_case = capitals >= 2 and capitals >= UPPER_CASE_SHARE * len(fitting)
    if set(accepted) == {DEFAULT_DESCRIPTION} and not any_case:
        return  # the built-in convention
    templates = list(accepted)
    if DEFAULT_DESCRIPTION in templates and "YYYY-MM-DD_slug.md" in templates:
        templates.remove("YYYY-MM-DD_slug.md")
        templates[templates.index(DEFAULT_DESCRIPTION)] = "YYYY-MM-DD[_HH-MM[-SS]]_slug.md"
    if any_case:
        templates = [template.replace("slug", "Slug") for template in templates]
    others = len(notes) - len(fitting)
    seen = ", ".join(f"{template} {count}" for template, count in counts.most_common())
    comment = f"seen: {seen}"
    if any_case:
        comment += f"; {capitals} with capitals"
    if others:
        comment += f"; {others} other name{'s stay' if others != 1 else ' stays'} TH201"
    out.options["filename_pattern"] = templates[0] if len(templates) == 1 else templates
    out.comments["filename_pattern"] = comment


# --- dates --------------------------------------------------------------------------------------


def _date_precision(canonical: list[dict[str, RawField] | None], out: Survey) -> None:
    days = times = 0
    for fields in canonical:
        raw = (fields or {}).get("date")
        if raw is None:
            continue
        try:
            value = parse_timestamp(raw.value if not raw.is_scalar else raw.source)
        except ValueError:
            continue
        if hasattr(value, "hour"):
            times += 1
        else:
            days += 1
    if days * 2 > days + times:
        out.options["date_precision"] = "day"
        out.comments["date_precision"] = f"{days} of {days + times} dates have no time"


# --- statuses -----------------------------------------------------------------------------------


def _statuses(canonical: list[dict[str, RawField] | None], out: Survey) -> None:
    spellings = Counter(
        raw.source.strip()
        for fields in canonical
        if fields is not None
        for raw in [fields.get("status")]
        if raw is not None and raw.is_scalar and raw.source.strip()
    )
    found = survey_statuses(spellings)
    if found.aliases:
        out.options["status_aliases"] = dict(sorted(found.aliases.items()))
        for spelling, comment in found.alias_comments.items():
            out.comments[f"status_aliases.{spelling}"] = comment
    if found.extra:
        out.options["extra_statuses"] = sorted(found.extra)
        out.comments["extra_statuses"] = ", ".join(sorted(found.extra_comments))
    out.remarks.extend(found.remarks)


def _typo_of(key: str, known: frozenset[str]) -> bool:
    """One or two keystrokes away from a known key (``reseacher``), not a longer key of its own
    (``last_updated_note``)."""
    return any(
        abs(len(key) - len(other)) <= 1
        and difflib.SequenceMatcher(None, key, other).ratio() >= TYPO_RATIO
        for other in known
    )


# --- field aliases ------------------------------------------------------------------------------


def _fits(canonical: str, raw: RawField) -> bool:
    if canonical == "git_commit":
        return raw.is_scalar and read_commit(raw.source).sha is not None
    if canonical in ("date", "last_updated"):
        try:
            parse_timestamp(raw.value if not raw.is_scalar else raw.source)
        except ValueError:
            return False
        return True
    return raw.is_scalar and isinstance(raw.value, str) and bool(raw.value.strip())


def _field_aliases(notes: list[SeenNote]) -> tuple[dict[str, str], dict[str, str]]:
    """Aliases for keys that hold a core field in the notes that use them, and never appear
    next to that field (or another key for it) in one note, which would make TH004 errors."""
    used: Counter[str] = Counter()
    fitting: Counter[str] = Counter()
    clashes: set[str] = set()
    for note in notes:
        if note.fields is None:
            continue
        for key, raw in note.fields.items():
            canonical = ALIAS_CANDIDATES.get(key)
            if canonical is None:
                continue
            used[key] += 1
            fitting[key] += _fits(canonical, raw)
            others = [
                other
                for other in note.fields
                if other != key and (other == canonical or ALIAS_CANDIDATES.get(other) == canonical)
            ]
            if others:
                clashes.add(key)
    aliases: dict[str, str] = {}
    comments: dict[str, str] = {}
    for key, count in sorted(used.items()):
        canonical = ALIAS_CANDIDATES[key]
        if key in clashes or fitting[key] * 5 < count * 4:  # 80% of the values fit the field
            continue
        aliases[key] = canonical
        comments[key] = f"{notes_phrase(count)}, never beside {canonical}"
    if not aliases or set(aliases.items()) <= set(_DEFAULTS.field_aliases.items()):
        # Nothing the defaults do not cover; keep them unless one of them would clash.
        defaults = dict(_DEFAULTS.field_aliases)
        if not any(key in clashes for key in defaults):
            return defaults, {}
    return aliases, comments


# --- relations ----------------------------------------------------------------------------------

_ANCHOR_OR_LINE = re.compile(r"(?:#.*|:\d+(?:-\d+)?)$")


def _path_items(value: object) -> list[str] | None:
    """The items of a relation-like value, or ``None`` when it is not text or a list of text."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return None
        found.extend(part.strip() for part in item.split(",") if part.strip())
    return found


def _looks_like_path(text: str) -> bool:
    if "://" in text or any(char.isspace() for char in text):
        return False
    bare = _ANCHOR_OR_LINE.sub("", text)
    return bare.endswith(".md") or ("/" in bare and "." in bare.rsplit("/", 1)[-1])


def _exists(text: str, note: SeenNote, repo_root: Path, names: set[str]) -> bool:
    """Whether a value names a file of the repository (from the note's folder or the root) or,
    as a bare name, a note."""
    bare = _ANCHOR_OR_LINE.sub("", text)
    if "/" not in bare and bare in names:
        return True
    for base in (note.path.parent, repo_root):
        candidate = (base / bare).resolve()
        if candidate.is_relative_to(repo_root) and candidate.is_file():
            return True
    return False


def _relation_kind(key: str) -> str:
    return next((kind for word, kind in _RELATION_KINDS if word in key.lower()), "related")


def _relations(
    notes: list[SeenNote], aliases: dict[str, str], repo_root: Path, out: Survey
) -> None:
    names = {note.path.name for note in notes}
    skip = {*CORE_FIELDS, *aliases, *DEFAULT_RELATIONS}
    seen: Counter[str] = Counter()
    rejected: set[str] = set()
    resolved: Counter[str] = Counter()
    for note in notes:
        for key, raw in (note.fields or {}).items():
            if key in skip or key in rejected:
                continue
            items = _path_items(raw.value)
            if not items or not all(_looks_like_path(item) for item in items):
                rejected.add(key)
                continue
            seen[key] += 1
            # A note path counts even when its target is gone: the relation then reports it.
            resolved[key] += any(
                _ANCHOR_OR_LINE.sub("", item).endswith(".md")
                or _exists(item, note, repo_root, names)
                for item in items
            )
    found = {key: count for key, count in seen.items() if key not in rejected and resolved[key]}
    if not found:
        return
    relations = dict(DEFAULT_RELATIONS)
    for key in sorted(found):
        relations[key] = _relation_kind(key)
        out.comments[f"relation_fields.{key}"] = (
            f"{notes_phrase(found[key])}, values are paths of notes or files"
        )
    out.options["relation_fields"] = relations
    out.comments["relation_fields"] = "the defaults, and the team's keys that name notes:"


# --- extra fields -------------------------------------------------------------------------------


def _extra_fields(notes: list[SeenNote], out: Survey) -> None:
    known = ThoughtsSettings.model_validate(out.options).known_keys
    counts = Counter(key for note in notes for key in (note.fields or {}) if key not in known)
    one_offs = sorted(key for key, count in counts.items() if count < 2)
    if one_offs:
        out.remarks.append(f"keys used by one note only, so they stay TH104: {', '.join(one_offs)}")
    misspelt = sorted(key for key, count in counts.items() if count >= 2 and _typo_of(key, known))
    if misspelt:
        out.remarks.append(f"keys that look misspelt, so they stay TH104: {', '.join(misspelt)}")
    extra = sorted(k for k, count in counts.items() if count >= 2 and k not in misspelt)
    if not extra:
        return
    out.options["extra_fields"] = [*_DEFAULTS.extra_fields, *extra]
    out.comments["extra_fields"] = "keys used by two notes or more"
    for key in extra:
        out.comments[f"extra_fields.{key}"] = notes_phrase(counts[key])

"""Write a new note from a template, and mark the note it supersedes.

A team adds a note type by adding ``templates/<type>.md`` next to mkdocs.yml (and the type under
``types:`` in the plugin options); the type's first folder is where its notes go.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..core.atomic import FileExistsRefused, write_atomic
from ..core.config import ThoughtsSettings
from ..core.filenames import FileNamePattern
from ..core.frontmatter import split_frontmatter
from ..core.notes import first_heading, read_frontmatter
from .metadata import Metadata
from .text_edits import (
    FrontmatterSyntaxError,
    FrontmatterText,
    yaml_list,
    yaml_scalar,
    yaml_timestamp,
)

SINGULAR_ALIASES = {"research": "research", "plan": "plans", "pr": "prs"}
"""What people type (`thoughts new plan`) and the default type it names."""

SUPERSEDED_STATUS = "superseded"
"""Set on the old note only when the team lists it among its statuses."""

FALLBACK_TEMPLATE = """\
---
date: {{ date | yaml_date }}
researcher: {{ researcher | yaml }}
git_commit: {{ git_commit | yaml }}
branch: {{ branch | yaml }}
repository: {{ repository | yaml }}
topic: {{ topic | yaml }}
tags: {{ tags | yaml_list }}
status: {{ status | yaml }}
last_updated: {{ last_updated | yaml_date }}
last_updated_by: {{ researcher | yaml }}
{% if related %}
{{ related_field }}: {{ related | yaml_list }}
{% endif %}
{% if supersedes %}
supersedes: {{ supersedes | yaml }}
{% endif %}
---

# {{ topic }}
"""
"""Used when templates/ has nothing for the type, so a new type works before it has a template."""

_SLUG_MAX = 60


class AuthoringError(Exception):
    """The note cannot be written as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class NoteRequest:
    type_name: str
    topic: str
    tags: list[str]
    status: str
    related: list[Path]
    supersedes: Path | None


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    template: Path | None
    """The template used (``None``: the built-in fallback)."""
    superseded: Path | None = None
    superseded_changed: bool = False


def resolve_type(name: str, settings: ThoughtsSettings) -> str:
    """The configured type a name refers to: itself, or `plan`/`pr` for plans/prs."""
    if name in settings.types:
        return name
    for candidate in (SINGULAR_ALIASES.get(name), f"{name}s"):
        if candidate and candidate in settings.types:
            return candidate
    known = ", ".join(sorted({*settings.types, *SINGULAR_ALIASES}))
    raise AuthoringError(f"unknown note type {name!r}; known: {known}")


def find_template(templates_dir: Path, asked: str, type_name: str) -> Path | None:
    """``templates/<asked>.md``, else ``<type>.md``, else its singular (``plans`` -> plan.md)."""
    singular = {value: key for key, value in SINGULAR_ALIASES.items()}.get(type_name)
    for stem in (asked, type_name, singular, type_name.removesuffix("s")):
        if stem:
            candidate = templates_dir / f"{stem}.md"
            if candidate.is_file():
                return candidate
    return None


def slugify(topic: str) -> str:
    """Lower-case ASCII words joined by dashes, at most 60 characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", topic).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_MAX:
            break
        slug = candidate
    return slug or (words[0][:_SLUG_MAX] if words else "note")


def note_path(
    notes_root: Path,
    folder: str,
    metadata: Metadata,
    topic: str,
    patterns: tuple[FileNamePattern, ...] = (),
) -> Path:
    """Named by the team's first ``filename_pattern``, else YYYY-MM-DD_HH-MM-SS_slug.md."""
    if patterns:
        name = patterns[0].render(metadata.now, slugify(topic))
    else:
        name = f"{metadata.timestamp}_{slugify(topic)}.md"
    return notes_root / "shared" / folder / name


def render(template_text: str, context: dict[str, Any]) -> str:
    # Sandboxed: a template is a file from the repository, and rendering it must not run code.
    environment = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters.update(yaml=_yaml, yaml_list=yaml_list, yaml_date=_yaml_date)
    try:
        text = environment.from_string(template_text).render(context)
    except jinja2.TemplateError as error:
        raise AuthoringError(f"template error: {error}") from None
    return _strip_frontmatter_trailing_spaces(text)


def write_note(
    request: NoteRequest,
    metadata: Metadata,
    settings: ThoughtsSettings,
    notes_root: Path,
    repo_root: Path,
    templates_dir: Path,
    asked_type: str,
) -> Written:
    """Render and write the note (never over an existing file); then mark the superseded one."""
    folder = settings.types[request.type_name].folders[0]
    path = note_path(notes_root, folder, metadata, request.topic, settings.file_name_patterns)
    if not path.parent.resolve().is_relative_to(notes_root.resolve()):
        # `types: {research: {folders: ['../../elsewhere']}}`, or a folder that is a symlink
        # out of the repository: a note there would never be on the site, or not even in the
        # repository.
        raise AuthoringError(
            f"{path.parent} is outside the notes folder {notes_root} (and so may be outside "
            f"the repository); check types.{request.type_name}.folders in mkdocs.yml"
        )
    if path.exists() or path.is_symlink():
        raise AuthoringError(f"{path} already exists; not overwriting it")
    if request.supersedes is not None:
        _superseded_editor(request.supersedes)  # refuse before writing anything
    template = find_template(templates_dir, asked_type, request.type_name)
    if template is not None and not template.resolve().is_relative_to(repo_root.resolve()):
        raise AuthoringError(
            f"{template} is a symlink to a file outside the repository; not using it"
        )
    template_text = template.read_text(encoding="utf-8") if template else FALLBACK_TEMPLATE
    context = _context(request, metadata, settings, path, repo_root)
    text = render(template_text, context)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, text, exclusive=True)
    except FileExistsRefused:
        raise AuthoringError(f"{path} already exists; not overwriting it") from None
    if request.supersedes is None:
        return Written(path, template)
    changed = mark_superseded(request.supersedes, _from_root(path, repo_root), settings)
    return Written(path, template, request.supersedes, changed)


def mark_superseded(old: Path, new_rel: str, settings: ThoughtsSettings) -> bool:
    """Add ``superseded_by: <new>`` to the old note (and its status, when configured).

    Only the lines that must change are touched; returns whether the file changed.
    """
    editor = _superseded_editor(old)
    frontmatter, _, _ = read_frontmatter(editor.text)
    fields = frontmatter.fields if frontmatter else {}
    if "superseded_by" in editor.entries:
        value = fields["superseded_by"].value
        existing = [str(item) for item in (value if isinstance(value, list) else [value]) if item]
        if new_rel not in existing:
            editor.set_value("superseded_by", yaml_list([*existing, new_rel]))
    else:
        editor.add("superseded_by", yaml_scalar(new_rel))
    if SUPERSEDED_STATUS in settings.all_statuses:
        if "status" not in editor.entries:
            editor.add("status", SUPERSEDED_STATUS)
        elif fields["status"].source != SUPERSEDED_STATUS:
            editor.set_value("status", SUPERSEDED_STATUS)
    if not editor.changed:
        return False
    write_atomic(old, editor.result())
    return True


def _superseded_editor(old: Path) -> FrontmatterText:
    try:
        text = old.read_bytes().decode("utf-8")  # not read_text: keep CRLF line ends as they are
    except (OSError, UnicodeDecodeError) as error:
        raise AuthoringError(f"cannot read {old}: {error}") from None
    try:
        return FrontmatterText(text)
    except FrontmatterSyntaxError:
        raise AuthoringError(
            f"{old}: its frontmatter is not valid YAML, so superseded_by cannot be added; "
            "run `thoughts fix` on it first"
        ) from None


def _context(
    request: NoteRequest,
    metadata: Metadata,
    settings: ThoughtsSettings,
    path: Path,
    repo_root: Path,
) -> dict[str, Any]:
    related = [_from_root(target, repo_root) for target in request.related]
    required = settings.types[request.type_name].required
    return {
        "type": request.type_name,
        "topic": request.topic,
        "tags": request.tags,
        "status": request.status,
        "date": metadata.date,
        "date_tz": metadata.date_tz,
        "last_updated": metadata.day,
        "timestamp": metadata.timestamp,
        "researcher": metadata.researcher,
        "git_commit": metadata.git_commit,
        "branch": metadata.branch,
        "repository": metadata.repository,
        "related": related,
        "related_field": "related_research" if "related_research" in required else "related",
        "related_links": [_link(target, path) for target in request.related],
        "supersedes": _from_root(request.supersedes, repo_root) if request.supersedes else "",
    }


def _link(target: Path, note: Path) -> dict[str, str]:
    title = _title(target)
    href = Path(os.path.relpath(target, note.parent)).as_posix()
    return {"title": title, "href": href}


def _title(target: Path) -> str:
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return target.stem
    frontmatter, body, _ = read_frontmatter(text)
    topic = frontmatter.fields.get("topic") if frontmatter else None
    if topic is not None and isinstance(topic.value, str) and topic.value.strip():
        return topic.value.strip()
    return first_heading(body) or target.stem


def _from_root(path: Path, repo_root: Path) -> str:
    """A path as relation fields write it: from the repository root, with forward slashes."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _yaml(value: object) -> str:
    # An unknown value (no git here) stays empty, which the check reports as an empty field.
    text = "" if value is None else str(value)
    return yaml_scalar(text) if text else ""


def _yaml_date(value: object) -> str:
    text = "" if value is None else str(value)
    return yaml_timestamp(text) if text else ""


def _strip_frontmatter_trailing_spaces(text: str) -> str:
    """`git_commit: ` with nothing after it would leave a trailing space; the body is kept."""
    block = split_frontmatter(text).frontmatter
    if not block:
        return text
    start = text.index("\n") + 1
    cleaned = re.sub(r"[ \t]+(\r?\n)", r"\1", block)
    return text[:start] + cleaned + text[start + len(block) :]


def parse_tags(text: str | None, default: Sequence[str]) -> list[str]:
    if text is None:
        return list(default)
    return [tag.strip() for tag in text.split(",") if tag.strip()]

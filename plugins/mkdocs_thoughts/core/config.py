"""Everything a team can configure (``plugins: - thoughts: {...}`` in mkdocs.yml).

One pydantic model, :class:`ThoughtsSettings`, holds the configuration; the plugin and the CLI both
build it from the same mapping with :func:`load_settings`, so they can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .filenames import FileNamePattern, PatternError, compile_pattern
from .rules import DEFAULT_SEVERITY, Rule, Severity

CORE_FIELDS: tuple[str, ...] = (
    "date",
    "researcher",
    "git_commit",
    "branch",
    "repository",
    "topic",
    "tags",
    "status",
    "last_updated",
    "last_updated_by",
)
"""The seed template's fields, in the order templates and fixes write them."""

BASE_REQUIRED: tuple[str, ...] = CORE_FIELDS[: CORE_FIELDS.index("last_updated")]
"""The fields every note must have: the seed template's, but the last-updated pair, which only
an edit adds."""


_BOOLEAN_SEVERITY: dict[object, Severity] = {
    False: Severity.OFF,
    True: Severity.ERROR,
    "false": Severity.OFF,
    "no": Severity.OFF,
    "true": Severity.ERROR,
    "on": Severity.ERROR,
    "yes": Severity.ERROR,
}
"""`rules:` values YAML or a team may write for off and on (on means error)."""


def _severity_spelling(value: object) -> object:
    if isinstance(value, bool):
        return _BOOLEAN_SEVERITY[value]
    if isinstance(value, str):
        return _BOOLEAN_SEVERITY.get(value.strip().lower(), value.strip().lower())
    return value


class NoteType(BaseModel):
    """A kind of note, recognised by the name of a folder it lives in."""

    model_config = ConfigDict(extra="forbid")

    folders: list[str] = Field(min_length=1, description="Folder names that hold this type.")
    title: str | None = Field(None, description="Name shown in the nav and index (default: Name).")
    required: list[str] = Field(
        default_factory=lambda: list(BASE_REQUIRED), description="Fields every note must have."
    )


def _default_types() -> dict[str, NoteType]:
    return {
        "research": NoteType(folders=["research"], title="Research"),
        "plans": NoteType(
            folders=["plans"], title="Plans", required=[*BASE_REQUIRED, "related_research"]
        ),
        "prs": NoteType(folders=["prs"], title="PRs"),
    }


DEFAULT_RELATIONS: dict[str, str] = {
    "related_research": "builds_on",
    "based_on": "builds_on",
    "research_doc": "builds_on",
    "plan_doc": "implements",
    "sources": "cites",
    "related": "related",
    "related_plans": "related",
    "supersedes": "supersedes",
    "superseded_by": "superseded_by",
}


class ThoughtsSettings(BaseModel):
    """The plugin's options (``plugins: - thoughts: {...}`` in mkdocs.yml)."""

    model_config = ConfigDict(extra="forbid")

    notes_root: str | None = Field(
        None, description="Folder holding the notes, relative to mkdocs.yml (default: docs_dir)."
    )
    types: dict[str, NoteType] = Field(
        default_factory=_default_types,
        description="Note types: name -> folders and required fields. Replaces the defaults.",
    )
    statuses: list[str] = Field(
        default_factory=lambda: ["in_progress", "complete", "ready_for_review"],
        description="Allowed values of `status`.",
    )
    extra_statuses: list[str] = Field(
        default_factory=list, description="Statuses allowed on top of `statuses`."
    )
    status_aliases: dict[str, str] = Field(
        default_factory=dict,
        description="Accepted spellings and their canonical status, e.g. completed: complete.",
    )
    field_aliases: dict[str, str] = Field(
        default_factory=lambda: {
            "commit": "git_commit",
            "git_sha": "git_commit",
            "author": "researcher",
            "git_branch": "branch",
        },
        description="Accepted keys and the canonical field they stand for.",
    )
    relation_fields: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RELATIONS),
        description="Fields that point at other notes, and the kind of edge each makes.",
    )
    extra_fields: list[str] = Field(
        default_factory=lambda: ["runs"],
        description="Keys a team uses that are not unknown (`runs` cites experiment runs).",
    )
    unknown_keys: Literal["warn", "ignore", "error"] = Field(
        "warn", description="What an unknown frontmatter key is."
    )
    rules: dict[str, Severity] = Field(
        default_factory=dict, description="Severity per rule code (error, warning, off)."
    )
    skip_folders: list[str] = Field(
        default_factory=lambda: ["searchable", "templates", "_templates"],
        description="Folder names under the notes root that never hold notes.",
    )
    fail_on_error: bool = Field(
        False,
        description="Whether note errors fail a non-strict `mkdocs build` too "
        "(`--strict` always fails on them; `mkdocs serve` never does).",
    )
    check_commits: bool = Field(
        True, description="Whether `git_commit` is resolved against the repository."
    )
    cache_nav: bool = Field(
        True,
        description="Whether Material's nav is rendered once per folder for the pages outside "
        "the nav (the notes) instead of once per page, its translations looked up once per "
        "key, and the pieces of its pages that show nothing of the page but its links and "
        "title (header, search box, repository link, head styles and scripts) rendered once "
        "per build or folder; a theme override of those templates turns it off for them by "
        "itself.",
    )
    run_globs: list[str] = Field(
        default_factory=lambda: [
            "data/processed/labeled/*",
            "data/interim/*/*",
            "data/processed/*",
        ],
        description="Where run directories are, relative to the repository root.",
    )
    forge: Literal["github", "gitlab", "gitea", "bitbucket"] | None = Field(
        None, description="The forge behind repo_url (default: inferred from its host)."
    )
    commit_url_template: str | None = Field(
        None, description="Commit links, e.g. {repo_url}/commit/{sha} (overrides the forge's)."
    )
    blob_url_template: str | None = Field(
        None,
        description="File links at a commit, e.g. {repo_url}/blob/{sha}/{path}#L{start}-L{end}.",
    )
    filename_pattern: str | list[str] | None = Field(
        None,
        description="The team's file-name convention(s) checked by TH201, e.g. "
        "YYYY-MM-DD-slug.md (tokens YYYY MM DD HH MM SS slug Slug, [optional]); default "
        "YYYY-MM-DD_HH-MM[-SS]_slug.md.",
    )
    date_precision: Literal["time", "day"] = Field(
        "time",
        description="`time`: `date` needs a time and time zone; `day`: a day alone is accepted "
        "(for teams whose template wrote only the day).",
    )

    @field_validator("rules", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        # YAML 1.1 reads a bare `off`/`no` as false and `on`/`yes` as true, so the natural
        # `rules: {TH201: off}` arrives as False: read booleans as what they were written as.
        if not isinstance(value, Mapping):
            return value
        return {code: _severity_spelling(severity) for code, severity in value.items()}

    @field_validator("rules")
    @classmethod
    def _known_rule_codes(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        known = {rule.value for rule in Rule}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown rule code(s) {', '.join(unknown)}; known: {sorted(known)}")
        return value

    @field_validator("run_globs")
    @classmethod
    def _globs_inside_the_repository(cls, value: list[str]) -> list[str]:
        check_run_globs(value)
        return value

    @field_validator("filename_pattern")
    @classmethod
    def _compiles(cls, value: str | list[str] | None) -> str | list[str] | None:
        templates = [value] if isinstance(value, str) else value or []
        for template in templates:
            try:
                compile_pattern(template)
            except PatternError as error:
                raise ValueError(str(error)) from None
        return value

    @cached_property
    def file_name_patterns(self) -> tuple[FileNamePattern, ...]:
        """The configured conventions; empty means the built-in one."""
        value = self.filename_pattern
        templates = [value] if isinstance(value, str) else value or []
        return tuple(compile_pattern(template) for template in templates)

    @property
    def all_statuses(self) -> list[str]:
        return [*self.statuses, *self.extra_statuses]

    def severity(self, rule: Rule) -> Severity:
        configured = self.rules.get(rule.value)
        if configured is not None:
            return configured
        if rule is Rule.UNKNOWN_KEY:
            return {"warn": Severity.WARNING, "ignore": Severity.OFF, "error": Severity.ERROR}[
                self.unknown_keys
            ]
        return DEFAULT_SEVERITY[rule]

    @cached_property
    def known_keys(self) -> frozenset[str]:
        required = {name for note_type in self.types.values() for name in note_type.required}
        return frozenset(
            {
                *CORE_FIELDS,
                *required,
                *self.relation_fields,
                *self.extra_fields,
                *self.field_aliases,
            }
        )

    def type_title(self, name: str) -> str:
        note_type = self.types[name]
        return note_type.title or name.replace("_", " ").capitalize()


def check_run_globs(globs: Sequence[str]) -> None:
    """Raise ValueError for a run glob that could reach outside the repository."""
    for pattern in globs:
        parts = PurePosixPath(pattern.replace("\\", "/")).parts
        if not pattern.strip() or pattern.startswith(("/", "\\")) or ".." in parts:
            raise ValueError(
                f"run glob {pattern!r} must be a relative path inside the repository "
                "(no leading '/' and no '..')"
            )
        if re.match(r"^[A-Za-z]:", pattern):
            raise ValueError(f"run glob {pattern!r} must be relative, not a drive path")


class SettingsError(ValueError):
    """The plugin configuration is invalid; the message names each bad option."""


def load_settings(options: Mapping[str, Any] | None) -> ThoughtsSettings:
    """Validate the plugin options, turning pydantic's errors into one readable message."""
    try:
        return ThoughtsSettings.model_validate(dict(options or {}))
    except ValidationError as error:
        lines = [
            f"plugins.thoughts.{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise SettingsError("\n".join(lines)) from None

"""The frontmatter schema and everything a team can configure about it (in mkdocs.yml).

One pydantic model, :class:`ThoughtsSettings`, holds the configuration; the plugin and the CLI both
build it from the same ``plugins: - thoughts: {...}`` mapping, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .commitvalue import COMMIT_PATTERN, read_commit
from .filenames import FileNamePattern, PatternError, compile_pattern

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

BASE_REQUIRED: tuple[str, ...] = (
    "date",
    "researcher",
    "git_commit",
    "branch",
    "repository",
    "topic",
    "tags",
    "status",
)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


class Rule(StrEnum):
    """Stable rule codes: 0xx YAML, 1xx fields, 2xx file names, 3xx links and commits."""

    NO_FRONTMATTER = "TH001"
    YAML_SYNTAX = "TH002"
    NOT_A_MAPPING = "TH003"
    DUPLICATE_KEY = "TH004"
    UNKNOWN_TAG = "TH005"
    PLACEHOLDER = "TH006"
    MISSING_FIELD = "TH101"
    BAD_VALUE = "TH102"
    UNKNOWN_STATUS = "TH103"
    UNKNOWN_KEY = "TH104"
    UPDATED_BEFORE_DATE = "TH105"
    FILE_NAME = "TH201"
    FILE_NAME_DATE = "TH202"
    UNREADABLE_NOTE = "TH203"
    MISSING_TARGET = "TH301"
    UNKNOWN_COMMIT = "TH302"
    CODE_NOT_AT_COMMIT = "TH303"
    PLAN_ON_OPEN_RESEARCH = "TH311"
    SUPERSEDES_CYCLE = "TH312"
    SUPERSEDES_ONE_SIDED = "TH313"
    BODY_TARGET_MISSING = "TH314"
    MOVED_TARGET = "TH315"
    MALFORMED_RUN_FILE = "TH401"
    RUN_NOT_FOUND = "TH402"


RULE_TITLES: dict[Rule, str] = {
    Rule.NO_FRONTMATTER: "no frontmatter",
    Rule.YAML_SYNTAX: "YAML syntax error",
    Rule.NOT_A_MAPPING: "frontmatter is not a mapping",
    Rule.DUPLICATE_KEY: "duplicate key",
    Rule.UNKNOWN_TAG: "unknown YAML tag",
    Rule.PLACEHOLDER: "unfilled template placeholder",
    Rule.MISSING_FIELD: "missing required field",
    Rule.BAD_VALUE: "wrong type or format",
    Rule.UNKNOWN_STATUS: "unknown status",
    Rule.UNKNOWN_KEY: "unknown key",
    Rule.UPDATED_BEFORE_DATE: "last_updated before date",
    Rule.FILE_NAME: "file name not YYYY-MM-DD_HH-MM[-SS]_slug.md",
    Rule.FILE_NAME_DATE: "date in file name differs from date",
    Rule.UNREADABLE_NOTE: "note is a symlink out of the repository, dangling or looping",
    Rule.MISSING_TARGET: "relation target missing",
    Rule.UNKNOWN_COMMIT: "git_commit not a commit of this repository",
    Rule.CODE_NOT_AT_COMMIT: "backticked repository path that never existed (a likely typo)",
    Rule.PLAN_ON_OPEN_RESEARCH: "complete plan built on research in progress",
    Rule.SUPERSEDES_CYCLE: "supersedes cycle",
    Rule.SUPERSEDES_ONE_SIDED: "superseded note does not say superseded_by",
    Rule.BODY_TARGET_MISSING: "linked note missing",
    Rule.MOVED_TARGET: "note found only by file name (moved)",
    Rule.MALFORMED_RUN_FILE: "a run's file cannot be read",
    Rule.RUN_NOT_FOUND: "a cited run does not exist",
}

DEFAULT_SEVERITY: dict[Rule, Severity] = {rule: Severity.ERROR for rule in Rule} | {
    Rule.UNKNOWN_KEY: Severity.WARNING,
    Rule.FILE_NAME: Severity.WARNING,
    Rule.FILE_NAME_DATE: Severity.WARNING,
    Rule.CODE_NOT_AT_COMMIT: Severity.WARNING,
    Rule.MALFORMED_RUN_FILE: Severity.WARNING,
    Rule.PLAN_ON_OPEN_RESEARCH: Severity.WARNING,
    Rule.SUPERSEDES_ONE_SIDED: Severity.WARNING,
    Rule.BODY_TARGET_MISSING: Severity.WARNING,
    Rule.MOVED_TARGET: Severity.WARNING,
}


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
        "the nav (the notes) instead of once per page; a theme override of the nav templates "
        "turns it off by itself.",
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


# --- The frontmatter fields -------------------------------------------------------------------


NOTE_DATE = "<the note's date>"
COMMIT_AT_DATE_HINT = (
    "set it to the commit the note was written against, the last one on the default branch at "
    "the note's date: `git rev-list -1 --first-parent --before={date} HEAD` "
    "(`thoughts fix --write` does this and keeps the old text as a comment)"
)
"""Never HEAD: today's commit would stamp an old note with code it never saw."""


def _fail(rule: Rule, message: str, hint: str) -> PydanticCustomError:
    # The rule code travels as the error type and the hint in the context, so the one place that
    # turns validation errors into diagnostics (checks.py) needs no second table of messages.
    # The text goes through the context because pydantic formats the template with it, and a
    # message quoting a note's value may itself contain braces.
    return PydanticCustomError(rule.value, "{message}", {"message": message, "hint": hint})


def parse_timestamp(value: object) -> dt.datetime | dt.date:
    """YAML datetimes, quoted strings, ``+HHMM`` offsets, ``Z`` and date-only values alike."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            is_date_only = len(text) == 10
            return parsed.date() if is_date_only else parsed
    raise ValueError(f"{value!r} is not an ISO 8601 date")


_STAMP_WITH_COMMIT = re.compile(
    rf"(?P<stamp>\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][^,]*?)?)[ \t]*,[ \t]*(?P<commit>{COMMIT_PATTERN})"
)


STAMP_PATTERN = rf"^\d{{4}}-\d{{2}}-\d{{2}}([T ][^,]*)?[ \t]*,[ \t]*{COMMIT_PATTERN}$"
"""A date field's stamp with its commit, for the JSON Schema (``2026-04-01 18:05, a7219ee``)."""


def split_stamp(value: object) -> tuple[object, str | None]:
    """``2026-04-01 18:05, a7219ee`` -> ("2026-04-01 18:05", "a7219ee"): a date field may carry
    the commit of that moment after a comma; anything else comes back unchanged."""
    if isinstance(value, str):
        match = _STAMP_WITH_COMMIT.fullmatch(value.strip())
        if match:
            return match["stamp"], read_commit(match["commit"]).sha
    return value, None


def _timestamp(value: object, info: ValidationInfo, *, needs_time: bool) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return _in_range(value, info)
    example = "2025-12-03T18:14:34+01:00"
    forms = f"{example}, 2025-12-03 18:14, 3d801c3 (the commit's zone) or 2025-12-03"
    value, sha = split_stamp(value)
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        raise _fail(
            Rule.BAD_VALUE,
            f"{info.field_name} {value!r} is not an ISO 8601 date-time",
            f"write it as {example}" if needs_time else f"write it as one of {forms}",
        ) from None
    if isinstance(parsed, dt.datetime):
        # Without a zone, the time is read in the zone of the commit the stamp names (once git
        # is consulted); a day's precision needs no zone at all.
        if parsed.tzinfo is None and sha is None and needs_time:
            raise _fail(
                Rule.BAD_VALUE,
                f"{info.field_name} {value!s} has no time zone",
                f"add the UTC offset, e.g. {example}, or the commit: {value!s}, <sha>",
            )
        return _in_range(parsed, info)
    if needs_time:
        raise _fail(
            Rule.BAD_VALUE,
            f"{info.field_name} {value!s} has no time and time zone",
            f"write the full timestamp, e.g. {example}",
        )
    return parsed


def _in_range(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    """Notes are sorted and compared in UTC: `0001-01-01T00:00:00+14:00` has no UTC time."""
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise _fail(
            Rule.BAD_VALUE,
            f"{info.field_name} {value.isoformat()} is out of range in UTC",
            "write the real date and time of the note",
        ) from None
    return value


class NoteFields(BaseModel):
    """A note's frontmatter after field aliases are applied. Every field is optional here: which
    ones a note must have depends on its type, and is checked separately (rule TH101)."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    date: dt.datetime | dt.date | None = Field(
        None, description="When the note was written, with time zone."
    )
    researcher: str | None = Field(None, description="Who wrote it.")
    git_commit: str | None = Field(
        None, description="The commit the note describes (7-40 hex), with an optional (remark)."
    )
    branch: str | None = None
    repository: str | None = None
    topic: str | None = Field(None, description="The note's title.")
    tags: list[str] | None = None
    status: str | None = Field(None, description="One of the configured statuses.")
    last_updated: dt.datetime | dt.date | None = None
    last_updated_by: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object, info: ValidationInfo) -> dt.datetime | dt.date:
        settings: ThoughtsSettings = (info.context or {})["settings"]
        return _timestamp(value, info, needs_time=settings.date_precision == "time")

    @field_validator("last_updated", mode="before")
    @classmethod
    def _last_updated(cls, value: object, info: ValidationInfo) -> dt.datetime | dt.date:
        return _timestamp(value, info, needs_time=False)

    @field_validator("git_commit", mode="before")
    @classmethod
    def _git_commit(cls, value: object) -> str:
        text = str(value).strip()
        commit = read_commit(text)
        if commit.is_valid and commit.sha is not None:
            return commit.sha  # a remark in parentheses is the note's (see commitvalue.py)
        if commit.sha is not None:
            raise _fail(
                Rule.BAD_VALUE,
                f"git_commit {text!r} has text after the SHA",
                f"keep only the SHA ({commit.sha}), with a remark in parentheses if it needs "
                f"one (`{commit.sha} (remark)`); `thoughts fix --write` keeps the rest as a YAML "
                "comment",
            )
        raise _fail(
            Rule.BAD_VALUE,
            f"git_commit {text!r} is not a commit SHA (7 to 40 hexadecimal characters)",
            COMMIT_AT_DATE_HINT.format(date=NOTE_DATE),
        )

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: object) -> list[str]:
        if type(value) is list and all(type(item) is str for item in value):
            return value
        if isinstance(value, list) and all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
        ):
            return [str(item) for item in value]
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",") if part.strip()]
            raise _fail(
                Rule.BAD_VALUE,
                "tags must be a list",
                f"write tags: [{', '.join(items)}]",
            )
        raise _fail(
            Rule.BAD_VALUE, "tags must be a list of words", "write tags: [research, pipeline]"
        )

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: object, info: ValidationInfo) -> str:
        settings: ThoughtsSettings = (info.context or {})["settings"]
        text = str(value).strip()
        allowed = settings.all_statuses
        if text in allowed:
            return text
        aliases = {alias.lower(): canonical for alias, canonical in settings.status_aliases.items()}
        if text.lower() in aliases:
            return aliases[text.lower()]
        message = f"status {text!r} is not one of {', '.join(allowed)}"
        suggestion = did_you_mean(text.lower(), [*allowed, *settings.status_aliases])
        if suggestion:
            canonical = aliases.get(suggestion.lower(), suggestion)
            message += f" (did you mean '{canonical}'?)"
            hint = f"write status: {canonical}"
        else:
            hint = "use one of them, or map this spelling under status_aliases in mkdocs.yml"
        raise _fail(Rule.UNKNOWN_STATUS, message, hint)


def did_you_mean(word: str, candidates: Collection[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def frontmatter_json_schema(settings: ThoughtsSettings) -> dict[str, Any]:
    """The JSON Schema of the configured frontmatter, for editors and other validators."""
    schema = NoteFields.model_json_schema()
    properties = schema["properties"]
    properties["status"] = {"type": "string", "enum": settings.all_statuses}
    properties["git_commit"] = {"type": "string", "pattern": f"^{COMMIT_PATTERN}$"}
    stamp = {"type": "string", "pattern": STAMP_PATTERN}
    properties["date"] = {"anyOf": [{"type": "string", "format": "date-time"}, stamp]}
    properties["last_updated"] = {
        "anyOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
            stamp,
        ]
    }
    for name in settings.relation_fields:
        properties.setdefault(
            name, {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        )
    return schema

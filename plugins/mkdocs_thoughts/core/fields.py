"""The frontmatter fields: one pydantic model whose validators say, per field, what is wrong and
how to fix it (the rule code travels with each error)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .commit_value import read_commit
from .config import ThoughtsSettings
from .rules import Rule
from .suggest import did_you_mean
from .timestamps import parse_timestamp, split_stamp

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

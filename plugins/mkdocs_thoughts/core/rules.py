"""The one registry of rule codes and their default severities (a team sets them with `rules:`)."""

from __future__ import annotations

from enum import StrEnum


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

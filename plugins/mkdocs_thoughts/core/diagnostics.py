"""The one shape every problem with a note takes, and the formats it is printed in."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

from .config import ThoughtsSettings
from .rules import DEFAULT_SEVERITY, Rule, Severity


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    """The note's path relative to the repository root, with forward slashes."""
    line: int | None
    column: int | None
    code: str
    severity: str
    field: str | None
    message: str
    hint: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)

    def location(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


def severity_of(rule: Rule | str, settings: ThoughtsSettings | None) -> Severity:
    """The one place a rule's severity is decided: the registry's default, or ``rules:``."""
    rule = Rule(rule)
    return DEFAULT_SEVERITY[rule] if settings is None else settings.severity(rule)


def apply_rules(items: Iterable[Diagnostic], settings: ThoughtsSettings) -> list[Diagnostic]:
    """Diagnostics made before the settings were known (a run's unreadable file), with the
    configured severity of their rule; those switched off are dropped."""
    found = []
    for item in items:
        severity = severity_of(item.code, settings)
        if severity is not Severity.OFF:
            found.append(item if item.severity == severity else replace(item, severity=severity))
    return found


class DiagnosticSink:
    """Collects diagnostics for one file, applying the configured severity of each rule
    (without settings: the registry's default)."""

    def __init__(self, path: str, settings: ThoughtsSettings | None) -> None:
        self.path = path
        self.settings = settings
        self.items: list[Diagnostic] = []

    def add(
        self,
        rule: Rule | str,
        message: str,
        hint: str,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        severity = severity_of(rule, self.settings)
        if severity is Severity.OFF:
            return
        self.items.append(
            Diagnostic(
                self.path, line, column, str(Rule(rule).value), severity.value, field, message, hint
            )
        )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary(notes_checked: int, diagnostics: Sequence[Diagnostic]) -> str:
    """The one-line count both `thoughts check` and the site's Report page print."""
    errors = sum(item.is_error for item in diagnostics)
    run_files = {item.path for item in diagnostics if item.code == Rule.MALFORMED_RUN_FILE}
    notes = {item.path for item in diagnostics if item.code != Rule.MALFORMED_RUN_FILE}
    text = (
        f"{plural(notes_checked, 'note')} checked: {plural(errors, 'error')}, "
        f"{plural(len(diagnostics) - errors, 'warning')} in {plural(len(notes), 'note')}"
    )
    if run_files:
        text += f" and {plural(len(run_files), 'run file')}"
    return text


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """One line per problem (and one per hint). Messages quote note text, so control characters
    are shown escaped: a key holding a newline and `::error ...` must not become a line that a
    CI runner reads as a workflow command, nor an escape sequence the terminal obeys."""
    lines = []
    for item in diagnostics:
        lines.append(printable(f"{item.location()}: {item.severity} {item.code} {item.message}"))
        if item.hint:
            lines.append(f"    hint: {printable(item.hint)}")
    return "\n".join(lines)


_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` on one line, with control, line-separator and bidirectional-override
    characters written as escapes (``\\n``, ``\\x1b``, ``\\u2028``); tabs are kept."""
    return _CONTROL.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    char = match[0]
    return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which show each problem inline on the pull request."""
    lines = []
    for item in diagnostics:
        command = "error" if item.is_error else "warning"
        properties = [f"file={_escape_property(item.path)}"]
        if item.line is not None:
            properties.append(f"line={item.line}")
        if item.column is not None:
            properties.append(f"col={item.column}")
        properties.append(f"title={_escape_property(item.code)}")
        message = item.message + (f" (hint: {item.hint})" if item.hint else "")
        lines.append(f"::{command} {','.join(properties)}::{_escape_data(message)}")
    return "\n".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([asdict(item) for item in diagnostics], indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


LISTED_ERRORS = 20
"""Errors listed in the message that fails a quiet strict build."""


def strict_failure(errors: list[Diagnostic]) -> str:
    """The message that fails a strict build whose errors were never logged (``-q``): the first
    errors as `thoughts check` prints them, and how many more there are."""
    shown = [
        f"{item.location()}: {item.severity} {item.code} {item.message}"
        for item in errors[:LISTED_ERRORS]
    ]
    more = len(errors) - len(shown)
    return (
        f"Aborted with {len(errors)} error(s) in the notes in strict mode:\n  "
        + "\n  ".join(shown)
        + (f"\n  ... and {more} more (`thoughts check` lists them)" if more > 0 else "")
    )

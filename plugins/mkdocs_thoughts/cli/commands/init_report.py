"""What `thoughts init` prints after writing: how many notes pass with the default options and
with the written ones, and which errors remain for `thoughts fix` or for people."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ...core.config import ThoughtsSettings
from ...core.diagnostics import Diagnostic
from ...corpus.loader import NoteLoader


@dataclass(frozen=True, slots=True)
class Measure:
    passing: int
    errors: list[Diagnostic]


def measure(settings: ThoughtsSettings, notes_root: Path, folder: Path) -> Measure:
    corpus = NoteLoader(settings, notes_root, folder).load(code_drift=False)
    errors = [item for item in corpus.diagnostics if item.is_error]
    return Measure(sum(not note.has_errors for note in corpus.notes), errors)


def print_summary(
    notes: int, notes_name: str, before: Measure, after: Measure, out: TextIO
) -> None:
    lines = [
        f"thoughts init: {notes} notes in {notes_name}/",
        f"  default configuration:  {before.passing} pass, {_errors(before)}",
        f"  inferred configuration: {after.passing} pass, {_errors(after)}",
    ]
    if after.errors:
        lines.append(
            "  what remains (`thoughts check` lists each, `thoughts fix` shows what it can repair):"
        )
        first: dict[str, Diagnostic] = {}
        for item in after.errors:
            first.setdefault(item.code, item)
        for code, count in Counter(item.code for item in after.errors).most_common():
            example = first[code]
            lines.append(f"    {count:4d} {code}  e.g. {example.location()}: {example.message}")
    print("\n".join(lines), file=out)


def _errors(measure: Measure) -> str:
    count = len(measure.errors)
    return f"{count} error{'s' if count != 1 else ''}"

"""Resolve the values of relation fields to notes.

Real notes write a target as a path from the repository root, a path relative to the note, a bare
file name living in another notes folder, with ``:123`` or ``#anchor`` suffixes, or as a URL or an
id such as ``PRD-002``; only path-like values are expected to name a note.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from .notes import Note, RelationValue

_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")
_SUFFIX = re.compile(r"(#.*|:\d+(-\d+)?)$")


class TargetKind(StrEnum):
    NOTE = "note"
    MISSING = "missing"
    URL = "url"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Relation:
    source: Note
    value: RelationValue
    kind: TargetKind
    target: Note | None = None


class NoteIndex:
    """All notes of a build, by absolute path and by file name, for resolving references."""

    def __init__(self, notes: Iterable[Note], repo_root: Path, notes_root: Path) -> None:
        self.repo_root = repo_root
        self.notes_root = notes_root
        self.by_path: dict[str, Note] = {}
        self.by_name: dict[str, list[Note]] = {}
        for note in notes:
            self.by_path[os.path.normpath(note.path)] = note
            self.by_name.setdefault(note.name.lower(), []).append(note)

    def resolve(self, source: Note, value: RelationValue) -> Relation:
        text = value.text.strip().strip("`'\"<>")
        if _URL.match(text):
            return Relation(source, value, TargetKind.URL)
        path_text = _SUFFIX.sub("", text)
        if not path_text.endswith(".md"):
            return Relation(source, value, TargetKind.TEXT)
        target = self.find(source, path_text)
        return Relation(source, value, TargetKind.NOTE if target else TargetKind.MISSING, target)

    def find(self, source: Note, path_text: str) -> Note | None:
        bases = (self.repo_root, source.path.parent, self.notes_root, self.notes_root.parent)
        for base in bases:
            candidate = os.path.normpath(base / path_text.lstrip("/"))
            if not _inside(candidate, self.repo_root):
                continue  # a path from a note never reaches outside the repository
            note = self.by_path.get(candidate)
            if note is not None:
                return note
        same_name = self.by_name.get(PurePosixPath(path_text).name.lower(), [])
        return same_name[0] if len(same_name) == 1 else None

    def suggest(self, path_text: str) -> str | None:
        """The closest note file name, for a did-you-mean on a renamed or mistyped target."""
        name = PurePosixPath(_SUFFIX.sub("", path_text)).name.lower()
        match = difflib.get_close_matches(name, list(self.by_name), n=1, cutoff=0.6)
        return self.by_name[match[0]][0].rel_path if match else None


def _inside(candidate: str, root: Path) -> bool:
    root_text = os.path.normpath(root)
    return candidate == root_text or candidate.startswith(root_text + os.sep)

"""Edit a note's frontmatter as text: set a value, rename a key, add a line, and nothing else.

Loading and re-dumping YAML would reorder keys, drop comments and re-quote values, so edits are
made on the text at the exact spans the YAML composer reports. The body is never touched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from ..core.frontmatter import FENCE, split_frontmatter

_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


class FrontmatterSyntaxError(ValueError):
    """The frontmatter is not YAML that composes to a mapping, so spans cannot be found."""


@dataclass(frozen=True, slots=True)
class Entry:
    """Where one top-level key and its value are in the note text (start and end indices)."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    is_empty: bool
    """The value is written as nothing at all (``status:``)."""


def yaml_scalar(text: str) -> str:
    """``text`` as YAML that reads back as exactly this string: plain when safe, else quoted."""
    if _reads_back(f"k: {text}\n", [text]):
        return text
    return _quoted(text)


def yaml_timestamp(text: str) -> str:
    """An ISO timestamp is written plain, the way the seed template writes ``date``."""
    return text if _TIMESTAMP.fullmatch(text) else yaml_scalar(text)


def yaml_list(items: Iterable[str]) -> str:
    """A flow list ``[a, b]`` whose items read back as the given strings."""
    formatted = []
    for item in items:
        plain_ok = (
            item
            and not any(mark in item for mark in ",[]{}")
            and _reads_back(f"k: [{item}]\n", [[item]])
        )
        formatted.append(item if plain_ok else _quoted(item))
    return "[" + ", ".join(formatted) + "]"


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(text, ensure_ascii=False)


def _reads_back(document: str, expected: list[object]) -> bool:
    if "\n" in document[:-1] or "\r" in document:
        return False
    try:
        loaded = yaml.load(document, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and list(loaded.values()) == expected


class FrontmatterText:
    """A note's text with pending frontmatter edits; :meth:`result` applies them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
        self._offset = 1 if text.startswith("\ufeff") else 0
        self.has_block, self.block_start, self.block_end = _find_block(text, self._offset)
        self.entries: dict[str, Entry] = {}
        if self.has_block:
            self.entries = _entries(text, self.block_start, self.block_end)
        self._replacements: list[tuple[int, int, str]] = []
        self._added: list[str] = []

    @property
    def body_start(self) -> int:
        """Where the body begins in the original text (the edits never reach past it)."""
        if not self.has_block:
            return self._offset
        end = self.text.find("\n", self.block_end)
        return len(self.text) if end == -1 else end + 1

    def set_value(self, key: str, value_text: str) -> None:
        entry = self.entries[key]
        if entry.is_empty or self._value_on_next_line(entry):
            # `status:` or a block list below the key: rewrite everything after the key.
            end = entry.value_end
            if entry.is_empty:
                newline = self.text.find("\n", entry.key_end)
                end = self.block_end if newline == -1 else newline
                end -= self.text[entry.key_end : end].endswith("\r")
            while end > entry.key_end and self.text[end - 1] in " \t\r\n":
                end -= 1
            self._replacements.append((entry.key_end, end, f": {value_text}"))
        else:
            self._replacements.append((entry.value_start, entry.value_end, value_text))

    def rename(self, key: str, new_key: str) -> None:
        entry = self.entries[key]
        self._replacements.append((entry.key_start, entry.key_end, new_key))

    def add(self, key: str, value_text: str) -> None:
        self._added.append(f"{key}: {value_text}{self.newline}")

    @property
    def changed(self) -> bool:
        return bool(self._replacements or self._added)

    def result(self) -> str:
        text = self.text
        for start, end, replacement in sorted(self._replacements, reverse=True):
            text = text[:start] + replacement + text[end:]
        if not self._added:
            return text
        added = "".join(self._added)
        if not self.has_block:
            fence = FENCE + self.newline
            return text[: self._offset] + fence + added + fence + text[self._offset :]
        # Replacements all lie inside the block, so the block's end moved by their net length.
        shift = sum(len(new) - (end - start) for start, end, new in self._replacements)
        insert_at = self.block_end + shift
        return text[:insert_at] + added + text[insert_at:]

    def _value_on_next_line(self, entry: Entry) -> bool:
        return "\n" in self.text[entry.key_end : entry.value_start]


def _find_block(text: str, offset: int) -> tuple[bool, int, int]:
    """Whether there is a frontmatter block, and its YAML's start and end (the closing fence).

    The same split as the checker's, so an edit lands in the block the check reads.
    """
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return False, offset, offset
    start = text.index("\n", offset) + 1
    return True, start, start + len(split.frontmatter)


def _entries(text: str, start: int, end: int) -> dict[str, Entry]:
    block = text[start:end]
    try:
        # The pure-Python composer: its marks are character offsets, whatever the encoding.
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise FrontmatterSyntaxError(str(error)) from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise FrontmatterSyntaxError("frontmatter is not a mapping")
    entries: dict[str, Entry] = {}
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value in entries:
            continue
        is_empty = (
            isinstance(value_node, yaml.ScalarNode)
            and value_node.value == ""
            and value_node.style in (None, "")
        )
        entries[key_node.value] = Entry(
            key_node.value,
            start + key_node.start_mark.index,
            start + key_node.end_mark.index,
            start + value_node.start_mark.index,
            start + value_node.end_mark.index,
            is_empty,
        )
    return entries

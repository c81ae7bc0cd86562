"""Split a note into frontmatter and body; parse the frontmatter YAML safely, keeping positions.

PyYAML's ``safe_load`` loses what diagnostics need (where a key is, whether a key was repeated,
how a value was written), so the block is *composed* with libyaml and each top-level value is
constructed on its own. Only the standard YAML tags are accepted: an unknown tag is a problem to
report, never code to run.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from .yamlsafe import MAX_EXPANDED, distinct_nodes, expanded_size

try:  # libyaml is in every PyYAML wheel; the pure-Python loader is only a fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_RESOLVED: dict[tuple[str, bool], str] = {}


class _Loader(_BaseLoader):
    """The safe loader with a memo for implicit scalar tags.

    Resolving a tag runs a handful of regular expressions per scalar, in Python, and the same
    values (statuses, names, branches) recur in every note of a folder.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
        key = (value, implicit[0])
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            if len(_RESOLVED) > 50_000:  # bounded: a memo, not a leak
                _RESOLVED.clear()
            _RESOLVED[key] = tag
        return tag


FENCE = "---"
_STANDARD_TAG = re.compile(
    r"tag:yaml\.org,2002:(str|int|float|bool|null|timestamp|seq|map|binary|set|omap|pairs|merge)\Z"
)
_PLACEHOLDER = re.compile(r"\{\{\s*[^{}]*?\s*\}\}")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOP_LEVEL_KEY = re.compile(r"(?P<key>[A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|\r?$)")
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)


class Position(NamedTuple):
    """A 1-based line and column in the note file."""

    line: int
    column: int


@dataclass(slots=True)
class RawField:
    """One top-level frontmatter entry as written."""

    key: str
    value: Any
    """The safely constructed YAML value (``None`` when the value could not be constructed)."""
    source: str
    """The value's text as written in the file (a scalar's text without quotes)."""
    is_scalar: bool
    tag: str
    key_at: Position
    value_at: Position
    item_at: tuple[Position, ...] = ()
    """For a list, where each item starts (a block list's items sit on lines of their own)."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something wrong with the frontmatter block itself, found while parsing it."""

    code: str
    message: str
    hint: str
    at: Position | None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Frontmatter:
    fields: dict[str, RawField]
    problems: tuple[ParseProblem, ...]
    is_mapping: bool
    unreadable: dict[str, Position] = field(default_factory=dict)
    """Top-level keys written at or after a YAML syntax error: their lines are there, their
    values cannot be read (so they are never reported missing)."""


@dataclass(frozen=True, slots=True)
class SplitText:
    """A note's text cut at its frontmatter fences."""

    frontmatter: str | None
    """The YAML between the fences, or ``None`` when the note has no frontmatter block."""
    body: str
    body_line: int
    """The 1-based line on which the body starts."""


def split_frontmatter(text: str) -> SplitText:
    """Frontmatter counts only when ``---`` is the first line and a closing ``---`` follows."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first_end = text.find("\n")
    if first_end == -1 or text[:first_end].rstrip() != FENCE:
        return SplitText(None, text, 1)
    start = first_end + 1
    closing = _CLOSING_FENCE.search(text, start)
    if closing is None:
        return SplitText(None, text, 1)
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    body_line = text.count("\n", 0, closing.start()) + 2
    return SplitText(text[start : closing.start()], text[body_start:], body_line)


class _Lines:
    """File positions of YAML marks. YAML also breaks lines at a lone CR, U+0085, U+2028 and
    U+2029, which no editor or diagnostic counts: there, a mark's character index is what
    gives its line and column in the file."""

    __slots__ = ("first_line", "starts")

    def __init__(self, block: str, first_line: int) -> None:
        self.first_line = first_line
        self.starts: list[int] | None = None
        if _ODD_BREAK.search(block):
            self.starts = [0] + [match.end() for match in re.finditer("\n", block)]

    def at(self, mark: yaml.Mark) -> Position:
        if self.starts is None:
            return Position(mark.line + self.first_line, mark.column + 1)
        line = bisect.bisect_right(self.starts, mark.index) - 1
        return Position(line + self.first_line, mark.index - self.starts[line] + 1)


_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def parse_frontmatter(block: str, first_line: int = 2, *, recover: bool = True) -> Frontmatter:
    """Parse the YAML ``block`` whose first line is line ``first_line`` of the note."""
    lines = _Lines(block, first_line)
    loader = _Loader(block)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        problem = _syntax_problem(error, block, lines)
        if not recover:
            return Frontmatter({}, (problem,), True)
        return _recovered(block, first_line, error, problem)
    except yaml.YAMLError as error:  # a reader error (e.g. a control character) has no mark
        problem = _problem(
            "TH002", f"YAML error: {_first_line(error)}", "remove the character", None
        )
        return Frontmatter({}, (problem,), True)
    if root is None:
        return Frontmatter({}, (), True)
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        problem = _problem(
            "TH003",
            f"frontmatter is {kind}, not a mapping of keys to values",
            "write one `key: value` per line between the `---` fences",
            lines.at(root.start_mark),
        )
        return Frontmatter({}, (problem,), False)
    return _read_mapping(root, block, loader, lines)


def _read_mapping(
    root: yaml.MappingNode, block: str, loader: _Loader, lines: _Lines
) -> Frontmatter:
    """Each top-level entry as a :class:`RawField`, with its positions and its own problems."""
    fields: dict[str, RawField] = {}
    problems: list[ParseProblem] = []
    for key_node, value_node in root.value:
        key_at = lines.at(key_node.start_mark)
        if type(key_node) is not yaml.ScalarNode:
            problems.append(
                _problem("TH002", "a key must be plain text", "write `key: value`", key_at)
            )
            continue
        key = key_node.value
        mark = value_node.start_mark
        value_at = lines.at(mark)
        if key in fields:
            earlier = fields[key].key_at.line
            problems.append(
                _problem(
                    "TH004",
                    f"duplicate key '{key}' (first set on line {earlier}); "
                    "YAML keeps only the last",
                    f"keep one '{key}' line and delete the other",
                    key_at,
                    key,
                )
            )
            continue
        tag = value_node.tag
        if type(value_node) is yaml.ScalarNode and tag in _SCALAR_TAGS:
            # The common case, kept cheap: a plain value with a standard tag.
            text = value_node.value
            if "{{" not in text:
                if tag == _STR_TAG:
                    value = text
                elif tag == _TIMESTAMP_TAG:
                    value = _timestamp(text) or _construct(
                        loader, value_node, key, value_at, problems
                    )
                else:
                    value = _construct(loader, value_node, key, value_at, problems)
                fields[key] = RawField(key, value, text, True, tag, key_at, value_at)
                continue
        fields[key] = _read_structured(
            block, loader, lines, key, value_node, key_at, value_at, problems
        )
    return Frontmatter(fields, tuple(problems), True)


def _read_structured(
    block: str,
    loader: _Loader,
    lines: _Lines,
    key: str,
    value_node: yaml.Node,
    key_at: Position,
    value_at: Position,
    problems: list[ParseProblem],
) -> RawField:
    """A value off the cheap path: a list, a mapping, a tagged or a placeholder value."""
    tag = value_node.tag
    source = block[value_node.start_mark.index : value_node.end_mark.index]
    bad = _structural_problem(value_node, key, lines, source)
    if bad is not None:
        problems.append(bad)
        return RawField(key, None, source, False, tag, key_at, value_at)
    value = _construct(loader, value_node, key, value_at, problems)
    is_scalar = type(value_node) is yaml.ScalarNode
    text = value_node.value if is_scalar else source
    items = (
        tuple(lines.at(child.start_mark) for child in value_node.value)
        if type(value_node) is yaml.SequenceNode
        else ()
    )
    return RawField(key, value, text, is_scalar, tag, key_at, value_at, items)


def _recovered(
    block: str, first_line: int, error: yaml.MarkedYAMLError, problem: ParseProblem
) -> Frontmatter:
    """One syntax error is one diagnostic: the entries above the broken one are read as usual
    (their own problems still show), and the keys from the broken entry on are known to be
    there, unread."""
    lines = block.split("\n")
    in_file = _Lines(block, 0)  # YAML's own line numbers also count a lone CR, U+2028...
    marks = [in_file.at(mark).line for mark in (error.context_mark, error.problem_mark) if mark]
    cut = min(min(marks, default=0), len(lines) - 1)
    # The broken entry starts at the last top-level key at or above the error (a value can
    # run over several lines).
    while cut > 0 and not _TOP_LEVEL_KEY.match(lines[cut]):
        cut -= 1
    above = Frontmatter({}, (), True)
    if cut > 0:
        # Not recovered again: the work stays one parse of the block and one of its top.
        above = parse_frontmatter("\n".join(lines[:cut]) + "\n", first_line, recover=False)
        if any(item.code == "TH002" for item in above.problems):
            above = Frontmatter({}, (), True)
    unreadable: dict[str, Position] = {}
    for number in range(cut, len(lines)):
        # A tab is never YAML indentation: a tab-indented key is a broken top-level one.
        match = _TOP_LEVEL_KEY.match(lines[number].lstrip("\t"))
        if match and match["key"] not in above.fields:
            unreadable.setdefault(match["key"], Position(number + first_line, 1))
    return Frontmatter(above.fields, (problem, *above.problems), True, unreadable)


def _timestamp(text: str) -> dt.datetime | dt.date | None:
    """The C-implemented ISO parser covers the usual spellings; PyYAML handles the rest."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _construct(
    loader: _Loader, node: yaml.Node, key: str, at: Position, problems: list[ParseProblem]
) -> Any:
    # Lists of plain strings, common for tags, need no trip through PyYAML's constructor.
    if type(node) is yaml.SequenceNode and all(
        child.tag == _STR_TAG and type(child) is yaml.ScalarNode for child in node.value
    ):
        return [child.value for child in node.value]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, TypeError, ValueError, OverflowError, RecursionError) as error:
        problems.append(
            _problem(
                "TH102",
                f"'{key}' cannot be read: {_first_line(error)}",
                "quote the value to keep it as text",
                at,
                key,
            )
        )
        return None


def _structural_problem(
    node: yaml.Node, key: str, lines: _Lines, source: str
) -> ParseProblem | None:
    """Placeholders, unknown tags and nested duplicate keys, which safe loading would hide, and
    values whose aliases expand beyond the limit (each node is walked once, however many
    aliases point at it)."""
    if isinstance(node, yaml.ScalarNode) and _STANDARD_TAG.match(node.tag) and "{{" not in source:
        return None
    if _plain_list(node) and "{{" not in source:
        return None  # `tags: [a, b]`, the usual list: nothing below can be wrong
    if "{{" in source and _PLACEHOLDER.fullmatch(source.strip().strip("'\"")):
        return _problem(
            "TH006",
            f"'{key}' is an unfilled template placeholder {source.strip()}",
            f"replace {source.strip()} with the real value",
            lines.at(node.start_mark),
            key,
        )
    for current in distinct_nodes(node):
        if not _STANDARD_TAG.match(current.tag):
            return _problem(
                "TH005",
                f"'{key}' uses the YAML tag {current.tag!r}, which notes may not use",
                "remove the tag; frontmatter holds plain text, numbers, dates and lists",
                lines.at(current.start_mark),
                key,
            )
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for child_key, _ in current.value:
                name = child_key.value if isinstance(child_key, yaml.ScalarNode) else None
                if name is not None and name in seen:
                    return _problem(
                        "TH004",
                        f"duplicate key '{name}' inside '{key}'",
                        f"keep one '{name}' entry",
                        lines.at(child_key.start_mark),
                        key,
                    )
                if name is not None:
                    seen.add(name)
    if expanded_size(node) > MAX_EXPANDED:
        return _problem(
            "TH102",
            f"'{key}' expands to more than {MAX_EXPANDED:,} values through YAML aliases "
            "(or contains itself)",
            "write the value out instead of nesting aliases (`*name`)",
            lines.at(node.start_mark),
            key,
        )
    return None


def _plain_list(node: yaml.Node) -> bool:
    """A list of plain values, shorter than the limit: no tag to refuse, no key to repeat, no
    alias that could make it expand beyond the limit."""
    return (
        type(node) is yaml.SequenceNode
        and node.tag == _SEQ_TAG
        and len(node.value) < MAX_EXPANDED
        and all(
            type(child) is yaml.ScalarNode and child.tag in _SCALAR_TAGS for child in node.value
        )
    )


def _syntax_problem(error: yaml.MarkedYAMLError, block: str, lines: _Lines) -> ParseProblem:
    mark = error.problem_mark or error.context_mark
    if "end of stream" in (error.problem or "") and error.context_mark is not None:
        mark = error.context_mark  # an unclosed quote: where it opens, not the end of the block
    at = lines.at(mark) if mark is not None else None
    problem = error.problem or "invalid YAML"
    hint = "check the indentation and quoting on this line"
    if "mapping values are not allowed" in problem and at is not None:
        # File lines (`at`), not YAML's: YAML also breaks at a lone CR, U+0085, U+2028.
        text_lines = block.split("\n")
        number = min(at.line - lines.first_line, len(text_lines) - 1)
        # On an indented line the value is the one of the key above (it runs over lines).
        while number > 0 and text_lines[number][:1] in (" ", "\t"):
            number -= 1
        line_text = text_lines[number] if text_lines else ""
        key = line_text.split(":", 1)[0].strip()
        hint = (
            f"the value of '{key}' contains ': '; wrap the whole value in quotes, "
            f'e.g. {key}: "..."'
        )
        return ParseProblem("TH002", f"YAML syntax error: {problem}", hint, at, key or None)
    if "found character '\\t'" in problem:
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif _PLACEHOLDER.search(block):
        hint = "a template placeholder such as {{DATE}} was left unfilled; replace it with a value"
    return ParseProblem("TH002", f"YAML syntax error: {problem}", hint, at)


def _problem(
    code: str, message: str, hint: str, at: Position | None, field: str | None = None
) -> ParseProblem:
    return ParseProblem(code, message, hint, at, field)


def _first_line(error: BaseException) -> str:
    text = getattr(error, "problem", None) or str(error)
    return str(text).strip().splitlines()[0]

"""What one Markdown pass over a note body finds: the typed result every reader of bodies shares.

Titles, relations, code references, run citations, link rewriting and the export all read the
same :class:`BodyScan` (made by :mod:`.markdown_scan`), so they agree on what is code, what is a
heading and what is a link. Kept apart from the parser and the scanning so that readers which
only name these types (a link's kind, a scan passed along) depend on the shapes alone.
Positions are offsets into the body and 1-based (line, column) pairs.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import AnyStr


class LinkKind(StrEnum):
    INLINE = "inline"
    """``[label](target)`` (also an image, see :attr:`MarkdownLink.image`)."""
    REFERENCE = "reference"
    """``[label][ref]``, ``[ref][]`` or ``[ref]`` naming a definition; ``target`` is its."""
    DEFINITION = "definition"
    """``[ref]: target``."""
    AUTOLINK = "autolink"
    """``<https://...>``, or a note path in angle brackets (``<../plans/x.md>``)."""


# Heading, MarkdownLink and CodeSpan are not frozen: a frozen dataclass's __init__ sets each
# field through object.__setattr__, several times the cost, and every note makes dozens of them
# (a heading cost the scan 24,000 instructions, a link 37,000). Hashed by value all the same;
# nothing assigns to one.
@dataclass(slots=True, unsafe_hash=True)
class Heading:
    level: int
    text: str
    """The heading's text as written (closing ``#`` sequence and surrounding spaces removed)."""
    line: int
    """1-based body line of its first line."""
    last_line: int
    """1-based body line of its last line (a setext heading's underline)."""
    nested: bool
    """Inside a list or a block quote."""
    setext: bool


@dataclass(slots=True, unsafe_hash=True)
class MarkdownLink:
    kind: LinkKind
    target: str
    """The destination as written, without ``<>`` (a reference's: its definition's)."""
    start: int
    """Body offset of the whole construct (its ``[``, ``!`` or ``<``)."""
    end: int
    target_start: int
    """Body offset of the destination as written (its ``<`` if angle-bracketed); ``-1`` for a
    reference, whose destination is in its definition."""
    target_end: int
    line: int
    column: int
    """1-based line and column of ``start``."""
    target_line: int
    target_column: int
    """1-based line and column of ``target_start`` (those of ``start`` for a reference)."""
    image: bool = False


@dataclass(slots=True, unsafe_hash=True)
class CodeSpan:
    start: int
    end: int
    ticks: int
    """How many backticks open (and close) it."""
    line: int
    column: int
    """1-based line and column of its opening backtick."""
    in_link: bool = False
    """Part of a link's text."""


@dataclass(frozen=True, slots=True, weakref_slot=True)
class BodyScan:
    body: str
    headings: tuple[Heading, ...]
    links: tuple[MarkdownLink, ...]
    """Every link and definition in reading order (definitions where they stand)."""
    code_spans: tuple[CodeSpan, ...]
    code_blocks: tuple[tuple[int, int], ...]
    """1-based (first, last) body lines of each fenced or indented code block, fences included."""
    html_blocks: tuple[tuple[int, int], ...]
    runs: tuple[tuple[int, int], ...]
    """Body offsets (start, end) of each block's inline text (a paragraph, a heading, a table
    cell), in order; :attr:`prose` cuts them into lines."""
    _prose: tuple[tuple[int, int, int], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def prose(self) -> tuple[tuple[int, int, int], ...]:
        """(line, start, end): the body offsets of each line's inline text, without the list
        and quote markers and indentation in front of it, in order; a line may have several
        (table cells). Cut when first read: `thoughts check` never reads it."""
        if self._prose is None:
            object.__setattr__(self, "_prose", _pieces(self.body, self.runs))
        assert self._prose is not None
        return self._prose

    def text(self, start: int, end: int) -> str:
        return self.body[start:end]

    def span_text(self, span: CodeSpan) -> str:
        """The code span as written, backticks included."""
        return self.body[span.start : span.end]

    def span_content(self, span: CodeSpan) -> tuple[str, int]:
        """The code span's text between its backticks, unstripped, and its 1-based column."""
        return self.body[span.start + span.ticks : span.end - span.ticks], span.column + span.ticks

    def first_heading(self, level: int = 1) -> Heading | None:
        """The first heading of ``level`` outside lists and block quotes."""
        return next((h for h in self.headings if h.level == level and not h.nested), None)

    def prose_lines(self, having: re.Pattern[str] | None = None) -> Iterator[tuple[int, str]]:
        """Each line holding inline text, with everything else on it (list and quote markers,
        table pipes, the source of links and code spans) blanked to spaces, columns kept;
        with ``having``, only the lines it finds something in. ``having`` must find short
        runs of characters that are neither spaces nor ``>`` and need no context, as the
        markers of code references do: most notes have no such line, and a note's prose is
        searched for it at once before any line is made."""
        blanks = sorted(
            [(link.start, link.end) for link in self.links if link.kind is not LinkKind.DEFINITION]
            + [(span.start, span.end) for span in self.code_spans]
        )
        wanted = None if having is None else self._lines_having(having, blanks)
        if wanted is not None and not wanted:
            return
        body = self.body
        index = 0
        pieces = self.prose
        at, count = 0, len(pieces)
        while at < count:
            line = pieces[at][0]
            if wanted is not None and line not in wanted:
                at += 1
                continue
            line_start = body.rfind("\n", 0, pieces[at][1]) + 1
            line_end = body.find("\n", pieces[at][1])
            line_end = len(body) if line_end < 0 else line_end
            while index < len(blanks) and blanks[index][1] <= line_start:
                index += 1
            # The line's pieces less the blanks (they may nest: a code span in a link), as
            # (start, end) ranges: a few slices instead of a list of every character.
            parts: list[str] = []
            position = line_start
            while at < count and pieces[at][0] == line:
                _, start, end = pieces[at]
                at += 1
                probe = index
                while start < end and probe < len(blanks) and blanks[probe][0] < end:
                    blank_start, blank_end = blanks[probe]
                    if blank_end > start:
                        if blank_start > start:
                            parts += (" " * (start - position), body[start:blank_start])
                            position = blank_start
                        start = blank_end
                    probe += 1
                if start < end:
                    parts += (" " * (start - position), body[start:end])
                    position = end
            parts.append(" " * (line_end - position))
            text = "".join(parts)
            if having is None or having.search(text):
                yield line, text

    def _lines_having(self, having: re.Pattern[str], blanks: list[tuple[int, int]]) -> set[int]:
        """The lines where ``having`` finds something in the prose with the blanks blanked: a
        superset of the lines :meth:`prose_lines` yields for it (the line ends and the list
        and quote markers in a run are not blanked here)."""
        body = self.body
        parts: list[str] = []
        position = 0
        for start, end in blanks:
            if end > position:  # a code span in a link is blanked with the link
                start = max(start, position)
                parts += (body[position:start], " " * (end - start))
                position = end
        parts.append(body[position:])
        blanked = "".join(parts)
        if having.search(blanked) is None:
            return set()  # not even outside the prose (e.g. in a code block)
        starts: list[int] | None = None
        lines: set[int] = set()
        for start, end in self.runs:
            for match in having.finditer(blanked, start, end):
                if starts is None:
                    starts = line_starts(body, "\n")
                lines.add(bisect.bisect_right(starts, match.start()))
        return lines


def line_starts(text: AnyStr, newline: AnyStr) -> list[int]:
    """The offsets at which the lines of ``text`` start (``newline`` ends a line)."""
    # Line n starts after the first n lines and their n newlines: sums and lengths in C, not a
    # find() call per line.
    lengths: Iterable[int] = map(len, text.split(newline)[:-1])
    return [0, *map(operator.add, itertools.accumulate(lengths), itertools.count(1))]


def _pieces(body: str, runs: Iterable[tuple[int, int]]) -> tuple[tuple[int, int, int], ...]:
    """Each run cut at its line ends, without the spaces ending a line nor the spaces, tabs
    and quote markers starting the next (a carriage return counts as a space, as it does for
    the parser, which reads the body with every one made a space)."""
    starts = line_starts(body, "\n")
    last = len(starts) - 1
    pieces: list[tuple[int, int, int]] = []
    for start, end in runs:
        index = bisect.bisect_right(starts, start) - 1
        piece_start = start
        while True:
            line_end = starts[index + 1] - 1 if index < last else len(body)
            piece_end = end if end < line_end else line_end
            while piece_end > piece_start and body[piece_end - 1] in " \t\r":
                piece_end -= 1
            if piece_end > piece_start:
                pieces.append((index + 1, piece_start, piece_end))
            if end <= line_end + 1 or index >= last:
                break
            index += 1
            piece_start = starts[index]
            while piece_start < end and body[piece_start] in " \t>\r":
                piece_start += 1
    return tuple(pieces)

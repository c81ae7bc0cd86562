"""One Markdown pass over a note body: what every reader of bodies needs, with exact positions.

Titles, relations, code references, run citations, link rewriting and the export all read the
same :class:`~.markdown_scan_model.BodyScan`, made once per note by a CommonMark parser, so they
agree on what is code, what is a heading and what is a link: a ``#`` line inside a four-backtick
fence is code, ``[a [b]](x.md)``, ``[x][r]`` with ``[r]: x.md``, ``<x.md>`` and
``[x](a_(b).md)`` are links.

The parser is pulldown-cmark (Rust, through pyromark): it gives every event its source range,
which is what the readers need, at a twentieth of the cost of a pure-Python parser. This module
reads its events in one loop and turns byte ranges into body offsets, lines and columns. Two
things CommonMark leaves out are added here: where a link's destination stands as written (the
parser gives it unescaped), and ``<x.md>``, a note path in angle brackets, which CommonMark
reads as text.

Handing the events to Python costs far more than parsing, so a body is first cut into chunks
(a blank line, then an unindented line) and the plain ones (headings, paragraphs, breaks and
lists with code spans, inline links and emphasis) are read in C (``_plainscan.c``), to
the very same scans; the parser reads the others. Without a C compiler at install time, the
parser reads everything.
"""

from __future__ import annotations

import bisect
import operator
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pyromark

from .markdown_scan_model import BodyScan, CodeSpan, Heading, LinkKind, MarkdownLink, line_starts

if TYPE_CHECKING:
    from ._plainscan import PlainScan

_OPTIONS = pyromark.Options.ENABLE_TABLES
_LINE, _START, _FIRST = (
    operator.attrgetter("line"),
    operator.attrgetter("start"),
    operator.itemgetter(0),
)
_PATH_AUTOLINK = re.compile(r"<([^\s<>]+?\.md(?:#[^\s<>]*|:\d+(?:-\d+)?)?)>", re.IGNORECASE)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_ATX_MARK = re.compile(r"[ \t]*#")  # matched where a heading starts: no copy of the body's rest
_LINK_KINDS = {
    "Inline": LinkKind.INLINE,
    "Reference": LinkKind.REFERENCE,
    "Collapsed": LinkKind.REFERENCE,
    "Shortcut": LinkKind.REFERENCE,
    "Autolink": LinkKind.AUTOLINK,
    "Email": LinkKind.AUTOLINK,
}
_INLINE_STARTS = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})
_LINK_ENDS = frozenset({"Link", "Image"})
_INLINE_ENDS = _INLINE_STARTS | _LINK_ENDS
_INLINE_LEAVES = frozenset({"InlineHtml", "InlineMath", "DisplayMath"})
# Text that can hold a link, a code span or a path autolink: a changed line without any of them
# needs no parse.
_INLINE_MARKERS = ("[", "`", "<")


class _Lines:
    """Body offsets of line starts, (line, column) of an offset, and the body offset of one of
    the parser's byte offsets (the same number while the body is ASCII)."""

    __slots__ = ("body", "byte_starts", "encoded", "starts")

    def __init__(self, body: str) -> None:
        self.body = body
        self.starts = line_starts(body, "\n")
        self.encoded = None if body.isascii() else body.encode()
        self.byte_starts = self.starts
        if self.encoded is not None:
            self.byte_starts = line_starts(self.encoded, b"\n")

    def char(self, offset: int) -> int:
        if self.encoded is None:
            return offset
        byte_starts, starts = self.byte_starts, self.starts
        index = bisect.bisect_right(byte_starts, offset) - 1
        start = byte_starts[index]
        # A line as long in bytes as in characters is ASCII: no need to decode it.
        if index + 1 < len(starts) and (
            byte_starts[index + 1] - start == starts[index + 1] - starts[index]
        ):
            return starts[index] + offset - start
        return starts[index] + len(self.encoded[start:offset].decode())

    def index(self, offset: int) -> int:
        """0-based line of a body offset."""
        return bisect.bisect_right(self.starts, offset) - 1

    def end(self, index: int) -> int:
        """Body offset of the end of the 0-based line ``index`` (its ``\\n``, or the body's end)."""
        return self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.body)

    def position(self, offset: int, hint: int = 0) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; ``hint`` is a 0-based line at or before it."""
        starts = self.starts
        index = hint
        while index + 1 < len(starts) and starts[index + 1] <= offset:
            index += 1
        return index + 1, offset - starts[index] + 1


_RECENT: dict[int, weakref.ref[BodyScan]] = {}
_RECENT_LIMIT = 16384


def scan_of(body: str) -> BodyScan:
    """The scan of this very string, parsed once: the readers given only a body (the git facts,
    which hold the note's body, not the note) find the scan its note made. Keyed by identity,
    so an equal string read again is parsed again (as a changed file is on a serve rebuild).
    Held weakly: a scan lives as long as its note keeps it, not until the process ends (a
    finished `thoughts check` would leave its 3,000 scans for the collector to walk)."""
    known = _RECENT.get(id(body))
    scan = known() if known is not None else None
    if scan is not None and scan.body is body:
        return scan
    scan = scan_body(body)
    if len(_RECENT) >= _RECENT_LIMIT:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[id(body)] = weakref.ref(scan)
    return scan


def inline_links(text: str) -> tuple[MarkdownLink, ...]:
    """The links of one line of inline text (columns in that line): for a line that changed
    since its body was scanned, without parsing the whole body again."""
    stripped = text.lstrip(" \t")
    if not stripped.strip() or not any(marker in text for marker in _INLINE_MARKERS):
        return ()
    # A letter in front makes the line a paragraph, as it was in its note: alone, `    x` would
    # be code, `<b>` an HTML block and `[r]: x` a definition.
    shift = len(text) - len(stripped) - 1
    return tuple(
        replace(
            link,
            start=link.start + shift,
            end=link.end + shift,
            target_start=link.target_start + shift if link.target_start >= 0 else -1,
            target_end=link.target_end + shift if link.target_start >= 0 else -1,
            column=link.column + shift,
            target_column=link.target_column + shift,
        )
        for link in scan_body("x" + stripped).links
    )


def _plain_scanner() -> Callable[[str], PlainScan | None] | None:
    """The C reader of plain chunks (:mod:`._plainscan`), or ``None`` where the package was
    installed without a C compiler: the parser then reads every body, to the same scans."""
    try:
        from . import _plainscan
    except ImportError:
        return None
    _plainscan.configure(CodeSpan, MarkdownLink, Heading, LinkKind.INLINE)
    return _plainscan.scan


_plain_scan = _plain_scanner()


def scan_body(body: str) -> BodyScan:
    """Parse ``body`` once: its headings, links, code spans, code and HTML blocks, prose."""
    text = _parseable(body)
    plain = _plain_scan(text) if _plain_scan is not None else None
    if plain is None:
        return parse_body(body, text)
    headings, links, spans, runs, rest = plain
    if rest is None:
        return BodyScan(body, headings, links, spans, (), (), runs)
    # Some chunks were left to the parser: it reads them in a copy of the body with the others
    # blanked, at their own offsets, and the two readings are put back in body order.
    blanked, chunk_starts, chunk_ends = rest
    parsed = parse_body(body, blanked)

    def in_chunk(block: tuple[int, int]) -> tuple[int, int]:
        # A code block open where its chunk ends (in a list item) ends there: the next chunk's
        # first line closes it, where the blanked copy has only blank lines that it takes in.
        first, last = block
        end = chunk_ends[bisect.bisect_left(chunk_ends, first)]
        return block if last <= end else (first, end)

    # A parsed chunk keeps its links in its own order (an image in a link comes before it).
    keyed = [(link.start, link) for link in links]
    keyed += [
        (chunk_starts[bisect.bisect_right(chunk_starts, link.start) - 1], link)
        for link in parsed.links
    ]
    keyed.sort(key=_FIRST)
    return BodyScan(
        body,
        tuple(sorted((*headings, *parsed.headings), key=_LINE)),
        tuple(link for _, link in keyed),
        tuple(sorted((*spans, *parsed.code_spans), key=_START)),
        tuple(map(in_chunk, parsed.code_blocks)),
        tuple(map(in_chunk, parsed.html_blocks)),
        tuple(sorted((*runs, *parsed.runs))),
    )


def parse_body(body: str, text: str) -> BodyScan:
    """The scan of ``body`` by the CommonMark parser, reading ``text`` (``body`` made parseable,
    maybe with chunks already read blanked)."""
    scanner = _Scanner(text)
    events: Iterable[tuple[Any, Any]] = pyromark.events_with_range(text, options=_OPTIONS)
    scanner.read(events)
    if "]:" in text:
        scanner.add_definitions(pyromark.reference_definitions(text, options=_OPTIONS))
    return BodyScan(
        body,
        tuple(scanner.headings),
        tuple(scanner.links),
        tuple(scanner.spans),
        tuple(scanner.code_blocks),
        tuple(scanner.html_blocks),
        tuple(scanner.runs),
    )


def _parseable(body: str) -> str:
    """``body`` with every character in its place and nothing the parser reads differently
    from the rest of the tool: a lone carriage return (a line break to CommonMark, not to line
    numbers and link rewriting) becomes a space, a lone surrogate (no UTF-8) a ``?``."""
    text = body.replace("\r", " ") if "\r" in body else body
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            text = text.encode(errors="replace").decode()
    return text


class _Scanner:
    """What one loop over the parser's events collects."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _Lines(text)
        self.headings: list[Heading] = []
        self.links: list[MarkdownLink] = []
        self.spans: list[CodeSpan] = []
        self.code_blocks: list[tuple[int, int]] = []
        self.html_blocks: list[tuple[int, int]] = []
        self.runs: list[tuple[int, int]] = []
        self.nesting = 0  # lists and block quotes around the current block
        self.heading: tuple[int, int] | None = None  # (level, byte start) of an open heading
        self.open_links: list[tuple[Any, int, int, bool]] = []  # (link data, start, end, image)

    def read(self, events: Iterable[tuple[Any, Any]]) -> None:
        # The hot loop of note loading (~140 events a note), with the state most events change
        # in locals: the current block's inline text (byte range, -1 when none is pending) and
        # where its last piece ended (inside a link: its label's end). An event either extends
        # that text or ends the block (a run is recorded when some text is pending); events
        # without data (paragraphs, list items, emphasis) need no method call, and neither do
        # the commonest with data (code spans, and runs in an ASCII body).
        open_links = self.open_links
        body, lines = self.text, self.lines
        starts, ascii_body = lines.starts, lines.encoded is None
        add_span, add_run = self.spans.append, self.runs.append
        run_start = run_end = child_end = -1
        in_code = False
        for event, span in events:
            if event.__class__ is str:  # SoftBreak, HardBreak, Rule
                extends = event != "Rule"
            elif (text := event.get("Text")) is not None:
                if in_code:
                    continue
                if "<" in text and not open_links:
                    self.path_autolinks(span)
                extends = True
            elif (tag := event.get("Start")) is not None:
                if tag.__class__ is str:  # Item, Paragraph, Emphasis, ...
                    extends = tag in _INLINE_STARTS
                    if tag == "HtmlBlock":
                        self.html_blocks.append(self.block_lines(span))
                elif (link := tag.get("Link") or tag.get("Image")) is not None:
                    start, end = span["start"], span["end"]
                    if run_start < 0:
                        run_start = start
                    if end > run_end:
                        run_end = end
                    image = "Image" in tag
                    open_links.append((link, start, end, image))
                    child_end = start + (2 if image else 1)  # after `![` or `[`
                    continue
                else:
                    extends = False
                    in_code = self.start(tag, span) or in_code
            elif (tag := event.get("End")) is not None:
                if tag.__class__ is str:
                    if tag in _LINK_ENDS:
                        child_end = self.close_link(child_end)
                        continue
                    if tag in _INLINE_ENDS:
                        continue
                    in_code = False
                else:
                    if "Heading" in tag:
                        self.add_heading(span, run_start, run_end)
                    elif "List" in tag or "BlockQuote" in tag:
                        self.nesting -= 1
                extends = False
            elif "Code" in event:
                extends = True
                in_link = bool(open_links)
                if not in_link or not any(link[3] for link in open_links):
                    start, end = span["start"], span["end"]
                    if not ascii_body:
                        start, end = lines.char(start), lines.char(end)
                    ticks = 1
                    while body[start + ticks] == "`":
                        ticks += 1
                    index = bisect.bisect_right(starts, start) - 1
                    add_span(
                        CodeSpan(start, end, ticks, index + 1, start - starts[index] + 1, in_link)
                    )
            else:
                extends = not _INLINE_LEAVES.isdisjoint(event)
            if extends:
                if run_start < 0:
                    run_start = span["start"]
                child_end = span["end"]
                if child_end > run_end:
                    run_end = child_end
            elif run_start >= 0:
                if ascii_body and (run_start == 0 or body[run_start - 1] != "\\"):
                    add_run((run_start, run_end))
                else:
                    self.flush(run_start, run_end)
                run_start = run_end = -1

    def start(self, value: dict[str, Any], span: Any) -> bool:
        """A block with data opens: a heading, a list, a quote, a code block (``True``)."""
        if "Heading" in value:
            self.heading = (int(value["Heading"]["level"][1]), span["start"])
        elif "List" in value or "BlockQuote" in value:
            self.nesting += 1
        elif "CodeBlock" in value:
            self.code_blocks.append(self.block_lines(span))
            return True
        return False

    def close_link(self, child_end: int) -> int:
        """A link or image closes; returns where the block's text read so far ends (the link's
        end)."""
        link, start, end, image = self.open_links.pop()
        if not any(outer[3] for outer in self.open_links):
            self.add_link(link, start, end, image, child_end)
        return end

    def block_lines(self, span: Any) -> tuple[int, int]:
        """1-based (first, last) lines of a block's byte range."""
        start, end = self.lines.char(span["start"]), self.lines.char(span["end"])
        return self.lines.index(start) + 1, self.lines.index(max(end - 1, start)) + 1

    def flush(self, start: int, end: int) -> None:
        """Record the inline text (byte range) of the block just read; :attr:`BodyScan.prose`
        cuts it into lines when first read."""
        lines = self.lines
        if lines.encoded is not None:
            start, end = lines.char(start), lines.char(end)
        if start > 0 and self.text[start - 1] == "\\":
            start -= 1  # the parser's text starts after an escape's backslash
        self.runs.append((start, end))

    def add_heading(self, span: Any, run_start: int, run_end: int) -> None:
        assert self.heading is not None
        level, start_byte = self.heading
        self.heading = None
        lines, text = self.lines, self.text
        start = lines.char(start_byte)
        written = ""
        if run_start >= 0:
            written = text[lines.char(run_start) : lines.char(run_end)]
        first, last = self.block_lines(span)
        self.headings.append(
            Heading(
                level=level,
                text=written,
                line=first,
                last_line=last,
                nested=self.nesting > 0,
                setext=not _ATX_MARK.match(text, start),
            )
        )

    def path_autolinks(self, span: Any) -> None:
        """``<../plans/x.md>`` starting in this text: a note path in angle brackets."""
        lines, text = self.lines, self.text
        start, end = lines.char(span["start"]), lines.char(span["end"])
        opening = text.find("<", start, end)
        while opening >= 0:
            match = _PATH_AUTOLINK.match(text, opening, lines.end(lines.index(opening)))
            escaped = opening > 0 and text[opening - 1] == "\\"
            if match is not None and not escaped and not _SCHEME.match(match[1]):
                self.links.append(self.link(LinkKind.AUTOLINK, match[1], opening, match.end()))
            opening = text.find("<", opening + 1, end)

    def add_link(
        self, value: Any, start_byte: int, end_byte: int, image: bool, child_end: int
    ) -> None:
        kind = _LINK_KINDS.get(value["link_type"])
        if kind is None:
            return
        char, text = self.lines.char, self.text
        start, end = char(start_byte), char(end_byte)
        if kind is LinkKind.AUTOLINK:
            self.links.append(self.link(kind, text[start + 1 : end - 1], start, end))
            return
        if kind is LinkKind.REFERENCE:
            self.links.append(self.link(kind, value["dest_url"], start, end, image=image))
            return
        label_end = text.find("]", char(child_end), end)
        position = _skip_space(text, label_end + 2, end)
        target_end = _destination_end(text, position, end, value["dest_url"])
        written = text[position:target_end]
        if written.startswith("<"):
            written = written[1:-1]
        self.links.append(self.link(kind, written, start, end, (position, target_end), image=image))

    def link(
        self,
        kind: LinkKind,
        written: str,
        start: int,
        end: int,
        target: tuple[int, int] | None = None,
        *,
        image: bool = False,
    ) -> MarkdownLink:
        lines = self.lines
        line, column = lines.position(start, lines.index(start))
        target_line, target_column = line, column
        if kind is LinkKind.AUTOLINK:
            target = (start + 1, end - 1)
        if target is not None:
            target_line, target_column = lines.position(target[0], line - 1)
        target_start, target_end = target if target is not None else (-1, -1)
        return MarkdownLink(
            kind,
            written,
            start,
            end,
            target_start,
            target_end,
            line,
            column,
            target_line,
            target_column,
            image=image,
        )

    def add_definitions(self, definitions: dict[str, Any]) -> None:
        """``[ref]: target`` definitions (the parser keeps them out of its events), each put
        where it stands among the links."""
        for definition in definitions.values():
            link = self.definition(definition["span"])
            if link is not None:
                self.links.append(link)
        self.links.sort(key=lambda link: link.start)

    def definition(self, span: Any) -> MarkdownLink | None:
        lines, text = self.lines, self.text
        start, end = lines.char(span["start"]), lines.char(span["end"])
        end = lines.end(lines.index(max(end - 1, start)))
        label_end = _label_end(text, start, end)
        if label_end < 0 or text[label_end : label_end + 2] != "]:":
            return None
        position = _skip_space(text, label_end + 2, end)
        target_end = _destination_end(text, position, end)
        if target_end <= position:
            return None
        written = text[position:target_end]
        link = self.link(LinkKind.DEFINITION, written, start, end, (position, target_end))
        return replace(link, target=written[1:-1]) if written.startswith("<") else link


def _skip_space(text: str, position: int, end: int) -> int:
    """The first offset at or after ``position`` that is not a space, nor a line break with the
    quote markers and indentation of the next line."""
    while position < end and text[position] in " \t\n":
        if text[position] == "\n":
            position += 1
            while position < end and text[position] in " \t>":
                position += 1
        else:
            position += 1
    return position


def _destination_end(text: str, position: int, end: int, parsed: str | None = None) -> int:
    """Where a link destination written at ``position`` ends (``position`` if there is none).
    ``parsed`` is the destination as the parser read it: where the text holds exactly that (no
    escape, no entity), it ends there."""
    if parsed and not parsed.startswith("<") and text.startswith(parsed, position):
        after = position + len(parsed)
        if after >= end or text[after] in " \t\n)":
            return after
    index = position
    if text.startswith("<", position):
        index += 1
        while index < end and text[index] not in "<>\n":
            index += 2 if text[index] == "\\" else 1
        return index + 1 if index < end and text[index] == ">" else position
    depth = 0
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char <= " " or (char == ")" and depth == 0):
            break
        depth += 1 if char == "(" else -1 if char == ")" else 0
        index += 1
    return min(index, end)


def _label_end(text: str, position: int, end: int) -> int:
    """The offset of the ``]`` closing a definition's label opened at ``position`` (``-1`` if
    none); a definition's label holds no unescaped bracket."""
    if not text.startswith("[", position):
        return -1
    position += 1
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "]":
            return position
        if char == "[":
            return -1
        position += 1
    return -1

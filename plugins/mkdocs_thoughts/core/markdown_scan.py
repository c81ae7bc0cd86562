"""One Markdown pass over a note body: what every reader of bodies needs, with exact positions.

Titles, relations, code references, run citations, link rewriting and the export all read the
same :class:`~.markdown_scan_model.BodyScan`, made once per note by a CommonMark parser
(:mod:`.markdown_parser`), so they agree on what is code, what is a heading and what is a link: a
``#`` line inside a four-backtick fence is code, ``[a [b]](x.md)``, ``[x][r]`` with ``[r]: x.md``,
``<x.md>`` and ``[x](a_(b).md)`` are links.

This module walks the parser's tokens and builds the scan. The inline pass runs only on text
that can hold a link or a code span (most paragraphs hold no ``[``, backtick or ``<``); the
source positions the parser's rules record in the text they parse are mapped back to the body
line by line, and link definitions are positioned by reading their source again.
"""

from __future__ import annotations

import bisect

from markdown_it.helpers import parseLinkDestination
from markdown_it.token import Token

from .markdown_parser import PARSER
from .markdown_scan_model import BodyScan, CodeSpan, Heading, LinkKind, MarkdownLink

# Text that can hold a link, a code span or a path autolink: the only inline text worth parsing.
_INLINE_MARKERS = ("[", "`", "<")


class _Lines:
    """Body offsets of line starts, and (line, column) of an offset."""

    __slots__ = ("body", "starts")

    def __init__(self, body: str) -> None:
        self.body = body
        starts = [0]
        find = body.find
        position = find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.starts = starts

    def line_text(self, index: int) -> tuple[int, str]:
        """(start offset, text) of the 0-based line ``index``."""
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.body)
        return start, self.body[start:end]

    def position(self, offset: int, hint: int = 0) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; ``hint`` is a 0-based line at or before it."""
        starts = self.starts
        index = hint
        while index + 1 < len(starts) and starts[index + 1] <= offset:
            index += 1
        return index + 1, offset - starts[index] + 1


_RECENT: dict[int, BodyScan] = {}
_RECENT_LIMIT = 16384


def scan_of(body: str) -> BodyScan:
    """The scan of this very string, parsed once: the readers given only a body (the git facts,
    which hold the note's body, not the note) find the scan its note made. Keyed by identity,
    so an equal string read again is parsed again (as a changed file is on a serve rebuild)."""
    known = _RECENT.get(id(body))
    if known is not None and known.body is body:
        return known
    scan = scan_body(body)
    if len(_RECENT) >= _RECENT_LIMIT:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[id(body)] = scan
    return scan


def inline_links(text: str) -> tuple[MarkdownLink, ...]:
    """The links of one line of inline text (columns in that line): for a line that changed
    since its body was scanned, without parsing the whole body again."""
    links: list[MarkdownLink] = []
    if text.strip() and any(marker in text for marker in _INLINE_MARKERS):
        _inline(text, [(1, 0, len(text), 0)], {}, _Lines(text), links, [])
    return tuple(links)


def scan_body(body: str) -> BodyScan:
    """Parse ``body`` once: its headings, links, code spans, code and HTML blocks, prose."""
    env: dict[str, object] = {}
    # markdown-it reads a lone carriage return as a line break, the rest of the tool (line numbers,
    # link rewriting) only `\n`: a space in its place keeps every offset and line the same.
    text = body.replace("\r", " ") if "\r" in body else body
    tokens = PARSER.parse(text, env)
    lines = _Lines(text)
    headings: list[Heading] = []
    links: list[MarkdownLink] = []
    spans: list[CodeSpan] = []
    code_blocks: list[tuple[int, int]] = []
    html_blocks: list[tuple[int, int]] = []
    prose: list[tuple[int, int, int]] = []
    nesting = 0
    heading_open: Token | None = None
    cell_from: int | None = None  # in a table row: where the next cell may start on its line
    for token in tokens:
        kind = token.type
        if kind == "inline" and token.map:
            pieces, content = _place(token, lines, cell_from)
            if cell_from is not None and pieces:
                cell_from = pieces[-1][2] - lines.starts[pieces[-1][0] - 1]
            prose.extend(piece[:3] for piece in pieces)
            if heading_open is not None:
                headings.append(_heading(heading_open, token, nesting))
                heading_open = None
            if pieces and any(marker in content for marker in _INLINE_MARKERS):
                _inline(content, pieces, env, lines, links, spans)
        elif kind in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            nesting += 1
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            nesting -= 1
        elif kind == "heading_open":
            heading_open = token
        elif kind == "tr_open":
            cell_from = 0
        elif kind == "tr_close":
            cell_from = None
        elif kind in ("fence", "code_block") and token.map:
            code_blocks.append((token.map[0] + 1, token.map[1]))
        elif kind == "html_block" and token.map:
            html_blocks.append((token.map[0] + 1, token.map[1]))
        elif kind == "definition" and token.map:
            link = _definition(token, lines)
            if link is not None:
                links.append(link)
    return BodyScan(
        body,
        tuple(headings),
        tuple(links),
        tuple(spans),
        tuple(code_blocks),
        tuple(html_blocks),
        tuple(prose),
    )


def _heading(opening: Token, inline: Token, nesting: int) -> Heading:
    assert opening.map is not None
    return Heading(
        level=int(opening.tag[1]),
        text=inline.content,
        line=opening.map[0] + 1,
        last_line=opening.map[1],
        nested=nesting > 0,
        setext=opening.markup in ("=", "-"),
    )


_Piece = tuple[int, int, int, int]
"""(1-based line, body start, body end, content offset of that start) of one line of inline
text, without its surrounding whitespace."""


def _place(token: Token, lines: _Lines, cell_from: int | None) -> tuple[list[_Piece], str]:
    """Where each line of an inline token's content stands in the body, and the text to
    parse (the content, or the source where the two differ)."""
    assert token.map is not None
    first = token.map[0]
    pieces: list[_Piece] = []
    offset = 0
    for index, text in enumerate(token.content.split("\n")):
        core = text.strip()
        if core:
            line_start, line_text = lines.line_text(first + index)
            if cell_from is not None:
                # A table cell: the first place at or after the previous cell's end. Its `\|`
                # were read as `|`: the text parsed is then the cell as written.
                column = line_text.find(core, cell_from)
                written = core.replace("|", "\\|")
                if column < 0 and written != core:
                    column = line_text.find(written, cell_from)
                    if column >= 0:
                        start = line_start + column
                        return [(first + 1, start, start + len(written), 0)], written
            else:
                # Any other line of inline text is its source line's tail (list and quote
                # markers and indentation removed), up to trailing spaces.
                column = len(line_text.rstrip()) - len(core)
                if column < 0 or line_text[column : column + len(core)] != core:
                    column = line_text.find(core)
            if column < 0:
                return [], ""  # the text was changed: no positions, rather than wrong ones
            lead = len(text) - len(text.lstrip())
            start = line_start + column
            pieces.append((first + index + 1, start, start + len(core), offset + lead))
        offset += len(text) + 1
    return pieces, token.content


def _inline(
    content: str,
    pieces: list[_Piece],
    env: dict[str, object],
    lines: _Lines,
    links: list[MarkdownLink],
    spans: list[CodeSpan],
) -> None:
    """Parse one inline token and record its links and code spans at their body positions."""
    children: list[Token] = []
    PARSER.inline.parse(content, PARSER, env, children)
    starts = [piece[3] for piece in pieces]

    def to_body(offset: int) -> int:
        piece = pieces[max(_bisect(starts, offset), 0)]
        return piece[1] + offset - piece[3]

    depth = 0
    for child in children:
        if child.type == "link_close":
            depth -= 1
        placed = child.meta.get("span")
        if placed is None:
            continue
        if child.type == "link_open":
            depth += 1
        start, end = placed
        body_start, body_end = to_body(start), to_body(end - 1) + 1
        # From the line of the piece holding it: a paragraph may have thousands of lines.
        line, column = lines.position(body_start, pieces[max(_bisect(starts, start), 0)][0] - 1)
        if child.type == "code_inline":
            spans.append(
                CodeSpan(body_start, body_end, child.meta["ticks"], line, column, depth > 0)
            )
            continue
        target_start = target_end = -1
        target_line, target_column = line, column
        if "target" in child.meta:
            first, last = child.meta["target"]
            target_start = to_body(first)
            target_end = to_body(last - 1) + 1 if last > first else target_start
            target_line, target_column = lines.position(target_start, line - 1)
        links.append(
            MarkdownLink(
                child.meta["kind"],
                child.meta["written"],
                body_start,
                body_end,
                target_start,
                target_end,
                line,
                column,
                target_line,
                target_column,
                image=child.type == "image",
            )
        )


def _bisect(starts: list[int], offset: int) -> int:
    """The index of the last start at or before ``offset``."""
    return bisect.bisect_right(starts, offset) - 1


def _definition(token: Token, lines: _Lines) -> MarkdownLink | None:
    """A ``[ref]: target`` definition, positioned by reading its source again."""
    assert token.map is not None
    first = token.map[0]
    start = lines.starts[first]
    end_index = token.map[1]
    end = lines.starts[end_index] - 1 if end_index < len(lines.starts) else len(lines.body)
    source = lines.body[start:end]
    opening = source.find("[")
    position = _label_end(source, opening)
    if position < 0 or source[position : position + 2] != "]:":
        return None
    position += 2
    while position < len(source) and source[position] in " \t":
        position += 1
    if source[position : position + 1] == "\n":
        # On the next line, after its block quote markers and indentation.
        position += 1
        while position < len(source) and source[position] in " \t>":
            position += 1
    result = parseLinkDestination(source, position, len(source))
    if not result.ok or result.pos <= position:
        return None
    written = source[position : result.pos]
    line, column = lines.position(start + opening, first)
    target_line, target_column = lines.position(start + position, first)
    return MarkdownLink(
        LinkKind.DEFINITION,
        written[1:-1] if written.startswith("<") else written,
        start + opening,
        end,
        start + position,
        start + result.pos,
        line,
        column,
        target_line,
        target_column,
    )


def _label_end(source: str, position: int) -> int:
    """The offset of the ``]`` closing a definition's label opened at ``position`` (``-1`` if
    none); a definition's label holds no unescaped bracket."""
    if position < 0:
        return -1
    position += 1
    while position < len(source):
        char = source[position]
        if char == "\\":
            position += 2
            continue
        if char == "]":
            return position
        if char == "[":
            return -1
        position += 1
    return -1

"""One Markdown pass over a note body: what every reader of bodies needs, with exact positions.

Titles, relations, code references, run citations, link rewriting and the export all read the
same :class:`BodyScan`, made once per note by a CommonMark parser (markdown-it-py), so they agree
on what is code, what is a heading and what is a link: a ``#`` line inside a four-backtick fence
is code, ``[a [b]](x.md)``, ``[x][r]`` with ``[r]: x.md``, ``<x.md>`` and ``[x](a_(b).md)`` are
links.

The parser is configured with only the rules whose constructs change what a link, a code span or
a heading is, and the inline pass runs only on text that can hold one (most paragraphs hold no
``[``, backtick or ``<``). Positions are offsets into the body and 1-based (line, column) pairs;
markdown-it gives line maps only, so inline rules are wrapped to record where each link and code
span starts and ends in the text they parse, mapped back to the body line by line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# Characters at which an enabled inline rule may start (or a link label end). Everything else is
# plain text, eaten in one regular-expression step instead of markdown-it's loop per character.
_PLAIN = re.compile(r"[^\n\\`\[\]!<&]+")
_PATH_AUTOLINK = re.compile(r"<([^\s<>]+?\.md(?:#[^\s<>]*|:\d+(?:-\d+)?)?)>", re.IGNORECASE)
# Text that can hold a link, a code span or a path autolink: the only inline text worth parsing.
_INLINE_MARKERS = ("[", "`", "<")
# A destination without brackets, escapes or entities, followed by a title or the closing `)`:
# most are, and reading them needs no character loop.
_SIMPLE_LINK = re.compile(r"\[[^\[\]\\`<>\n]*\]\(([^\s()<>\\\x00-\x1f]*)\)")
_PLAIN_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f]+(?=[ \t\n)])")
_MARKED = ("link_open", "image", "code_inline")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")


class LinkKind(StrEnum):
    INLINE = "inline"
    """``[label](target)`` (also an image, see :attr:`MarkdownLink.image`)."""
    REFERENCE = "reference"
    """``[label][ref]``, ``[ref][]`` or ``[ref]`` naming a definition; ``target`` is its."""
    DEFINITION = "definition"
    """``[ref]: target``."""
    AUTOLINK = "autolink"
    """``<https://...>``, or a note path in angle brackets (``<../plans/x.md>``)."""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class BodyScan:
    body: str
    headings: tuple[Heading, ...]
    links: tuple[MarkdownLink, ...]
    """Every link and definition in reading order (definitions where they stand)."""
    code_spans: tuple[CodeSpan, ...]
    code_blocks: tuple[tuple[int, int], ...]
    """1-based (first, last) body lines of each fenced or indented code block, fences included."""
    html_blocks: tuple[tuple[int, int], ...]
    prose: tuple[tuple[int, int, int], ...]
    """(line, start, end): the body offsets of each line's inline text (paragraphs, headings,
    table cells), in order; a line may have several (table cells)."""

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

    def prose_lines(self) -> Iterator[tuple[int, str]]:
        """Each line holding inline text, with everything else on it (list and quote markers,
        table pipes, the source of links and code spans) blanked to spaces, columns kept."""
        blanks = sorted(
            [(link.start, link.end) for link in self.links if link.kind is not LinkKind.DEFINITION]
            + [(span.start, span.end) for span in self.code_spans]
        )
        body = self.body
        index = 0
        pieces = self.prose
        at = 0
        while at < len(pieces):
            line = pieces[at][0]
            line_start = body.rfind("\n", 0, pieces[at][1]) + 1
            line_end = body.find("\n", pieces[at][1])
            line_end = len(body) if line_end < 0 else line_end
            chars = [" "] * (line_end - line_start)
            while at < len(pieces) and pieces[at][0] == line:
                _, start, end = pieces[at]
                chars[start - line_start : end - line_start] = body[start:end]
                at += 1
            while index < len(blanks) and blanks[index][1] <= line_start:
                index += 1
            probe = index
            while probe < len(blanks) and blanks[probe][0] < line_end:
                start, end = max(blanks[probe][0], line_start), min(blanks[probe][1], line_end)
                chars[start - line_start : end - line_start] = " " * (end - start)
                probe += 1
            yield line, "".join(chars)


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
    tokens = _PARSER.parse(body, env)
    lines = _Lines(body)
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
    _PARSER.inline.parse(content, _PARSER, env, children)
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


# --- the parser ---------------------------------------------------------------------------------

_InlineRule = Callable[[StateInline, bool], bool]


def _plain_text(state: StateInline, silent: bool) -> bool:
    # Text itself is never read (headings keep their source text): only skipped.
    match = _PLAIN.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    state.pos = match.end()
    return True


def _simple_link(state: StateInline, silent: bool) -> bool:
    """``[label](target)`` with nothing in the label that could be markup and a plain target:
    most links, read by one regular expression exactly as markdown-it's ``link`` rule reads
    them (which then handles every other shape)."""
    match = _SIMPLE_LINK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        start = state.pos
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": match[1]}
        token.meta = {
            "span": (start, match.end()),
            "kind": LinkKind.INLINE,
            "target": (match.start(1), match.end(1)),
            "written": match[1],
        }
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _path_autolink(state: StateInline, silent: bool) -> bool:
    """``<../plans/x.md>``: a note path in angle brackets, which CommonMark leaves as text."""
    match = _PATH_AUTOLINK.match(state.src, state.pos, state.posMax)
    if match is None or _SCHEME.match(match[1]):
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": match[1]}
        token.markup = "autolink"
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _positioned(rule: _InlineRule) -> _InlineRule:
    """``rule``, recording on the token it makes where it starts and ends in the source."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            for token in state.tokens[count:]:
                if token.type in _MARKED:
                    _describe(state, start, token)
                    break
        return True

    return wrapped


def _describe(state: StateInline, start: int, token: Token) -> None:
    src, end = state.src, state.pos
    token.meta["span"] = (start, end)
    if token.type == "code_inline":
        ticks = 0
        while src[start + ticks] == "`":
            ticks += 1
        token.meta["ticks"] = ticks
        return
    if token.markup == "autolink":
        token.meta["kind"] = LinkKind.AUTOLINK
        token.meta["target"] = (start + 1, end - 1)
        token.meta["written"] = src[start + 1 : end - 1]
        return
    label_start = start + 1 if src[start] == "!" else start
    labels: dict[int, int] | None = getattr(state, "th_labels", None)
    label_end = labels.get(label_start) if labels is not None else None
    if label_end is None:
        label_end = parseLinkLabel(state, label_start, token.type == "link_open")
    after = label_end + 1
    if 0 < after < end and src[after] == "(":
        position = after + 1
        while position < end and src[position] in " \t\n":
            position += 1
        plain = _PLAIN_DESTINATION.match(src, position, end)
        if plain is not None:
            target_end = plain.end()
        else:
            result = parseLinkDestination(src, position, end)
            target_end = result.pos if result.ok else position
        written = src[position:target_end]
        token.meta["kind"] = LinkKind.INLINE
        token.meta["target"] = (position, target_end)
        token.meta["written"] = written[1:-1] if written.startswith("<") else written
        return
    token.meta["kind"] = LinkKind.REFERENCE
    token.meta["written"] = str(token.attrs.get("href" if token.type == "link_open" else "src"))


def _recorded_label(state: StateInline, start: int, disable_nested: bool = False) -> int:
    """markdown-it's ``parseLinkLabel``, keeping each answer for :func:`_describe` (which would
    otherwise read every label twice)."""
    end = parseLinkLabel(state, start, disable_nested)
    labels: dict[int, int] | None = getattr(state, "th_labels", None)
    if labels is None:
        labels = {}
        state.th_labels = labels  # type: ignore[attr-defined]
    labels[start] = end
    return end


_BlockRule = Callable[[StateBlock, int, int, bool], bool]
_OPENERS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
"""The characters a line (after its indentation) must start with for each block rule to apply."""


def _first_char(state: StateBlock, line: int) -> str:
    start = state.bMarks[line] + state.tShift[line]
    return state.src[start : start + 1]


def _guarded(name: str, rule: _BlockRule) -> _BlockRule:
    """``rule``, not even called where its first character cannot be: markdown-it tries every
    block rule at every line (and the paragraph's terminators at each of its lines), which was
    most of the parse."""
    if name in _OPENERS:
        opener = _OPENERS[name]

        def by_opener(state: StateBlock, line: int, end: int, silent: bool) -> bool:
            char = _first_char(state, line)
            return bool(char) and char in opener and rule(state, line, end, silent)

        return by_opener
    if name == "code":

        def indented(state: StateBlock, line: int, end: int, silent: bool) -> bool:
            return state.sCount[line] - state.blkIndent >= 4 and rule(state, line, end, silent)

        return indented
    if name == "table":

        def piped(state: StateBlock, line: int, end: int, silent: bool) -> bool:
            text = state.src[state.bMarks[line] : state.eMarks[line]]
            return "|" in text and rule(state, line, end, silent)

        return piped
    if name == "lheading":

        def underlined(state: StateBlock, line: int, end: int, silent: bool) -> bool:
            # Only a paragraph followed by a `===` or `---` line can be a setext heading.
            following = line + 1
            while following < end and not state.isEmpty(following):
                if _first_char(state, following) in ("=", "-"):
                    return rule(state, line, end, silent)
                following += 1
            return False

        return underlined
    return rule


def _make_parser() -> MarkdownIt:
    # Raw HTML on: Python-Markdown, which renders the site, always reads it.
    parser = MarkdownIt("zero", {"html": True, "inline_definitions": True})
    parser.enable(
        [
            # block: what decides where code, headings, HTML and link definitions are
            "fence",
            "code",
            "heading",
            "lheading",
            "hr",
            "list",
            "blockquote",
            "html_block",
            "reference",
            "table",
            # inline: what decides where links and code spans are
            "backticks",
            "link",
            "image",
            "autolink",
            "html_inline",
            "escape",
            "entity",
        ]
    )
    # The inline pass runs by hand on chosen tokens only, and no text is ever joined.
    parser.disable(["inline", "text_join", "balance_pairs", "fragments_join"])
    # Destinations are wanted as written: no percent-encoding, and nothing refused.
    parser.normalizeLink = lambda url: url  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    # The link rules find helpers on the parser: the label reader is swapped for one that keeps
    # its answers.
    parser.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkLabel=_recorded_label,
        parseLinkDestination=parseLinkDestination,
        parseLinkTitle=parseLinkTitle,
    )
    for block_rule in parser.block.ruler.__rules__:
        block_rule.fn = _guarded(block_rule.name, block_rule.fn)
    parser.block.ruler.__cache__ = None
    ruler = parser.inline.ruler
    for rule in ruler.__rules__:
        if rule.name in ("link", "image", "backticks", "autolink"):
            rule.fn = _positioned(rule.fn)
    ruler.before("text", "plain_text", _plain_text)
    ruler.before("link", "simple_link", _simple_link)
    ruler.before("autolink", "path_autolink", _positioned(_path_autolink))
    ruler.__cache__ = None
    return parser


_PARSER = _make_parser()

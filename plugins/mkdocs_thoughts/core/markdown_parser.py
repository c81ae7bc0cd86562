"""The markdown-it-py parser that scans note bodies: its configuration and its extra rules.

The parser is configured with only the rules whose constructs change what a link, a code span or
a heading is; block rules are guarded so they are not even tried where their first character
cannot be, and plain text is skipped in one step. markdown-it gives line maps only, so the inline
rules that make links and code spans are wrapped to record, in each token's ``meta``, where the
construct starts and ends in the text parsed (and a link's kind and destination as written);
:mod:`.markdown_scan` maps those back to body positions. Kept apart from the scanning because
this is markdown-it's machinery (its states, rulers and helpers), not what a scan means.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .markdown_scan_model import LinkKind

# Characters at which an enabled inline rule may start (or a link label end). Everything else is
# plain text, eaten in one regular-expression step instead of markdown-it's loop per character.
_PLAIN = re.compile(r"[^\n\\`\[\]!<&]+")
_PATH_AUTOLINK = re.compile(r"<([^\s<>]+?\.md(?:#[^\s<>]*|:\d+(?:-\d+)?)?)>", re.IGNORECASE)
# A destination without brackets, escapes or entities, followed by a title or the closing `)`:
# most are, and reading them needs no character loop.
_SIMPLE_LINK = re.compile(r"\[[^\[\]\\`<>\n]*\]\(([^\s()<>\\\x00-\x1f]*)\)")
_PLAIN_DESTINATION = re.compile(r"[^\s()<>\\&\x00-\x1f]+(?=[ \t\n)])")
_MARKED = ("link_open", "image", "code_inline")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")


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


PARSER = _make_parser()

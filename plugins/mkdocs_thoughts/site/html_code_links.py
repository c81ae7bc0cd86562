"""Code-reference links added to the finished HTML instead of the Markdown (a build-time saving).

Linking a reference in the Markdown (:func:`.code_links.link_code_refs`) makes Python-Markdown
parse one more link and one more inline HTML tag per reference: with ~25 references per note
that was the largest cost of a build with every feature on (a 1,000-note build spent a third
more time in Markdown). Here the reference is replaced in the Markdown by an inert placeholder,
and the placeholder by the very HTML Markdown would have made of the link and its drift mark,
once the page is rendered (``on_page_content``, before the search plugin reads the page, so the
search index is the same too).

Only references whose rendering is known exactly take this path: a plain `` `path:12` `` code
span, on a line with nothing Markdown could combine it with (no brackets, HTML, escapes,
attribute lists, heading, indented code), in a note without raw HTML blocks, under Markdown
extensions that cannot change how a code span inside a link renders. Every other reference is
linked in the Markdown as before. If a placeholder does not come out exactly once in the HTML
(something unforeseen), the page is rendered again the old way: the site never differs.

With Material's search plugin on, the links wait one step more (:meth:`LinkedBody.stand_in`):
the search plugin parses every page's HTML, and a link and its mark were two more tags with
attributes (and two closing tags) per reference for it to parse, though it keeps only their text.
Until the page is written its content holds each link's text alone, ``<code>x</code> mark``, from
which the search plugin indexes the very same words; the finished page then gets the content
with the links in its place (:meth:`StandIn.finish`). Nothing marks where a stand-in is: the
whole content is found in the page and swapped (delimiting each stand-in by two comments, as
this first did, cost the search plugin's parser a fifth more time on every note).
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..git.code_refs import CodeRef, RefSyntax
from .code_links import _linked, drift_mark

SAFE_EXTENSIONS = frozenset(
    {
        # MkDocs' own defaults, and block-level extensions that leave inline code alone.
        "toc",
        "tables",
        "fenced_code",
        "admonition",
        "footnotes",
        "def_list",
        "pymdownx.superfences",
        "pymdownx.highlight",
        "pymdownx.details",
        "pymdownx.tabbed",
    }
)
"""Markdown extensions under which `[`x`](url)` renders as ``<a href="url"><code>x</code></a>``."""

# Shift Out and Shift In: no Markdown syntax uses them, and Python-Markdown keeps them (it strips
# only STX and ETX, its own markers). ASCII, unlike the private-use characters used before: one
# character beyond Latin-1 makes Python store the whole note at two bytes a character, and scan
# again every piece Python-Markdown cuts from it to narrow it (0.2 G of a 1,000-note build).
_OPEN, _CLOSE = "\x0e", "\x0f"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_TAG_BUT_CODE = re.compile(r"<(?!/?code>)[^>]*>")
# What makes a line unsafe (see _plain_line), as three tests: one pattern with anchored
# alternatives was tried at every position of every line.
_UNSAFE_CHARACTER = re.compile(r"[\[\]<>\\{}]")
_CODE_INDENTS = ("    ", "\t")
_HEADING = re.compile(r" {0,3}#")
_UNSAFE_TEXT = re.compile(f"[&<>\"'\\\\`\\s{_OPEN}{_CLOSE}]")
_UNSAFE_URL = re.compile(r"[&<>\"'\\`\s()]")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
# A line starting with `<` after at most three spaces, searched for in "\n" + body: a pattern
# that starts with a character is searched for that character, `^` in multiline mode at every
# position of the body (seven times slower).
_HTML_BLOCK = re.compile(r"\n {0,3}<")


def extensions_allow(extensions: Iterable[object]) -> bool:
    """Whether every configured Markdown extension is one under which the HTML path is exact."""
    return all(isinstance(name, str) and name in SAFE_EXTENSIONS for name in extensions)


@dataclass
class LinkedBody:
    """A note body with its code references linked, some as placeholders for the HTML."""

    markdown: str
    snippets: list[str] = field(default_factory=list)
    """Placeholder ``n``'s HTML."""
    texts: list[str] = field(default_factory=list)
    """Placeholder ``n``'s text alone: its HTML without the tags but ``<code>``."""
    linked: list[tuple[CodeRef, str | None, str]] = field(default_factory=list)
    """Placeholder ``n``'s reference, its URL and its mark, for :meth:`unfold` (the Markdown
    is only written when something went wrong, so not for every reference)."""

    def fill(self, html: str) -> str | None:
        """``html`` with every placeholder replaced, or ``None`` when they did not come out
        exactly once each (render the Markdown of :meth:`unfold` instead)."""
        return _put(html, self.snippets)

    def stand_in(self, html: str) -> StandIn | None:
        """Like :meth:`fill`, with each link's text alone (its code span and its mark's
        words): what a search index reads of the link, without the tags. The links are put in
        once the page is written (:meth:`StandIn.finish`)."""
        cut = _cut(html, len(self.texts))
        if cut is None:
            return None
        # The same placeholders, so fill() would succeed too: it waits for the written page.
        parts, numbers = cut
        spots: array[int] = array("l")
        position = len(parts[0])
        for index, number in enumerate(numbers, start=1):
            text = parts[2 * index - 1] = self.texts[number]
            spots.extend((position, position + len(text)))
            position += len(text) + len(parts[2 * index])
        return StandIn("".join(parts), spots, [self.snippets[number] for number in numbers])

    def unfold(self, markdown: str) -> str:
        """``markdown`` (this body as other plugins may have changed it) with the placeholders
        written as Markdown links, as the old path did."""

        def written(match: re.Match[str]) -> str:
            index = int(match[1])
            if index >= len(self.linked):
                return match[0]
            ref, url, mark = self.linked[index]
            return _linked(ref, url) + " " + mark

        return _PLACEHOLDER.sub(written, markdown)


@dataclass(frozen=True, slots=True)
class StandIn:
    """A page's content with its code links' text alone, from :meth:`LinkedBody.stand_in`
    until the page is written. It keeps only what putting the links in needs: MkDocs renders
    every page before it writes the first, so a thousand of these wait at once (the body's
    Markdown, its references and the linked content made in advance were 11 MB of them a
    thousand notes; the rendered HTML with its placeholders, 5 MB more)."""

    content: str
    """What the search plugin reads, and the theme gets."""
    spots: array[int]
    """Where each link's text is in :attr:`content`: its start and end, in order."""
    snippets: list[str]
    """The links' HTML, in the order of :attr:`spots`."""

    def finish(self, output: str, content: str | None) -> str:
        """The written page ``output`` with the links in place of :attr:`content`'s text.
        ``content`` is the page's content as the theme got it: when a plugin after this one
        changed it, the stand-ins are linked one by one within it, in their order."""
        if not content:
            return output
        start = _find(output, content)
        if start < 0:
            return output  # not written as the theme got it: left as the search plugin read it
        if content == self.content:  # as stand_in() made it: each text where spots says
            parts = [output[:start]]
            position, spots = 0, self.spots
            for index, snippet in enumerate(self.snippets):
                parts += (content[position : spots[2 * index]], snippet)
                position = spots[2 * index + 1]
            parts += (content[position:], output[start + len(content) :])
            return "".join(parts)
        return output[:start] + self._link_in(content) + output[start + len(content) :]

    def _link_in(self, content: str) -> str:
        parts: list[str] = []
        position = 0
        for snippet in self.snippets:
            text = _TAG_BUT_CODE.sub("", snippet)
            found = content.find(text, position)
            if found < 0:
                continue
            parts += (content[position:found], snippet)
            position = found + len(text)
        parts.append(content[position:])
        return "".join(parts)


def _find(text: str, part: str) -> int:
    """``text.find(part)`` for a long ``part`` (a page's content in the page): found by its
    first characters, then compared. ``str.find`` first reads the whole of a long ``part``
    to plan its search, which took three times the instructions of the search itself."""
    probe = part[:64]
    at = text.find(probe)
    while at >= 0 and not text.startswith(part, at):
        at = text.find(probe, at + 1)
    return at


def _put(html: str, pieces: list[str]) -> str | None:
    """``html`` with placeholder ``n`` replaced by ``pieces[n]``, or ``None`` when the
    placeholders did not come out exactly once each."""
    if not pieces:
        return html
    cut = _cut(html, len(pieces))
    if cut is None:
        return None
    parts, numbers = cut
    parts[1::2] = [pieces[number] for number in numbers]
    return "".join(parts)


def _cut(html: str, count: int) -> tuple[list[str], list[int]] | None:
    """``html`` cut at its placeholders (text, number, text, number, ..., text) and the
    placeholders' numbers in page order, or ``None`` unless placeholders 0 to ``count - 1``
    come out exactly once each."""
    parts = _PLACEHOLDER.split(html)
    numbers = [int(number) for number in parts[1::2]]
    if sorted(numbers) != list(range(count)):
        return None
    return parts, numbers


def link_code_refs_for_html(
    body: str,
    refs: Sequence[CodeRef],
    permalink: Callable[[CodeRef], str | None],
) -> LinkedBody:
    """Like :func:`.code_links.link_code_refs`, with the safe references as placeholders."""
    if not refs:
        return LinkedBody(body)
    lines = body.splitlines(keepends=True)
    no_html_blocks = "<" not in body or _HTML_BLOCK.search("\n" + body) is None
    # (ref, URL, mark, its HTML and its text, or None when it is linked in the Markdown)
    placed: list[tuple[CodeRef, str | None, str, tuple[str, str] | None]] = []
    mixed: set[int] = set()
    """Lines with a reference linked in the Markdown: all of theirs are (nothing to combine)."""
    plain_lines: dict[int, bool] = {}
    for ref in refs:
        index, start = ref.line - 1, ref.column - 1
        if index >= len(lines) or not lines[index].startswith(ref.text, start):
            continue  # the text moved (should not happen): leave the line alone
        url = permalink(ref)
        mark = drift_mark(ref)
        as_html = None
        plain_line = plain_lines.get(index)
        if plain_line is None:
            plain_line = plain_lines[index] = no_html_blocks and _plain_line(lines, index)
        if plain_line and _plain(ref, url):
            code = f"<code>{ref.text[1:-1]}</code>"
            link = f'<a href="{url}">{code}</a>' if url is not None else code
            as_html = (f"{link} {mark}", f"{code} {_words(mark)}")
        else:
            mixed.add(index)
        placed.append((ref, url, mark, as_html))
    result = LinkedBody(body)
    # From the last reference backwards, so earlier columns stay valid (as link_code_refs).
    placed.sort(key=lambda p: (p[0].line, p[0].column), reverse=True)
    for ref, url, mark, as_html in placed:
        index, start = ref.line - 1, ref.column - 1
        if as_html is not None and index not in mixed:
            text = f"{_OPEN}{len(result.snippets)}{_CLOSE}"
            snippet, words = as_html
            result.snippets.append(snippet)
            result.texts.append(words)
            result.linked.append((ref, url, mark))
        else:
            text = _linked(ref, url) + " " + mark
        line = lines[index]
        lines[index] = line[:start] + text + line[start + len(ref.text) :]
    result.markdown = "".join(lines)
    return result


@functools.lru_cache(maxsize=1024)
def _words(mark: str) -> str:
    """A drift mark's text without its tags (a build has a few hundred distinct marks)."""
    return _TAG_BUT_CODE.sub("", mark)


def _plain(ref: CodeRef, url: str | None) -> bool:
    """Whether Markdown would render the linked reference exactly as the HTML path writes it
    (on a line where :func:`_plain_line` holds)."""
    if ref.syntax is not RefSyntax.CODE:
        return False
    text = ref.text
    if len(text) < 3 or text[0] != "`" or text[-1] != "`":
        return False
    if _UNSAFE_TEXT.search(text, 1, len(text) - 1):
        return False
    return url is None or not _UNSAFE_URL.search(url)


def _plain_line(lines: list[str], index: int) -> bool:
    """Whether nothing on line ``index`` could combine with a code span there in Markdown."""
    line = lines[index]
    if _UNSAFE_CHARACTER.search(line) or line.startswith(_CODE_INDENTS) or _HEADING.match(line):
        return False
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return not _SETEXT.match(following)

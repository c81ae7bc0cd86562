"""Stage 1 (parse): one EDGAR 10-K HTML document → ordered text blocks.

Handles the four HTML generations found on EDGAR:

* 1990s upper-case HTML 3 with ``<FONT>``/``<B>`` and unclosed ``<P>`` (libxml2 repairs it);
* 2000s "inline style on every <P>" documents, including ``font:bold 10pt ...`` shorthand;
* layout tables used to typeset headings and bullets (``ITEM 1A. | RISK FACTORS``), which
  are unpacked into ordinary blocks, while real (multi-column) tables stay ``table`` blocks;
* inline XBRL XHTML: ``<?xml encoding='ASCII'?>`` prolog, ``ix:`` tags, and the hidden
  ``ix:header`` (XBRL contexts/units) that must never leak into the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from sec_finetune.pipeline.blocks import Block, BlockKind
from sec_finetune.pipeline.decode import decode_html

PARSED_SCHEMA = "sec_finetune.parsed/1"


class ParseError(ValueError):
    """The input is not an HTML document we can turn into text (reported per file)."""


_SKIP_TAGS = frozenset(
    {"head", "script", "style", "title", "noscript", "template", "ix:header", "ix:hidden"}
)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "center", "blockquote", "pre",
        "address", "section", "article", "header", "footer", "body", "html", "form", "hr",
        "caption", "page",
    }
    | _HEADING_TAGS
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_BOLD_TAGS = frozenset({"b", "strong"})
_ITALIC_TAGS = frozenset({"i", "em", "cite", "dfn", "var"})
_UNDERLINE_TAGS = frozenset({"u", "ins"})

_WS = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HAS_TAG = re.compile(r"<\s*(html|body|p|div|table|font|span|br)\b", re.IGNORECASE)

_BULLET_MARK = re.compile(r"^(?:[•·●◦▪■□❑➢►\-–—*o]|\(?[0-9]{1,2}[.)]|\(?[a-z]{1,3}\))$")
_BULLET_START = re.compile(r"^[•·●◦▪■□❑➢►]\s*")
# "7", "- 7 -", "Page 7", "F-7", and lower-case roman numerals up to 39 ("iv").
_PAGE_NUMBER = re.compile(
    r"^(?:[Pp]age\s+)?[-–—(]?\s*(?:\d{1,3}|x{0,3}(?:ix|iv|v?i{0,3})|[A-Za-z]-\s?\d{1,3})"
    r"\s*[-–—)]?$"
)
_NAVIGATION = re.compile(
    r"^(?:table of contents|index to financial statements|index|back to (?:table of )?contents"
    r"|return to (?:top|table of contents)|\(?continued\)?)\.?$",
    re.IGNORECASE,
)
_EDGE_NUMBER = re.compile(r"^\d{1,3}\b|\b\d{1,3}$")

_WEIGHT = re.compile(r"font-weight\s*:\s*([a-z0-9]+)")
_FONT_STYLE = re.compile(r"font-style\s*:\s*([a-z]+)")
_DECORATION = re.compile(r"text-decoration(?:-line)?\s*:\s*([a-z -]+)")
_FONT_SHORTHAND = re.compile(r"(?:^|;)\s*font\s*:\s*([^;]+)")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")


@dataclass(frozen=True, slots=True)
class _Style:
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(slots=True)
class _Run:
    text: str
    style: _Style


@dataclass(slots=True)
class _Cell:
    text: str
    runs: list[_Run]


@dataclass(slots=True)
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    cell_runs: list[_Run] | None = None


def normalize_ws(text: str) -> str:
    """Collapse every kind of whitespace (incl. &nbsp;) to one space; drop invisibles."""
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def _style_of(el: etree._Element, tag: str, parent: _Style) -> tuple[_Style, bool]:
    """The element's effective emphasis and whether it is hidden (display:none)."""
    bold = parent.bold or tag in _BOLD_TAGS or tag in _HEADING_TAGS
    italic = parent.italic or tag in _ITALIC_TAGS
    underline = parent.underline or tag in _UNDERLINE_TAGS
    css = el.get("style")
    if css:
        css = css.lower()
        if _DISPLAY_NONE.search(css):
            return parent, True
        if m := _WEIGHT.search(css):
            value = m.group(1)
            bold = value in ("bold", "bolder") or (value.isdigit() and int(value) >= 600)
        if m := _FONT_STYLE.search(css):
            italic = m.group(1) in ("italic", "oblique")
        if m := _DECORATION.search(css):
            underline = "underline" in m.group(1)
        if m := _FONT_SHORTHAND.search(css):
            # "font: italic bold 10pt Times" — the keywords precede the size.
            words = m.group(1).split()
            bold = bold or any(w in ("bold", "bolder", "600", "700", "800", "900") for w in words)
            italic = italic or "italic" in words or "oblique" in words
    return _Style(bold, italic, underline), False


def _emphasis(runs: list[_Run]) -> tuple[float, float, float, int]:
    """Fractions of non-space characters in bold/italic/underline and the length of the
    leading emphasised run (after whitespace normalisation)."""
    total = bold = italic = underline = 0
    prefix: list[str] = []
    in_prefix = True
    for run in runs:
        n = sum(map(len, run.text.split()))  # non-space characters (nbsp is space)
        total += n
        if run.style.bold:
            bold += n
        if run.style.italic:
            italic += n
        if run.style.underline:
            underline += n
        if in_prefix:
            st = run.style
            if st.bold or st.italic or st.underline or n == 0:
                prefix.append(run.text)
            else:
                in_prefix = False
    if total == 0:
        return 0.0, 0.0, 0.0, 0
    emph_prefix = len(normalize_ws("".join(prefix)))
    return (
        round(bold / total, 3),
        round(italic / total, 3),
        round(underline / total, 3),
        emph_prefix,
    )


def classify(text: str, tag: str, emphasis: float, in_list: bool) -> BlockKind:
    """Heading / list / paragraph from the text, the source tag and its emphasis."""
    if tag in _HEADING_TAGS:
        return "heading"
    if in_list or _BULLET_START.match(text):
        return "list"
    if emphasis >= 0.8 and len(text) <= 400 and any(ch.isalpha() for ch in text):
        return "heading"
    # 1990s filings set headings in plain capitals without any markup.
    if len(text) <= 120 and text.isupper() and sum(ch.isalpha() for ch in text) >= 4:
        return "heading"
    return "paragraph"


class _Collector:
    """Walks the lxml tree once, turning inline runs into blocks at block boundaries."""

    def __init__(self, drop_tables: bool) -> None:
        self.drop_tables = drop_tables
        self.blocks: list[Block] = []
        self.runs: list[_Run] = []
        self.block_tags: list[str] = []  # open block-level elements, innermost last
        self.list_depth = 0
        self.table: _Table | None = None
        self.table_depth = 0
        self.tables_dropped = 0

    # -- flow ---------------------------------------------------------------------
    def add_text(self, text: str | None, style: _Style) -> None:
        if not text:
            return
        target = self.table.cell_runs if self.table is not None else self.runs
        if target is not None:
            target.append(_Run(text, style))

    def flush(self) -> None:
        runs, self.runs = self.runs, []
        if self.table is not None:
            return
        text = normalize_ws("".join(r.text for r in runs))
        if not text:
            return
        self._emit(text, runs, self.block_tags[-1] if self.block_tags else "", self.list_depth > 0)

    def _emit(self, text: str, runs: list[_Run], tag: str, in_list: bool) -> None:
        bold, italic, underline, prefix = _emphasis(runs)
        kind = classify(text, tag, max(bold, italic, underline), in_list)
        self.blocks.append(Block(kind, text, bold, italic, underline, prefix, tag))

    # -- tables -------------------------------------------------------------------
    def start_table(self) -> None:
        self.table_depth += 1
        if self.table_depth == 1:
            self.flush()
            self.table = _Table()

    def start_row(self) -> None:
        if self.table is not None and self.table_depth == 1:
            self.table.rows.append([])

    def start_cell(self) -> None:
        if self.table is None:
            return
        if self.table_depth == 1:
            if not self.table.rows:
                self.table.rows.append([])
            self.table.cell_runs = []
        else:
            self.add_text(" ", _Style())  # nested table: its cells become words

    def end_cell(self) -> None:
        table = self.table
        if table is None or self.table_depth != 1 or table.cell_runs is None:
            return
        runs, table.cell_runs = table.cell_runs, None
        table.rows[-1].append(_Cell(normalize_ws("".join(r.text for r in runs)), runs))

    def end_table(self) -> None:
        self.table_depth -= 1
        if self.table_depth > 0 or self.table is None:
            return
        table, self.table = self.table, None
        self._emit_table(table)

    def _emit_table(self, table: _Table) -> None:
        rows = [[c for c in row if c.text] for row in table.rows]
        rows = [row for row in rows if row]
        if not rows:
            return

        def substantive(cell: _Cell) -> bool:
            return not _BULLET_MARK.match(cell.text)

        # Layout tables: a single row, or rows holding one piece of prose each (bullet
        # lists typeset as [marker | text]). They are text, not data.
        if len(rows) == 1 or all(sum(substantive(c) for c in row) <= 1 for row in rows):
            for row in rows:
                runs = [run for cell in row for run in ([*cell.runs, _Run(" ", _Style())])]
                text = " ".join(c.text for c in row)
                is_item = len(row) > 1 and not substantive(row[0])
                self._emit(text, runs, "td", is_item)
            return
        if self.drop_tables:
            self.tables_dropped += 1
            return
        all_runs = [run for row in rows for cell in row for run in cell.runs]
        bold, italic, underline, _ = _emphasis(all_runs)
        text = "\n".join(" | ".join(c.text for c in row) for row in rows)
        cells = [[c.text for c in row] for row in rows]
        self.blocks.append(Block("table", text, bold, italic, underline, 0, "table", cells))


def _walk(root: etree._Element, out: _Collector) -> None:
    """Depth-first walk with an explicit stack: malformed 1990s HTML (hundreds of unclosed
    <FONT> tags) can nest deeper than Python's recursion limit."""
    stack: list[tuple[Any, _Style, bool]] = [(root, _Style(), False)]
    while stack:
        el, parent_style, exiting = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if exiting:
            _end(tag, out)
            out.add_text(el.tail, parent_style)
            continue
        if not tag:  # comment or processing instruction: only its tail is text
            out.add_text(el.tail, parent_style)
            continue
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            out.add_text(el.tail, parent_style)
            continue
        style, hidden = _style_of(el, tag, parent_style)
        if hidden:
            out.add_text(el.tail, parent_style)
            continue
        _start(tag, out)
        out.add_text(el.text, style)
        stack.append((el, parent_style, True))
        stack.extend((child, style, False) for child in reversed(el))


def _start(tag: str, out: _Collector) -> None:
    if tag == "table":
        out.start_table()
    elif tag == "tr":
        out.start_row()
    elif tag in _CELL_TAGS:
        out.start_cell()
    elif tag == "br":
        out.add_text(" ", _Style())
    elif tag in _BLOCK_TAGS:
        if out.table is not None:
            out.add_text(" ", _Style())
            return
        out.flush()
        out.block_tags.append(tag)
        if tag == "li":
            out.list_depth += 1


def _end(tag: str, out: _Collector) -> None:
    tag = tag.lower()
    if tag == "table":
        out.end_table()
    elif tag in _CELL_TAGS:
        out.end_cell()
    elif tag in _BLOCK_TAGS and out.table is None:
        if out.block_tags and out.block_tags[-1] == tag:
            out.flush()
            out.block_tags.pop()
            if tag == "li":
                out.list_depth -= 1
    elif tag in _BLOCK_TAGS and out.table is not None:
        out.add_text(" ", _Style())


def drop_page_furniture(blocks: list[Block]) -> tuple[list[Block], int]:
    """Remove page numbers, "Table of Contents" back-links and running page footers such as
    "Apple Inc. | 2024 Form 10-K | 5": the same short line, differing only in the number at
    its start or end, on three or more pages. A repeated line *without* such a varying
    number ("Not applicable.", "See Note 5." once) is content and stays."""

    def template(b: Block) -> str | None:
        # Only a number at the very start or end can be a page number.
        if b.kind == "table" or len(b.text) > 100:
            return None
        shape = _EDGE_NUMBER.sub("#", b.text.lower())
        return shape if shape != b.text.lower() else None

    variants: dict[str, set[str]] = {}
    for b in blocks:
        if (shape := template(b)) is not None:
            variants.setdefault(shape, set()).add(b.text)
    footers = {shape for shape, texts in variants.items() if len(texts) >= 3}
    kept: list[Block] = []
    for b in blocks:
        if b.kind != "table" and (
            _PAGE_NUMBER.match(b.text) or _NAVIGATION.match(b.text) or template(b) in footers
        ):
            continue
        kept.append(b)
    return kept, len(blocks) - len(kept)


def _weighted(a: float, n_a: int, b: float, n_b: int) -> float:
    return round((a * n_a + b * n_b) / (n_a + n_b), 3)


def join_page_splits(blocks: list[Block]) -> tuple[list[Block], int]:
    """Re-join paragraphs a page break cut in two: once the page footer between them is
    gone, the second half starts in lower case right after a block with no final stop."""
    joined: list[Block] = []
    merges = 0
    for b in blocks:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and prev.kind == "paragraph"
            and b.kind == "paragraph"
            and b.text[:1].islower()
            and not prev.text.endswith((".", ":", ";", "?", "!", "”", '"'))
        ):
            n_prev, n_b = len(prev.text), len(b.text)
            prev.bold = _weighted(prev.bold, n_prev, b.bold, n_b)
            prev.italic = _weighted(prev.italic, n_prev, b.italic, n_b)
            prev.underline = _weighted(prev.underline, n_prev, b.underline, n_b)
            prev.text = f"{prev.text} {b.text}"
            merges += 1
            continue
        joined.append(b)
    return joined, merges


def html_to_blocks(html: str, *, drop_tables: bool = False) -> tuple[list[Block], dict[str, int]]:
    """Parse decoded HTML text into blocks; return them with counts for the run summary."""
    if "\x00" in html:
        raise ParseError("binary content (NUL bytes): not an HTML document")
    if not _HAS_TAG.search(html[:200_000]):
        raise ParseError("no HTML tags found: not an HTML document")
    # lxml refuses str input carrying an encoding declaration; we already decoded.
    html = _XML_PROLOG.sub("", html, count=1)
    # huge_tree lifts libxml2's default nesting limit of 256, which 1990s documents full
    # of unclosed <FONT> tags exceed; past the limit libxml2 silently drops the rest.
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML parser rejected the document: {exc}") from exc
    fatal = parser.error_log.filter_from_fatals()
    if fatal:
        # A fatal error truncates the tree: report it instead of returning half a filing.
        raise ParseError(f"HTML parser gave up (text would be lost): {fatal[0].message}")
    collector = _Collector(drop_tables)
    _walk(root, collector)
    collector.flush()
    blocks, furniture = drop_page_furniture(collector.blocks)
    blocks, page_joins = join_page_splits(blocks)
    if not blocks:
        raise ParseError("the document contains no text")
    counts = Counter(b.kind for b in blocks)
    stats = {
        "blocks": len(blocks),
        "headings": counts["heading"],
        "paragraphs": counts["paragraph"],
        "lists": counts["list"],
        "tables": counts["table"],
        "tables_dropped": collector.tables_dropped,
        "page_furniture_dropped": furniture,
        "page_split_paragraphs_joined": page_joins,
        "chars": sum(len(b.text) for b in blocks),
    }
    return blocks, stats


def parse_filing(
    raw: bytes, *, encoding_fallback: str = "cp1252", drop_tables: bool = False
) -> dict[str, Any]:
    """The parse stage's pure function: filing bytes → the parsed JSON document."""
    if not raw.strip():
        raise ParseError("empty file")
    decoded = decode_html(raw, encoding_fallback)
    blocks, stats = html_to_blocks(decoded.text, drop_tables=drop_tables)
    return {
        "schema": PARSED_SCHEMA,
        "encoding": {"used": decoded.encoding, "declared": decoded.declared},
        "stats": stats,
        "blocks": [b.to_dict() for b in blocks],
    }

"""Stage 2 (extract): parsed blocks → one 10-K Item (by default Item 1A, Risk Factors).

The section starts at an "Item 1A" heading and ends at the next heading of a *different*
Item (1B, 1C, 2, ...) or Part. The table of contents also names Item 1A; we skip it by
measuring how much text follows each candidate heading before the next Item heading:
TOC entries are followed by nothing (or a page number), the real heading by the section.
TOC tables never become candidates in the first place — headings are looked for in
non-table blocks only, and ``parse`` keeps multi-column tables (TOCs) as ``table`` blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sec_finetune.pipeline.blocks import Block

EXTRACTED_SCHEMA = "sec_finetune.extracted/1"

# "Item 1A.", "ITEM 1A:", "Item 1A — Risk Factors", "PART I, ITEM 1A", "ITEM 9A(T).", "Item 1 A."
_ITEM = re.compile(
    r"^(?:part\s+[iv]{1,3}\s*[,.:\-–—]?\s*)?item\s*(\d{1,2})\s?([a-d])?(?:\s*\(t\))?"
    r"(?=[\s.:\-–—)(]|$)",
    re.IGNORECASE,
)
_PART = re.compile(r"^part\s+(?:i{1,3}|iv)\b\.?\s*\S{0,40}$", re.IGNORECASE)
# "Item 1A of this report ..." is a cross-reference that happens to start a block.
_CROSS_REF = re.compile(r"^\W*(?:of|in|to|and|or|under|above|below|herein)\b", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(
    r"^(?:not applicable|none|n/a|omitted|not required|reserved|\[reserved\])\b.{0,120}$",
    re.IGNORECASE | re.DOTALL,
)

MAX_HEADING_CHARS = 250


@dataclass(frozen=True, slots=True)
class ItemHeading:
    index: int  # position in the block list
    item: str  # normalised id: "1a", "7", "9a"
    text: str


def item_id(block: Block) -> str | None:
    """The Item id a heading-like block announces, or None."""
    if block.kind == "table" or len(block.text) > MAX_HEADING_CHARS:
        return None
    if block.kind != "heading" and len(block.text) > 120:
        return None
    match = _ITEM.match(block.text)
    if match is None or _CROSS_REF.match(block.text[match.end() :]):
        return None
    return (match.group(1) + (match.group(2) or "")).lower()


def item_headings(blocks: list[Block]) -> list[ItemHeading]:
    """Every Item heading (and, as item "part", every PART heading) in document order."""
    found: list[ItemHeading] = []
    for i, block in enumerate(blocks):
        item = item_id(block)
        if item is not None:
            found.append(ItemHeading(i, item, block.text))
        elif block.kind == "heading" and _PART.match(block.text):
            found.append(ItemHeading(i, "part", block.text))
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int  # index of the heading block
    end: int  # index of the block that ends the section (exclusive)
    body_chars: int


def _candidates(blocks: list[Block], headings: list[ItemHeading], item: str) -> list[Candidate]:
    out: list[Candidate] = []
    for n, heading in enumerate(headings):
        if heading.item != item:
            continue
        # A repeated "Item 1A (continued)" heading is part of the section, not its end.
        end = next((h.index for h in headings[n + 1 :] if h.item != item), len(blocks))
        body = sum(len(b.text) for b in blocks[heading.index + 1 : end])
        out.append(Candidate(heading.index, end, body))
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def extract_section(
    blocks: list[Block],
    *,
    section: str = "1A",
    section_title: str = "Risk Factors",
    min_section_chars: int = 500,
) -> dict[str, Any]:
    """The extract stage's pure function. Always returns a result with a ``status``:

    ``ok``; ``not_applicable`` (e.g. smaller reporting companies: "Not applicable.");
    ``too_short`` (found, under ``min_section_chars``); ``empty_section``; or
    ``no_item_<id>`` when the filing has no such Item at all (every 10-K before FY2005
    for Item 1A) — an outcome to record, not an error.

    ``section_title`` only confirms the match (``title_matched``) and never selects a
    candidate: table-of-contents entries carry the title too.
    """
    item = section.lower().replace(" ", "")
    headings = item_headings(blocks)
    candidates = _candidates(blocks, headings, item)
    result: dict[str, Any] = {
        "schema": EXTRACTED_SCHEMA,
        "section": section,
        "items_found": sorted({h.item for h in headings if h.item != "part"}, key=_item_order),
        "candidates": [{"block": c.start, "body_chars": c.body_chars} for c in candidates],
    }
    if not candidates:
        result["status"] = f"no_item_{item}"
        return result
    # The longest body wins (TOC entries have none); on a tie the later one, since the
    # table of contents always precedes the section it lists.
    best = max(candidates, key=lambda c: (c.body_chars, c.start))
    heading = blocks[best.start].text
    body = blocks[best.start + 1 : best.end]
    title = _norm(section_title)
    title_matched = bool(title) and title in _norm(heading)
    # A heading split over two blocks ("ITEM 1A." / "RISK FACTORS") keeps its title line
    # out of the section text.
    if title and not title_matched and body and _norm(body[0].text) == title:
        heading = f"{heading} {body[0].text}"
        body = body[1:]
        title_matched = True
    text = "\n\n".join(b.text for b in body)
    if not text:
        status = "empty_section"
    elif len(text) < min_section_chars and _NOT_APPLICABLE.match(text):
        status = "not_applicable"
    elif len(text) < min_section_chars:
        status = "too_short"
    else:
        status = "ok"
    result.update(
        status=status,
        heading=heading,
        title_matched=title_matched,
        end_heading=blocks[best.end].text if best.end < len(blocks) else None,
        start_block=best.start,
        end_block=best.end,
        candidates_skipped=len(candidates) - 1,
        chars=len(text),
        text=text,
        blocks=[b.to_dict() for b in body],
    )
    return result


def _item_order(item: str) -> tuple[int, str]:
    digits = "".join(ch for ch in item if ch.isdigit())
    return (int(digits) if digits else 0, item)

"""Stage 3 (segment): an extracted Item 1A → one segment per risk factor.

Real filings announce each risk with a sub-heading set in bold and/or italics (AAPL 2024:
bold italic sentences under bold category headings such as "Macroeconomic and Industry
Risks"; GAINSCO 2009: italic sentences) or with a run-in emphasised lead sentence
("<b>We may need capital.</b> Our business ..."). The emphasis fractions recorded by
``parse`` are what makes this possible. Filings without such headings fall back to one
segment per paragraph. Lengths are then normalised: too-short segments are merged into a
neighbour, too-long ones split at sentence boundaries.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from sec_finetune.pipeline.blocks import Block
from sec_finetune.pipeline.tokens import split_sentences

SEGMENTED_SCHEMA = "sec_finetune.segmented/1"

SegmentKind = Literal["intro", "risk", "paragraph"]

_RUN_IN_END = re.compile(r"[.:!?—–]\s*$")
_PARAGRAPH_BREAK = "\n\n"
MIN_RUN_IN_CHARS = 15
MAX_CATEGORY_CHARS = 100


@dataclass(slots=True)
class Segment:
    kind: SegmentKind
    heading: str | None
    category: str | None
    body: list[str] = field(default_factory=list)
    first_block: int = 0
    last_block: int = 0
    merged: int = 0  # how many short neighbours were folded into this one
    lead: list[str] = field(default_factory=list)  # short predecessors merged in front

    @property
    def text(self) -> str:
        heading = [self.heading] if self.heading else []
        return _PARAGRAPH_BREAK.join([*self.lead, *heading, *self.body])


def _is_subheading(block: Block) -> bool:
    if block.kind == "heading":
        return True
    return block.kind == "paragraph" and block.emphasis >= 0.8 and len(block.text) <= 600


def _run_in_heading(block: Block) -> tuple[str, str] | None:
    """Split "<b>Lead sentence.</b> Body..." into (lead, body), if the block is one."""
    if block.kind != "paragraph" or block.emph_prefix < MIN_RUN_IN_CHARS:
        return None
    lead, rest = block.text[: block.emph_prefix].strip(), block.text[block.emph_prefix :].strip()
    if len(rest) < 20 or not _RUN_IN_END.search(lead):
        return None
    return lead, rest


def _is_category(block: Block, following: Block | None) -> bool:
    """A heading directly followed by another heading, short and without a final stop,
    labels a group of risks ("Business Risks") rather than being a risk itself."""
    return (
        following is not None
        and _is_subheading(following)
        and len(block.text) <= MAX_CATEGORY_CHARS
        and not block.text.rstrip().endswith(".")
    )


def _by_headings(blocks: list[Block]) -> list[Segment]:
    segments: list[Segment] = []
    category: str | None = None
    current: Segment | None = None
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        run_in = _run_in_heading(block)
        if _is_subheading(block) and _is_category(block, following):
            category = block.text
            current = None
            continue
        if _is_subheading(block) or run_in is not None:
            heading, body = run_in if run_in else (block.text, None)
            current = Segment("risk", heading, category, first_block=i, last_block=i)
            if body:
                current.body.append(body)
            segments.append(current)
            continue
        if current is None:  # text before the first risk heading
            current = Segment("intro", None, category, first_block=i, last_block=i)
            segments.append(current)
        current.body.append(block.text)
        current.last_block = i
    return segments


def _by_paragraphs(blocks: list[Block]) -> list[Segment]:
    return [Segment("paragraph", None, None, [b.text], i, i) for i, b in enumerate(blocks)]


def _merge_short(segments: list[Segment], min_chars: int) -> list[Segment]:
    """Fold each too-short segment into its predecessor (or, for the first, its successor)."""
    out: list[Segment] = []
    pending: Segment | None = None  # a short leading segment waiting for a successor
    for seg in segments:
        if pending is not None:
            seg.lead = [pending.text, *seg.lead]
            seg.first_block = pending.first_block
            seg.merged += pending.merged + 1
            pending = None
        if len(seg.text) >= min_chars:
            out.append(seg)
        elif out:
            prev = out[-1]
            prev.body.append(seg.text)
            prev.last_block = seg.last_block
            prev.merged += seg.merged + 1
        else:
            pending = seg
    if pending is not None:  # everything was short: keep what there is
        out.append(pending)
    return out


def _hard_wrap(sentence: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > max_chars:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces


def split_long(text: str, max_chars: int) -> list[str]:
    """Split at sentence boundaries into about equal parts, none longer than max_chars.
    Paragraph breaks inside a part are kept."""
    if len(text) <= max_chars:
        return [text]
    units: list[tuple[int, str]] = []  # (paragraph number, sentence)
    for n, paragraph in enumerate(p for p in text.split(_PARAGRAPH_BREAK) if p.strip()):
        for sentence in split_sentences(paragraph):
            pieces = _hard_wrap(sentence, max_chars) if len(sentence) > max_chars else [sentence]
            units.extend((n, piece) for piece in pieces)
    target = len(text) / math.ceil(len(text) / max_chars)
    parts: list[str] = []
    current, current_par = "", -1
    for n, sentence in units:
        separator = " " if n == current_par else _PARAGRAPH_BREAK
        joined = f"{current}{separator}{sentence}"
        if current and (len(joined) > max_chars or len(current) >= target):
            parts.append(current)
            current = sentence
        else:
            current = joined if current else sentence
        current_par = n
    if current:
        parts.append(current)
    return parts


def segment_section(
    blocks: list[Block], *, min_segment_chars: int = 200, max_segment_chars: int = 8000
) -> dict[str, Any]:
    """The segment stage's pure function: section blocks → risk segments."""
    if min_segment_chars > max_segment_chars:
        raise ValueError("min_segment_chars must not exceed max_segment_chars")
    has_headings = any(_is_subheading(b) or _run_in_heading(b) for b in blocks)
    raw = _by_headings(blocks) if has_headings else _by_paragraphs(blocks)
    merged = _merge_short(raw, min_segment_chars)
    records: list[dict[str, Any]] = []
    for seg in merged:
        parts = split_long(seg.text, max_segment_chars)
        for n, part in enumerate(parts, start=1):
            records.append(
                {
                    "index": len(records),
                    "kind": seg.kind,
                    "heading": seg.heading,
                    "category": seg.category,
                    "part": n,
                    "parts": len(parts),
                    "merged_segments": seg.merged,
                    "blocks": [seg.first_block, seg.last_block],
                    "chars": len(part),
                    "text": part,
                }
            )
    return {
        "schema": SEGMENTED_SCHEMA,
        "mode": "headings" if has_headings else "paragraphs",
        "stats": {
            "raw_segments": len(raw),
            "after_merge": len(merged),
            "segments": len(records),
            "risks": sum(1 for r in records if r["kind"] == "risk" and r["part"] == 1),
            "split_parts": sum(1 for r in records if r["part"] > 1),
        },
        "segments": records,
    }

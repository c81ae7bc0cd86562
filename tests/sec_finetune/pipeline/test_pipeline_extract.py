"""extract stage: finding Item 1A between headings, skipping the table of contents."""

from __future__ import annotations

from typing import Any

from sec_finetune.pipeline.blocks import Block
from sec_finetune.pipeline.extract import extract_section, item_id
from sec_finetune.pipeline.parse import parse_filing

BODY = (
    "Our business faces many risks. Competition is intense and could reduce our margins. "
    "Suppliers may fail to deliver components on time, which could delay our shipments. "
) * 4  # ~680 characters: comfortably over min_section_chars=500


def extract_html(html: str, **kwargs: Any) -> dict[str, Any]:
    blocks = [Block.from_dict(b) for b in parse_filing(html.encode())["blocks"]]
    return extract_section(blocks, **kwargs)


def test_toc_as_short_paragraphs_is_skipped_for_the_real_section() -> None:
    html = f"""
    <p><b>TABLE OF CONTENTS</b></p>
    <p>Item 1. Business 3</p><p>Item 1A. Risk Factors 7</p>
    <p>Item 1B. Unresolved Staff Comments 12</p><p>Item 2. Properties 12</p>
    <p><b>Item 1. Business</b></p><p>We make widgets.</p>
    <p><b>Item 1A. Risk Factors</b></p><p>{BODY}</p>
    <p><b>Item 1B. Unresolved Staff Comments</b></p><p>None.</p>
    <p><b>Item 2. Properties</b></p><p>We lease an office.</p>"""
    result = extract_html(html)
    assert result["status"] == "ok"
    assert result["heading"] == "Item 1A. Risk Factors"
    assert result["end_heading"] == "Item 1B. Unresolved Staff Comments"
    assert result["text"] == BODY.strip()
    assert result["candidates_skipped"] == 1 and result["title_matched"] is True
    assert len(result["candidates"]) == 2 and result["candidates"][0]["body_chars"] == 0


def test_toc_in_a_table_is_never_a_candidate() -> None:
    html = f"""
    <table><tr><td>Item 1A.</td><td>Risk Factors</td><td>5</td></tr>
    <tr><td>Item 2.</td><td>Properties</td><td>9</td></tr></table>
    <p><b>ITEM 1A: RISK FACTORS</b></p><p>{BODY}</p><p><b>ITEM 2: PROPERTIES</b></p>"""
    result = extract_html(html)
    assert result["status"] == "ok" and len(result["candidates"]) == 1
    assert result["end_heading"] == "ITEM 2: PROPERTIES"  # no Item 1B: next Item ends it


def test_section_ends_at_part_ii_when_no_item_heading_follows() -> None:
    html = f"<p><b>Item 1A. Risk Factors</b></p><p>{BODY}</p><p><b>PART II</b></p><p>Other.</p>"
    result = extract_html(html)
    assert result["end_heading"] == "PART II" and "Other." not in result["text"]


def test_item_1c_ends_the_section() -> None:
    html = f"""<p><b>Item 1A. Risk Factors</b></p><p>{BODY}</p>
    <p><b>Item 1C. Cybersecurity</b></p><p>We have a security program.</p>"""
    assert extract_html(html)["end_heading"] == "Item 1C. Cybersecurity"


def test_filing_without_item_1a_reports_no_item_1a() -> None:
    html = """<p><b>Item 1: Business</b></p><p>We sell dermatology products.</p>
    <p><b>Item 2: Properties</b></p><p>An office in Phoenix.</p>"""
    result = extract_html(html)
    assert result["status"] == "no_item_1a"
    assert result["items_found"] == ["1", "2"]
    assert "text" not in result


def test_not_applicable_and_too_short_are_distinct_outcomes() -> None:
    na = extract_html(
        "<p><b>ITEM 1A: RISK FACTORS</b></p><p>NOT APPLICABLE</p><p><b>ITEM 1B: NONE</b></p>"
    )
    assert (na["status"], na["text"]) == ("not_applicable", "NOT APPLICABLE")
    short = extract_html(
        "<p><b>Item 1A. Risk Factors</b></p><p>See Item 7 for a discussion of risks.</p>"
        "<p><b>Item 2. Properties</b></p>"
    )
    assert short["status"] == "too_short"
    assert (
        extract_html(
            "<p><b>Item 1A. Risk Factors</b></p><p>See Item 7.</p><p><b>Item 2. Properties</b></p>",
            min_section_chars=5,
        )["status"]
        == "ok"
    )


def test_cross_references_are_not_headings() -> None:
    def block(text: str, kind: str = "paragraph") -> Block:
        return Block(kind, text)  # type: ignore[arg-type]

    assert item_id(block("Item 1A. Risk Factors", "heading")) == "1a"
    assert item_id(block("ITEM 9A(T). CONTROLS AND PROCEDURES", "heading")) == "9a"
    assert item_id(block("PART I, ITEM 1A — RISK FACTORS", "heading")) == "1a"
    assert item_id(block("Item 1 Business", "heading")) == "1"
    assert item_id(block("Item 1A of this report describes the risks.")) is None
    assert item_id(block("Item 1A. Risk Factors\n2024 | 5", "table")) is None
    long_paragraph = "Item 1A. " + "The Company discusses many risks in this paragraph. " * 4
    assert item_id(block(long_paragraph)) is None


def test_heading_split_over_two_blocks_keeps_title_out_of_the_text() -> None:
    html = f"<p><b>ITEM 1A.</b></p><p><b>RISK FACTORS</b></p><p>{BODY}</p><p><b>ITEM 1B.</b></p>"
    result = extract_html(html)
    assert result["heading"] == "ITEM 1A. RISK FACTORS" and result["title_matched"] is True
    assert result["text"].startswith("Our business faces many risks.")


def test_continued_heading_does_not_end_the_section() -> None:
    html = f"""<p><b>Item 1A. Risk Factors</b></p><p>{BODY}</p>
    <p><b>Item 1A. Risk Factors (continued)</b></p><p>More risks follow here.</p>
    <p><b>Item 1B. Unresolved Staff Comments</b></p>"""
    result = extract_html(html)
    assert result["text"].endswith("More risks follow here.")
    assert result["end_heading"] == "Item 1B. Unresolved Staff Comments"


def test_other_sections_can_be_extracted() -> None:
    html = f"""<p><b>Item 7. Management's Discussion</b></p><p>{BODY}</p>
    <p><b>Item 7A. Market Risk</b></p><p>Rates.</p>"""
    result = extract_html(html, section="7", section_title="Management's Discussion")
    assert result["status"] == "ok" and result["end_heading"] == "Item 7A. Market Risk"

"""segment stage: one risk per segment from emphasised sub-headings; length normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from sec_finetune.pipeline.blocks import Block
from sec_finetune.pipeline.parse import parse_filing
from sec_finetune.pipeline.segment import segment_section, split_long
from sec_finetune.pipeline.tokens import split_sentences, words

PARA = "Demand for our products could decline in a recession, and our costs are largely fixed. "


def segments_of(html: str, **kwargs: Any) -> list[dict[str, Any]]:
    blocks = [Block.from_dict(b) for b in parse_filing(html.encode())["blocks"]]
    return segment_section(blocks, **kwargs)["segments"]


def test_bold_and_italic_subheadings_start_one_segment_per_risk() -> None:
    html = f"""<p>The risks below could harm us. {PARA * 2}</p>
    <p><b>We depend on a few suppliers.</b></p><p>{PARA * 3}</p><p>{PARA}</p>
    <p><i>Demand is cyclical.</i></p><p>{PARA * 3}</p>"""
    segs = segments_of(html)
    assert [(s["kind"], s["heading"]) for s in segs] == [
        ("intro", None),
        ("risk", "We depend on a few suppliers."),
        ("risk", "Demand is cyclical."),
    ]
    assert segs[1]["text"].startswith("We depend on a few suppliers.\n\nDemand for our")
    assert segs[1]["text"].count(PARA.strip()[:30]) == 4  # both body paragraphs


def test_category_headings_label_the_risks_below_them() -> None:
    html = f"""<p><b>Macroeconomic and Industry Risks</b></p>
    <p><b><i>The economy may slow.</i></b></p><p>{PARA * 3}</p>
    <p><b><i>Markets are competitive.</i></b></p><p>{PARA * 3}</p>
    <p><b>Legal Risks</b></p>
    <p><b><i>We may be sued.</i></b></p><p>{PARA * 3}</p>"""
    segs = segments_of(html)
    assert [(s["category"], s["heading"]) for s in segs] == [
        ("Macroeconomic and Industry Risks", "The economy may slow."),
        ("Macroeconomic and Industry Risks", "Markets are competitive."),
        ("Legal Risks", "We may be sued."),
    ]


def test_run_in_headings_are_split_from_their_paragraph() -> None:
    html = f"""<p><b>We may need additional capital.</b> {PARA * 3}</p>
    <p><b>Our stock price may be volatile.</b> {PARA * 3}</p>"""
    segs = segments_of(html)
    assert [s["heading"] for s in segs] == [
        "We may need additional capital.",
        "Our stock price may be volatile.",
    ]
    assert segs[0]["text"] == f"We may need additional capital.\n\n{(PARA * 3).strip()}"


def test_without_subheadings_each_paragraph_is_a_segment() -> None:
    html = f"<p>{PARA * 3}</p><p>{PARA * 4}</p>"
    result = segment_section([Block.from_dict(b) for b in parse_filing(html.encode())["blocks"]])
    assert result["mode"] == "paragraphs"
    assert [s["kind"] for s in result["segments"]] == ["paragraph", "paragraph"]


def test_too_short_segments_are_merged_into_a_neighbour() -> None:
    html = f"""<p>Short intro.</p>
    <p><b>Risk one.</b></p><p>{PARA * 3}</p>
    <p><b>Risk two.</b></p><p>Tiny body.</p>
    <p><b>Risk three.</b></p><p>{PARA * 3}</p>"""
    segs = segments_of(html, min_segment_chars=200)
    # The short intro joins the following risk, the short "Risk two" the preceding one.
    assert [s["heading"] for s in segs] == ["Risk one.", "Risk three."]
    assert segs[0]["text"].startswith("Short intro.\n\nRisk one.")
    assert "Risk two.\n\nTiny body." in segs[0]["text"]
    assert segs[0]["merged_segments"] == 2
    assert all(s["chars"] >= 200 for s in segs)


def test_too_long_segments_are_split_at_sentence_boundaries() -> None:
    sentences = [f"Sentence number {n} explains one more aspect of this risk." for n in range(60)]
    html = f"<p><b>A long risk.</b></p><p>{' '.join(sentences)}</p>"
    segs = segments_of(html, min_segment_chars=100, max_segment_chars=1000)
    assert len(segs) == 4 and {s["parts"] for s in segs} == {4}
    assert [s["part"] for s in segs] == [1, 2, 3, 4]
    assert all(s["heading"] == "A long risk." for s in segs)
    assert all(s["chars"] <= 1000 for s in segs)
    assert segs[0]["text"].startswith("A long risk.\n\nSentence number 0 ")
    for s in segs:  # every part starts and ends at a sentence boundary
        body = s["text"].removeprefix("A long risk.\n\n")
        assert body.startswith("Sentence number ") and body.endswith(" risk.")
    rejoined = " ".join(s["text"] for s in segs).removeprefix("A long risk.\n\n")
    assert rejoined.split() == " ".join(sentences).split()


def test_a_single_overlong_sentence_is_wrapped_at_spaces() -> None:
    text = "word " * 500
    parts = split_long(text.strip(), 300)
    assert all(len(p) <= 300 for p in parts) and " ".join(parts).split() == text.split()


def test_min_above_max_is_rejected() -> None:
    with pytest.raises(ValueError, match="min_segment_chars"):
        segment_section([], min_segment_chars=500, max_segment_chars=100)


def test_sentence_splitter_knows_filing_abbreviations() -> None:
    text = (
        "Robert W. Stallings is our CEO. Sales in the U.S. rose 5.2% to $1.3 billion. "
        "We rely on Apple Inc. and others, e.g. carriers. “Is this a risk?” Yes!\n\n"
        "• a bullet without a full stop"
    )
    assert split_sentences(text) == [
        "Robert W. Stallings is our CEO.",
        "Sales in the U.S. rose 5.2% to $1.3 billion.",
        "We rely on Apple Inc. and others, e.g. carriers.",
        "“Is this a risk?”",
        "Yes!",
        "• a bullet without a full stop",
    ]


def test_words_keep_apostrophes_and_drop_numbers() -> None:
    assert words("The Company’s long-term debt of $5.2 billion isn't 2024's.") == [
        "The", "Company’s", "long", "term", "debt", "of", "billion", "isn't", "s",
    ]  # fmt: skip

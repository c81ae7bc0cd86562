"""parse stage: decoding and HTML → ordered blocks, on small hand-written documents."""

from __future__ import annotations

import pytest

from sec_finetune.pipeline.decode import declared_encoding, decode_html, fix_c1_controls
from sec_finetune.pipeline.parse import ParseError, parse_filing


def blocks_of(html: str | bytes, **kwargs: object) -> list[dict[str, object]]:
    raw = html.encode("utf-8") if isinstance(html, str) else html
    return parse_filing(raw, **kwargs)["blocks"]  # type: ignore[arg-type]


def texts(html: str | bytes, **kwargs: object) -> list[str]:
    return [str(b["text"]) for b in blocks_of(html, **kwargs)]


# ------------------------------------------------------------------ decoding


def test_raw_windows_1252_bytes_are_decoded_as_cp1252() -> None:
    raw = b"<P>The Company\x92s \x93growth\x94 \x96 slowed.</P>"
    assert decode_html(raw).encoding == "cp1252"
    assert texts(raw) == ["The Company’s “growth” – slowed."]


def test_numeric_references_in_the_c1_range_mean_windows_1252() -> None:
    html = "<P>Registrant&#146;s &#147;shares&#148; &#150; &#151; &#x92;</P>"
    assert texts(html) == ["Registrant’s “shares” – — ’"]
    # Whatever the HTML parser does with them, stray C1 controls are re-mapped.
    assert fix_c1_controls("a\x92b\x81c") == "a’bc"


def test_utf8_wins_over_a_wrong_ascii_declaration() -> None:
    raw = "<?xml version='1.0' encoding='ASCII'?><html><body><p>café ’</p></body></html>"
    encoded = raw.encode("utf-8")
    assert declared_encoding(encoded) == "ascii"
    assert decode_html(encoded).encoding == "utf-8"
    assert texts(encoded) == ["café ’"]


# ------------------------------------------------------------------ HTML generations


def test_1990s_uppercase_html_with_font_and_unclosed_paragraphs() -> None:
    html = """<HTML><BODY>
    <P ALIGN="left"><B>Item&nbsp;1:&nbsp;&nbsp;<I>Business</I></B>
    <P><FONT SIZE="2">Medicis is a pharmaceutical company. It sells
    products.</FONT>
    <P><FONT SIZE=2>ITEM 2. PROPERTIES</FONT>
    </BODY></HTML>"""
    blocks = blocks_of(html)
    assert [(b["kind"], b["text"]) for b in blocks] == [
        ("heading", "Item 1: Business"),
        ("paragraph", "Medicis is a pharmaceutical company. It sells products."),
        ("heading", "ITEM 2. PROPERTIES"),  # plain capitals, no markup
    ]
    assert blocks[0]["bold"] == 1.0 and 0 < float(blocks[0]["italic"]) < 1  # type: ignore[arg-type]


def test_inline_styles_set_emphasis() -> None:
    html = """<div><span style="font-weight:700">Bold heading here</span></div>
    <p style='font:bold 10pt Times New Roman'>Shorthand bold</p>
    <p><span style="font-style:italic;font-weight:400">An italic risk heading.</span></p>
    <p><span style="text-decoration:underline">Underlined</span> and then a long plain tail
    that is not emphasised at all, so the paragraph is a paragraph.</p>
    <p style="font-weight:bold"><span style="font-weight:normal">Not bold after all</span></p>"""
    blocks = blocks_of(html)
    assert [b["kind"] for b in blocks] == [
        "heading",
        "heading",
        "heading",
        "paragraph",
        "paragraph",
    ]
    assert blocks[0]["bold"] == 1.0 and blocks[1]["bold"] == 1.0
    assert blocks[2]["italic"] == 1.0 and blocks[2]["bold"] == 0.0
    assert blocks[3]["emph_prefix"] == len("Underlined")
    assert blocks[4]["bold"] == 0.0


def test_inline_xbrl_prolog_ix_tags_and_hidden_header_do_not_leak() -> None:
    html = """<?xml version='1.0' encoding='ASCII'?>
    <html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL">
    <head><title>aapl-20240928</title></head><body>
    <div style="display:none"><ix:header><ix:hidden>
      <ix:nonNumeric name="dei:AmendmentFlag">false</ix:nonNumeric></ix:hidden>
      <ix:resources><xbrli:context id="c-1"><xbrli:entity>
      <xbrli:identifier scheme="http://www.sec.gov/CIK">0000320193</xbrli:identifier>
      </xbrli:entity></xbrli:context></ix:resources></ix:header></div>
    <div><span style="font-weight:700">Apple Inc.</span></div>
    <div><span>Fiscal year ended <ix:nonNumeric name="dei:DocumentPeriodEndDate"
      contextRef="c-1">September 28, 2024</ix:nonNumeric>.</span></div>
    </body></html>"""
    found = texts(html)
    assert found == ["Apple Inc.", "Fiscal year ended September 28, 2024."]
    joined = " ".join(found)
    for leaked in ("false", "0000320193", "aapl-20240928"):
        assert leaked not in joined


def test_layout_tables_are_unpacked_and_data_tables_kept() -> None:
    html = """
    <table><tr><td width="12%"><b>ITEM&nbsp;1A.</b></td><td><b>RISK FACTORS</b></td></tr></table>
    <table>
      <tr><td>&#149;</td><td>competitive conditions for our product are significant;</td></tr>
      <tr><td>&#149;</td><td>new business produces higher claim ratios.</td></tr>
    </table>
    <table>
      <tr><td></td><td>2024</td><td>2023</td></tr>
      <tr><td>Net sales</td><td>$ 391,035</td><td>$ 383,285</td></tr>
    </table>"""
    blocks = blocks_of(html)
    assert [(b["kind"], b["text"]) for b in blocks] == [
        ("heading", "ITEM 1A. RISK FACTORS"),
        ("list", "• competitive conditions for our product are significant;"),
        ("list", "• new business produces higher claim ratios."),
        ("table", "2024 | 2023\nNet sales | $ 391,035 | $ 383,285"),
    ]
    assert blocks[3]["rows"] == [["2024", "2023"], ["Net sales", "$ 391,035", "$ 383,285"]]
    assert texts(html, drop_tables=True)[-1] == "• new business produces higher claim ratios."


def test_lists_and_headings_tags() -> None:
    html = (
        "<h2>Overview</h2><ul><li>first point</li><li>second point</li></ul><p>• typed bullet</p>"
    )
    assert [(b["kind"], b["text"]) for b in blocks_of(html)] == [
        ("heading", "Overview"),
        ("list", "first point"),
        ("list", "second point"),
        ("list", "• typed bullet"),
    ]


def test_page_furniture_is_dropped_but_repeated_content_stays() -> None:
    pages = "".join(
        f"<p>Body text of page {n} ends here.</p><p>Apple Inc. | 2024 Form 10-K | {n}</p>"
        f"<p>{n}</p><p><a href='#toc'>Table of Contents</a></p><p>Not applicable.</p>"
        for n in range(1, 5)
    )
    found = texts(pages)
    assert found == [
        t for n in range(1, 5) for t in (f"Body text of page {n} ends here.", "Not applicable.")
    ]


@pytest.mark.parametrize("page", ["7", "- 7 -", "Page 7", "F-7", "iv", "xii", "—"])
def test_page_numbers_are_dropped(page: str) -> None:
    assert texts(f"<p>Body.</p><p>{page}</p>") == ["Body."]


@pytest.mark.parametrize("word", ["Civil", "civil", "ill", "I", "2024", "LIX"])
def test_short_words_and_years_are_not_page_numbers(word: str) -> None:
    assert texts(f"<p>Body.</p><p>{word}</p>") == ["Body.", word]


def test_paragraph_cut_by_a_page_break_is_rejoined() -> None:
    html = (
        "<p>The Company sells widgets to</p><p>12</p>"
        "<p>manufacturers worldwide.</p><p>Next one.</p>"
    )
    assert texts(html) == ["The Company sells widgets to manufacturers worldwide.", "Next one."]


def test_deeply_nested_markup_does_not_hit_the_recursion_limit() -> None:
    # Deeper than both libxml2's default limit (256) and Python's recursion limit (1000).
    html = "<p>" + "<font>" * 1500 + "Deep text." + "</font>" * 1500 + "</p><p>After.</p>"
    assert texts(html) == ["Deep text.", "After."]


def test_nesting_beyond_the_parser_limit_is_an_error_not_silent_truncation() -> None:
    html = "<p>" + "<font>" * 2100 + "deep" + "</font>" * 2100 + "</p><p>after</p>"
    with pytest.raises(ParseError, match="Excessive depth"):
        parse_filing(html.encode())


def test_comments_scripts_and_styles_are_not_text() -> None:
    html = "<p>a<!-- hidden comment -->b<script>var x = 1;</script><style>p{}</style>c</p>"
    assert texts(html) == ["abc"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty file"),
        (b"   \n  ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<p>", "NUL bytes"),
        (b"just some plain text without any markup", "no HTML tags"),
        (b"<html><body><p>   </p></body></html>", "no text"),
    ],
)
def test_unparseable_inputs_raise_parse_error(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_filing(raw)


def test_parse_output_carries_stats_and_encoding() -> None:
    doc = parse_filing(b"<p><b>PART I</b></p><p>Text.</p>")
    assert doc["schema"] == "sec_finetune.parsed/1"
    assert doc["encoding"] == {"used": "utf-8", "declared": None}
    assert doc["stats"]["blocks"] == 2 and doc["stats"]["headings"] == 1

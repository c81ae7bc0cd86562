"""One Markdown pass per note (issue 21): what the parser finds, where, and the cases the old
line scanners got wrong, seen through every reader (titles, relations, code references, runs)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from factories import mkdocs_yml
from hypothesis import given
from hypothesis import strategies as st
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.core.checks import build_note
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.links import Origin, body_references
from mkdocs_thoughts.core.markdown_scan import scan_body
from mkdocs_thoughts.core.markdown_scan_model import BodyScan, LinkKind
from mkdocs_thoughts.core.notes import Note, first_heading
from mkdocs_thoughts.git.code_refs import _MARKERS, RefSyntax, find_candidates
from mkdocs_thoughts.runs.citations import references
from mkdocs_thoughts.site.note_links import LinkEdit, rewrite_links
from treeutil import write_tree

NAME = "2025-12-02_12-00-00_note.md"
FRONT = "---\ndate: 2025-12-02T12:00:00+00:00\nresearcher: Ada\n---\n"
"""A note whose body starts on line 5 (no topic: its title is its first heading)."""
BODY_LINE = 5


def note(tmp_path: Path, body: str) -> Note:
    return build_note(tmp_path / NAME, NAME, NAME, "research", FRONT + body, ThoughtsSettings())


def links(body: str) -> list[tuple[LinkKind, str, int, int]]:
    scan = scan_body(body)
    return [(link.kind, link.target, link.target_line, link.target_column) for link in scan.links]


# --- what the scan finds ----------------------------------------------------------------------


def test_headings_code_blocks_and_html_blocks() -> None:
    body = "# One #\n\n````md\n```\n# fenced\n```\n````\n\n    # indented\n\n"
    body += "<div>\n# html\n</div>\n\n> # quoted\n\nTwo\n===\n"
    scan = scan_body(body)
    assert [(h.level, h.text, h.line, h.nested) for h in scan.headings] == [
        (1, "One", 1, False),
        (1, "quoted", 15, True),
        (1, "Two", 17, False),
    ]
    assert scan.code_blocks == ((3, 7), (9, 9))
    assert scan.html_blocks == ((11, 13),)
    assert scan.headings[2].last_line == 18


def test_links_of_every_form_with_their_columns() -> None:
    body = (
        "See [a [b]](x.md), [c](a_(b).md) and [d](<e f.md> 'title').\n"
        "Also [g][r], <../plans/h.md>, <https://example.com> and ![i](i.png).\n"
        "\n"
        "[r]: r.md\n"
        "> [s]:\n"
        ">   <s t.md>\n"
    )
    assert links(body) == [
        (LinkKind.INLINE, "x.md", 1, 13),
        (LinkKind.INLINE, "a_(b).md", 1, 24),
        (LinkKind.INLINE, "e f.md", 1, 42),
        (LinkKind.REFERENCE, "r.md", 2, 6),
        (LinkKind.AUTOLINK, "../plans/h.md", 2, 15),
        (LinkKind.AUTOLINK, "https://example.com", 2, 32),
        (LinkKind.INLINE, "i.png", 2, 62),
        (LinkKind.DEFINITION, "r.md", 4, 6),
        (LinkKind.DEFINITION, "s t.md", 6, 5),
    ]
    assert scan_body(body).links[-3].image


def test_code_spans_and_what_is_not_a_link() -> None:
    body = "`[a](x.md)` and ``a ` b`` in [`c`](y.md)\n\n```\n[f](f.md) `g`\n```\n"
    scan = scan_body(body)
    assert [(scan.span_text(s), s.line, s.column, s.in_link) for s in scan.code_spans] == [
        ("`[a](x.md)`", 1, 1, False),
        ("``a ` b``", 1, 17, False),
        ("`c`", 1, 31, True),
    ]
    assert [link.target for link in scan.links] == ["y.md"]


def test_positions_in_lists_quotes_tables_and_continuations() -> None:
    body = (
        "- item [a](a.md)\n"
        "  continued [b](b.md)\n"
        "   > quoted `c`\n"
        "\n"
        "| x | [d](d.md) |\n"
        "|---|---|\n"
        "| `e` | f |\n"
    )
    scan = scan_body(body)
    lines = body.split("\n")
    for link in scan.links:
        assert lines[link.target_line - 1][link.target_column - 1 :].startswith(link.target)
        assert body[link.start : link.end].startswith("[")
    for span in scan.code_spans:
        assert lines[span.line - 1][span.column - 1 :].startswith(scan.span_text(span))
    assert [(link.line, link.column) for link in scan.links] == [(1, 8), (2, 13), (5, 7)]
    assert [(span.line, span.column) for span in scan.code_spans] == [(3, 13), (7, 3)]


def test_a_table_cell_with_escaped_pipes_keeps_its_code_and_links() -> None:
    body = "| a | b |\n|---|---|\n| `x/y` | `a \\| b` and [l](c\\|d.md) |\n"
    scan = scan_body(body)
    row = body.split("\n")[2]
    assert [(span.column, scan.span_text(span)) for span in scan.code_spans] == [
        (3, "`x/y`"),
        (row.index("`a") + 1, "`a \\| b`"),
    ]
    assert [(link.target, link.target_column) for link in scan.links] == [
        ("c\\|d.md", row.index("c\\|") + 1)
    ]


def test_prose_lines_blank_markup_links_and_code() -> None:
    body = "- see [x](src/a.py) and `src/b.py` then src/c.py:3\n\n| src/d.py | y |\n|-|-|\n"
    assert list(scan_body(body).prose_lines()) == [
        (1, "  see " + " " * 13 + " and " + " " * 10 + " then src/c.py:3"),
        (3, "  src/d.py   y  "),
    ]


def test_prose_lines_having_keeps_the_lines_it_finds_something_in() -> None:
    body = "plain words\n\n`a/b` only\n\nsee x/y here\n\n[t](u/v) and more\n"
    scan = scan_body(body)
    every = list(scan.prose_lines())
    assert len(every) == 4
    assert list(scan.prose_lines(re.compile("/"))) == [every[2]]


def _blanked_by_characters(scan: BodyScan) -> list[tuple[int, str]]:
    """The definition of prose_lines, one character at a time."""
    lines = scan.body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    kept: dict[int, list[str]] = {}
    for line, start, end in scan.prose:
        chars = kept.setdefault(line, [" "] * len(lines[line - 1]))
        for offset in range(start, end):
            chars[offset - starts[line - 1]] = scan.body[offset]
    blanks = [(link.start, link.end) for link in scan.links if link.kind is not LinkKind.DEFINITION]
    blanks += [(span.start, span.end) for span in scan.code_spans]
    for start, end in blanks:
        for offset in range(start, end):
            line = scan.body.count("\n", 0, offset) + 1
            if line in kept and scan.body[offset] != "\n":
                kept[line][offset - starts[line - 1]] = " "
    return [(line, "".join(chars)) for line, chars in kept.items()]


@given(
    st.lists(
        st.sampled_from(
            [
                "word ",
                "src/a.py:3 ",
                "`x/y`",
                "[a `b/c` d](e/f)",
                "![i](j/k)",
                "| c/d | e |",
                "\n",
                "\n\n",
                "- ",
                "> ",
                "# ",
                "<b>x</b>",
                "\\`",
                "[r]",
                "\n[r]: s/t\n",
                "#L3",
                "#",
                "L",
                ">/",
                "a:b",
                "\t",
            ]
        ),
        max_size=30,
    )
)
def test_prose_lines_blank_exactly_what_the_definition_blanks(words: list[str]) -> None:
    scan = scan_body("".join(words))
    assert list(scan.prose_lines()) == _blanked_by_characters(scan)
    # With the markers of code references, the lines of those that hold one: the note's
    # prose is searched at once first, and that search must miss no line.
    having = [(line, text) for line, text in _blanked_by_characters(scan) if _MARKERS.search(text)]
    assert list(scan.prose_lines(_MARKERS)) == having


# --- the cases the line scanners got wrong (issue 21) -----------------------------------------


def test_a_heading_inside_a_four_backtick_fence_is_not_the_title(tmp_path: Path) -> None:
    body = "````md\n```sh\n# not the title\n```\n````\n\n# The title\n"
    assert first_heading(body) == "The title"
    assert note(tmp_path, body).title == "The title"


@pytest.mark.parametrize(
    ("written", "target", "column"),
    [
        ("see [a [b]](other.md) here", "other.md", 13),  # nested brackets
        ("see [x][r] here\n\n[r]: other.md", "other.md", 6),  # reference link: at its definition
        ("see <other.md> here", "other.md", 6),  # a note path in angle brackets
        ("see [x](a_(b).md) here", "a_(b).md", 9),  # parentheses in the target
        ("see [x](<a (b).md>) here", "a (b).md", 9),
    ],
)
def test_links_the_line_scanners_missed_are_relations(
    tmp_path: Path, written: str, target: str, column: int
) -> None:
    (found,) = body_references(note(tmp_path, written + "\n"))
    assert (found.origin, found.value.text) == (Origin.LINK, target)
    line = BODY_LINE + (2 if "[r]:" in written else 0)
    assert (found.value.at.line, found.value.at.column) == (line, column)


def test_code_references_in_the_forms_the_line_scanners_missed() -> None:
    body = (
        "[see [the] parser](../../../src/a_(b).py#L3) and `src/c.py:4`\n"
        "````\n```\nsrc/fenced.py:1\n```\n````\n"
        "    src/indented.py:2\n"
        "[r]: ../../../src/d.py\n"
    )
    found = find_candidates(body, "thoughts/shared/research/n.md")
    assert [(c.syntax, c.alternatives[0], c.line, c.column, c.text) for c in found] == [
        (
            RefSyntax.LINK,
            "src/a_(b).py",
            1,
            1,
            "[see [the] parser](../../../src/a_(b).py#L3)",
        ),
        (RefSyntax.CODE, "src/c.py", 1, 50, "`src/c.py:4`"),
    ]


def test_run_links_read_the_same_links(tmp_path: Path) -> None:
    run = "data/interim/parsed/20260105_140307_parse_ab12cd3"
    body = f"[the [run]]({run}) and `{run}/out.json`\n\n````\n```\n[no]({run}x)\n```\n````\n"
    found = [(r.text, r.origin.value, r.line, r.column) for r in references(note(tmp_path, body))]
    # A line's mentions come before its links, as before.
    assert found == [
        (f"{run}/out.json", "mention", BODY_LINE, body.index("`") + 2),
        (run, "link", BODY_LINE, 13),
    ]


def test_rewritten_links_keep_everything_else(tmp_path: Path) -> None:
    body = "[a [b]](x.md) `[c](x.md)` [d](<x.md>)\n\n[r]: x.md\n\n```\n[e](x.md)\n```\n"
    rewritten = rewrite_links(body, [LinkEdit("x.md", "../y.md")])
    assert rewritten == body.replace("(x.md)", "(../y.md)", 1).replace(
        "<x.md>", "<../y.md>"
    ).replace("[r]: x.md", "[r]: ../y.md")


# --- hostile input stays linear -----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "[a](b " * 20_000,
        "[" * 20_000 + "](x.md)",
        "[a](<" * 20_000 + ".md",
        "> " * 5_000 + "[a](x.md)",
        "- " * 5_000 + "[a](x.md)",
        "`" * 20_000 + "a",
        "".join("`" * (n % 31 + 1) + "a" for n in range(20_000)),
        "[`a` " * 20_000,
        "<" * 20_000 + "x.md>",
        "```\n" + "# comment\n" * 100_000 + "```\n# Title\n",
        ("[a](x.md) `b` " * 10 + "\n") * 2_000,
    ],
    ids=[
        "open-links",
        "brackets",
        "angles",
        "quotes",
        "lists",
        "ticks",
        "tick-runs",
        "open-labels",
        "lt",
        "fence",
        "long",
    ],
)
def test_pathological_bodies_parse_in_linear_time(body: str) -> None:
    started = time.perf_counter()
    scan = scan_body(body)
    list(scan.prose_lines())
    find_candidates(scan, "thoughts/n.md")
    # Generous for a shared machine; the quadratic versions took minutes.
    assert time.perf_counter() - started < 10, body[:20]


# --- one truth: the check and the site say the same ---------------------------------------------


def test_the_check_reports_the_fixed_links_where_they_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "# Links\n\n[a [b]](gone-a.md) [c][r] <gone-c.md> [d](gone_(d).md)\n\n[r]: gone-b.md\n"
    note_text = (
        "---\ndate: 2025-12-02T12:00:00+00:00\nresearcher: Ada\ngit_commit: 3d801c3\n"
        "branch: main\nrepository: r\ntopic: Links\ntags: [x]\nstatus: complete\n---\n" + body
    )
    root = write_tree(
        tmp_path,
        {
            "mkdocs.yml": mkdocs_yml("      check_commits: false\n"),
            "thoughts/shared/research/" + NAME: note_text,
        },
    )
    main(["check", "--format", "json", "--config", str(root / "mkdocs.yml")])
    checked = [
        (d["code"], d["line"], d["column"])
        for d in json.loads(capsys.readouterr().out or "[]")
        if d["code"] == "TH314"
    ]
    assert checked == [("TH314", 13, 9), ("TH314", 13, 28), ("TH314", 13, 43), ("TH314", 15, 6)]


def test_links_are_rewritten_in_a_body_the_code_links_changed() -> None:
    body = "[a](x.md) `src/a.py` [b](x.md)\n\n[c](x.md) and\n[d](\nx.md)\n"
    scan = scan_body(body)
    changed = body.replace("`src/a.py`", "[`src/a.py`](https://h/a.py) <span>m</span>")
    edits = [LinkEdit("x.md", "y.md")]
    # The changed line is read again; the others are rewritten where the scan found them.
    assert rewrite_links(changed, edits, scan) == changed.replace("(x.md)", "(y.md)").replace(
        "\nx.md)", "\ny.md)"
    )
    assert rewrite_links(body, edits, scan) == rewrite_links(body, edits)


def test_carriage_returns_keep_lines_and_offsets() -> None:
    # Windows line ends, and a lone carriage return (which a CommonMark parser alone would read as
    # a line break): lines are counted as every other reader counts them, at `\n`.
    body = "# T\r\n\r\nsee [x](a.md)\rand [y](b.md)\n`c`\n"
    assert [(target, line, column) for _, target, line, column in links(body)] == [
        ("a.md", 3, 9),
        ("b.md", 3, 23),
    ]
    scan = scan_body(body)
    assert [body[link.target_start : link.target_end] for link in scan.links] == ["a.md", "b.md"]
    assert [(span.line, span.column) for span in scan.code_spans] == [(4, 1)]


def test_prose_is_cut_into_lines_on_first_read_carriage_returns_as_spaces() -> None:
    # `thoughts check` reads the links and code spans alone: a scan keeps each block's inline
    # text whole and cuts it into lines only for a reader of prose (the code references).
    body = "> a \r\n> b\rc  \r\n\r\n- d\t\r\n  e\n"
    scan = scan_body(body)
    assert scan._prose is None
    assert [(line, body[start:end]) for line, start, end in scan.prose] == [
        (1, "a"),
        (2, "b\rc"),
        (4, "d"),
        (5, "e"),
    ]
    assert scan == scan_body(body)  # having read it changes no comparison


def test_positions_are_characters_after_text_outside_ascii() -> None:
    # The parser counts UTF-8 bytes; every reader counts characters.
    body = "Données — voir [é](é.md) et `ç/a.py`\n> ∑ [r][ñ]\n\n[ñ]: <ñ x.md>\n"
    scan = scan_body(body)
    assert [(link.kind, link.target, body[link.start : link.end]) for link in scan.links] == [
        (LinkKind.INLINE, "é.md", "[é](é.md)"),
        (LinkKind.REFERENCE, "ñ x.md", "[r][ñ]"),
        (LinkKind.DEFINITION, "ñ x.md", "[ñ]: <ñ x.md>"),
    ]
    assert [scan.span_text(span) for span in scan.code_spans] == ["`ç/a.py`"]
    assert [(span.line, span.column) for span in scan.code_spans] == [(1, 29)]


@given(
    st.lists(
        st.sampled_from(
            [
                "word ",
                "été ",
                "日本 ",
                "`x/é.py`",
                "`a/b`",
                "[é](ñ.md)",
                "[a](b.md)",
                "\n",
                "\n\n",
                "- ",
                "> ",
                "# ",
                "| c | `d` |\n|---|---|\n",
                "ç\n===\n",
                "<ñ.md>",
                "[r]\n\n[r]: é.md\n",
            ]
        ),
        max_size=40,
    )
)
def test_positions_are_the_same_whatever_letters_a_line_holds(words: list[str]) -> None:
    """Non-ASCII letters in place of ASCII ones move no position: the parser's byte offsets
    become the same character offsets, on lines with and without such letters."""
    body = "".join(words)
    ascii_body = body.translate(str.maketrans("éñç日本", "encab"))
    scan, ascii_scan = scan_body(body), scan_body(ascii_body)

    def positions(scan: BodyScan) -> tuple[object, ...]:
        return (
            [(h.level, h.line, h.last_line, h.nested, h.setext) for h in scan.headings],
            [
                (
                    k.kind,
                    k.start,
                    k.end,
                    k.target_start,
                    k.target_end,
                    k.line,
                    k.column,
                    k.target_line,
                    k.target_column,
                )
                for k in scan.links
            ],
            scan.code_spans,
            scan.code_blocks,
            scan.html_blocks,
            scan.prose,
        )

    assert positions(scan) == positions(ascii_scan)


def test_a_cell_starting_with_an_escaped_pipe_is_prose_from_its_backslash() -> None:
    body = "| a | b |\n|---|---|\n| \\|x\\| | src/y.py |\n"
    pieces = [body[start:end] for line, start, end in scan_body(body).prose if line == 3]
    assert pieces == ["\\|x\\|", "src/y.py"]


def test_a_lone_surrogate_does_not_stop_the_scan() -> None:
    # Text read with `surrogateescape` holds characters UTF-8 cannot encode.
    body = "see [x](a.md) \udcff `c`\n"
    scan = scan_body(body)
    assert [link.target for link in scan.links] == ["a.md"]
    assert [scan.span_text(span) for span in scan.code_spans] == ["`c`"]

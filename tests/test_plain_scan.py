"""The C reader of plain chunks (``_plainscan.c``) gives exactly the parser's scans (issue 17).

Each test compares :func:`scan_body` (plain chunks read in C, the rest by the parser) with
:func:`parse_body` (the parser alone), field by field: on the real notes of three repositories,
on this repository's notes, on generated notes, and on generated Markdown made of the
constructs where the two readings could part (fences in and out of lists, emphasis at the end
of a block, brackets, backtick runs, tables, HTML, tabs, text outside ASCII).
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_thoughts.core import markdown_scan
from mkdocs_thoughts.core.markdown_scan import parse_body, scan_body
from mkdocs_thoughts.core.markdown_scan_model import BodyScan
from treeutil import CORPORA, REPO_ROOT, needs_corpora

from hack.notegen import generate

FIELDS = ("headings", "links", "code_spans", "code_blocks", "html_blocks", "runs")


def assert_same_scan(body: str) -> None:
    ours, parsers = scan_body(body), parse_body(body, markdown_scan._parseable(body))
    for name in FIELDS:
        assert getattr(ours, name) == getattr(parsers, name), (name, body[:200])


def bodies(folder: Path) -> list[str]:
    """Each note whole and without its frontmatter."""
    found = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [text, text.split("\n---\n", 1)[-1]]
    return found


def plain(body: str) -> object:
    assert markdown_scan._plain_scan is not None
    return markdown_scan._plain_scan(markdown_scan._parseable(body))


def test_the_c_reader_is_built_where_a_c_compiler_is() -> None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the parser reads every body")
    assert markdown_scan._plain_scan is not None, "pip install -e ./plugins builds _plainscan.c"


needs_reader = pytest.mark.skipif(
    markdown_scan._plain_scan is None, reason="installed without a C compiler"
)


@needs_reader
def test_generated_notes_are_read_in_c_alone_to_the_parsers_scans(tmp_path: Path) -> None:
    generate(tmp_path, 300)
    for body in bodies(tmp_path):
        assert_same_scan(body)
        without_frontmatter = not body.startswith("---")
        if without_frontmatter:
            scanned = plain(body)
            assert scanned is not None and scanned[4] is None, "every chunk is plain"


@needs_reader
def test_this_repositorys_notes_scan_as_the_parser_scans_them() -> None:
    for body in bodies(REPO_ROOT / "thoughts"):
        assert_same_scan(body)


@needs_reader
@needs_corpora()
@pytest.mark.parametrize(
    "corpus", ["lightfastai__lightfast", "nikeyes__stepwise-dev", "robertlupo1997__ferroml"]
)
def test_real_notes_scan_as_the_parser_scans_them(corpus: str) -> None:
    found = bodies(CORPORA / corpus)
    read_in_c = 0
    for body in found:
        assert_same_scan(body)
        read_in_c += plain(body) is not None
    assert read_in_c > len(found) / 2, "most real notes have plain chunks"


@needs_reader
@pytest.mark.parametrize(
    ("body", "left_to_the_parser"),
    [
        ("# Title\n\nText with `code` and [a](b.md).\n\n- one\n- two `x`\n", False),
        ("Steps:\n1. read `a`\n2. write [b](c.md)\nlazily\n\n***\n\n- x\n1) y\n", False),
        ("- a `x`\n  - b [c](d.md)\n    - e\n  more\n\n  a second paragraph of a\n- f\n", False),
        # Four columns in from its item's text, a line after a blank one is code.
        ("- a\n\n      code `x`\n\ntext\n", True),
        # `2.` after text is text, not an item: left to the parser, as a setext underline is.
        ("Text\n2. more text `x`\n\nA heading\n---\n", True),
        # The fence in the item ends with it, where the next chunk starts: not at the body's end.
        ("- ```\n  code\n\n\ntext `x`\n\n| a |\n|---|\n", True),
        # An image in a link comes before the link in the parser's order; it stays so.
        ("Plain [a](b.md).\n\n[![i](i.png)](c.md) and [d](e.md)\n\n- [f](g.md)\n", True),
        ("Text\n\n```\n\nnot a chunk `x`\n\n```\n\nafter `y`\n", True),
        ("A closing mark ends the run before it: *em*\n\nplain\n", True),
        # A fence in an item, closed as far in: it ends there however the item is read.
        ("1. step\n\n   ```\n   code\n\n   ```\n\ntext `x`\n\n- [a](b.md)\n", True),
        ("Text `é`, [ü](ö.md) — and `x`\n\n# Ünïcode `y`\n\n| a |\n|---|\n", True),
    ],
)
def test_chunks_read_in_c_and_by_the_parser_are_put_back_in_body_order(
    body: str, left_to_the_parser: bool
) -> None:
    scanned = plain(body)
    assert scanned is not None
    assert (scanned[4] is not None) is left_to_the_parser
    assert_same_scan(body)


@needs_reader
@pytest.mark.parametrize(
    "body",
    [
        "[r]: https://example.com\n\nText [r].\n",  # a definition serves every chunk
        "<details>\n\n```\n\ntext\n",  # an HTML block: its end is not a blank line
        "1. step\n\n   ```\n   code\n\ntext\n   ```\n",  # a fence in an item, or not?
        "a\tb\x00\n",
    ],
)
def test_bodies_whose_chunks_cannot_be_told_apart_are_left_to_the_parser(body: str) -> None:
    assert plain(body) is None
    assert_same_scan(body)


STARTS = [
    "", "", "", "# ", "## ", "###### ", "####### ", "#", "- ", "* ", "+ ", "-", "1. ", "2) ",
    "> ", "  ", "    ", "\t", "```", "```py", "~~~", "  ```", "---", "***", "___", "===",
    "- - -", "<div>", "| a |", "|---|", "[r]: /u", "- # ", "- > ", "- 1. ", "- ```", "-  x",
    "  - ", "    - ", "   - ", "   ", "  1. ", "  # ", "  * ",
]  # fmt: skip
WORDS = [
    "risk", "filing", "é", "—", "10-K", "a.b", "__init__", "*em*", "**b**", "_e_", "`a`",
    "``b`c``", "`", "``", "```", "[l](t.md)", "[`c`](../c.py#L1)", "[l]", "[l](a b)", "[l](<a>)",
    "(x)", "![i](p.png)", "&amp;", "R&D", "~", "=", "*", "_", "[", "]", "\u00a0", "\U0001f600",
    "src/x.py:1-3", "[a `]` b](c)", "`[a](b)`", "\\", "\\*", "<", "<x.md>", "|", "\t", "  ",
]  # fmt: skip
line = st.builds(
    lambda start, words: start + " ".join(words),
    st.sampled_from(STARTS),
    st.lists(st.sampled_from(WORDS), max_size=7),
)


@needs_reader
@settings(max_examples=400, deadline=None)
@given(st.lists(line, min_size=1, max_size=14), st.sampled_from(["", "\n", "\n\n", "  "]))
def test_generated_markdown_scans_as_the_parser_scans_it(lines: list[str], end: str) -> None:
    assert_same_scan("\n".join(lines) + end)


def test_the_fallback_gives_the_same_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "# T\n\nText `a` [b](c.md)\n\n```\nx\n```\n"
    with_reader = scan_body(body)
    monkeypatch.setattr(markdown_scan, "_plain_scan", None)
    without: BodyScan = scan_body(body)
    assert [getattr(without, name) for name in FIELDS] == [
        getattr(with_reader, name) for name in FIELDS
    ]

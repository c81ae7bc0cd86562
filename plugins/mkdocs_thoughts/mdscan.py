"""What several readers of note bodies need from Markdown: prose lines outside fenced code,
code spans, and inline link targets. Line-based and regular-expression cheap, not a parser."""

from __future__ import annotations

import re
from collections.abc import Iterator

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
CODE_SPAN = re.compile(r"(`+)([^`\n]+?)\1(?!`)")
# Linear on any line: a label holds no bracket but one nested pair (`[see [1]](x.md)`), an angle
# target no `<`, and a title is quoted or parenthesised, so no failed attempt rescans the rest of
# the line (20,000 `[a](b ` took 19 s with an open-ended title).
INLINE_LINK = re.compile(
    r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*+\]"
    r"\(\s*(<[^<>\n]*>|[^\s()<>]+)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)


def prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """Lines outside fenced code blocks, numbered from 1 (an unclosed fence runs to the end)."""
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        opening = FENCE.match(line)
        if fence is None:
            if opening:
                fence = opening[1]
                continue
            yield number, line
        elif (
            opening
            and opening[1][0] == fence[0]
            and len(opening[1]) >= len(fence)
            and not opening[2].strip()  # a closing fence carries no info string
        ):
            fence = None


def without_code_spans(line: str) -> str:
    """The line with its code spans blanked (columns kept): a link there is an example."""
    return CODE_SPAN.sub(lambda span: " " * len(span[0]), line)

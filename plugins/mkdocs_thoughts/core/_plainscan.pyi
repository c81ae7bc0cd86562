"""The C reader of plain note bodies (_plainscan.c); see markdown_scan.scan_body."""

from .markdown_scan_model import CodeSpan, Heading, LinkKind, MarkdownLink

Rest = tuple[str, tuple[int, ...], tuple[int, ...]]
"""The body with the chunks read blanked, where the chunks left to the parser start (offsets),
where they end (1-based lines)."""
PlainScan = tuple[
    tuple[Heading, ...],
    tuple[MarkdownLink, ...],
    tuple[CodeSpan, ...],
    tuple[tuple[int, int], ...],
    Rest | None,
]

def configure(
    span: type[CodeSpan], link: type[MarkdownLink], heading: type[Heading], inline: LinkKind, /
) -> None: ...
def scan(text: str, /) -> PlainScan | None: ...

"""The unit every stage after ``parse`` works on: an ordered text block with its kind.

A block keeps the typographic hints later stages rely on: risk sub-headings in real
10-Ks are told apart from body text only by bold/italic/underline, so ``parse`` records
how much of a block is emphasised instead of throwing the markup away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "table", "list"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("heading", "paragraph", "table", "list")


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    # Fractions (0..1) of the block's non-space characters set in bold / italic / underline.
    bold: float = 0.0
    italic: float = 0.0
    underline: float = 0.0
    # Length of the leading emphasised run: a "run-in" heading such as
    # "<b>Competition.</b> We face ..." has emph_prefix == len("Competition.").
    emph_prefix: int = 0
    tag: str = ""
    rows: list[list[str]] | None = field(default=None)

    @property
    def emphasis(self) -> float:
        """The strongest of the three emphasis fractions."""
        return max(self.bold, self.italic, self.underline)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "bold": self.bold,
            "italic": self.italic,
            "underline": self.underline,
            "emph_prefix": self.emph_prefix,
            "tag": self.tag,
        }
        if self.rows is not None:
            data["rows"] = self.rows
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        kind = data["kind"]
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {kind!r}")
        return cls(
            kind=kind,
            text=str(data["text"]),
            bold=float(data.get("bold", 0.0)),
            italic=float(data.get("italic", 0.0)),
            underline=float(data.get("underline", 0.0)),
            emph_prefix=int(data.get("emph_prefix", 0)),
            tag=str(data.get("tag", "")),
            rows=data.get("rows"),
        )

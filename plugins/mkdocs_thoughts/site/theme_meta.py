"""What a note hands to the theme through ``page.meta``: a short list of fields, escaped.

MkDocs and Material print ``page.meta`` values into pages without autoescaping, and read keys
that change how a page is built (``template``, ``status``, ``icon``, ``subtitle``...). So a
note's frontmatter is never copied there: only the fields below, validated and escaped.
"""

from __future__ import annotations

from typing import Any

from ..core.escaping import meta_text, page_title
from ..core.notes import Note

HIDE_VALUES = frozenset({"navigation", "toc", "footer", "feedback", "tags", "path"})
"""What Material's ``hide:`` accepts: anything else is dropped."""


def theme_meta(note: Note, title: str, tags: list[str]) -> dict[str, Any]:
    """``title`` and ``tags`` (validated, escaped), and ``description``, ``hide`` and
    ``search: {exclude: ...}`` when a note sets them to something the theme can use."""
    meta: dict[str, Any] = {"title": page_title(title), "tags": [meta_text(tag) for tag in tags]}
    fields = note.frontmatter.fields if note.frontmatter is not None else {}
    description = fields.get("description")
    if description is not None and isinstance(description.value, str):
        meta["description"] = meta_text(description.value)
    hide = fields.get("hide")
    if hide is not None and isinstance(hide.value, list):
        meta["hide"] = [
            value for value in hide.value if isinstance(value, str) and value in HIDE_VALUES
        ]
    search = fields.get("search")
    if search is not None and isinstance(search.value, dict):
        exclude = search.value.get("exclude")
        if isinstance(exclude, bool):
            meta["search"] = {"exclude": exclude}
    return meta

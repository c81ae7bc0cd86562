"""HTML for generated pages and note headers, from Jinja2 templates with autoescaping.

Every value that comes from a note passes through autoescaping; the templates never mark note
text as safe.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .site import css_token, tag_anchor
from .urls import relative_url


def _plain_slugify(text: str, separator: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator)


class Renderer:
    def __init__(
        self,
        *,
        tags_url: str = "tags/",
        slugify: Callable[[str, str], str] = _plain_slugify,
    ) -> None:
        self.env = Environment(
            loader=PackageLoader("mkdocs_thoughts", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._page_url = ""
        # `rel` reads the page being rendered from the renderer rather than from the template
        # context, so the shared macros can be imported once instead of re-run with each render.
        self.env.filters["rel"] = self._rel
        self.env.filters["css"] = css_token
        self.env.globals["tag_url"] = functools.lru_cache(maxsize=None)(
            lambda tag: f"{tags_url}#{tag_anchor(tag, slugify)}"
        )

    def render(self, template: str, page_url: str, **context: Any) -> str:
        """Render ``template`` for the page at the site-root URL ``page_url``."""
        self._page_url = page_url
        return self.env.get_template(template).render(page_url=page_url, **context)

    def _rel(self, url: str | None) -> str:
        """A site-root URL as a link relative to the page being rendered."""
        if url is None:
            return ""
        return relative_url(url, self._page_url)

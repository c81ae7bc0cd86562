"""HTML for generated pages and note headers, from Jinja2 templates with autoescaping.

Every value that comes from a note passes through autoescaping; the templates never mark note
text as safe.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

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
        tag_anchor: Callable[[str], str] = lambda tag: tag_anchor(tag, _plain_slugify),
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
        # context, so templates need no page argument threaded through every helper.
        self.env.filters["rel"] = self._rel
        self.env.filters["css"] = css_token
        self.tag_url = functools.lru_cache(maxsize=None)(
            lambda tag: f"{tags_url}#{tag_anchor(tag)}"
        )
        # The pieces every listing repeats for thousands of rows, as Python: a Jinja macro call
        # costs several times more than the markup it makes.
        self.env.globals.update(
            tag_url=self.tag_url,
            status_badge=status_badge,
            note_link=self.note_link,
            tag_links=self.tag_links,
            commit=commit_code,
            commit_code=commit_code,
            card=self.card,
        )

    def render(self, template: str, page_url: str, **context: Any) -> str:
        """Render ``template`` for the page at the site-root URL ``page_url``."""
        self._page_url = page_url
        return self.env.get_template(template).render(page_url=page_url, **context)

    def note_link(self, row: Any) -> Markup:
        if row.url is None:
            return escape(row.title)
        return Markup('<a href="{}">{}</a>').format(self._rel(row.url), row.title)

    def tag_links(self, tags: list[str]) -> Markup:
        return Markup(" ").join(
            Markup('<a class="th-tag" href="{}">{}</a>').format(self._rel(self.tag_url(tag)), tag)
            for tag in tags
        )

    def card(self, row: Any) -> Markup:
        meta = row.day + (f" · {row.researcher}" if row.researcher else "")
        if row.tags:
            meta += " · " + ", ".join(row.tags)
        return Markup('<div class="th-card">{}<div class="th-card__meta">{}</div></div>').format(
            self.note_link(row), meta
        )

    def _rel(self, url: str | None) -> str:
        """A site-root URL as a link relative to the page being rendered."""
        if url is None:
            return ""
        return relative_url(url, self._page_url)


@functools.lru_cache(maxsize=256)
def status_badge(status: str | None) -> Markup:
    if not status:
        return Markup('<span class="th-status th-status--none">no status</span>')
    return Markup('<span class="th-status th-status--{}">{}</span>').format(
        css_token(status), status
    )


def commit_code(item: Any) -> Markup:
    """The short SHA of a note row or a run's commit mapping, linked when there is a link."""
    if isinstance(item, Mapping):
        short_sha, url = item.get("short_sha"), item.get("commit_url")
    else:
        short_sha, url = item.short_sha, item.commit_url
    if not short_sha:
        return Markup("")
    if url:
        return Markup('<a class="th-sha" href="{}"><code>{}</code></a>').format(url, short_sha)
    return Markup('<code class="th-sha">{}</code>').format(short_sha)

"""HTML for generated pages and note headers, from the Jinja2 templates ``thoughts/*.html``, and
the pieces they repeat for every note (rows, cards, links), built in Python.

The templates are found on the theme's search path, where the plugin adds its own folder last: a
site overrides one by putting a file of the same name under ``custom_dir`` (``overrides/thoughts/
note_header.html``), as Material's tags plugin lets a site override its ``fragments/tags/``.
They render in an overlay of the theme's environment (its loader, filters and translations)
with autoescaping on for every template, overridden ones included: MkDocs' own environment does
not autoescape, and a site's template must not be able to forget it.

Every value that comes from a note is escaped: by autoescaping in the templates, which never mark
note text as safe, and by ``esc`` in the Python pieces.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, Template
from markupsafe import Markup

from ..core.escaping import SEPARATOR, css_token, esc, markup, slug
from .urls import relative_url

__all__ = ["TEMPLATE_DIR", "Renderer", "commit_code", "esc", "page_environment", "status_badge"]

TEMPLATE_DIR = Path(__file__).parent / "templates"
"""The folder the plugin adds to the theme's search path; its templates are in ``thoughts/``."""
TEMPLATE_FOLDER = "thoughts"
_OPTIONS: dict[str, Any] = {
    # An environment policy, not a tag in each template: a site's override is escaped too.
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    # Templates do not change during a build; without this, every render would stat its file.
    "auto_reload": False,
}


def page_environment(
    theme_env: Environment | None = None, *, search_path: Sequence[Path | str] = ()
) -> Environment:
    """Where the templates render: an overlay of the theme's environment (given to the plugin's
    ``on_env``, its search path holding :data:`TEMPLATE_DIR` last), or, without MkDocs (the
    export), an environment over ``search_path`` (the theme's folders, ``custom_dir`` first)
    and :data:`TEMPLATE_DIR`."""
    if theme_env is None:
        folders = [str(folder) for folder in search_path]
        if str(TEMPLATE_DIR) not in folders:
            folders.append(str(TEMPLATE_DIR))
        return Environment(loader=FileSystemLoader(folders), **_OPTIONS)
    env = theme_env.overlay(**_OPTIONS)
    # An overlay shares its parent's filter and global tables: copies keep the helpers below
    # out of the theme's own templates.
    env.filters = dict(theme_env.filters)
    env.globals = dict(theme_env.globals)
    return env


class Renderer:
    def __init__(
        self,
        env: Environment | None = None,
        *,
        tags_url: str = "tags/",
        tag_anchor: Callable[[str], str] = lambda tag: f"tag:{slug(tag)}",
    ) -> None:
        self.page_url = ""
        """The site-root URL of the page being made: what `rel` and the helpers link from."""
        self.tag_url = functools.lru_cache(maxsize=None)(
            lambda tag: f"{tags_url}#{tag_anchor(tag)}"
        )
        self.use(env if env is not None else page_environment())

    def use(self, env: Environment) -> None:
        """Render with ``env`` from now on (the plugin has the theme's only from ``on_env``)."""
        self.env = env
        self.templates: dict[str, Template] = {}
        # `rel` reads the page being rendered from the renderer rather than from the template
        # context, so templates need no page argument threaded through every helper.
        env.filters["rel"] = self.rel
        env.filters["css"] = css_token
        # MkDocs' own `url` reads the page from the template context, which these templates do
        # not have (a site's override using it failed with KeyError 'page'); the export has no
        # MkDocs environment at all.
        env.filters["url"] = self.url
        # The pieces every listing repeats for thousands of rows, as Python: a Jinja macro call
        # costs several times more than the markup it makes.
        env.globals.update(
            status_badge=status_badge,
            note_link=self.note_link,
            commit_code=commit_code,
            tag_links=self.tag_links,
            cards=self.cards,
            listing_rows=self.listing_rows,
            dated_links=self.dated_links,
            row_items=self.row_items,
        )

    def render(self, template: str, page_url: str, **context: Any) -> str:
        """Render ``thoughts/<template>`` for the page at the site-root URL ``page_url``."""
        self.page_url = page_url
        found = self.templates.get(template)
        if found is None:
            found = self.templates[template] = self.env.get_template(
                f"{TEMPLATE_FOLDER}/{template}"
            )
        return found.render(page_url=page_url, **context)

    # These helpers build their markup with f-strings around esc(): Markup.format goes
    # through string.Formatter in pure Python, and was half the time of a 3,000-row listing.
    def note_link(self, row: Any) -> Markup:
        if row.url is None:
            return markup(esc(row.title))
        return markup(f'<a href="{esc(self.rel(row.url))}">{esc(row.title)}</a>')

    def tag_links(self, tags: list[str]) -> Markup:
        return markup(
            " ".join(
                f'<a class="th-tag" href="{esc(self.rel(self.tag_url(tag)))}">{esc(tag)}</a>'
                for tag in tags
            )
        )

    def card(self, row: Any) -> Markup:
        meta = esc(row.day) + (SEPARATOR + esc(row.researcher) if row.researcher else "")
        if row.tags:
            meta += SEPARATOR + esc(", ".join(row.tags))
        return markup(
            f'<div class="th-card">{self.note_link(row)}'
            f'<div class="th-card__meta">{meta}</div></div>'
        )

    def cards(self, rows: Iterable[Any]) -> Markup:
        """A card per note, one a line (a column of the status board)."""
        return markup("".join(f"{self.card(row)}\n" for row in rows))

    def dated_links(self, rows: Iterable[Any]) -> Markup:
        """``<li>`` per note: its link and day (a tag's list on the tags page)."""
        return markup(
            "".join(f"<li>{self.note_link(row)} <small>{esc(row.day)}</small></li>" for row in rows)
        )

    def row_items(self, rows: Iterable[Any]) -> Markup:
        """``<li>`` per note, one a line: day, type, link and status (researcher pages)."""
        return markup(
            "".join(
                f"<li>{SEPARATOR.join((esc(row.day), esc(row.type_title), self.note_link(row)))}"
                f" {status_badge(row.status)}</li>\n"
                for row in rows
            )
        )

    def listing_rows(self, rows: Iterable[Any]) -> Markup:
        """A row per note, one a line (a month of an index table)."""
        return markup("\n".join(self.listing_row(row) for row in rows))

    def listing_row(self, row: Any) -> Markup:
        """A note's row in an index table; its data-* attributes are what thoughts.js filters
        and sorts by."""
        if row.inferred:
            flag = (
                ' <span class="th-flag" title="no frontmatter: date and title inferred">'
                "inferred</span>"
            )
        elif row.problem_count:
            problems = f"{row.problem_count} problem" + "s" * (row.problem_count != 1)
            flag = f' <span class="th-flag" title="see the report">{problems}</span>'
        else:
            flag = ""
        tags = json.dumps(row.tags, ensure_ascii=False)
        return markup(
            f'<tr class="th-row{" th-row--inferred" if row.inferred else ""}" '
            f'data-month="{esc(row.month)}" data-day="{esc(row.sort_key)}" '
            f'data-title="{esc(row.title)}" data-status="{esc(row.status or "")}" '
            f'data-researcher="{esc(row.researcher or "")}" data-tags="{esc(tags)}">\n'
            f"<td>{esc(row.day)}</td>\n"
            f"<td>{self.note_link(row)}{flag}</td>\n"
            f"<td>{status_badge(row.status)}</td>\n"
            f"<td>{self.tag_links(row.tags)}</td>\n"
            f"<td>{esc(row.researcher or '')}</td>\n"
            f"<td>{commit_code(row)}</td>\n"
            "</tr>"
        )

    def rel(self, url: str | None) -> str:
        """A site-root URL as a link relative to the page being made."""
        if url is None:
            return ""
        return relative_url(url, self.page_url)

    def url(self, value: object) -> str:
        """MkDocs' ``url`` filter for these templates: a path from the site's root as a link
        from the page being made; a URL with a scheme or host, ``/...`` or ``#...`` unchanged."""
        text = str(value)
        parts = urlsplit(text)
        if text.startswith(("/", "#")) or parts.scheme or parts.netloc:
            return text
        return self.rel(text)


@functools.lru_cache(maxsize=256)
def status_badge(status: str | None) -> Markup:
    if not status:
        return markup('<span class="th-status th-status--none">no status</span>')
    return markup(
        f'<span class="th-status th-status--{esc(css_token(status))}">{esc(status)}</span>'
    )


def commit_code(item: Any) -> Markup:
    """The short SHA of a note row or a run's commit mapping, linked when there is a link."""
    if isinstance(item, Mapping):
        short_sha, url = item.get("short_sha"), item.get("commit_url")
    else:
        short_sha, url = item.short_sha, item.commit_url
    if not short_sha:
        return markup("")
    if url:
        return markup(f'<a class="th-sha" href="{esc(url)}"><code>{esc(short_sha)}</code></a>')
    return markup(f'<code class="th-sha">{esc(short_sha)}</code>')

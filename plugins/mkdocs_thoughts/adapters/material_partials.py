"""Material's pieces that show nothing of the page, rendered once per build or per folder.

Material renders the search box, the repository link, the icon styles, the logo, the
back-to-top button, the copyright and the social links into every page, and the ``<head>``
styles, fonts and analytics, the ``__config`` script (a dozen translations as JSON) and the
script tags: the same HTML on every page, up to its links, for about 2% of a build. These pieces
read the site's configuration, the theme's features and translations, icons, and URLs made
relative to the page (``| url``, ``base_url``); none reads anything else of the page. So:

- the partials :data:`CONSTANT_PARTIALS`, which hold no relative URL (the repository link is
  absolute), are rendered once per build;
- the logo and the script setting the site's scope (:data:`LINKING_PARTIALS`), and the blocks
  :data:`LINKING_BLOCKS` of ``base.html``, are rendered once per group of pages that write
  every link alike (:class:`~.nav_cache.LinkGroups`, as the nav).

The header (:data:`TITLED_PARTIAL`) shows one thing of the page besides its links, its title:
it is rendered once per link group with a stand-in for the title, and each page gets that
rendering with its own title in place of the stand-in (as Material prints it: unescaped, as
MkDocs' templates are not autoescaped).

Only Material's own files are changed: a partial or ``base.html`` of the site's own
(``custom_dir``) may show anything about the page and is left alone (the header too when a
partial it includes is the site's), and a block the site overrides in its ``main.html`` is its
own (Material's then runs only through ``super()``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from .nav_cache import MATERIAL_TEMPLATES, LinkGroups, RenderFunction, is_within

CONSTANT_PARTIALS = (
    "partials/search.html",
    "partials/source.html",
    "partials/icons.html",
    "partials/top.html",
    "partials/copyright.html",
    "partials/social.html",
    "partials/javascripts/content.html",
)
"""Partials whose HTML depends only on the configuration, the features and the language."""

LINKING_PARTIALS = ("partials/logo.html", "partials/javascripts/base.html")
"""Partials whose HTML also depends on the page, but only through its links."""

LINKING_BLOCKS = ("styles", "libs", "fonts", "analytics", "config", "scripts")
"""Blocks of ``base.html`` whose HTML also depends on the page, but only through its links."""

TITLED_PARTIAL = "partials/header.html"
"""The header: the logo's link, the search box, the repository link, and the page's title."""

HEADER_INCLUDES = (
    "partials/logo.html",
    "partials/palette.html",
    "partials/javascripts/palette.html",
    "partials/alternate.html",
    "partials/search.html",
    "partials/source.html",
    "partials/tabs.html",
)
"""What the header includes: rendered with it, so all must be Material's own."""

_TITLE = "\ue002thoughts:title\ue003"
"""The stand-in for the page title (private-use characters: in no site's text)."""

_Key = Callable[[jinja2.runtime.Context], tuple[Any, ...] | None]


def render_material_pieces_once(
    env: jinja2.Environment, site_urls: Iterable[str], material_dir: Path = MATERIAL_TEMPLATES
) -> int:
    """Make ``env`` render Material's :data:`CONSTANT_PARTIALS` once per build, and its
    :data:`LINKING_PARTIALS` and :data:`LINKING_BLOCKS` once per link group of ``site_urls``;
    returns how many pieces (none with another theme, nor for a file the site overrides)."""
    groups = LinkGroups(site_urls)

    def link_group(context: jinja2.runtime.Context) -> tuple[Any, ...] | None:
        page = context.get("page")
        # Theme pages such as 404.html have no page: their links are absolute. A piece the
        # header includes sees the header's stand-in, which links as its page does.
        url = page.links_as if type(page) is _TitleOnly else getattr(page, "url", None)
        group = groups.of(url) if url is not None else None
        return None if group is None else (group, *_settings(context))

    kept = 0
    for names, key in ((CONSTANT_PARTIALS, _settings), (LINKING_PARTIALS, link_group)):
        for name in names:
            template = _material_template(env, name, material_dir)
            if template is not None:
                # Jinja's include runs the included template's root function with the
                # including context.
                template.root_render_func = _rendered_once(template.root_render_func, key)
                kept += 1
    header = _material_template(env, TITLED_PARTIAL, material_dir)
    if header is not None and not env.autoescape and _all_material(env, material_dir):

        def header_group(context: jinja2.runtime.Context) -> tuple[Any, ...] | None:
            # Sticky tabs are part of the header, and they mark the page's own section.
            return None if "navigation.tabs.sticky" in _features(context) else link_group(context)

        header.root_render_func = _rendered_with_title(header, header_group)
        kept += 1
    base = _material_template(env, "base.html", material_dir)
    if base is not None:
        for name in LINKING_BLOCKS:
            if name in base.blocks:
                # A page's context takes its blocks from here (after its own template's).
                base.blocks[name] = _rendered_once(base.blocks[name], link_group)
                kept += 1
    return kept


def _material_template(
    env: jinja2.Environment, name: str, material_dir: Path
) -> jinja2.Template | None:
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        return None
    return template if is_within(template.filename, material_dir) else None


def _all_material(env: jinja2.Environment, material_dir: Path) -> bool:
    return all(_material_template(env, name, material_dir) is not None for name in HEADER_INCLUDES)


def _features(context: jinja2.runtime.Context) -> tuple[str, ...]:
    return tuple(context.get("features") or ())


def _settings(context: jinja2.runtime.Context) -> tuple[Any, ...]:
    """What the pieces read besides URLs, as a key: a plugin that builds the site again in
    another language or with other features in the same environment gets renderings of its
    own."""
    theme = getattr(context.get("config"), "theme", None)
    return (str(theme.get("language")) if theme is not None else None, _features(context))


def _rendered_once(render: RenderFunction, key_of: _Key) -> RenderFunction:
    renderings: dict[tuple[Any, ...], str] = {}

    def render_once(context: jinja2.runtime.Context) -> Iterator[str]:
        key = key_of(context)
        if key is None:
            yield from render(context)
            return
        html = renderings.get(key)
        if html is None:
            html = renderings[key] = "".join(render(context))
        yield html

    return render_once


def _rendered_with_title(template: jinja2.Template, key_of: _Key) -> RenderFunction:
    """The header's render function, rendering once per key with :data:`_TITLE` for the title
    and putting each page's title in its place."""
    render = template.root_render_func
    halves: dict[tuple[Any, ...], tuple[str, str] | None] = {}

    def render_with_title(context: jinja2.runtime.Context) -> Iterator[str]:
        key = key_of(context)
        page = context.get("page")
        title = _printed_title(page) if key is not None else None
        if key is None or title is None:
            yield from render(context)
            return
        if key not in halves:
            stand_in = {**context.get_all(), "page": _TitleOnly(page.url)}
            try:
                with _links_relative_to(template.environment, page):
                    html = "".join(render(template.new_context(stand_in, shared=True)))
            except _ReadsMoreOfPage:
                html = ""
            parts = html.split(_TITLE)
            halves[key] = (parts[0], parts[1]) if len(parts) == 2 else None
        found = halves[key]
        # The title shown more than once or not at all, or more of the page read (a Material
        # newer than this code): rendered per page.
        if found is None:
            yield from render(context)
            return
        yield found[0] + title + found[1]

    return render_with_title


@contextlib.contextmanager
def _links_relative_to(env: jinja2.Environment, page: Any) -> Iterator[None]:
    """``| url`` (MkDocs' filter, which reads the page's URL) made relative to ``page`` while
    its stand-in renders: every page of a link group gets the same links, so they are the
    group's; the stand-in itself tells nothing more (a template showing the page's URL
    raises)."""
    url = env.filters.get("url")
    if url is None:
        yield
        return

    @jinja2.pass_context
    def relative_to_page(context: jinja2.runtime.Context, value: Any) -> Any:
        return url({"page": page, "base_url": context.get("base_url", "")}, value)

    # A template looks its filters up when it starts rendering, an included one too.
    env.filters["url"] = relative_to_page
    try:
        yield
    finally:
        env.filters["url"] = url


def _printed_title(page: Any) -> str | None:
    """What Material's header prints for the page's title (``page.meta.title``, else
    ``page.title``), or ``None`` when it is not plain text to print as it is."""
    meta = getattr(page, "meta", None)
    if type(meta) is not dict:
        return None
    value = (meta.get("title") if meta else None) or getattr(page, "title", None)
    return str(value) if isinstance(value, str) else None


class _ReadsMoreOfPage(Exception):
    """The header read more of the page than its title."""


class _TitleOnly:
    """A page with nothing but the stand-in title (and no ``meta.title``): the header may read
    nothing else of a page if it is to be kept per link group."""

    def __init__(self, links_as: str) -> None:
        self.title = _TITLE
        self.meta: dict[str, Any] = {}
        self.links_as = links_as
        """The URL of the page it stands for: its link group, for the pieces the header
        includes (not ``url``, which a template could show)."""

    def __getattr__(self, name: str) -> Any:
        raise _ReadsMoreOfPage(name)

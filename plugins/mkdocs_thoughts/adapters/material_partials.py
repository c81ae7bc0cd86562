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

Only Material's own files are changed: a partial or ``base.html`` of the site's own
(``custom_dir``) may show anything about the page and is left alone, and a block the site
overrides in its ``main.html`` is its own (Material's then runs only through ``super()``).
"""

from __future__ import annotations

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
        # Theme pages such as 404.html have no page: their links are absolute.
        group = groups.of(page.url) if page is not None else None
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


def _settings(context: jinja2.runtime.Context) -> tuple[Any, ...]:
    """What the pieces read besides URLs, as a key: a plugin that builds the site again in
    another language or with other features in the same environment gets renderings of its
    own."""
    theme = getattr(context.get("config"), "theme", None)
    return (
        str(theme.get("language")) if theme is not None else None,
        tuple(context.get("features") or ()),
    )


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

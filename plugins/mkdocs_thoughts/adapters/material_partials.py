"""Material's partials that show nothing of the page, rendered once per build.

Material includes the search box, the repository link, the icon styles and the back-to-top
button into every page, and each include runs its template again: several icon includes and
translation lookups per page for HTML that comes out the same on every one (about 1% of a
build). These partials read only the site's configuration (``config``), the theme's features
and translations, and icons; none reads the page, nor writes a URL relative to it (the
repository link is absolute). Their first rendering is kept for the rest of the build.

Only Material's own files are changed: a partial of the site's own (``custom_dir``) may show
anything about the page and is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from .nav_cache import MATERIAL_TEMPLATES, RenderFunction, is_within

CONSTANT_PARTIALS = (
    "partials/search.html",
    "partials/source.html",
    "partials/icons.html",
    "partials/top.html",
)
"""Partials whose HTML depends only on the configuration, the features and the language."""


def render_material_partials_once(
    env: jinja2.Environment, material_dir: Path = MATERIAL_TEMPLATES
) -> int:
    """Make ``env`` render each of Material's :data:`CONSTANT_PARTIALS` once; returns how many
    (none with another theme, or for a partial the site overrides)."""
    kept = 0
    for name in CONSTANT_PARTIALS:
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        if not is_within(template.filename, material_dir):
            continue
        # Jinja's include runs the included template's root function with the including context.
        template.root_render_func = _rendered_once(template.root_render_func)
        kept += 1
    return kept


def _rendered_once(render: RenderFunction) -> RenderFunction:
    renderings: dict[tuple[Any, ...], str] = {}

    def render_once(context: jinja2.runtime.Context) -> Iterator[str]:
        # What the partials read, as a key: a plugin that builds the site again in another
        # language or with other features in the same environment gets renderings of its own.
        config = context.get("config")
        theme = getattr(config, "theme", None)
        key = (
            str(theme.get("language")) if theme is not None else None,
            tuple(context.get("features") or ()),
        )
        html = renderings.get(key)
        if html is None:
            html = renderings[key] = "".join(render(context))
        yield html

    return render_once

"""Where the tag links of the listings land: on Material's tags page when its tags plugin is on
(with Material's own anchors, made unique where two tags would share one), else on the plugin's
own tags page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.escaping import meta_text, slug, unique_slugs, unique_slugs_of
from .model import SiteModel
from .render import Renderer


def listing_renderer(tags_plugin: Any | None, model: SiteModel, tags_url: str) -> Renderer:
    """The listings' renderer, its tag links pointing at ``tags_url``; ``tags_plugin``: Material's
    tags plugin, if the site uses it."""
    if tags_plugin is None:
        return Renderer(tags_url=tags_url, tag_anchor=_tag_anchor(model))
    _make_material_tag_slugs_unique(tags_plugin, model)
    return Renderer(tags_url=tags_url, tag_anchor=_material_tag_anchor(tags_plugin))


def _material_tag_anchor(tags_plugin: Any) -> Callable[[str], str]:
    """Material's own anchor for a tag, so links from listings land on its tags page (Material
    is given the escaped tag, see theme_meta)."""
    options = tags_plugin.config
    return lambda tag: options.tags_slugify_format.format(
        slug=options.tags_slugify(meta_text(tag), options.tags_slugify_separator)
    )


def _make_material_tag_slugs_unique(tags_plugin: Any, model: SiteModel) -> None:
    """Material's slugs for the site's tags, with a hash added only where two tags would share
    one (`C++` and `c`, `!!!` and `???`): the team's own `tags_slugify` is kept otherwise."""
    options = tags_plugin.config
    original = getattr(options.tags_slugify, "thoughts_original", options.tags_slugify)
    separator = options.tags_slugify_separator
    names = {meta_text(tag) for row in model.rows.values() for tag in row.tags}
    table = unique_slugs_of(
        ((name, name) for name in names), slugify=lambda name: original(name, separator)
    )

    def slugify(name: str, sep: str) -> str:
        found = table.get(name) if sep == separator else None
        return found if found is not None else original(name, sep)

    slugify.thoughts_original = original  # type: ignore[attr-defined]  # rebuilt every build
    options.tags_slugify = slugify


def _tag_anchor(model: SiteModel) -> Callable[[str], str]:
    """The tags page's own anchors: one per tag, never shared (`C++` and `c`, CJK tags)."""
    anchors = unique_slugs(tag for row in model.rows.values() for tag in row.tags)
    return lambda tag: f"tag:{anchors.get(tag) or slug(tag)}"

"""Material's navigation, rendered once per folder for the pages outside the nav.

Material renders the whole nav into every page. The notes are kept out of the nav, and on a page
outside it no nav entry is active (unless a plugin hangs the page under one, as Material's blog
does with its posts; such a page keeps a rendering of its own), so its nav differs from another
such page's only through the links, which MkDocs makes relative to the page's folder
(``mkdocs.utils.get_relative_url``). Two pages whose links come out the same share one rendering:
every file in one folder (``a/x.html`` and ``a/y.html`` both link from ``a/``), and every page
with a directory URL in one folder (``a/x/`` and ``a/y/``: each link climbs out of the page's own
folder first), unless something lives inside the page's own folder, which only that page could
link to without climbing out.

At 3,000 notes this renders the nav five times instead of 3,000: a tenth of the build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import material

RenderFunction = Callable[[Any], Iterator[str]]
"""A compiled Jinja template's root function: the context in, the HTML out in pieces."""

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
NAV_TEMPLATES = ("partials/nav.html", "partials/nav-item.html")
"""The nav template Material includes once per page, and the macros it renders entries with."""


class NavCache:
    """The nav's HTML per group of pages that get the same nav; one build's worth."""

    def __init__(self, nav_urls: Iterable[str], site_urls: Iterable[str]) -> None:
        self._in_nav = frozenset(nav_urls)
        self._groups = LinkGroups(site_urls)
        self._html: dict[tuple[str, str], str] = {}

    def key(self, url: str) -> tuple[str, str] | None:
        """Pages with equal keys get the same nav; ``None``: this page needs its own."""
        if url in self._in_nav:
            return None  # its entry is marked active
        return self._groups.of(url)

    @property
    def renderings(self) -> int:
        return len(self._html)

    def wrap(self, render: RenderFunction) -> RenderFunction:
        """``render``, answering from the cache for pages outside the nav."""

        def render_once_per_folder(context: jinja2.runtime.Context) -> Iterator[str]:
            page = context.get("page")
            key = None
            # Theme pages such as 404.html have no page: their links are absolute. A page with a
            # parent makes it active (Material's blog posts are not in the nav, but their blog is).
            if page is not None and page.parent is None:
                key = self.key(page.url)
            if key is None:
                yield from render(context)
                return
            html = self._html.get(key)
            if html is None:
                html = self._html[key] = "".join(render(context))
            yield html

        return render_once_per_folder


def cache_material_nav(
    env: jinja2.Environment, cache: NavCache, material_dir: Path = MATERIAL_TEMPLATES
) -> bool:
    """Make ``env`` render Material's nav through ``cache``.

    Only Material's own templates are known to depend on nothing but the links and the active
    entry; a theme override (``custom_dir``) could show anything about the page, so with one in
    place, or another theme, nothing changes and this returns ``False``.
    """
    try:
        templates = [env.get_template(name) for name in NAV_TEMPLATES]
    except jinja2.TemplateNotFound:
        return False
    if not all(is_within(template.filename, material_dir) for template in templates):
        return False
    nav = templates[0]
    # Jinja's include runs the included template's root function with the including context.
    nav.root_render_func = cache.wrap(nav.root_render_func)
    return True


class LinkGroups:
    """The pages of a site grouped by how they link to the rest of it: MkDocs makes a link
    relative to the page's folder, so pages of one group write every link alike."""

    def __init__(self, site_urls: Iterable[str]) -> None:
        self._holding = _folders_holding(site_urls)

    def of(self, url: str) -> tuple[str, str] | None:
        """The group of the page at ``url``; ``None``: its links are its own."""
        folder, _, name = url.rpartition("/")
        if not url or "." in name:
            return ("files in", folder)
        own = url.rstrip("/")
        if own + "/" in self._holding:
            return None
        return ("folders in", own.rpartition("/")[0])


def _folders_holding(urls: Iterable[str]) -> frozenset[str]:
    """Every folder (``a/``, ``a/b/``) that holds a page or a file of the site."""
    folders: set[str] = set()
    for url in urls:
        parts = url.strip("/").split("/")
        for end in range(1, len(parts)):
            folders.add("/".join(parts[:end]) + "/")
    return frozenset(folders)


def is_within(filename: str | None, folder: Path) -> bool:
    return filename is not None and Path(filename).resolve().is_relative_to(folder.resolve())

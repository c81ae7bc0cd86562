"""Material's nav rendered once per folder, and its translations looked up once per key: the
same bytes as rendering both on every page (`cache_nav`)."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from factories import mkdocs_yml
from mkdocs.utils import get_relative_url
from mkdocs_thoughts.adapters import material_partials
from mkdocs_thoughts.adapters.material_partials import (
    CONSTANT_PARTIALS,
    HEADER_INCLUDES,
    LINKING_BLOCKS,
    LINKING_PARTIALS,
    render_material_pieces_once,
)
from mkdocs_thoughts.adapters.nav_cache import NavCache, cache_material_nav
from mkdocs_thoughts.adapters.theme_translations import memoize_material_translations
from sitebuild import built_config
from test_site import note
from treeutil import write_tree

URLS = [
    "",
    "index.html",
    "about/",
    "a/",
    "a/x/",
    "a/y/",
    "a/x/inner/",
    "a/z.html",
    "a/w.html",
    "a/b/",
    "a/b/c/",
    "a/b/d/",
    "b/x/",
    "b/y/",
    "assets/logo.png",
    "a/y/figure.png",
]


def test_pages_with_equal_keys_get_the_same_relative_links_to_everything() -> None:
    # The claim the cache rests on, checked against MkDocs' own link function. The nav can link
    # to anything but pages outside the nav, such as the two pages compared.
    cache = NavCache(nav_urls=["", "about/"], site_urls=URLS)
    keyed = [(url, cache.key(url)) for url in URLS]
    shared = 0
    for (first, key), (second, other) in combinations(keyed, 2):
        if key is not None and key == other:
            shared += 1
            for target in set(URLS) - {first, second}:
                assert get_relative_url(target, first) == get_relative_url(target, second), (
                    first,
                    second,
                    target,
                )
    assert shared >= 3


def test_keys_group_siblings_and_single_out_what_only_one_page_can_link_to() -> None:
    cache = NavCache(nav_urls=["", "about/"], site_urls=URLS)
    assert cache.key("b/x/") == cache.key("b/y/")
    assert cache.key("a/z.html") == cache.key("a/w.html")
    assert cache.key("a/b/c/") == cache.key("a/b/d/")
    assert cache.key("a/x/") != cache.key("b/x/")
    assert cache.key("a/z.html") != cache.key("a/b/")
    assert cache.key("index.html") != cache.key("a/")
    assert cache.key("about/") is None  # in the nav: its entry is active
    assert cache.key("a/x/") is None  # holds a/x/inner/
    assert cache.key("a/y/") is None  # holds a figure
    outside = NavCache(nav_urls=["about/"], site_urls=URLS)
    assert outside.key("") == outside.key("index.html") != outside.key("a/")


EXPLICIT_NAV = """\
nav:
  - Home: index.md
  - Guide:
      - guide.md
      - guide/setup.md
  - shared/research/2025-11-02_10-00-00_extraction.md
  - Appendix: shared/research/2025-11-03_10-00-00_parsing/appendix.md
"""


BLOG_NAV = """\
nav:
  - Home: index.md
  - Blog:
      - blog/index.md
"""


def test_pages_share_a_rendering_unless_in_the_nav_or_under_a_parent() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"nav.html": "{{ page.url }} {{ label }}"}))
    template = env.get_template("nav.html")
    cache = NavCache(nav_urls=["about/"], site_urls=["a/x/", "a/y/", "about/"])
    template.root_render_func = cache.wrap(template.root_render_func)

    def render(url: str, label: str, parent: object = None) -> str:
        return template.render(page=SimpleNamespace(url=url, parent=parent), label=label)

    assert render("a/x/", "first") == "a/x/ first"
    assert render("a/y/", "second") == "a/x/ first"  # the sibling's rendering, reused
    assert render("about/", "in nav") == "about/ in nav"
    # A blog post is not in the nav, but its blog is, and is marked active on the post's page.
    assert render("a/y/", "post", parent=object()) == "a/y/ post"
    assert cache.renderings == 1


def site_tree(
    options: str,
    *,
    use_directory_urls: bool = True,
    explicit_nav: bool = False,
    blog: bool = False,
    language: str = "en",
    widgets: bool = False,
    sticky_tabs: bool = False,
) -> dict[str, str]:
    yml = mkdocs_yml(options)
    features = "navigation.sections, navigation.indexes, toc.integrate"
    if widgets:
        features += ", navigation.top, search.share, search.suggest"
    if sticky_tabs:  # the tabs are then part of the header, and mark the page's own section
        features += ", navigation.tabs, navigation.tabs.sticky"
    yml = yml.replace(
        "  font: false\n", f"  font: false\n  features: [{features}]\n  language: {language}\n"
    )
    tree = {}
    if widgets:
        yml = yml.replace("  font: false\n", "  font: false\n" + WIDGETS) + REPOSITORY
        tree |= {
            "thoughts/css/extra.css": "p {}\n",
            "thoughts/js/extra.js": "void 0;\n",
            "thoughts/images/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        }
    if not use_directory_urls:
        yml += "use_directory_urls: false\n"
    if explicit_nav:
        yml += EXPLICIT_NAV
    if blog:
        yml = yml.replace("  - search\n", "  - search\n  - blog:\n      pagination_per_page: 1\n")
        yml = yml.replace("      check_commits", "      skip_folders: [blog]\n      check_commits")
        yml += BLOG_NAV
        # Outside the notes, a page's own `title:` is what the header shows.
        tree["thoughts/blog/index.md"] = "---\ntitle: Blog & <i>news</i>\n---\n# Blog\n"
        for day in (1, 2, 3):
            post = f"---\ndate: 2025-11-0{day}\n---\n# Post {day}\n\n## Part\n\nText.\n"
            tree[f"thoughts/blog/posts/post-{day}.md"] = post
    research = "thoughts/shared/research/"
    return tree | {
        "mkdocs.yml": yml,
        "thoughts/index.md": "# Notes\n",
        "thoughts/guide.md": note("Guide", "2025-11-01T10:00:00+00:00"),
        "thoughts/guide/setup.md": note("Setup", "2025-11-01T11:00:00+00:00"),
        f"{research}2025-11-02_10-00-00_extraction.md": note(
            "Extraction", "2025-11-02T10:00:00+00:00"
        ),
        f"{research}2025-11-03_10-00-00_parsing.md": note("Parsing", "2025-11-03T10:00:00+00:00"),
        f"{research}2025-11-03_10-00-00_parsing/appendix.md": note(
            "Appendix", "2025-11-03T11:00:00+00:00"
        ),
        f"{research}2025-11-05_10-00-00_tables.md": note(
            'Tables & <cells> "quoted"', "2025-11-05T10:00:00+00:00"
        ),
        f"{research}2025-11-06_10-00-00_labels.md": note("Labels", "2025-11-06T10:00:00+00:00"),
        "thoughts/shared/plans/2025-11-04_10-00-00_plan.md": note(
            "Plan",
            "2025-11-04T10:00:00+00:00",
            extra=f"related_research: {research}2025-11-02_10-00-00_extraction.md\n",
        ),
    }


def html_of(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*.html"))
    }


# Something for each piece rendered once per build or per folder to show: a logo image, the
# repository link, admonition icons, a palette toggle, the copyright, social links, analytics,
# extra styles and scripts, the back-to-top button and the search options.
WIDGETS = """\
  logo: images/logo.svg
  icon:
    repo: fontawesome/brands/github
    admonition:
      note: octicons/tag-16
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light mode}
"""
REPOSITORY = (
    "repo_url: https://github.com/sec/finetune\nrepo_name: sec/finetune\n"
    "copyright: Copyright &copy; SEC finetune\n"
    "extra_css: [css/extra.css]\nextra_javascript: [js/extra.js]\n"
    "extra:\n  analytics: {provider: google, property: G-TEST}\n"
    "  social: [{icon: fontawesome/brands/github, link: 'https://github.com/sec'}]\n"
)


@pytest.mark.parametrize(
    ("use_directory_urls", "explicit_nav", "blog", "language", "widgets", "sticky_tabs"),
    [
        (True, False, False, "en", False, False),
        (False, False, False, "en", False, False),
        (True, True, False, "en", False, False),
        (True, False, True, "en", False, False),
        (True, False, False, "de", False, False),
        (True, False, False, "de", True, False),
        (False, False, False, "en", True, False),
        (True, True, False, "en", True, True),
    ],
)
def test_cached_nav_builds_the_same_site_byte_for_byte(
    tmp_path: Path,
    use_directory_urls: bool,
    explicit_nav: bool,
    blog: bool,
    language: str,
    widgets: bool,
    sticky_tabs: bool,
) -> None:
    # The explicit nav has a note in it (its entry active on its page) and a page inside the
    # folder of a note that is not (only that note reaches it without climbing out). Material's
    # blog attaches its posts and index pages, all outside the nav, to the blog's nav entry.
    sites = {}
    for cache_nav in (True, False):
        root = write_tree(
            tmp_path / str(cache_nav),
            site_tree(
                f"      check_commits: false\n      cache_nav: {str(cache_nav).lower()}\n",
                use_directory_urls=use_directory_urls,
                explicit_nav=explicit_nav,
                blog=blog,
                language=language,
                widgets=widgets,
                sticky_tabs=sticky_tabs,
            ),
        )
        config = built_config(root)
        plugin = config.plugins["thoughts"]
        sites[cache_nav] = html_of(Path(config.site_dir))
        if cache_nav:
            assert plugin.nav_cache is not None
            # Every page but the nav's and 404.html: notes, tag and researcher pages.
            outside_nav = len(sites[cache_nav]) - len(plugin.nav_urls) - 1
            # At least the research notes share one.
            assert 0 < plugin.nav_cache.renderings <= outside_nav - 3
            # The site's language and English, Material's fallback for keys it lacks.
            assert plugin.translation_tables == (1 if language == "en" else 2)
            pieces = len(CONSTANT_PARTIALS) + len(LINKING_PARTIALS) + len(LINKING_BLOCKS)
            assert plugin.material_pieces == pieces + 1  # and the header, titled per page
        else:
            assert plugin.nav_cache is None
            assert plugin.translation_tables == plugin.material_pieces == 0
    assert sites[True].keys() == sites[False].keys()
    if widgets:
        page = sites[True]["guide/setup/index.html" if use_directory_urls else "guide/setup.html"]
        for shown in ('class="md-source"', "__md_analytics", "md-social__link", "extra.css"):
            assert shown.encode() in page, shown
    if blog:
        assert {"blog/2025/11/03/post-3/index.html", "blog/page/3/index.html"} <= sites[True].keys()
        assert b"Blog & <i>news</i>" in sites[True]["blog/index.html"]
    # Each page's header shows its own title (the header is kept per folder, titles put in).
    tables = "shared/research/2025-11-05_10-00-00_tables"
    tables_page = sites[True][f"{tables}/index.html" if use_directory_urls else f"{tables}.html"]
    topic = re.search(
        rb'"header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', tables_page
    )
    assert topic is not None and topic[1] == b"Tables &amp; &lt;cells&gt; &#34;quoted&#34;"
    for path, cached in sites[True].items():
        assert cached == sites[False][path], path


def test_material_s_own_header_is_rendered_once_per_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material's header links through `| url` and includes pieces kept per folder, all of
    which read the page's URL: still, the notes of a folder render it once, with a stand-in."""
    renderings: list[object] = []
    titled = material_partials._rendered_with_title

    def counting(template: jinja2.Template, key_of: Any) -> Any:
        render = template.root_render_func

        def counted(context: jinja2.runtime.Context) -> Any:
            renderings.append(context.get("page"))
            return render(context)

        template.root_render_func = counted
        return titled(template, key_of)

    monkeypatch.setattr(material_partials, "_rendered_with_title", counting)
    tree = site_tree("      check_commits: false\n", widgets=True)
    built_config(write_tree(tmp_path, tree))
    stand_ins = [page for page in renderings if type(page) is material_partials._TitleOnly]
    pages = [page for page in renderings if type(page) is not material_partials._TitleOnly]
    # Three research notes link alike (parsing, with a folder of its own, is singled out):
    # one stand-in renders their header, none of them does.
    alike = ("_extraction/", "_tables/", "_labels/")
    assert not [page.url for page in pages if page is not None and page.url.endswith(alike)]
    assert sum(page.links_as.endswith(alike) for page in stand_ins) == 1


def test_a_nav_override_in_custom_dir_is_rendered_for_every_page(tmp_path: Path) -> None:
    tree = site_tree("      check_commits: false\n")
    tree["mkdocs.yml"] = tree["mkdocs.yml"].replace(
        "  font: false\n", "  font: false\n  custom_dir: overrides\n"
    )
    tree["overrides/partials/nav.html"] = '<nav class="mine">{{ page.url }}</nav>\n'
    config = built_config(write_tree(tmp_path, tree))
    assert config.plugins["thoughts"].nav_cache is None
    site = Path(config.site_dir)
    for url in ("guide/", "guide/setup/", "shared/research/2025-11-02_10-00-00_extraction/"):
        assert f'<nav class="mine">{url}</nav>' in (site / url / "index.html").read_text()


def test_a_search_box_override_in_custom_dir_is_rendered_for_every_page(tmp_path: Path) -> None:
    tree = site_tree("      check_commits: false\n", widgets=True)
    tree["mkdocs.yml"] = tree["mkdocs.yml"].replace(
        "  font: false\n", "  font: false\n  custom_dir: overrides\n"
    )
    tree["overrides/partials/search.html"] = '<div class="mine">{{ page.url }}</div>\n'
    config = built_config(write_tree(tmp_path, tree))
    # Material's other three are still kept: the repository link, the icons, the top button;
    # not the header, which includes the search box.
    pieces = len(CONSTANT_PARTIALS) - 1 + len(LINKING_PARTIALS) + len(LINKING_BLOCKS)
    assert config.plugins["thoughts"].material_pieces == pieces
    site = Path(config.site_dir)
    for url in ("guide/", "guide/setup/", "shared/research/2025-11-02_10-00-00_extraction/"):
        page = (site / url / "index.html").read_text()
        assert f'<div class="mine">{url}</div>' in page
        assert 'class="md-source"' in page and 'data-md-component="top"' in page


def header_pages(tmp_path: Path, header: str) -> tuple[list[str], int]:
    """Two pages of one folder rendered through a theme whose header is ``header`` (the first
    again with a `title:` of its own), and how many times the header was rendered."""
    for name in (*HEADER_INCLUDES, "main.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('{% include "partials/header.html" %}' * (name == "main.html"))
    (tmp_path / "partials/header.html").write_text(header)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    renderings = []
    env.globals["rendered"] = lambda: renderings.append(1) or ""
    render_material_pieces_once(env, ["a/x/", "a/y/"], tmp_path)
    config = SimpleNamespace(theme={"language": "en"})
    pages = [
        env.get_template("main.html").render(
            page=SimpleNamespace(url=url, title=f"{url[-2].upper()} & co", meta=meta),
            config=config,
        )
        for url, meta in (("a/x/", {}), ("a/y/", {}), ("a/x/", {"title": "Own"}))
    ]
    return pages, len(renderings)


def test_the_header_is_rendered_once_per_folder_with_each_page_s_title(tmp_path: Path) -> None:
    header = "<h>{{ rendered() }}{{ page.meta.title if page.meta and page.meta.title "
    header += "else page.title }}</h>"
    pages, renderings = header_pages(tmp_path, header)
    assert pages == ["<h>X & co</h>", "<h>Y & co</h>", "<h>Own</h>"]
    assert renderings == 1


@pytest.mark.parametrize(
    "header",
    [
        "<h>{{ rendered() }}{{ page.title }} at {{ page.url }}</h>",  # more of the page
        "<h>{{ rendered() }}{{ page.title }} {{ page.title }}</h>",  # the title twice
    ],
)
def test_a_header_showing_more_of_the_page_is_rendered_for_every_page(
    tmp_path: Path, header: str
) -> None:
    pages, renderings = header_pages(tmp_path, header)
    assert pages == [
        jinja2.Template(header).render(
            rendered=lambda: "", page=SimpleNamespace(url=url, title=title)
        )
        for url, title in (("a/x/", "X & co"), ("a/y/", "Y & co"), ("a/x/", "X & co"))
    ]
    assert renderings == 1 + 3  # the attempt with a stand-in title, then each page


def test_other_themes_are_left_alone(tmp_path: Path) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"base.html": "{{ page }}"}))
    assert not cache_material_nav(env, NavCache([], []), tmp_path)
    assert render_material_pieces_once(env, [], tmp_path) == 0


def test_a_translation_table_is_asked_each_key_once_through_jinja_imports(tmp_path: Path) -> None:
    """The way Material imports a table (``{% import ... as lang %}``, no context): after the
    first page, every key is answered without running the table's macro again."""
    calls: list[str] = []
    write_tree(
        tmp_path,
        {
            "partials/languages/en.html": (
                '{% macro t(key) %}{{ count(key) }}{{ {"a": "Apple", "b": "<B>"}[key] }}'
                "{% endmacro %}"
            ),
            "page.html": '{% import "partials/languages/en.html" as lang %}'
            '{{ lang.t("a") }} {{ lang.t("b") }} {{ lang.t("a") }} {{ name }}',
        },
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), autoescape=True)
    env.globals["count"] = lambda key: calls.append(key) or ""
    before = env.get_template("page.html").render(name="one")
    assert memoize_material_translations(env, "en", material_dir=tmp_path) == 1
    pages = [env.get_template("page.html").render(name=name) for name in ("one", "two")]
    assert pages[0] == before == "Apple &lt;B&gt; Apple one"
    assert pages[1] == "Apple &lt;B&gt; Apple two"
    assert calls == ["a", "b", "a", "a", "b"]  # the first page's three, then one per key
    assert memoize_material_translations(env, "en", material_dir=tmp_path) == 0  # kept once


def test_a_translation_table_of_the_site_is_left_alone(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"partials/languages/en.html": "{% macro t(key) %}{{ key }}{% endmacro %}"}
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    assert memoize_material_translations(env, "en", material_dir=tmp_path / "material") == 0
    assert memoize_material_translations(env, "fr", material_dir=tmp_path) == 1  # en only

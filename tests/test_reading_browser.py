"""The project's own site as a reader sees it at 1280x900 in Chromium: the note's text on the
first screen, each fact once, a graph page that fills the content and can be searched, index
pages using the width, and dark mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from mkdocs.commands.build import build
from mkdocs.config import load_config
from reading import (
    COLOURS,
    FIRST_SCREEN_HALF,
    LABEL_EDGE_CROSSINGS,
    contrast,
    graph_layout,
    graph_render_seconds,
    note_layout,
    open_page,
)
from treeutil import REPO_ROOT

pytestmark = [needs_chromium(), pytest.mark.browser]

RESEARCH = "shared/research/2026-11-26_15-25-19_what-the-pipeline-measures-on-10-k-risk-factors/"
PLAN = "shared/plans/2026-11-26_15-05-00_notes-core-and-site/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own notes built with its own mkdocs.yml (Material's tags plugin and
    palette toggle included)."""
    site_dir = tmp_path_factory.mktemp("own-site")
    config = load_config(str(REPO_ROOT / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


def note_urls(site: Path) -> list[str]:
    return sorted(
        path.parent.relative_to(site).as_posix() + "/"
        for path in site.glob("shared/*/*/index.html")
    )


def test_every_note_starts_on_the_first_screen_with_each_fact_once(site: Path) -> None:
    urls = note_urls(site)
    assert len(urls) >= 13
    with serve(site) as base, browser() as session:
        page = session.page
        for url in urls:
            open_page(page, base + url)
            seen = note_layout(page)
            assert seen["text"] is not None and seen["text"] <= FIRST_SCREEN_HALF, (url, seen)
            # Material's tags plugin shows the tags above the title, so the header does not.
            assert seen["tag_places"] <= 1, (url, seen)
            assert seen["status_places"] == 1, (url, seen)
        open_page(page, base + RESEARCH)
        assert note_layout(page)["heading"] <= FIRST_SCREEN_HALF
        assert page.locator("article .md-tags").is_visible()
        assert page.locator("article .th-chip--tags").count() == 0

        # The details and the local graph are one click away, and open where they are.
        open_page(page, base + PLAN)
        assert not page.locator(".th-facts").is_visible()
        assert not page.locator("svg[data-graph=local]").is_visible()
        page.locator(".th-details > summary").click()
        assert page.locator(".th-facts").is_visible()
        assert page.locator(".th-relations a").first.is_visible()
        page.locator(".tg-local-box > summary").click()
        local = page.locator("svg[data-graph=local]")
        assert local.is_visible()
        crossings = page.evaluate(LABEL_EDGE_CROSSINGS, "svg[data-graph=local]")
        assert crossings["edges"] > 0 and crossings["crossings"] == [], crossings
    assert session.errors == []


def test_graph_page_fills_the_content_and_finds_notes(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        seconds = graph_render_seconds(page, base + "graph/")
        assert seconds <= 2.0
        box = graph_layout(page)
        assert box["content"] > 900  # the table of contents' column is given to the graph
        assert box["width"] >= 0.98 * box["content"], box
        crossings = page.evaluate(LABEL_EDGE_CROSSINGS, "svg[data-graph=full]")
        assert crossings["labels"] == len(note_urls(site))
        assert crossings["edges"] > 10 and crossings["crossings"] == [], crossings

        find = page.get_by_label("Find a note by name")
        assert find.is_visible()
        find.fill("notes core, then")
        matches = page.locator("svg[data-graph=full] .tg-nodes > a.tg-match")
        assert matches.count() == 1
        find.press("Enter")
        assert page.locator("svg[data-graph=full].tg-focus").count() == 1
        assert page.locator("svg[data-graph=full] .tg-nodes > a.tg-hl").count() >= 2
        # Every label is the whole title or a shortened one whose tooltip holds it all.
        for label, title in page.evaluate(
            "() => [...document.querySelectorAll('svg[data-graph=full] .tg-nodes > a')]"
            ".map(a => [a.querySelector('text').textContent,"
            " a.querySelector('title').textContent.split('\\n')[0]])"
        ):
            assert label == title or (label.endswith("…") and title.startswith(label[:-1]))
    assert session.errors == []


def test_index_pages_use_the_width_and_home_names_statuses(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        open_page(page, base + "shared/prs/")
        table = page.locator(".th-listing table").bounding_box()
        content = page.evaluate(
            "() => { const a = document.querySelector('article'); const s = getComputedStyle(a);"
            " return a.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
        )
        assert content > 900 and table is not None and table["width"] >= 0.98 * content
        # Short columns (date, status, researcher) stay on one line: only a title may wrap.
        heights = page.evaluate(
            "() => [...document.querySelectorAll('tr.th-row')].map(tr =>"
            " [0, 2, 4].map(i => { const range = document.createRange();"
            " range.selectNodeContents(tr.children[i]);"
            " return range.getBoundingClientRect().height; }))"
        )
        one_line = min(min(row) for row in heights)
        assert one_line > 10 and all(max(row) < 1.5 * one_line for row in heights), heights

        open_page(page, base)
        headers = page.locator(".th-counts thead th").all_inner_texts()
        assert headers[2:] == ["In progress", "Complete", "Ready for review"]
    assert session.errors == []


def test_dark_mode_is_legible(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        page.emulate_media(color_scheme="dark")
        for url, selectors in (
            (
                PLAN,
                [
                    ".th-chip--status .th-status",
                    ".th-chip--date dd",
                    ".th-chip--researcher a",
                    ".th-details > summary",
                    "article p",
                ],
            ),
            ("shared/prs/", [".th-table td", ".th-table .th-status", ".th-month th"]),
            ("graph/", ["svg[data-graph=full] .tg-nodes text", "svg[data-graph=full] .tg-band"]),
        ):
            open_page(page, base + url)
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
            for selector, colour, background in page.evaluate(COLOURS, selectors):
                assert colour is not None, (url, selector)
                ratio = contrast(colour, background)
                assert ratio >= 4.5, (url, selector, colour, background, ratio)
    assert session.errors == []

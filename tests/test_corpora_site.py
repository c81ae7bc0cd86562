"""The site over a real corpus: the lightfast notes build, with a graph page and relation counts,
and read well at 1280x900 in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from bs4 import BeautifulSoup
from fixture_sites import CORPUS_SITES
from reading import (
    FIRST_SCREEN_HALF,
    LABEL_EDGE_CROSSINGS,
    graph_layout,
    graph_render_seconds,
    note_layout,
    open_page,
)
from sitebuild import build_site
from treeutil import CORPORA

LIGHTFAST = CORPORA / "lightfastai__lightfast"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LIGHTFAST.is_dir(), reason=f"{LIGHTFAST} is absent (shared corpora)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The registry's writer of the corpus site, which `thoughts check` is compared on too.
    write = CORPUS_SITES[f"corpus-{LIGHTFAST.name}"]
    return build_site(write(tmp_path_factory.mktemp("lightfast")))


def test_lightfast_corpus_builds_with_graph_and_relation_counts(site: Path) -> None:
    graph = BeautifulSoup((site / "graph/index.html").read_text(), "html.parser")
    nodes = graph.select("svg[data-graph=full] .tg-nodes > a")
    assert len(nodes) == 316
    # It opens on the newest notes; labels further down are laid out after the first paint.
    svg = graph.select_one("svg[data-graph=full]")
    assert "tg-lazy" in svg["class"] and svg["viewbox"] != "0 0 " + svg["data-size"]
    assert 0 < len(graph.select("svg[data-graph=full] .tg-nodes > a.tg-later")) < 250

    report = BeautifulSoup((site / "report/index.html").read_text(), "html.parser")
    summary = report.select_one(".th-report > p").get_text(" ", strip=True)
    assert "Relations: 528 resolved, 55 unresolved" in summary, summary


@needs_chromium()
@pytest.mark.browser
def test_lightfast_notes_start_on_the_first_screen_with_tags_once(site: Path) -> None:
    # Every twentieth note: with and without frontmatter, problems, relations, long titles.
    urls = sorted(
        path.parent.relative_to(site).as_posix() + "/"
        for path in site.glob("shared/*/*/index.html")
    )[::20]
    assert len(urls) >= 12
    with serve(site) as base, browser() as session:
        page = session.page
        headings = 0
        for url in urls:
            open_page(page, base + url)
            seen = note_layout(page)
            # Without Material's tags plugin the header's chips are the one place for tags.
            assert seen["text"] is not None and seen["text"] <= FIRST_SCREEN_HALF, (url, seen)
            assert seen["tag_places"] <= 1 and seen["status_places"] == 1, (url, seen)
            # The note's first section heading, when its text starts with one.
            if seen["heading"] is not None and seen["heading"] - seen["text"] < 5:
                assert seen["heading"] <= FIRST_SCREEN_HALF, (url, seen)
                headings += 1
        assert headings >= 3
    assert session.errors == []


@needs_chromium()
@pytest.mark.browser
def test_lightfast_graph_reads_at_316_notes(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        assert graph_render_seconds(page, base + "graph/") <= 2.0
        box = graph_layout(page)
        assert box["width"] >= 0.98 * box["content"], box
        # Most of the window, and the bottom of the box within it.
        assert box["height"] >= 0.6 * box["window"] and box["bottom"] <= box["window"], box
        svg = page.locator("svg[data-graph=full]")
        assert "tg-far" not in (svg.get_attribute("class") or "")  # opens readable, labels on
        # It opens on the newest notes: the first time band's notes are in view.
        top = page.evaluate(
            "() => { const s = document.querySelector('svg[data-graph=full]');"
            " const box = s.getBoundingClientRect();"
            " return [...s.querySelectorAll('.tg-nodes circle')].filter(c => {"
            " const r = c.getBoundingClientRect();"
            " return r.top >= box.top && r.bottom <= box.bottom"
            " && r.left >= box.left && r.right <= box.right; }).length; }"
        )
        assert 40 <= top < 316

        # Labels below the opening view are laid out once the page has been painted.
        page.wait_for_function("() => !document.querySelector('svg.tg-lazy')")
        crossings = page.evaluate(LABEL_EDGE_CROSSINGS, "svg[data-graph=full]")
        assert crossings["labels"] == 316 and crossings["edges"] > 300
        assert crossings["crossings"] == [], crossings["crossings"][:5]

        # Zoomed out to the whole graph, labels give way to dots; finding a note brings it
        # and its neighbours back into view.
        page.get_by_role("button", name="Show the whole graph").click()
        assert "tg-far" in (svg.get_attribute("class") or "")
        find = page.get_by_label("Find a note by name")
        find.fill("clerk integration")
        assert page.locator("svg[data-graph=full] .tg-nodes > a.tg-match").count() >= 1
        find.press("Enter")
        assert "tg-far" not in (svg.get_attribute("class") or "")
        assert page.locator("svg[data-graph=full] .tg-nodes > a.tg-hl").count() >= 2
    assert session.errors == []

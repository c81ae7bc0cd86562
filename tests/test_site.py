"""The generated site: indexes, tag/status/researcher pages, note headers and the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import mkdocs_yml
from sitebuild import build_site
from treeutil import write_tree

FRONT = """\
---
date: {date}
researcher: {researcher}
git_commit: {sha}
branch: main
repository: sec-finetune
topic: {topic}
tags: {tags}
status: {status}
{extra}---
# Heading of {topic}

Body of {topic}.
"""
R1 = "thoughts/shared/research/2025-11-02_10-00-00_extraction.md"
R2 = "thoughts/shared/research/2025-12-01_09-30-00_segmentation.md"
P1 = "thoughts/shared/plans/2025-12-03_18-14-34_segment-plan.md"
PR1 = "thoughts/shared/prs/2025-12-05_08-00-00_segment-pr.md"
BARE = "thoughts/shared/research/2025-10-01_12-00_no-frontmatter.md"
BAD = "thoughts/shared/research/2025-12-02_12-00-00_bad-status.md"


def note(topic: str, date: str, **values: str) -> str:
    fields = {
        "researcher": "Ada Lovelace",
        "sha": "3d801c3",
        "tags": "[pipeline]",
        "status": "complete",
        "extra": "",
    } | values
    return FRONT.format(topic=topic, date=date, **fields)


def write_site(root: Path) -> Path:
    """The main fixture site: every note type, a note without frontmatter, a bad status."""
    write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(),
            "thoughts/index.md": "# Team notes\n\nWelcome.\n\n<!-- thoughts:summary -->\n",
            R1: note("Item 1A extraction", "2025-11-02T10:00:00+00:00", tags="[extraction]"),
            R2: note(
                "Risk segmentation",
                "2025-12-01T09:30:00+01:00",
                researcher="Grace Hopper",
                status="in_progress",
                tags="[segmentation, pipeline]",
            ),
            P1: note(
                "Segmenting plan",
                "2025-12-03T18:14:34+01:00",
                extra=f"related_research: {R2}\n",
                sha="abcdef1234",
            ),
            PR1: note(
                "Segmentation PR",
                "2025-12-05T08:00:00+00:00",
                extra=f"related: {P1}\n",
                status="ready_for_review",
            ),
            BARE: "# Notes from a call\n\nNo frontmatter here.\n",
            BAD: note("Bad status note", "2025-12-02T12:00:00+00:00", status="complet"),
        },
    )
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("site"))
    build_site(root)
    return root / "site"


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(), "html.parser")


def rows(page: BeautifulSoup) -> list[dict[str, str]]:
    found = []
    for row in page.select("tr.th-row"):
        cells = row.find_all("td")
        found.append(
            {
                "date": cells[0].get_text(strip=True),
                "title": cells[1].a.get_text(strip=True),
                "href": cells[1].a["href"],
                "status": cells[2].get_text(strip=True),
                "tags": ",".join(a.get_text() for a in cells[3].find_all("a")),
                "researcher": cells[4].get_text(strip=True),
                "commit": cells[5].get_text(strip=True),
            }
        )
    return found


def test_research_index_lists_notes_newest_first_grouped_by_month(site: Path) -> None:
    page = soup(site, "shared/research")
    assert [row["title"] for row in rows(page)] == [
        "Bad status note",
        "Risk segmentation",
        "Item 1A extraction",
        "Notes from a call",
    ]
    first = rows(page)[1]
    assert first == {
        "date": "2025-12-01",
        "title": "Risk segmentation",
        "href": "2025-12-01_09-30-00_segmentation/",
        "status": "in_progress",
        "tags": "segmentation,pipeline",
        "researcher": "Grace Hopper",
        "commit": "3d801c3",
    }
    assert [th.get_text() for th in page.select("tr.th-month th")] == [
        "2025-12",
        "2025-11",
        "2025-10",
    ]
    inferred = page.select("tr.th-row--inferred")
    assert len(inferred) == 1 and "inferred" in inferred[0].get_text()
    assert [o.get_text() for o in page.select("[data-th-filter=status] option")] == [
        "all",
        "complete",
        "in_progress",
    ]


def test_links_from_index_resolve_to_note_pages(site: Path) -> None:
    page = soup(site, "shared/plans")
    (row,) = rows(page)
    target = (site / "shared/plans" / row["href"] / "index.html").resolve()
    assert target.is_file()
    assert row["commit"] == "abcdef1"


def test_note_header_shows_commit_relations_and_backlinks(site: Path) -> None:
    plan = soup(site, "shared/plans/2025-12-03_18-14-34_segment-plan")
    header = plan.select_one(".th-note-header")
    text = header.get_text(" ", strip=True)
    assert "Status complete" in text and "Researcher Ada Lovelace" in text
    # The chips say status, date, researcher, commit and tags once; the rest is in the details.
    chips = [div["class"][1] for div in header.select(".th-chips > div")]
    assert chips == [
        "th-chip--status",
        "th-chip--date",
        "th-chip--researcher",
        "th-chip--commit",
        "th-chip--tags",
    ]
    assert len(header.select(".th-status")) == 1 and len(header.select(".th-tag")) == 1
    assert header.select_one(".th-details .th-relations") is not None
    assert header.select_one(".th-sha").get_text() == "abcdef1"
    builds_on = header.select_one(".th-relations")
    assert builds_on.strong.get_text() == "Builds on:"
    assert builds_on.a.get_text() == "Risk segmentation"
    assert builds_on.a["href"] == "../../research/2025-12-01_09-30-00_segmentation/"

    research = soup(site, "shared/research/2025-12-01_09-30-00_segmentation")
    relations = {
        p.strong.get_text(): [a.get_text() for a in p.find_all("a")]
        for p in research.select(".th-relations")
    }
    assert relations == {"Plans built on this:": ["Segmenting plan"]}
    plan_relations = {p.strong.get_text() for p in plan.select(".th-relations")}
    assert plan_relations == {"Builds on:", "Related:"}


def test_title_falls_back_to_heading_for_notes_without_frontmatter(site: Path) -> None:
    page = soup(site, "shared/research/2025-10-01_12-00_no-frontmatter")
    assert page.title.get_text().startswith("Notes from a call")
    assert "from file name" in page.select_one(".th-note-header").get_text()


def test_status_board_has_a_column_per_status(site: Path) -> None:
    page = soup(site, "status")
    columns = {
        col.h2.contents[0].strip(): [a.get_text() for a in col.select(".th-card > a")]
        for col in page.select(".th-board__column")
    }
    assert columns == {
        "in_progress": ["Risk segmentation"],
        "complete": ["Segmenting plan", "Item 1A extraction"],
        "ready_for_review": ["Segmentation PR"],
        "no status": ["Bad status note", "Notes from a call"],
    }


def test_tag_and_researcher_pages(site: Path) -> None:
    tags = soup(site, "tags")
    listed = {
        h2.get_text(): [a.get_text() for a in h2.find_next("ul").find_all("a")]
        for h2 in tags.select(".th-tags h2")
    }
    assert listed["segmentation"] == ["Risk segmentation"]
    assert listed["pipeline"] == [
        "Segmentation PR",
        "Segmenting plan",
        "Bad status note",
        "Risk segmentation",
    ]
    assert tags.select_one("h2#tag\\:segmentation") is not None

    people = soup(site, "researchers")
    assert [a.get_text() for a in people.select(".th-people a")] == ["Ada Lovelace", "Grace Hopper"]
    grace = soup(site, "researchers/grace-hopper")
    assert [a.get_text() for a in grace.select(".th-rows a")] == ["Risk segmentation"]


def test_report_lists_diagnostics_by_note(site: Path) -> None:
    page = soup(site, "report")
    headings = [h2.get_text(strip=True) for h2 in page.select(".th-report h2")]
    assert "Bad status note" in headings and "Notes from a call" in headings
    codes = [code.get_text() for code in page.select(".th-diagnostics code")]
    assert "TH103" in codes and "TH001" in codes
    assert "Relations: 2 resolved, 0 unresolved" in page.get_text()


def test_banner_shows_a_notes_problems_in_non_strict_builds(site: Path) -> None:
    page = soup(site, "shared/research/2025-12-02_12-00-00_bad-status")
    banner = page.select_one(".th-banner")
    assert banner is not None and "TH103" in banner.get_text()
    assert (
        soup(site, "shared/research/2025-11-02_10-00-00_extraction").select_one(".th-banner")
        is None
    )


def test_home_summary_counts_and_newest(site: Path) -> None:
    page = soup(site, "")
    counts = [
        [td.get_text() for td in tr.find_all("td")] for tr in page.select(".th-counts tbody tr")
    ]
    assert counts[0] == ["Research", "4", "1", "1", "0"]
    assert counts[1] == ["Plans", "1", "0", "1", "0"]
    assert page.h1.get_text().startswith("Team notes")


def test_nav_is_small(site: Path) -> None:
    page = soup(site, "report")
    nav = [a.get_text(strip=True) for a in page.select("nav.md-nav--primary > ul > li > a")]
    assert nav == [
        "Home",
        "Research",
        "Plans",
        "PRs",
        "Tags",
        "Status",
        "Graph",
        "Report",
    ]


def test_pages_out_of_the_nav_are_linked_from_home_and_headers(site: Path) -> None:
    home = soup(site, "")
    links = {a.get_text(): a["href"] for a in home.select(".th-more a")}
    assert (site / links["researcher"] / "index.html").resolve() == site / "researchers/index.html"
    assert (site / links["drifted"] / "index.html").resolve() == site / "drift/index.html"

    folder = site / "shared/research/2025-12-01_09-30-00_segmentation"
    header = soup(site, "shared/research/2025-12-01_09-30-00_segmentation")
    (researcher,) = [
        div.dd.a for div in header.select(".th-chips > div") if div.dt.get_text() == "Researcher"
    ]
    assert researcher.get_text() == "Grace Hopper"
    target = (folder / researcher["href"] / "index.html").resolve()
    assert target == site / "researchers/grace-hopper/index.html"


def test_assets_are_local(site: Path) -> None:
    assert (site / "assets/thoughts/thoughts.js").is_file()
    page = soup(site, "shared/research")
    scripts = [s.get("src", "") for s in page.find_all("script")]
    assert any(src.endswith("assets/thoughts/thoughts.js") for src in scripts)


def write_author_index_site(root: Path) -> Path:
    return write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(),
            "thoughts/shared/research/index.md": "# Our research\n\nBefore.\n\n"
            "<!-- thoughts:index -->\n\nAfter.\n",
            R1: note("Item 1A extraction", "2025-11-02T10:00:00+00:00"),
        },
    )


def test_author_index_gets_listing_at_marker(tmp_path: Path) -> None:
    write_author_index_site(tmp_path)
    build_site(tmp_path)
    page = soup(tmp_path / "site", "shared/research")
    text = page.select_one("article").get_text(" ", strip=True)
    assert text.index("Before.") < text.index("Item 1A extraction") < text.index("After.")


def test_builds_are_deterministic(tmp_path: Path, site: Path) -> None:
    first = {p: p.read_bytes() for p in sorted(site.rglob("*.html"))}
    root = site.parent
    build_site(root)
    second = {p: p.read_bytes() for p in sorted(site.rglob("*.html"))}
    assert first == second


def test_graph_page_has_every_note_as_a_linked_node(site: Path) -> None:
    page = soup(site, "graph")
    nodes = page.select("svg[data-graph=full] .tg-nodes > a")
    assert len(nodes) == 6
    for node in nodes:
        href = node.get("href") or node.get("xlink:href")
        assert (site / "graph" / href / "index.html").resolve().is_file(), href


def test_local_graph_shows_the_neighbours(site: Path) -> None:
    plan = soup(site, "shared/plans/2025-12-03_18-14-34_segment-plan")
    local = plan.select_one("svg[data-graph=local]")
    titles = sorted(a.find("title").get_text() for a in local.select(".tg-nodes > a"))
    assert any("Risk segmentation" in title for title in titles)
    assert any("Segmentation PR" in title for title in titles)
    assert any("Segmenting plan" in title for title in titles)
    assert not any("Item 1A extraction" in title for title in titles)


def write_material_tags_site(root: Path) -> Path:
    config = mkdocs_yml().replace("  - search\n", "  - search\n  - tags\n")
    config += "markdown_extensions:\n  - attr_list\n"
    return write_tree(
        root,
        {
            "mkdocs.yml": config,
            R2: note("Risk segmentation", "2025-12-01T09:30:00+01:00", tags="[segmentation, Café]"),
        },
    )


def test_material_tags_plugin_lists_the_notes_and_index_links_reach_its_anchors(
    tmp_path: Path,
) -> None:
    write_material_tags_site(tmp_path)
    build_site(tmp_path)
    site = tmp_path / "site"
    tags = soup(site, "tags")
    anchors = {element["id"] for element in tags.select("[id^='tag:']")}
    listed = [a.get_text(strip=True) for a in tags.select("article a")]
    assert "Risk segmentation" in listed
    # Each fact once: Material shows the tags above the title, so the header does not.
    note_page = soup(site, R2.removeprefix("thoughts/").removesuffix(".md"))
    shown = {a.get_text(strip=True) for a in note_page.select("article .md-tags a")}
    assert shown == {"segmentation", "Café"}
    assert note_page.select(".th-note-header .th-tag") == []
    index = soup(site, "shared/research")
    for link in index.select("a.th-tag"):
        assert link["href"].split("#", 1)[1] in anchors, (link["href"], anchors)


def test_builds_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Sets of tags and researchers that differ only in case were listed in the set's order,
    which changes with the hash seed: two processes built two different index pages."""
    notes = {
        f"thoughts/shared/research/2025-12-0{day}_12-00-00_n{day}.md": (
            f"---\ndate: 2025-12-0{day}T12:00:00+00:00\nresearcher: {who}\ngit_commit: abcdef1\n"
            f"branch: main\nrepository: r\ntopic: Note {day}\ntags: [{tag}, b{day}]\n"
            "status: complete\n---\n# Note\n"
        )
        for day, who, tag in [
            (1, "ada", "Pipeline"),
            (2, "Ada", "pipeline"),
            (3, "ADA", "PIPELINE"),
        ]
    }
    root = write_tree(tmp_path, {"mkdocs.yml": mkdocs_yml("      check_commits: false\n"), **notes})
    pages = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"site-{seed}"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(out)],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed, "NO_MKDOCS_2_WARNING": "1"},
            check=True,
        )
        pages.append((out / "shared/research/index.html").read_bytes())
    assert pages[0] == pages[1] == pages[2]


def test_material_tags_that_would_share_an_anchor_get_their_own(tmp_path: Path) -> None:
    """Material's slugs make `C++` and `c` one anchor (and `!!!` and `???` an empty one): a link
    to the second tag landed on the first. Only colliding tags change; `segmentation` keeps
    Material's own slug."""
    write_material_tags_site(tmp_path)
    write_tree(
        tmp_path,
        {
            R1: note(
                "Item 1A extraction", "2025-12-02T09:30:00+01:00", tags="[C++, c, '!!!', '???']"
            )
        },
    )
    build_site(tmp_path)
    site = tmp_path / "site"
    tags = soup(site, "tags")
    anchors = [element["id"] for element in tags.select("[id^='tag:']")]
    assert len(anchors) == len(set(anchors)) == 6, anchors
    assert "tag:segmentation" in anchors
    index = soup(site, "shared/research")
    linked = {
        link.get_text(strip=True): link["href"].split("#", 1)[1]
        for link in index.select("a.th-tag")
    }
    assert {"C++", "c", "!!!", "???"} <= set(linked)
    assert len({linked[tag] for tag in ("C++", "c", "!!!", "???")}) == 4
    assert set(linked.values()) <= set(anchors)
    note_page = soup(site, R1.removeprefix("thoughts/").removesuffix(".md"))
    chips = {
        a.get_text(strip=True): a["href"].split("#", 1)[1]
        for a in note_page.select("article .md-tags a")
    }
    assert chips == {tag: linked[tag] for tag in ("C++", "c", "!!!", "???")}

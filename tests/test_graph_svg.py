"""The graph drawn at build time: layout, escaping of everything a note provides, determinism,
the local graph, and the page script in real Chromium."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.graph import Graph, build_graph
from mkdocs_thoughts.core.links import NoteIndex
from mkdocs_thoughts.core.notes import Note
from mkdocs_thoughts.site.graph_layout import SITE_WIDTH, column_layout, text_width, type_order
from mkdocs_thoughts.site.graph_svg import render_graph_svg, render_local_svg, safe_href
from svggeom import label_boxes, label_edge_crossings
from test_links import OTHER, PLAN, PR, RESEARCH, load, note_text

SVG = "{http://www.w3.org/2000/svg}"
ASSETS = Path(__file__).resolve().parents[1] / "plugins" / "mkdocs_thoughts" / "assets"
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "</script>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "a\x01b",  # not allowed in XML at all
)


def url_for(note: Note) -> str:
    return note.doc_uri.removesuffix(".md") + "/"


def graph_of(root: Path, files: dict[str, str], **options: object) -> Graph:
    settings = ThoughtsSettings(check_commits=False, **options)  # type: ignore[arg-type]
    corpus, _ = load(root, files, settings)
    return corpus.relation_graph(settings)


def many(count: int, folder: str = "research") -> dict[str, str]:
    """``count`` notes of one folder, one a day."""
    files = {}
    for index in range(count):
        day = f"2025-{1 + index // 28:02d}-{1 + index % 28:02d}"
        files[f"thoughts/shared/{folder}/{day}_10-00_n{index}.md"] = note_text(
            f"Note {index}", date=day
        )
    return files


@pytest.fixture
def small(tmp_path: Path) -> Graph:
    return graph_of(
        tmp_path,
        {
            RESEARCH: note_text("Research", status="in_progress"),
            OTHER: note_text("Other research", body=f"[r]({RESEARCH})\n"),
            PLAN: note_text("Plan", related_research=RESEARCH, supersedes=OTHER),
            PR: note_text("PR", plan_doc=PLAN, status=None),
            "thoughts/notes/2025-12-06_10-00_loose.md": note_text("Loose", related=PR),
        },
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the SVG is well-formed XML


# --- Layout -------------------------------------------------------------------------------------


def test_bands_in_lifecycle_order_newest_first(small: Graph) -> None:
    layout = column_layout(small, type_order(small, ["research", "plans", "prs"]))
    assert [band.key for band in layout.bands] == ["research", "plans", "prs", ""]
    assert [band.count for band in layout.bands] == [2, 1, 1, 1]
    xs = [layout.positions[node_id][0] for node_id in (RESEARCH, PLAN, PR)]
    assert xs == sorted(xs)
    # Same day: the later file name is newer and comes first (rows are filled left to right).
    (x_other, y_other), (x_research, y_research) = (layout.positions[n] for n in (OTHER, RESEARCH))
    assert (y_other, x_other) < (y_research, x_research)
    assert layout.labels  # titles next to the nodes
    assert layout.strips == []  # one week: no time axis


def test_time_bands_newest_first_within_a_screen_wide_picture(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {**many(300), **many(60, "plans")})
    layout = column_layout(graph, ["research", "plans"])
    research, plans = layout.bands
    columns = {layout.positions[node_id][0] for node_id in graph.nodes if "/research/" in node_id}
    assert len(columns) > 1  # not one column 300 rows tall
    assert layout.width <= SITE_WIDTH < layout.height  # as wide as a screen, growing with time
    assert layout.period == "Month"
    titles = [strip.title for strip in layout.strips]
    assert titles == sorted(titles, reverse=True) and titles[0] == "2025-11"
    for strip in layout.strips:  # every note in the band of its month, both types side by side
        inside = [
            n for n in graph.nodes.values() if strip.top < layout.positions[n.id][1] < strip.bottom
        ]
        assert {f"{n.date:%Y-%m}" for n in inside} == {strip.title}
    january = next(strip for strip in layout.strips if strip.title == "2025-01")
    assert {
        n.type
        for n in graph.nodes.values()
        if january.top < layout.positions[n.id][1] < january.bottom
    } == {"research", "plans"}
    assert research.x < plans.x
    assert len(set(layout.positions.values())) == len(graph)  # nobody on top of another


# --- SVG ----------------------------------------------------------------------------------------


def test_nodes_are_links_with_data_and_tooltips(small: Graph) -> None:
    root = parse(render_graph_svg(small, url_for))
    assert root.get("data-graph") == "full" and root.get("class") == "tg-graph"
    nodes = root.findall(f".//{SVG}g[@class='tg-nodes']/{SVG}a")
    assert len(nodes) == len(small)
    plan = next(
        a for a in nodes if a.get("href") == "shared/plans/2025-12-03_18-14-34_tokenizer-plan/"
    )
    assert (plan.get("data-type"), plan.get("data-status"), plan.get("data-tags")) == (
        "plans",
        "complete",
        "x",
    )
    assert plan.findtext(f"{SVG}title").startswith("Plan\nplans · complete · 2025-12-03")
    edges = root.findall(f".//{SVG}g[@class='tg-edges']/{SVG}path")
    kinds = sorted(path.get("class") for path in edges)
    assert kinds == ["k-builds_on", "k-implements", "k-links_to", "k-related", "k-supersedes"]
    for path in edges:
        assert 0 <= int(path.get("data-s")) < len(nodes) and 0 <= int(path.get("data-t")) < len(
            nodes
        )
    legend = "".join(root.find(f".//{SVG}g[@class='tg-legend']").itertext())
    for word in ("Research", "Plans", "PRs", "in progress", "builds on", "supersedes", "links to"):
        assert word in legend


def test_same_notes_same_bytes(tmp_path: Path) -> None:
    files = {**many(40), **many(10, "plans")}
    files[PLAN] = note_text("Plan", based_on=list(files)[:5], body=f"`{list(files)[7]}`\n")
    first = render_graph_svg(graph_of(tmp_path / "a", files), url_for)
    second = render_graph_svg(graph_of(tmp_path / "b", files), url_for)
    assert first == second
    # And whatever order the notes and relations come in.
    settings = ThoughtsSettings(check_commits=False)
    corpus, _ = load(tmp_path / "c", files, settings)
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    relations = [r for note in corpus.notes for r in index.relations(note)]
    shuffled = build_graph(corpus.notes[::-1], relations[::-1], settings)
    assert render_graph_svg(shuffled, url_for) == first


@pytest.fixture
def evil(tmp_path: Path) -> Graph:
    files = {
        f"thoughts/shared/research/2025-12-0{index + 1}_10-00_n{index}.md": note_text(
            payload, status=payload, tags=(payload, "ok"), related=RESEARCH
        )
        for index, payload in enumerate(PAYLOADS)
    }
    files[RESEARCH] = note_text("Target")
    # The payloads are statuses a team allowed, so they reach the page.
    return graph_of(tmp_path, files, extra_statuses=list(PAYLOADS))


@pytest.mark.parametrize("local", [False, True], ids=["site graph", "local graph"])
def test_no_payload_becomes_markup(evil: Graph, local: bool) -> None:
    svg = (
        render_local_svg(evil, RESEARCH, url_for)
        if local
        else render_graph_svg(evil, url_for, labels=True)
    )
    root = parse(svg)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "style", "defs", "marker", "path", "g", "text", "a", "circle"}
    for element in root.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
        assert not element.get("href", "").lower().startswith("javascript:")
    for raw in ("<img", "<script", "</script>", "\x01"):
        assert raw not in svg
    statuses = {a.get("data-status") for a in root.iter(f"{SVG}a")}
    assert set(PAYLOADS[:5]) <= statuses  # the values survive, as text
    tags_seen = {tag for a in root.iter(f"{SVG}a") for tag in a.get("data-tags").split()}
    assert "<img-src=x-onerror=alert(1)>" in tags_seen  # a space inside a tag becomes a dash
    titles = {a.findtext(f"{SVG}title").split("\n")[0] for a in root.iter(f"{SVG}a")}
    assert "</script>" in titles and "ab" in titles
    style = root.findtext(f"{SVG}style")
    assert "<" not in style  # payload statuses become class names of [A-Za-z0-9_-] only


def test_hrefs_with_a_scheme_become_relative() -> None:
    assert safe_href("javascript:alert(1)") == "./javascript:alert(1)"
    assert safe_href(" JaVa\tScRiPt:alert(1)") == "./JaVa\tScRiPt:alert(1)"
    assert safe_href("data:text/html,x") == "./data:text/html,x"
    assert safe_href("https://example.com/x/") == "https://example.com/x/"
    assert safe_href("../shared/plans/x/") == "../shared/plans/x/"


def test_every_href_goes_through_the_check(small: Graph) -> None:
    svg = render_graph_svg(small, lambda note: "javascript:alert(1)")
    assert 'href="javascript:' not in svg and 'href="./javascript:alert(1)"' in svg


def test_local_graph_centres_the_note_and_limits_nodes(tmp_path: Path) -> None:
    files = many(50)
    files[PLAN] = note_text("Hub", based_on=list(files))
    graph = graph_of(tmp_path, files)
    root = parse(render_local_svg(graph, PLAN, url_for, max_nodes=12))
    assert root.get("data-graph") == "local"
    nodes = root.findall(f".//{SVG}g[@class='tg-nodes']/{SVG}a")
    assert len(nodes) == 12
    [centre] = [a for a in nodes if "tg-c" in a.get("class").split()]
    assert centre.findtext(f"{SVG}title").startswith("Hub")
    assert "+39 more not shown" in "".join(root.itertext())
    xs = sorted(float(c.get("cx")) for c in root.iter(f"{SVG}circle") if c.get("cx"))
    centre_x = float(centre.find(f"{SVG}circle").get("cx"))
    assert xs[0] < centre_x  # what the hub builds on sits to its left


def test_site_graph_stays_small_per_note(tmp_path: Path) -> None:
    files = many(200)
    files[PLAN] = note_text("Plan", based_on=list(files)[:50])
    graph = graph_of(tmp_path, files)
    svg = render_graph_svg(graph, url_for)
    assert len(svg.encode()) / len(graph) < 600
    assert svg.split('<g class="tg-nodes">')[1].count("<text") == len(graph)  # every title


# --- Labels and edges ---------------------------------------------------------------------------

WIDE_TITLES = (
    "WWW MMM WWW: the widest capitals in a title that goes on and on and on",
    "Ünïcödé → 東京 📈 titles count every character outside ASCII as a full em",
    "What the pipeline measures on 10-K risk factors",
)


def busy(count: int) -> dict[str, str]:
    """``count`` notes of three types over several months, related every which way, with body
    links and titles from short to very wide."""
    rng = random.Random(7)
    files: dict[str, str] = {}
    made: list[str] = []
    for index in range(count):
        folder = ("research", "plans", "prs", "notes")[index % 4]
        day = f"2025-{1 + index % 5:02d}-{1 + index % 27:02d}"
        path = f"thoughts/shared/{folder}/{day}_10-00_n{index}.md"
        title = WIDE_TITLES[index % 3] if index % 5 == 0 else f"Note {index} " + "x" * (index % 40)
        relations = {}
        if made:
            relations["related"] = rng.sample(made, min(len(made), rng.randint(1, 3)))
        body = "".join(f"`{rng.choice(made)}`\n" for _ in range(rng.randint(0, 2))) if made else ""
        files[path] = note_text(title, date=day, body=body, **relations)
        made.append(path)
    return files


def test_no_label_is_crossed_by_an_edge(tmp_path: Path, small: Graph) -> None:
    graph = graph_of(tmp_path, busy(160))
    assert len(graph.edges) > 300
    site = render_graph_svg(graph, url_for)
    assert label_edge_crossings(site) == []
    assert label_edge_crossings(render_graph_svg(small, url_for)) == []
    for node_id in list(graph.nodes)[::9]:
        assert label_edge_crossings(render_local_svg(graph, node_id, url_for)) == [], node_id
    # The check itself finds a crossing when there is one: an edge straight through a label.
    root = parse(site)
    _, (left, top, right, bottom) = label_boxes(root)[0]
    crossing = site.replace(
        '<g class="tg-edges">',
        f'<g class="tg-edges">\n<path d="M{left - 5} {(top + bottom) / 2}H{right + 5}"/>',
    )
    assert len(label_edge_crossings(crossing)) >= 1


def test_labels_fit_their_room_and_tooltips_keep_the_whole_title(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, busy(90))
    layout = column_layout(graph, type_order(graph, ["research", "plans", "prs"]))
    root = parse(render_graph_svg(graph, url_for))
    shortened = 0
    for node in root.iter(f"{SVG}a"):
        label = node.find(f"{SVG}text").text
        title = node.findtext(f"{SVG}title").split("\n")[0]
        if label != title:
            shortened += 1
            assert label.endswith("…") and title.startswith(label[:-1].rstrip())
        assert text_width(label) <= max(layout.label_room.values())
    assert shortened > 0


# --- The page script ----------------------------------------------------------------------------


@needs_chromium()
@pytest.mark.browser
def test_graph_script_in_chromium(tmp_path: Path, evil: Graph) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "graph.js").write_text((ASSETS / "graph.js").read_text())
    (site / "graph.css").write_text((ASSETS / "graph.css").read_text())
    page_html = (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="graph.css">'
        "</head><body><main>"
        + render_graph_svg(evil, url_for, labels=False)
        + render_local_svg(evil, RESEARCH, url_for)
        + '</main><script src="graph.js"></script></body></html>'
    )
    (site / "index.html").write_text(page_html, encoding="utf-8")
    with serve(site) as base, browser() as session:
        page = session.page
        page.goto(base + "index.html")
        page.wait_for_selector(".tg-toolbar")
        assert page.locator(".tg-toolbar + svg[data-graph=full]").count() == 1
        assert page.locator(".tg-toolbar select").count() == 3
        node_count = len(evil)
        assert page.locator(".tg-count").inner_text() == f"{node_count} notes"

        # Hover a node: it and its neighbours are highlighted, the rest fades.
        first = page.locator("svg[data-graph=full] .tg-nodes > a").first
        first.hover()
        assert page.locator("svg[data-graph=full].tg-focus").count() == 1
        assert page.locator("svg[data-graph=full] .tg-nodes > a.tg-hl").count() >= 2

        # Filter by status: one payload status matches one note.
        status = page.locator(".tg-toolbar select").nth(1)
        status.select_option(value=PAYLOADS[0])
        assert page.locator(".tg-count").inner_text() == f"1 of {node_count} notes"
        visible = page.locator("svg[data-graph=full] .tg-nodes > a:not(.tg-off)")
        assert visible.count() == 1
        status.select_option(value="*")
        tag = page.locator(".tg-toolbar select").nth(2)
        tag.select_option(value="ok")
        assert page.locator(".tg-count").inner_text() == f"{len(PAYLOADS)} of {node_count} notes"

        # Find a note by name: matches stand out; Enter centres the first and lights its
        # neighbours until the box is cleared.
        tag.select_option(value="*")
        find = page.get_by_label("Find a note by name")
        find.fill("targ")
        assert page.locator("svg[data-graph=full] .tg-nodes > a.tg-match").count() == 1
        assert page.locator(".tg-found").inner_text() == "1 match"
        before_find = page.locator("svg[data-graph=full]").get_attribute("viewBox")
        find.press("Enter")
        lit = page.locator("svg[data-graph=full] .tg-nodes > a.tg-hl")
        assert lit.count() == len(PAYLOADS) + 1  # the target and every note related to it
        titles = lit.locator("title").evaluate_all("list => list.map(t => t.textContent)")
        assert any(title.startswith("Target") for title in titles)
        assert page.locator("svg[data-graph=full]").get_attribute("viewBox") != before_find
        find.press("Escape")
        assert page.locator("svg[data-graph=full].tg-focus").count() == 0
        assert page.locator("svg[data-graph=full] .tg-match").count() == 0
        page.get_by_role("button", name="Reset zoom").click()

        # Zoom with the buttons, pan by dragging, reset.
        svg = page.locator("svg[data-graph=full]")
        before = svg.get_attribute("viewBox")
        page.get_by_role("button", name="Zoom in").click()
        zoomed = svg.get_attribute("viewBox")
        assert zoomed != before
        box = svg.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 10, box["y"] + 10)
        page.mouse.down()
        page.mouse.move(box["x"] + 80, box["y"] + 60, steps=5)
        page.mouse.up()
        assert svg.get_attribute("viewBox") != zoomed
        page.mouse.wheel(0, 200)  # the graph is in use after the click: the wheel zooms
        page.get_by_role("button", name="Reset zoom").click()
        assert svg.get_attribute("viewBox") == before
        assert page.url == base + "index.html"  # the drag did not follow a link

        # The local graph highlights too.
        page.locator("svg[data-graph=local] .tg-c circle").hover()
        assert page.locator("svg[data-graph=local].tg-focus").count() == 1

    assert session.errors == []
    assert session.dialogs == []


def test_data_tags_are_space_separated_and_dashed(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {RESEARCH: note_text("R", tags=("machine learning", "nlp"))})
    root = parse(render_graph_svg(graph, url_for))
    assert root.find(f".//{SVG}a").get("data-tags") == "machine-learning nlp"
    assert root.get("aria-label") == "Note graph: 1 note, 0 relations"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))


def test_body_links_can_be_left_out(small: Graph) -> None:
    root = parse(render_graph_svg(small, url_for, body_links=False))
    kinds = {path.get("class") for path in root.iter(f"{SVG}path") if path.get("data-s")}
    assert kinds == {"k-builds_on", "k-implements", "k-related", "k-supersedes"}


def test_the_graph_page_opens_on_the_newest_notes_a_standalone_svg_shows_all(
    tmp_path: Path,
) -> None:
    graph = graph_of(tmp_path, {**many(300), **many(60, "plans")})
    whole = parse(render_graph_svg(graph, url_for))
    width, height = (int(v) for v in whole.get("data-size").split())
    assert whole.get("viewBox") == f"0 0 {width} {height}" and height > width
    assert "tg-lazy" not in whole.get("class")
    page = parse(render_graph_svg(graph, url_for, page=True))
    assert page.get("data-size") == f"{width} {height}"
    _, _, shown_width, shown = (int(v) for v in page.get("viewBox").split())
    assert shown_width == width and shown < height / 2
    # The newest notes are in the opening view; labels far below it wait for the first paint.
    assert "tg-lazy" in page.get("class").split()
    later = [a for a in page.iter(f"{SVG}a") if "tg-later" in a.get("class").split()]
    newest = next(
        a for a in page.iter(f"{SVG}a") if a.findtext(f"{SVG}title").startswith("Note 299")
    )
    assert 0 < len(later) < len(graph) and newest not in later

"""Run charts (bytes, escaping) and the HTML of run pages, the runs index and note run cards."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from bs4 import BeautifulSoup
from markupsafe import Markup
from mkdocs_thoughts.core.notes import Note
from mkdocs_thoughts.runs.citations import RunLinks, link_runs
from mkdocs_thoughts.runs.discovery import discover_runs
from mkdocs_thoughts.runs.run_set import RunSet
from mkdocs_thoughts.site.render import Renderer
from mkdocs_thoughts.site.run_charts import Bar, bar_chart, line_chart, number, thin
from mkdocs_thoughts.site.run_pages import (
    RUNS_INDEX_URI,
    RUNS_MARKER,
    RunPages,
    directory_url,
    format_duration,
    format_size,
    format_value,
    run_uri,
)
from test_runs import EXTRACT, NOTE, PARSE, SHA, TRAIN, lineage_of, load_notes, make_run, note
from test_runs import run_json as run_meta

SVG = "{http://www.w3.org/2000/svg}"
PAYLOAD = "<img src=x onerror=alert(1)>"
PAYLOADS = (PAYLOAD, '"><script>alert(1)</script>', "' onmouseover='alert(1)", "a\x01b&c")
PLAN = "thoughts/shared/plans/2026-01-08_10-00_next.md"
ASSETS = Path(__file__).resolve().parents[1] / "plugins" / "mkdocs_thoughts" / "assets"


# --- charts -------------------------------------------------------------------------------------


def test_line_chart_is_valid_deterministic_svg() -> None:
    points = [(float(step), 1 / (step + 1)) for step in range(50)]
    first, second = line_chart("loss", points), line_chart("loss", list(points))
    assert first == second
    root = ET.fromstring(first)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-label") == "loss"
    (line,) = root.iter(f"{SVG}polyline")
    coordinates = line.get("points", "").split()
    assert len(coordinates) == 50
    assert coordinates[0] == "52.0,20.0" and coordinates[-1] == "310.0,138.0"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels == ["loss", "0.02", "0.51", "1", "0", "49"]


def test_line_chart_edge_cases() -> None:
    single = ET.fromstring(line_chart("one", [(3.0, 7.0)]))
    assert len(list(single.iter(f"{SVG}circle"))) == 1
    flat = ET.fromstring(line_chart("flat", [(0.0, 2.0), (1.0, 2.0)]))
    assert [t.text for t in flat.iter(f"{SVG}text")][1:4] == ["1.9", "2", "2.1"]
    empty = ET.fromstring(line_chart("none", []))
    assert not list(empty.iter(f"{SVG}polyline"))
    gap = ET.fromstring(line_chart("gap", [(0.0, float("nan")), (1.0, 1.0), (2.0, 3.0)]))
    (line,) = gap.iter(f"{SVG}polyline")
    assert len(line.get("points", "").split()) == 2


def test_long_curves_are_thinned_keeping_both_ends() -> None:
    points = [(float(i), float(i)) for i in range(10_001)]
    kept = thin(points, 400)
    assert len(kept) == 400 and kept[0] == points[0] and kept[-1] == points[-1]
    assert thin(points[:5], 400) == points[:5]
    (line,) = ET.fromstring(line_chart("long", points)).iter(f"{SVG}polyline")
    assert len(line.get("points", "").split()) == 400


def test_bar_chart_draws_signed_values_from_zero() -> None:
    bars = [Bar("up", 2.0, "../a/"), Bar("down", -1.0), Bar("x" * 50, 0.5)]
    svg = bar_chart("delta", bars)
    assert svg == bar_chart("delta", list(bars))
    root = ET.fromstring(svg)
    rects = list(root.iter(f"{SVG}rect"))
    assert [(r.get("x"), r.get("width")) for r in rects] == [
        ("343.3", "226.7"),
        ("230.0", "113.3"),
        ("343.3", "56.7"),
    ]
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "../a/"
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "x" * 35 + "…" in texts  # cut, with the full label in the tooltip
    assert any(t.text == "x" * 50 + ": 0.5" for t in root.iter(f"{SVG}title"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_charts_escape_every_text(payload: str) -> None:
    for svg in (
        line_chart(payload, [(0.0, 1.0), (1.0, 2.0)]),
        bar_chart(payload, [Bar(payload, 1.0, payload)]),
    ):
        root = ET.fromstring(svg)  # well-formed: nothing broke out of a text or attribute
        tags = {element.tag for element in root.iter()}
        assert tags <= {
            f"{SVG}{name}"
            for name in ("svg", "title", "text", "line", "polyline", "g", "rect", "a")
        }
        assert "<img" not in svg and "<script" not in svg
        assert "\x01" not in svg


def test_number_spelling() -> None:
    assert [number(v) for v in (3.0, 0.123456, 1234567.0, 1e20, -0.5, 2.5e-7)] == [
        "3",
        "0.1235",
        "1234567",
        "1e+20",
        "-0.5",
        "2.5e-07",
    ]


# --- formatting ---------------------------------------------------------------------------------


def test_formatting() -> None:
    assert [format_value(v) for v in (None, True, 3, 0.25, "s", [1, "a"], {"a": 1})] == [
        "null",
        "true",
        "3",
        "0.25",
        "s",
        '[1, "a"]',
        '{"a": 1}',
    ]
    assert [format_duration(s) for s in (None, 0.024, 12.4, 75, 7300)] == [
        "",
        "0.024 s",
        "12 s",
        "1 min 15 s",
        "2 h 1 min",
    ]
    assert [format_size(s) for s in (0, 1023, 1536, 5 * 1024**3)] == [
        "0 B",
        "1023 B",
        "1.5 KB",
        "5.0 GB",
    ]
    assert directory_url("runs/index.md") == "runs/"
    assert directory_url("runs/x.md") == "runs/x/"


# --- pages --------------------------------------------------------------------------------------


def build(root: Path) -> tuple[RunSet, list[Note], RunLinks, RunPages]:
    make_run(
        root,
        PARSE,
        run=run_meta("parse", "20260105_140307", notes=[PLAN]),
        config={"stage": "parse", "drop_tables": False},
        metrics={"files": 2, "failed": 1},
        lineage=lineage_of("parse", PARSE, []),
    )
    make_run(
        root,
        EXTRACT,
        run=run_meta("extract", "20260105_140310", status="failed", error="ValueError: boom"),
        metrics={"files": 1, "failed": 1},
        lineage=lineage_of(
            "extract", EXTRACT, [{"stage": "parse", "run_id": "x", "run_dir": PARSE}]
        ),
    )
    make_run(
        root,
        TRAIN,
        run={**run_meta("train", "20260106_090000", duration_seconds=95.0), "name": PAYLOAD},
        config={"model": {"name": PAYLOAD, "layers": 12}, PAYLOAD: 1},
        metrics={"f1": 0.91, "loss": 0.3, PAYLOAD: 2.0, "extra": 4, "files": 3},
        log=[{"step": s, "time": "t", "loss": 1 / (s + 1), PAYLOAD: s} for s in range(5)],
        files={"model.bin": "x" * 2048},
    )
    make_run(root, "data/processed/labeled/20260107_000000_lonely", config={})
    notes = load_notes(
        root,
        {
            NOTE: note("20260106_090000_train, 20260105_140307_parse, 20990101_000000_missing"),
            PLAN: note(commit="fedcba9", body=f"See `{TRAIN}`."),
        },
    )
    runs = discover_runs(root)
    links = link_runs(notes, runs, root)
    pages = RunPages(
        runs,
        links,
        Renderer(),
        note_urls={NOTE: "shared/research/2026-01-07_10-00_results/"},
        commit_url=lambda sha: f"https://git.example.org/commit/{sha}",
    )
    return runs, notes, links, pages


def soup(html: str) -> BeautifulSoup:
    assert "<img" not in html and "<script" not in html
    return BeautifulSoup(html, "html.parser")


def test_specs_markdown_and_fill(tmp_path: Path) -> None:
    runs, _, _, pages = build(tmp_path)
    specs = pages.specs()
    assert [spec.src_uri for spec in specs] == [RUNS_INDEX_URI] + [run_uri(r) for r in runs]
    assert specs[1].src_uri == "runs/20260107_000000_lonely.md"
    assert pages.markdown(specs[0]) == f"# Runs\n\n{RUNS_MARKER}\n"
    filled = pages.fill(specs[0], f"<h1>Runs</h1>\n{RUNS_MARKER}\n", "runs/")
    assert RUNS_MARKER not in filled and "data-th-listing" in filled
    assert pages.fill(specs[0], "<p>no marker</p>", "runs/") == "<p>no marker</p>"


def test_runs_index(tmp_path: Path) -> None:
    runs, _, _, pages = build(tmp_path)
    page = soup(pages.index_html("runs/"))
    listing = page.select_one("[data-th-listing]")
    assert listing is not None
    headers = [th.get("data-th-sort") for th in listing.select("thead th")]
    # Columns: the final metrics most runs have (files: 3 runs, failed: 2, then by name).
    assert headers == [
        "day",
        "title",
        "name",
        "status",
        "duration",
        None,
        "m0",
        "m1",
        "m2",
        "m3",
        "notes",
    ]
    assert [th.get_text() for th in listing.select("thead th")][6:10] == [
        "files",
        "failed",
        PAYLOAD,
        "extra",
    ]
    rows = listing.select("tr.th-row")
    assert [row["data-title"] for row in rows] == [run.slug for run in runs]
    train = rows[1]
    assert train["data-name"] == PAYLOAD and train["data-status"] == "completed"
    assert train.select_one("a")["href"] == "20260106_090000_train/"
    assert train.select_one("a.th-sha")["href"] == f"https://git.example.org/commit/{SHA}"
    assert train.select("td")[4].get_text() == "1 min 35 s"
    # Sort keys are ranks, so the listing script's text comparison orders numbers right.
    assert [row["data-m0"] for row in rows] == ["", "000002", "000000", "000001"]
    assert [row["data-day"] for row in rows] == ["000003", "000002", "000001", "000000"]
    assert [row["data-notes"] for row in rows] == ["000000", "000002", "000000", "000002"]
    statuses = [o["value"] for o in listing.select("[data-th-filter=status] option")]
    assert statuses == ["", "completed", "failed", "unknown"]

    compare = page.select_one("[data-th-charts]")
    options = [o.get_text() for o in compare.select("[data-th-chart-select] option")]
    assert options == ["files", "failed", PAYLOAD, "extra", "f1", "loss"]
    figures = compare.select("[data-th-chart]")
    assert [f.has_attr("hidden") for f in figures] == [False] + [True] * 5
    bars = figures[0].select("rect")
    assert len(bars) == 3  # the runs that have the metric
    assert figures[0].select_one("a")["href"] == "20260106_090000_train/"

    uncited = [a.get_text() for a in page.select(".th-runs__uncited a")]
    assert uncited == ["20260107_000000_lonely", "20260105_140310_extract_0123456"]


def test_run_page(tmp_path: Path) -> None:
    runs, _, _, pages = build(tmp_path)
    train = runs.by_dir[TRAIN]
    page = soup(pages.run_html(train, f"runs/{train.slug}/"))
    facts = {
        div.dt.get_text(): div.dd.get_text(" ", strip=True)
        for div in page.select(".th-facts > div")
    }
    assert facts["Status"] == "completed"
    assert facts["Name"] == PAYLOAD
    assert facts["Duration"] == "1 min 35 s"
    assert facts["Commit"] == SHA[:7]
    assert facts["Started"] == "2026-01-06 09:00:00 +01:00"
    assert facts["Directory"] == TRAIN
    assert page.select_one(".th-sha")["href"] == f"https://git.example.org/commit/{SHA}"
    metrics = [
        tuple(td.get_text() for td in tr.select("td"))
        for tr in page.select(".th-run__metrics tbody tr")
    ]
    assert metrics == [
        ("f1", "0.91"),
        ("loss", "0.3"),
        (PAYLOAD, "2"),
        ("extra", "4"),
        ("files", "3"),
    ]
    config = [
        tuple(td.get_text() for td in tr.select("td"))
        for tr in page.select(".th-run__config tbody tr")
    ]
    assert config == [("model.name", PAYLOAD), ("model.layers", "12"), (PAYLOAD, "1")]
    charts = page.select(".th-run__curves svg")
    assert [svg["aria-label"] for svg in charts] == ["loss", PAYLOAD]
    files = [
        (tr.td.get_text(), tr.select("td")[1].get_text())
        for tr in page.select(".th-run__files tbody tr")
    ]
    assert ("model.bin", "2.0 KB") in files
    notes = page.select_one(".th-relations")
    links = [(a.get_text(), a["href"]) for a in notes.select("a")]
    assert links == [("Results", "../../shared/research/2026-01-07_10-00_results/")]
    # A note without a URL on this site is named, not linked; its commit differs from the run's.
    assert "Results" in notes.get_text() and "different commit" in notes.get_text()


def test_run_page_lineage_and_failure(tmp_path: Path) -> None:
    runs, _, _, pages = build(tmp_path)
    parse, extract = runs.by_dir[PARSE], runs.by_dir[EXTRACT]
    page = soup(pages.run_html(extract, f"runs/{extract.slug}/"))
    upstream = page.find("strong", string="Upstream:").parent
    assert [a["href"] for a in upstream.select("a")] == ["../20260105_140307_parse_0123456/"]
    assert "ValueError: boom" in page.select_one(".admonition.failure").get_text()
    outcomes = page.select(".th-outcome--failed td")
    assert [td.get_text() for td in outcomes] == ["b.html", "failed", "failed", "ValueError: bad"]
    page = soup(pages.run_html(parse, f"runs/{parse.slug}/"))
    downstream = page.find("strong", string="Downstream:").parent
    assert [a.get_text() for a in downstream.select("a")] == ["20260105_140310_extract_0123456"]
    # The plan is named by run.json only, and has no URL here: shown, not linked.
    assert "Results" in page.select_one(".th-relations").get_text()


def test_run_page_shows_unreadable_files(tmp_path: Path) -> None:
    make_run(tmp_path, TRAIN, run="{", files={})
    runs = discover_runs(tmp_path)
    pages = RunPages(runs, link_runs([], runs, tmp_path), Renderer(), note_urls={})
    page = soup(pages.run_html(runs.runs[0], "runs/x/"))
    warning = page.select_one(".admonition.warning").get_text()
    assert f"{TRAIN}/run.json:1" in warning and "TH401" in warning
    assert page.select_one(".th-status").get_text() == "unknown"


def test_note_card(tmp_path: Path) -> None:
    _, notes, _, pages = build(tmp_path)
    by_path = {n.rel_path: n for n in notes}
    card = pages.card(by_path[NOTE], "shared/research/2026-01-07_10-00_results/")
    assert isinstance(card, Markup)
    page = soup(str(card))
    items = page.select(".th-run-card")
    assert len(items) == 3
    train = items[0]
    assert train.a["href"] == "../../../runs/20260106_090000_train/"
    assert [m.get_text(" ", strip=True) for m in train.select(".th-run-card__metric")] == [
        "f1 0.91",
        "loss 0.3",
        f"{PAYLOAD} 2",
    ]
    assert train.select_one(".th-sha").get_text() == SHA[:7]
    assert not train.select(".th-run-card__differs")  # the note is at 0123456, a prefix of SHA
    assert "th-run-card--missing" in items[2]["class"]
    assert items[2].get_text(strip=True) == "20990101_000000_missing"

    plan = soup(str(pages.card(by_path[PLAN], "shared/plans/2026-01-08_10-00_next/")))
    differs = plan.select_one(".th-run-card__differs")
    assert differs is not None and "fedcba9" in differs["title"]
    # Cited in its body, then named by a run's run.json.
    assert [a.get_text() for a in plan.select(".th-run-card > a")] == [
        "20260106_090000_train",
        "20260105_140307_parse_0123456",
    ]


def test_a_note_citing_nothing_has_no_card(tmp_path: Path) -> None:
    make_run(tmp_path, TRAIN, run=run_meta("train", "20260106_090000"))
    notes = load_notes(tmp_path, {NOTE: note()})
    runs = discover_runs(tmp_path)
    pages = RunPages(runs, link_runs(notes, runs, tmp_path), Renderer(), note_urls={})
    assert pages.card(notes[0], "x/") == ""
    index = soup(pages.index_html("runs/"))
    assert index.select_one("[data-th-charts]") is None  # no numeric metric to compare
    assert [a.get_text() for a in index.select(".th-runs__uncited a")] == ["20260106_090000_train"]


def test_empty_index(tmp_path: Path) -> None:
    runs = discover_runs(tmp_path)
    pages = RunPages(runs, link_runs([], runs, tmp_path), Renderer(), note_urls={})
    page = soup(pages.index_html("runs/"))
    assert page.select_one("tbody").get_text(strip=True) == "No runs found."
    assert "Every run is cited by a note." in page.get_text()


def test_assets_exist() -> None:
    script = (ASSETS / "runs.js").read_text(encoding="utf-8")
    assert "[data-th-charts]" in script and "[data-th-chart-select]" in script
    assert ".th-status--failed" in (ASSETS / "runs.css").read_text(encoding="utf-8")


# --- the page scripts ---------------------------------------------------------------------------


@needs_chromium()
@pytest.mark.browser
def test_index_scripts_in_chromium(tmp_path: Path) -> None:
    runs, _, _, pages = build(tmp_path / "repo")
    site = tmp_path / "site"
    site.mkdir()
    for asset in ("thoughts.js", "thoughts.css", "runs.js", "runs.css"):
        (site / asset).write_text((ASSETS / asset).read_text(encoding="utf-8"), encoding="utf-8")
    (site / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="thoughts.css"><link rel="stylesheet" href="runs.css">'
        "</head><body><main>"
        + pages.index_html("")
        + '</main><script src="thoughts.js"></script><script src="runs.js"></script></body></html>',
        encoding="utf-8",
    )
    with serve(site) as base, browser() as session:
        page = session.page
        page.goto(base + "index.html")
        figures = page.locator("[data-th-chart]")
        assert [figures.nth(i).is_visible() for i in range(3)] == [True, False, False]
        page.locator("[data-th-chart-select]").select_option(label=PAYLOAD)
        assert [figures.nth(i).is_visible() for i in range(4)] == [False, False, True, False]

        def order() -> list[str]:
            return page.locator("tr.th-row").evaluate_all("rows => rows.map(r => r.dataset.title)")

        # Sorting by a metric is numeric (ranks), and the second click reverses it.
        page.locator("th[data-th-sort=m0]").click()
        files = {run.slug: run.numeric_metrics.get("files", -1) for run in runs}
        assert order() == sorted(files, key=lambda slug: files[slug])
        page.locator("th[data-th-sort=m0]").click()
        assert order() == sorted(files, key=lambda slug: files[slug], reverse=True)

        page.locator("[data-th-filter=status]").select_option("failed")
        visible = page.locator("tr.th-row:visible")
        assert visible.count() == 1 and visible.get_attribute("data-status") == "failed"
        assert session.errors == [] and session.dialogs == []

"""Benchmark: the relationship graph of 3,000 generated notes with relations.

Run: .venv/bin/python hack/bench_graph.py [--notes 3000] [--no-browser]
Prints the time to build the graph, lay it out and draw it, the SVG's size, the time to draw
every note's local graph, and (with Chromium) how long the graph page takes to render in a
browser (target: at most 2 s).
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.consistency import check_consistency
from mkdocs_thoughts.core.notes import Note
from mkdocs_thoughts.corpus.loader import NoteLoader
from mkdocs_thoughts.site.graph_layout import column_layout, type_order
from mkdocs_thoughts.site.graph_svg import render_graph_svg, render_local_svg

ASSETS = Path(__file__).resolve().parents[1] / "plugins" / "mkdocs_thoughts" / "assets"
CHROMIUM = "/usr/bin/chromium"
TYPES = (("research", 0.5), ("plans", 0.3), ("prs", 0.2))
STATUSES = ("in_progress", "complete", "ready_for_review")
TAGS = ("pipeline", "segmentation", "sentiment", "readability", "extraction", "finetune", "eval")


def generate(root: Path, count: int, seed: int = 11) -> None:
    """``count`` notes under ``root/thoughts`` with frontmatter relations and body links, like
    real corpora: plans build on research, PRs implement plans, research cites and supersedes
    research, and bodies mention a few earlier notes."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    by_type: dict[str, list[str]] = {name: [] for name, _ in TYPES}
    everything: list[str] = []
    for index in range(count):
        kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        when = start + timedelta(hours=index * 3)
        tag = rng.choice(TAGS)
        rel = f"thoughts/shared/{kind}/{when:%Y-%m-%d_%H-%M}_{tag}-{index}.md"
        lines = [
            "---",
            f"date: {when.isoformat()}",
            "researcher: Ada",
            "git_commit: 3d801c3",
            "branch: main",
            "repository: sec-finetune",
            f"topic: {tag.capitalize()} study {index}",
            f"tags: [{tag}, {rng.choice(TAGS)}]",
            f"status: {rng.choice(STATUSES)}",
        ]
        research, plans = by_type["research"], by_type["plans"]
        if kind == "plans" and research:
            picks = rng.sample(research[-200:], min(len(research), rng.randint(1, 3)))
            lines += ["related_research:", *(f"  - {pick}" for pick in picks)]
        if kind == "prs" and plans:
            lines.append(f"plan_doc: {rng.choice(plans[-100:])}")
        if kind == "research" and research and rng.random() < 0.3:
            lines.append(f"based_on: {rng.choice(research[-100:]).rsplit('/', 1)[-1]}")
        if kind == "research" and research and rng.random() < 0.03:
            lines.append(f"supersedes: {research[-1]}")
        lines += ["---", f"# {tag.capitalize()} study {index}", ""]
        for _ in range(rng.randint(0, 3) if everything else 0):
            lines.append(f"See `{rng.choice(everything[-300:])}` for context.")
        if everything and rng.random() < 0.3:
            target = rng.choice(everything[-300:])
            lines.append(f"And [an earlier note](/{target}).")
        lines.append("Findings paragraph with some words about risk factors. " * 10)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        by_type[kind].append(rel)
        everything.append(rel)


def url_for(note: Note) -> str:
    return note.doc_uri.removesuffix(".md") + "/"


def timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def browser_time(svg: str, folder: Path) -> tuple[float, float, float] | None:
    """(first contentful paint, page loaded, set up by the script and painted, every label laid
    out), in seconds: medians of three loads in a warmed-up Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if shutil.which(CHROMIUM) is None:
        return None
    shutil.copy(ASSETS / "graph.js", folder / "graph.js")
    shutil.copy(ASSETS / "graph.css", folder / "graph.css")
    page_file = folder / "graph.html"
    page_file.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="graph.css"></head><body>'
        + svg
        + '<script src="graph.js"></script></body></html>',
        encoding="utf-8",
    )
    (folder / "blank.html").write_text("<!doctype html><title>warm-up</title>", encoding="utf-8")
    paints: list[float] = []
    readies: list[float] = []
    settled: list[float] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            # A first page warms the freshly started browser up (its own start-up is not the
            # graph's cost); then the median of three loads, each in a new page.
            warm_up = chromium.new_page()
            warm_up.goto((folder / "blank.html").as_uri())
            warm_up.close()
            errors: list[str] = []
            for _ in range(3):
                page = chromium.new_page(viewport={"width": 1400, "height": 900})
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(page_file.as_uri(), wait_until="load")
                page.wait_for_selector(".tg-toolbar")
                # Two animation frames after load: the frame with the graph has been painted.
                readies.append(
                    page.evaluate(
                        "() => new Promise(done => requestAnimationFrame(() => "
                        "requestAnimationFrame(() => done(performance.now()))))"
                    )
                )
                # Labels out of the opening view are laid out after the first paint.
                page.wait_for_function(
                    "() => !document.querySelector('svg.tg-lazy')", timeout=60_000
                )
                settled.append(page.evaluate("() => performance.now()"))
                paints.append(
                    page.evaluate(
                        "() => (performance.getEntriesByName('first-contentful-paint')[0]"
                        " || {startTime: 0}).startTime"
                    )
                )
                # Highlighting on a big graph: hover a node the opening view shows.
                x, y = page.evaluate(
                    "() => { for (const a of document.querySelectorAll('.tg-nodes > a')) {"
                    " const r = a.querySelector('circle').getBoundingClientRect();"
                    " if (r.top > 0 && r.bottom < innerHeight"
                    " && r.left > 0 && r.right < innerWidth)"
                    " return [r.left + r.width / 2, r.top + r.height / 2]; } return [0, 0]; }"
                )
                page.mouse.move(x, y)
                page.close()
            if errors:
                print("browser errors:", errors)
        finally:
            chromium.close()
    paint, ready = statistics.median(paints), statistics.median(readies)
    return paint / 1000, ready / 1000, statistics.median(settled) / 1000


def run(count: int, with_browser: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, count)
        settings = ThoughtsSettings(check_commits=False)
        corpus, load_time = timed(lambda: NoteLoader(settings, root / "thoughts", root).load())
        graph, graph_time = timed(lambda: corpus.relation_graph(settings))
        _, layout_time = timed(
            lambda: column_layout(graph, type_order(graph, list(settings.types)))
        )
        svg, svg_time = timed(lambda: render_graph_svg(graph, url_for, page=True))
        _, check_time = timed(lambda: check_consistency(graph, settings))
        locals_, local_time = timed(
            lambda: [render_local_svg(graph, note, url_for) for note in corpus.notes]
        )
        size = len(svg.encode())
        print(f"notes:                       {len(corpus.notes)}")
        print(f"edges:                       {len(graph.edges)}")
        print(f"load notes:                  {load_time * 1000:8.1f} ms")
        print(f"build graph (+ body links):  {graph_time * 1000:8.1f} ms")
        print(f"layout:                      {layout_time * 1000:8.1f} ms")
        print(f"layout + SVG:                {svg_time * 1000:8.1f} ms")
        print(f"consistency rules:           {check_time * 1000:8.1f} ms")
        print(
            f"SVG size:                    {size / 1024:8.1f} KiB "
            f"({size / len(graph):.0f} B/note, {len(gzip.compress(svg.encode())) / 1024:.1f} "
            "KiB gzipped)"
        )
        average = sum(len(item) for item in locals_) / len(locals_)
        print(
            f"every local graph:           {local_time * 1000:8.1f} ms "
            f"({average / 1024:.1f} KiB each on average)"
        )
        if not with_browser:
            return 0
        measured = browser_time(svg, root)
        if measured is None:
            print("Chromium render:             skipped (playwright or /usr/bin/chromium missing)")
            return 0
        paint, ready, settled = measured
        print(f"Chromium first paint:        {paint * 1000:8.1f} ms")
        print(f"Chromium ready (target 2 s): {ready * 1000:8.1f} ms")
        print(f"  every label laid out:      {settled * 1000:8.1f} ms (after the first paint)")
        typed = render_graph_svg(graph, url_for, body_links=False, page=True)
        typed_measured = browser_time(typed, root)
        if typed_measured is not None:
            print(
                f"  without body links:        {typed_measured[1] * 1000:8.1f} ms "
                f"({len(typed.encode()) / 1024:.0f} KiB)"
            )
        return 0 if ready <= 2.0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--no-browser", action="store_true")
    options = parser.parse_args()
    sys.exit(run(options.notes, not options.no_browser))

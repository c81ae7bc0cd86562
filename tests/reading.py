"""What a reader sees at 1280x900 in Chromium, measured on a built site (issue 18's checks).

Used by the browser tests of the project's own site and of the lightfast corpus site.
"""

from __future__ import annotations

import re
import time

VIEWPORT = {"width": 1280, "height": 900}
FIRST_SCREEN_HALF = 450


def open_page(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    page.wait_for_load_state("load")


def note_layout(page) -> dict[str, float | int | None]:  # type: ignore[no-untyped-def]
    """Where a note's own text starts, and how many places show its tags."""
    return page.evaluate(
        """() => {
        const header = document.querySelector('article .th-note-header');
        // checkVisibility also knows that the inside of a closed <details> is not shown.
        const visible = e => e && e.checkVisibility() && e.getBoundingClientRect().height > 0;
        let next = header ? header.nextElementSibling : null;
        while (next && next.getBoundingClientRect().height === 0) next = next.nextElementSibling;
        const h2 = [...document.querySelectorAll('article h2')].find(visible);
        return {
            text: next ? next.getBoundingClientRect().top : null,
            heading: h2 ? h2.getBoundingClientRect().top : null,
            header_bottom: header ? header.getBoundingClientRect().bottom : null,
            tag_places: [...document.querySelectorAll('article .md-tags, article .th-chip--tags')]
                .filter(visible).length,
            status_places: [...document.querySelectorAll('article .th-status')]
                .filter(visible).length,
        };
    }"""
    )


def graph_layout(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The graph's box against the content column and the window."""
    return page.evaluate(
        """() => {
        const svg = document.querySelector('svg.tg-graph[data-graph=full]');
        const box = svg.getBoundingClientRect();
        const article = document.querySelector('article').getBoundingClientRect();
        const style = getComputedStyle(document.querySelector('article'));
        const content = article.width - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        return { width: box.width, content: content, height: box.height, bottom: box.bottom,
                 window: innerHeight };
    }"""
    )


def graph_render_seconds(page, url: str, tries: int = 3) -> float:  # type: ignore[no-untyped-def]
    """From navigation to the graph page set up by its script and painted: the best of
    ``tries`` loads, since other work on a shared machine only ever adds to it."""
    page.set_viewport_size(VIEWPORT)
    times = []
    for _ in range(tries):
        started = time.perf_counter()
        page.goto(url, wait_until="load")
        page.wait_for_selector(".tg-toolbar")
        page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        times.append(time.perf_counter() - started)
    return min(times)


# Every label's box as the browser drew it, and every edge sampled every 2 pixels along its
# length: the pairs where an edge passes through a label (nodes' own stubs excluded).
LABEL_EDGE_CROSSINGS = """(selector) => {
    const svg = document.querySelector(selector);
    const labels = [...svg.querySelectorAll('.tg-nodes > * > text')].map(text => {
        const box = text.getBBox();
        return { text: text.textContent, box: box };
    });
    const cell = 64, grid = new Map();
    labels.forEach((label, index) => {
        const b = label.box;
        for (let x = Math.floor(b.x / cell); x <= Math.floor((b.x + b.width) / cell); x++)
            for (let y = Math.floor(b.y / cell); y <= Math.floor((b.y + b.height) / cell); y++) {
                const key = x + ',' + y;
                if (!grid.has(key)) grid.set(key, []);
                grid.get(key).push(index);
            }
    });
    const found = [];
    for (const path of svg.querySelectorAll('.tg-edges > path')) {
        const length = path.getTotalLength();
        const hit = new Set();
        for (let at = 0; at <= length; at += 2) {
            const p = path.getPointAtLength(at);
            const key = Math.floor(p.x / cell) + ',' + Math.floor(p.y / cell);
            for (const index of grid.get(key) || []) {
                const b = labels[index].box;
                const inside = p.x > b.x && p.x < b.x + b.width
                    && p.y > b.y && p.y < b.y + b.height;
                if (inside) hit.add(index);
            }
        }
        hit.forEach(index => found.push([labels[index].text, path.getAttribute('d')]));
    }
    return { labels: labels.length, edges: svg.querySelectorAll('.tg-edges > path').length,
             crossings: found };
}"""


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(...)``/``rgba(...)`` colour."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


COLOURS = """(selectors) => {
    // Colours as the eye gets them: translucent text and backgrounds blended over what is
    // behind them, up to the page.
    const parse = c => {
        const v = c.match(/[\\d.]+/g).map(Number);
        return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
    };
    const over = (top, under) =>
        [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
    const behind = element => {
        const layers = [];
        for (let e = element; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c[3] > 0) layers.push(c);
            if (c[3] === 1) break;
        }
        let colour = [255, 255, 255, 1];
        if (!layers.length || layers[layers.length - 1][3] < 1) {
            const page = parse(getComputedStyle(document.body).backgroundColor);
            colour = page[3] === 1 ? page : colour;
        }
        for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
        return colour;
    };
    const css = c => `rgb(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])})`;
    return selectors.map(selector => {
        const element = document.querySelector(selector);
        if (!element) return [selector, null, null];
        const style = getComputedStyle(element);
        const background = behind(element);
        const ink = element instanceof SVGElement ? style.fill : style.color;
        const text = over(parse(ink), background);
        return [selector, css(text), css(background)];
    });
}"""

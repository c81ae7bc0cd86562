"""Small SVG charts drawn at build time: a metric's curve over steps, and one metric compared
across runs as horizontal bars.

No JavaScript and no chart library: a chart is a string. Every text (metric names, run names)
is escaped here, and every number is printed with a fixed precision, so the same data always
gives the same bytes. Colours come from classes styled by assets/runs.css, with presentation
attributes as the fallback for a page without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.escaping import ELLIPSIS
from ..core.escaping import xml_attr as attr
from ..core.escaping import xml_text as text

MAX_POINTS = 400
"""Points drawn per curve; longer curves are thinned evenly (first and last points kept)."""
MAX_LABEL = 36
"""Characters of a bar label; longer ones are cut, the full text stays in the tooltip."""

_SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {w} {h}" '
_FONT = 'font-family="sans-serif" font-size="11"'


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    href: str | None = None
    """A link for the label (already relative to the page); never a ``javascript:`` URL,
    since callers pass URLs they built."""


def line_chart(
    title: str, points: Sequence[tuple[float, float]], *, width: int = 320, height: int = 160
) -> str:
    """A curve of ``(step, value)`` points in the given order, with its range on the axes."""
    shown = thin(points, MAX_POINTS)
    left, right, top, bottom = 52, 10, 20, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for x, _ in shown] or [0.0]
    ys = [y for _, y in shown] or [0.0]
    x_lo, x_hi = _span(min(xs), max(xs))
    y_lo, y_hi = _span(min(ys), max(ys))

    def sx(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * plot_w

    def sy(y: float) -> float:
        return top + (1 - (y - y_lo) / (y_hi - y_lo)) * plot_h

    parts = [
        _SVG_OPEN.format(cls="th-chart th-chart--line", w=width, h=height)
        + f'width="{width}" height="{height}" role="img" aria-label="{attr(title)}" {_FONT}>',
        f"<title>{text(title)}</title>",
        f'<text class="th-chart__title" x="{left}" y="13" font-weight="600">{text(title)}</text>',
    ]
    for value in (y_lo, (y_lo + y_hi) / 2, y_hi):
        y = _n(sy(value))
        parts.append(
            f'<line class="th-chart__grid" x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" '
            'stroke="#ccc" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{text(number(value))}</text>"
        )
    base = height - bottom + 14
    parts.append(
        f'<text x="{left}" y="{base}">{text(number(x_lo))}</text>'
        f'<text x="{width - right}" y="{base}" text-anchor="end">{text(number(x_hi))}</text>'
    )
    if len(shown) == 1:
        x0, y0 = shown[0]
        parts.append(
            f'<circle class="th-chart__line" cx="{_n(sx(x0))}" cy="{_n(sy(y0))}" r="2.5" '
            'fill="#3f51b5"/>'
        )
    elif shown:
        coordinates = " ".join(f"{_n(sx(x))},{_n(sy(y))}" for x, y in shown)
        parts.append(
            f'<polyline class="th-chart__line" points="{coordinates}" fill="none" '
            'stroke="#3f51b5" stroke-width="1.5" stroke-linejoin="round"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, bars: Sequence[Bar], *, width: int = 640, row: int = 20) -> str:
    """One horizontal bar per entry, in the given order, from a zero line (negatives go left)."""
    label_w, value_w, top, bottom = 230, 70, 22, 6
    height = top + bottom + row * max(len(bars), 1)
    plot_w = width - label_w - value_w
    values = [bar.value for bar in bars if math.isfinite(bar.value)] or [0.0]
    lo, hi = _span(min(0.0, *values), max(0.0, *values))

    def sx(value: float) -> float:
        return label_w + (value - lo) / (hi - lo) * plot_w

    zero = _n(sx(0.0))
    parts = [
        _SVG_OPEN.format(cls="th-chart th-chart--bars", w=width, h=height)
        + f'width="{width}" height="{height}" role="img" aria-label="{attr(title)}" {_FONT}>',
        f"<title>{text(title)}</title>",
        f'<text class="th-chart__title" x="0" y="13" font-weight="600">{text(title)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        value = bar.value if math.isfinite(bar.value) else 0.0
        start, end = sorted((sx(0.0), sx(value)))
        label = text(_cut(bar.label)).replace("\u2026", ELLIPSIS)
        middle = _n(y + row / 2)
        if bar.href is not None:
            label = f'<a href="{attr(bar.href)}">{label}</a>'
        parts.append(
            f"<g><title>{text(bar.label)}: {text(number(bar.value))}</title>"
            f'<text x="{label_w - 6}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{label}</text>'
            f'<rect class="th-chart__bar" x="{_n(start)}" y="{_n(y + 3)}" '
            f'width="{_n(max(end - start, 0.5))}" height="{row - 6}" fill="#3f51b5"/>'
            f'<text x="{_n(max(end, sx(0.0)) + 4)}" y="{middle}" dominant-baseline="middle">'
            f"{text(number(bar.value))}</text></g>"
        )
    parts.append(
        f'<line x1="{zero}" y1="{top}" x2="{zero}" y2="{height - bottom}" stroke="#888" '
        'stroke-width="0.75"/></svg>'
    )
    return "".join(parts)


def thin(points: Sequence[tuple[float, float]], limit: int) -> list[tuple[float, float]]:
    """At most ``limit`` points, evenly spaced by index, always keeping the first and last."""
    points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
    if len(points) <= limit or limit < 2:
        return points
    last = len(points) - 1
    return [points[round(i * last / (limit - 1))] for i in range(limit)]


def number(value: float) -> str:
    """A short, stable spelling: integers as integers, others with four significant digits."""
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def _span(lo: float, hi: float) -> tuple[float, float]:
    """A non-empty range: a constant series gets a band around its value."""
    if hi > lo:
        return lo, hi
    pad = abs(lo) * 0.05 or 1.0
    return lo - pad, hi + pad


def _cut(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _n(value: float) -> str:
    """A coordinate with one decimal; ``-0.0`` is printed ``0.0`` so output never flickers."""
    rounded = round(value, 1)
    return f"{rounded + 0.0:.1f}"

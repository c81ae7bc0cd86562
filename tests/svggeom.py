"""Geometry read back from a drawn graph SVG: label boxes and edge polylines, and where they meet.

Reads only the SVG text (not the layout objects), so a test of it checks what a browser gets.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from mkdocs_thoughts.site.graph_layout import LABEL_ABOVE, LABEL_BELOW, text_width

SVG = "{http://www.w3.org/2000/svg}"
Box = tuple[float, float, float, float]
Point = tuple[float, float]
_COMMAND = re.compile(r"([MHVLQ])([^MHVLQ]*)")


def label_boxes(root: ET.Element) -> list[tuple[str, Box]]:
    """Each node label's text and box (left, top, right, bottom), in the nodes' coordinates."""
    boxes = []
    for node in root.iter():
        if node.tag not in (f"{SVG}a", f"{SVG}g") or node.get("data-type") is None:
            continue
        text = node.find(f"{SVG}text")
        if text is None:
            continue
        bold = "tg-c" in node.get("class", "").split()
        x, baseline = float(text.get("x")), float(text.get("y"))
        centre = baseline - 4
        width = text_width(text.text or "", bold=bold)
        boxes.append((text.text or "", (x, centre - LABEL_ABOVE, x + width, centre + LABEL_BELOW)))
    return boxes


def edge_polylines(root: ET.Element) -> list[list[Point]]:
    """Each edge's path as a polyline (quadratic corners sampled every tenth of their length)."""
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "tg-edges")
    return [polyline(path.get("d")) for path in group.iter(f"{SVG}path")]


def polyline(d: str) -> list[Point]:
    points: list[Point] = []
    x = y = 0.0
    for command, args in _COMMAND.findall(d):
        values = [float(v) for v in args.replace(",", " ").split()]
        if command in "ML":
            x, y = values
        elif command == "H":
            (x,) = values
        elif command == "V":
            (y,) = values
        else:  # Q: control point, end point
            cx, cy, ex, ey = values
            sx, sy = x, y
            for step in range(1, 11):
                t = step / 10
                points.append(
                    (
                        (1 - t) ** 2 * sx + 2 * (1 - t) * t * cx + t * t * ex,
                        (1 - t) ** 2 * sy + 2 * (1 - t) * t * cy + t * t * ey,
                    )
                )
            x, y = ex, ey
            continue
        points.append((x, y))
    return points


def crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a-b meets the box (Liang-Barsky clipping)."""
    left, top, right, bottom = box
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def label_edge_crossings(svg: str) -> list[tuple[str, list[Point]]]:
    """Every (label, edge) pair where the edge passes through the label's box."""
    root = ET.fromstring(svg)
    boxes = label_boxes(root)
    found = []
    for line in edge_polylines(root):
        for text, box in boxes:
            if any(crosses(a, b, box) for a, b in itertools.pairwise(line)):
                found.append((text, line))
    return found

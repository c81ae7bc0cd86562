"""The facts shown under a note's title: status, dates, people, commit, history, tags, relations.

Rendered from the template ``thoughts/note_header.html`` (a site may override it); this module
only works out what the template shows. Every value that comes from a note or from git is escaped
by the template's autoescaping; only markup built by the renderer's helpers (which escape too) is
trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..core.diagnostics import Diagnostic
from ..git.facts import Placement, Where
from .model import NoteRow
from .render import Renderer


@dataclass(frozen=True, slots=True)
class PlacementView:
    """Where a note's commit is, as the header says it."""

    where: str
    """``head``, ``other_ref``, ... (a CSS class suffix)."""
    text: str
    on_head: bool


def note_header_html(
    row: NoteRow,
    renderer: Renderer,
    *,
    banner: list[Diagnostic],
    extra: Markup,
    researcher_url: str | None,
    drift_url: str,
    local_graph: Markup | str = "",
    show_tags: bool = True,
) -> str:
    """The header of the note ``row`` (whose ``url`` is the page it lands on).

    A line of chips (status, date, researcher, commit, how far it is behind, cited code, tags)
    says what a reader needs before the text; everything else (branch, commit subject, history,
    relations, runs: ``extra``) waits one click away, and so does the local graph, so the note's
    own text starts on the first screen. Each fact appears once: ``show_tags`` is off when
    Material's tags plugin shows the tags above the title.
    """
    assert row.url is not None
    git = row.git
    placement = git.placement if git is not None else None
    return renderer.render(
        "note_header.html",
        row.url,
        row=row,
        git=git,
        placement=_placement(placement) if placement is not None else None,
        banner=banner,
        extra=extra,
        researcher_url=researcher_url,
        drift_url=drift_url,
        local_graph=local_graph,
        show_tags=show_tags,
    )


def _placement(placement: Placement) -> PlacementView:
    return PlacementView(
        placement.where.value, _placement_text(placement), placement.where is Where.HEAD
    )


def _placement_text(placement: Placement) -> str:
    where = placement.where
    if where is Where.HEAD:
        return f"on {placement.ref_name or 'HEAD'}"
    if where is Where.OTHER_REF:
        return f"only on {placement.ref_name}"
    if where is Where.MISSING and placement.shallow:
        return "not in this shallow clone"  # maybe older than the cut, maybe never existed
    return {
        Where.UNREACHABLE: "on no branch",
        Where.AMBIGUOUS: "ambiguous",
        Where.MISSING: "not in this repository",
    }.get(where, "")


def insert_after_title(output: str, header: str) -> str:
    """``header`` after the article's first heading, or at the start of the article."""
    article = output.find("<article")
    if article == -1:
        return output
    end = output.find("</h1>", article)
    if end != -1:
        end += len("</h1>")
    else:
        end = output.find(">", article) + 1
    return output[:end] + header + output[end:]

"""HTML about runs: a page per run, the runs index, and the run card in a citing note's header.

Plain data in, HTML out, through the Jinja2 templates ``run_*.html`` (autoescaped). The only
markup not produced by a template is the SVG of run_charts, which escapes its own text; it is
marked safe here (through ``escaping.markup``) and nowhere else. URLs are site-root URLs until the
``rel`` filter makes them relative to the page being rendered.

Pages: the index at ``runs/index.md`` and one page per run at ``runs/<slug>.md``. Like the
plugin's other pages, each is Markdown holding a heading and a marker comment, replaced by the
HTML after Markdown ran (see :meth:`RunPages.fill`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup

from ..core.escaping import markdown_inline, markup
from ..core.notes import Note
from ..runs.citations import RunLinks, commit_mismatch
from ..runs.model import Run
from ..runs.run_set import RunSet
from .render import Renderer
from .run_charts import Bar, bar_chart, line_chart, number
from .urls import relative_url

RUNS_INDEX_URI = "runs/index.md"
RUNS_MARKER = "<!-- thoughts:runs -->"
INDEX_METRIC_COLUMNS = 4
"""Final metrics shown as columns of the index: the ones most runs have."""
COMPARE_METRICS = 40
"""Metrics offered in the index's comparison chart (one SVG each)."""
CARD_METRICS = 3
CURVES_PER_RUN = 24
ROWS_PER_TABLE = 500
"""Rows of a run page's long tables (summary, lineage files); the rest is counted."""


@dataclass(frozen=True, slots=True)
class RunPageSpec:
    src_uri: str
    title: str
    run: Run | None = None
    """``None`` for the index."""


@dataclass(frozen=True, slots=True)
class NoteLink:
    title: str
    url: str | None
    path: str
    commit_differs: bool = False


@dataclass(slots=True)
class _Truncated:
    rows: list[Any] = field(default_factory=list)
    more: int = 0


def run_uri(run: Run) -> str:
    return f"runs/{run.slug}.md"


def directory_url(uri: str) -> str:
    """The site-root URL MkDocs gives ``uri`` with ``use_directory_urls: true``."""
    stem = uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


class RunPages:
    """Renders every run page, the index and the note cards of one build."""

    def __init__(
        self,
        runs: RunSet,
        links: RunLinks,
        renderer: Renderer,
        *,
        note_urls: Mapping[str, str],
        commit_url: Callable[[str], str | None] = lambda sha: None,
        url_of: Callable[[str], str] = directory_url,
    ) -> None:
        """``note_urls``: note rel_path -> site-root URL; ``url_of``: page src_uri -> site-root
        URL (MkDocs' ``File.url``); ``commit_url``: full SHA -> commit page, or None."""
        self.runs = runs
        self.links = links
        self.renderer = renderer
        self.note_urls = note_urls
        self.commit_url = commit_url
        self.url_of = url_of

    # --- pages --------------------------------------------------------------------------------

    def specs(self) -> list[RunPageSpec]:
        """The index, then one page per run (newest first)."""
        return [RunPageSpec(RUNS_INDEX_URI, "Runs")] + [
            RunPageSpec(run_uri(run), run.slug, run) for run in self.runs
        ]

    def markdown(self, spec: RunPageSpec) -> str:
        return f"# {markdown_inline(spec.title)}\n\n{RUNS_MARKER}\n"

    def with_marker(self, markdown: str) -> str:
        """An author-written ``runs/index.md`` keeps its text; the runs go at the marker, or at
        the end when it has none."""
        if RUNS_MARKER in markdown:
            return markdown
        return f"{markdown.rstrip()}\n\n{RUNS_MARKER}\n"

    def fill(self, spec: RunPageSpec, html: str, page_url: str) -> str:
        """The page's HTML with the marker replaced by the generated part."""
        if RUNS_MARKER not in html:
            return html
        return html.replace(RUNS_MARKER, self.html(spec, page_url), 1)

    def html(self, spec: RunPageSpec, page_url: str) -> str:
        if spec.run is None:
            return self.index_html(page_url)
        return self.run_html(spec.run, page_url)

    def run_url(self, run: Run) -> str:
        return self.url_of(run_uri(run))

    # --- the index ----------------------------------------------------------------------------

    def index_html(self, page_url: str) -> str:
        runs = self.runs.runs
        columns = _common_metrics(runs, INDEX_METRIC_COLUMNS)
        day_rank = _ranks([run.sort_key() for run in runs])
        duration_rank = _ranks([run.duration_seconds for run in runs])
        metric_ranks = {
            key: _ranks([run.numeric_metrics.get(key) for run in runs]) for key in columns
        }
        rows = []
        for index, run in enumerate(runs):
            notes = self.links.notes_of(run)
            rows.append(
                {
                    "run": run,
                    "url": self.run_url(run),
                    "day_key": day_rank[index],
                    "started": format_time(run.started),
                    "duration": format_duration(run.duration_seconds),
                    "duration_key": duration_rank[index],
                    "commit": self._commit(run),
                    "metrics": [
                        (format_value(run.metrics[key]) if key in run.metrics else "")
                        for key in columns
                    ],
                    "metric_keys": [metric_ranks[key][index] for key in columns],
                    "notes": len(notes),
                }
            )
        return self.renderer.render(
            "run_index.html",
            page_url,
            rows=rows,
            columns=columns,
            statuses=sorted({run.status for run in runs}),
            names=sorted({run.name for run in runs if run.name}),
            compare=self._compare(runs, page_url),
            uncited=[(run, self.run_url(run)) for run in self.links.uncited(runs)],
        )

    def _compare(self, runs: Sequence[Run], page_url: str) -> list[tuple[str, Markup]]:
        charts = []
        for key in _common_metrics(runs, COMPARE_METRICS):
            # The SVG is built before the template, so its links are made relative here.
            bars = [
                Bar(run.slug, run.numeric_metrics[key], relative_url(self.run_url(run), page_url))
                for run in runs
                if key in run.numeric_metrics
            ]
            charts.append((key, markup(bar_chart(key, bars))))
        return charts

    # --- one run ------------------------------------------------------------------------------

    def run_html(self, run: Run, page_url: str) -> str:
        curves = list(run.curves.items())
        return self.renderer.render(
            "run_page.html",
            page_url,
            run=run,
            started=format_time(run.started),
            ended=format_time(run.ended),
            duration=format_duration(run.duration_seconds),
            commit=self._commit(run),
            command=" ".join(run.command),
            notes=self._note_links(run),
            missing_notes=self.links.missing_notes(run),
            upstream=[
                (ref.run.slug, self.run_url(ref.run)) if ref.run is not None else (ref.label, None)
                for ref in run.upstream
            ],
            downstream=[(other.slug, self.run_url(other)) for other in run.downstream],
            metrics=[(key, format_value(value)) for key, value in run.metrics.items()],
            curves=[markup(line_chart(key, points)) for key, points in curves[:CURVES_PER_RUN]],
            more_curves=max(len(curves) - CURVES_PER_RUN, 0),
            config=[(key, format_value(value)) for key, value in run.config.items()],
            summary=_cap([(key, format_value(value)) for key, value in run.summary.items()]),
            lineage=run.lineage,
            inputs=_cap(run.lineage.inputs if run.lineage else []),
            outputs=_cap(run.lineage.outputs if run.lineage else []),
            outcomes=_cap(run.lineage.outcomes if run.lineage else []),
            files=[(item.path, format_size(item.size), item.size) for item in run.files],
            total_size=format_size(run.total_size),
        )

    def _note_links(self, run: Run) -> list[NoteLink]:
        return [
            NoteLink(
                note.title,
                self.note_urls.get(note.rel_path),
                note.rel_path,
                commit_mismatch(note.meta.git_commit, run.commit),
            )
            for note in self.links.notes_of(run)
        ]

    # --- the card in a note's header ----------------------------------------------------------

    def card(self, note: Note, page_url: str) -> Markup:
        """The runs a note cites, then those whose run.json names it, for its header (empty when
        there are none)."""
        citations = self.links.citations_of(note)
        cited = {citation.run.rel_dir for citation in citations if citation.run is not None}
        entries: list[tuple[str, Run | None]] = [(c.text, c.run) for c in citations]
        entries += [
            (run.slug, run) for run in self.links.runs_naming(note) if run.rel_dir not in cited
        ]
        if not entries:
            return markup("")
        items: list[dict[str, Any]] = []
        for text, run in entries:
            if run is None:
                items.append({"run": None, "text": text})
                continue
            metrics = [
                (key, format_value(value))
                for key, value in run.metrics.items()
                if not isinstance(value, list | dict)
            ][:CARD_METRICS]
            items.append(
                {
                    "run": run,
                    "url": self.run_url(run),
                    "metrics": metrics,
                    "commit": self._commit(run),
                    "differs": commit_mismatch(note.meta.git_commit, run.commit),
                    "note_commit": str(note.meta.git_commit or ""),
                }
            )
        return markup(self.renderer.render("run_card.html", page_url, items=items))

    # --- helpers ------------------------------------------------------------------------------

    def _commit(self, run: Run) -> dict[str, Any]:
        return {
            "short_sha": run.short_commit,
            "commit_url": self.commit_url(run.commit) if run.commit else None,
            "full": run.commit,
            "dirty": run.dirty,
            "branch": run.branch,
        }


# --- formatting -------------------------------------------------------------------------------


def format_value(value: object) -> str:
    """A config or metric value as YAML would show it; containers as compact JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.strftime("%z")
    return f"{text} {offset[:3]}:{offset[3:]}" if offset else text


def _common_metrics(runs: Sequence[Run], limit: int) -> list[str]:
    """Numeric final metrics, the ones most runs have first (then by name)."""
    counts = Counter(key for run in runs for key in run.numeric_metrics)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [key for key, _ in ranked[:limit]]


def _ranks(values: Sequence[Any]) -> list[str]:
    """Each value's rank as a zero-padded string, so the listing script's text comparison sorts
    numbers and times correctly; a missing value gets an empty key."""
    present = sorted({value for value in values if value is not None})
    rank = {value: index for index, value in enumerate(present)}
    return [f"{rank[value]:06d}" if value is not None else "" for value in values]


def _cap(rows: Sequence[Any]) -> _Truncated:
    return _Truncated(list(rows[:ROWS_PER_TABLE]), max(len(rows) - ROWS_PER_TABLE, 0))

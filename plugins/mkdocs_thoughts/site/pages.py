"""The pages the plugin adds to a site: where they live and what they contain.

A page is Markdown (a title and one block of HTML rendered from a template), so it is themed and
searchable like any page an author wrote. Authors may write a page themselves and put a marker
comment where the generated part goes.
"""

from __future__ import annotations

import functools
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..core.config import ThoughtsSettings
from ..core.diagnostics import Diagnostic, summary
from ..core.escaping import markdown_inline, markup, unique_slugs
from ..core.notes import Note
from .graph_svg import render_graph_svg, render_local_svg
from .model import NoteRow, SiteModel
from .note_header import note_header_html
from .render import Renderer

INDEX_MARKER = "<!-- thoughts:index -->"
SUMMARY_MARKER = "<!-- thoughts:summary -->"
MATERIAL_TAGS_MARKER = "<!-- material/tags -->"
RESEARCHERS_URI = "researchers/index.md"
DRIFT_URI = "drift.md"
OTHER_URI = "other-notes.md"


@dataclass(slots=True)
class PageSpec:
    """A page the plugin provides: generated, or filled into the author's page at a marker."""

    src_uri: str
    title: str
    kind: str
    """One of: home, type, tags, status, researchers, researcher, report."""
    key: str = ""
    """The note type or researcher the page is about."""
    nav: bool = True


def type_folder(settings: ThoughtsSettings, note_type: str, notes: Iterable[Note]) -> str:
    """Where a type's index lives: the folder most of its notes are in (``shared/research``)."""
    # Only notes whose folder says the type: a `plan.md` in a task folder is a plan, but its
    # folder is not where the plans' index belongs.
    named = set(settings.types[note_type].folders)
    folders = Counter(
        folder
        for note in notes
        if note.note_type == note_type
        and named.intersection((folder := posixpath.dirname(note.doc_uri)).split("/"))
    )
    if folders:
        return min(folders.items(), key=lambda item: (-item[1], item[0]))[0]
    return settings.types[note_type].folders[0]


def plan_pages(settings: ThoughtsSettings, notes: list[Note]) -> list[PageSpec]:
    """Every page the plugin provides, in nav order."""
    specs = [PageSpec("index.md", "Home", "home")]
    for note_type in settings.types:
        folder = type_folder(settings, note_type, notes)
        uri = posixpath.join(folder, "index.md") if folder else "index.md"
        specs.append(PageSpec(uri, settings.type_title(note_type), "type", note_type))
    if any(note.note_type not in settings.types for note in notes):
        # Notes outside every type folder (one folder per task) still get an index.
        specs.append(PageSpec(OTHER_URI, "Other notes", "other"))
    # Material renders every nav entry into every page, a cost paid once per note: the
    # researcher and drift pages are reached from the home page and the note headers instead.
    specs += [
        PageSpec("tags.md", "Tags", "tags"),
        PageSpec("status.md", "Status", "status"),
        PageSpec(RESEARCHERS_URI, "Researchers", "researchers", nav=False),
        PageSpec("graph.md", "Graph", "graph"),
        PageSpec(DRIFT_URI, "Drift", "drift", nav=False),
        PageSpec("report.md", "Report", "report"),
    ]
    people = sorted({note.meta.researcher for note in notes if note.meta.researcher})
    slugs = unique_slugs(people)
    specs += [
        PageSpec(f"researchers/{slugs[person]}.md", person, "researcher", person, nav=False)
        for person in people
    ]
    return specs


def use_authors_readme(specs: Iterable[PageSpec], docs_dir: Path) -> None:
    """A folder page the team wrote as ``README.md`` (MkDocs serves it at the folder's URL) is
    the page the listing goes into, as an ``index.md`` would be: its text is kept above the
    listing instead of being replaced by a generated page at the same URL."""
    for spec in specs:
        folder, _, name = spec.src_uri.rpartition("/")
        if name != "index.md" or spec.kind not in ("home", "type"):
            continue
        here = docs_dir / folder if folder else docs_dir
        if not (here / "index.md").exists() and (here / "README.md").is_file():
            spec.src_uri = posixpath.join(folder, "README.md") if folder else "README.md"


def claimed_twice(pages: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(URL, first page, second page) for every URL two pages would be written to; ``pages``
    holds (source path, destination) pairs."""
    seen: dict[str, str] = {}
    clashes = []
    for src_uri, dest_uri in pages:
        first = seen.setdefault(dest_uri, src_uri)
        if first != src_uri:
            clashes.append((dest_uri, first, src_uri))
    return clashes


class PageWriter:
    """Renders the content of the plugin's pages for one build."""

    def __init__(
        self,
        model: SiteModel,
        renderer: Renderer,
        url_of_page: Callable[[str], str],
        *,
        specs: list[PageSpec],
        material_tags: bool,
        notices: list[str],
        graph_file: str | None = None,
    ) -> None:
        """``graph_file``: the site-root URL of the whole graph as an SVG file, linked from the
        graph page (the export writes one)."""
        self.specs = specs
        self.graph_file = graph_file
        self.model = model
        self.renderer = renderer
        # Asked for the same few pages (a researcher's, the drift page) by every note header.
        self.url_of_page = functools.cache(url_of_page)
        self.material_tags = material_tags
        self.notices = notices
        self.researcher_uris = {
            spec.key: spec.src_uri for spec in specs if spec.kind == "researcher"
        }

    def researcher_uri(self, person: str) -> str:
        return self.researcher_uris[person]

    def generated_markdown(self, spec: PageSpec) -> str:
        """The whole Markdown of a page the author did not write."""
        title = markdown_inline(spec.title)
        if spec.kind == "tags" and self.material_tags:
            return f"# {title}\n\n{MATERIAL_TAGS_MARKER}\n"
        marker = SUMMARY_MARKER if spec.kind == "home" else INDEX_MARKER
        return f"# {title}\n\n{marker}\n"

    def marker(self, spec: PageSpec) -> str | None:
        """The comment the generated part replaces (``None`` when another plugin fills the page)."""
        if spec.kind == "tags" and self.material_tags:
            return None
        return SUMMARY_MARKER if spec.kind == "home" else INDEX_MARKER

    def with_marker(self, spec: PageSpec, markdown: str) -> str:
        """The page's Markdown, with the marker appended when the author wrote none."""
        marker = self.marker(spec)
        if marker is None or marker in markdown:
            return markdown
        return f"{markdown.rstrip()}\n\n{marker}\n"

    def fill(self, spec: PageSpec, html: str, page_url: str) -> str:
        """Put the generated HTML where the marker is in the page's HTML.

        This happens after Markdown, which would otherwise re-parse thousands of table rows.
        """
        marker = self.marker(spec)
        if marker is None or marker not in html:
            return html
        return html.replace(marker, self.html(spec, page_url), 1)

    def html(self, spec: PageSpec, page_url: str) -> str:
        model, render = self.model, self.renderer.render
        if spec.kind == "type":
            return self._listing(model.of_type(spec.key), page_url)
        if spec.kind == "other":
            return self._listing(model.untyped(), page_url)
        if spec.kind == "status":
            return render("status_board.html", page_url, columns=model.by_status())
        if spec.kind == "tags":
            return render("tags.html", page_url, tags=model.by_tag(), anchor=self._tag_anchor)
        if spec.kind == "researchers":
            people = [
                (person, self.url_of_page(self.researcher_uri(person)), len(rows))
                for person, rows in model.by_researcher()
            ]
            return render("people.html", page_url, people=people)
        if spec.kind == "researcher":
            rows = dict(model.by_researcher()).get(spec.key, [])
            return render("rows.html", page_url, rows=rows)
        if spec.kind == "report":
            return self._report(page_url)
        if spec.kind == "graph":
            return self._graph(page_url)
        if spec.kind == "drift":
            return render("drift.html", page_url, rows=model.by_drift())
        if spec.kind == "home":
            return self._home(page_url)
        raise ValueError(f"unknown page kind {spec.kind!r}")

    def _graph(self, page_url: str) -> str:
        graph = self.model.corpus.graph
        svg = ""
        if graph is not None and len(graph):
            svg = render_graph_svg(
                graph,
                lambda note: self.model.relative_url_of(note, page_url),
                types=list(self.model.settings.types),
                page=True,
            )
        return self.renderer.render(
            "graph.html", page_url, svg=markup(svg), svg_file=self.graph_file
        )

    def note_header(self, row: NoteRow, banner: list[Diagnostic], extra: Markup) -> str:
        """The facts shown under a note's title (``row.url`` must be set)."""
        researcher_url = (
            self.url_of_page(self.researcher_uri(row.researcher)) if row.researcher else None
        )
        return note_header_html(
            row,
            self.renderer,
            banner=banner,
            extra=extra,
            researcher_url=researcher_url,
            drift_url=self.url_of_page(DRIFT_URI),
            local_graph=self.local_graph(row),
            show_tags=not self.material_tags,
        )

    def local_graph(self, row: NoteRow) -> Markup:
        """The SVG of the note's neighbours to depth 2, for its header (nothing for a note
        without any)."""
        graph = self.model.corpus.graph
        if graph is None or row.url is None or not (row.relations or graph.edges_to(row.note)):
            return markup("")
        return markup(
            render_local_svg(
                graph, row.note, lambda note: self.model.relative_url_of(note, row.url or "")
            )
        )

    def _tag_anchor(self, tag: str) -> str:
        return self.renderer.tag_url(tag).partition("#")[2]

    def _listing(self, rows: list[NoteRow], page_url: str) -> str:
        groups: dict[str, list[NoteRow]] = {}
        for row in rows:
            groups.setdefault(row.month, []).append(row)
        return self.renderer.render(
            "listing.html",
            page_url,
            rows=rows,
            groups=list(groups.items()),
            statuses=sorted({row.status for row in rows if row.status}),
            tags=_case_blind_order({tag for row in rows for tag in row.tags}),
            researchers=_case_blind_order({row.researcher for row in rows if row.researcher}),
        )

    def _report(self, page_url: str) -> str:
        entries = self.model.diagnostics_by_note()
        run_files: dict[str, list[Diagnostic]] = {}
        for item in self.model.corpus.run_problems:
            run_files.setdefault(item.path, []).append(item)
        return self.renderer.render(
            "report.html",
            page_url,
            entries=entries,
            run_files=sorted(run_files.items()),
            # The line `thoughts check` prints, from the same diagnostics.
            summary=summary(len(self.model.rows), self.model.corpus.diagnostics),
            relations=self.model.relation_counts(),
            notices=self.notices,
        )

    def _home(self, page_url: str) -> str:
        settings = self.model.settings
        sections = []
        for spec in self.specs:
            if spec.kind in ("type", "other"):
                sections.append(
                    {
                        "title": spec.title,
                        "url": self.url_of_page(spec.src_uri),
                        "rows": self.model.of_type(spec.key)
                        if spec.kind == "type"
                        else self.model.untyped(),
                    }
                )
        return self.renderer.render(
            "home.html",
            page_url,
            sections=sections,
            statuses=[(status, status_title(status)) for status in settings.all_statuses],
            newest=5,
            researchers_url=self.url_of_page(RESEARCHERS_URI),
            drift_url=self.url_of_page(DRIFT_URI),
        )


def _case_blind_order(values: set[str]) -> list[str]:
    """A-Z ignoring case; `Pipeline` and `pipeline` in a fixed order too, since a set's own
    order changes with the hash seed and builds must be byte-for-byte reproducible."""
    return sorted(values, key=lambda value: (value.lower(), value))


def status_title(status: str) -> str:
    """A status as words for a heading: ``ready_for_review`` -> "Ready for review"."""
    words = " ".join(status.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


WIDE_PAGES = frozenset({"type", "other", "graph", "drift"})
"""Pages whose content is a table or the graph: they give the table of contents' column to it."""

"""The per-build page model both front ends share: the plugin fills MkDocs' pages with it, the
export writes it out as files.

Given the notes, their runs and the URL every page lands on, it makes the same writers the
plugin uses (model, renderer, page writer, run pages), and the pieces of a note page: its header
and its body with code references linked. Nothing here knows MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup

from ..core.config import ThoughtsSettings
from ..core.escaping import markup
from ..corpus.model import Corpus
from ..git.code_refs import CodeRef
from ..runs.citations import RunLinks
from ..runs.run_set import RunSet
from .code_links import link_code_refs
from .model import NoteRow, SiteModel
from .pages import PageSpec, PageWriter
from .render import Renderer
from .run_pages import RunPages


class SitePages:
    """Every writer of one build, over one URL mapping (page ``src_uri`` -> site-root URL)."""

    def __init__(
        self,
        corpus: Corpus,
        settings: ThoughtsSettings,
        *,
        specs: list[PageSpec],
        url_of: Callable[[str], str],
        note_urls: Mapping[str, str],
        renderer: Renderer,
        runs: RunSet,
        run_links: RunLinks,
        commit_url: Callable[[str], str | None],
        permalink: Callable[[CodeRef], str | None],
        material_tags: bool = False,
        graph_file: str | None = None,
    ) -> None:
        """``note_urls``: a note's ``doc_uri`` -> its page's URL (notes without a page are
        missing from it)."""
        self.corpus = corpus
        self.permalink = permalink
        self.model = SiteModel(
            corpus, settings, note_urls, commit_url=commit_url, git_facts=corpus.git_facts
        )
        self.writer = PageWriter(
            self.model,
            renderer,
            url_of,
            specs=specs,
            material_tags=material_tags,
            notices=corpus.notices,
            graph_file=graph_file,
        )
        self.run_pages = RunPages(
            runs,
            run_links,
            renderer,
            note_urls={
                note.rel_path: note_urls[note.doc_uri]
                for note in corpus.notes
                if note.doc_uri in note_urls
            },
            commit_url=commit_url,
            url_of=url_of,
        )

    def note_header(self, row: NoteRow, *, banners: bool) -> str:
        """The facts under a note's title: the header, its run cards and its local graph."""
        cards = header_cards(self.run_pages, self.writer, row)
        return self.writer.note_header(row, row.note.diagnostics if banners else [], cards)

    def note_body(self, row: NoteRow) -> str:
        """The note's Markdown body, its code references linked to the note's commit."""
        if row.git is None:
            return row.note.body
        return link_code_refs(row.note.body, row.git.refs, self.permalink)


def header_cards(run_pages: RunPages | None, writer: PageWriter, row: NoteRow) -> Markup:
    """What the plugin adds to a header's details: the runs a note cites (the header places
    the local graph itself)."""
    assert row.url is not None
    return run_pages.card(row.note, row.url) if run_pages else markup("")

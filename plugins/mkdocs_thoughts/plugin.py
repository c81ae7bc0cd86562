"""MkDocs events only: each wires one step of the build to the plain classes that do the work."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.config.base import LegacyConfig, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .adapters.material_partials import render_material_pieces_once
from .adapters.nav_cache import NavCache, cache_material_nav
from .adapters.note_files import add_outside_notes, drop_outside_links, is_outside_docs
from .adapters.theme_translations import memoize_material_translations
from .core.config import SettingsError, ThoughtsSettings, load_settings
from .core.diagnostics import Diagnostic, strict_failure
from .core.escaping import page_title
from .core.gcpause import collector_paused
from .corpus.loader import NoteLoader
from .corpus.model import Corpus
from .git.forges import ForgeError, site_forge
from .runs.citations import RunLinks
from .runs.run_set import RunSet
from .site.assets import SCRIPT, STYLESHEET, bundles
from .site.code_links import link_code_refs
from .site.html_code_links import (
    LinkedBody,
    StandIn,
    extensions_allow,
    link_code_refs_for_html,
)
from .site.model import NoteRow, SiteModel
from .site.note_header import insert_after_title
from .site.note_links import LinkEdit, link_edits, rewrite_links
from .site.page_model import header_cards
from .site.pages import (
    WIDE_PAGES,
    PageSpec,
    PageWriter,
    claimed_twice,
    plan_pages,
    use_authors_readme,
)
from .site.render import TEMPLATE_DIR, Renderer, page_environment
from .site.run_pages import RUNS_INDEX_URI, RunPages, RunPageSpec
from .site.tag_links import listing_renderer
from .site.theme_meta import theme_meta

log = get_plugin_logger(__name__)


class ThoughtsPlugin(BasePlugin[LegacyConfig]):
    """Validates, indexes and links the research notes of a MkDocs site."""

    def __init__(self) -> None:
        self.settings = ThoughtsSettings()
        self.loader: NoteLoader | None = None
        self.corpus: Corpus | None = None
        self.specs: dict[str, PageSpec] = {}
        self.generated: set[str] = set()
        self.model: SiteModel | None = None
        self.writer: PageWriter | None = None
        self.is_serving = False
        self.dirty = False
        self.renderer: Renderer | None = None
        self.show_banners = True
        self.previous_headers: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.runs: RunSet | None = None
        self.run_links: RunLinks | None = None
        self.link_edits: dict[str, list[LinkEdit]] = {}
        self.run_pages: RunPages | None = None
        self.run_specs: dict[str, RunPageSpec] = {}
        self.nav_urls: list[str] = []
        self.nav_cache: NavCache | None = None
        self.translation_tables = 0
        """How many of Material's translation tables answer each key once (tests read it)."""
        self.material_pieces = 0
        """How many of Material's partials and blocks are rendered once per build or per link
        group (tests read it)."""
        self.errors: list[Diagnostic] = []
        self.links_in_html = False
        """Whether code links may be added to the HTML (see site/html_code_links.py)."""
        self.linked_bodies: dict[str, LinkedBody] = {}
        self.search_reads_stand_ins = False
        """Whether code links wait for on_post_page (see site/html_code_links.py)."""
        self.waiting_links: dict[str, StandIn] = {}

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        # The options are validated by the same pydantic model the CLI uses, so `thoughts check`
        # and `mkdocs build` cannot read one mkdocs.yml two ways.
        try:
            self.settings = load_settings(options)
        except SettingsError as error:
            return [("thoughts", ValidationError(str(error)))], []
        return [], []

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Having on_startup keeps this instance alive across `mkdocs serve` rebuilds, and with it
        # the note cache.
        self.is_serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # What the previous build in this process (a `mkdocs serve` rebuild) froze becomes
        # collectable again (see on_files). The last build's objects stay frozen: the process
        # ends with it, and unfreezing them would only hand them all to the collector's final
        # pass at exit (0.1 s for 1,000 notes).
        gc.unfreeze()
        project_dir = Path(config.config_file_path).parent
        notes_root = Path(config.docs_dir)
        if self.settings.notes_root:
            notes_root = project_dir / self.settings.notes_root
        try:
            forge = site_forge(config.repo_url, self.settings)
        except ForgeError as error:
            raise PluginError(f"plugins.thoughts: {error}") from None
        if self.loader is None or self.loader.notes_root != notes_root.resolve():
            self.loader = NoteLoader(self.settings, notes_root, project_dir, forge=forge)
        else:
            self.loader.settings = self.settings
            self.loader.git.forge = forge
        # Loaded here, not in on_files, because the nav (set below) names the index pages, whose
        # place depends on where the notes are. The notes live as long as the build: frozen
        # before the collector is back on, which would otherwise walk all of them at its first
        # pass (see on_files).
        with collector_paused():
            self.corpus = self.loader.load()
            gc.freeze()
        loops = self.corpus.folder_loop_problem(self.loader.repo_root)
        if loops:
            raise PluginError(loops)
        # Runs and their citations come with the corpus, as they do for `thoughts check`.
        self.runs, self.run_links = self.corpus.runs, self.corpus.run_links
        git = self.loader.git
        self.link_edits = link_edits(
            self.corpus.body_relations,
            self.loader.notes_prefix,
            lambda path, note: git.file_url(path, note.meta.git_commit),
        )
        self.show_banners = self.is_serving or not config.strict
        self._report(self.corpus, strict=bool(config.strict))
        specs = plan_pages(self.settings, self.corpus.notes)
        use_authors_readme(specs, Path(config.docs_dir))
        self.specs = {spec.src_uri: spec for spec in specs}
        if config.nav is None:
            # Material renders the whole nav into every page: listing notes one by one there makes a
            # build quadratic in the number of notes. They are reached through the indexes instead.
            config.nav = [{spec.title: spec.src_uri} for spec in specs if spec.nav]
            if len(self.runs):
                config.nav.insert(-1, {"Runs": RUNS_INDEX_URI})  # before the report, last
        # Last on the theme's search path: `custom_dir` and the theme come first, so a site
        # overrides `thoughts/note_header.html` as it overrides the theme's own templates.
        if str(TEMPLATE_DIR) not in config.theme.dirs:
            config.theme.dirs.append(str(TEMPLATE_DIR))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(SCRIPT)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        with collector_paused():
            return self._on_files(files, config)

    def _on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.corpus is not None and self.loader is not None
        self._place_notes(files, config)
        # Here, after every plugin's on_config could add a Markdown extension.
        self.links_in_html = extensions_allow(config.markdown_extensions)
        self.search_reads_stand_ins = any(
            type(plugin).__module__ == MATERIAL_SEARCH for plugin in config.plugins.values()
        )
        self.waiting_links = {}
        self._add_generated_files(files, config)
        self.model = self._site_model(files)
        git = self.loader.git
        tags_plugin = config.plugins.get("material/tags") or config.plugins.get("tags")
        renderer = self.renderer = listing_renderer(tags_plugin, self.model, _url(files, "tags.md"))
        # The theme's environment comes with on_env; until then (the headers `serve --dirty`
        # compares) an equal one, from the same search path.
        renderer.use(page_environment(config.theme.get_env()))
        self.writer = PageWriter(
            self.model,
            renderer,
            lambda uri: _url(files, uri),
            specs=list(self.specs.values()),
            material_tags=tags_plugin is not None,
            notices=self.corpus.notices,
        )
        self._fill_listings(files)
        self._add_run_pages(files, config, renderer, git.commit_url)
        self.headers = {}
        if self.dirty:
            self._mark_changed_headers(files)
        # Everything made so far (notes, graph, headers, MkDocs' config and files) lives until
        # the build ends, yet every full collection of the cyclic garbage collector would walk it
        # again while pages are rendered: freezing it took a quarter off a 3,000-note build.
        gc.freeze()
        return files

    def _place_notes(self, files: Files, config: MkDocsConfig) -> None:
        """Notes are pages outside the nav (the outside ones added), note templates no pages."""
        assert self.corpus is not None and self.loader is not None
        assert self.loader is not None and self.corpus is not None
        reported = {item.path for item in self.corpus.refused}
        for message in drop_outside_links(files, config.docs_dir, self.loader, reported):
            log.info(message)
        # Notes under a notes_root outside docs_dir, which MkDocs did not collect.
        add_outside_notes(
            files, config, self.corpus.notes_root, self.corpus.notes, list(self.specs)
        )
        notes_by_uri = {note.doc_uri for note in self.corpus.notes}
        not_pages = []
        for file in files:
            if file.src_uri in notes_by_uri:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            elif (
                file.is_documentation_page()  # not the theme's files, wherever it is installed
                and file.abs_src_path
                and self.loader.is_template(Path(file.abs_src_path))
            ):
                # Note templates are not pages (their {{RUN_ID}} links 404). Other skipped
                # folders (a blog, the searchable mirror) are pages, just not notes.
                not_pages.append(file)
        for file in not_pages:
            files.remove(file)

    def _add_generated_files(self, files: Files, config: MkDocsConfig) -> None:
        """The listings no file of the team's holds yet, and the assets; a warning for two files
        published at one URL."""
        self.generated = set()
        for spec in self.specs.values():
            if files.get_file_from_path(spec.src_uri) is None:
                inclusion = InclusionLevel.UNDEFINED if spec.nav else InclusionLevel.NOT_IN_NAV
                files.append(File.generated(config, spec.src_uri, content="", inclusion=inclusion))
                self.generated.add(spec.src_uri)
        for path, content in bundles().items():
            files.append(File.generated(config, path, content=content))
        for url, first, second in claimed_twice((f.src_uri, f.dest_uri) for f in files):
            log.warning(f"{first} and {second} are both published at {url}: one hides the other")

    def _site_model(self, files: Files) -> SiteModel:
        assert self.corpus is not None and self.loader is not None
        # The mapping itself: get_file_from_path normalises its argument, once per note.
        file_of = files.src_uris
        url_of = {note.doc_uri: file_of.get(note.doc_uri) for note in self.corpus.notes}
        git = self.loader.git
        return SiteModel(
            self.corpus,
            self.settings,
            {uri: file.url for uri, file in url_of.items() if file is not None},
            commit_url=git.commit_url,
            git_facts=self.corpus.git_facts,
            file_url=git.file_url,
        )

    def _fill_listings(self, files: Files) -> None:
        """The generated listings' Markdown; the written pages the plugin fills are rebuilt."""
        assert self.writer is not None
        for uri in self.generated:
            generated = files.get_file_from_path(uri)
            assert generated is not None
            generated.content_string = self.writer.generated_markdown(self.specs[uri])
        for uri in self.specs.keys() - self.generated:
            # A page the team wrote that the plugin fills (Home's summary, an index.md with the
            # listing): `mkdocs serve --dirty` would skip it while its file is unchanged, though
            # a new or edited note changes what it shows. Generated pages are always rebuilt;
            # these few are too.
            written = files.get_file_from_path(uri)
            if written is not None:
                written.is_modified = lambda: True  # type: ignore[method-assign]

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        # MkDocs watches docs_dir only: notes kept outside it must rebuild the site too.
        if self.corpus is not None and is_outside_docs(self.corpus.notes_root, config):
            server.watch(str(self.corpus.notes_root))
        return server

    def _add_run_pages(
        self,
        files: Files,
        config: MkDocsConfig,
        renderer: Renderer,
        commit_url: Callable[[str], str | None],
    ) -> None:
        assert self.runs is not None and self.run_links is not None and self.model is not None
        rows = self.model.rows.values()
        note_urls = {row.note.rel_path: row.url for row in rows if row.url is not None}
        self.run_pages = RunPages(
            self.runs,
            self.run_links,
            renderer,
            note_urls=note_urls,
            commit_url=commit_url,
            url_of=lambda uri: _url(files, uri),
        )
        self.run_specs = {}
        if not len(self.runs):
            return
        for spec in self.run_pages.specs():
            self.run_specs[spec.src_uri] = spec
            if files.get_file_from_path(spec.src_uri) is None:
                inclusion = (
                    InclusionLevel.UNDEFINED if spec.run is None else InclusionLevel.NOT_IN_NAV
                )
                content = self.run_pages.markdown(spec)
                files.append(
                    File.generated(config, spec.src_uri, content=content, inclusion=inclusion)
                )
                self.generated.add(spec.src_uri)

    def _header(self, row: NoteRow) -> str:
        assert self.writer is not None
        cards = header_cards(self.run_pages, self.writer, row)
        return self.writer.note_header(
            row, row.note.diagnostics if self.show_banners else [], cards
        )

    def _make_headers(self) -> dict[str, str]:
        """Every note's header, by its page's source path, made one after the other: made one
        at a time as each page was written, between two renderings of Material's templates,
        they cost 1.0 s of a 3,000-note build, against 0.6 s made together."""
        assert self.model is not None
        with collector_paused():
            return {
                row.note.doc_uri: self._header(row)
                for row in self.model.rows.values()
                if row.url is not None
            }

    def _mark_changed_headers(self, files: Files) -> None:
        """Under `mkdocs serve --dirty`, rebuild notes whose header changed though their file did
        not (e.g. a new note now builds on them). MkDocs asks ``is_modified`` before ``on_env``,
        so there the headers are made now; a plain build makes them in ``on_env``."""
        previous = self.previous_headers
        self.headers = self._make_headers()
        for uri, header in self.headers.items():
            if previous.get(uri, header) != header:
                file = files.get_file_from_path(uri)
                if file is not None:
                    file.is_modified = lambda: True  # type: ignore[method-assign]
        self.previous_headers = dict(self.headers)  # on_post_page takes them from self.headers

    # After every plugin that may still change the nav.
    @event_priority(-100)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav_urls = [page.url for page in nav.pages]
        return nav

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        if self.renderer is not None:
            # Material's renderer takes the same environment here (its tags listings).
            self.renderer.use(page_environment(env))
        self.nav_cache, self.translation_tables, self.material_pieces = None, 0, 0
        if self.settings.cache_nav:
            site_urls = [file.url for file in files]
            cache = NavCache(self.nav_urls, site_urls)
            if cache_material_nav(env, cache):
                self.nav_cache = cache
            self.translation_tables = memoize_material_translations(
                env, str(config.theme.get("language") or "en")
            )
            self.material_pieces = render_material_pieces_once(env, site_urls)
        if not self.dirty and self.model is not None:
            # In the theme's environment, which a site's own note_header.html may rely on.
            self.headers = self._make_headers()
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # The loader has read and parsed every note already: giving MkDocs the body spares it
        # reading the file again and parsing its frontmatter with a second YAML parser (a tenth
        # of a 3,000-note build). The leading blank line makes MkDocs find no metadata in it: its
        # YAML block must start at the first character, its MultiMarkdown block ends at a blank
        # line. page.meta is filled from the parsed frontmatter in on_page_markdown.
        assert self.model is not None
        row = self.model.by_uri.get(page.file.src_uri)
        if row is None:
            return None
        return "\n" + row.note.body

    # Before Material's tags plugin (-50) reads page.meta["tags"].
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.model is not None and self.writer is not None and self.corpus is not None
        uri = page.file.src_uri
        if uri in self.run_specs and self.run_pages is not None:
            if uri in self.generated:
                page.meta["title"] = page_title(self.run_specs[uri].title)
            return self.run_pages.with_marker(markdown)
        spec = self.specs.get(uri)
        if spec is not None:
            if uri in self.generated:
                # Like a note's: Material prints the title unescaped (`striptags` would turn
                # the escaped entities of a title taken from the H1 back into markup).
                page.meta["title"] = page_title(spec.title)
            if spec.kind != "home":
                # The notes themselves are indexed; their listings would only repeat them.
                page.meta.setdefault("search", {"exclude": True})
            if spec.kind in WIDE_PAGES:
                page.meta.setdefault("hide", ["toc"])
            return self.writer.with_marker(spec, markdown)
        row = self.model.by_uri.get(uri)
        if row is None:
            return markdown
        # Only what the theme is meant to read, validated and escaped: themes print page.meta
        # without autoescaping, and read keys such as `template`, `status` or `icon` that a
        # note must not be able to set. The title follows topic > first heading > file name.
        page.meta.update(theme_meta(row.note, row.title, row.tags))
        body = row.note.body
        if row.git is not None and self.links_in_html:
            # Most code links are added to the HTML in on_page_content: Markdown parsing ~25
            # more links and tags per note was the largest cost of a build with git on.
            assert self.loader is not None
            linked = link_code_refs_for_html(body, row.git.refs, self.loader.git.permalink)
            body = linked.markdown
            if linked.snippets:
                self.linked_bodies[uri] = linked
        elif row.git is not None:
            assert self.loader is not None
            body = link_code_refs(body, row.git.refs, self.loader.git.permalink)
        # After the code links, which are placed by column: these are found by their text.
        return rewrite_links(body, self.link_edits.get(row.note.rel_path, ()), row.note.markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.writer is not None
        run_spec = self.run_specs.get(page.file.src_uri)
        if run_spec is not None and self.run_pages is not None:
            return self.run_pages.fill(run_spec, html, page.url)
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            with collector_paused():
                return self.writer.fill(spec, html, page.url)
        linked = self.linked_bodies.pop(page.file.src_uri, None)
        if linked is not None:
            if self.search_reads_stand_ins:
                stand_in = linked.stand_in(html)
                if stand_in is not None:
                    self.waiting_links[page.file.src_uri] = stand_in
                    return stand_in.content
            filled = linked.fill(html)
            if filled is not None:
                return filled
            # A placeholder did not come out once (Markdown did something unforeseen with it):
            # render the page as if the links had been written into the Markdown.
            page.markdown = linked.unfold(page.markdown or "")
            page.render(config, files)
            return page.content or ""
        return html

    # Before other plugins' post-processing (minifiers, privacy), which may rewrite the page
    # where the code links are still to be put in (the content as the theme got it) or where
    # the header goes.
    @event_priority(50)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # The header goes into the finished page, after the search plugin has indexed the
        # content: the note's facts are listed on the indexes, and parsing ~30 more tags on every
        # note was the largest cost the plugin added to a build.
        assert self.model is not None
        waiting = self.waiting_links.pop(page.file.src_uri, None)
        if waiting is not None:
            output = waiting.finish(output, page.content)
        header = self.headers.pop(page.file.src_uri, None)  # freed as the pages are written
        if header is None:
            row = self.model.by_uri.get(page.file.src_uri)
            if row is None or row.url is None:
                return output
            header = self._header(row)
        return insert_after_title(output, header)

    def _report(self, corpus: Corpus, *, strict: bool) -> None:
        for notice in corpus.notices:
            # Not a warning: a site built from an export without .git must still pass --strict.
            log.info(notice)
        errors: list[Diagnostic] = []
        for item in corpus.diagnostics:
            # The line `thoughts check` prints, so the build log and the CLI read alike.
            text = f"{item.location()}: {item.severity} {item.code} {item.message}"
            text += f" (hint: {item.hint})" if item.hint else ""
            if item.is_error:
                errors.append(item)
                # A warning through the plugin logger is what makes `mkdocs build --strict` fail.
                log.warning(text)
            else:
                log.info(text)
        self.errors = errors
        if errors and self.settings.fail_on_error and not strict and not self.is_serving:
            raise PluginError(
                f"{len(errors)} error(s) in note frontmatter; see above "
                "(set fail_on_error: false to build anyway)"
            )

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # `mkdocs build --strict` fails on the warnings it counts, and it counts only what is
        # logged: under `-q` the errors above were never logged, so the plugin fails the build
        # itself (after every page is written, as MkDocs' own strict check does).
        if not (config.strict and self.errors) or self.is_serving:
            return
        if log.isEnabledFor(logging.WARNING):
            return
        raise PluginError(strict_failure(self.errors))


MATERIAL_SEARCH = "material.plugins.search.plugin"
"""The search plugin whose HTML parser is known to index a stand-in as it indexes the link."""


def _url(files: Files, uri: str) -> str:
    file = files.get_file_from_path(uri)
    return file.url if file is not None else uri

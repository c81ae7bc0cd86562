"""`thoughts export`: the research site as a plain docs tree that any Markdown generator builds.

Everything the plugin adds to a build is written into the files themselves, from the same
writers the plugin calls (``site.page_model.SitePages``): a note's header goes in front of its
body, a generated page is its title and its HTML. The HTML sits in the Markdown as one raw block
(a ``<div>`` between blank lines), which Python-Markdown, and so MkDocs, ProperDocs and Zensical,
passes through untouched. Links inside it are relative URLs of the built site, worked out for the
URL style the export is built with (``use_directory_urls``), exactly as the plugin works them out.

Nothing here reads the clock or the environment: the same notes, git history and runs give the
same bytes.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.config import ThoughtsSettings
from ..core.escaping import markdown_inline, page_title
from ..core.markdown_scan import scan_body
from ..corpus.model import Corpus
from ..git.info import GitInfo
from ..runs.citations import RunLinks
from ..runs.run_set import RunSet
from ..site.assets import ASSET_DIR, bundles
from ..site.graph_svg import render_graph_svg
from ..site.note_links import LinkEdit, rewrite_links
from ..site.page_model import SitePages
from ..site.pages import (
    INDEX_MARKER,
    SUMMARY_MARKER,
    PageSpec,
    PageWriter,
    plan_pages,
    use_authors_readme,
)
from ..site.render import Renderer, page_environment
from ..site.run_pages import RUNS_MARKER, RunPages
from ..site.urls import relative_url

GRAPH_SVG = f"{ASSET_DIR}/graph.svg"
"""The whole graph as a file of its own, beside the interactive one on the graph page."""
BLOCK_CLASS = "th-export"
_LINK_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def page_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The site-root URL MkDocs (and Zensical) give the page ``src_uri``."""
    stem = src_uri.removesuffix(".md")
    if stem == "README" or stem.endswith("/README"):  # MkDocs serves a README as the folder page
        stem = stem.removesuffix("README") + "index"
    is_index = stem == "index" or stem.endswith("/index")
    if directory_urls:
        return stem.removesuffix("index") if is_index else stem + "/"
    return stem + ".html"


def raw_block(html: str) -> str:
    """``html`` as one raw HTML block of Markdown: a ``<div>`` between blank lines."""
    return f'\n<div class="{BLOCK_CLASS}">\n{html.strip()}\n</div>\n\n'


def markdown_heading(title: str) -> str:
    """A level-one heading showing ``title`` as written (Markdown and HTML in it are text)."""
    return "# " + markdown_inline(title) + "\n"


def titled(markdown: str, title: str) -> str:
    """``markdown`` with the page's escaped title as its metadata, as the plugin sets
    ``page.meta["title"]``: themes print a title taken from the first heading unescaped."""
    return f"---\ntitle: {json.dumps(page_title(title))}\n---\n{markdown}"


def with_header(body: str, header: str, title: str) -> str:
    """The note page: its first ``#`` heading (or one made from ``title``), the header, the rest.

    The plugin puts the header after the page's first heading; this is the same place in the
    Markdown. A leading blank line keeps generators from reading a first ``Key: value`` line of
    the body as metadata (the note's frontmatter has already been read and is shown in the
    header).
    """
    heading = scan_body(body).first_heading()
    if heading is not None:
        lines = body.split("\n")
        before, after = lines[: heading.last_line], lines[heading.last_line :]
        return "\n" + "\n".join(before) + "\n" + raw_block(header) + "\n".join(after)
    # No heading: the theme shows the page title first, and the plugin the header under it.
    return "\n" + markdown_heading(title) + raw_block(header) + body


def rebase_links(html: str, page: str, source: str) -> str:
    """``html``'s relative links, written for the page at the URL ``page``, rewritten relative
    to the folder of its source file ``source`` (a path in the docs folder).

    MkDocs and ProperDocs leave the links of raw HTML as written: they must be relative to the
    built page. Zensical resolves every relative link against the source file, as for Markdown
    links, and rewrites it for the built page: what it is given must be relative to the file.
    """

    def rebased(match: re.Match[str]) -> str:
        url = match[2]
        if not url or url.startswith(("#", "/")) or _SCHEME.match(url):
            return match[0]
        path, hash_, fragment = url.partition("#")
        target = posixpath.normpath(posixpath.join(_folder(page), path)) if path else page
        if target == ".":
            target = ""
        elif path.endswith("/") or not path:
            target = target.rstrip("/") + "/"
        if target.startswith(".."):
            return match[0]  # outside the site: nothing to rebase against
        return match[1] + relative_url(target, source) + hash_ + fragment + match[3]

    return _LINK_ATTRIBUTE.sub(rebased, html)


def _folder(page: str) -> str:
    return page if page.endswith("/") or not page else posixpath.dirname(page)


@dataclass(frozen=True, slots=True)
class ExportInput:
    """What the export is made from: the loaded notes and runs, and where the docs are."""

    corpus: Corpus
    settings: ThoughtsSettings
    git: GitInfo
    runs: RunSet
    run_links: RunLinks
    docs_dir: Path
    repo_root: Path
    directory_urls: bool = True
    banners: bool = True
    """Show each note's problems above it, as a non-strict `mkdocs build` does."""
    source_relative: bool = False
    """Write the links of generated HTML relative to the source file (Zensical) rather than to
    the built page (MkDocs, ProperDocs): see :func:`rebase_links`."""
    link_edits: Mapping[str, Sequence[LinkEdit]] = field(default_factory=dict)
    """The body links to rewrite, by note path, as the plugin rewrites them (see
    :func:`note_links.link_edits`): links to notes go to their pages, cited files to the forge."""
    not_page: Callable[[Path], bool] = lambda path: False
    """Files of the docs folder the plugin takes off the site (note templates)."""
    template_dirs: Sequence[Path] = ()
    """The theme's template folders, ``custom_dir`` first: where the site's own
    ``thoughts/*.html`` templates are found before the plugin's, as in a build."""


@dataclass(frozen=True, slots=True)
class ExportedSite:
    files: dict[str, bytes]
    """The docs tree: path relative to the docs folder -> content."""
    nav: list[dict[str, str]]
    """The nav the plugin would set: generated pages by title, in its order."""
    notes: int
    pages: int


def export_docs(source: ExportInput) -> ExportedSite:
    """The whole docs tree of the export, in memory (the caller writes it)."""
    corpus, settings = source.corpus, source.settings
    files = dict(_source_files(source.docs_dir, source.repo_root, source.not_page))

    def url_of(uri: str) -> str:
        return page_url(uri, directory_urls=source.directory_urls)

    def for_page(html: str, uri: str) -> str:
        return rebase_links(html, url_of(uri), uri) if source.source_relative else html

    specs = plan_pages(settings, corpus.notes)
    use_authors_readme(specs, source.docs_dir)
    pages = SitePages(
        corpus,
        settings,
        specs=specs,
        url_of=url_of,
        note_urls={note.doc_uri: url_of(note.doc_uri) for note in corpus.notes},
        renderer=Renderer(
            page_environment(search_path=source.template_dirs), tags_url=url_of("tags.md")
        ),
        runs=source.runs,
        run_links=source.run_links,
        commit_url=source.git.commit_url,
        permalink=source.git.permalink,
        graph_file=GRAPH_SVG,
    )
    generated = _fill_listings(files, specs, pages.writer, url_of, for_page)
    if len(source.runs):
        generated += _fill_run_pages(files, pages.run_pages, url_of, for_page)
    for row in pages.model.rows.values():
        assert row.url is not None
        header = for_page(pages.note_header(row, banners=source.banners), row.note.doc_uri)
        body = rewrite_links(pages.note_body(row), source.link_edits.get(row.note.rel_path, ()))
        page = with_header(body, header, row.title)
        files[row.note.doc_uri] = titled(page, row.title).encode()
    for path, content in bundles().items():
        files[path] = content
    if corpus.graph is not None and len(corpus.graph):
        files[GRAPH_SVG] = render_graph_svg(
            corpus.graph,
            lambda note: pages.model.relative_url_of(note, GRAPH_SVG),
            types=list(settings.types),
        ).encode()
    nav = [{spec.title: spec.src_uri} for spec in specs if spec.nav]
    if len(source.runs):
        nav.insert(-1, {"Runs": "runs/index.md"})  # before the report, last (as the plugin)
    return ExportedSite(dict(sorted(files.items())), nav, len(pages.model.rows), generated)


def _fill_listings(
    files: dict[str, bytes],
    specs: Sequence[PageSpec],
    writer: PageWriter,
    url_of: Callable[[str], str],
    for_page: Callable[[str, str], str],
) -> int:
    """The generated listings (index, types, tags, graph, report...) filled into ``files``: a
    page the authors wrote keeps its text around the marker. Returns how many were made."""
    for spec in specs:
        written = _text(files.get(spec.src_uri))
        markdown = writer.with_marker(
            spec,
            written if written is not None else titled(writer.generated_markdown(spec), spec.title),
        )
        html = writer.html(spec, url_of(spec.src_uri))
        marker = SUMMARY_MARKER if spec.kind == "home" else INDEX_MARKER
        files[spec.src_uri] = _filled(markdown, marker, for_page(html, spec.src_uri))
    return len(specs)


def _fill_run_pages(
    files: dict[str, bytes],
    run_pages: RunPages,
    url_of: Callable[[str], str],
    for_page: Callable[[str, str], str],
) -> int:
    """The runs index and one page per run, filled into ``files`` like the listings."""
    generated = 0
    for run_spec in run_pages.specs():
        written = _text(files.get(run_spec.src_uri))
        markdown = run_pages.with_marker(
            written if written is not None else titled(run_pages.markdown(run_spec), run_spec.title)
        )
        html = run_pages.html(run_spec, url_of(run_spec.src_uri))
        files[run_spec.src_uri] = _filled(markdown, RUNS_MARKER, for_page(html, run_spec.src_uri))
        generated += 1
    return generated


def _filled(markdown: str, marker: str, html: str) -> bytes:
    head, found, tail = markdown.partition(marker)
    if not found:  # another plugin's page (never for the export's own writer)
        return markdown.encode()
    return (head.rstrip("\n") + "\n" + raw_block(html) + tail.lstrip("\n")).encode()


def _text(content: bytes | None) -> str | None:
    return None if content is None else content.decode("utf-8", errors="replace")


def _source_files(
    docs_dir: Path, repo_root: Path, not_page: Callable[[Path], bool]
) -> Iterator[tuple[str, bytes]]:
    """Every file of the docs folder (hidden ones aside), by path; a symbolic link is followed
    only when it stays inside the repository."""
    root = docs_dir.resolve()
    repo = repo_root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        folder = Path(dirpath)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if not name.startswith(".") and _inside(folder / name, repo, follow=False)
        )
        for name in sorted(filenames):
            path = folder / name
            if name.startswith(".") or not _inside(path, repo, follow=True) or not_page(path):
                continue
            yield path.relative_to(root).as_posix(), path.read_bytes()


def _inside(path: Path, repo: Path, *, follow: bool) -> bool:
    if not path.is_symlink():
        return True
    if not follow:
        return False  # a linked folder could loop or lead anywhere: not walked
    target = path.resolve()
    return target.is_file() and target.is_relative_to(repo)

"""Code links added to the finished HTML (html_code_links.py) make the very bytes the links
written into the Markdown made, in every Markdown context a reference may stand in."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitfixtures import GIT_NOTE, GRACE, Scenario, forge_site_yml, isolate_git
from mkdocs_thoughts.git.code_refs import CodeRef, RefStatus, RefSyntax
from mkdocs_thoughts.site.code_links import link_code_refs
from mkdocs_thoughts.site.html_code_links import link_code_refs_for_html
from sitebuild import built_config

MKDOCS = forge_site_yml("Code links")
CONTEXTS = """\
## The check at `src/a.py:25`

Plain `src/a.py:5-6` and `src/gone.py` on one line, `src/b.py:9` too.

| where | what |
|---|---|
| parser | `src/a.py:25` |

> quoted `src/a.py:5`

- listed `src/a.py:5-6`
    - nested `src/b.py:2`
- *emphasised `src/a.py:5` here* and **`src/b.py`**
- underscored _`src/a.py:12`_, __`src/b.py:3`__ and glued x`src/a.py:13`y

Reference style [`src/a.py:5`][r], escaped \\`src/a.py:7` and a [link](../../../src/b.py#L2)
with `src/a.py:8` beside it.

Setext `src/a.py:9`
-------------------

    indented `src/a.py:10`

```python
fenced `src/a.py:11`
```

Footnote-like text `src/later.py`.

[r]: https://example.com/r
"""
HTML_BLOCK = """\
Before `src/a.py:5`.

<div class="box">
inside `src/a.py:6`
</div>

After `src/b.py:2`.
"""
NOTES = {
    "thoughts/shared/research/2025-01-06_12-00-00_contexts.md": ("Contexts", CONTEXTS),
    "thoughts/shared/research/2025-01-06_13-00-00_html-block.md": ("HTML block", HTML_BLOCK),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same repository built with the HTML path (default extensions) and without it (an
    extension outside the allow-list that changes nothing here: abbreviations, none defined)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch)
        root = tmp_path_factory.mktemp("code-links")
        scenario = Scenario(root)
        for path, (topic, body) in NOTES.items():
            scenario.repo.write(path, GIT_NOTE.format(sha=scenario.c1[:7], topic=topic) + body)
        scenario.repo.commit("Add notes", GRACE)
        built = []
        for name, extra in (("html", ""), ("markdown", "markdown_extensions:\n  - abbr\n")):
            (root / "mkdocs.yml").write_text(MKDOCS + extra + f"site_dir: site-{name}\n")
            config = built_config(root)
            assert config.plugins["thoughts"].links_in_html is (name == "html")
            # Material's search indexed the stand-ins (html_code_links.py) on the HTML path.
            assert config.plugins["thoughts"].search_reads_stand_ins
            built.append(Path(config.site_dir))
        yield built[0], built[1]


def test_every_note_page_and_the_search_index_are_byte_for_byte_the_same(
    sites: tuple[Path, Path],
) -> None:
    html_site, markdown_site = sites
    for path in NOTES:
        url = path.removeprefix("thoughts/").removesuffix(".md")
        ours = (html_site / url / "index.html").read_text()
        assert ours == (markdown_site / url / "index.html").read_text(), url
        assert "th-drift" in ours and "\x0e" not in ours  # no placeholder left
    search = "search/search_index.json"
    assert (html_site / search).read_bytes() == (markdown_site / search).read_bytes()


def test_the_html_path_is_taken_only_where_markdown_renders_the_link_exactly() -> None:
    body = CONTEXTS
    refs = [
        _ref(body, "`src/a.py:5-6`"),  # a plain line: HTML
        _ref(body, "`src/a.py:25`", after="| parser"),  # a table cell: HTML
        _ref(body, "`src/a.py:25`"),  # a heading: Markdown (the toc reads it)
        _ref(body, "`src/a.py:5`", after="Reference style"),  # beside a link: Markdown
        _ref(body, "`src/b.py:2`"),  # indented 4 spaces: Markdown
    ]
    linked = link_code_refs_for_html(body, refs, _permalink)
    assert len(linked.snippets) == 2
    assert linked.snippets[0].startswith('<a href="https://forge/src/')
    # Unfolded, the Markdown is what the old path wrote.
    assert linked.unfold(linked.markdown) == link_code_refs(body, refs, _permalink)


def test_placeholders_keep_an_ascii_body_ascii() -> None:
    # One character beyond Latin-1 makes Python store a note at two bytes a character, and
    # narrow again every piece Python-Markdown cuts from it: the placeholders must not be what
    # makes a note's Markdown so.
    body = "See `src/a.py:5` and `src/b.py:2`.\n"
    linked = link_code_refs_for_html(
        body, [_ref(body, "`src/a.py:5`"), _ref(body, "`src/b.py:2`")], _permalink
    )
    assert len(linked.snippets) == 2
    assert linked.markdown.isascii()


@pytest.mark.parametrize("html", ['<div class="box">x</div>', '   <div class="box">x</div>'])
@pytest.mark.parametrize("where", ["first", "later"])
def test_a_note_with_an_html_block_links_its_references_in_the_markdown(
    html: str, where: str
) -> None:
    prose = "See `src/a.py:5`.\n"
    body = f"{prose}\n{html}\n" if where == "later" else f"{html}\n\n{prose}"
    linked = link_code_refs_for_html(body, [_ref(body, "`src/a.py:5`")], _permalink)
    assert linked.snippets == []
    assert "[`src/a.py:5`](" in linked.markdown
    indented = "    " + html.lstrip()  # four spaces: indented code, not HTML
    body = body.replace(html, indented)
    linked = link_code_refs_for_html(body, [_ref(body, "`src/a.py:5`")], _permalink)
    assert len(linked.snippets) == 1


def test_a_placeholder_that_does_not_come_out_once_asks_for_the_markdown_path() -> None:
    body = "See `src/a.py:5`.\n"
    linked = link_code_refs_for_html(body, [_ref(body, "`src/a.py:5`")], _permalink)
    (snippet,) = linked.snippets
    placeholder = linked.markdown.removeprefix("See ").removesuffix(".\n")
    assert linked.fill(f"<p>See {placeholder}.</p>") == f"<p>See {snippet}.</p>"
    assert linked.fill(f"<p>{placeholder} {placeholder}</p>") is None
    assert linked.fill("<p>gone</p>") is None


def test_search_reads_the_links_text_and_the_page_gets_the_links() -> None:
    body = "See `src/a.py:5`.\n"
    linked = link_code_refs_for_html(body, [_ref(body, "`src/a.py:5`")], _permalink)
    (snippet,) = linked.snippets
    placeholder = linked.markdown.removeprefix("See ").removesuffix(".\n")
    page = f"<p>See {placeholder}.</p>"
    stand_in = linked.stand_in(page)
    assert stand_in is not None
    content = stand_in.content
    assert content == "<p>See <code>src/a.py:5</code> changed.</p>"
    # Written out inside the theme's page, the stand-in becomes the link fill() would make.
    theme = "<main><code>src/a.py:5</code> changed{}</main>"
    assert stand_in.finish(theme.format(content), content) == theme.format(linked.fill(page))
    assert linked.fill(page) == f"<p>See {snippet}.</p>"
    # Content another plugin changed after this one: its stand-ins are linked where they are.
    changed = f"<div>{content}</div><p>Added</p>"
    expected = f"<div><p>See {snippet}.</p></div><p>Added</p>"
    assert stand_in.finish(theme.format(changed), changed) == theme.format(expected)
    # Content the theme did not write as it got it is left as the search plugin read it.
    assert stand_in.finish(theme.format(content), "<p>other</p>") == theme.format(content)
    # A placeholder that did not come out once is no stand-in: the page takes the other path.
    assert linked.stand_in("<p>gone</p>") is None


def _ref(body: str, text: str, *, after: str = "") -> CodeRef:
    start = body.index(after) if after else 0
    offset = body.index(text, start)
    line = body.count("\n", 0, offset) + 1
    column = offset - (body.rfind("\n", 0, offset) + 1) + 1
    path = text.strip("`").split(":")[0]
    return CodeRef(
        path, 5, 6, text, RefSyntax.CODE, line, column, RefStatus.CHANGED, "c0ffee", path
    )


def _permalink(ref: CodeRef) -> str:
    return f"https://forge/{ref.path}#L{ref.start}"


HOOK = """\
def on_page_markdown(markdown, page, config, files):
    # After the plugin's (priority 50): every placeholder now comes out twice.
    return markdown + "\\n\\nAgain:\\n\\n" + markdown if "Contexts" in markdown else markdown
"""


def test_a_page_whose_placeholders_come_out_twice_is_rendered_the_old_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    html_page, markdown_page = _pages(_both_paths_with_hook(tmp_path, HOOK))
    assert "Again:" in html_page and "\x0e" not in html_page
    assert html_page == markdown_page


CONTENT_HOOK = """\
def on_page_content(html, page, config, files):
    # After the plugin's: the content the theme gets is not the one the plugin made.
    return f'<div class="hooked">{html}</div><p>Added</p>' if "Contexts" in html else html
"""


def test_content_another_plugin_changed_after_this_one_still_gets_its_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    sites = _both_paths_with_hook(tmp_path, CONTENT_HOOK)
    html_page, markdown_page = _pages(sites)
    assert '<div class="hooked">' in html_page and "<p>Added</p>" in html_page
    assert html_page == markdown_page
    search = "search/search_index.json"
    assert (sites[0] / search).read_bytes() == (sites[1] / search).read_bytes()


POST_PAGE_HOOK = """\
from mkdocs.plugins import event_priority


@event_priority(10)  # before plugins at the default priority, as a minifier listed first is
def on_post_page(output, page, config):
    return output.replace("</p>", "</p>\\n") if "Contexts" in output else output
"""


def test_a_page_other_plugins_rewrite_once_written_gets_its_links_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    html_page, markdown_page = _pages(_both_paths_with_hook(tmp_path, POST_PAGE_HOOK))
    assert "</p>\n\n" in html_page
    assert html_page == markdown_page


def _both_paths_with_hook(root: Path, hook: str) -> tuple[Path, Path]:
    """The Contexts note built with the HTML path and with the Markdown path, ``hook`` on."""
    scenario = Scenario(root)
    path = next(iter(NOTES))
    scenario.repo.write(path, GIT_NOTE.format(sha=scenario.c1[:7], topic="Contexts") + CONTEXTS)
    scenario.repo.write("hooks.py", hook)
    scenario.repo.commit("Add a note and a hook", GRACE)
    sites = []
    for name, extra in (("html", ""), ("markdown", "markdown_extensions:\n  - abbr\n")):
        (root / "mkdocs.yml").write_text(
            MKDOCS + extra + f"hooks:\n  - hooks.py\nsite_dir: site-{name}\n"
        )
        config = built_config(root)
        assert config.plugins["thoughts"].links_in_html is (name == "html")
        sites.append(Path(config.site_dir))
    return sites[0], sites[1]


def _pages(sites: tuple[Path, Path]) -> tuple[str, str]:
    """The Contexts note's page in each of the two sites."""
    page = Path(next(iter(NOTES)).removeprefix("thoughts/").removesuffix(".md")) / "index.html"
    html_site, markdown_site = sites
    return (html_site / page).read_text(), (markdown_site / page).read_text()

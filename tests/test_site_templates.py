"""The plugin's templates: found on the theme's search path, so a site's `custom_dir` overrides
them, in a real build and in `thoughts export`; the theme's own templates do not see the plugin's
helpers; the README lists every template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.site.render import TEMPLATE_DIR
from sitebuild import build_site
from treeutil import REPO_ROOT, write_tree

NOTE = "shared/research/2025-01-06_10-00-00_baseline"
SITE = {
    "mkdocs.yml": """\
        site_name: Templates
        docs_dir: thoughts
        theme:
          name: material
          font: false
          custom_dir: overrides
        plugins:
          - search
          - thoughts:
              check_commits: false
        """,
    f"thoughts/{NOTE}.md": """\
        ---
        date: 2025-01-06T10:00:00+00:00
        researcher: Ada Lovelace
        git_commit: "3d801c3 (and <b>uncommitted</b> edits)"
        branch: main
        repository: templates
        topic: "Baseline <b>model</b>"
        status: complete
        tags: [baseline]
        ---
        # Baseline

        Text.
        """,
    "thoughts/shared/plans/2025-01-07_10-00-00_plan.md": """\
        ---
        date: 2025-01-07T10:00:00+00:00
        researcher: Ada Lovelace
        git_commit: 3d801c3
        branch: main
        repository: templates
        topic: Plan
        status: in_progress
        tags: [plan]
        related_research: [shared/research/2025-01-06_10-00-00_baseline.md]
        ---
        # Plan
        """,
    # The site's own header and graph page; every other template stays the plugin's.
    "overrides/thoughts/note_header.html": """\
        <div class="team-header">{{ row.title }} · {{ status_badge(row.status) }}
        {% for label, links in row.relations %}{{ label }} {{ links|length }}{% endfor %}
        <a class="team-tags" href="{{ 'tags/' | url }}">tags</a>
        <a class="team-out" href="{{ 'https://example.org/a' | url }}">out</a></div>
        """,
    "overrides/thoughts/graph.html": '<p class="team-graph">{{ svg|length > 0 }}</p>\n',
    # A theme override of its own: were the plugin's helpers put into the theme's environment,
    # every page would say so.
    "overrides/main.html": """\
        {% extends "base.html" %}
        {% block content %}{{ super() }}
        {% if note_link is defined or status_badge is defined %}LEAKED{% endif %}
        {% endblock %}
        """,
}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_custom_dir_overrides_the_header_and_graph_page_in_a_build(tmp_path: Path) -> None:
    site = build_site(write_tree(tmp_path, SITE))
    note = _soup(site / NOTE / "index.html")
    header = note.find("div", class_="team-header")
    assert header is not None and note.find("div", class_="th-note-header") is None
    # Escaped by the environment, though the template asks for nothing.
    assert "Baseline <b>model</b>" in header.get_text() and header.find("b") is None
    assert "Plans built on this 1" in header.get_text()
    assert header.find("span", class_="th-status--complete") is not None  # a helper, unescaped
    # MkDocs' `url` filter, as a theme override would use it: from the note's page.
    assert header.find("a", class_="team-tags")["href"] == "../../../tags/"
    assert header.find("a", class_="team-out")["href"] == "https://example.org/a"
    assert _soup(site / "graph/index.html").find("p", class_="team-graph").get_text() == "True"
    # The listings keep the plugin's templates.
    assert _soup(site / "shared/research/index.html").find("div", class_="th-listing")
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    assert [page for page in pages if "LEAKED" in page.read_text(encoding="utf-8")] == []


def test_thoughts_export_renders_the_sites_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "site", SITE)
    monkeypatch.chdir(root)
    assert main(["export", str(tmp_path / "out")]) == 0
    exported = (tmp_path / "out/docs" / f"{NOTE}.md").read_text(encoding="utf-8")
    assert '<div class="team-header">Baseline &lt;b&gt;model&lt;/b&gt; · ' in exported
    assert "th-note-header" not in exported
    assert '<a class="team-tags" href="../../../tags/">' in exported
    graph = (tmp_path / "out/docs/graph.md").read_text(encoding="utf-8")
    assert '<p class="team-graph">True</p>' in graph


def test_without_an_override_the_plugins_templates_are_used(tmp_path: Path) -> None:
    files = {name: text for name, text in SITE.items() if not name.startswith("overrides/")}
    files["mkdocs.yml"] = files["mkdocs.yml"].replace("custom_dir: overrides", "features: []")
    site = build_site(write_tree(tmp_path, files))
    header = _soup(site / NOTE / "index.html").find("div", class_="th-note-header")
    assert header is not None
    # The remark written after the SHA, beside it and escaped.
    remark = header.find("span", class_="th-commit-remark")
    assert remark is not None and remark.get_text() == "(and <b>uncommitted</b> edits)"
    assert header.find("b") is None
    assert _soup(site / "graph/index.html").find("div", class_="tg-page") is not None


def test_the_readme_lists_every_template_with_its_context() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Overriding the templates", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w.]+\.html)` \|", section, flags=re.MULTILINE))
    shipped = {path.name for path in (TEMPLATE_DIR / "thoughts").glob("*.html")}
    assert listed == shipped

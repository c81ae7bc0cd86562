"""`thoughts export`: the site as plain docs, built by Zensical and by MkDocs without the plugin.

Each export is built for real (``zensical build``, ``mkdocs build``) and the built HTML is
compared with what the plugin's own build of the same notes shows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from factories import make_note
from gitfixtures import ADA, GRACE, GitRepo, forge_site_yml, isolate_git
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.export.build import markdown_heading, with_header
from sitebuild import build_site
from test_runs import make_run, run_json
from treeutil import REPO_ROOT

MKDOCS = forge_site_yml(
    "Export notes", "markdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n"
)
HOSTILE = 'Quotes "and" <b>tags</b> & *stars* | pipes'
RESEARCH = "thoughts/shared/research/2025-01-06_10-00-00_baseline.md"
SECOND = "thoughts/shared/research/2025-01-07_10-00-00_second-look.md"
PLAN = "thoughts/shared/plans/2025-01-08_10-00-00_plan.md"
PR = "thoughts/shared/prs/2025-01-09_10-00-00_pr.md"
BARE = "thoughts/shared/research/2025-01-05_bare-note.md"
RUN_DIR = "data/processed/labeled/20250106_090000_train"


def note(topic: str, sha: str, *, status: str = "complete", body: str, **extra: object) -> str:
    return make_note(
        date="2025-01-06T12:00:00+00:00",
        researcher="Ada Lovelace",
        git_commit=sha,
        topic=json.dumps(topic),
        tags=["baseline", "risk factors"],
        status=status,
        **extra,
        body=body,
    )


def make_site(root: Path) -> GitRepo:
    """A repository whose notes use every part of the header: git facts, a cited code line,
    relations both ways, a run, an inferred note, a note with an error, a hostile title."""
    repo = GitRepo(root)
    repo.lines("src/model.py", [f"line {n}" for n in range(1, 21)])
    repo.write("mkdocs.yml", MKDOCS)
    repo.write(
        "thoughts/index.md", "# Export notes\n\nWelcome.\n\n<!-- thoughts:summary -->\n\nBye.\n"
    )
    sha = repo.commit("Add model", ADA)
    make_run(
        root,
        RUN_DIR,
        run=run_json("train", "20250106_090000", git={"commit": sha, "branch": "main"}),
        metrics={"f1": 0.5},
    )
    repo.write(
        RESEARCH,
        note(
            HOSTILE,
            sha[:7],
            body="# Baseline\n\nThe loss at `src/model.py:5` and run "
            "`20250106_090000_train`.\n\n```\n# not a heading\n```\n",
        ),
    )
    repo.write(
        SECOND,
        note(
            "Second look",
            sha[:7],
            status="in_progress",
            related_research=["thoughts/shared/research/2025-01-06_10-00-00_baseline.md"],
            body="No heading here; see [the baseline](2025-01-06_10-00-00_baseline.md).\n",
        ),
    )
    repo.write(
        PLAN,
        note(
            "The plan",
            sha[:7],
            status="nonsense-status",
            body="Setext title\n============\n\nBody.\n",
        ),
    )
    repo.write(PR, note("The PR", sha[:7], body="# The PR\n\nDone.\n"))
    repo.write(BARE, "# A bare note\n\nNo frontmatter.\n")
    repo.commit("Add notes", GRACE)
    return repo


def thoughts(*argv: str) -> int:
    return main(list(argv))


def build_export(out: Path, tool: str) -> Path:
    """Build the export in ``out`` with ``tool`` (a clean environment: no plugin involved)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = out / "site"
    shutil.rmtree(site, ignore_errors=True)
    if tool == "zensical":
        command = [sys.executable, "-m", "zensical", "build"]
    else:  # mkdocs, properdocs
        command = [sys.executable, "-m", tool, "build", "--strict"]
    result = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def html_pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def page(site: Path, doc_uri: str) -> BeautifulSoup:
    stem = doc_uri.removesuffix(".md")
    folder = stem.removesuffix("index") if stem.endswith("index") else stem + "/"
    return BeautifulSoup((site / folder / "index.html").read_text(encoding="utf-8"), "html.parser")


def broken_links(site: Path) -> list[str]:
    """Every relative href/src of every page that points at no file of the built site."""
    broken = []
    for path in html_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script", "img"]):
            target = tag.get("href") or tag.get("src")
            if not isinstance(target, str) or not target:
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue  # the 404 page's links are from the site root, which is unknown
            resolved = (path.parent / unquote(parts.path)).resolve()
            if target.endswith("/") or resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{path.relative_to(site)}: {target}")
    return broken


def notes_of(docs: Path) -> list[str]:
    return sorted(
        path.relative_to(docs).as_posix()
        for path in (docs / "shared").rglob("*.md")
        if path.name != "index.md"
    )


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch)
        root = tmp_path_factory.mktemp("export-site")
        make_site(root)
        monkeypatch.chdir(root)
        yield root


@pytest.fixture(scope="module")
def plugin_site(fixture_site: Path) -> Path:
    """The plugin's own (non-strict) build of the fixture: what the export must match."""
    return build_site(fixture_site)


def export_for(root: Path, out: Path, tool: str) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch)
        monkeypatch.chdir(root)
        assert thoughts("export", str(out), "--format", tool) == 0
    return out


@pytest.fixture(scope="module")
def exported(fixture_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_for(fixture_site, tmp_path_factory.mktemp("exports") / "mkdocs", "mkdocs")


@pytest.mark.parametrize("tool", ["mkdocs", "zensical", "properdocs"])
def test_export_builds_the_whole_site_without_the_plugin(
    fixture_site: Path, tmp_path: Path, plugin_site: Path, tool: str
) -> None:
    exported = export_for(
        fixture_site, tmp_path / tool, "zensical" if tool == "zensical" else "mkdocs"
    )
    site = build_export(exported, tool)
    config = (exported / ("zensical.toml" if tool == "zensical" else "mkdocs.yml")).read_text()
    assert "thoughts" not in config.split("plugins")[1].split("markdown_extensions")[0]
    notes = notes_of(exported / "docs")
    assert len(notes) == 5
    for doc_uri in notes:
        soup = page(site, doc_uri)
        header = soup.select_one(".th-note-header")
        assert header is not None, doc_uri
        # Under the page's one title, as in the plugin's build.
        assert len(soup.select("article h1, .md-content h1")) == 1, doc_uri
        assert header.find_previous("h1") is not None, doc_uri
    # Every type index lists every note of its type.
    for folder, expected in (("research", 3), ("plans", 1), ("prs", 1)):
        index = page(site, f"shared/{folder}/index.md")
        rows = index.select("tr.th-row")
        assert len(rows) == expected, folder
        links = {row.select_one("a")["href"] for row in rows}
        assert len(links) == expected
    graph = page(site, "graph.md")
    assert graph.select_one("svg.tg-graph") is not None
    assert (site / "assets/thoughts/graph.svg").is_file()
    assert page(site, "index.md").select_one(".th-home, .th-export") is not None
    run = page(site, "runs/20250106_090000_train.md")
    assert run.select_one("svg") is not None or "f1" in run.get_text()
    assert broken_links(site) == []


def test_note_pages_carry_the_plugins_facts(exported: Path, plugin_site: Path) -> None:
    site = build_export(exported, "mkdocs")
    for doc_uri in notes_of(exported / "docs"):
        ours = page(site, doc_uri).select_one(".th-note-header")
        theirs = page(plugin_site, doc_uri).select_one(".th-note-header")
        assert ours is not None and theirs is not None
        assert str(ours) == str(theirs), doc_uri
    for uri in ("shared/research/index.md", "status.md", "tags.md", "report.md", "drift.md"):
        ours_block = page(site, uri).select_one(".th-export")
        assert ours_block is not None, uri
        theirs_page = page(plugin_site, uri)
        first = next(iter(ours_block.find_all(recursive=False)))
        classes = ".".join(first.get("class") or [])
        theirs_block = theirs_page.select_one(f".{classes}") if classes else None
        assert theirs_block is not None, uri
        assert str(first) == str(theirs_block), uri
    # Code references are linked to the note's commit, with their drift mark.
    research = page(site, RESEARCH.removeprefix("thoughts/"))
    link = research.select_one('a[href*="/blob/"]')
    assert link is not None and "src/model.py" in link["href"] and "#L5" in link["href"]
    assert research.select_one(".th-drift") is not None
    # The hostile title is text everywhere.
    assert HOSTILE in research.select_one("title").get_text() or HOSTILE in research.get_text()
    assert research.select_one("article b, .md-content b") is None


def test_export_is_reproducible_and_replaces_only_exports(
    fixture_site: Path, exported: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    assert thoughts("export", str(again)) == 0
    first = {p.relative_to(exported): p.read_bytes() for p in files_of(exported)}
    second = {p.relative_to(again): p.read_bytes() for p in files_of(again)}
    assert first == second
    # Exporting over an earlier export replaces it; a stale file goes.
    (again / "docs/stale.md").write_text("old\n", encoding="utf-8")
    assert thoughts("export", str(again)) == 0
    assert not (again / "docs/stale.md").exists()
    # A folder that holds anything else is refused, and kept as it was.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("precious\n", encoding="utf-8")
    assert thoughts("export", str(mine)) == 2
    assert [p.name for p in mine.iterdir()] == ["keep.txt"]
    # Into the docs folder itself: refused.
    assert thoughts("export", str(fixture_site / "thoughts/out")) == 2


def files_of(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and "site" not in p.parts)


def test_check_fails_like_thoughts_check_and_writes_nothing(
    fixture_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert thoughts("check") == 1
    checked = capsys.readouterr().out
    assert "nonsense-status" in checked
    out = tmp_path / "checked"
    assert thoughts("export", str(out), "--check") == 1
    captured = capsys.readouterr()
    assert captured.out == checked
    assert "nothing written" in captured.err
    assert not out.exists()


def test_zensical_toml(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "z"
    assert thoughts("export", str(out), "--format", "zensical") == 0
    assert not (out / "mkdocs.yml").exists()
    settings = tomllib.loads((out / "zensical.toml").read_text(encoding="utf-8"))["project"]
    assert settings["site_name"] == "Export notes"
    assert settings["theme"] == {"name": "material", "font": False}
    assert {"toc": {"permalink": True}} in settings["markdown_extensions"]
    assert settings["plugins"] == ["search"]
    assert settings["nav"][0] == {"Home": "index.md"}
    # The same settings in mkdocs.yml form build with Zensical too.
    assert "Export notes" in (out / "zensical.toml").read_text(encoding="utf-8")


def test_markdown_indexes_link_the_notes_where_they_are(fixture_site: Path) -> None:
    out = fixture_site / "thoughts"
    try:
        assert thoughts("export", str(out), "--format", "markdown") == 0
        research = (out / "shared/research/INDEX.md").read_text(encoding="utf-8")
        assert "| Date | Title |" in research
        assert "(2025-01-06_10-00-00_baseline.md)" in research
        # Note text is shown as written, never as markup that breaks the table.
        assert "\\<b\\>tags\\</b\\>" in research and "\\| pipes" in research
        top = (out / "INDEX.md").read_text(encoding="utf-8")
        assert "(shared/plans/2025-01-08_10-00-00_plan.md)" in top
        assert "([all](shared/prs/INDEX.md))" in top
        for index in out.rglob("INDEX.md"):
            for target in _markdown_links(index.read_text(encoding="utf-8")):
                assert (index.parent / unquote(target)).is_file(), (index, target)
        # The index files are not notes, and a second run replaces them.
        assert thoughts("export", str(out), "--format", "markdown") == 0
        # An INDEX.md the team wrote is never overwritten.
        (out / "shared/plans/INDEX.md").write_text("# Ours\n", encoding="utf-8")
        assert thoughts("export", str(out), "--format", "markdown") == 2
        assert (out / "shared/plans/INDEX.md").read_text(encoding="utf-8") == "# Ours\n"
    finally:
        for index in out.rglob("INDEX.md"):
            index.unlink()


def _markdown_links(text: str) -> list[str]:
    import re

    return [
        target for target in re.findall(r"\]\(([^)\s]+)\)", text) if not urlsplit(target).scheme
    ]


def test_with_header_puts_the_header_under_the_first_title() -> None:
    header = '<div class="th-note-header">facts</div>'
    body = "```\n# shell comment\n```\n# Title\n\nText.\n"
    out = with_header(body, header, "ignored")
    assert out.index("# Title") < out.index("facts") < out.index("Text.")
    assert out.index("# shell comment") < out.index("# Title")
    assert with_header("Just text.\n", header, "A <b> *title*").startswith(
        "\n# A &lt;b&gt; \\*title\\*\n"
    )
    assert markdown_heading("a\nb") == "# a b\n"


@pytest.mark.slow
def test_the_projects_own_site_exports_and_builds_both_ways(tmp_path: Path) -> None:
    for tool in ("zensical", "mkdocs"):
        out = tmp_path / tool
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.chdir(REPO_ROOT)
            assert thoughts("export", str(out), "--format", tool) == 0
        notes = notes_of(out / "docs")
        assert notes
        site = build_export(out, tool)
        for doc_uri in notes:
            assert page(site, doc_uri).select_one(".th-note-header") is not None, (tool, doc_uri)
        listed = 0
        for folder in ("research", "plans", "prs"):
            listed += len(page(site, f"shared/{folder}/index.md").select("tr.th-row"))
        assert listed == len(notes), tool
        assert page(site, "graph.md").select_one("svg.tg-graph") is not None
        assert broken_links(site) == [], tool


def make_team_site(root: Path) -> str:
    """A team's folder as the precision issue found them: its own README above the research
    listing, a note template, links written from the repository root and bare names of files
    outside the docs, and a note in a folder of its own (no type). Returns the note commit."""
    repo = GitRepo(root)
    repo.write("mkdocs.yml", MKDOCS)
    repo.write("thoughts/index.md", "# Team\n\n<!-- thoughts:summary -->\n")
    repo.write("docs/requirements/PRD-002_pipeline.md", "# PRD\n")
    repo.write("thoughts/shared/research/README.md", "# Research index\n\nTEAM-INTRO text.\n")
    repo.write(
        "thoughts/shared/templates/research.md",
        "---\ndate: {{DATE_ISO}}\n---\n# Template\n\n![chart](../../data/{{RUN_ID}}/chart.png)\n",
    )
    sha = repo.commit("Add the requirements", ADA)
    repo.write(RESEARCH, note("Baseline", sha[:7], body="# Baseline\n\nText.\n"))
    repo.write(
        PLAN,
        note(
            "The plan",
            sha[:7],
            body="# The plan\n\nFrom the root: [baseline](thoughts/shared/research/"
            "2025-01-06_10-00-00_baseline.md); the [PRD](PRD-002_pipeline.md).\n",
        ),
    )
    repo.write("thoughts/26-04-03-task/notes-misc.md", note("Task notes", sha[:7], body="x\n"))
    repo.commit("Add notes", ADA)
    return repo.git("rev-parse", sha).strip()


@pytest.mark.parametrize("tool", ["mkdocs", "zensical"])
def test_export_keeps_what_the_plugin_keeps_and_leaves_out_what_it_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str
) -> None:
    isolate_git(monkeypatch)
    root = tmp_path / "team"
    sha = make_team_site(root)
    out = export_for(root, tmp_path / "out", tool)
    docs = out / "docs"
    # Templates are not pages (Zensical stopped on the template's `{{DATE_ISO}}` mapping key).
    assert not (docs / "shared/templates").exists()
    # The team's README is the research folder's page, its text above the listing; no
    # index.md beside it (MkDocs would drop the README for it).
    assert not (docs / "shared/research/index.md").exists()
    site = build_export(out, tool)
    research = (site / "shared/research/index.html").read_text(encoding="utf-8")
    assert research.index("TEAM-INTRO") < research.index("Baseline", research.index("TEAM-INTRO"))
    # Body links work as on the plugin's pages: a note link from the repository root goes to
    # the note's page, a bare name of a repository file to the forge at the note's commit.
    plan = page(site, PLAN.removeprefix("thoughts/"))
    hrefs = {a.get_text(): a["href"] for a in plan.select("article a[href], .md-content a[href]")}
    assert hrefs["baseline"] == "../../research/2025-01-06_10-00-00_baseline/"
    assert hrefs["PRD"] == (
        f"https://github.com/acme/sec-finetune/blob/{sha}/docs/requirements/PRD-002_pipeline.md"
    )
    assert broken_links(site) == []


def test_markdown_indexes_list_notes_outside_the_type_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    root = tmp_path / "team"
    make_team_site(root)
    monkeypatch.chdir(root)
    assert thoughts("export", "thoughts", "--format", "markdown") == 0
    top = (root / "thoughts/INDEX.md").read_text(encoding="utf-8")
    assert "## Other notes" in top
    assert "[Task notes](26-04-03-task/notes-misc.md)" in top

"""No false diagnostics on what real teams write (issue 16 items 2-5, issue 23 items 3-5): each
reproducer from the issues, in a small real git repository, checked with `thoughts check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import mkdocs_yml
from gitfixtures import GitRepo, isolate_git
from mkdocs_thoughts.cli.commands.common import note_loader
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.cli.siteconfig import load_site_config
from sitebuild import build_site

HEAD = """\
---
date: 2025-01-06T10:00:00+00:00
researcher: Ada
git_commit: {sha}
branch: main
repository: demo
topic: {topic}
tags: [demo]
status: complete
{extra}---
# {topic}

"""
RESEARCH = "thoughts/shared/research/2025-01-06_10-00_r.md"
PLAN = "thoughts/shared/plans/2025-01-06_10-00_p.md"


def note(sha: str, topic: str = "A note", extra: str = "", body: str = "") -> str:
    return HEAD.format(sha=sha, topic=topic, extra=extra) + body


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A repository with code and documents that notes cite, and one research note."""
    isolate_git(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.write("mkdocs.yml", mkdocs_yml(site_name="t", material=False))
    repo.write("README.md", "# Demo\n")
    repo.write("docs/requirements/PRD-002_pipeline.md", "# PRD\n")
    repo.write("docs/architecture/rfc/RFC-003.md", "# RFC\n")
    repo.write("src/app/parser.py", "def parse():\n    return 1\n")
    repo.write("thoughts/index.md", "# Home\n")
    first = repo.commit("code and documents")
    repo.write(RESEARCH, note(first[:7], "Research"))
    repo.commit("research")
    monkeypatch.chdir(repo.root)
    return repo


def check(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    main(["check", "--format", "json", *args])
    return json.loads(capsys.readouterr().out)


def codes(items: list[dict[str, object]], path: str = PLAN) -> list[tuple[str, object]]:
    return [(str(item["code"]), item["line"]) for item in items if item["path"] == path]


def test_citations_of_repository_files_are_not_missing_notes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    extra = (
        "sources: docs/requirements/PRD-002_pipeline.md\n"
        "related_rfc: docs/architecture/rfc/RFC-003.md\n"
        "related_research: PRD-002_pipeline.md\n"  # a bare name living elsewhere in the repo
        "related: docs/requirements/PRD-404_gone.md\n"  # names nothing: line 13
    )
    body = (
        "See [the PRD](../../../docs/requirements/PRD-002_pipeline.md) and "
        "[the README](../../../README.md).\n"
        "Broken: [quickstart](/workspace/README.md) and [old](../../../docs/OLD.md).\n"
    )
    repo.write(
        "mkdocs.yml",
        mkdocs_yml(
            site_name="t",
            material=False,
            relation_fields={
                "related_rfc": "cites",
                "sources": "cites",
                "related_research": "builds_on",
                "related": "related",
            },
        ),
    )
    repo.write(PLAN, note(sha, "Plan", extra, body))
    items = check(capsys)
    # Only what exists nowhere: the related PRD (field), the two dead links (body, line 18).
    assert codes(items) == [("TH301", 13), ("TH314", 18), ("TH314", 18)]
    messages = [str(item["message"]) for item in items if item["path"] == PLAN]
    assert "'/workspace/README.md' names no note or file of the repository" in messages


def test_a_bare_name_is_missing_only_when_no_file_has_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    repo.write(PLAN, note(sha, "Plan", "related_research: PRD-003_nothing.md\n"))
    assert codes(check(capsys)) == [("TH301", 10)]


def test_every_list_item_reports_its_own_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    extra = f"related_research:\n  - {RESEARCH}\n  - thoughts/shared/research/missing.md\n"
    repo.write(PLAN, note(sha, "Plan", extra))
    [item] = [i for i in check(capsys) if i["path"] == PLAN]
    assert (item["code"], item["line"], item["column"]) == ("TH301", 12, 5)
    # A flow list and a comma-separated value: each item its own column.
    extra = f"related_research: [{RESEARCH}, missing.md]\n"
    repo.write(PLAN, note(sha, "Plan", extra))
    [item] = [i for i in check(capsys) if i["path"] == PLAN]
    assert (item["line"], item["column"]) == (10, 20 + len(RESEARCH) + 2)
    extra = f"related_research: {RESEARCH}, missing.md\n"
    repo.write(PLAN, note(sha, "Plan", extra))
    [item] = [i for i in check(capsys) if i["path"] == PLAN]
    assert (item["line"], item["column"]) == (10, 19 + len(RESEARCH) + 2)


def test_did_you_mean_only_for_close_spellings_of_keys_the_note_lacks(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    extra = (
        "command: make test\n"  # a shell command, not `commit` (the note has git_commit)
        "question: Does it scale?\n"  # a word of its own, not `revision`
        "last_updated_note: rewrote the intro\n"  # `last_updated` plus a word
        "reseacher_team: core\n"
        "stauts: complete\n"  # the note has status: never suggest a key it already has
        "lst_updated: 2025-01-07\n"  # a typo of a key the note lacks
    )
    repo.write(PLAN, note(sha, "Plan", extra))
    unknown = {str(item["field"]): item for item in check(capsys) if item["code"] == "TH104"}
    assert set(unknown) == {
        "command",
        "question",
        "last_updated_note",
        "reseacher_team",
        "stauts",
        "lst_updated",
    }
    suggested = {k: item["hint"] for k, item in unknown.items() if "rename" in str(item["hint"])}
    assert suggested == {"lst_updated": "rename it to 'last_updated'"}


def test_a_path_is_resolved_whole_before_it_is_cut_at_the_notes_folder(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    repo.write("sub/thoughts/plans/x.md", "# another project's plan\n")
    body = f"Their plan: `sub/thoughts/plans/x.md`.\nFrom a machine: `/home/ada/demo/{RESEARCH}`.\n"
    repo.write(PLAN, note(sha, "Plan", f"related_research: {RESEARCH}\n", body))
    assert codes(check(capsys)) == []
    corpus = note_loader(load_site_config(repo.root / "mkdocs.yml")).load()
    found = {
        (relation.kind.value, relation.file or getattr(relation.target, "rel_path", None))
        for relation in corpus.body_relations
        if relation.source.rel_path == PLAN
    }
    assert found == {("file", "sub/thoughts/plans/x.md"), ("note", RESEARCH)}


def test_only_a_link_can_be_broken(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    sha = repo.head()[:7]
    moved = "thoughts/shared/plans/2025-01-06_10-00_r.md"  # the research note, in another folder
    body = (
        "Step 3: create `thoughts/shared/research/2025-11-02_10-00_results.md`.\n"
        f"It builds on `{RESEARCH}` and on `{moved}`.\n"
        "And [a link to nothing](../research/2025-11-02_10-00_results.md).\n"
    )
    repo.write(PLAN, note(sha, "Plan", f"related_research: {RESEARCH}\n", body))
    items = check(capsys)
    assert codes(items) == [("TH315", 15), ("TH314", 16)]


def test_code_paths_cited_before_they_exist_are_not_warned(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    # Committed with the note, so absent at its git_commit; one a plan proposes, created later;
    # one deleted since; a typo; and paths of other systems, which are none of this repo's.
    body = (
        "New module: `src/app/loader.py`; proposed: `src/app/later.py`.\n"
        "Gone: `src/app/old.py`. Typo: `src/app/parsre.py`, nothing: `src/app/nothing_here.py`.\n"
        "Elsewhere: `~/.config/tool.json`, `apps/web/page.tsx`.\n"
    )
    repo.write("src/app/loader.py", "x = 1\n")
    repo.write("src/app/old.py", "y = 1\n")
    repo.write(PLAN, note(sha, "Plan", f"related_research: {RESEARCH}\n", body))
    repo.commit("plan and its new module")
    (repo.root / "src/app/old.py").unlink()
    repo.write("src/app/later.py", "z = 1\n")
    repo.commit("the plan carried out")
    items = [item for item in check(capsys) if item["path"] == PLAN]
    assert [(item["code"], item["line"], item["message"], item["hint"]) for item in items] == [
        (
            "TH303",
            15,
            "src/app/parsre.py names no file that ever existed in the repository",
            "did you mean src/app/parser.py?",
        ),
        (
            "TH303",
            15,
            "src/app/nothing_here.py names no file that ever existed in the repository",
            "check the path for a typo",
        ),
    ]


def test_links_the_graph_resolves_work_on_the_page(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 item 7: links from the repository root, from the notes folder, to a moved note
    and to a folder page get the note's URL; links and citations of repository files go to
    the forge at the note's commit; `--strict` passes."""
    sha = repo.head()
    extra = f"related_research: {RESEARCH}\nsources: docs/requirements/PRD-002_pipeline.md\n"
    body = (
        f"From the root: [research]({RESEARCH}#findings).\n"
        "From the notes folder: [again](shared/research/2025-01-06_10-00_r.md).\n"
        "Moved: [it](../plans/2025-01-06_10-00_r.md) and [home](thoughts/index.md).\n"
        "As Markdown reads it: [fine](../research/2025-01-06_10-00_r.md).\n"
        "Code: [the PRD](../../../docs/requirements/PRD-002_pipeline.md), "
        "by its name: [bare](PRD-002_pipeline.md).\n"
        f'With a title: [titled]({RESEARCH} "the research"), [by reference][ref].\n'
        f"\n[ref]: {RESEARCH}\n"
    )
    repo.write(
        "mkdocs.yml",
        mkdocs_yml(site_name="t", repo_url="https://github.com/acme/demo"),
    )
    repo.write(PLAN, note(sha[:7], "Plan", extra, body))
    repo.commit("plan")
    site = build_site(repo.root, strict=True)
    page = BeautifulSoup(
        (site / "shared/plans/2025-01-06_10-00_p/index.html").read_text(), "html.parser"
    )
    hrefs = {a.get_text(): a["href"] for a in page.select("article a[href]")}
    research = "../../research/2025-01-06_10-00_r/"
    assert hrefs["research"] == research + "#findings"
    assert hrefs["again"] == hrefs["it"] == hrefs["fine"] == research
    assert hrefs["titled"] == hrefs["by reference"] == research
    assert hrefs["home"] == "../../../"
    blob = "https://github.com/acme/demo/blob"
    assert hrefs["the PRD"] == f"{blob}/{sha}/docs/requirements/PRD-002_pipeline.md"
    assert hrefs["bare"] == hrefs["the PRD"]
    # The header's citation of the PRD: the file at the note's commit.
    assert hrefs["docs/requirements/PRD-002_pipeline.md"] == (
        f"{blob}/{sha}/docs/requirements/PRD-002_pipeline.md"
    )

"""Git facts in the built site: commit facts, placement, history, permalinks and drift marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitfixtures import GIT_NOTE, GRACE, Scenario, forge_site_yml, isolate_git
from sitebuild import build_site

MKDOCS = forge_site_yml("Git notes")
OLD = "thoughts/shared/research/2025-01-06_12-00-00_old-parser.md"
PR_NOTE = "thoughts/shared/research/2025-01-06_12-30-00_feature-branch.md"


def write_scenario(root: Path) -> Scenario:
    """A repository whose history renames, rewrites and deletes cited code, with a squash-merged
    branch; two notes cite it (call isolate_git first)."""
    scenario = Scenario(root)
    repo = scenario.repo
    repo.write("mkdocs.yml", MKDOCS)
    body = (
        "The loop at `src/a.py:5-6` is untouched, the check at `src/a.py:25` was rewritten.\n"
        "Helpers live in [the old module](../../../src/old_name.py#L3) and `src/gone.py`.\n"
        "Later work: `src/later.py`. README: `README.md`.\n"
    )
    repo.write(OLD, GIT_NOTE.format(sha=scenario.c1[:7], topic="Old parser") + body)
    repo.write(
        PR_NOTE,
        GIT_NOTE.format(sha=scenario.f2[:7], topic="Feature branch") + "See `src/b.py:9`.\n",
    )
    scenario.c6 = repo.commit("Add notes", GRACE)
    return scenario


def write_site(root: Path) -> Path:
    write_scenario(root)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate_git(monkeypatch)
        root = tmp_path_factory.mktemp("git-site")
        scenario = write_scenario(root)
        build_site(root)
        yield scenario, root / "site"


def page(site: Path, rel: str) -> BeautifulSoup:
    url = rel.removeprefix("thoughts/").removesuffix(".md")
    return BeautifulSoup((site / url / "index.html").read_text(), "html.parser")


def test_header_shows_commit_facts_placement_and_history(built: tuple[Scenario, Path]) -> None:
    scenario, site = built
    header = page(site, OLD).select_one(".th-note-header")
    sha = header.select_one("a.th-sha")
    assert sha.get_text() == scenario.c1[:7]
    assert sha["href"] == f"https://github.com/acme/sec-finetune/commit/{scenario.c1}"
    assert header.select_one(".th-subject").get_text() == "Add parser and helpers"
    assert header.select_one(".th-placement").get_text() == "on main"  # in the details
    assert header.select_one(".th-placement").find_parent(class_="th-details") is not None
    behind = scenario.repo.rev_list_count(f"{scenario.c1}..HEAD")
    assert header.select_one(".th-behind").get_text() == f"{behind} commits behind HEAD"
    history = header.find("dt", string="History").find_next("dd").get_text()
    assert history.startswith("created 2025-01") and "Grace Hopper" in history


def test_squash_merged_branch_commit_is_only_on_its_ref(built: tuple[Scenario, Path]) -> None:
    _, site = built
    header = page(site, PR_NOTE).select_one(".th-note-header")
    (placement,) = header.select(".th-placement")  # once: a chip, since it is not on HEAD
    assert placement.find_parent(class_="th-chips") is not None
    assert placement.get_text() in ("only on feature", "only on pull/1/head")


def test_code_references_are_permalinks_with_drift_marks(built: tuple[Scenario, Path]) -> None:
    scenario, site = built
    article = page(site, OLD).select_one("article")
    marks = {}
    for mark in article.select(".th-drift"):
        link = mark.find_previous_sibling("a")
        marks[link.get_text()] = (mark.get_text(), link["href"])
    blob = f"https://github.com/acme/sec-finetune/blob/{scenario.c1}"
    assert marks["src/a.py:5-6"] == ("lines unchanged", f"{blob}/src/a.py#L5-L6")
    assert marks["src/a.py:25"][0].startswith("changed in 1 commit")
    assert marks["the old module"] == (
        "renamed to src/new_name.py",
        f"{blob}/src/old_name.py#L3",
    )
    assert marks["src/gone.py"][0] == "deleted"
    assert marks["src/later.py"][0] == "not at commit"
    assert marks["README.md"][0] == "changed in 1 commit"


def test_path_missing_at_the_notes_commit_is_marked_not_warned(
    built: tuple[Scenario, Path],
) -> None:
    # A file added after the note's commit is expected (marked "not at commit" on the page);
    # only paths no commit ever had are TH303 (tests/test_precision.py).
    _, site = built
    report = BeautifulSoup((site / "report/index.html").read_text(), "html.parser")
    rows = [
        [td.get_text() for td in tr.find_all("td")] for tr in report.select(".th-diagnostics tr")
    ]
    assert not any(row[3] == "TH303" for row in rows if row)


def test_drift_page_orders_notes_by_staleness(built: tuple[Scenario, Path]) -> None:
    _, site = built
    drift = BeautifulSoup((site / "drift/index.html").read_text(), "html.parser")
    titles = [tr.td.get_text(strip=True) for tr in drift.select("tr.th-drift-row")]
    assert titles[0] == "Old parser"
    assert "Feature branch" in titles


def test_notes_command_shows_each_notes_resolved_commit(
    built: tuple[Scenario, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from mkdocs_thoughts.cli.main import main

    scenario, site = built
    isolate_git(monkeypatch)
    monkeypatch.chdir(site.parent)
    assert main(["notes", "--format", "json"]) == 0
    records = {record["path"]: record for record in json.loads(capsys.readouterr().out)}
    old = records[OLD]["commit"]
    assert (old["written"], old["sha"], old["where"]) == (scenario.c1[:7], scenario.c1, "head")
    branch = records[PR_NOTE]["commit"]
    assert (branch["sha"], branch["where"]) == (scenario.f2, "other_ref")

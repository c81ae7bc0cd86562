"""`thoughts fix` infers values a reader of the note and of `git log` would call right.

Each test builds a small real repository with fixed authors and dates (tests/gitfixtures.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from factories import mkdocs_yml
from gitfixtures import GRACE, GitRepo, site_repo
from mkdocs_thoughts.cli.main import main

MKDOCS = mkdocs_yml(site_name="t", material=False, status_aliases={"done": "complete"})
RESEARCH = "thoughts/shared/research"
SYDNEY = timezone(timedelta(hours=11))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return site_repo(tmp_path / "work-tree-name", monkeypatch, MKDOCS)


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def errors(capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(["check", "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    return [f"{item['code']} {item['field']}" for item in found if item["severity"] == "error"]


def commit_at(repo: GitRepo, when: datetime, message: str, author: tuple[str, str] = GRACE) -> str:
    repo.clock = when
    return repo.commit(message, author=author)[:7]


def test_repository_is_the_same_for_fix_and_meta(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an `origin` remote, fix wrote `"fixture.git\\n"`; meta and fix share one function."""
    repo.git("remote", "add", "origin", "git@github.com:acme/fixture.git")
    repo.write(f"{RESEARCH}/2025-01-06_09-30-00_x.md", "---\ntopic: X\n---\n# X\n")
    assert fix(capsys, "--write")[0] == 0
    text = (repo.root / RESEARCH / "2025-01-06_09-30-00_x.md").read_text()
    assert "\nrepository: fixture\n" in text
    assert main(["meta", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["repository"] == "fixture"


def test_git_commit_is_the_commit_at_the_notes_date_not_the_bulk_commit(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notes written over weeks and committed in bulk later get the commit main was at when
    each was written; a note that nothing dates gets the commit that added it."""
    early = commit_at(repo, datetime(2025, 2, 1, 12, 0, tzinfo=SYDNEY), "code 1")
    # A feature branch merged into main: its own commits are not main's state at that time.
    repo.git("checkout", "-q", "-b", "feature")
    commit_at(repo, datetime(2025, 2, 9, 9, 0, tzinfo=SYDNEY), "feature work")
    repo.git("checkout", "-q", "main")
    middle = commit_at(repo, datetime(2025, 2, 10, 12, 0, tzinfo=SYDNEY), "code 2")
    repo.clock = datetime(2025, 2, 12, 12, 0, tzinfo=SYDNEY)
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge feature",
        "feature",
        env={
            "GIT_AUTHOR_DATE": repo.clock.isoformat(),
            "GIT_COMMITTER_DATE": repo.clock.isoformat(),
        },
    )
    merged = repo.head()[:7]
    notes = {
        "2025-02-05_10-00-00_first.md": early,  # before code 2
        "2025-02-11_08-30_second.md": middle,  # after code 2, before the merge; not `feature work`
        "2025-02-20-third.md": merged,  # a day: the end of that day
    }
    for name in notes:
        repo.write(f"{RESEARCH}/{name}", "---\ntopic: T\ntags: [t]\nstatus: complete\n---\n# T\n")
    repo.write(f"{RESEARCH}/undated.md", "---\ntopic: U\ntags: [t]\nstatus: complete\n---\n# U\n")
    bulk = commit_at(repo, datetime(2025, 3, 20, 17, 0, tzinfo=SYDNEY), "add notes in bulk")

    code, out, _ = fix(capsys, "--write")
    assert code == 0
    for name, expected in notes.items():
        text = (repo.root / RESEARCH / name).read_text()
        assert f"\ngit_commit: {expected}\n" in text, (name, text)
        assert bulk not in text
    undated = (repo.root / RESEARCH / "undated.md").read_text()
    assert f"\ngit_commit: {bulk}\n" in undated
    assert "add git_commit (the commit that added the file: nothing dates the note)" in out
    assert (
        "add git_commit (the last commit on main at or before the note's date "
        "(2025-02-05T10:00:00+11:00, the file name's time, in the UTC offset of the commit that "
        "added it))"
    ) in out


def test_date_from_file_name_time_and_the_adding_commits_offset(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """No zone in the file name, committed weeks later in +11:00: the name's time, that offset.
    Without a time in the name, a `**Date**:` line's time is used the same way."""
    timed = "2025-02-05_10-15_timed.md"
    repo.write(f"{RESEARCH}/{timed}", "# Timed\n")
    day_only = "2025-02-06-day-only.md"
    repo.write(f"{RESEARCH}/{day_only}", "# Day only\n\n**Date**: 2025-02-06 16:45\n")
    compact = "vector-search-20250207-093015.md"
    repo.write(f"{RESEARCH}/{compact}", "# Compact\n")
    commit_at(repo, datetime(2025, 3, 20, 17, 0, tzinfo=SYDNEY), "add notes in bulk")
    assert fix(capsys, "--write")[0] == 0
    compact_text = (repo.root / RESEARCH / compact).read_text()
    assert compact_text.startswith("---\ndate: 2025-02-07T09:30:15+11:00\n")
    timed_text = (repo.root / RESEARCH / timed).read_text()
    assert timed_text.startswith("---\ndate: 2025-02-05T10:15:00+11:00\nresearcher: Grace Hopper\n")
    day_text = (repo.root / RESEARCH / day_only).read_text()
    assert day_text.startswith("---\ndate: 2025-02-06T16:45:00+11:00\n")
    assert "TH102 date" not in errors(capsys)


def test_every_safe_edit_is_made_when_a_problem_remains(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown status fix cannot solve does not stop the quoting that makes the YAML load."""
    name = "2025-01-06_09-30-00_broken.md"
    original = (
        "---\n"
        "date: 2025-01-06T09:30:00+00:00\n"
        "topic: Results: the first run\n"
        "status: waiting-on-legal\n"
        "tags: a, b\n"
        "---\n# Broken\n"
    )
    repo.write(f"{RESEARCH}/{name}", original)
    repo.commit("add")
    code, _, err = fix(capsys, "--write")
    assert code == 0
    text = (repo.root / RESEARCH / name).read_text()
    assert text.startswith(
        "---\n"
        "date: 2025-01-06T09:30:00+00:00\n"
        'topic: "Results: the first run"\n'
        "status: waiting-on-legal\n"
        "tags: [a, b]\n"
    )
    assert "fix not applied" not in err
    assert f"{name}: still fails after the fix:" in err
    assert "TH103 status 'waiting-on-legal' is not one of" in err
    assert sorted(errors(capsys)) == ["TH101 branch", "TH103 status"]


def test_templates_and_folder_pages_are_left_alone(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    template = "thoughts/shared/templates/research.md"
    readme = f"{RESEARCH}/README.md"
    named = f"{RESEARCH}/research_template.md"
    texts = {
        template: "---\ndate: {{DATE_ISO}}\nstatus: DONE\n---\n# {{TOPIC}}\n",
        readme: "# Research index\n\nHand-written intro.\n",
        named: "---\ndate: {{DATE_ISO}}\n---\n# Template\n",
        "templates/research.md": "---\ndate: {{DATE_ISO}}\n---\n# {{TOPIC}}\n",
    }
    for path, text in texts.items():
        repo.write(path, text)
    note = f"{RESEARCH}/2025-01-06_09-30-00_real.md"
    repo.write(note, "---\nstatus: COMPLETE\n---\n# Real\n")
    about_templates = f"{RESEARCH}/2025-01-06_09-40-00_template-engines.md"
    repo.write(about_templates, "---\nstatus: COMPLETE\n---\n# Template engines\n")
    repo.commit("add")

    assert fix(capsys, "--write")[0] == 0  # the whole corpus
    code, _, err = fix(capsys, "--write", *texts)  # and each named explicitly
    assert code == 0
    for path, text in texts.items():
        assert (repo.root / path).read_text() == text, path
    for path in texts:  # each named one is reported as no note (by discovery or by fix)
        (line,) = [line for line in err.splitlines() if line.startswith(f"thoughts: {path}: ")]
        assert "not a note" in line
    assert (repo.root / note).read_text().startswith("---\nstatus: complete\n")
    assert (repo.root / about_templates).read_text().startswith("---\nstatus: complete\n")


def test_normalize_makes_every_note_canonical_and_without_it_none(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Aliases and accepted status spellings: all notes with --normalize, passing ones too."""
    sha = repo.head()[:7]
    passing = (
        "---\ndate: 2025-01-06T09:30:00+00:00\nauthor: Ada\n"
        f"commit: {sha}\nbranch: main\nrepository: r\ntopic: T\ntags: [t]\nstatus: done\n---\n# T\n"
    )
    failing = passing.replace("tags: [t]\n", "tags: t, u\n")
    repo.write(f"{RESEARCH}/2025-01-06_09-30-00_passing.md", passing)
    repo.write(f"{RESEARCH}/2025-01-06_09-30-00_failing.md", failing)
    repo.commit("add")

    assert fix(capsys, "--write")[0] == 0
    assert (repo.root / RESEARCH / "2025-01-06_09-30-00_passing.md").read_text() == passing
    assert (repo.root / RESEARCH / "2025-01-06_09-30-00_failing.md").read_text() == (
        failing.replace("tags: t, u\n", "tags: [t, u]\n")
    )

    code, out, _ = fix(capsys, "--write", "--normalize")
    assert code == 0
    for name in ("passing", "failing"):
        text = (repo.root / RESEARCH / f"2025-01-06_09-30-00_{name}.md").read_text()
        assert text.startswith(
            f"---\ndate: 2025-01-06T09:30:00+00:00\nresearcher: Ada\ngit_commit: {sha}\n"
        )
        assert "\nstatus: complete\n" in text
    assert "rename author to researcher; rename commit to git_commit" in out
    assert fix(capsys, "--normalize") == (
        0,
        "",
        "0 notes can be fixed; 0 failing notes with nothing to infer\n",
    )


def test_commit_at_matches_git_rev_list(repo: GitRepo) -> None:
    """GitInfo.commit_at is `git rev-list -1 --first-parent --before=MOMENT HEAD`."""
    from mkdocs_thoughts.git.info import GitInfo

    for day in range(1, 6):
        commit_at(repo, datetime(2025, 2, day, 12, 0, tzinfo=UTC), f"c{day}")
    # Committer dates out of order on main (a rebase): git's rule still picks the first match.
    commit_at(repo, datetime(2025, 2, 3, 18, 0, tzinfo=UTC), "backdated")
    info = GitInfo(repo.root)
    info.refresh()
    for moment in (
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2025, 2, 3, 12, 0, tzinfo=UTC),
        datetime(2025, 2, 3, 20, 0, tzinfo=UTC),
        datetime(2025, 2, 4, 13, 0, tzinfo=UTC),
        datetime(2025, 3, 1, tzinfo=UTC),
    ):
        expected = repo.git(
            "rev-list", "-1", "--first-parent", f"--before={moment.isoformat()}", "HEAD"
        ).strip()
        found = info.commit_at(moment)
        assert (found.sha if found else "") == expected, moment

"""`thoughts fix`: inferred edits, exact text, git in one process, idempotence, real corpora."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from factories import mkdocs_yml
from gitfixtures import GRACE, GitRepo, site_repo
from mkdocs_thoughts.cli.main import main
from treeutil import CORPORA, REPO_ROOT, needs_corpora

MKDOCS = mkdocs_yml(site_name="t", material=False, status_aliases={"done": "complete"})
RESEARCH = "thoughts/shared/research"

MIXED = """\
---
# a comment that must survive
topic: Plan O Complete + Docs Updated — Next: Python API  # why: the title
date: 2025-01-06T09:30:00+0000
researcher: Ada
commit: {sha} plus uncommitted changes
git_branch: main
repository: sec-finetune
tags: sec, risk factors
status: In-Progress
---

# Body stays

**Status**: done
"""
MIXED_FIXED = """\
---
# a comment that must survive
topic: "Plan O Complete + Docs Updated — Next: Python API"  # why: the title
date: 2025-01-06T09:30:00+0000
researcher: Ada
commit: {sha}  # plus uncommitted changes
git_branch: main
repository: sec-finetune
tags: [sec, risk factors]
status: in_progress
---

# Body stays

**Status**: done
"""

BOLD = """\
# Research: Tokenizer limits

**Date**: 2025-01-06T10:15:00+01:00
**Researcher**: Grace Hopper
**Git Commit**: `{sha}`
**Branch**: main
**Repository**: sec-finetune
**Status:** Complete

## Research Question

**Date**: not this one
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return site_repo(tmp_path / "sec-finetune", monkeypatch, MKDOCS)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check(capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(["check", "--format", "json"])
    return [f"{item['code']} {item['field']}" for item in json.loads(capsys.readouterr().out)]


def test_diff_then_write_then_nothing(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    sha = repo.head()[:7]
    path = repo.root / RESEARCH / "2025-01-06_09-30-00_mixed.md"
    repo.write(f"{RESEARCH}/{path.name}", MIXED.format(sha=sha))
    before = path.read_bytes()

    code, out, err = run(capsys)
    assert code == 1
    assert out.startswith(f"--- a/{RESEARCH}/{path.name}\n+++ b/{RESEARCH}/{path.name}\n")
    assert "-status: In-Progress\n" in out and "+status: in_progress\n" in out
    assert "1 note can be fixed" in err
    assert path.read_bytes() == before  # a dry run changes nothing

    code, out, _ = run(capsys, "--write")
    assert code == 0
    assert out.startswith(f"fixed {RESEARCH}/{path.name}: quote topic")
    assert path.read_text() == MIXED_FIXED.format(sha=sha)
    assert check(capsys) == []

    assert run(capsys) == (0, "", "0 notes can be fixed; 0 failing notes with nothing to infer\n")


def test_a_remark_after_the_sha_is_no_problem_to_fix(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    text = MIXED_FIXED.format(sha=sha).replace(
        f"commit: {sha}  # plus uncommitted changes", f"commit: {sha} (uncommitted changes on top)"
    )
    repo.write(f"{RESEARCH}/2025-01-06_09-30-00_remark.md", text)
    assert check(capsys) == []
    assert run(capsys, "--write") == (
        0,
        "",
        "0 notes fixed; 0 failing notes with nothing to infer\n",
    )
    assert (repo.root / RESEARCH / "2025-01-06_09-30-00_remark.md").read_text() == text


def test_frontmatter_from_bold_lines_and_heading(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = repo.head()[:7]
    name = "2025-01-06_10-15-00_tokenizer-limits.md"
    repo.write(f"{RESEARCH}/{name}", BOLD.format(sha=sha))
    assert run(capsys, "--write")[0] == 0
    assert (repo.root / RESEARCH / name).read_text() == (
        "---\n"
        "date: 2025-01-06T10:15:00+01:00\n"
        "researcher: Grace Hopper\n"
        f"git_commit: {sha}\n"
        "branch: main\n"
        "repository: sec-finetune\n"
        'topic: "Research: Tokenizer limits"\n'
        "status: complete\n"
        "---\n" + BOLD.format(sha=sha)
    )
    assert check(capsys) == ["TH101 tags"]  # nothing says what the tags are: not invented


def test_missing_fields_from_git_with_one_log(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written at 09:10-09:30 against `start` (09:00), committed at 10:00: git_commit is the
    commit the notes were written against, not the one that added them."""
    start = repo.head()[:7]
    names = [f"2025-01-06_09-{minute}-00_note-{minute}.md" for minute in ("10", "20", "30")]
    for name in names:
        repo.write(f"{RESEARCH}/{name}", "---\ntopic: T\ntags: [x]\nstatus: complete\n---\n# T\n")
    added = repo.commit("notes", author=GRACE)[:7]  # 2025-01-06T10:00:00+00:00
    assert added != start
    calls: list[list[str]] = []
    real = subprocess.Popen

    def counting(args: list[str], *rest: Any, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    code, out, _ = run(capsys, "--write")
    assert code == 0
    assert sum("log" in call for call in calls) == 1  # the check's one pass over the history
    assert len(calls) <= 8  # a fixed number of processes, none per note
    for name in names:
        minute = name[14:16]
        assert (repo.root / RESEARCH / name).read_text() == (
            "---\ntopic: T\ntags: [x]\nstatus: complete\n"
            f"date: 2025-01-06T09:{minute}:00+00:00\n"
            "researcher: Grace Hopper\n"
            f"git_commit: {start}\n"
            "repository: sec-finetune\n"
            "---\n# T\n"
        )
    assert (
        "add git_commit (the last commit on main at or before the note's date "
        "(2025-01-06T09:10:00+00:00, the file name's time, in the UTC offset of the commit that "
        "added it))"
    ) in out
    assert check(capsys) == ["TH101 branch"] * 3  # git does not record the branch


def test_placeholder_filled_and_empty_field_filled(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start = repo.head()[:7]
    name = "2025-01-06_09-45-00_placeholder.md"
    repo.write(
        f"{RESEARCH}/{name}",
        '---\ndate: "{{DATE_ISO}}"\nresearcher:\n'
        "git_commit: N/A (not a git repository)\n---\n# P\n",
    )
    repo.commit("add")  # 2025-01-06T10:00:00+00:00 by Ada
    assert run(capsys, "--write")[0] == 0
    text = (repo.root / RESEARCH / name).read_text()
    # A git_commit that names no commit gets the commit at the note's date; its text is kept.
    assert text.startswith(
        "---\ndate: 2025-01-06T09:45:00+00:00\nresearcher: Ada Lovelace\n"
        f"git_commit: {start}  # was: N/A (not a git repository)\n"
    )
    assert "TH102 git_commit" not in check(capsys)


def test_passing_notes_are_not_touched(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    sha = repo.head()[:7]
    text = MIXED_FIXED.format(sha=sha).replace("git_commit:", "commit:")  # an accepted alias
    repo.write(f"{RESEARCH}/2025-01-06_09-30-00_ok.md", text)
    assert run(capsys, "--write")[0] == 0
    assert (repo.root / RESEARCH / "2025-01-06_09-30-00_ok.md").read_text() == text


@pytest.fixture
def no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    return tmp_path


def test_nothing_inferable_changes_nothing(
    no_git: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = no_git / "thoughts/shared/plans/notes.md"
    note.parent.mkdir(parents=True)
    note.write_text("just text, no heading\n")
    code, out, err = run(capsys)
    assert (code, out) == (0, "")
    assert "1 failing note with nothing to infer" in err


def test_day_only_file_name_gives_no_date(no_git: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Outside git only the day is known; the check wants a time, which would be invented."""
    note = no_git / RESEARCH / "2025-01-06-topic.md"
    note.parent.mkdir(parents=True)
    note.write_text("# Topic\n\n**Date**: 2025-01-06\n")
    assert run(capsys, "--write")[0] == 0
    assert note.read_text() == "---\ntopic: Topic\n---\n# Topic\n\n**Date**: 2025-01-06\n"


def test_crlf_and_bom_are_kept(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo.root / RESEARCH / "2025-01-06_09-30-00_crlf.md"
    path.parent.mkdir(parents=True)
    body = "# CRLF\r\n\r\ntext\r\n"
    path.write_bytes(("\ufeff---\r\ngit_branch: main\r\nstatus: DONE\r\n---\r\n" + body).encode())
    assert run(capsys, "--write", "--normalize")[0] == 0
    text = path.read_bytes().decode()
    assert text.startswith("\ufeff---\r\nbranch: main\r\nstatus: complete\r\n")
    assert text.endswith("---\r\n" + body)
    assert "\n" not in text.replace("\r\n", "")


def test_a_value_that_would_add_an_error_is_dropped_alone(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start = repo.head()[:7]
    name = "2025-01-06_09-30-00_dropped.md"
    repo.write(f"{RESEARCH}/{name}", "---\nlast_updated: 2024-01-01\n---\n# Dropped\n")
    repo.commit("add")
    err = run(capsys, "--write")[2]
    # The inferred date is after last_updated: only the date is left out; the rest is written.
    assert f"{name}: left alone: date (it would add TH101, TH105)" not in err
    assert f"{name}: left alone: date (it would add TH105)" in err
    assert (repo.root / RESEARCH / name).read_text() == (
        "---\nlast_updated: 2024-01-01\nresearcher: Ada Lovelace\n"
        f"git_commit: {start}\nrepository: sec-finetune\ntopic: Dropped\n---\n# Dropped\n"
    )
    assert f"{name}: still fails after the fix:" in err
    assert "required fields 'date', 'branch', 'tags', 'status' are missing" in err
    assert "1 note fixed (1 still failing: see above)" in err


def load_hack(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "hack" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


@needs_corpora()
def test_real_corpora(tmp_path: Path) -> None:
    """With the configuration each team would write, most failing notes pass after the fix; no
    body changes, a second run finds nothing; the default configuration is never made worse.
    Each copy is a git repository with notes committed in bulk weeks after they were written,
    and no value fix writes is one a reader of the note and of `git log` would call wrong."""
    hack: Any = load_hack("fix_corpora")
    results = [
        hack.measure(source, config, tmp_path)
        for source in sorted(CORPORA.iterdir())
        if (source / "thoughts").is_dir()
        for config in ("default", "team")
    ]
    assert results
    for item in results:
        assert item.bodies_identical, item
        assert item.idempotent, item
        assert item.failing_after <= item.failing_before, item
        assert item.wrong == (), item.wrong
        assert item.written >= item.repaired, item  # every repaired note had values written
    team = [item for item in results if item.config == "team"]
    for item in team:
        assert item.repaired >= 0.65 * item.failing_before, item
    repaired = sum(item.repaired for item in team)
    assert repaired >= 0.75 * sum(item.failing_before for item in team)


def test_corpora_audit_catches_wrong_values() -> None:
    """The audit above is not vacuous: the values fix used to write are flagged."""
    from datetime import datetime, timedelta, timezone

    hack: Any = load_hack("fix_corpora")
    zone = timezone(timedelta(hours=11))
    written = datetime(2025, 2, 1, 12, tzinfo=zone)
    bulk = datetime(2025, 3, 15, 17, tzinfo=zone)
    history = hack.History(
        main=[("a" * 40, written - timedelta(days=1)), ("b" * 40, bulk)],
        added={"thoughts/shared/research/2025-02-01_10-30_x.md": ("b" * 40, bulk)},
        repository="fixture",
    )
    before = {"shared/research/2025-02-01_10-30_x.md": "# X\n"}
    wrong_values = (
        "---\ndate: 2025-02-01\nresearcher: Someone Else\ngit_commit: bbbbbbb\n"
        'repository: "fixture.git\\n"\n---\n# X\n'
    )
    checked, wrong = hack.audit(
        before, {"shared/research/2025-02-01_10-30_x.md": wrong_values}, history
    )
    assert checked == 4
    assert [line.split(": ")[1] for line in wrong] == ["researcher", "git_commit", "repository"]
    right_values = (
        "---\ndate: 2025-02-01T10:30:00+11:00\nresearcher: Corpus Author\n"
        "git_commit: aaaaaaa\nrepository: fixture\n---\n# X\n"
    )
    assert hack.audit(before, {"shared/research/2025-02-01_10-30_x.md": right_values}, history) == (
        4,
        [],
    )
    shifted = right_values.replace("10:30:00+11:00", "10:30:00+00:00")
    (line,) = hack.audit(before, {"shared/research/2025-02-01_10-30_x.md": shifted}, history)[1]
    assert "date" in line and "offset" in line


def test_paths_limit_the_fix(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = (f"{RESEARCH}/2025-01-06_09-30-00_{name}.md" for name in ("one", "two"))
    for path in (first, second):
        repo.write(path, "---\nstatus: COMPLETE\n---\n# X\n")
    assert run(capsys, "--write", first)[0] == 0
    assert (repo.root / first).read_text().startswith("---\nstatus: complete\n")
    assert (repo.root / second).read_text() == "---\nstatus: COMPLETE\n---\n# X\n"


def test_pre_commit_hook_runs_check_on_changed_notes() -> None:
    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    check_hook = hooks["thoughts-check"]
    assert (check_hook["entry"], check_hook["language"]) == ("thoughts check", "python")
    assert re.search(check_hook["files"], "thoughts/shared/research/2025-01-06_x.md")
    assert not re.search(check_hook["files"], "src/readme.md")
    assert re.search(check_hook["exclude"], "thoughts/searchable/shared/x.md")

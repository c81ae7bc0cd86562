"""The one git runner: a hung git is stopped, a missing git and a failing command read clearly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from gitfixtures import GitRepo, isolate_git
from mkdocs_thoughts.authoring.metadata import identity
from mkdocs_thoughts.git import runner as gitrun
from mkdocs_thoughts.git.info import GitInfo
from mkdocs_thoughts.git.runner import GitError, run_git, run_git_side_by_side


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    repo.write("a.txt", "a\n")
    repo.commit("first")
    return repo


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for a reaper has stopped running)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_hung_git_is_stopped_with_its_children(repo: GitRepo, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    # A real git running a real command that never ends (an alias stands in for a hook or a
    # credential helper): the shell writes its pid, then becomes `sleep`.
    hang = f"alias.hang=!echo $$ > {pid_file}; exec sleep 60"
    started = time.monotonic()
    with pytest.raises(GitError, match=r"^git hang took longer than 1 s and was stopped$"):
        run_git(repo.root, "-c", hang, "hang", timeout=1)
    assert time.monotonic() - started < 20
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_timeout_switches_the_git_facts_off_with_a_notice(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitrun, "TIMEOUT", 0.0001)  # no git answers in a tenth of a millisecond
    info = GitInfo(repo.root)
    info.refresh()
    assert not info.available
    assert len(info.notices) == 1
    assert "took longer than 0.0001 s and was stopped" in info.notices[0]
    assert info.notices[0].endswith("git facts are off for this build")


def test_a_missing_git_reads_clearly(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitError, match=r"^cannot run git: git is not installed \(no `git` on "):
        run_git(repo.root, "rev-parse", "HEAD")
    info = GitInfo(repo.root)
    info.refresh()
    assert info.notices == [f"{repo.root}: git is not installed; git facts are off"]
    # A new note's facts without git: the date and the author, no commit.
    found = identity(repo.root, {"PATH": str(empty), "USER": "ada"})
    assert (found.toplevel, found.git_commit, found.researcher) == (None, "", "ada")


def test_a_folder_outside_git_and_a_failing_command(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    with pytest.raises(GitError, match=r"^git rev-parse failed: fatal: not a git repository"):
        run_git(outside, "rev-parse", "HEAD", env=env)
    with pytest.raises(GitError, match=r"^git cat-file failed: fatal: Not a valid object name"):
        run_git(repo.root, "cat-file", "-p", "0" * 40)
    assert run_git(repo.root, "rev-parse", "HEAD").strip() == repo.head()


def test_output_ignores_the_users_colour_setting(repo: GitRepo) -> None:
    repo.git("config", "color.ui", "always")
    assert "\x1b[" in repo.git("log", "--format=%C(auto)%h %s")  # the setting colours it
    assert run_git(repo.root, "log", "--format=%C(auto)%h %s") == f"{repo.head()[:7]} first\n"


def test_side_by_side_a_failure_ends_the_others(repo: GitRepo, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    hang = f"alias.hang=!echo $$ > {pid_file}; exec sleep 60"
    started = time.monotonic()
    with pytest.raises(GitError, match=r"^git rev-parse failed: fatal: ambiguous argument"):
        run_git_side_by_side(repo.root, ("rev-parse", "no-such-ref"), ("-c", hang, "hang"))
    assert time.monotonic() - started < 20
    deadline = time.monotonic() + 5
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the shell may not have started when the failure was read
    pid = int(pid_file.read_text()) if pid_file.exists() else None
    while pid is not None and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid is None or not _alive(pid)
    both = run_git_side_by_side(repo.root, ("rev-parse", "HEAD"), ("log", "--format=%s"))
    assert both == [f"{repo.head()}\n".encode(), b"first\n"]

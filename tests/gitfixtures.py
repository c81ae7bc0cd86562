"""Real git repositories in ``tmp_path`` with fixed authors and dates.

Every git call here runs with ``GIT_CONFIG_GLOBAL=/dev/null`` and ``GIT_CONFIG_NOSYSTEM=1``, so
the machine's git configuration (signing, hooks paths, default branch, aliases) cannot change
what the tests see; :func:`isolate_git` does the same for the code under test.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_note, mkdocs_yml

ADA = ("Ada Lovelace", "ada@example.org")
GRACE = ("Grace Hopper", "grace@example.org")
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

GIT_NOTE = make_note(
    date="2025-01-06T12:00:00+00:00",
    git_commit="{sha}",
    topic="{topic}",
    tags=["git"],
    body="# {topic}\n\n",
)
"""A note's start, pinned to a commit: ``GIT_NOTE.format(sha=..., topic=...) + body``."""


def forge_site_yml(site_name: str, extra: str = "") -> str:
    """The mkdocs.yml of a site whose commits and cited code link to a GitHub repository."""
    return mkdocs_yml(site_name=site_name, repo_url="https://github.com/acme/sec-finetune") + extra


"""The first commit's date; each further commit is one hour later."""


def git_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        LC_ALL="C",
        TZ="UTC",
    )
    return env


def isolate_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the code under test see no global or system git configuration either."""
    for key in list(os.environ):
        if key.startswith("GIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


class GitRepo:
    """A repository under test: write files, commit with a fixed author and clock, branch."""

    def __init__(self, root: Path, *, init: bool = True) -> None:
        self.root = root
        self.clock = START
        if init:
            root.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")

    def git(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        completed = subprocess.run(
            [
                "git",
                "-c",
                "user.name=Test Runner",
                "-c",
                "user.email=runner@example.org",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
                *args,
            ],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            env={**git_env(), **(env or {})},
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{completed.stderr}")
        return completed.stdout

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def lines(self, path: str, lines: list[str]) -> None:
        self.write(path, "".join(f"{line}\n" for line in lines))

    def read_lines(self, path: str) -> list[str]:
        return (self.root / path).read_text(encoding="utf-8").splitlines()

    def commit(self, message: str, author: tuple[str, str] = ADA) -> str:
        """Stage everything and commit it at the next tick of the clock; returns the full SHA."""
        self.git("add", "-A")
        when = self.clock.isoformat()
        self.clock += timedelta(hours=1)
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env={
                "GIT_AUTHOR_NAME": author[0],
                "GIT_AUTHOR_EMAIL": author[1],
                "GIT_COMMITTER_NAME": author[0],
                "GIT_COMMITTER_EMAIL": author[1],
                "GIT_AUTHOR_DATE": when,
                "GIT_COMMITTER_DATE": when,
            },
        )
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def rev_list_count(self, spec: str) -> int:
        return int(self.git("rev-list", "--count", spec).strip())

    def clone_shallow(self, destination: Path) -> GitRepo:
        clone = GitRepo(destination, init=False)
        self.git("clone", "-q", "--depth", "1", f"file://{self.root}", str(destination))
        return clone

    def fast_import(self, stream: str) -> None:
        self.git("fast-import", "--quiet", stdin=stream)


def many_commits_stream(count: int, *, branch: str = "refs/heads/many") -> str:
    """A ``git fast-import`` stream of ``count`` tiny commits on ``branch`` (deterministic)."""
    parts = []
    stamp = int(START.timestamp())
    for number in range(count):
        content = f"{number}\n"
        message = f"commit {number}\n"
        parts.append(
            f"commit {branch}\n"
            f"mark :{number + 1}\n"
            f"author Ada Lovelace <ada@example.org> {stamp + number} +0000\n"
            f"committer Ada Lovelace <ada@example.org> {stamp + number} +0000\n"
            f"data {len(message)}\n{message}"
            + (f"from :{number}\n" if number else "")
            + f"M 100644 inline many.txt\ndata {len(content)}\n{content}\n"
        )
    return "".join(parts)


class Scenario:
    """A small history with everything the git facts must handle.

    ::

        c1 - c2 - c3 ------ s ------ c4 - m - c5      main (HEAD)
                    \\        \\          /
                     f1 - f2   t1 -----'              feature (squash-merged as s), topic
                                                      refs/pull/1/head -> f2

    - c1 (Ada) adds src/a.py (a1..a30), src/b.py (b1..b10), src/old_name.py, src/gone.py,
      README.md and the note thoughts/shared/research/note.md;
    - c2 (Grace) inserts two header lines at the top of src/a.py and changes a25;
    - c3 (Ada) renames src/old_name.py to src/new_name.py, deletes src/gone.py, adds src/later.py;
    - f1, f2 (Grace) change lines 2 and 9 of src/b.py on `feature`; s (Grace) squashes both;
    - t1 (Ada) changes README.md on `topic`, merged by m (Ada) with --no-ff;
    - c4 (Grace) edits the note; c5 (Ada) edits src/later.py.
    """

    NOTE = "thoughts/shared/research/note.md"

    def __init__(self, root: Path) -> None:
        repo = self.repo = GitRepo(root)
        repo.lines("src/a.py", [f"a{n}" for n in range(1, 31)])
        repo.lines("src/b.py", [f"b{n}" for n in range(1, 11)])
        repo.lines("src/old_name.py", [f"o{n}" for n in range(1, 21)])
        repo.lines("src/gone.py", [f"g{n}" for n in range(1, 6)])
        repo.write("README.md", "# Project\n")
        repo.write(self.NOTE, "# Note\n")
        self.c1 = repo.commit("Add parser and helpers", ADA)
        a = ["# header 1", "# header 2"] + [f"a{n}" for n in range(1, 31)]
        a[a.index("a25")] = "a25 changed"
        repo.lines("src/a.py", a)
        self.c2 = repo.commit("Tune parser", GRACE)
        repo.git("mv", "src/old_name.py", "src/new_name.py")
        (root / "src/gone.py").unlink()
        repo.lines("src/later.py", [f"l{n}" for n in range(1, 6)])
        self.c3 = repo.commit("Rename and remove", ADA)
        repo.git("checkout", "-q", "-b", "feature")
        b = [f"b{n}" for n in range(1, 11)]
        b[1] = "b2 feature"
        repo.lines("src/b.py", b)
        self.f1 = repo.commit("Feature: widen b", GRACE)
        b[8] = "b9 feature"
        repo.lines("src/b.py", b)
        self.f2 = repo.commit("Feature: finish b", GRACE)
        repo.git("checkout", "-q", "main")
        repo.lines("src/b.py", b)
        self.s = repo.commit("Squash feature (#1)", GRACE)
        repo.git("checkout", "-q", "-b", "topic")
        repo.write("README.md", "# Project\n\nMore words.\n")
        self.t1 = repo.commit("Topic work", ADA)
        repo.git("checkout", "-q", "main")
        repo.write(self.NOTE, "# Note\n\nEdited.\n")
        self.c4 = repo.commit("Update note", GRACE)
        self.m = self.merge("topic", "Merge topic", ADA)
        repo.lines("src/later.py", ["l1", "l2 polished", "l3", "l4", "l5"])
        self.c5 = repo.commit("Polish", ADA)
        repo.git("update-ref", "refs/pull/1/head", self.f2)

    def merge(self, branch: str, message: str, author: tuple[str, str]) -> str:
        repo = self.repo
        when = repo.clock.isoformat()
        repo.clock += timedelta(hours=1)
        repo.git(
            "merge",
            "-q",
            "--no-ff",
            "-m",
            message,
            branch,
            env={
                "GIT_AUTHOR_NAME": author[0],
                "GIT_AUTHOR_EMAIL": author[1],
                "GIT_COMMITTER_NAME": author[0],
                "GIT_COMMITTER_EMAIL": author[1],
                "GIT_AUTHOR_DATE": when,
                "GIT_COMMITTER_DATE": when,
            },
        )
        return repo.head()

    @property
    def all_commits(self) -> dict[str, str]:
        names = ("c1", "c2", "c3", "f1", "f2", "s", "t1", "c4", "m", "c5")
        return {name: getattr(self, name) for name in names}


def site_repo(root: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_yml: str) -> GitRepo:
    """A repository at ``root`` whose first commit (2025-01-06T09:00:00+00:00, Ada Lovelace) holds
    ``mkdocs.yml``, isolated from the user's git configuration and made the working directory."""
    isolate_git(monkeypatch)
    repo = GitRepo(root)
    repo.write("mkdocs.yml", mkdocs_yml)
    repo.commit("start")
    monkeypatch.chdir(repo.root)
    return repo

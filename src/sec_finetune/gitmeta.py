"""Which code produced a run: commit, branch and dirty flag of the git checkout.

Each question is one ``git`` call. Every failure (git not installed, not a repository,
a repository without commits, "dubious ownership", a hung filesystem) degrades to
``None`` for that field: provenance is valuable but must never stop an experiment.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["GitInfo", "read_git_info"]

_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class GitInfo:
    commit: str | None = None  # full 40-hex sha of HEAD
    branch: str | None = None  # None when detached or outside a repository
    dirty: bool | None = None  # tracked files differ from HEAD; None outside a repository

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None

    def as_dict(self) -> dict[str, str | bool | None]:
        return asdict(self)


def _git(args: list[str], cwd: Path | None) -> str | None:
    # GIT_OPTIONAL_LOCKS=0 stops `git status` from refreshing the index, which takes
    # index.lock; dozens of runs starting at once would otherwise contend for it.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.strip()


def read_git_info(cwd: str | os.PathLike[str] | None = None) -> GitInfo:
    """Describe the git checkout containing ``cwd`` (default: the current directory)."""
    where = Path(cwd) if cwd is not None else None
    commit = _git(["rev-parse", "--verify", "-q", "HEAD"], where) or None
    # symbolic-ref fails on a detached HEAD, which is exactly when there is no branch.
    branch = _git(["symbolic-ref", "--short", "-q", "HEAD"], where) or None
    # Untracked files are ignored on purpose: data/ and run outputs live inside the
    # checkout, so counting them would mark nearly every run dirty.
    status = _git(["status", "--porcelain", "--untracked-files=no"], where)
    dirty = None if status is None else bool(status)
    return GitInfo(commit=commit, branch=branch, dirty=dirty)

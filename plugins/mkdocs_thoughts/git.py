"""The few git facts the notes core needs, each from one batched git process."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ResolvedSha:
    written: str
    full: str | None
    """The full SHA, or ``None`` when git does not know the commit."""
    ambiguous: bool = False


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or a file in worktrees)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def git_available() -> bool:
    return shutil.which("git") is not None


def resolve_shas(repo_root: Path, shas: Iterable[str]) -> dict[str, ResolvedSha]:
    """Resolve many (short) SHAs to commits with a single ``git cat-file --batch-check``."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    request = "".join(f"{sha}^{{commit}}\n" for sha in wanted)
    completed = subprocess.run(
        ["git", "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        cwd=repo_root,
        input=request,
        capture_output=True,
        text=True,
        check=True,
    )
    answers = completed.stdout.splitlines()
    resolved: dict[str, ResolvedSha] = {}
    for sha, answer in zip(wanted, answers, strict=True):
        parts = answer.split()
        if len(parts) == 2 and parts[1] == "commit":
            resolved[sha] = ResolvedSha(sha, parts[0])
        else:
            resolved[sha] = ResolvedSha(sha, None, ambiguous=answer.endswith("ambiguous"))
    return resolved

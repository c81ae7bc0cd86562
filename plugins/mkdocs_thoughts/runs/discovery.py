"""Finding the run directories of a repository (the discovery globs of ``run_globs``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ..core.config import check_run_globs
from ..core.escaping import unique_slugs_of
from .model import MARKER_FILES
from .reading import inside, read_run_dir
from .run_set import RunSet

DEFAULT_GLOBS = ("data/processed/labeled/*", "data/interim/*/*", "data/processed/*")


def check_globs(globs: Sequence[str]) -> None:
    """Raise ValueError for a glob that could reach outside the repository."""
    check_run_globs(globs)


def discover_runs(repo_root: Path, globs: Sequence[str] = DEFAULT_GLOBS) -> RunSet:
    """Find and read every run under ``repo_root`` matched by ``globs``. Never raises for what
    is on disk; raises ValueError for a glob reaching outside the repository."""
    check_globs(globs)
    root = repo_root.resolve()
    found: dict[Path, str] = {}
    for pattern in globs:
        for candidate in sorted(root.glob(pattern)):
            if any(part.startswith(".") for part in candidate.relative_to(root).parts):
                continue
            if not candidate.is_dir() or not any(
                (candidate / name).is_file() for name in MARKER_FILES
            ):
                continue
            real = candidate.resolve()
            if not inside(real, root) or real == root:
                continue  # a symlink out of the repository
            found.setdefault(real, candidate.relative_to(root).as_posix())
    rel_dirs = sorted(found.values())
    slugs = _unique_slugs(rel_dirs)
    return RunSet(read_run_dir(root, rel_dir, slugs[rel_dir]) for rel_dir in rel_dirs)


def _unique_slugs(rel_dirs: Sequence[str]) -> dict[str, str]:
    # The slug every generated URL uses, from the directory's name; runs whose names meet
    # (the same name in two stages, `x` and `X` on a case-insensitive disk) get a hash of
    # their path, so a run's page never moves because another run appeared.
    return unique_slugs_of((rel_dir, PurePosixPath(rel_dir).name) for rel_dir in rel_dirs)

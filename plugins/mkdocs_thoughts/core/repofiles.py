"""Which files the repository has, by path and by file name: a path a note cites that names one
is a citation (a PRD, an ADR, the README), not a missing note.

In git the files are HEAD's tree (read once per history pass, see :mod:`..git.info`) plus whatever
the working tree holds at a cited path (a note may cite a file written in the same, uncommitted
change). Outside git a bounded walk of the project folder stands in for the tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MAX_WALKED_FILES = 200_000
"""Outside git, the walk stops here: a project folder is not a file system."""
_NEVER_WALKED = frozenset({"node_modules", "__pycache__", "site", "venv"})


class RepoFiles:
    """The repository's files: ``exists(path)`` and ``named(name)``, paths relative to the root."""

    def __init__(self, root: Path, paths: Iterable[str] | None) -> None:
        """``paths``: the files git knows (HEAD's tree), or ``None`` to walk ``root``."""
        self.root = root.resolve()
        self._root_text = str(self.root) + os.sep
        self.paths = set(paths) if paths is not None else set(_walk(self.root))
        self.by_name: dict[str, list[str]] = {}
        for path in self.paths:
            self.by_name.setdefault(path.rsplit("/", 1)[-1].lower(), []).append(path)

    def exists(self, rel_path: str) -> bool:
        """Whether ``rel_path`` (normalised, relative to the root) is a file of the repository."""
        if rel_path in self.paths:
            return True
        if not rel_path or rel_path.startswith(("../", "/")) or rel_path == "..":
            return False
        full = os.path.realpath(os.path.join(self.root, rel_path))
        # A symlink may point anywhere: only a file inside the repository counts.
        return full.startswith(self._root_text) and os.path.isfile(full)

    def named(self, name: str) -> list[str]:
        """The repository's files with this file name (case-insensitive), sorted."""
        return sorted(self.by_name.get(name.lower(), []))


def _walk(root: Path) -> Iterable[str]:
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _NEVER_WALKED]
        prefix = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in filenames:
            count += 1
            if count > MAX_WALKED_FILES:
                return
            yield name if prefix == "." else f"{prefix}/{name}"

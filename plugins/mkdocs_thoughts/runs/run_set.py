"""Every run of a site, looked up the ways notes cite runs, and linked to each other through the
upstream runs their lineage.json names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from .model import Run, RunRef


class RunSet:
    """Every run of a site, newest first, with lookups by the ways notes cite runs; building
    one resolves the runs' upstream references and fills their ``downstream``."""

    def __init__(self, runs: Iterable[Run]) -> None:
        self.runs = sorted(runs, key=Run.sort_key, reverse=True)
        self.problems = [item for run in self.runs for item in run.problems]
        """TH401 warnings: run files that could not be read."""
        self.by_slug = {run.slug: run for run in self.runs}
        self.by_dir = {run.rel_dir: run for run in self.runs}
        self._by_key: dict[str, dict[str, list[Run]]] = {
            "dir": {},
            "label": {},
            "run_id": {},
        }
        for run in self.runs:
            self._by_key["dir"].setdefault(run.dir_name, []).append(run)
            self._by_key["label"].setdefault(run.label, []).append(run)
            if run.run_id:
                self._by_key["run_id"].setdefault(run.run_id, []).append(run)
        link_lineage(self)

    def __iter__(self) -> Iterator[Run]:
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def find_name(self, text: str) -> list[Run]:
        """The runs a name written in a note means, most specific reading first: a directory
        name, ``{run_id}_{name}``, a bare run id. Several runs: the name is ambiguous."""
        for kind in ("dir", "label", "run_id"):
            found = self._by_key[kind].get(text)
            if found:
                return list(found)
        run = self.by_slug.get(text)
        return [run] if run else []

    def find_path(self, rel_path: str) -> Run | None:
        """The run whose directory is ``rel_path`` or holds it (a path to one of its files)."""
        path = PurePosixPath(rel_path)
        for candidate in (path, *path.parents):
            run = self.by_dir.get(candidate.as_posix())
            if run is not None:
                return run
        return None


def link_lineage(runs: RunSet) -> None:
    """Resolve each run's upstream references and fill ``downstream`` by inverting them."""
    for run in runs:
        run.downstream = []
    for run in runs:
        for ref in run.upstream:
            ref.run = _resolve_ref(runs, ref)
            if ref.run is not None and run not in ref.run.downstream:
                ref.run.downstream.append(run)
    for run in runs:
        run.downstream.sort(key=Run.sort_key, reverse=True)


def _resolve_ref(runs: RunSet, ref: RunRef) -> Run | None:
    # lineage.json paths are relative to the pipeline's project root, which need not be the
    # repository root: fall back to the directory name, then the run id within the stage.
    if ref.run_dir:
        exact = runs.by_dir.get(ref.run_dir.strip("/"))
        if exact is not None:
            return exact
        by_name = runs.find_name(PurePosixPath(ref.run_dir).name)
        if len(by_name) == 1:
            return by_name[0]
    if ref.run_id:
        same = [
            run for run in runs.find_name(ref.run_id) if ref.stage is None or run.name == ref.stage
        ]
        if len(same) == 1:
            return same[0]
    return None

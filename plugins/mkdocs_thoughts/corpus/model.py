"""A site's notes once loaded: the notes, their relations, git facts, runs, graph and diagnostics
(what :class:`corpus.NoteLoader` builds, and what the plugin, the CLI and the export read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.config import ThoughtsSettings
from ..core.diagnostics import Diagnostic
from ..core.graph import Graph, build_graph
from ..core.links import Relation
from ..core.notes import Note
from ..git.facts import NoteGitFacts
from ..runs.citations import RunLinks
from ..runs.run_set import RunSet


@dataclass(slots=True)
class Corpus:
    notes: list[Note]
    relations: list[Relation]
    notes_root: Path
    repo_root: Path
    notices: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files named on the command line that are not notes (templates, the searchable mirror)."""
    git_facts: dict[str, NoteGitFacts] = field(default_factory=dict)
    """Each note's commit, file history and cited code, by path (empty without git)."""
    body_relations: list[Relation] = field(default_factory=list)
    """Links and backticked note paths in bodies (``relations`` holds the frontmatter ones)."""
    graph: Graph | None = None
    """Notes and their typed edges (relation fields and body links), built on every load."""
    runs: RunSet = field(default_factory=lambda: RunSet([]))
    """The run directories under ``run_globs``."""
    run_links: RunLinks | None = None
    """Which notes cite which runs (TH402 problems are on the notes)."""
    run_problems: list[Diagnostic] = field(default_factory=list)
    """TH401: run files that cannot be read (only when the whole site is loaded)."""
    refused: list[Diagnostic] = field(default_factory=list)
    """TH203: ``.md`` files not read at all (symlinks out of the repository, dangling, looping)."""
    folder_loops: list[Path] = field(default_factory=list)
    """Folder links back to an enclosing folder (reported in ``refused``): MkDocs cannot build."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every problem: the notes', the run files' and the files not read."""
        items = [item for note in self.notes for item in note.diagnostics]
        return sorted([*items, *self.run_problems, *self.refused], key=Diagnostic.sort_key)

    def relation_graph(self, settings: ThoughtsSettings, *, body: bool = True) -> Graph:
        """The graph the load built (relation fields and body links); with ``body=False``, the
        relation fields' alone (``thoughts graph --no-body``)."""
        if body and self.graph is not None:
            return self.graph
        relations = [*self.relations, *self.body_relations] if body else self.relations
        return build_graph(self.notes, relations, settings)

    def folder_loop_problem(self, repo_root: Path) -> str | None:
        """Why the site cannot be built, when folders link back to an enclosing folder: MkDocs
        walks docs_dir following folder links, and with such loops that walk never ends (two
        make it exponential)."""
        if not self.folder_loops:
            return None
        looping = ", ".join(
            path.relative_to(repo_root).as_posix() if path.is_relative_to(repo_root) else str(path)
            for path in self.folder_loops
        )
        return (
            f"folder link(s) back to an enclosing folder: {looping}; MkDocs would walk them "
            "without end: remove them (`thoughts check` reports them as TH203)"
        )

"""All notes of a site: found once, read once, and kept across `mkdocs serve` rebuilds.

A rebuild re-reads only files whose (mtime, size) changed. Checks that need every note (relation
targets) or the repository (commits) run here, after all notes are loaded.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checks import build_note
from .diagnostics import Diagnostic, DiagnosticSink
from .git import find_repo_root, git_available, resolve_shas
from .links import NoteIndex, Relation, TargetKind
from .notes import FOLDER_PAGES, Note
from .schema import Rule, ThoughtsSettings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Corpus:
    notes: list[Note]
    relations: list[Relation]
    notes_root: Path
    repo_root: Path
    is_git: bool
    notices: list[str] = field(default_factory=list)
    """Problems with the whole run rather than a note (e.g. no git repository)."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        items = [item for note in self.notes for item in note.diagnostics]
        return sorted(items, key=Diagnostic.sort_key)


class NoteLoader:
    """Finds and parses notes, caching each by (path, mtime, size)."""

    def __init__(self, settings: ThoughtsSettings, notes_root: Path, project_dir: Path) -> None:
        """``project_dir`` (where mkdocs.yml is) stands in for the repository root outside git."""
        self.settings = settings
        self.notes_root = notes_root.resolve()
        found_root = find_repo_root(project_dir.resolve())
        self.is_git = found_root is not None
        self.repo_root = (found_root or project_dir).resolve()
        self._folder_types = {
            folder: name
            for name, note_type in settings.types.items()
            for folder in note_type.folders
        }
        self._cache: dict[Path, Note] = {}
        self._commit_cache: dict[str, tuple[str | None, bool]] = {}
        self.reads = 0
        """How many files were parsed (not served from the cache); tests and benchmarks read it."""

    def discover(self, paths: Sequence[Path] | None = None) -> list[Path]:
        """Note files under the given files or folders (default: the notes root), sorted."""
        found: list[Path] = []
        for start in paths or [self.notes_root]:
            start = start.resolve()
            if start.is_file():
                found.append(start)
            else:
                found.extend(self._walk(start))
        return sorted(set(found))

    def _walk(self, folder: Path) -> Iterable[Path]:
        skip = set(self.settings.skip_folders)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("."))
            for name in filenames:
                if name.endswith(".md") and name.lower() not in FOLDER_PAGES:
                    yield Path(dirpath, name)

    def note_type(self, path: Path) -> str | None:
        """The type of the nearest enclosing folder that names one."""
        parts = self._relative(path, self.notes_root).split("/")[:-1]
        for part in reversed(parts):
            if part in self._folder_types:
                return self._folder_types[part]
        return None

    def load(self, paths: Sequence[Path] | None = None) -> Corpus:
        files = self.discover(paths)
        notes = [self._read(path) for path in files]
        live = set(files)
        if paths is None:  # forget deleted notes, so the cache cannot grow without bound
            self._cache = {path: note for path, note in self._cache.items() if path in live}
        corpus = Corpus(notes, [], self.notes_root, self.repo_root, self.is_git)
        self._check_relations(corpus, complete=paths is None)
        self._check_commits(corpus)
        return corpus

    def _read(self, path: Path) -> Note:
        stat = path.stat()
        cached = self._cache.get(path)
        if cached is not None and (cached.mtime_ns, cached.size) == (
            stat.st_mtime_ns,
            stat.st_size,
        ):
            return cached
        text = path.read_bytes().decode("utf-8", errors="replace")
        self.reads += 1
        note = build_note(
            path,
            self._relative(path, self.repo_root),
            self._relative(path, self.notes_root),
            self.note_type(path),
            text,
            self.settings,
        )
        note.mtime_ns, note.size = stat.st_mtime_ns, stat.st_size
        self._cache[path] = note
        return note

    @staticmethod
    def _relative(path: Path, root: Path) -> str:
        # String slicing: pathlib's relative_to was a tenth of the whole check's time.
        text, prefix = str(path), str(root) + os.sep
        relative = text[len(prefix) :] if text.startswith(prefix) else text
        return relative.replace(os.sep, "/")

    def _check_relations(self, corpus: Corpus, *, complete: bool) -> None:
        # A note's per-file diagnostics are cached; corpus-level ones are recomputed every load,
        # so they live on a fresh list per note.
        # Checking a few files still resolves their relations against every note of the site.
        every_note = corpus.notes if complete else [self._read(p) for p in self.discover()]
        index = NoteIndex(every_note, self.repo_root, self.notes_root)
        for note in corpus.notes:
            note.diagnostics = [d for d in note.diagnostics if d.code not in _CORPUS_RULES]
            sink = DiagnosticSink(note.rel_path, self.settings)
            for value in note.meta.relations:
                relation = index.resolve(note, value)
                corpus.relations.append(relation)
                if relation.kind is TargetKind.MISSING:
                    suggestion = index.suggest(value.text)
                    sink.add(
                        Rule.MISSING_TARGET,
                        f"{value.field} points at {value.text!r}, which is not a note here",
                        f"did you mean {suggestion}?"
                        if suggestion
                        else "use the target's path from the repository root",
                        value.at.line,
                        value.at.column,
                        value.field,
                    )
            note.diagnostics = note.diagnostics + sink.items

    def _check_commits(self, corpus: Corpus) -> None:
        if not self.settings.check_commits:
            return
        if not (self.is_git and git_available()):
            corpus.notices.append(
                f"{self.repo_root}: not a git repository; git_commit values are not checked"
            )
            return
        shas = {note.meta.git_commit for note in corpus.notes if note.meta.git_commit}
        unknown = sorted(shas - set(self._commit_cache))
        if unknown:
            try:
                resolved = resolve_shas(self.repo_root, unknown)
            except (OSError, subprocess.CalledProcessError) as error:
                corpus.notices.append(
                    f"{self.repo_root}: git failed ({error}); commits not checked"
                )
                return
            for sha, answer in resolved.items():
                self._commit_cache[sha] = (answer.full, answer.ambiguous)
        for note in corpus.notes:
            sha = note.meta.git_commit
            if not sha:
                continue
            full, ambiguous = self._commit_cache[sha]
            if full is not None:
                continue
            at = note.field_position(self._written_key(note, "git_commit"))
            sink = DiagnosticSink(note.rel_path, self.settings)
            sink.add(
                Rule.UNKNOWN_COMMIT,
                f"git_commit {sha} is ambiguous in this repository"
                if ambiguous
                else f"git_commit {sha} is not a commit of this repository",
                "write more characters of the SHA"
                if ambiguous
                else "fetch all refs (`git fetch --all`, or fetch-depth: 0 in CI), "
                "or correct the SHA",
                at.line if at else None,
                at.column if at else None,
                "git_commit",
            )
            note.diagnostics = note.diagnostics + sink.items

    def resolved_commit(self, sha: str) -> str | None:
        entry = self._commit_cache.get(sha)
        return entry[0] if entry else None

    def _written_key(self, note: Note, canonical: str) -> str:
        """The key the note used for a canonical field (it may be an alias such as `commit`)."""
        fields = note.frontmatter.fields if note.frontmatter else {}
        for key in fields:
            if self.settings.field_aliases.get(key, key) == canonical:
                return key
        return canonical


_CORPUS_RULES = frozenset({Rule.MISSING_TARGET.value, Rule.UNKNOWN_COMMIT.value})

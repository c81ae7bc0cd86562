"""All notes of a site: found once, read once, and kept across `mkdocs serve` rebuilds.

A rebuild re-reads only files whose (mtime, size) changed. Checks that need every note (relation
targets), the repository (commits) or the run directories (cited runs, unreadable run files) run
here, after all notes are loaded: `thoughts check` and the plugin both call this, so they report
the same problems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from ..core.checks import build_note
from ..core.config import ThoughtsSettings
from ..core.consistency import check_consistency, check_references
from ..core.diagnostics import Diagnostic, DiagnosticSink, apply_rules
from ..core.gcpause import collector_paused
from ..core.graph import build_graph
from ..core.links import NoteIndex, TargetKind
from ..core.notes import FOLDER_PAGES, Note
from ..core.repofiles import RepoFiles
from ..core.rules import Rule
from ..git.code_refs import unknown_path_problem
from ..git.facts import NoteSource, Where
from ..git.forges import Forge
from ..git.info import GitInfo
from ..git.runner import find_repo_root
from ..runs.citations import link_runs
from ..runs.discovery import discover_runs
from .model import Corpus

_T = TypeVar("_T")


class NoteLoader:
    """Finds and parses notes, caching each by (path, mtime, size)."""

    def __init__(
        self,
        settings: ThoughtsSettings,
        notes_root: Path,
        project_dir: Path,
        *,
        forge: Forge | None = None,
    ) -> None:
        """``project_dir`` (where mkdocs.yml is) stands in for the repository root outside git."""
        self._cache: dict[Path, Note] = {}
        self._settings_key = ""
        self.settings = settings
        self.notes_root = notes_root.resolve()
        found_root = find_repo_root(project_dir.resolve())
        self.is_git = found_root is not None
        self.repo_root = (found_root or project_dir).resolve()
        notes_prefix = self.notes_prefix = self._relative(self.notes_root, self.repo_root) + "/"
        # Kept with the loader so `mkdocs serve` reads the history again only when refs move.
        self.git = GitInfo(self.repo_root, forge, skip_prefixes=(notes_prefix,))
        self._files: tuple[object, RepoFiles] | None = None
        self._real_folders: dict[Path, bool] = {}
        self.skipped: list[str] = []
        """Why the last :meth:`discover` left out files it was asked for (one line each)."""
        self.reads = 0
        """How many files were parsed (not served from the cache); tests and benchmarks read it."""

    @property
    def settings(self) -> ThoughtsSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: ThoughtsSettings) -> None:
        # A parsed note depends on the settings (statuses, aliases, required fields...): under
        # `mkdocs serve`, an edited mkdocs.yml must not leave notes checked the old way. The
        # cache is keyed on the settings' value, not only on each file's (mtime, size).
        key = settings.model_dump_json()
        if key != self._settings_key:
            self._cache = {}
            self._settings_key = key
        self._settings = settings
        self._folder_types = {
            folder: name
            for name, note_type in settings.types.items()
            for folder in note_type.folders
        }
        # `plan.md`, `research.md`, `handoff.md`: a file named after a type or its folder.
        self._name_types = {
            spelling: name
            for name, note_type in reversed(settings.types.items())
            for word in (name, *note_type.folders)
            for spelling in (word.lower(), word.lower().removesuffix("s"))
        }

    def discover(self, paths: Sequence[Path] | None = None) -> list[Path]:
        """Note files under the given files or folders (default: the notes root), sorted.
        Files in a skipped folder (templates, the searchable mirror) are never notes, even
        when named explicitly (see :attr:`skipped`)."""
        found: list[Path] = []
        self.skipped = []
        for start in paths or [self.notes_root]:
            start = Path(os.path.abspath(start))
            # A given file keeps its own name (a symlinked note is judged as a link, not read
            # as its target); a file or folder reached through a symlink leading out of the
            # repository is kept as given, so that `refusal` reports it instead of reading it.
            is_file = start.is_file() or start.is_symlink()
            files: list[Path]
            if is_file:
                real_folder = start.parent.resolve()
                leaves = not real_folder.is_relative_to(self.repo_root)
                files = [start if leaves else real_folder / start.name]
            else:
                real = start.resolve()
                if real != start and not real.is_relative_to(self.repo_root):
                    files = [start]  # a folder linked from outside: refused as a whole
                else:
                    files = list(self._walk(real))
            # The walk leaves skipped folders out; only a start inside one needs a look.
            folder = self.skipped_folder(start if is_file else start / "-")
            if folder is None:
                found.extend(files)
                continue
            for path in files:
                self.skipped.append(
                    f"{self._relative(path, self.repo_root)}: in the '{folder}' folder, "
                    "so a template or a copy, not a note: skipped"
                )
        return sorted(set(found))

    def skipped_folder(self, path: Path) -> str | None:
        """The skipped folder (``templates``, ``searchable``) holding ``path``, if any."""
        path = path.resolve()
        roots = [root for root in (self.notes_root, self.repo_root) if path.is_relative_to(root)]
        if not roots:
            return None
        skip = set(self.settings.skip_folders)
        parts = self._relative(path, roots[0]).split("/")[:-1]
        return next((part for part in parts if part in skip), None)

    def is_template(self, path: Path) -> bool:
        """Whether ``path`` lies in a template folder: not a note and not a page either (a
        template's ``{{RUN_ID}}`` links would 404), for the plugin and the export alike."""
        return "template" in (self.skipped_folder(path) or "")

    def refusal(self, path: Path) -> str | None:
        """Why the note file at ``path`` must not be read, or ``None``: a symlink (or a path
        through one) leading outside the repository, since publishing it would leak that file;
        a symlink to nothing or in a loop. Walked files sit in resolved folders, so for them
        only the file itself can be a link (one lstat)."""
        if not path.is_symlink() and self._real_folder(path.parent):
            return None
        if _loops_back(path):
            return (
                "is a folder link to its own folder or one above it, "
                "which MkDocs would walk without end"
            )
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing target, or a loop (RuntimeError on 3.11/3.12)
            return "is a symlink to nothing (its target is missing or a loop)"
        if not target.is_relative_to(self.repo_root):
            return "is a symlink (or inside a symlinked folder) leading outside the repository"
        if not target.is_file():
            return "is a symlink to something that is not a file"
        return None

    def _real_folder(self, folder: Path) -> bool:
        """Whether no symlink is on the way to ``folder`` (or it stays in the repository)."""
        # Kept on the loader: a method cache on the class (lru_cache) would keep the loader,
        # and with it every note read, alive after the command ends.
        known = self._real_folders.get(folder)
        if known is None:
            real = folder.resolve()
            known = real == folder or real.is_relative_to(self.repo_root)
            self._real_folders[folder] = known
        return known

    def _walk(self, folder: Path) -> Iterable[Path]:
        """Note files, and folder links that loop back to their own folder or one above it:
        MkDocs follows folder links, and two such loops make its walk exponential, so they are
        yielded for :meth:`refusal` to report."""
        skip = set(self.settings.skip_folders)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("."))
            for name in dirnames:
                if _loops_back(Path(dirpath, name)):
                    yield Path(dirpath, name)
            for name in filenames:
                if name.endswith(".md") and name.lower() not in FOLDER_PAGES:
                    yield Path(dirpath, name)

    def note_type(self, path: Path) -> str | None:
        """The type of the nearest enclosing folder that names one; else the type the file
        name says (`26-04-03-task/plan.md` is a plan); else ``None``."""
        return self._type_of(self._relative(path, self.notes_root))

    def _type_of(self, doc_uri: str) -> str | None:
        """:meth:`note_type` of the note at ``doc_uri`` (its path from the notes root)."""
        folders, _, name = doc_uri.rpartition("/")
        return self._folder_type(folders) or self._name_types.get(_topic_of(name))

    def folder_type(self, path: Path) -> str | None:
        """The type of the nearest enclosing folder that names one."""
        return self._folder_type(self._relative(path, self.notes_root).rpartition("/")[0])

    def _folder_type(self, folders: str) -> str | None:
        parts = folders.split("/") if folders else []
        for part in reversed(parts):
            if part in self._folder_types:
                return self._folder_types[part]
        return None

    def _outside_types_notice(self, notes: Sequence[Note]) -> str | None:
        """One line for every note outside the type folders, however many there are."""
        outside = [note for note in notes if self.folder_type(note.path) is None]
        if not outside:
            return None
        named = sum(note.note_type is not None for note in outside)
        return (
            f"{len(outside)} note{'s' * (len(outside) != 1)} outside every type folder "
            f"(e.g. {outside[0].rel_path}): {named} typed by file name (plan.md, research.md), "
            f"{len(outside) - named} listed under Other notes; add their folders to a type's "
            "`folders` in mkdocs.yml to type them"
        )

    def load(self, paths: Sequence[Path] | None = None, *, code_drift: bool = True) -> Corpus:
        """The notes under ``paths`` (default: the whole site), checked. ``code_drift=False``
        leaves the cited code out of the git facts (``refs`` empty): no problem is reported
        from it, so `thoughts check` skips reading old versions of files."""
        with collector_paused():
            return self._load(paths, code_drift)

    def _load(self, paths: Sequence[Path] | None, code_drift: bool) -> Corpus:
        # `thoughts check thoughts` (the notes root) is the whole site.
        complete = paths is None or any(path.resolve() == self.notes_root for path in paths)
        discovered = self.discover(paths)
        files, refused = self._admitted(discovered)
        # git reads the history in its own processes while the notes are parsed here.
        history = _beside(self.git.refresh) if self.settings.check_commits else None
        try:
            notes = [self._read(path) for path in files]
        except BaseException:
            if history is not None:
                wait([history])  # the next load must not read the history beside this one
            raise
        live = set(files)
        if paths is None:  # forget deleted notes, so the cache cannot grow without bound
            self._cache = {path: note for path, note in self._cache.items() if path in live}
        corpus = Corpus(notes, [], self.notes_root, self.repo_root, refused=refused)
        corpus.folder_loops = [path for path in discovered if _loops_back(path)]
        corpus.skipped = list(self.skipped) if paths is not None else []
        outside = self._outside_types_notice(notes)
        if outside:
            corpus.notices.append(outside)
        if history is not None:
            history.result()  # once: the relations below read HEAD's files from it
        self._check_relations(corpus, complete=complete)
        self._check_git(corpus, code_drift=code_drift)
        self._check_runs(corpus, complete=complete)
        return corpus

    def repo_files(self) -> RepoFiles:
        """The repository's files, from HEAD's tree when git is read, else from the disk; built
        again only when HEAD moves."""
        head = self.git.head_paths() if self.settings.check_commits else None
        key = self.git.state if head is not None else None
        if self._files is None or self._files[0] != key:
            self._files = (key, RepoFiles(self.repo_root, head))
        return self._files[1]

    def _admitted(self, paths: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
        """The paths safe to read, and a TH203 for each one that is not (never read)."""
        admitted: list[Path] = []
        refused: list[Diagnostic] = []
        for path in paths:
            why = self.refusal(path)
            if why is None:
                admitted.append(path)
                continue
            sink = DiagnosticSink(self._relative(path, self.repo_root), self.settings)
            sink.add(
                Rule.UNREADABLE_NOTE,
                f"{path.name} {why}; it is not read or published",
                "replace the link by the note itself, or remove it",
            )
            refused += sink.items
        return admitted, refused

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
        doc_uri = self._relative(path, self.notes_root)
        note = build_note(
            path,
            self._relative(path, self.repo_root),
            doc_uri,
            self._type_of(doc_uri),
            text,
            self.settings,
        )
        note.mtime_ns, note.size = stat.st_mtime_ns, stat.st_size
        self._cache[path] = note
        return note

    def repo_relative(self, path: Path) -> str:
        """``path`` relative to the repository root, with forward slashes."""
        return self._relative(path, self.repo_root)

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
        every_note = (
            corpus.notes
            if complete
            else [self._read(p) for p in self._admitted(self.discover())[0]]
        )
        index = NoteIndex(every_note, self.repo_root, self.notes_root, self.repo_files())
        for note in corpus.notes:
            note.diagnostics = [d for d in note.diagnostics if d.code not in _CORPUS_RULES]
            sink = DiagnosticSink(note.rel_path, self.settings)
            for value in note.meta.relations:
                relation = index.resolve(note, value)
                corpus.relations.append(relation)
                if relation.kind is TargetKind.MISSING:
                    suggestion = index.suggest(value.text, note)
                    sink.add(
                        Rule.MISSING_TARGET,
                        f"{value.field} points at {value.text!r}, "
                        "which names no note or file of the repository",
                        f"did you mean {suggestion}?"
                        if suggestion
                        else "use the target's path from the repository root, "
                        "or its file name when only one file has it",
                        value.at.line,
                        value.at.column,
                        value.field,
                    )
            note.diagnostics = note.diagnostics + sink.items
        self._check_graph(corpus, index)

    def _check_graph(self, corpus: Corpus, index: NoteIndex) -> None:
        """The graph of fields and body links, and the rules over it (TH311-TH315)."""
        body = [relation for note in corpus.notes for relation in index.body_relations(note)]
        corpus.body_relations = body
        corpus.graph = build_graph(corpus.notes, [*corpus.relations, *body], self.settings)
        found = check_references(body, index, self.settings)
        found += check_consistency(corpus.graph, self.settings)
        by_path: dict[str, list[Diagnostic]] = {}
        for item in found:
            by_path.setdefault(item.path, []).append(item)
        for note in corpus.notes:
            if note.rel_path in by_path:
                note.diagnostics = note.diagnostics + by_path[note.rel_path]

    def _check_git(self, corpus: Corpus, *, code_drift: bool) -> None:
        """Commits that git does not know (TH302) and backticked paths that never existed
        (TH303), from one pass over the history shared with the site's git facts."""
        if not self.settings.check_commits:
            return
        git = self.git
        if not git.available:
            corpus.notices.extend(git.notices)
            return
        sources = [NoteSource.of(note) for note in corpus.notes]
        git.prepare(sources, code=code_drift)
        beyond_cut = 0
        git.resolve_many(
            [source.commit for source in sources if source.commit]
            + [sha for note in corpus.notes for sha in note.meta.stamp_commits.values()]
        )
        for note, source in zip(corpus.notes, sources, strict=True):
            sink = DiagnosticSink(note.rel_path, self.settings)
            self._check_stamps(note, sink)
            facts = corpus.git_facts[note.rel_path] = git.facts(source, code=code_drift)
            problem = facts.placement.problem() if facts.placement else None
            where = facts.placement.where if facts.placement else None
            if problem and where is Where.MISSING and git.shallow:
                beyond_cut += 1  # maybe just older than the cut: counted in one notice
            elif problem and where in (Where.MISSING, Where.AMBIGUOUS):
                at = note.field_position(self._written_key(note, "git_commit"))
                sink.add(
                    Rule.UNKNOWN_COMMIT,
                    *problem,
                    at.line if at else None,
                    at.column if at else None,
                    "git_commit",
                )
            for candidate, path, closest in facts.unknown_paths:
                sink.add(
                    Rule.CODE_NOT_AT_COMMIT,
                    *unknown_path_problem(path, closest),
                    note.body_line - 1 + candidate.line,
                    candidate.column,
                )
            note.diagnostics = note.diagnostics + sink.items
        # After the queries: the notices they added (a failed lookup) belong to this load too.
        shallow = git.shallow_notice() if git.shallow else None
        corpus.notices.extend(
            git.shallow_notice(beyond_cut) if notice == shallow else notice
            for notice in git.notices
        )

    def _check_stamps(self, note: Note, sink: DiagnosticSink) -> None:
        """A date field's commit (``last_updated: 2026-04-01 18:05, a7219ee``) must exist like
        ``git_commit``; a time written without a zone is read in that commit's zone."""
        for name, sha in note.meta.stamp_commits.items():
            placement = self.git.placement(sha)
            problem = placement.problem(f"{name}'s commit")
            if placement.where is Where.MISSING and self.git.shallow:
                continue  # maybe just older than the cut, like git_commit
            if problem and placement.where in (Where.MISSING, Where.AMBIGUOUS):
                at = note.field_position(self._written_key(note, name))
                sink.add(
                    Rule.UNKNOWN_COMMIT,
                    *problem,
                    at.line if at else None,
                    at.column if at else None,
                    name,
                )
                continue
            value = getattr(note.meta, name)
            commit = self.git.commit(sha)
            if isinstance(value, datetime) and value.tzinfo is None and commit is not None:
                setattr(note.meta, name, value.replace(tzinfo=commit.authored.tzinfo))

    def _check_runs(self, corpus: Corpus, *, complete: bool) -> None:
        """Runs under ``run_globs``, the notes' citations of them (TH402), and, for the whole
        site, run files that cannot be read (TH401)."""
        corpus.runs = discover_runs(self.repo_root, tuple(self.settings.run_globs))
        corpus.run_links = link_runs(corpus.notes, corpus.runs, self.repo_root, self.settings)
        by_path: dict[str, list[Diagnostic]] = {}
        for item in corpus.run_links.problems:
            by_path.setdefault(item.path, []).append(item)
        for note in corpus.notes:
            if note.rel_path in by_path:
                note.diagnostics = note.diagnostics + by_path[note.rel_path]
        for run in corpus.runs:
            # With the site's `rules:`, so a run page shows what the check reports.
            run.problems = apply_rules(run.problems, self.settings)
        corpus.runs.problems = [item for run in corpus.runs for item in run.problems]
        if complete:
            # Checking a few notes says nothing about the runs' own files.
            corpus.run_problems = list(corpus.runs.problems)

    def _written_key(self, note: Note, canonical: str) -> str:
        """The key the note used for a canonical field (it may be an alias such as `commit`)."""
        fields = note.frontmatter.fields if note.frontmatter else {}
        for key in fields:
            if self.settings.field_aliases.get(key, key) == canonical:
                return key
        return canonical


_DATE_PREFIX = re.compile(r"^\d{2,4}-\d{2}-\d{2}(?:[_-]\d{2}-\d{2}(?:-\d{2})?)?[_-]")


def _topic_of(file_name: str) -> str:
    """``2026-04-03_plan.md`` -> ``plan``: the file name without its date and extension."""
    return _DATE_PREFIX.sub("", file_name.lower().removesuffix(".md"))


_CORPUS_RULES = frozenset(
    rule.value
    for rule in (
        Rule.MISSING_TARGET,
        Rule.UNKNOWN_COMMIT,
        Rule.CODE_NOT_AT_COMMIT,
        Rule.PLAN_ON_OPEN_RESEARCH,
        Rule.SUPERSEDES_CYCLE,
        Rule.SUPERSEDES_ONE_SIDED,
        Rule.BODY_TARGET_MISSING,
        Rule.MOVED_TARGET,
        Rule.RUN_NOT_FOUND,
    )
)
CORPUS_RULES = _CORPUS_RULES
"""Rules checked over the whole site (relations, git), not note by note."""


def _loops_back(path: Path) -> bool:
    """Whether ``path`` is a folder link to its own folder or one above it."""
    if not path.is_symlink() or not path.is_dir():
        return False
    return path.parent.resolve().is_relative_to(path.resolve())


def _beside(work: Callable[[], _T]) -> Future[_T]:
    """``work`` started on a thread of its own; ``result()`` waits for it and raises what it
    raised. For work that mostly waits on other processes (git), so the GIL is free meanwhile."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thoughts-git")
    future = pool.submit(work)
    pool.shutdown(wait=False)  # the thread ends when the work does
    return future

"""The git facts of notes, against real repositories built with fixed authors and dates."""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from gitfixtures import ADA, GIT_NOTE, GRACE, GitRepo, Scenario, isolate_git, many_commits_stream
from mkdocs_thoughts.git.code_refs import RefStatus
from mkdocs_thoughts.git.facts import NoteSource, Placement, Where
from mkdocs_thoughts.git.info import GitInfo
from mkdocs_thoughts.git.readers import cat_file, list_tree, parse_commit_object

NOTE = Scenario.NOTE


@pytest.fixture(autouse=True)
def _no_machine_git_config(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A scenario no test changes."""
    return Scenario(tmp_path_factory.mktemp("gitinfo") / "repo")


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    """A scenario of the test's own, to move refs in."""
    return Scenario(tmp_path / "repo")


def ready(root: Path, **options: Any) -> GitInfo:
    info = GitInfo(root, **options)
    assert info.refresh()
    return info


class GitCalls:
    """Counts git processes by subcommand while installed."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reset(self) -> None:
        self.counts.clear()


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], GitCalls]]:
    real_run = subprocess.Popen

    def start() -> GitCalls:
        calls = GitCalls()

        def counting(command: Any, *args: Any, **kwargs: Any) -> Any:
            if command and command[0] == "git":
                words = [w for w in command[1:] if not w.startswith("-")]
                # Skip the "-c name=value" pairs to find the subcommand.
                words = [w for w in words if "=" not in w]
                calls.counts[words[0] if words else "?"] += 1
            return real_run(command, *args, **kwargs)

        monkeypatch.setattr(subprocess, "Popen", counting)
        return calls

    yield start


# --- commits ------------------------------------------------------------------------------------


def test_commit_facts(shared: Scenario) -> None:
    info = ready(shared.repo.root)
    commit = info.commit(shared.c2[:7])
    assert commit is not None
    assert commit.sha == shared.c2
    assert commit.short_sha == shared.c2[:7]
    assert commit.subject == "Tune parser"
    assert (commit.author_name, commit.author_email) == GRACE
    assert commit.authored == datetime(2025, 1, 6, 10, 0, tzinfo=UTC)
    assert commit.parents == (shared.c1,)
    assert info.resolve(shared.c2[:9].upper()) == shared.c2
    assert info.head is not None and info.head.sha == shared.c5
    assert info.head_ref == "refs/heads/main"
    assert info.notices == []
    assert info.commit("0000000") is None


def test_placement_on_head_on_a_squashed_branch_and_missing(shared: Scenario) -> None:
    info = ready(shared.repo.root)
    assert info.placement(shared.c1[:7]) == Placement(
        shared.c1[:7], Where.HEAD, shared.c1, "refs/heads/main"
    )
    assert info.placement(shared.c1).problem() is None
    assert info.placement(shared.t1).where is Where.HEAD  # merged with a merge commit
    squashed = info.placement(shared.f1)
    assert (squashed.where, squashed.ref, squashed.ref_name) == (
        Where.OTHER_REF,
        "refs/heads/feature",
        "feature",
    )
    message, hint = squashed.problem() or ("", "")
    assert message == f"git_commit {shared.f1} is not in HEAD's history; only feature has it"
    assert "squash" in hint
    missing = info.placement("deadbeef")
    assert missing.where is Where.MISSING
    assert missing.problem() == (
        "git_commit deadbeef is not a commit of this repository",
        "fetch all refs (`git fetch --all`), or correct the SHA",
    )
    assert info.placement("main").where is Where.MISSING  # a branch name is not a SHA


def test_placement_names_the_pull_request_ref_once_the_branch_is_gone(
    scenario: Scenario,
) -> None:
    scenario.repo.git("branch", "-D", "feature")
    info = ready(scenario.repo.root)
    placement = info.placement(scenario.f1[:10])
    assert (placement.where, placement.ref, placement.ref_name) == (
        Where.OTHER_REF,
        "refs/pull/1/head",
        "pull/1/head",
    )


def test_behind_head_equals_rev_list_count_for_every_commit(shared: Scenario) -> None:
    info = ready(shared.repo.root)
    for name, sha in shared.all_commits.items():
        expected = shared.repo.rev_list_count(f"{sha}..HEAD")
        assert info.behind_head(sha[:7]) == expected, name
    assert info.behind_head(shared.c1) == 7
    assert info.behind_head(shared.f1) == 5  # s, t1, c4, m, c5
    assert info.behind_head("deadbeef") is None


def test_unreachable_commit_is_read_from_the_object_store(scenario: Scenario) -> None:
    repo = scenario.repo
    repo.write("scratch.txt", "x\n")
    lost = repo.commit("Experiment", GRACE)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    info = ready(repo.root)
    placement = info.placement(lost[:8])
    assert (placement.where, placement.sha) == (Where.UNREACHABLE, lost)
    assert placement.problem() is not None
    commit = info.commit(lost[:8])
    assert commit is not None
    assert (commit.subject, commit.author_name, commit.parents) == (
        "Experiment",
        "Grace Hopper",
        (scenario.c5,),
    )
    assert commit.authored == datetime(2025, 1, 6, 19, 0, tzinfo=UTC)
    assert info.behind_head(lost) is None


def test_ambiguous_short_sha(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "many")
    repo.write("a.txt", "a\n")
    repo.commit("first")
    repo.fast_import(many_commits_stream(1500))
    shas = repo.git("rev-list", "--all").split()
    prefixes = Counter(sha[:4] for sha in shas)
    shared_prefix = next(prefix for prefix, count in prefixes.items() if count > 1)
    info = ready(repo.root)
    placement = info.placement(shared_prefix)
    assert placement.where is Where.AMBIGUOUS
    assert placement.problem() == (
        f"git_commit {shared_prefix} is ambiguous",
        "write more characters of the SHA",
    )
    assert info.commit(shared_prefix) is None


def test_detached_head(scenario: Scenario) -> None:
    scenario.repo.git("checkout", "-q", "--detach", scenario.c3)
    info = ready(scenario.repo.root)
    assert info.head_ref is None
    assert info.notices == [
        f"{info.root}: HEAD is detached at {scenario.c3[:7]}; "
        "'on the default branch' means in HEAD's history"
    ]
    assert info.placement(scenario.c1) == Placement(scenario.c1, Where.HEAD, scenario.c1, None)
    later = info.placement(scenario.c5)
    assert (later.where, later.ref_name) == (Where.OTHER_REF, "main")
    assert info.behind_head(scenario.c1) == 2


# --- file histories -----------------------------------------------------------------------------


def test_file_history_of_a_note(shared: Scenario) -> None:
    history = ready(shared.repo.root).file_history(NOTE)
    assert history.tracked
    assert history.created is not None and history.created.sha == shared.c1
    assert history.created.author_name == ADA[0]
    assert history.last_changed is not None and history.last_changed.sha == shared.c4
    assert history.last_changed.author_name == GRACE[0]
    assert history.commits == 2
    assert history.authors == ("Grace Hopper", "Ada Lovelace")


def test_file_history_follows_renames_and_keeps_deleted_files(shared: Scenario) -> None:
    info = ready(shared.repo.root)
    renamed = info.file_history("src/new_name.py")
    assert renamed.previous_paths == ("src/old_name.py",)
    assert renamed.created is not None and renamed.created.sha == shared.c1
    assert renamed.last_changed is not None and renamed.last_changed.sha == shared.c3
    assert renamed.commits == 2
    gone = info.file_history("src/gone.py")
    assert not gone.tracked and gone.commits == 2
    assert gone.last_changed is not None and gone.last_changed.subject == "Rename and remove"
    # Only HEAD's history counts: the feature branch's own commits to b.py do not.
    b = info.file_history("src/b.py")
    assert b.commits == 2 and b.last_changed is not None and b.last_changed.sha == shared.s
    untracked = info.file_history("thoughts/shared/research/draft.md")
    assert (untracked.tracked, untracked.commits, untracked.created) == (False, 0, None)


# --- degrading ----------------------------------------------------------------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    info = GitInfo(tmp_path)
    assert info.refresh() is True
    assert info.refresh() is False
    assert info.notices == [
        f"{tmp_path}: not a git repository; commit facts, file histories and code links are off"
    ]
    assert not info.available
    assert info.placement("abcdef1").where is Where.NO_GIT
    assert info.commit("abcdef1") is None
    assert info.behind_head("abcdef1") is None
    assert info.code_refs("`src/a.py:1`", "n.md", "abcdef1") == []
    facts = info.facts(NoteSource("n.md", "`src/a.py`", "abcdef1"))
    assert facts.history.commits == 0 and facts.refs == ()
    info.prepare([NoteSource("n.md", "x", None)])


def test_repository_without_commits(tmp_path: Path) -> None:
    GitRepo(tmp_path / "empty")
    info = GitInfo(tmp_path / "empty")
    info.refresh()
    assert info.notices == [f"{info.root}: the repository has no commits yet; git facts are off"]
    assert info.placement("abcdef1").where is Where.NO_GIT


def test_shallow_clone(shared: Scenario, tmp_path: Path) -> None:
    clone = shared.repo.clone_shallow(tmp_path / "clone")
    info = ready(clone.root)
    assert info.shallow
    [notice] = info.notices
    assert "shallow clone (1 commit of history)" in notice
    assert "git fetch --unshallow" in notice and "fetch-depth: 0" in notice
    head = info.head
    assert head is not None and head.sha == shared.c5
    assert info.behind_head(shared.c5) == 0
    missing = info.placement(shared.c1[:7])
    assert missing.where is Where.MISSING
    assert missing.problem() == (
        f"git_commit {shared.c1[:7]} is not a commit of this repository",
        "this is a shallow clone: `git fetch --unshallow`, or fetch-depth: 0 in CI",
    )
    # History stops at the cut: the note seems created by the one commit there is.
    history = info.file_history(NOTE)
    assert history.commits == 1 and history.created is not None
    assert history.created.sha == shared.c5
    [ref] = info.code_refs("`src/a.py:3`", NOTE, shared.c1)
    assert ref.status is RefStatus.UNPINNED


# --- the cache ----------------------------------------------------------------------------------


def test_refresh_rereads_only_when_head_or_refs_move(
    scenario: Scenario, git_calls: Callable[[], GitCalls]
) -> None:
    info = ready(scenario.repo.root)
    assert info.builds == 1
    calls = git_calls()
    assert info.refresh() is False
    assert calls.counts == {"rev-parse": 1}
    assert info.builds == 1
    scenario.repo.git("branch", "spare", scenario.c2)
    assert info.refresh() is True
    assert info.builds == 2
    scenario.repo.write("new.txt", "n\n")
    new = scenario.repo.commit("New commit")
    assert info.refresh() is True
    assert info.head is not None and info.head.sha == new
    assert info.behind_head(scenario.c5) == 1


def test_constant_git_processes_for_fifty_notes(
    scenario: Scenario, git_calls: Callable[[], GitCalls]
) -> None:
    # m: no merge since, so the log gives the cited files' blobs there (src/later.py changed).
    commits = [scenario.c1, scenario.c2, scenario.c3, scenario.f1, scenario.c5, scenario.m]
    bodies = [
        "`src/a.py:10-12` and src/b.py:5",
        "[h](../../../src/new_name.py#L2) and `README.md`",
        "`src/later.py:1-2`, `src/gone.py`",
    ]
    notes = [
        NoteSource(
            f"thoughts/shared/research/n{number}.md",
            bodies[number % 3],
            commits[number % 6][: 7 + number % 3],
        )
        for number in range(50)
    ]
    notes.append(NoteSource("thoughts/shared/research/none.md", "`src/a.py`", None))
    notes.append(NoteSource("thoughts/shared/research/bad.md", "`src/a.py`", "deadbee"))
    calls = git_calls()
    info = GitInfo(scenario.repo.root)
    info.refresh()
    info.prepare(notes)
    facts = [info.facts(note) for note in notes]
    # One each of rev-parse, for-each-ref, log and ls-tree; three cat-file: the SHA the log does
    # not know, the cited paths at the commits before the merge (with the sizes of the old
    # versions the log names), and the file versions to compare. However many notes and
    # distinct commits there are.
    assert calls.counts == {
        "rev-parse": 1,
        "for-each-ref": 1,
        "log": 1,
        "ls-tree": 1,
        "cat-file": 3,
    }
    assert all(fact.refs for fact in facts)
    assert facts[0].behind_head == 7 and facts[0].placement is not None
    calls.reset()
    # A serve rebuild with nothing moved: one rev-parse, and every answer from memory.
    assert info.refresh() is False
    again = [info.facts(note) for note in notes]
    assert again == facts
    assert calls.counts == {"rev-parse": 1}


def test_single_note_queries_without_prepare_ask_only_what_is_new(
    shared: Scenario, git_calls: Callable[[], GitCalls]
) -> None:
    info = ready(shared.repo.root)
    calls = git_calls()
    info.code_refs("`src/a.py:3`", NOTE, shared.c2)
    info.code_refs("`src/a.py:5` and `src/b.py:1`", NOTE, shared.c2)
    info.code_refs("`src/a.py:5`", NOTE, shared.c2)
    # Known SHAs resolve from the log. The first note asks where a.py was at c2 (it has not
    # changed since, so there is nothing to compare); the second asks about b.py, which did
    # change, so both versions are read; the third is answered from memory.
    assert calls.counts == {"cat-file": 3}


def test_facts_bundle_everything_for_a_note(shared: Scenario) -> None:
    info = ready(shared.repo.root)
    facts = info.facts(NoteSource(NOTE, "See `src/a.py:24-26` and `src/b.py:5`.", shared.c1[:7]))
    assert facts.commit is not None and facts.commit.sha == shared.c1
    assert facts.placement is not None and facts.placement.where is Where.HEAD
    assert facts.behind_head == 7
    assert facts.history.commits == 2
    assert [ref.status for ref in facts.refs] == [
        RefStatus.CHANGED,
        RefStatus.LINES_UNCHANGED,
    ]
    assert (facts.drift.references, facts.drift.drifted, facts.drift.score) == (2, 1, 0.5)
    no_commit = info.facts(NoteSource(NOTE, "", None))
    assert (no_commit.commit, no_commit.placement, no_commit.behind_head) == (None, None, None)


def test_note_source_from_a_loaded_note(tmp_path: Path) -> None:
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.corpus.loader import NoteLoader

    notes_root = tmp_path / "thoughts"
    folder = notes_root / "shared" / "research"
    folder.mkdir(parents=True)
    (folder / "2025-01-06_09-00_x.md").write_text(
        "---\ngit_commit: abcdef1\n---\n# X\n\nSee `src/a.py:3`.\n", encoding="utf-8"
    )
    settings = ThoughtsSettings(check_commits=False)
    [note] = NoteLoader(settings, notes_root, tmp_path).load().notes
    source = NoteSource.of(note)
    assert source.rel_path == "thoughts/shared/research/2025-01-06_09-00_x.md"
    assert source.commit == "abcdef1"
    assert "`src/a.py:3`" in source.body


def test_a_commit_only_an_annotated_tag_holds(scenario: Scenario) -> None:
    repo = scenario.repo
    repo.git("checkout", "-q", "-b", "release", scenario.c3)
    repo.write("RELEASE.txt", "1.0\n")
    tagged = repo.commit("Release notes")
    repo.git("tag", "-a", "v1.0", "-m", "Version 1.0")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-D", "release")
    info = ready(repo.root)
    placement = info.placement(tagged)
    assert (placement.where, placement.ref, placement.ref_name) == (
        Where.OTHER_REF,
        "refs/tags/v1.0",
        "v1.0",
    )


def test_parse_commit_object_keeps_the_author_offset() -> None:
    text = (
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
        "parent 1111111111111111111111111111111111111111\n"
        "author Ada Lovelace <ada@example.org> 1736157600 +0130\n"
        "committer Grace Hopper <grace@example.org> 1736161200 -0500\n"
        "\n"
        "Subject line\n\nBody.\n"
    )
    found = parse_commit_object("2" * 40, text)
    assert (found.author_name, found.author_email, found.authored) == (
        "Ada Lovelace",
        "ada@example.org",
        1736157600,
    )
    assert (found.author_offset, found.committed, found.subject) == (90, 1736161200, "Subject line")
    assert found.parents == ("1" * 40,)


def test_cat_file_answers_in_order_with_paths_holding_spaces(shared: Scenario) -> None:
    repo = GitRepo(shared.repo.root.parent / "spaces")
    repo.write("docs/my notes.md", "hello\n")
    sha = repo.commit("spaces")
    answers = cat_file(
        repo.root, [f"{sha}:docs/my notes.md", f"{sha}:docs/none here.md", "zzzz"], contents=True
    )
    assert [(kind, size, data) for _, kind, size, data in answers] == [
        ("blob", 6, b"hello\n"),
        ("missing", 0, None),
        ("missing", 0, None),
    ]
    assert list_tree(repo.root, sha)["docs/my notes.md"] == (answers[0][0], 6)


def _blob(repo: GitRepo, sha: str, path: str) -> str | None:
    found = cat_file(repo.root, [f"{sha}:{path}"], contents=False)[0]
    return found[0] if found[1] == "blob" else None


def _known_from_the_log(repo: GitRepo, commits: dict[str, str]) -> set[tuple[str, str]]:
    """(commit name, path) of every file, ever, whose blob at that commit the log alone gives;
    each one checked against git's own answer."""
    info = ready(repo.root)
    history = info._history
    assert history is not None
    history.ensure_ancestry([history.index[sha] for sha in commits.values()])
    paths = set(history.head_blobs) | set(history.touches)
    known = set()
    for name, sha in commits.items():
        for path in sorted(paths):
            found, blob = history.blob_at(history.index[sha], path)
            if found:
                known.add((name, path))
                assert blob == _blob(repo, sha, path), (name, path)
    return known


def test_blobs_from_the_log_agree_with_git_for_every_commit_and_file(shared: Scenario) -> None:
    """The log alone gives a cited file's blob at a note's commit (no cat-file walking a tree
    for it) when no merge came since; wherever it does, git agrees."""
    known = _known_from_the_log(shared.repo, shared.all_commits)
    paths = {path for _, path in known}
    # After the merge m: every path, also src/later.py, which c5 changed since m, and the
    # files deleted or renamed long before. Before m: none (a merge's own tree is not in the
    # log); nor off HEAD's history.
    assert {("m", "src/later.py"), ("m", "src/gone.py"), ("c5", "src/a.py")} <= known
    assert {name for name, _ in known} == {"m", "c5"}
    assert {path for name, path in known if name == "m"} == paths


def test_blobs_from_the_log_follow_renames_deletions_and_returns(tmp_path: Path) -> None:
    """A linear history: every file at every commit comes from the log, as git has it."""
    repo = GitRepo(tmp_path / "repo")
    repo.lines("src/a.py", ["a1", "a2"])
    repo.lines("src/old.py", ["o1", "o2", "o3"])
    repo.lines("src/gone.py", ["g1"])
    commits = {"c1": repo.commit("Add", ADA)}
    repo.lines("src/a.py", ["a1", "a2 changed"])
    repo.git("mv", "src/old.py", "src/new.py")
    (repo.root / "src/gone.py").unlink()
    commits["c2"] = repo.commit("Rename and delete", GRACE)
    repo.lines("src/gone.py", ["g1 again", "g2"])
    repo.lines("src/new.py", ["o1", "o2", "o3", "o4"])
    commits["c3"] = repo.commit("Bring back, extend", ADA)
    repo.git("mv", "src/new.py", "src/old.py")
    repo.write("src/link.py", "")
    (repo.root / "src/link.py").unlink()
    (repo.root / "src/link.py").symlink_to("a.py")
    commits["c4"] = repo.commit("Rename back, link", GRACE)
    repo.lines("src/a.py", ["a0", "a1", "a2 changed"])
    commits["c5"] = repo.commit("Prepend", ADA)
    known = _known_from_the_log(repo, commits)
    every = {"src/a.py", "src/old.py", "src/new.py", "src/gone.py", "src/link.py"}
    assert known == {(name, path) for name in commits for path in every}


def test_a_change_made_in_a_merge_commit_itself_is_not_missed(tmp_path: Path) -> None:
    """An evil merge (a change that is in neither parent) lists no file in the log: the code
    a note cites before it is still compared with git's own versions."""
    repo = GitRepo(tmp_path / "repo")
    repo.lines("src/a.py", [f"a{n}" for n in range(1, 11)])
    repo.lines("src/b.py", ["b1"])
    first = repo.commit("Add a", ADA)
    repo.git("checkout", "-q", "-b", "side")
    repo.lines("src/b.py", ["b1", "b2"])
    repo.commit("Side work", GRACE)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    repo.lines("src/a.py", ["a1 changed in the merge"] + [f"a{n}" for n in range(2, 11)])
    repo.git("add", "-A")
    repo.git(
        "commit",
        "-q",
        "-m",
        "Merge side",
        env={
            "GIT_AUTHOR_DATE": "2025-02-01T00:00:00Z",
            "GIT_COMMITTER_DATE": "2025-02-01T00:00:00Z",
        },
    )
    info = ready(repo.root)
    source = NoteSource("notes/n.md", "See `src/a.py:1-2` and `src/a.py:5`.\n", first)
    info.prepare([source])
    statuses = [ref.status for ref in info.facts(source).refs]
    assert statuses == [RefStatus.CHANGED, RefStatus.LINES_UNCHANGED]


def test_the_check_reads_no_cited_code_and_reports_what_the_site_does(
    scenario: Scenario, git_calls: Callable[[], GitCalls]
) -> None:
    """`thoughts check` loads without code drift (no problem comes from it): no cat-file, and
    the very problems a site build's load reports."""
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.corpus.loader import NoteLoader

    root = scenario.repo.root
    note = "thoughts/shared/research/2025-01-07_10-00_drift.md"
    body = "See `src/a.py:3-4`, `src/b.py:1`, `src/parsre.py:3` and `src/gone.py`.\n"
    scenario.repo.write(note, GIT_NOTE.format(sha=scenario.c2, topic="Drift") + body)
    settings = ThoughtsSettings()
    calls = git_calls()
    checked = NoteLoader(settings, root / "thoughts", root).load(code_drift=False)
    assert "cat-file" not in calls.counts
    built = NoteLoader(settings, root / "thoughts", root).load()
    assert calls.counts["cat-file"] == 2  # the cited paths at c2, then the versions to compare
    codes = [(item.path, item.code, item.line) for item in checked.diagnostics]
    assert codes == [(item.path, item.code, item.line) for item in built.diagnostics]
    assert (note, "TH303", 13) in codes  # src/parsre.py: no commit ever had it
    assert not checked.git_facts[note].refs
    assert {ref.status for ref in built.git_facts[note].refs} >= {RefStatus.DELETED}
    assert checked.git_facts[note].placement == built.git_facts[note].placement


def test_the_history_is_read_while_the_notes_are_parsed(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's processes run beside the note parsing: the history is read on a thread of its own,
    the load waits for it before anything uses it, and what failed there reaches the caller."""
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.corpus.loader import NoteLoader

    root = scenario.repo.root
    note = "thoughts/shared/research/2025-01-07_10-00_beside.md"
    scenario.repo.write(note, GIT_NOTE.format(sha=scenario.c1, topic="Beside"))
    readers: list[threading.Thread] = []
    refresh = GitInfo.refresh

    def recorded(info: GitInfo) -> bool:
        readers.append(threading.current_thread())
        time.sleep(0.2)  # git slower than the parsing: the load must still wait for it
        return refresh(info)

    monkeypatch.setattr(GitInfo, "refresh", recorded)
    loader = NoteLoader(ThoughtsSettings(), root / "thoughts", root)
    corpus = loader.load()
    assert len(readers) == 1 and readers[0] is not threading.current_thread()
    assert loader.git.builds == 1
    assert corpus.git_facts[note].placement is not None

    def broken(info: GitInfo) -> bool:
        raise RuntimeError("the history could not be parsed")

    monkeypatch.setattr(GitInfo, "refresh", broken)
    with pytest.raises(RuntimeError, match="could not be parsed"):
        NoteLoader(ThoughtsSettings(), root / "thoughts", root).load()

    # A note that cannot be read fails the load only once the history is read: a second load
    # (the next `mkdocs serve` rebuild) never reads it beside the first one's.
    def unreadable(loader: NoteLoader, path: Path) -> None:
        raise FileNotFoundError(path)

    monkeypatch.setattr(GitInfo, "refresh", recorded)
    monkeypatch.setattr(NoteLoader, "_read", unreadable)
    loader = NoteLoader(ThoughtsSettings(), root / "thoughts", root)
    with pytest.raises(FileNotFoundError):
        loader.load()
    assert loader.git.builds == 1


def test_the_check_sweeps_the_history_once_for_all_its_notes(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How far each note's commit is behind HEAD comes from one ancestry sweep for the whole
    load, not one per note (each sweep walks the history up to its commit)."""
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.corpus.loader import NoteLoader
    from mkdocs_thoughts.git.history import History

    root = scenario.repo.root
    commits = {"c1": scenario.c1, "c2": scenario.c2, "c3": scenario.c3, "f1": scenario.f1}
    for name, sha in commits.items():
        note = f"thoughts/shared/research/2025-01-07_10-00_{name}.md"
        scenario.repo.write(note, GIT_NOTE.format(sha=sha, topic=name))
    sweeps: list[set[int]] = []
    sweep = History.ensure_ancestry

    def counted(history: History, wanted: Any) -> None:
        wanted = set(wanted)
        if wanted - history.ancestry.keys():
            sweeps.append(wanted)
        sweep(history, wanted)

    monkeypatch.setattr(History, "ensure_ancestry", counted)
    corpus = NoteLoader(ThoughtsSettings(), root / "thoughts", root).load(code_drift=False)
    assert len(sweeps) == 1
    for name, sha in commits.items():
        facts = corpus.git_facts[f"thoughts/shared/research/2025-01-07_10-00_{name}.md"]
        assert facts.behind_head == scenario.repo.rev_list_count(f"{sha}..HEAD"), name

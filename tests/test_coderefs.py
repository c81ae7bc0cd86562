"""Code references in note bodies: every syntax, what is ignored, and drift against real git."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitfixtures import GitRepo, Scenario, isolate_git
from mkdocs_thoughts.core.markdown_scan import scan_body
from mkdocs_thoughts.git import drift as gitdrift
from mkdocs_thoughts.git.code_refs import (
    CodeRef,
    Drift,
    LineChanges,
    RefStatus,
    RefSyntax,
    code_span_paths,
    compare_lines,
    find_candidates,
    span_candidate,
)
from mkdocs_thoughts.git.forges import Forge
from mkdocs_thoughts.git.info import GitInfo
from mkdocs_thoughts.git.runner import GitError

NOTE = Scenario.NOTE  # thoughts/shared/research/note.md


@pytest.fixture(autouse=True)
def _no_machine_git_config(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return Scenario(tmp_path_factory.mktemp("coderefs") / "repo")


@pytest.fixture
def info(scenario: Scenario) -> GitInfo:
    git = GitInfo(scenario.repo.root, Forge.from_config("https://github.com/o/r"))
    assert git.refresh()
    return git


def found(body: str, note: str = NOTE) -> list[tuple[tuple[str, ...], int | None, int | None]]:
    return [(c.alternatives, c.start, c.end) for c in find_candidates(body, note)]


# --- syntax -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("src/a.py:12", 12, 12),
        ("src/a.py:12-20", 12, 20),
        ("src/a.py:12–20", 12, 20),
        ("src/a.py:L12-L20", 12, 20),
        ("src/a.py:12:5", 12, 12),
        ("src/a.py#L12", 12, 12),
        ("src/a.py#L12-L20", 12, 20),
        ("src/a.py#L12-20", 12, 20),
        ("src/a.py:20-12", 12, 20),
    ],
)
def test_line_suffixes_in_prose_and_in_code(written: str, start: int, end: int) -> None:
    both = ("src/a.py", "thoughts/shared/research/src/a.py")
    assert found(f"See {written} here.") == [(both, start, end)]
    assert found(f"See `{written}` here.") == [(both, start, end)]


def test_backticked_paths_and_pytest_ids_without_lines() -> None:
    body = "`src/preprocessing/parser.py` and `tests/test_a.py::test_x[1]` and `README.md`"
    refs = find_candidates(body, NOTE)
    assert [(c.alternatives[0], c.start, c.syntax) for c in refs] == [
        ("src/preprocessing/parser.py", None, RefSyntax.CODE),
        ("tests/test_a.py", None, RefSyntax.CODE),
        ("README.md", None, RefSyntax.CODE),
    ]
    assert refs[0].text == "`src/preprocessing/parser.py`"
    assert (refs[0].line, refs[0].column) == (1, 1)


def test_code_spans_that_are_not_one_path_are_not_references() -> None:
    assert found("Run `python src/train.py --fast` or `x = 1`.") == []


def test_prose_path_needs_a_folder_or_a_line_suffix() -> None:
    assert found("Edit src/a.py now. Not README.md, but Makefile:3 e.g. here.") == [
        (("src/a.py", "thoughts/shared/research/src/a.py"), None, None),
        (("Makefile", "thoughts/shared/research/Makefile"), 3, 3),
    ]


def test_links_are_relative_to_the_note_folder_then_the_root() -> None:
    body = (
        "[parser](../../../src/a.py#L3) [b](/src/b.py#L7-L9) [c](src/c.py#L3-5) "
        "[d](../../src/d.py) [e](<../../../src/my file.py>) [f](src/f.py:4)"
    )
    refs = find_candidates(body, NOTE)
    assert [(c.alternatives, c.start, c.end) for c in refs] == [
        (("src/a.py",), 3, 3),
        (("src/b.py",), 7, 9),
        (("thoughts/shared/research/src/c.py", "src/c.py"), 3, 5),
        # Written for another folder depth: tried from the note, then from the root.
        (("thoughts/src/d.py", "src/d.py"), None, None),
        (("src/my file.py",), None, None),
        (("thoughts/shared/research/src/f.py", "src/f.py"), 4, 4),
    ]
    assert all(c.syntax is RefSyntax.LINK for c in refs)
    assert refs[0].text == "[parser](../../../src/a.py#L3)"


def test_link_text_in_backticks_counts_once() -> None:
    refs = find_candidates("[`src/a.py`](../../../src/a.py#L2)", NOTE)
    assert [(c.syntax, c.alternatives) for c in refs] == [(RefSyntax.LINK, ("src/a.py",))]


def test_urls_images_anchors_and_code_spans_holding_links_are_ignored() -> None:
    body = (
        "https://github.com/o/r/blob/abc/src/a.py#L3 <https://x.org/src/b.py:4> "
        "![plot](../../../docs/plot.png) [top](#intro) [web](https://x.org/a.py) "
        "`[x](src/c.py)`"
    )
    assert found(body) == []


def test_paths_outside_the_repository_are_dropped_before_any_lookup() -> None:
    body = (
        "../../../../etc/passwd:1 [x](../../../../../secret.py) `/etc/passwd` "
        "[y](../../../../outside/a.py#L2)"
    )
    assert found(body) == [
        # ../ from the note climbs out; from the root without its ../ it stays inside.
        (("etc/passwd",), 1, 1),
        (("secret.py",), None, None),
        (("outside/a.py",), 2, 2),
    ]
    assert found("../../../../etc/passwd:1", "note.md") == [(("etc/passwd",), 1, 1)]


def test_fenced_code_blocks_are_not_references() -> None:
    body = (
        "before src/a.py:1\n"
        "```bash\npython src/b.py:2\n```\n"
        "~~~~\n```\nsrc/c.py:3\n```\n~~~~\n"
        "  ```\n  src/d.py:4\n  ```\n"
        "after src/e.py:5\n"
    )
    refs = find_candidates(body, NOTE)
    assert [(c.alternatives[0], c.line) for c in refs] == [("src/a.py", 1), ("src/e.py", 13)]


def test_positions_point_at_the_source_text() -> None:
    body = "# Title\n\nSee `src/a.py:3` and [b](/src/b.py#L1) and src/c.py:9-10."
    line = body.splitlines()[2]
    for candidate in find_candidates(body, NOTE):
        assert candidate.line == 3
        start = candidate.column - 1
        assert line[start : start + len(candidate.text)] == candidate.text


def test_skip_prefixes_drop_notes_folders() -> None:
    body = "`thoughts/shared/plans/p.md` `src/a.py`"
    refs = find_candidates(body, NOTE, skip_prefixes=("thoughts/",))
    assert [c.alternatives for c in refs] == [("src/a.py",)]


# --- line changes -------------------------------------------------------------------------------


def test_lines_changed_and_moved_lines() -> None:
    # Line 2 replaced by two lines; three lines inserted after line 10; line 20 deleted.
    changes = LineChanges(((2, 1, 2, 2), (10, 0, 12, 3), (20, 1, 24, 0)))
    assert changes.lines_changed(2, 2)
    assert changes.lines_changed(1, 3)
    assert not changes.lines_changed(3, 10)  # insertion right after the range
    assert changes.moved_lines(3, 10) == (4, 11)
    assert changes.lines_changed(9, 12)  # insertion inside the range
    assert not changes.lines_changed(11, 19)  # insertion right before the range
    assert changes.moved_lines(11, 19) == (15, 23)
    assert changes.lines_changed(20, 20)
    assert changes.moved_lines(21, 22) == (24, 25)
    assert LineChanges(exact=False).lines_changed(1, 1)


def text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def test_compare_lines_numbers_hunks_like_git_diff(scenario: Scenario) -> None:
    repo = scenario.repo
    old = repo.git("show", f"{scenario.c1}:src/a.py").encode()
    new = repo.git("show", f"{scenario.c5}:src/a.py").encode()
    diff = repo.git("diff", "-U0", scenario.c1, scenario.c5, "--", "src/a.py")
    expected = []
    for match in re.finditer(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", diff, re.M):
        a, b, c, d = match.groups()
        expected.append((int(a), int(b or 1), int(c), int(d or 1)))
    assert compare_lines(old, new).hunks == tuple(expected) == ((0, 0, 1, 2), (25, 1, 27, 1))


def test_compare_lines_insertions_deletions_and_binary() -> None:
    base = [f"l{n}" for n in range(1, 11)]
    assert compare_lines(text(base), text(base)).hunks == ()
    appended = compare_lines(text(base), text([*base, "l11"]))
    assert appended.hunks == ((10, 0, 11, 1),)
    assert not appended.lines_changed(1, 10)
    deleted = compare_lines(text(base), text(base[:4] + base[6:]))
    assert deleted.hunks == ((5, 2, 4, 0),)
    assert deleted.moved_lines(8, 9) == (6, 7)
    assert not compare_lines(b"\0binary", b"\0other").exact


# --- against a real history ---------------------------------------------------------------------

BODY = """\
# Findings

The parser (src/a.py:10-12) reads headers; `src/a.py#L24-L26` scores them; see `src/a.py`.
Helpers moved: [helper](../../../src/old_name.py#L3). `src/gone.py:2` is gone.
New since: `src/later.py:1`. Unrelated lines of b: src/b.py:5. Docs: `README.md`.
Not here: `src/nonexistent.py:3`, ../../../../etc/passwd:1, /etc/hosts.

```
src/a.py:1
```
"""


def by_label(refs: list[CodeRef]) -> dict[str, CodeRef]:
    return {ref.label: ref for ref in refs}


def test_every_drift_mark_against_the_note_commit(scenario: Scenario, info: GitInfo) -> None:
    refs = by_label(info.code_refs(BODY, NOTE, scenario.c1[:7]))
    assert list(refs) == [
        "src/a.py:10-12",
        "src/a.py:24-26",
        "src/a.py",
        "src/old_name.py:3",
        "src/gone.py:2",
        "src/later.py:1",
        "src/b.py:5",
        "README.md",
    ]
    # Two header lines were added above: the cited lines did not change, they moved down.
    moved = refs["src/a.py:10-12"]
    assert (moved.status, moved.current_start, moved.current_end) == (
        RefStatus.LINES_UNCHANGED,
        12,
        14,
    )
    assert moved.lines_changed is False and moved.commits_since == 1 and moved.sha == scenario.c1
    assert refs["src/a.py:24-26"].status is RefStatus.CHANGED
    assert refs["src/a.py:24-26"].lines_changed is True
    assert refs["src/a.py"].status is RefStatus.CHANGED
    renamed = refs["src/old_name.py:3"]
    assert (renamed.status, renamed.current_path, renamed.lines_changed) == (
        RefStatus.RENAMED,
        "src/new_name.py",
        False,
    )
    assert renamed.syntax is RefSyntax.LINK
    gone = refs["src/gone.py:2"]
    assert (gone.status, gone.current_path) == (RefStatus.DELETED, None)
    later = refs["src/later.py:1"]
    assert (later.status, later.sha) == (RefStatus.NOT_AT_COMMIT, scenario.c5)
    # Added after the note's commit: expected (marked on the page), never a warning.
    assert later.problem() is None
    # b.py changed on the squash commit (lines 2 and 9) but not at line 5; the feature
    # branch's own commits are not in HEAD's history, so they are not counted.
    b = refs["src/b.py:5"]
    assert (b.status, b.commits_since, b.current_start) == (RefStatus.LINES_UNCHANGED, 1, 5)
    # README changed on a merged side branch: counted through the merge.
    assert (refs["README.md"].status, refs["README.md"].commits_since) == (RefStatus.CHANGED, 1)
    assert all(ref.problem() is None for ref in refs.values())


def test_drift_score_counts_distinct_comparable_references(
    scenario: Scenario, info: GitInfo
) -> None:
    refs = info.code_refs(BODY + "\nAgain `src/a.py`.\n", NOTE, scenario.c1)
    drift = Drift.of(refs)
    # 7 comparable (not_at_commit excluded); changed, changed, renamed, deleted, changed drifted.
    assert drift == Drift(
        references=7,
        drifted=5,
        lines_unchanged=2,
        not_at_commit=1,
        unpinned=0,
        commits_since=1,
    )
    assert drift.score == pytest.approx(5 / 7)
    assert Drift.of([]).score == 0.0


def test_note_at_head_is_unchanged_and_without_commit_is_unpinned(
    scenario: Scenario, info: GitInfo
) -> None:
    at_head = info.code_refs(BODY, NOTE, scenario.c5)
    assert {ref.status for ref in at_head} == {RefStatus.UNCHANGED}
    # At HEAD only paths that exist now are references.
    assert [ref.label for ref in at_head] == [
        "src/a.py:10-12",
        "src/a.py:24-26",
        "src/a.py",
        "src/later.py:1",
        "src/b.py:5",
        "README.md",
    ]
    for written in (None, "deadbee"):
        refs = info.code_refs(BODY, NOTE, written)
        assert {ref.status for ref in refs} == {RefStatus.UNPINNED}
        assert {ref.sha for ref in refs} == {scenario.c5}
        assert Drift.of(refs).references == 0


def test_note_on_a_squashed_branch_compares_with_head(scenario: Scenario, info: GitInfo) -> None:
    [ref] = info.code_refs("`src/b.py:2`", NOTE, scenario.f1)
    # f1 changed line 2; HEAD has it (squashed), and changed line 9 as well.
    assert (ref.status, ref.commits_since, ref.sha) == (
        RefStatus.LINES_UNCHANGED,
        1,
        scenario.f1,
    )


def test_permalinks_pin_the_note_commit_and_current_urls_head(
    scenario: Scenario, info: GitInfo
) -> None:
    refs = by_label(info.code_refs(BODY, NOTE, scenario.c1))
    base = "https://github.com/o/r/blob"
    assert info.permalink(refs["src/a.py:10-12"]) == f"{base}/{scenario.c1}/src/a.py#L10-L12"
    assert info.current_url(refs["src/a.py:10-12"]) == f"{base}/{scenario.c5}/src/a.py#L12-L14"
    assert info.current_url(refs["src/old_name.py:3"]) == (
        f"{base}/{scenario.c5}/src/new_name.py#L3"
    )
    assert info.current_url(refs["src/gone.py:2"]) is None
    assert info.permalink(refs["src/later.py:1"]) == f"{base}/{scenario.c5}/src/later.py#L1"
    assert info.commit_url(scenario.c1[:7]) == f"https://github.com/o/r/commit/{scenario.c1}"
    no_forge = GitInfo(scenario.repo.root)
    no_forge.refresh()
    [ref] = no_forge.code_refs("`src/a.py:3`", NOTE, scenario.c1)
    assert no_forge.permalink(ref) is None and ref.sha == scenario.c1


def test_skip_prefixes_keep_notes_out_of_code_references(scenario: Scenario, info: GitInfo) -> None:
    body = f"`{NOTE}` and `src/b.py`"
    assert [r.path for r in info.code_refs(body, NOTE, scenario.c1)] == [NOTE, "src/b.py"]
    skipping = GitInfo(scenario.repo.root, skip_prefixes=("thoughts/",))
    skipping.refresh()
    assert [r.path for r in skipping.code_refs(body, NOTE, scenario.c1)] == ["src/b.py"]


def test_renamed_twice_and_edited_on_the_way(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "renames")
    repo.lines("x.py", [f"x{n}" for n in range(1, 21)])
    first = repo.commit("Add x")
    repo.git("mv", "x.py", "y.py")
    lines = [f"x{n}" for n in range(1, 21)]
    lines[14] = "x15 edited"
    repo.lines("y.py", lines)
    second = repo.commit("x becomes y")
    repo.git("mv", "y.py", "z.py")
    repo.commit("y becomes z")
    info = GitInfo(repo.root)
    info.refresh()
    refs = by_label(info.code_refs("`x.py:2-3` and `x.py:15`", "note.md", first))
    assert [
        (r.status, r.current_path, r.lines_changed, r.commits_since) for r in refs.values()
    ] == [
        (RefStatus.RENAMED, "z.py", False, 2),
        (RefStatus.RENAMED, "z.py", True, 2),
    ]
    assert (refs["x.py:2-3"].current_start, refs["x.py:2-3"].current_end) == (2, 3)
    # At the second commit x.py no longer existed, and it does not at HEAD: not a reference.
    assert info.code_refs("`x.py:2`", "note.md", second) == []


def test_huge_files_are_not_read_and_count_as_changed(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitdrift, "MAX_DIFF_BYTES", 10)
    info = GitInfo(scenario.repo.root)
    info.refresh()
    [ref] = info.code_refs("`src/a.py:10-12`", NOTE, scenario.c1)
    assert (ref.status, ref.lines_changed, ref.current_start) == (RefStatus.CHANGED, True, None)


def test_a_huge_old_version_named_by_the_log_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log gives the blob a note's commit had, not its size: that is asked by blob id, and
    a version too big to compare is never read, however small the file is at HEAD."""
    monkeypatch.setattr(gitdrift, "MAX_DIFF_BYTES", 100)
    repo = GitRepo(tmp_path / "repo")
    repo.lines("data/table.py", [f"row {n}" for n in range(40)])
    first = repo.commit("A big table")
    repo.lines("data/table.py", ["row 0", "row 1"])
    repo.commit("A small table")
    read: list[str] = []
    real = gitdrift.cat_file

    def recording(root: Path, requests: list[str], *, contents: bool) -> object:
        read.extend(requests if contents else [])
        return real(root, requests, contents=contents)

    monkeypatch.setattr(gitdrift, "cat_file", recording)
    info = GitInfo(repo.root)
    info.refresh()
    [ref] = info.code_refs("`data/table.py:1-2`", "note.md", first)
    assert (ref.status, ref.lines_changed) == (RefStatus.CHANGED, True)
    assert repo.git("rev-parse", f"{first}:data/table.py").strip() not in read


def test_git_failing_mid_build_leaves_references_unpinned(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = GitInfo(scenario.repo.root)
    info.refresh()

    def broken(*args: object, **kwargs: object) -> None:
        raise GitError("git cat-file failed: fatal: out of memory")

    monkeypatch.setattr(gitdrift, "cat_file", broken)
    [ref] = info.code_refs("`src/a.py:10-12`", NOTE, scenario.c1)
    assert (ref.status, ref.sha) == (RefStatus.UNPINNED, scenario.c5)
    assert info.notices == [
        f"{info.root}: git cat-file failed: fatal: out of memory; code drift is unknown"
    ]


@pytest.mark.parametrize(
    "body",
    [
        "See `src/a.py:3`, src/b.py:4 and [c](../../src/c.py#L2).\n",
        "- `src/a.py` in a list\n- [`src/b.py`](src/b.py) a code span in a link\n",
        "| `src/t.py:1-2` | src/u.py |\n|---|---|\n\n```\n`src/in_fence.py`\n```\n",
        "`make test` and ``src/ticks.py:9`` and `src/x.py::test_y` and `/abs/path.py`\n",
    ],
)
def test_the_check_s_code_spans_are_the_code_candidates_of_the_full_search(body: str) -> None:
    """`thoughts check` reads code spans alone (TH303 reads no others), and makes a candidate
    only of a path that never existed: the spans, paths and candidates are the very ones the
    site's full search finds."""
    note = "thoughts/shared/research/n.md"
    full = find_candidates(body, note)
    scan = scan_body(body)
    alone = list(code_span_paths(scan, note))
    assert [span_candidate(scan, span, note) for span, _ in alone] == [
        candidate for candidate in full if candidate.syntax is RefSyntax.CODE
    ]
    assert [alternatives for _, alternatives in alone] == [
        candidate.alternatives for candidate in full if candidate.syntax is RefSyntax.CODE
    ]
    assert alone

"""Consistency rules over relations: TH311 plan on open research, TH312 supersedes cycles, TH313
one-sided supersedes."""

from __future__ import annotations

from pathlib import Path

from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.consistency import check_consistency, check_references
from mkdocs_thoughts.core.diagnostics import Diagnostic
from mkdocs_thoughts.core.links import NoteIndex
from test_links import PLAN, RESEARCH, load, note_text

A = "thoughts/shared/research/2025-12-01_10-00_a.md"
B = "thoughts/shared/research/2025-12-02_10-00_b.md"
C = "thoughts/shared/research/2025-12-03_10-00_c.md"


def check(root: Path, files: dict[str, str]) -> list[Diagnostic]:
    settings = ThoughtsSettings(check_commits=False)
    corpus, _ = load(root, files, settings)
    return check_consistency(corpus.relation_graph(settings), settings)


def codes(diagnostics: list[Diagnostic]) -> list[tuple[str, str, str]]:
    return [(d.code, d.path, d.severity) for d in diagnostics]


def test_complete_plan_on_research_in_progress(tmp_path: Path) -> None:
    [problem] = check(
        tmp_path,
        {
            RESEARCH: note_text("R", status="in_progress"),
            PLAN: note_text("P", status="complete", related_research=RESEARCH),
        },
    )
    assert (problem.code, problem.severity, problem.path) == ("TH311", "warning", PLAN)
    assert (problem.line, problem.column, problem.field) == (10, 19, "related_research")
    assert RESEARCH in problem.message


def test_plan_rules_need_both_statuses(tmp_path: Path) -> None:
    for plan_status, research_status in (("in_progress", "in_progress"), ("complete", "complete")):
        files = {
            RESEARCH: note_text("R", status=research_status),
            PLAN: note_text("P", status=plan_status, related_research=RESEARCH),
        }
        assert check(tmp_path / plan_status / research_status, files) == []


def test_body_links_are_not_building_on(tmp_path: Path) -> None:
    files = {
        RESEARCH: note_text("R", status="in_progress"),
        PLAN: note_text("P", status="complete", related_research=RESEARCH, body=f"`{RESEARCH}`"),
    }
    assert [d.code for d in check(tmp_path, files)] == ["TH311"]
    files[PLAN] = note_text("P", status="complete", body=f"`{RESEARCH}`")
    assert check(tmp_path / "body-only", files) == []


def test_supersedes_cycle(tmp_path: Path) -> None:
    found = check(tmp_path, {A: note_text("A", supersedes=B), B: note_text("B", supersedes=A)})
    assert codes(found) == [("TH312", A, "error"), ("TH312", B, "error")]
    assert found[0].message == (
        "supersedes cycle: 2025-12-01_10-00_a.md -> 2025-12-02_10-00_b.md -> 2025-12-01_10-00_a.md"
    )
    assert found[0].field == "supersedes" and found[0].line is not None


def test_supersedes_cycle_through_superseded_by(tmp_path: Path) -> None:
    # A supersedes B, B supersedes C, and A says it is superseded by C: C -> A -> B -> C.
    found = check(
        tmp_path,
        {
            A: note_text("A", supersedes=B, superseded_by=C),
            B: note_text("B", supersedes=C, superseded_by=A),
            C: note_text("C", superseded_by=B),
        },
    )
    assert [code for code, _, _ in codes(found)].count("TH312") == 3
    cycle = next(d for d in found if d.code == "TH312").message
    assert cycle.count("->") == 3


def test_a_note_superseding_itself_is_a_cycle(tmp_path: Path) -> None:
    found = check(tmp_path, {A: note_text("A", supersedes=A, superseded_by=A)})
    assert [(d.code, d.path) for d in found] == [("TH312", A)]


def test_a_chain_is_no_cycle(tmp_path: Path) -> None:
    files = {
        A: note_text("A", superseded_by=B),
        B: note_text("B", supersedes=A, superseded_by=C),
        C: note_text("C", supersedes=B),
    }
    assert check(tmp_path, files) == []


def test_one_sided_supersedes(tmp_path: Path) -> None:
    [problem] = check(tmp_path, {A: note_text("A"), B: note_text("B", supersedes=A)})
    assert (problem.code, problem.path, problem.severity) == ("TH313", A, "warning")
    assert problem.field == "superseded_by" and problem.line is None
    assert f"superseded_by: {B}" in problem.hint


def test_reference_diagnostics(tmp_path: Path) -> None:
    settings = ThoughtsSettings(check_commits=False)
    moved = "thoughts/shared/plans/2025-12-01_10-00_tokenizer.md"  # it lives in research/
    body = f"See [it](../research/2025-11-30_09-00_tokenizer.md), `{moved}`.\n"
    corpus, _ = load(
        tmp_path,
        {RESEARCH: note_text("R"), PLAN: note_text("P", based_on=moved, body=body)},
        settings,
    )
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    relations = [r for note in corpus.notes for r in index.relations(note)]
    found = check_references(relations, index, settings)
    assert [(d.code, d.field, d.severity) for d in found] == [
        ("TH315", "based_on", "warning"),
        ("TH314", None, "warning"),
        ("TH315", None, "warning"),
    ]
    assert {d.hint for d in found} == {f"did you mean {RESEARCH}?"}
    # A bare file name in another folder is a way of writing a relation, not a mistake.
    corpus, _ = load(
        tmp_path / "bare", {RESEARCH: note_text("R"), PLAN: note_text("P", based_on=RESEARCH[25:])}
    )
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    relations = [r for note in corpus.notes for r in index.relations(note)]
    assert check_references(relations, index, settings) == []

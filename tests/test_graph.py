"""The note graph: edge kinds, inverse relations, neighbourhoods, exports, `thoughts graph`, and the
lightfast corpus."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from factories import mkdocs_yml
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.consistency import check_consistency, check_references
from mkdocs_thoughts.core.graph import Graph, build_graph, collect_relations
from mkdocs_thoughts.core.links import NoteIndex, Origin, TargetKind
from mkdocs_thoughts.corpus.loader import NoteLoader
from mkdocs_thoughts.site.graph_export import graph_data, to_dot, to_json, to_mermaid
from test_links import OTHER, PLAN, PR, RESEARCH, load, note_text
from treeutil import CORPORA, needs_corpora, write_tree

OLD = "thoughts/shared/research/2025-11-20_10-00_old-tokenizer.md"
PLAN2 = "thoughts/shared/plans/2025-12-04_10-00_second-plan.md"


def graph_of(root: Path, files: dict[str, str], **options: object) -> Graph:
    settings = ThoughtsSettings(check_commits=False, **options)  # type: ignore[arg-type]
    corpus, _ = load(root, files, settings)
    return corpus.relation_graph(settings)


@pytest.fixture
def graph(tmp_path: Path) -> Graph:
    return graph_of(
        tmp_path,
        {
            OLD: note_text("Old tokenizer", superseded_by=RESEARCH),
            RESEARCH: note_text(
                "Tokenizer",
                supersedes=OLD,
                sources=["https://arxiv.org/abs/1", "PRD-002 G-02"],
                body=f"Compare `{OTHER}`.\n",
            ),
            OTHER: note_text("Segmenter", related=RESEARCH, body=f"[tok]({RESEARCH})\n"),
            PLAN: note_text("Plan", related_research=RESEARCH, body=f"Also [this]({RESEARCH}).\n"),
            PLAN2: note_text("Second plan", based_on=[RESEARCH, OTHER]),
            PR: note_text("PR", plan_doc=PLAN, body=f"`{PR}` is this very PR.\n"),
        },
    )


def edges(graph: Graph) -> set[tuple[str, str, str, str | None]]:
    return {(e.source, e.target, e.kind, e.field) for e in graph.edges}


def names(groups: list[tuple[str, list]]) -> list[tuple[str, list[str]]]:
    return [(label, [node.id.rsplit("_", 1)[-1] for node in nodes]) for label, nodes in groups]


def test_edge_kinds_from_fields_and_bodies(graph: Graph) -> None:
    assert edges(graph) == {
        (OLD, RESEARCH, "superseded_by", "superseded_by"),
        (RESEARCH, OLD, "supersedes", "supersedes"),
        (RESEARCH, OTHER, "mentions", None),
        (OTHER, RESEARCH, "related", "related"),  # the body link to the same note is not repeated
        (PLAN, RESEARCH, "builds_on", "related_research"),
        (PLAN2, RESEARCH, "builds_on", "based_on"),
        (PLAN2, OTHER, "builds_on", "based_on"),
        (PR, PLAN, "implements", "plan_doc"),
        # the PR's mention of itself is no edge
    }
    assert [node.kind for node in graph.nodes.values()] == ["note"] * 6


def test_inverse_relations(graph: Graph) -> None:
    assert names(graph.incoming(RESEARCH)) == [
        ("Plans built on this", ["second-plan.md", "tokenizer-plan.md"]),
        ("Supersedes", ["old-tokenizer.md"]),
        ("Related", ["segmenter.md"]),
    ]
    assert names(graph.incoming(OLD)) == [("Superseded by", ["tokenizer.md"])]
    assert names(graph.incoming(PLAN)) == [("Implemented by", ["tokenizer-pr.md"])]
    assert names(graph.incoming(OTHER)) == [
        ("Plans built on this", ["second-plan.md"]),
        ("Referenced by", ["tokenizer.md"]),
    ]


def test_outgoing_relations_and_citations(graph: Graph) -> None:
    assert names(graph.outgoing(RESEARCH)) == [
        ("Supersedes", ["old-tokenizer.md"]),
        ("Links to", ["segmenter.md"]),
    ]
    assert names(graph.outgoing(PLAN2)) == [("Builds on", ["segmenter.md", "tokenizer.md"])]
    assert graph.citations(RESEARCH) == [("Cites", ["https://arxiv.org/abs/1", "PRD-002 G-02"])]


def test_connections_merge_both_directions(graph: Graph) -> None:
    # OLD says superseded_by RESEARCH and RESEARCH says supersedes OLD: one entry, not two.
    assert names(graph.connections(OLD)) == [("Superseded by", ["tokenizer.md"])]
    assert ("Supersedes", ["old-tokenizer.md"]) in names(graph.connections(RESEARCH))


def test_configured_relation_fields_and_kinds(tmp_path: Path) -> None:
    graph = graph_of(
        tmp_path,
        {
            RESEARCH: note_text("R"),
            PLAN: note_text("P", parent=RESEARCH, see_also=RESEARCH),
        },
        relation_fields={"parent": "builds_on", "see_also": "see_also"},
    )
    assert edges(graph) == {
        (PLAN, RESEARCH, "builds_on", "parent"),
        (PLAN, RESEARCH, "see_also", "see_also"),
    }
    assert names(graph.outgoing(PLAN)) == [
        ("Builds on", ["tokenizer.md"]),
        ("See also", ["tokenizer.md"]),
    ]
    assert names(graph.incoming(RESEARCH)) == [
        ("Plans built on this", ["tokenizer-plan.md"]),
        ("Referenced by", ["tokenizer-plan.md"]),
    ]


def test_neighbourhood_and_local_graph(graph: Graph) -> None:
    assert graph.neighbourhood(OLD, 1) == {OLD: 0, RESEARCH: 1}
    two = graph.neighbourhood(OLD, 2)
    assert two == {OLD: 0, RESEARCH: 1, OTHER: 2, PLAN: 2, PLAN2: 2}
    assert set(graph.local(OLD, 2).nodes) == set(two)
    # Limited: the note, then the neighbours tied to it by written relations first.
    small = graph.local(RESEARCH, 1, max_nodes=3)
    assert set(small.nodes) == {RESEARCH, OLD, OTHER}  # OLD: two written ties; OTHER: one + a link
    assert {(e.source, e.target) for e in small.edges} <= {
        (e.source, e.target) for e in graph.edges
    }


def test_the_corpus_graph_is_build_graph_of_all_relations(tmp_path: Path) -> None:
    settings = ThoughtsSettings(check_commits=False)
    corpus, _ = load(
        tmp_path,
        {
            RESEARCH: note_text("R"),
            PLAN: note_text("P", related_research=RESEARCH, body=f"`{OTHER}`"),
        },
        settings,
    )
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    relations = collect_relations(corpus.notes, index)
    direct = build_graph(corpus.notes, relations, settings)
    assert edges(direct) == edges(corpus.relation_graph(settings))
    assert [(r.origin, r.kind) for r in direct.external] == [(Origin.MENTION, TargetKind.MISSING)]
    assert edges(corpus.relation_graph(settings, body=False)) == edges(direct)


# --- Exports ------------------------------------------------------------------------------------

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "</script>",
    "javascript:alert(1)",
    'a"b\\c\nd]|#;`x` %%',
)


@pytest.fixture
def evil(tmp_path: Path) -> Graph:
    files = {
        f"thoughts/shared/research/2025-12-0{index + 1}_10-00_n{index}.md": note_text(
            payload, tags=(payload,)
        )
        for index, payload in enumerate(PAYLOADS)
    }
    files[PLAN] = note_text("Plan", based_on=list(files))
    return graph_of(tmp_path, files)


def test_json_export(graph: Graph) -> None:
    data = json.loads(to_json(graph))
    assert data == graph_data(graph)
    first = data["nodes"][0]
    assert set(first) == {"id", "kind", "type", "title", "status", "date", "tags"}
    assert {"source": PR, "target": PLAN, "kind": "implements", "field": "plan_doc"} in data[
        "edges"
    ]
    assert {(u["value"], u["kind"]) for u in data["unresolved"]} == {
        ("https://arxiv.org/abs/1", "url"),
        ("PRD-002 G-02", "text"),
    }


def test_dot_escapes_labels(evil: Graph) -> None:
    dot = to_dot(evil)
    assert 'label="a\\"b\\\\c\\nd]|#;`x` %%"' in dot  # quote, backslash and line break escaped
    for line in dot.splitlines()[4:-1]:
        # Every quoted string is closed: an even number of unescaped quotes on each line.
        assert line.replace("\\\\", "").replace('\\"', "").count('"') % 2 == 0, line


def test_mermaid_escapes_labels(evil: Graph) -> None:
    mermaid = to_mermaid(evil)
    for payload in ("<img", "<script", "</script>", '"><', "`x`", "]|"):
        assert payload not in mermaid
    assert "#60;img src=x onerror=alert(1)#62;" in mermaid
    for line in mermaid.splitlines()[1:]:
        assert line.count('"') in (0, 2, 4), line


# --- `thoughts graph` ---------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": mkdocs_yml(
                site_name="t", material=False, search=False, check_commits=False
            ),
            RESEARCH: note_text("Research"),
            OTHER: note_text("Other", body=f"[r]({RESEARCH})\n"),
            PLAN: note_text("Plan", related_research=RESEARCH),
            PR: note_text("PR", plan_doc=PLAN),
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_json(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [node["id"] for node in data["nodes"]] == sorted([RESEARCH, OTHER, PLAN, PR])
    assert {(e["source"], e["target"], e["kind"], e["field"]) for e in data["edges"]} == {
        (OTHER, RESEARCH, "links_to", None),
        (PLAN, RESEARCH, "builds_on", "related_research"),
        (PR, PLAN, "implements", "plan_doc"),
    }
    assert main(["graph", "--no-body"]) == 0
    assert len(json.loads(capsys.readouterr().out)["edges"]) == 2


def test_cli_neighbourhood_and_formats(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--note", PR, "--depth", "1"]) == 0
    ids = {node["id"] for node in json.loads(capsys.readouterr().out)["nodes"]}
    assert ids == {PR, PLAN}
    assert main(["graph", "--note", str(site / PR), "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert dot.startswith('digraph "thoughts" {') and RESEARCH in dot and OTHER not in dot
    assert main(["graph", "--format", "mermaid", "--config", str(site / "mkdocs.yml")]) == 0
    assert capsys.readouterr().out.startswith("flowchart RL\n")
    assert main(["graph", "--format", "svg"]) == 0
    assert capsys.readouterr().out.startswith("<svg ")
    assert main(["graph", "--format", "svg", "--note", "shared/prs/" + PR.rsplit("/")[-1]]) == 0
    assert 'data-graph="local"' in capsys.readouterr().out


def test_cli_usage_errors(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--depth", "1"]) == 2
    assert main(["graph", "--note", "nope.md"]) == 2
    assert "nope.md: not a note of this site" in capsys.readouterr().err
    assert main(["graph", "--format", "png"]) == 2
    os.remove(site / "mkdocs.yml")
    assert main(["graph"]) == 2


# --- A real corpus ------------------------------------------------------------------------------


@needs_corpora()
def test_lightfast_corpus() -> None:
    root = CORPORA / "lightfastai__lightfast"
    settings = ThoughtsSettings(check_commits=False)
    corpus = NoteLoader(settings, root / "thoughts", root).load()
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    relations = collect_relations(corpus.notes, index)
    counts = Counter((r.origin.value, r.kind.value) for r in relations)
    graph = build_graph(corpus.notes, relations, settings)
    # Frontmatter relations all resolve; body references mostly do (many notes they mention were
    # deleted before the snapshot).
    assert len(corpus.notes) == 316
    assert counts == {
        ("field", "note"): 39,
        ("link", "note"): 18,
        ("link", "missing"): 4,
        # Two mentions under a list whose fenced block the list's end closes (CommonMark).
        ("mention", "note"): 471,
        ("mention", "missing"): 51,
    }
    assert len(graph.edges) == 516
    assert Counter(e.kind for e in graph.edges) == {
        "mentions": 460,
        "builds_on": 38,
        "links_to": 17,
        "related": 1,
    }
    moved = [r for r in relations if r.by_name]
    assert len(moved) == 5  # notes that moved between folders, or bare file names
    references = Counter(d.code for d in check_references(relations, index, settings))
    # Only the 4 broken links are TH314: a backticked path naming nothing is prose (a note deleted
    # since, a file a plan will write), no longer a warning.
    assert references == {"TH314": 4, "TH315": 2}
    assert check_consistency(graph, settings) == []

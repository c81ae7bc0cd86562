"""Relation values and body references resolved to notes: every shape real notes write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.frontmatter import Position
from mkdocs_thoughts.core.links import (
    BODY_FIELD,
    NoteIndex,
    Origin,
    Relation,
    TargetKind,
    body_references,
)
from mkdocs_thoughts.core.notes import Note, RelationValue
from mkdocs_thoughts.corpus.loader import NoteLoader
from mkdocs_thoughts.corpus.model import Corpus
from treeutil import write_tree

RESEARCH = "thoughts/shared/research/2025-12-01_10-00_tokenizer.md"
OTHER = "thoughts/shared/research/2025-12-02_11-00_segmenter.md"
PLAN = "thoughts/shared/plans/2025-12-03_18-14-34_tokenizer-plan.md"
PR = "thoughts/shared/prs/2025-12-05_09-00_tokenizer-pr.md"


def note_text(
    topic: str = "A note",
    *,
    status: str | None = "complete",
    date: str = "2025-12-03T18:14:34+01:00",
    tags: tuple[str, ...] = ("x",),
    body: str = "",
    **fields: str | list[str],
) -> str:
    """A note with valid core frontmatter; values are written as JSON, which YAML reads."""
    lines = [
        "---",
        f"date: {date}",
        "researcher: Ada",
        "git_commit: 3d801c3",
        "branch: main",
        "repository: sec-finetune",
        f"topic: {json.dumps(topic)}",
        f"tags: {json.dumps(list(tags))}",
    ]
    if status is not None:
        lines.append(f"status: {json.dumps(status)}")
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {json.dumps(item)}" for item in value]
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    lines += ["---", f"# {topic}", ""]
    return "\n".join(lines) + body


def load(
    root: Path, files: dict[str, str], settings: ThoughtsSettings | None = None
) -> tuple[Corpus, ThoughtsSettings]:
    """Write ``files`` under ``root`` (the repository) and load its notes."""
    settings = settings or ThoughtsSettings(check_commits=False)
    write_tree(root, files)
    return NoteLoader(settings, root / "thoughts", root).load(), settings


def by_path(corpus: Corpus, rel_path: str) -> Note:
    return next(note for note in corpus.notes if note.rel_path == rel_path)


def relations_of(corpus: Corpus, rel_path: str) -> list[Relation]:
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    return index.relations(by_path(corpus, rel_path))


@pytest.fixture
def notes(tmp_path: Path) -> Corpus:
    corpus, _ = load(
        tmp_path,
        {
            RESEARCH: note_text("Tokenizer"),
            OTHER: note_text("Segmenter"),
            PR: note_text("PR"),
            PLAN: note_text("Plan", related_research=RESEARCH),
        },
    )
    return corpus


def resolve(corpus: Corpus, text: str, source: str = PLAN) -> Relation:
    index = NoteIndex(corpus.notes, corpus.repo_root, corpus.notes_root)
    value = RelationValue("related_research", text, Position(10, 19))
    return index.resolve(by_path(corpus, source), value)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        pytest.param(RESEARCH, RESEARCH, id="from the repository root"),
        pytest.param("/" + RESEARCH, RESEARCH, id="leading slash"),
        pytest.param("../research/2025-12-01_10-00_tokenizer.md", RESEARCH, id="relative to note"),
        pytest.param("./2025-12-03_18-14-34_tokenizer-plan.md", PLAN, id="beside the note"),
        pytest.param("shared/research/2025-12-01_10-00_tokenizer.md", RESEARCH, id="notes root"),
        pytest.param("2025-12-01_10-00_tokenizer.md", RESEARCH, id="bare name, other folder"),
        pytest.param(RESEARCH + ":123", RESEARCH, id="line suffix"),
        pytest.param(RESEARCH + ":12-30", RESEARCH, id="line range suffix"),
        pytest.param(RESEARCH + "#findings", RESEARCH, id="anchor suffix"),
        pytest.param(f"`{RESEARCH}`", RESEARCH, id="backticked"),
        pytest.param(f"<{RESEARCH}>", RESEARCH, id="angle brackets"),
        pytest.param("2025-12-01_10-00_tokenizer", RESEARCH, id="stem without .md"),
        pytest.param(f"see {RESEARCH} (section 2)", RESEARCH, id="path inside prose"),
        pytest.param(
            RESEARCH.upper().replace("THOUGHTS/SHARED/RESEARCH/", ""), RESEARCH, id="case"
        ),
    ],
)
def test_paths_resolve_to_notes(notes: Corpus, text: str, target: str) -> None:
    relation = resolve(notes, text)
    assert relation.kind is TargetKind.NOTE
    assert relation.target is not None and relation.target.rel_path == target


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://arxiv.org/abs/2401.00001", TargetKind.URL),
        ("http://example.com/notes/x.md", TargetKind.URL),
        ("PRD-002 G-02", TargetKind.TEXT),
        ("PRD-002", TargetKind.TEXT),
        ("#123", TargetKind.TEXT),
        ("javascript:alert(1)", TargetKind.TEXT),
        ("javascript://%0aalert(1)", TargetKind.TEXT),  # not a web URL, however it looks
        ("data:text/html,<script>alert(1)</script>", TargetKind.TEXT),
        ("note: thoughts is a word here", TargetKind.TEXT),
        ("thoughts/shared/research/2025-01-01_00-00_gone.md", TargetKind.MISSING),
        ("../../../../../../etc/passwd.md", TargetKind.MISSING),
    ],
)
def test_urls_ids_and_missing_targets(notes: Corpus, text: str, kind: TargetKind) -> None:
    relation = resolve(notes, text)
    assert relation.kind is kind
    assert relation.target is None


def test_list_and_comma_separated_values_each_resolve(tmp_path: Path) -> None:
    corpus, _ = load(
        tmp_path,
        {
            RESEARCH: note_text("Tokenizer"),
            OTHER: note_text("Segmenter"),
            PLAN: note_text(
                "Plan",
                related_research=[RESEARCH, "2025-12-02_11-00_segmenter.md"],
                sources=f"https://example.com, PRD-002, {OTHER}",
            ),
        },
    )
    found = [
        (r.value.field, r.kind, r.target.rel_path if r.target else r.value.text)
        for r in relations_of(corpus, PLAN)
    ]
    assert found == [
        ("related_research", TargetKind.NOTE, RESEARCH),
        ("related_research", TargetKind.NOTE, OTHER),
        ("sources", TargetKind.URL, "https://example.com"),
        ("sources", TargetKind.TEXT, "PRD-002"),
        ("sources", TargetKind.NOTE, OTHER),
    ]


def test_a_bare_name_found_elsewhere_is_flagged_by_name(notes: Corpus) -> None:
    moved = resolve(notes, "thoughts/shared/plans/2025-12-01_10-00_tokenizer.md")
    assert moved.kind is TargetKind.NOTE and moved.by_name
    assert moved.target is not None and moved.target.rel_path == RESEARCH
    assert not resolve(notes, RESEARCH).by_name


def test_a_note_never_resolves_to_itself_by_name(tmp_path: Path) -> None:
    # The plan names a research note of its own file name that was deleted.
    corpus, _ = load(
        tmp_path,
        {PLAN: note_text("Plan", based_on="thoughts/shared/research/" + PLAN.rsplit("/")[-1])},
    )
    assert [r.kind for r in relations_of(corpus, PLAN)] == [TargetKind.MISSING]


def test_same_name_in_two_folders_is_told_apart_by_the_path(tmp_path: Path) -> None:
    name = "2025-12-01_10-00_shared-name.md"
    corpus, _ = load(
        tmp_path,
        {
            f"thoughts/shared/research/{name}": note_text("R"),
            f"thoughts/shared/plans/{name}": note_text("P"),
            PR: note_text("PR"),
        },
    )
    # The written folder is stale ("old/"), but "plans/<name>" still picks one of the two.
    picked = resolve(corpus, f"thoughts/old/plans/{name}", source=PR)
    assert picked.target is not None and picked.target.rel_path == f"thoughts/shared/plans/{name}"
    assert resolve(corpus, name, source=PR).kind is TargetKind.MISSING  # ambiguous


def test_paths_never_leave_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    corpus, _ = load(repo, {PLAN: note_text("Plan")})
    # A note file outside the repository, handed to the index: still unreachable, by any path.
    write_tree(tmp_path, {"outside/2025-12-01_10-00_secret.md": note_text("Secret")})
    outside = NoteLoader(ThoughtsSettings(check_commits=False), tmp_path / "outside", tmp_path)
    secret = outside.load().notes[0]
    index = NoteIndex([*corpus.notes, secret], corpus.repo_root, corpus.notes_root)
    plan = by_path(corpus, PLAN)
    for text in (
        "../../../../../outside/2025-12-01_10-00_secret.md",
        str(secret.path),
        "2025-12-01_10-00_secret.md",
    ):
        relation = index.resolve(plan, RelationValue("related", text, Position(1, 1)))
        assert relation.kind is TargetKind.MISSING, text


def test_did_you_mean(notes: Corpus) -> None:
    index = NoteIndex(notes.notes, notes.repo_root, notes.notes_root)
    # Same topic under another date (a redated note), and a typo.
    assert index.suggest("thoughts/shared/research/2025-11-30_09-00_tokenizer.md") == RESEARCH
    assert index.suggest("2025-12-02_11-00_segmentor.md:40") == OTHER
    # A deleted note gets no confident wrong guess.
    assert index.suggest("thoughts/shared/research/2025-12-01_10-00_vocabulary-audit.md") is None


def test_missing_relation_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    corpus, _ = load(
        tmp_path,
        {
            RESEARCH: note_text("Tokenizer"),
            PLAN: note_text(
                "Plan", related_research="thoughts/shared/research/2025-11-30_09-00_tokenizer.md"
            ),
        },
    )
    [problem] = [d for d in corpus.diagnostics if d.code == "TH301"]
    assert problem.path == PLAN
    assert RESEARCH in problem.hint


# --- Body references ----------------------------------------------------------------------------

BODY = f"""\
See [the tokenizer](../research/2025-12-01_10-00_tokenizer.md#findings) and
[the same again](../research/2025-12-01_10-00_tokenizer.md) and [a site](https://x.org/a.md).
From the root: [segmenter]({OTHER}), and mentioned: `{OTHER}:12-30`.
An example, not a link: `[x](../research/2025-12-01_10-00_tokenizer.md)`.
A command, not a mention: `/publish thoughts/shared/research/2025-12-02_11-00_segmenter.md`.
A placeholder: `thoughts/shared/research/[filename].md`, ![img](pic.png), [top](#top).
The index: `thoughts/README.md`, [home](../../index.md).

```bash
cat {RESEARCH}
```

~~~
[fenced](../research/2025-12-01_10-00_tokenizer.md) `{PR}`
~~~

[ref]: ../prs/2025-12-05_09-00_tokenizer-pr.md "the PR"
"""


def test_body_references(tmp_path: Path) -> None:
    corpus, _ = load(
        tmp_path,
        {
            RESEARCH: note_text("Tokenizer"),
            OTHER: note_text("Segmenter"),
            PR: note_text("PR"),
            PLAN: note_text("Plan", body=BODY),
        },
    )
    plan = by_path(corpus, PLAN)
    found = [(ref.origin, ref.value.text) for ref in body_references(plan)]
    assert found == [
        (Origin.LINK, "../research/2025-12-01_10-00_tokenizer.md#findings"),
        (Origin.LINK, "../research/2025-12-01_10-00_tokenizer.md"),
        (Origin.MENTION, f"{OTHER}:12-30"),
        (Origin.LINK, OTHER),
        (Origin.LINK, "../../index.md"),
        (Origin.LINK, "../prs/2025-12-05_09-00_tokenizer-pr.md"),
    ]
    relations = relations_of(corpus, PLAN)
    assert [(r.kind, r.target.rel_path if r.target else r.file) for r in relations] == [
        (TargetKind.NOTE, RESEARCH),
        (TargetKind.NOTE, RESEARCH),
        (TargetKind.NOTE, OTHER),
        (TargetKind.NOTE, OTHER),
        (TargetKind.FILE, "thoughts/index.md"),  # the home page, a folder page
        (TargetKind.NOTE, PR),
    ]
    assert all(r.value.field == BODY_FIELD for r in relations)


def test_body_reference_positions_are_file_positions(tmp_path: Path) -> None:
    corpus, _ = load(tmp_path, {RESEARCH: note_text("T"), PLAN: note_text("Plan", body=BODY)})
    plan = by_path(corpus, PLAN)
    lines = plan.path.read_text().splitlines()
    for reference in body_references(plan):
        line = lines[reference.value.at.line - 1]
        column = reference.value.at.column - 1
        assert line[column:].startswith(reference.value.text), reference


def test_mentions_use_the_notes_folder_name(tmp_path: Path) -> None:
    body = f"`docs/{RESEARCH.removeprefix('thoughts/')}` and `{RESEARCH}`\n"
    corpus, _ = load(tmp_path, {RESEARCH: note_text("T"), PLAN: note_text("P", body=body)})
    plan = by_path(corpus, PLAN)
    assert [r.value.text for r in body_references(plan, "docs")] == [
        "docs/shared/research/2025-12-01_10-00_tokenizer.md"
    ]
    assert [r.value.text for r in body_references(plan)] == [RESEARCH]


def test_an_unclosed_fence_hides_the_rest(tmp_path: Path) -> None:
    body = f"[a]({OTHER})\n```\n[b]({RESEARCH})\n"
    corpus, _ = load(
        tmp_path, {RESEARCH: note_text("R"), OTHER: note_text("O"), PLAN: note_text("P", body=body)}
    )
    assert [r.value.text for r in body_references(by_path(corpus, PLAN))] == [OTHER]

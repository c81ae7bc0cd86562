"""`thoughts new`: the written note passes the real check; refusals; supersedes; custom types."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from factories import mkdocs_yml
from gitfixtures import GitRepo, isolate_git
from mkdocs_thoughts.authoring.new_note import slugify
from mkdocs_thoughts.cli.main import main
from treeutil import REPO_ROOT

MKDOCS = mkdocs_yml(site_name="t", material=False)
NAME = re.compile(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_[a-z0-9-]+\.md")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A git repository with a site, the repository's own templates, and one commit."""
    isolate_git(monkeypatch)
    monkeypatch.setenv("RESEARCHER_NAME", "Ada Lovelace")
    repo = GitRepo(tmp_path / "sec-finetune")
    repo.write("mkdocs.yml", MKDOCS)
    shutil.copytree(REPO_ROOT / "templates", repo.root / "templates")
    repo.commit("start")
    monkeypatch.chdir(repo.root)
    return repo


def new(capsys: pytest.CaptureFixture[str], *args: str) -> Path:
    assert main(["new", *args]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0, out
    return Path(out).resolve()


def frontmatter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--strict"])
    out = capsys.readouterr().out
    assert code == 0, out


@pytest.mark.parametrize(
    ("kind", "folder", "heading"),
    [
        ("research", "research", "## Research Question"),
        ("plan", "plans", "## What We're NOT Doing"),
        ("pr", "prs", "## How to verify"),
    ],
)
def test_new_note_passes_the_check(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], kind: str, folder: str, heading: str
) -> None:
    related = []
    if kind == "plan":
        related = ["--related", str(new(capsys, "research", "Base research"))]
    path = new(capsys, kind, "Segment 10-K: risk factors?", "--tags", "sec,10k", *related)
    assert path.parent == repo.root / "thoughts" / "shared" / folder
    assert NAME.fullmatch(path.name) and path.name.endswith("_segment-10-k-risk-factors.md")
    text = path.read_text(encoding="utf-8")
    assert "# Segment 10-K: risk factors?\n" in text and heading in text
    values = frontmatter(path)
    assert values["researcher"] == "Ada Lovelace"
    assert values["git_commit"] == repo.head()[:7]
    assert values["branch"] == "main"
    assert values["repository"] == "sec-finetune"
    assert values["topic"] == "Segment 10-K: risk factors?"
    assert values["tags"] == ["sec", "10k"]
    assert values["status"] == "in_progress"
    assert values["date"].tzinfo is not None  # type: ignore[union-attr]
    check_passes(capsys)


def test_plan_records_related_research_and_links_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    research = new(capsys, "research", "Tokenizer limits")
    plan = new(capsys, "plan", "Chunk long filings", "--related", str(research))
    relative = research.relative_to(repo.root).as_posix()
    assert frontmatter(plan)["related_research"] == [relative]
    assert f"- [Tokenizer limits](../research/{research.name})" in plan.read_text()
    check_passes(capsys)


def test_plan_without_related_is_a_usage_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "plan", "Orphan"]) == 2
    assert "pass --related PATH" in capsys.readouterr().err
    assert not (repo.root / "thoughts" / "shared" / "plans").exists()


def test_related_must_exist(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "research", "X", "--related", "thoughts/nope.md"]) == 2
    assert "--related thoughts/nope.md: no such file" in capsys.readouterr().err


def test_refuses_to_overwrite(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import mkdocs_thoughts.cli.commands.new as command

    real = command.gather
    frozen = real()
    monkeypatch.setattr(command, "gather", lambda **_: frozen)  # two runs in the same second
    path = new(capsys, "research", "Same topic")
    before = path.read_bytes()
    assert main(["new", "research", "Same topic"]) == 2
    assert "already exists; not overwriting it" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_status_through_alias_and_unknown_status(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = new(capsys, "pr", "Ship it", "--status", "COMPLETE")
    assert frontmatter(path)["status"] == "complete"
    assert main(["new", "pr", "Ship it too", "--status", "whenever"]) == 2
    assert "--status 'whenever' is not one of" in capsys.readouterr().err


def test_unknown_type(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "memo", "X"]) == 2
    assert "unknown note type 'memo'" in capsys.readouterr().err


def test_supersedes_updates_only_the_needed_lines(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    old = new(capsys, "research", "First take")
    # A comment and an unusual key order must survive the edit.
    text = old.read_text().replace("topic: First take\n", "topic: First take  # keep me\n")
    old.write_text(text)
    replacement = new(capsys, "research", "Second take", "--supersedes", str(old))
    relative_new = replacement.relative_to(repo.root).as_posix()
    relative_old = old.relative_to(repo.root).as_posix()
    assert frontmatter(replacement)["supersedes"] == relative_old
    updated = old.read_text()
    closing = text.index("\n---\n") + 1
    assert updated == text[:closing] + f"superseded_by: {relative_new}\n" + text[closing:]
    check_passes(capsys)


def test_supersedes_sets_status_when_the_team_has_it(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    options = "- thoughts:\n      extra_statuses: [superseded]\n"
    repo.write("mkdocs.yml", MKDOCS.replace("- thoughts\n", options))
    old = new(capsys, "research", "First take")
    new(capsys, "research", "Second take", "--supersedes", str(old))
    values = frontmatter(old)
    assert values["status"] == "superseded"
    assert str(values["superseded_by"]).endswith("_second-take.md")
    check_passes(capsys)


def test_custom_type_with_its_own_template(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "mkdocs.yml",
        MKDOCS.replace(
            "- thoughts\n",
            "- thoughts:\n"
            "      types:\n"
            "        research: {folders: [research]}\n"
            "        handoffs: {folders: [handoffs], required: [date, topic, status]}\n",
        ),
    )
    repo.write(
        "templates/handoffs.md",
        "---\ndate: {{ date | yaml_date }}\ntopic: {{ topic | yaml }}\n"
        "status: {{ status | yaml }}\n---\n\n# Handoff: {{ topic }}\n",
    )
    path = new(capsys, "handoffs", "Pick up the parser")
    assert path.parent == repo.root / "thoughts" / "shared" / "handoffs"
    assert path.read_text().endswith("\n# Handoff: Pick up the parser\n")
    check_passes(capsys)


def test_type_without_template_uses_the_built_in_one(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(repo.root / "templates")
    assert main(["new", "research", "Bare"]) == 0
    captured = capsys.readouterr()
    assert "no templates/research.md; used the built-in template" in captured.err
    assert Path(captured.out.strip()).read_text().endswith("\n# Bare\n")
    check_passes(capsys)


def test_outside_git_warns_and_still_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "research", "No git"]) == 0
    captured = capsys.readouterr()
    assert "unknown Current Git Commit Hash" in captured.err
    assert Path(captured.out.strip()).is_file()


@pytest.mark.parametrize(
    ("topic", "slug"),
    [
        ("How does the YAML parser work?", "how-does-the-yaml-parser-work"),
        ("Ünïcödé  —  Straße", "unicode-strae"),
        ("!!!", "note"),
        ("word " * 30, "-".join(["word"] * 12)),
    ],
)
def test_slugify(topic: str, slug: str) -> None:
    assert slugify(topic) == slug


def test_related_outside_the_repository_is_refused(tmp_path: Path) -> None:
    from mkdocs_thoughts.cli.commands.common import UsageError
    from mkdocs_thoughts.cli.commands.new import _existing

    outside = tmp_path / "outside.md"
    outside.write_text("# elsewhere\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    with pytest.raises(UsageError, match="outside the repository"):
        _existing(str(outside), "--related", repo, repo)
    inside = repo / "note.txt"
    inside.write_text("x")
    with pytest.raises(UsageError, match="not a note"):
        _existing(str(inside), "--related", repo, repo)

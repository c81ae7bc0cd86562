"""`thoughts check`: output formats, exit codes, corpus-level rules and the real corpora."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import mkdocs_yml
from gitfixtures import GitRepo
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.core import markdown_scan
from treeutil import CORPORA, needs_corpora, write_tree

PLAN = """\
---
date: 2025-12-03T18:14:34+01:00
researcher: Ada
git_commit: {sha}
branch: main
repository: sec-finetune
topic: A plan
tags: [plan]
status: {status}
related_research: {related}
---
# A plan
"""
RESEARCH = PLAN.replace("related_research: {related}\n", "").replace("A plan", "Research")
MKDOCS = mkdocs_yml(site_name="t", material=False)
PLAN_PATH = "thoughts/shared/plans/2025-12-03_18-14-34_x.md"
RESEARCH_PATH = "thoughts/shared/research/2025-12-03_18-14-34_r.md"


def write_site(root: Path) -> Path:
    """A git repository with one research note and one plan built on it."""
    repo = GitRepo(root)
    repo.clock = datetime(2025, 12, 3, 12, 0, tzinfo=UTC)
    write_tree(root, {"mkdocs.yml": MKDOCS, "README.md": "x\n"})
    sha = repo.commit("first")[:7]
    write_tree(
        root,
        {
            RESEARCH_PATH: RESEARCH.format(sha=sha, status="complete"),
            PLAN_PATH: PLAN.format(sha=sha, status="complete", related=RESEARCH_PATH),
        },
    )
    return root


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def set_plan(site: Path, **values: str) -> None:
    """Replace frontmatter values; a key the plan lacks is added before the closing fence."""
    lines = (site / PLAN_PATH).read_text().splitlines()
    closing = lines.index("---", 1)
    for key, value in values.items():
        found = [i for i, line in enumerate(lines[:closing]) if line.startswith(f"{key}:")]
        if found:
            lines[found[0]] = f"{key}: {value}"
        else:
            lines.insert(closing, f"{key}: {value}")
            closing += 1
    (site / PLAN_PATH).write_text("\n".join(lines) + "\n")


def test_clean_site_exits_zero(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "2 notes checked: 0 errors, 0 warnings in 0 notes\n"


def test_text_format(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_plan(site, status="complet")
    assert main(["check"]) == 1
    assert capsys.readouterr().out == (
        f"{PLAN_PATH}:9:9: error TH103 status 'complet' is not one of in_progress, complete, "
        "ready_for_review (did you mean 'complete'?)\n"
        "    hint: write status: complete\n"
        "2 notes checked: 1 error, 0 warnings in 1 note\n"
    )


def test_github_format(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_plan(site, status="complet")
    assert main(["check", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out == (
        f"::error file={PLAN_PATH},line=9,col=9,title=TH103::status 'complet' is not one of "
        "in_progress, complete, ready_for_review (did you mean 'complete'?) "
        "(hint: write status: complete)\n"
    )


def test_json_format(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_plan(site, status="complet", reviewer="Bob")
    assert main(["check", "--format", "json"]) == 1
    items = json.loads(capsys.readouterr().out)
    assert [set(item) for item in items] == [
        {"path", "line", "column", "code", "severity", "field", "message", "hint"}
    ] * 2
    assert [(i["code"], i["line"], i["column"], i["field"], i["severity"]) for i in items] == [
        ("TH103", 9, 9, "status", "error"),
        ("TH104", 11, 1, "reviewer", "warning"),
    ]
    assert items[0]["path"] == PLAN_PATH


def test_warnings_fail_only_with_strict(site: Path) -> None:
    set_plan(site, reviewer="Bob")
    assert main(["check"]) == 0
    assert main(["check", "--strict"]) == 1


def test_paths_limit_the_check(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_plan(site, status="complet")
    assert main(["check", RESEARCH_PATH]) == 0
    assert main(["check", "thoughts/shared/plans"]) == 1


def test_usage_and_configuration_errors_exit_two(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "no/such/file.md"]) == 2
    assert main(["check", "--format", "xml"]) == 2
    (site / "mkdocs.yml").write_text(
        MKDOCS.replace("- thoughts", "- thoughts:\n      rules: {X: 1}")
    )
    assert main(["check"]) == 2
    assert "plugins.thoughts.rules" in capsys.readouterr().err
    os.remove(site / "mkdocs.yml")
    assert main(["check"]) == 2


def test_mkdocs_yml_with_python_and_env_tags(site: Path) -> None:
    (site / "mkdocs.yml").write_text(
        MKDOCS
        + "site_url: !ENV [SITE_URL, 'http://x']\n"
        + "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        + "        - name: mermaid\n          class: mermaid\n"
        + "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
    )
    assert main(["check"]) == 0


def test_missing_relation_target_suggests_by_file_name(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_plan(site, related_research="thoughts/shared/research/2025-12-03_18-14-34_r2.md")
    assert main(["check", "--format", "json"]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["code"], item["line"], item["column"]) == ("TH301", 10, 19)
    assert item["hint"] == f"did you mean {RESEARCH_PATH}?"


def test_relation_as_bare_file_name_resolves(site: Path) -> None:
    set_plan(site, related_research=Path(RESEARCH_PATH).name)
    assert main(["check"]) == 0


def test_unknown_commit_is_an_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_plan(site, git_commit="abcdef1")
    assert main(["check", "--format", "json"]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["code"], item["line"], item["column"], item["field"]) == (
        "TH302",
        4,
        13,
        "git_commit",
    )


def test_git_processes_do_not_grow_with_the_number_of_notes(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *rest, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(list(args))
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    assert main(["check"]) == 0
    with_two = sum(call[0] == "git" for call in calls)
    for index in range(30):
        write_tree(
            site,
            {
                f"thoughts/shared/research/2025-12-03_18-14-{index:02d}_n.md": (
                    site / RESEARCH_PATH
                ).read_text()
            },
        )
    calls.clear()
    assert main(["check"]) == 0
    assert sum(call[0] == "git" for call in calls) == with_two
    assert with_two <= 8


def test_a_finished_check_leaves_nothing_for_the_collector(site: Path) -> None:
    # A note kept by a class-level cache, or a cycle through the git reader, outlived the
    # command: the first collection after it walked all 3,000 notes of a large site (a tenth of
    # the check's time). Reference counting alone must free them.
    from mkdocs_thoughts.core.markdown_scan_model import BodyScan
    from mkdocs_thoughts.core.notes import Note
    from mkdocs_thoughts.git.history import History
    from mkdocs_thoughts.git.info import GitInfo

    kept = (Note, BodyScan, GitInfo, History)
    gc.collect()
    gc.disable()
    try:
        assert main(["check"]) == 0
        survivors = [type(item).__name__ for item in gc.get_objects() if isinstance(item, kept)]
    finally:
        gc.enable()
    assert survivors == []


def test_each_body_is_parsed_once_with_git_checks_on(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A note without `topic` is parsed while it is read (its heading is the title); the git
    # checks, given its body alone, must find that parse instead of making their own.
    untitled = (site / RESEARCH_PATH).read_text().replace("topic: Research\n", "")
    untitled += "\nSee `README.md` and `src/missing.py`.\n"
    write_tree(site, {"thoughts/shared/research/2025-12-03_18-15-00_untitled.md": untitled})
    parsed: list[str] = []
    real_parseable = markdown_scan._parseable

    def counting(body: str) -> str:  # what every scan of a body starts with, C or parser
        parsed.append(body)
        return real_parseable(body)

    monkeypatch.setattr(markdown_scan, "_parseable", counting)
    main(["check"])
    assert len(parsed) == 3 == len(set(parsed))


def test_no_git_repository_warns_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {"mkdocs.yml": MKDOCS, RESEARCH_PATH: RESEARCH.format(sha="abcdef1", status="complete")},
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert err.count("not a git repository") == 1


@needs_corpora()
def test_real_corpora_never_crash_and_point_at_frontmatter_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora = sorted(path for path in CORPORA.iterdir() if (path / "thoughts").is_dir())
    assert corpora
    for corpus in corpora:
        monkeypatch.chdir(corpus)
        assert main(["check", "thoughts", "--format", "json"]) in (0, 1)
        items = json.loads(capsys.readouterr().out)
        assert items, corpus
        for item in items:
            path = corpus / item["path"]
            text = path.read_text(encoding="utf-8", errors="replace")
            if item["field"] and text.startswith("---"):
                closing = text.split("\n").index("---", 1) + 1
                assert item["line"] is not None and 1 < item["line"] <= closing, item
                line_text = text.split("\n")[item["line"] - 1]
                assert item["column"] <= len(line_text) + 1, item


def test_checking_one_file_resolves_relations_against_the_whole_site(site: Path) -> None:
    assert main(["check", PLAN_PATH]) == 0


def test_a_command_imports_no_other_command(tmp_path: Path) -> None:
    """`thoughts check` starts without the exporter, the graph drawing, `fix` or `init`: a
    command's module is imported only when that command runs."""
    write_tree(tmp_path, {"mkdocs.yml": mkdocs_yml(), "thoughts/index.md": "# Notes\n"})
    script = (
        "import sys\n"
        "from mkdocs_thoughts.cli.main import main\n"
        "assert main(['check', '--config', 'mkdocs.yml']) == 0\n"
        "print(sorted(name for name in sys.modules if name.startswith('mkdocs_thoughts')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1].replace("'", '"')))
    assert "mkdocs_thoughts.cli.commands.check" in loaded
    for other in ("export", "graph", "fix", "init", "new", "notes", "schema", "meta"):
        assert f"mkdocs_thoughts.cli.commands.{other}" not in loaded, other
    assert not {"mkdocs_thoughts.export.build", "mkdocs_thoughts.authoring.fixer"} & loaded

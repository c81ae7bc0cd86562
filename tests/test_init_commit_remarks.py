"""A SHA with a remark in parentheses (`3d801c3 (uncommitted changes on top)`, common in handoffs
found by `thoughts init`) is a commit: checked like any other, its remark shown beside it; text
that is not a remark, or no SHA at all, stays an error, and the check and the strict build agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gitfixtures import site_repo
from mkdocs_thoughts.core.commit_value import COMMIT_PATTERN, read_commit
from test_equivalence import cli_findings, strict_build

MKDOCS = """\
site_name: t
repo_url: https://github.com/acme/notes
docs_dir: thoughts
theme:
  name: material
  font: false
plugins:
  - search
  - thoughts
"""
RESEARCH = "thoughts/shared/research"
FRONT = (
    "---\ndate: 2025-01-06T09:30:00+00:00\nresearcher: Ada\ngit_commit: {commit}\nbranch: main\n"
    "repository: r\ntopic: T\ntags: [t]\nstatus: complete\n---\n# T\n"
)


def test_remark_kept_shown_and_its_sha_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = site_repo(tmp_path / "notes", monkeypatch, MKDOCS)
    head = repo.git("rev-parse", "HEAD").strip()
    notes = {
        "remark": f"{head[:7]} (uncommitted changes on top)",
        "gone": "deadbee (latest)",  # a remark never excuses a SHA that is no commit
        "prose": f"{head[:7]}, latest",
        "nothing": "(uncommitted)",
    }
    for name, commit in notes.items():
        repo.write(f"{RESEARCH}/2025-01-06_09-30-00_{name}.md", FRONT.format(commit=commit))
    repo.commit("notes")

    code, cli, _ = cli_findings(repo.root, capsys)
    errors = sorted((path, line, rule) for path, line, rule, severity in cli if severity == "error")
    assert errors == [
        (f"{RESEARCH}/2025-01-06_09-30-00_gone.md", 4, "TH302"),
        (f"{RESEARCH}/2025-01-06_09-30-00_nothing.md", 4, "TH102"),
        (f"{RESEARCH}/2025-01-06_09-30-00_prose.md", 4, "TH102"),
    ]
    failed, logged, site = strict_build(repo.root)
    assert code == 1 and failed
    assert sorted(logged, key=str) == sorted(cli, key=str)

    html = (site / "shared/research/2025-01-06_09-30-00_remark/index.html").read_text()
    header = BeautifulSoup(html, "html.parser").select_one(".th-note-header")
    chip = header.find("dt", string="Commit").find_next("dd")
    assert chip.select_one("a.th-sha")["href"] == f"https://github.com/acme/notes/commit/{head}"
    assert chip.get_text(" ", strip=True) == f"{head[:7]} (uncommitted changes on top)"


@pytest.mark.parametrize(
    ("written", "sha", "remark", "prose"),
    [
        ("3D801C3", "3d801c3", None, ""),
        ("3d801c3 (a (nested) remark)", "3d801c3", "a (nested) remark", ""),
        ("`3d801c3`", "3d801c3", None, ""),
        ("3d801c3 (latest) and more", "3d801c3", None, "(latest) and more"),
        ("3d801c3x", None, None, ""),
        ("(3d801c3)", None, None, ""),
    ],
)
def test_one_reading_of_a_written_commit(
    written: str, sha: str | None, remark: str | None, prose: str
) -> None:
    found = read_commit(written)
    assert (found.sha, found.remark, found.prose) == (sha, remark, prose)
    # The JSON Schema's pattern accepts exactly what the check accepts.
    assert (re.fullmatch(COMMIT_PATTERN, written) is not None) == found.is_valid

"""What the check says about YAML errors, dated stamps with a commit, and a git_commit that names
no commit, in small real repositories (fixed authors and dates)."""

from __future__ import annotations

import json
import re
import shlex
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factories import make_note, mkdocs_yml
from gitfixtures import GRACE, GitRepo, site_repo
from mkdocs_thoughts.cli.commands.common import note_loader
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.cli.siteconfig import load_site_config
from sitebuild import build_site

MKDOCS = mkdocs_yml(site_name="t", repo_url="https://github.com/acme/notes")
RESEARCH = "thoughts/shared/research"
BERLIN = timezone(timedelta(hours=2))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    return site_repo(tmp_path / "notes", monkeypatch, MKDOCS)


def diagnostics(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["check", "--format", "json"])
    return list(json.loads(capsys.readouterr().out))


def brief(items: list[dict[str, object]]) -> set[tuple[object, ...]]:
    return {(item["code"], item["line"], item["field"]) for item in items}


def test_one_yaml_error_is_one_diagnostic(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unquoted `: ` in status: TH002 once; the keys above are still checked (a real bad
    date shows); fields whose lines are there are never missing; a really absent one is."""
    name = "2025-01-06_09-30-00_broken.md"
    repo.write(
        f"{RESEARCH}/{name}",
        "---\n"
        "date: yesterday\n"  # line 2: a real problem above the error
        "researcher: Ada\n"
        f"git_commit: {repo.head()[:7]}\n"
        "status: Blocked: waiting on legal\n"  # line 5: the syntax error
        "branch: main\n"
        "repository: r\n"
        "topic: T\n"
        "---\n# T\n",  # no tags line at all
    )
    repo.commit("add")
    found = brief(diagnostics(capsys))
    assert found == {
        ("TH002", 5, "status"),
        ("TH102", 2, "date"),
        ("TH101", 9, "tags"),
    }


def test_stamp_with_a_commit_is_accepted_checked_and_linked(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.clock = datetime(2025, 3, 1, 18, 5, tzinfo=BERLIN)
    update = repo.commit("update the note", GRACE)
    good = f"{RESEARCH}/2025-01-06_09-30-00_good.md"
    bad = f"{RESEARCH}/2025-01-06_09-30-00_bad.md"
    front = make_note(
        date="2025-01-06T09:30:00+00:00",
        git_commit="{head}",
        repository="r",
        topic="T",
        tags=["t"],
        last_updated="{stamp}",
    )
    repo.write(good, front.format(head=update[:7], stamp=f"2025-03-01 18:05, {update[:7]}"))
    repo.write(bad, front.format(head=update[:7], stamp="2025-03-01, deadbee"))
    repo.commit("notes")

    found = diagnostics(capsys)
    assert brief(found) == {("TH302", 10, "last_updated")}
    assert found[0]["path"] == bad
    assert found[0]["message"] == "last_updated's commit deadbee is not a commit of this repository"

    # The time without a zone is read in the zone of the commit the stamp names.
    config = load_site_config(repo.root / "mkdocs.yml")
    notes = {note.rel_path: note for note in note_loader(config).load().notes}
    assert notes[good].meta.last_updated == datetime(2025, 3, 1, 18, 5, tzinfo=BERLIN)
    assert notes[good].meta.stamp_commits == {"last_updated": update[:7]}

    site = build_site(repo.root)
    html = (site / good.removeprefix("thoughts/").removesuffix(".md") / "index.html").read_text()
    header = BeautifulSoup(html, "html.parser").select_one(".th-note-header")
    updated = header.find("dt", string="Last updated").find_next("dd")
    link = updated.select_one("a.th-sha")
    assert link.get_text() == update[:7]
    assert link["href"] == f"https://github.com/acme/notes/commit/{update}"


def test_a_time_without_zone_or_commit_is_still_an_error_for_date(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        f"{RESEARCH}/2025-01-06_09-30-00_naive.md",
        make_note(
            date="2025-01-06 09:30", git_commit="1234567", repository="r", topic="T", tags=["t"]
        ),
    )
    repo.commit("add")
    found = [item for item in diagnostics(capsys) if item["code"] == "TH102"]
    assert [(item["field"], item["message"]) for item in found] == [
        ("date", "date 2025-01-06 09:30 has no time zone")
    ]
    assert "2025-01-06 09:30, <sha>" in str(found[0]["hint"])


def test_bad_git_commit_hint_points_at_the_commit_at_the_notes_date(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never HEAD: the hint's command names the commit `thoughts fix` writes."""
    repo.clock = datetime(2025, 10, 1, 12, 0, tzinfo=BERLIN)
    october = repo.commit("october work")
    repo.clock = datetime(2025, 12, 1, 12, 0, tzinfo=BERLIN)
    repo.commit("december work")
    name = "2025-10-03_10-00-00_old.md"
    repo.write(
        f"{RESEARCH}/{name}",
        make_note(
            date="2025-10-03T10:00:00+02:00",
            git_commit="N/A (not a git repository)",
            repository="r",
            topic="T",
            tags=["t"],
        ),
    )
    repo.commit("add the old note")  # HEAD, in December
    (item,) = diagnostics(capsys)
    assert (item["code"], item["field"]) == ("TH102", "git_commit")
    hint = str(item["hint"])
    assert "rev-parse" not in hint
    command = re.search(r"`(git rev-list [^`]*)`", hint)
    assert command is not None
    assert "--before=2025-10-03T10:00:00+02:00" in command[1]
    named = repo.git(*shlex.split(command[1])[1:]).strip()
    assert named == october

    assert main(["fix", "--write"]) == 0
    capsys.readouterr()
    text = (repo.root / RESEARCH / name).read_text()
    assert f"\ngit_commit: {october[:7]}  # was: N/A (not a git repository)\n" in text
    assert diagnostics(capsys) == []


@pytest.mark.parametrize(
    ("written", "precision", "accepted"),
    [
        ("2025-12-03T18:14:34+01:00", "time", True),
        ("2025-12-03 18:14:34+0100", "time", True),
        ("2025-12-03T18:14:34Z", "time", True),
        ("2025-12-03 18:05, a7219ee", "time", True),
        ("2025-12-03T18:05:00+01:00, a7219ee", "time", True),
        ("2025-12-03", "time", False),
        ("2025-12-03, a7219ee", "time", False),
        ("2025-12-03, a7219ee", "day", True),
        ("2025-12-03 18:05", "time", False),
        ("2025-12-03 18:05, not-a-sha", "time", False),
        ("2025-12-03 18:05 a7219ee", "time", False),
    ],
)
def test_stamp_forms_the_readme_lists(written: str, precision: str, accepted: bool) -> None:
    """The README's table of stamps, for `date`; `last_updated` also takes a day alone."""
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.core.fields import NoteFields
    from pydantic import ValidationError

    settings = ThoughtsSettings(date_precision=precision)  # type: ignore[arg-type]
    try:
        NoteFields.model_validate({"date": written}, context={"settings": settings})
    except ValidationError:
        assert not accepted
    else:
        assert accepted


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        ("2025-12-03", True),
        ("2025-12-03 18:05", True),
        ("2025-12-03, a7219ee", True),
        ("2026-04-01 18:05, a7219ee", True),
        ("yesterday", False),
        ("2025-12-03 18:05 a7219ee", False),
    ],
)
def test_last_updated_takes_a_day_or_a_stamp(written: str, accepted: bool) -> None:
    from mkdocs_thoughts.core.config import ThoughtsSettings
    from mkdocs_thoughts.core.fields import NoteFields
    from pydantic import ValidationError

    context = {"settings": ThoughtsSettings()}
    try:
        NoteFields.model_validate({"last_updated": written}, context=context)
    except ValidationError:
        assert not accepted
    else:
        assert accepted


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        # An unclosed quote is reported where it opens, not at the end of the block.
        ("topic: 'T\n", {("TH002", 8, None)}),
        # A tab-indented key is a broken top-level one: there, so not missing.
        ("\ttopic: T\n", {("TH002", 8, None)}),
        # A value running over two lines: the key it belongs to is the unreadable one.
        ("topic: first\n  second: line\n", {("TH002", 9, "topic")}),
    ],
)
def test_yaml_error_variants_stay_one_diagnostic(
    broken: str, expected: set[tuple[object, ...]]
) -> None:
    from mkdocs_thoughts.core.checks import build_note
    from mkdocs_thoughts.core.config import ThoughtsSettings

    text = (
        "---\ndate: 2025-01-06T09:30:00+00:00\nresearcher: Ada\ngit_commit: 1234567\n"
        "branch: main\nrepository: r\ntags: [t]\n" + broken + "status: complete\n---\n# T\n"
    )
    name = "2025-01-06_09-30-00_x.md"
    note = build_note(
        Path(f"/repo/{RESEARCH}/{name}"),
        f"{RESEARCH}/{name}",
        f"shared/research/{name}",
        "research",
        text,
        ThoughtsSettings(),
    )
    found = {(item.code, item.line, item.field) for item in note.diagnostics}
    assert found == expected
    assert note.meta.researcher == "Ada"  # the keys above the error are read

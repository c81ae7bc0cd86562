"""Every per-note rule: a failing example with its exact position, and a passing one."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from factories import make_note
from mkdocs_thoughts.core.checks import build_note
from mkdocs_thoughts.core.config import ThoughtsSettings, load_settings
from mkdocs_thoughts.core.notes import Note

GOOD_NAME = "2025-12-03_18-14-34_schema.md"
VALID = make_note(
    tags=["schema", "notes"], status="complete", last_updated="2025-12-04", last_updated_by="Ada"
)


def check(
    text: str,
    name: str = GOOD_NAME,
    note_type: str | None = "research",
    settings: ThoughtsSettings | None = None,
) -> Note:
    text = textwrap.dedent(text)
    path = Path("/repo/thoughts/shared/research") / name
    return build_note(
        path,
        f"thoughts/shared/research/{name}",
        f"shared/research/{name}",
        note_type,
        text,
        settings or ThoughtsSettings(),
    )


def found(note: Note) -> set[tuple[str, int | None, int | None, str | None]]:
    return {(d.code, d.line, d.column, d.field) for d in note.diagnostics}


def replace(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def test_valid_note_has_no_diagnostics() -> None:
    note = check(VALID)
    assert note.diagnostics == []
    assert note.title == "Schema design"
    assert note.meta.tags == ["schema", "notes"]
    assert note.meta.git_commit == "3d801c3"


FAILING = [
    pytest.param("# Just a heading\n", ("TH001", 1, 1, None), id="no-frontmatter"),
    pytest.param(
        replace("topic: Schema design", "topic: Schema: design"),
        ("TH002", 7, 14, "topic"),
        id="yaml-syntax-unquoted-colon",
    ),
    pytest.param("---\n- a\n- b\n---\n", ("TH003", 2, 1, None), id="not-a-mapping"),
    pytest.param(
        replace("branch: main\n", "branch: main\nbranch: dev\n"),
        ("TH004", 6, 1, "branch"),
        id="duplicate-key",
    ),
    pytest.param(
        replace("branch: main\n", "branch: main\ncommit: 3d801c3\n"),
        ("TH004", 6, 1, "commit"),
        id="duplicate-through-alias",
    ),
    pytest.param(
        replace("branch: main", "branch: !!python/name:os.system"),
        ("TH005", 5, 9, "branch"),
        id="unknown-tag",
    ),
    pytest.param(
        replace("date: 2025-12-03T18:14:34+01:00", "date: {{DATE_ISO}}"),
        ("TH006", 2, 7, "date"),
        id="placeholder",
    ),
    pytest.param(replace("researcher: Ada\n", ""), ("TH101", 11, 1, "researcher"), id="missing"),
    pytest.param(
        replace("researcher: Ada", "researcher:"), ("TH101", 3, 12, "researcher"), id="empty"
    ),
    pytest.param(
        replace("git_commit: 3d801c3", "git_commit: 3d801c3, uncommitted"),
        ("TH102", 4, 13, "git_commit"),
        id="sha-with-prose",
    ),
    pytest.param(
        replace("git_commit: 3d801c3", "git_commit: current"),
        ("TH102", 4, 13, "git_commit"),
        id="not-a-sha",
    ),
    pytest.param(
        replace("date: 2025-12-03T18:14:34+01:00", "date: 2025-12-03T18:14:34"),
        ("TH102", 2, 7, "date"),
        id="date-without-zone",
    ),
    pytest.param(
        replace("tags: [schema, notes]", "tags: schema, notes"),
        ("TH102", 8, 7, "tags"),
        id="tags-not-a-list",
    ),
    pytest.param(
        replace("status: complete", "status: complet"),
        ("TH103", 9, 9, "status"),
        id="unknown-status",
    ),
    pytest.param(
        replace("branch: main\n", "branch: main\nreviewer: Bob\n"),
        ("TH104", 6, 1, "reviewer"),
        id="unknown-key",
    ),
    pytest.param(
        replace("last_updated: 2025-12-04", "last_updated: 2025-12-01"),
        ("TH105", 10, 15, "last_updated"),
        id="updated-before-date",
    ),
    pytest.param(
        replace("date: 2025-12-03T18:14:34+01:00", "date: 2025-12-05T18:14:34+01:00").replace(
            "2025-12-04", "2025-12-06"
        ),
        ("TH202", 2, 7, "date"),
        id="file-name-date",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FAILING)
def test_rule_reports_exact_position(text: str, expected: tuple) -> None:
    assert expected in found(check(text))


def test_file_name_convention() -> None:
    assert ("TH201", None, None, None) in found(check(VALID, name="Schema Design.md"))
    for name in (GOOD_NAME, "2025-12-03_18-14_schema.md"):
        assert "TH201" not in {d.code for d in check(VALID, name=name).diagnostics}


def test_related_research_required_for_plans_only() -> None:
    plan = check(VALID, note_type="plans")
    assert ("TH101", 12, 1, "related_research") in found(plan)
    assert check(VALID, note_type="research").diagnostics == []
    with_link = replace("tags:", "related_research: thoughts/shared/research/x.md\ntags:")
    assert check(with_link, note_type="plans").diagnostics == []


def test_unknown_status_message_suggests_the_closest() -> None:
    (diagnostic,) = check(replace("status: complete", "status: complet")).diagnostics
    assert diagnostic.message == (
        "status 'complet' is not one of in_progress, complete, ready_for_review "
        "(did you mean 'complete'?)"
    )
    assert diagnostic.hint == "write status: complete"


def test_status_aliases_and_extra_statuses_are_configurable() -> None:
    settings = load_settings(
        {"status_aliases": {"Done": "complete"}, "extra_statuses": ["abandoned"]}
    )
    done = check(replace("status: complete", "status: DONE"), settings=settings)
    assert done.diagnostics == [] and done.meta.status == "complete"
    abandoned = check(replace("status: complete", "status: abandoned"), settings=settings)
    assert abandoned.diagnostics == []


def test_field_aliases_are_canonical() -> None:
    note = check(replace("git_commit: 3d801c3", "commit: 3d801c3"))
    assert note.diagnostics == [] and note.meta.git_commit == "3d801c3"


@pytest.mark.parametrize(
    ("written", "remark"),
    [
        ("3d801c3 (uncommitted changes on top)", "uncommitted changes on top"),
        ("3D801C3(latest)", "latest"),
        ('"3d801c3 (a: b)"', "a: b"),
        ("'`3d801c3` (rebased)'", "rebased"),
    ],
)
def test_a_sha_with_a_remark_in_parentheses_is_a_commit(written: str, remark: str | None) -> None:
    note = check(replace("git_commit: 3d801c3", f"git_commit: {written}"))
    assert note.diagnostics == []
    assert (note.meta.git_commit, note.meta.commit_remark) == ("3d801c3", remark)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("3d801c3 uncommitted", "git_commit '3d801c3 uncommitted' has text after the SHA"),
        ("3d801c3 (latest) and more", "git_commit '3d801c3 (latest) and more' has text after"),
        ("(uncommitted)", "git_commit '(uncommitted)' is not a commit SHA"),
        ("uncommitted (3d801c3)", "git_commit 'uncommitted (3d801c3)' is not a commit SHA"),
    ],
)
def test_prose_after_the_sha_or_no_sha_is_no_commit(written: str, message: str) -> None:
    (diagnostic,) = check(replace("git_commit: 3d801c3", f"git_commit: {written}")).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("TH102", 4, 13)
    assert diagnostic.message.startswith(message)


def test_missing_required_fields_are_one_problem() -> None:
    text = replace("git_commit: 3d801c3\nbranch: main\n", "").replace(
        "researcher: Ada", "researcher:"
    )
    found = check(text).diagnostics
    assert [(d.code, d.line, d.column, d.field, d.message) for d in found] == [
        ("TH101", 3, 12, "researcher", "required field 'researcher' is empty"),
        ("TH101", 10, 1, None, "required fields 'git_commit', 'branch' are missing"),
    ]
    assert found[1].hint == (
        "add `git_commit: ...`, `branch: ...` to the frontmatter "
        "(every note of type 'research' needs them)"
    )


@pytest.mark.parametrize("written", ["2048284", "0123456"])
def test_all_digit_sha_keeps_its_text(written: str) -> None:
    note = check(replace("git_commit: 3d801c3", f"git_commit: {written}"))
    assert note.diagnostics == []
    assert note.meta.git_commit == written


@pytest.mark.parametrize(
    "written",
    [
        "2025-12-03T18:14:34+01:00",
        "2025-12-03T18:14:34+0100",
        '"2025-12-03T18:14:34+01:00"',
        "2025-12-03 18:14:34 +01:00",
        "2025-12-03T17:14:34Z",
    ],
)
def test_timestamp_spellings_parse_to_the_same_value(written: str) -> None:
    note = check(replace("date: 2025-12-03T18:14:34+01:00", f"date: {written}"))
    assert note.diagnostics == []
    assert note.meta.date is not None
    assert note.meta.date.isoformat() in (
        "2025-12-03T18:14:34+01:00",
        "2025-12-03T17:14:34+00:00",
    )
    assert note.meta.date.timestamp() == 1764782074.0


def test_date_only_last_updated_is_accepted() -> None:
    note = check(replace("last_updated: 2025-12-04", 'last_updated: "2025-12-03"'))
    assert note.diagnostics == []


def test_severity_per_rule_is_configurable() -> None:
    settings = load_settings({"rules": {"TH104": "error", "TH201": "off"}})
    note = check(
        replace("branch: main\n", "branch: main\nreviewer: Bob\n"), "x.md", "research", settings
    )
    severities = {d.code: d.severity for d in note.diagnostics}
    assert severities == {"TH104": "error"}


def test_unknown_key_policy_ignore() -> None:
    settings = load_settings({"unknown_keys": "ignore"})
    note = check(replace("branch: main\n", "branch: main\nreviewer: Bob\n"), settings=settings)
    assert note.diagnostics == []


def test_title_falls_back_to_heading_then_file_name() -> None:
    assert check("# From heading\n").title == "From heading"
    assert check("```sh\n# not a title\n```\nplain\n").title == GOOD_NAME[:-3]


def test_frontmatter_needs_fences_on_line_one() -> None:
    note = check("\n---\ndate: x\n---\n")
    assert {d.code for d in note.diagnostics} >= {"TH001"}


def test_placeholder_inside_quotes_is_reported() -> None:
    note = check(replace("topic: Schema design", 'topic: "{{TOPIC}}"'))
    assert ("TH006", 7, 8, "topic") in found(note)


def test_unknown_rule_in_config_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="unknown rule code"):
        load_settings({"rules": {"TH999": "off"}})


def test_day_only_date_is_accepted_with_day_precision() -> None:
    day_only = replace("date: 2025-12-03T18:14:34+01:00", "date: 2025-12-03")
    assert ("TH102", 2, 7, "date") in found(check(day_only))
    settings = load_settings({"date_precision": "day"})
    assert check(day_only, settings=settings).diagnostics == []

"""Property tests (hypothesis) for parse -> check -> fix on arbitrary note text, and for run
files holding anything a JSON or YAML parser accepts.

Whatever a note holds: checking it never raises, every diagnostic has the eight JSON keys and a
line inside the file, and a fix keeps the body byte-identical and is idempotent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs_thoughts.authoring.fixer import fix_note
from mkdocs_thoughts.authoring.inference import infer
from mkdocs_thoughts.core.checks import build_note
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.diagnostics import format_json, format_text
from mkdocs_thoughts.core.frontmatter import split_frontmatter
from mkdocs_thoughts.runs.citations import link_runs
from mkdocs_thoughts.runs.discovery import discover_runs
from mkdocs_thoughts.site.render import Renderer
from mkdocs_thoughts.site.run_pages import RunPages

SETTINGS = ThoughtsSettings()
JSON_KEYS = {"path", "line", "column", "code", "severity", "field", "message", "hint"}
NAMES = st.sampled_from(
    ["2025-12-03_18-14-34_topic.md", "2025-12-03-topic.md", "Notes On X.md", "x.md"]
)
KEYS = st.sampled_from(
    [
        "date",
        "researcher",
        "author",
        "git_commit",
        "commit",
        "branch",
        "repository",
        "topic",
        "tags",
        "status",
        "last_updated",
        "last_updated_by",
        "related_research",
        "supersedes",
        "runs",
        "unknown_key",
        '"quoted\\nkey"',
        "? complex",
        "<<",
    ]
)
ODD = st.sampled_from(["\r", "\r\n", "\x85", "\u2028", "\u2029", "\t", "\x00", "\ufeff", "\x1b"])
ATOMS = st.sampled_from(
    [
        "2025-12-03T18:14:34+01:00",
        "2025-12-03",
        "0001-01-01T00:00:00+14:00",
        "3d801c3",
        "0123456",
        "{{DATE_ISO}}",
        "[a, b, c]",
        "[a, [b]]",
        "{a: 1}",
        "&x [1, 2]",
        "*x",
        "!!python/object:os.system",
        "complete",
        "Done",
        "null",
        "''",
        '"a: b"',
        "a: b",
        "- item",
        "thoughts/shared/research/x.md",
        "[link](javascript:alert(1))",
        "<script>alert(1)</script>",
        "9" * 50,
        "'unterminated",
        "|",
        ">-",
        "---",
        "...",
    ]
)
VALUE = st.one_of(
    ATOMS,
    st.text(max_size=20),
    st.builds(lambda a, o, b: a + o + b, ATOMS, ODD, ATOMS),
    # YAML breaks lines inside quotes at CR, U+0085, U+2028 and U+2029; editors do not.
    st.builds(lambda o, p: f'"a{o}b{p}c"', ODD, ODD),
)
LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", KEYS, VALUE),
    st.builds(lambda v: f"  - {v}", VALUE),
    st.builds(lambda k, v, o: f"{k}: {v}{o}", KEYS, VALUE, ODD),
    st.text(max_size=15),
)
BODY_LINE = st.one_of(
    st.sampled_from(
        [
            "# Title",
            "```",
            "~~~",
            "# comment in a fence",
            "[a](thoughts/shared/research/x.md)",
            "`thoughts/shared/plans/y.md`",
            "**Date**: 2025-12-03 18:14",
            "**Git Commit**: 3d801c3",
            "src/sec_finetune/settings.py:12",
            "---",
            "",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def notes(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append("---")
        parts += draw(st.lists(LINE, max_size=10))
        if draw(st.integers(0, 9)):  # now and then, no closing fence
            parts.append(draw(st.sampled_from(["---", "...", "--- "])))
    parts += draw(st.lists(BODY_LINE, max_size=10))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (
        draw(st.sampled_from(["", "\ufeff"]))
        + newline.join(parts)
        + draw(st.sampled_from(["", "\n"]))
    )


def check(name: str, text: str):  # type: ignore[no-untyped-def]
    path = Path("/repo/thoughts/shared/research") / name
    rel = f"thoughts/shared/research/{name}"
    return build_note(path, rel, f"shared/research/{name}", "research", text, SETTINGS)


def fixed(name: str, text: str) -> str:
    note = check(name, text)
    if not note.has_errors:
        return text
    body = split_frontmatter(text).body
    inferred = infer(name, note.rel_path, body, SETTINGS, None)
    return fix_note(note, text, SETTINGS, inferred, None).new


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(name=NAMES, text=notes())
def test_check_never_raises_and_reports_inside_the_file(name: str, text: str) -> None:
    note = check(name, text)
    lines = text.split("\n")
    for item in json.loads(format_json(note.diagnostics)):
        assert set(item) == JSON_KEYS
        assert item["line"] is None or 1 <= item["line"] <= len(lines), (item, text)
        assert item["column"] is None or item["column"] >= 1
        if item["code"] in ("TH004", "TH104") and item["field"].isidentifier():
            # Reported where the key is written, on the line an editor shows.
            assert item["field"] in lines[item["line"] - 1], (item, text)
    for line in format_text(note.diagnostics).splitlines():
        assert not line.startswith("::")


@PROPERTY
@given(name=NAMES, text=notes())
def test_fix_keeps_the_body_and_is_idempotent(name: str, text: str) -> None:
    new = fixed(name, text)
    assert split_frontmatter(new).body == split_frontmatter(text).body
    assert fixed(name, new) == new


# --- run files -----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        st.sampled_from(
            ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "20250230_000000"]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
RUN_KEYS = st.sampled_from(
    [
        "format",
        "run_id",
        "name",
        "status",
        "started_at",
        "ended_at",
        "duration_seconds",
        "git",
        "python",
        "platform",
        "command",
        "notes",
        "summary",
        "error",
        "upstream",
        "stage",
        "inputs",
        "outputs",
        "files",
        "counts",
        "step",
        "time",
        "loss",
    ]
)
JSON_OBJECTS = st.dictionaries(RUN_KEYS | st.text(max_size=6), JSON_VALUES, max_size=6)
YAML_TEXTS = st.one_of(
    st.builds(lambda lines: "\n".join(lines) + "\n", st.lists(LINE, max_size=6)),
    st.sampled_from(["cutoff: 2025-02-30\n", "n: " + "9" * 5000 + "\n", "a: &a [*a]\n", "- x\n"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    meta=JSON_OBJECTS,
    metrics=JSON_OBJECTS,
    lineage=JSON_OBJECTS,
    curve=st.lists(JSON_OBJECTS, max_size=4),
    config=YAML_TEXTS,
)
def test_any_run_file_a_parser_accepts_renders(
    tmp_path_factory: pytest.TempPathFactory,
    meta: dict[str, object],
    metrics: dict[str, object],
    lineage: dict[str, object],
    curve: list[dict[str, object]],
    config: str,
) -> None:
    root = tmp_path_factory.mktemp("runs")
    folder = root / "data/processed/labeled/20251202_120000_any"
    folder.mkdir(parents=True)
    files = {
        "run.json": json.dumps(meta),
        "metrics.json": json.dumps(metrics),
        "lineage.json": json.dumps(lineage),
        "metrics.jsonl": "".join(json.dumps(record) + "\n" for record in curve),
        "run_config.yaml": config,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    runs = discover_runs(root)
    (run,) = runs
    assert all(item.code == "TH401" for item in run.problems)
    pages = RunPages(runs, link_runs([], runs, root), Renderer(), note_urls={})
    assert "<script" not in pages.run_html(run, "runs/x/")
    pages.index_html("runs/")

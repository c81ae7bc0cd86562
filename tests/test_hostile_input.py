"""Issue 14, items 5-13: small hostile files that used to hang, crash or leak, each with the input
the issue measured. Time limits are generous ceilings (the machine is shared), far below what
the old code took (the alias bomb ran past 60 s, the 100,000-line fence never finished)."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest
from factories import mkdocs_yml
from mkdocs.exceptions import Abort
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.core.checks import build_note
from mkdocs_thoughts.core.config import ThoughtsSettings
from mkdocs_thoughts.core.escaping import markdown_inline, slug, unique_slugs
from mkdocs_thoughts.core.frontmatter import parse_frontmatter
from mkdocs_thoughts.core.links import body_references
from mkdocs_thoughts.core.notes import Note, first_heading
from mkdocs_thoughts.core.yamlsafe import TooLarge, load_bounded
from mkdocs_thoughts.runs.discovery import discover_runs
from sitebuild import Captured, build_site
from treeutil import write_tree

NOTE = "thoughts/shared/research/2025-12-02_12-00-00_note.md"
GOOD = """\
---
date: 2025-12-02T12:00:00+00:00
researcher: Ada
git_commit: 3d801c3
branch: main
repository: r
topic: A note
tags: [x]
status: complete
---
# A note
"""
OPTIONS = "      check_commits: false\n"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def note(path: Path, text: str, name: str = "2025-12-02_12-00-00_note.md") -> Note:
    return build_note(path / name, name, name, "research", text, ThoughtsSettings())


def site(tmp_path: Path, files: dict[str, str], options: str = OPTIONS) -> Path:
    return write_tree(tmp_path, {"mkdocs.yml": mkdocs_yml(options), **files})


def check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(root)
    return main(["check", *args])


def quiet_build(root: Path, level: int = logging.WARNING) -> tuple[Path, list[str]]:
    captured = Captured()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(captured)
    previous = logger.level
    logger.setLevel(min(level, logger.getEffectiveLevel()))
    try:
        return build_site(root), captured.messages(level)
    finally:
        logger.setLevel(previous)
        logger.removeHandler(captured)


# --- 5: alias bombs --------------------------------------------------------------------------


def test_an_alias_bomb_in_frontmatter_is_a_diagnostic_in_a_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = GOOD.replace("tags: [x]\n", alias_bomb() + "tags: *a8\n")
    root = site(tmp_path, {NOTE: bomb})
    started = time.perf_counter()
    assert check(root, monkeypatch, "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert time.perf_counter() - started < 10
    tags = [item for item in out if item["field"] == "tags"]
    assert tags and "YAML aliases" in tags[0]["message"] and tags[0]["code"] == "TH102"
    started = time.perf_counter()
    built, _ = quiet_build(root)
    assert time.perf_counter() - started < 30
    assert (built / "shared/research/2025-12-02_12-00-00_note/index.html").is_file()


def test_an_anchor_inside_itself_is_refused() -> None:
    parsed = parse_frontmatter("tags: &a [x, *a]\n")
    assert [problem.code for problem in parsed.problems] == ["TH102"]
    with pytest.raises(TooLarge):
        load_bounded("a: &a [*a]\n")


def test_aliases_within_the_limit_still_load() -> None:
    parsed = parse_frontmatter("base: &b [x, y]\ntags: *b\n")
    assert parsed.problems == () and parsed.fields["tags"].value == ["x", "y"]
    assert load_bounded("a: &a {x: 1}\nb: *a\n") == {"a": {"x": 1}, "b": {"x": 1}}


def test_an_alias_bomb_in_run_config_is_a_th401(tmp_path: Path) -> None:
    run = tmp_path / "data/processed/labeled/20251202_120000_bomb"
    write_tree(run, {"run.json": "{}", "run_config.yaml": alias_bomb()})
    started = time.perf_counter()
    (found,) = discover_runs(tmp_path)
    assert time.perf_counter() - started < 10
    assert [item.code for item in found.problems] == ["TH401"]
    assert "YAML aliases" in found.problems[0].message and found.config == {}


# --- 6: linear scans -------------------------------------------------------------------------


def test_a_100000_line_fence_and_20000_links_are_linear(tmp_path: Path) -> None:
    fence = "```sh\n" + "# comment\n" * 100_000 + "```\n# Title\n"
    started = time.perf_counter()
    assert first_heading(fence) == "Title"
    built = note(tmp_path, GOOD.replace("# A note\n", fence))
    assert time.perf_counter() - started < 5
    assert built.heading == "Title"
    for line in (
        " ".join(f"[l{i}](other{i}.md)" for i in range(20_000)),
        "[a](b " * 20_000,
        "[" * 20_000 + ".md",
        "[a](<" * 20_000 + ".md",
    ):
        started = time.perf_counter()
        references = body_references(note(tmp_path, GOOD + line + "\n"))
        assert time.perf_counter() - started < 5, line[:20]
    assert len(body_references(note(tmp_path, GOOD + "[a](x.md) [see [1]](y.md)\n"))) == 2
    assert references == []


# --- 7: run files ----------------------------------------------------------------------------


def test_any_value_a_parser_accepts_gives_th401_and_a_normal_build(tmp_path: Path) -> None:
    base = "data/processed/labeled/"
    files = {
        NOTE: GOOD,
        base + "20251202_120000_a/run.json": "{}",
        base + "20251202_120000_a/run_config.yaml": "cutoff: 2025-02-30\n",
        base + "20251202_120001_b/run.json": '{"n": ' + "9" * 5000 + "}",
        base + "20251202_120001_b/run_config.yaml": "n: " + "9" * 5000 + "\n",
        base + "20251202_120002_c/run.json": '{"started_at": "0001-01-01T00:00:00+14:00"}',
        base + "20251202_120002_c/metrics.json": '{"m": ' + "9" * 400 + "}",
        base + "20251202_120002_c/metrics.jsonl": '{"step": ' + "9" * 400 + ', "loss": 1}\n',
        base + "20251202_120003_d/run.json": '{"summary": {"x": ' + "[" * 5000 + "]" * 5000 + "}}",
    }
    root = site(tmp_path, files)
    runs = discover_runs(root)
    problems = sorted((item.path.rsplit("/", 1)[1], item.code) for item in runs.problems)
    assert problems == [
        ("run.json", "TH401"),
        ("run.json", "TH401"),
        ("run_config.yaml", "TH401"),
        ("run_config.yaml", "TH401"),
    ]
    built, messages = quiet_build(root)
    assert not any("run_globs" in message for message in messages)
    assert len(list((built / "runs").glob("*/index.html"))) == 4
    assert "9" * 400 in (built / "runs/20251202_120002_c/index.html").read_text(encoding="utf-8")


# --- 8: tracebacks ---------------------------------------------------------------------------


def test_dangling_and_looping_symlinks_are_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = site(tmp_path, {NOTE: GOOD})
    folder = root / "thoughts/shared/research"
    os.symlink(tmp_path / "nowhere.md", folder / "2025-12-03_12-00-00_dangling.md")
    os.symlink("2025-12-04_12-00-00_loop.md", folder / "2025-12-04_12-00-00_loop.md")
    assert check(root, monkeypatch, "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert sorted((item["path"].rsplit("/", 1)[1], item["code"]) for item in out) == [
        ("2025-12-03_12-00-00_dangling.md", "TH203"),
        ("2025-12-04_12-00-00_loop.md", "TH203"),
    ]
    built, messages = quiet_build(root)
    assert sum("TH203" in message for message in messages) == 2
    assert (built / "shared/research/2025-12-02_12-00-00_note/index.html").is_file()


def test_a_date_without_a_utc_time_is_a_diagnostic(tmp_path: Path) -> None:
    text = GOOD.replace("2025-12-02T12:00:00+00:00", "0001-01-01T00:00:00+14:00")
    problems = [(item.code, item.line) for item in note(tmp_path, text).diagnostics]
    assert ("TH102", 2) in problems
    root = site(tmp_path, {NOTE: text}, OPTIONS + "      fail_on_error: false\n")
    built, _ = quiet_build(root)
    assert (built / "shared/research/2025-12-02_12-00-00_note/index.html").is_file()


# --- 9: line numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("odd", ["\r", "\x85", "\u2028", "\u2029"])
def test_lines_stay_within_the_file_after_odd_line_breaks(tmp_path: Path, odd: str) -> None:
    """YAML breaks lines at these characters too; editors and diagnostics do not."""
    duplicate = f'---\ntopic: "a{odd}b{odd}c"\nstatus: x\nstatus: y\n---\n# T\n'
    broken = f'---\ntopic: "a{odd}b{odd}c"\nbad: [x\n---\n# T\n'
    for text, code, lines in ((duplicate, "TH004", {4}), (broken, "TH002", {3, 4})):
        found = [item for item in note(tmp_path, text).diagnostics if item.code == code]
        assert found and found[0].line in lines, (text, found)
        assert found[0].column is not None and found[0].column < 20


# --- 10: control characters in the text output ----------------------------------------------


def test_the_text_format_neutralises_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    injected = GOOD.replace(
        "tags: [x]\n", 'tags: [x]\n"k\\n::error file=x.py::pwned\\u2028\\x1b[31m": 1\n'
    )
    root = site(tmp_path, {NOTE: injected})
    check(root, monkeypatch)
    out = capsys.readouterr().out
    assert "::error" in out  # reported, as text
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "\x1b" not in out and "\u2028" not in out and "\\n::error" in out


# --- 11: symlinked notes ---------------------------------------------------------------------


def test_symlinks_out_of_the_repository_are_never_read_or_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.txt": "root:x:0:0:SECRET\n", "note.md": GOOD + "SECRET\n"})
    root = site(tmp_path / "repo", {NOTE: GOOD})
    folder = root / "thoughts/shared/research"
    os.symlink(outside / "secret.txt", folder / "2025-12-03_12-00-00_passwd.md")
    os.symlink(outside / "note.md", folder / "2025-12-04_12-00-00_valid.md")
    os.symlink(outside / "secret.txt", folder / "leak.txt")
    os.symlink(root / NOTE, folder / "2025-12-05_12-00-00_inside.md")  # inside: a note
    assert check(root, monkeypatch, "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert sorted(item["path"].rsplit("/", 1)[1] for item in out if item["code"] == "TH203") == [
        "2025-12-03_12-00-00_passwd.md",
        "2025-12-04_12-00-00_valid.md",
    ]
    assert check(root, monkeypatch, str(folder / "2025-12-04_12-00-00_valid.md")) == 1
    built, messages = quiet_build(root, logging.INFO)
    published = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in built.rglob("*")
        if path.is_file() and path.suffix in (".html", ".json", ".txt")
    )
    assert "SECRET" not in published
    assert (built / "shared/research/2025-12-05_12-00-00_inside/index.html").is_file()
    assert any("leak.txt" in message for message in messages)
    with pytest.raises(Abort):
        build_site(root, strict=True)


def test_files_in_a_folder_linked_out_of_the_repository_are_never_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """MkDocs follows symlinked folders: what they hold is left out of the site, and since
    `thoughts check` (which walks only real note folders) passes, the strict build passes too."""
    outside = tmp_path / "outside"
    write_tree(outside, {"note.md": GOOD + "SECRET\n", "leak.txt": "SECRET\n"})
    root = site(tmp_path / "repo", {NOTE: GOOD})
    os.symlink(outside, root / "thoughts/shared/research/linked")  # inside a type folder
    os.symlink(outside, root / "thoughts/elsewhere")  # outside every type folder
    assert check(root, monkeypatch) == 0
    capsys.readouterr()
    built, messages = quiet_build(root, logging.INFO)
    published = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in built.rglob("*")
        if path.is_file() and path.suffix in (".html", ".json", ".txt", ".md")
    )
    assert "SECRET" not in published
    assert not (built / "elsewhere").exists()
    assert not (built / "shared/research/linked").exists()
    assert sum("leading outside the repository" in message for message in messages) == 4
    build_site(root, strict=True)  # no warning: check passed, so does the strict build


def test_theme_files_reached_through_a_symlink_are_published(tmp_path: Path) -> None:
    """Only docs_dir is judged: a theme installed behind a symlinked path (a linked virtual
    environment, a linked `custom_dir`) keeps its assets."""
    outside = tmp_path / "outside"
    write_tree(outside, {"overrides/assets/extra.css": "body {}\n"})
    root = site(tmp_path / "repo", {NOTE: GOOD})
    os.symlink(outside / "overrides", root / "overrides")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        text.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    built = build_site(root, strict=True)
    assert (built / "assets/extra.css").is_file()
    assert (built / "assets/javascripts").is_dir()


# --- 12: writes through symlinks -------------------------------------------------------------


def test_fix_write_never_writes_through_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    broken = "# X\n\nNo frontmatter: fix can add one.\n"
    write_tree(outside, {"2025-12-02_12-00-00_out.md": broken})
    root = site(tmp_path / "repo", {NOTE: broken, "thoughts/real/2025-12-02_12-00-00_r.md": broken})
    folder = root / "thoughts/shared/research"
    os.symlink(outside / "2025-12-02_12-00-00_out.md", folder / "2025-12-02_12-00-00_out.md")
    os.symlink(
        root / "thoughts/real/2025-12-02_12-00-00_r.md", folder / "2025-12-02_12-00-00_in.md"
    )
    os.symlink(outside, folder / "linked")  # a folder leading out
    monkeypatch.chdir(root)
    main(["fix", "--write", str(folder / "2025-12-02_12-00-00_out.md")])
    main(["fix", "--write", str(folder / "linked")])
    main(["fix", "--write", str(folder / "linked" / "2025-12-02_12-00-00_out.md")])
    main(["fix", "--write"])
    assert (outside / "2025-12-02_12-00-00_out.md").read_text(encoding="utf-8") == broken
    assert (folder / "2025-12-02_12-00-00_out.md").is_symlink()
    assert (folder / "2025-12-02_12-00-00_in.md").is_symlink()
    assert (root / NOTE).read_text(encoding="utf-8") != broken  # the regular note was fixed


def test_fix_says_which_symlinked_notes_it_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A note linked out of the repository is named as skipped (not a silent "0 notes fixed"),
    and one linked inside is not counted as fixed when its fix is not applied."""
    outside = tmp_path / "outside"
    broken = "# X\n\nNo frontmatter: fix can add one.\n"
    write_tree(outside, {"2025-12-02_12-00-00_out.md": broken})
    root = site(tmp_path / "repo", {NOTE: GOOD, "thoughts/real/2025-12-03_12-00-00_r.md": broken})
    folder = root / "thoughts/shared/research"
    os.symlink(outside / "2025-12-02_12-00-00_out.md", folder / "2025-12-02_12-00-00_out.md")
    os.symlink(
        root / "thoughts/real/2025-12-03_12-00-00_r.md", folder / "2025-12-03_12-00-00_in.md"
    )
    monkeypatch.chdir(root)
    main(["fix", "--write", str(folder / "2025-12-02_12-00-00_out.md")])
    err = capsys.readouterr().err
    assert "2025-12-02_12-00-00_out.md: skipped:" in err and "outside the repository" in err
    main(["fix", "--write", str(folder / "2025-12-03_12-00-00_in.md")])
    err = capsys.readouterr().err
    assert "fix not applied" in err
    assert "0 notes fixed; 1 not applied (symlinks)" in err
    assert (outside / "2025-12-02_12-00-00_out.md").read_text(encoding="utf-8") == broken


def test_new_refuses_a_folder_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = "      types:\n        research:\n          folders: ['../../elsewhere']\n"
    root = site(tmp_path / "repo", {NOTE: GOOD}, options)
    monkeypatch.chdir(root)
    assert main(["new", "research", "Escape"]) == 2
    assert "outside the notes folder" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*escape*.md"))


def test_new_refuses_a_template_linked_from_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path / "outside", {"research.md": "---\ntopic: {{ topic }}\n---\nSECRET\n"})
    root = site(tmp_path / "repo", {NOTE: GOOD})
    (root / "templates").mkdir()
    os.symlink(tmp_path / "outside/research.md", root / "templates/research.md")
    monkeypatch.chdir(root)
    assert main(["new", "research", "Leak"]) == 2
    assert "outside the repository" in capsys.readouterr().err
    assert not list((root / "thoughts").rglob("*leak*.md"))


# --- 13: slugs -------------------------------------------------------------------------------


def test_slugs_are_unicode_aware_collision_free_and_stable() -> None:
    names = ["李雷", "韩梅梅", "小明", "Ada Lovelace", "ada.lovelace", "!!!", "C++", "c", "C#"]
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == len(names)
    assert slugs["李雷"] == "李雷" and slugs["小明"] == "小明"
    assert slugs["Ada Lovelace"] != slugs["ada.lovelace"]
    assert all(value.startswith("ada-lovelace-") for key, value in slugs.items() if "ada" in key)
    assert unique_slugs(["Grace Hopper", *names])["Grace Hopper"] == "grace-hopper"
    assert unique_slugs(reversed(names)) == slugs  # independent of order
    assert len(slug("x" * 300).encode()) < 100


def test_researchers_and_tags_never_share_a_page_or_anchor(tmp_path: Path) -> None:
    files = {}
    for index, (person, tag) in enumerate(
        [
            ("李雷", "C++"),
            ("韩梅梅", "c"),
            ("小明", "标签"),
            ("Ada Lovelace", "標籤"),
            ("ada.lovelace", "x"),
        ]
    ):
        text = GOOD.replace("researcher: Ada", f"researcher: {person}")
        files[f"thoughts/shared/research/2025-12-0{index + 1}_12-00-00_n{index}.md"] = text.replace(
            "tags: [x]", f"tags: [{json.dumps(tag, ensure_ascii=False)}]"
        ).replace("2025-12-02T", f"2025-12-0{index + 1}T")
    built, _ = quiet_build(site(tmp_path, files))
    pages = sorted(p.parent.name for p in (built / "researchers").glob("*/index.html"))
    assert len(pages) == 5 and "none" not in pages
    tags = (built / "tags/index.html").read_text(encoding="utf-8")
    anchors = [part.split('"', 1)[0] for part in tags.split('id="tag:')[1:]]
    assert len(anchors) == len(set(anchors)) == 5


def test_markdown_in_note_text_stays_text() -> None:
    assert markdown_inline("[click me](javascript:alert(1))") == (
        r"\[click me\]\(javascript:alert\(1\)\)"
    )
    assert markdown_inline("<b>x</b> & C#") == "&lt;b&gt;x&lt;/b&gt; &amp; C\\#"


def test_page_meta_holds_only_the_theme_fields(tmp_path: Path) -> None:
    from mkdocs_thoughts.site.theme_meta import theme_meta

    text = GOOD.replace(
        "tags: [x]\n",
        'tags: [x]\ndescription: "<b>d</b>"\nhide: [toc, "<x>", [nested]]\n'
        "search: {exclude: true}\ntemplate: nope.html\nicon: x\nsubtitle: y\nextra_key: z\n",
    )
    built = note(tmp_path, text)
    meta = theme_meta(built, "<i>T</i>", ["<s>"])
    assert meta == {
        "title": "&lt;i&gt;T&lt;/i&gt;",
        "tags": ["&lt;s&gt;"],
        "description": "&lt;b&gt;d&lt;/b&gt;",
        "hide": ["toc"],
        "search": {"exclude": True},
    }


def test_folder_links_looping_back_fail_fast_in_check_and_build(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two links to their own folder made MkDocs' walk exponential (a build that never ended)."""
    root = site(tmp_path, {NOTE: GOOD})
    folder = root / "thoughts/shared/research"
    os.symlink(".", folder / "loop")
    os.symlink("..", folder / "loop2")
    started = time.monotonic()
    assert check(root, monkeypatch, "--format", "json") == 1
    out = json.loads(capsys.readouterr().out)
    assert sorted((item["path"].rsplit("/", 1)[1], item["code"]) for item in out) == [
        ("loop", "TH203"),
        ("loop2", "TH203"),
    ]
    with pytest.raises(Abort):
        build_site(root)
    assert (
        "thoughts/shared/research/loop, thoughts/shared/research/loop2; "
        "MkDocs would walk them without end"
    ) in caplog.text
    assert time.monotonic() - started < 30

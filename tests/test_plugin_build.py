"""The plugin inside a real `mkdocs build`: strict builds fail on bad notes and pass when fixed."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import pytest
from factories import make_note, mkdocs_yml
from mkdocs.exceptions import Abort
from mkdocs_thoughts.plugin import ThoughtsPlugin
from sitebuild import Captured, build_site, built_config
from treeutil import write_tree

NOTE_PATH = "thoughts/shared/research/2025-12-03_18-14-34_schema.md"


@pytest.fixture
def captured():
    handler = Captured()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def site(root: Path, status: str, options: str = "") -> Path:
    return write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(options),
            "thoughts/index.md": "# Home\n",
            NOTE_PATH: make_note(status=status),
        },
    )


def test_strict_build_fails_on_a_bad_note_and_passes_when_fixed(
    tmp_path: Path, captured: Captured
) -> None:
    site(tmp_path, "complet")
    with pytest.raises(Abort):
        build_site(tmp_path, strict=True)
    assert any(
        message.startswith(f"mkdocs_thoughts: {NOTE_PATH}:9:9: error TH103 status 'complet'")
        for message in captured.messages()
    ), captured.messages()

    site(tmp_path, "complete")
    captured.records.clear()
    output = build_site(tmp_path, strict=True)
    assert (output / "shared/research/2025-12-03_18-14-34_schema/index.html").is_file()
    assert captured.messages() == []


def test_non_strict_build_passes_unless_fail_on_error(tmp_path: Path, captured: Captured) -> None:
    site(tmp_path, "complet")
    build_site(tmp_path)
    site(tmp_path, "complet", options="      fail_on_error: true\n")
    with pytest.raises(Abort):
        build_site(tmp_path)
    assert any("1 error(s) in note frontmatter" in m for m in captured.messages(logging.ERROR))


def test_invalid_plugin_option_is_a_config_error(tmp_path: Path, captured: Captured) -> None:
    site(tmp_path, "complete", options="      unknown_keys: sometimes\n")
    from mkdocs.config import load_config

    with pytest.raises(Abort):
        load_config(str(tmp_path / "mkdocs.yml"))
    assert any(
        "plugins.thoughts.unknown_keys: Input should be" in m
        for m in captured.messages(logging.ERROR)
    )


def test_properdocs_builds_the_same_site(tmp_path: Path) -> None:
    import subprocess
    import sys

    site(tmp_path, "complete")
    properdocs = Path(sys.executable).with_name("properdocs")
    completed = subprocess.run(
        [str(properdocs), "build", "--strict"], cwd=tmp_path, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    built = tmp_path / "site"
    assert (built / "shared/research/2025-12-03_18-14-34_schema/index.html").is_file()
    listing = (built / "shared/research/index.html").read_text()
    assert "Schema design" in listing and "th-row" in listing

    site(tmp_path, "complet")
    failed = subprocess.run(
        [str(properdocs), "build", "--strict"], cwd=tmp_path, capture_output=True, text=True
    )
    assert failed.returncode != 0
    assert "TH103" in failed.stderr


@pytest.mark.parametrize("quiet", [["-q"], []], ids=["quiet", "default"])
def test_a_strict_build_fails_on_note_errors_whatever_the_log_level(
    tmp_path: Path, quiet: list[str]
) -> None:
    import subprocess
    import sys

    mkdocs = Path(sys.executable).with_name("mkdocs")
    site(tmp_path, "complet")
    failed = subprocess.run(
        [str(mkdocs), "build", "--strict", *quiet], cwd=tmp_path, capture_output=True, text=True
    )
    assert failed.returncode == 1
    # Quiet or not, the error is on the terminal with its place and code.
    assert f"{NOTE_PATH}:9:9: error TH103" in failed.stderr

    site(tmp_path, "complete")
    passed = subprocess.run(
        [str(mkdocs), "build", "--strict", *quiet], cwd=tmp_path, capture_output=True, text=True
    )
    assert passed.returncode == 0, passed.stderr


def test_note_headers_are_made_before_the_first_page_is_written_and_freed_as_each_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made together in on_env (made one at a time between pages, they cost two thirds more),
    then each taken out when its page is written, so none waits once the build is done."""
    notes = {
        f"thoughts/shared/research/2025-12-0{day}_10-00-00_note-{day}.md": make_note(
            topic=f"Note {day}", date=f"2025-12-0{day}T10:00:00+00:00"
        )
        for day in (1, 2, 3)
    }
    root = write_tree(
        tmp_path,
        {"mkdocs.yml": mkdocs_yml(check_commits=False), "thoughts/index.md": "# Home\n", **notes},
    )
    waiting: list[int] = []
    original = ThoughtsPlugin.on_post_page

    @functools.wraps(original)  # keeps its event priority
    def counting(self: ThoughtsPlugin, output: str, **kwargs: Any) -> str:
        waiting.append(len(self.headers))
        return original(self, output, **kwargs)

    monkeypatch.setattr(ThoughtsPlugin, "on_post_page", counting)
    config = built_config(root)

    assert waiting[0] == len(notes)
    assert config.plugins["thoughts"].headers == {}
    for path in notes:
        page = Path(config.site_dir) / path.removeprefix("thoughts/").removesuffix(".md")
        assert 'class="th-note-header"' in (page / "index.html").read_text()

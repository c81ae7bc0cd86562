"""`thoughts init`: a starting site, or the plugin added to an existing mkdocs.yml as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.cli.siteconfig import load_site_config

EXISTING = """\
# Our docs
site_name: !ENV [SITE_NAME, "Team docs"]
docs_dir: thoughts

theme:
  name: material   # keep this comment
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
plugins:
  - search:
      lang: en
  - tags
extra:
  version: 1
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "thoughts" / "shared" / "research").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def init(*args: str) -> int:
    return main(["init", *args])


def plugin_names(config: Path) -> list[str]:
    loaded = load_config(str(config))
    return [name.removeprefix("material/") for name in loaded.plugins]


def test_writes_a_starting_site(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert init() == 0
    assert "wrote a starting site" in capsys.readouterr().out
    config = repo / "mkdocs.yml"
    site = load_site_config(config)
    assert site.docs_dir == repo / "thoughts"
    assert plugin_names(config) == ["search", "tags", "thoughts"]
    loaded = load_config(str(config))
    assert loaded.theme["font"] is False  # offline: no Google Fonts
    assert loaded.repo_url is None  # no origin remote here
    assert (repo / "thoughts" / "index.md").read_text() == (
        f"# {repo.name} research notes\n\n<!-- thoughts:summary -->\n"
    )
    assert "exclude_docs: |\n  searchable/\n" in config.read_text()
    before = config.read_text()
    assert init() == 0  # idempotent
    assert config.read_text() == before
    assert "already configured" in capsys.readouterr().out


def test_creates_the_notes_folders_where_there_are_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert init() == 0
    assert "created shared/research, shared/plans, shared/prs" in capsys.readouterr().out
    for folder in ("research", "plans", "prs"):
        assert (tmp_path / "thoughts" / "shared" / folder).is_dir()
    assert load_site_config(tmp_path / "mkdocs.yml").docs_dir == tmp_path / "thoughts"
    assert (tmp_path / "thoughts" / "index.md").is_file()


def test_notes_option_names_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert init("--notes", "docs/notes") == 0
    assert (tmp_path / "docs" / "notes" / "shared" / "plans").is_dir()
    assert load_site_config(tmp_path / "mkdocs.yml").docs_dir == tmp_path / "docs" / "notes"
    assert init("--notes", "../elsewhere", "--force") == 2
    assert not (tmp_path.parent / "elsewhere").exists()


def test_print_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert init("--print") == 0
    out = capsys.readouterr().out
    assert out.startswith("site_name: ")
    assert "  - thoughts\n" in out
    assert list(tmp_path.iterdir()) == []


def test_adds_the_plugin_keeping_everything_else(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    config.write_text(EXISTING)
    assert init() == 0
    expected = EXISTING.replace("  - tags\n", "  - tags\n  - thoughts\n")
    assert config.read_text() == expected
    assert init() == 0
    assert config.read_text() == expected
    assert plugin_names(config) == ["search", "tags", "thoughts"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("site_name: x\n", "site_name: x\nplugins:\n  - search\n  - thoughts\n"),
        ("site_name: x", "site_name: x\nplugins:\n  - search\n  - thoughts\n"),
        ("plugins: [search]\nsite_name: x\n", "plugins: [search, thoughts]\nsite_name: x\n"),
        ("plugins: []\nsite_name: x\n", "plugins: [thoughts]\nsite_name: x\n"),
        ("plugins:\nsite_name: x\n", "plugins:\n  - search\n  - thoughts\nsite_name: x\n"),
        (
            "plugins:\n    search: {}\nsite_name: x\n",
            "plugins:\n    search: {}\n    thoughts: {}\nsite_name: x\n",
        ),
        (
            "plugins:\n- search\n- tags:\n    enabled: true\n\n# end\n",
            "plugins:\n- search\n- tags:\n    enabled: true\n- thoughts\n\n# end\n",
        ),
        ("plugins:\r\n  - search\r\n", "plugins:\r\n  - search\r\n  - thoughts\r\n"),
        ("plugins:\n  - thoughts:\n      notes_root: notes\n", None),
        ("plugins:\n  thoughts: {}\n", None),
    ],
)
def test_plugin_list_shapes(repo: Path, before: str, after: str | None) -> None:
    shutil.rmtree(repo / "thoughts")  # no notes to infer options from: the bare plugin
    config = repo / "mkdocs.yml"
    config.write_bytes(before.encode())
    assert init() == 0
    assert config.read_bytes().decode() == (after if after is not None else before)
    assert init() == 0
    assert config.read_bytes().decode() == (after if after is not None else before)


def test_force_replaces_an_existing_config(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    config.write_text("site_name: old\n")
    assert init("--force") == 0
    assert plugin_names(config) == ["search", "tags", "thoughts"]


def test_notes_outside_docs_dir_get_notes_root(repo: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "mkdocs.yml").write_text("site_name: x\ndocs_dir: docs\n")
    (repo / "thoughts" / "shared" / "research" / "2025-12-03_18-14-34_a.md").write_text("# A\n")
    assert init() == 0
    site = load_site_config(repo / "mkdocs.yml")
    assert site.docs_dir == repo / "docs"
    assert site.notes_root == repo / "thoughts"


def test_invalid_yaml_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "mkdocs.yml").write_text("plugins: [search\n")
    assert init() == 2
    assert "mkdocs.yml is not valid YAML" in capsys.readouterr().err

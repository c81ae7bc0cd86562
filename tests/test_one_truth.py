"""`thoughts check` reads the configuration `mkdocs build` reads (MkDocs' loader, INHERIT, !ENV,
the README's own examples) and behaves like a well-mannered command line tool."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_sites import RESULTS, write_inherit_site, write_runs_site
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.cli.siteconfig import ConfigError, load_site_config
from mkdocs_thoughts.core.config import SettingsError, load_settings
from mkdocs_thoughts.core.rules import Severity
from mkdocs_thoughts.corpus.loader import NoteLoader
from treeutil import REPO_ROOT, write_tree

README = REPO_ROOT / "README.md"
YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
PLUGIN_ENTRY = re.compile(r"^\s*(?:- )?thoughts\s*(?::|$)", re.MULTILINE)


def check_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    main(["check", "--format", "json", "--config", str(root / "mkdocs.yml"), *args])
    return json.loads(capsys.readouterr().out or "[]")


def test_cited_runs_that_do_not_exist_fail_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before, only the site reported these: the check passed and the strict build failed.
    write_runs_site(tmp_path)
    found = check_json(tmp_path, capsys)
    assert [(d["line"], d["code"], d["field"]) for d in found if d["path"] == RESULTS] == [
        (10, "TH402", "runs"),
        (15, "TH402", "body"),
    ]
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml")]) == 1


def test_checking_a_few_notes_leaves_out_the_run_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_runs_site(tmp_path)
    found = check_json(tmp_path, capsys, str(tmp_path / RESULTS))
    assert {d["code"] for d in found} == {"TH402"}
    # The notes root is the whole site: the run files are checked as without a PATH.
    whole = check_json(tmp_path, capsys)
    assert check_json(tmp_path, capsys, str(tmp_path / "thoughts")) == whole
    assert {d["code"] for d in whole} == {"TH401", "TH402"}


def test_inherited_options_and_environment_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_inherit_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    # The statuses come from base.yml (an !ENV default), `abandoned` from extra_statuses.
    assert out.count("error TH103") == 1 and "status 'complete' is not one of draft, done" in out
    assert "TH102 date 2025-12-04 has no time" in out
    assert out.rstrip().endswith("4 notes checked: 2 errors, 0 warnings in 2 notes")
    monkeypatch.setenv("THOUGHTS_TEST_DATE_PRECISION", "day")
    assert main(["check"]) == 1
    assert "TH102" not in capsys.readouterr().out
    site = load_site_config(tmp_path / "mkdocs.yml")
    assert site.docs_dir == tmp_path / "thoughts" and site.settings.date_precision == "day"


def test_the_plugin_is_found_however_mkdocs_yml_names_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for plugins in (
        "plugins:\n  thoughts:\n    unknown_keys: error\n",
        "plugins:\n  - search\n  - thoughts:\n      unknown_keys: error\n",
    ):
        (tmp_path / "mkdocs.yml").write_text("site_name: x\n" + plugins)
        assert load_site_config(tmp_path / "mkdocs.yml").settings.unknown_keys == "error"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - search\n")
    assert load_site_config(tmp_path / "mkdocs.yml").settings.unknown_keys == "warn"


def test_a_bad_mkdocs_yml_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path, {"docs/index.md": "# x\n", "mkdocs.yml": "site_name: x\nINHERIT: no.yml\n"}
    )
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("thoughts: error: ") and "no.yml" in err and "Traceback" not in err
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - thoughts:\n      rules: {TH201: sometimes}\n"
    )
    with pytest.raises(ConfigError, match=r"plugins\.thoughts\.rules\.TH201: Input should be"):
        load_site_config(tmp_path / "mkdocs.yml")


def test_a_bad_forge_template_stops_the_check_as_it_stops_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            "docs/index.md": "# x\n",
            "mkdocs.yml": (
                "site_name: x\nrepo_url: https://github.com/o/r\nplugins:\n  - thoughts:\n"
                "      commit_url_template: '{repo_url}/c/{commit}'\n"
            ),
        },
    )
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml")]) == 2
    err = capsys.readouterr().err
    assert "plugins.thoughts: " in err and "{commit}" in err and "Traceback" not in err
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 1 and "plugins.thoughts: " in built.stderr
    assert err.split("plugins.thoughts: ", 1)[1].strip() in built.stderr


@pytest.mark.parametrize(
    ("written", "severity"),
    [
        ("off", "off"),
        ("false", "off"),
        ("no", "off"),
        ("on", "error"),
        ("true", "error"),
        ("Off", "off"),
        ("warning", "warning"),
        ("'off'", "off"),
    ],
)
def test_rules_accept_yaml_booleans(tmp_path: Path, written: str, severity: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: x\nplugins:\n  - thoughts:\n      rules: {{TH201: {written}}}\n"
    )
    settings = load_site_config(tmp_path / "mkdocs.yml").settings
    assert settings.rules == {"TH201": Severity(severity)}


def test_rules_still_reject_what_means_nothing() -> None:
    with pytest.raises(SettingsError, match="TH201"):
        load_settings({"rules": {"TH201": 3}})


def readme_plugin_blocks() -> list[str]:
    blocks = [block for block in YAML_BLOCK.findall(README.read_text()) if "plugins:" in block]
    return [block for block in blocks if PLUGIN_ENTRY.search(block)]


def test_the_readme_has_plugin_configuration_blocks() -> None:
    assert len(readme_plugin_blocks()) >= 1


@pytest.mark.parametrize("block", readme_plugin_blocks())
def test_every_readme_configuration_block_is_valid(tmp_path: Path, block: str) -> None:
    # As YAML text, through MkDocs' loader and the plugin: `off` must mean off.
    for folder in ("docs", "thoughts"):
        (tmp_path / folder).mkdir()
    text = block if "site_name:" in block else "site_name: readme\n" + block
    (tmp_path / "mkdocs.yml").write_text(text)
    settings = load_site_config(tmp_path / "mkdocs.yml").settings
    for code, severity in re.findall(r"\b(TH\d{3}): (\w+)", block):
        expected = {"off": "off", "on": "error"}.get(severity, severity)
        assert settings.rules[code] == Severity(expected)


def test_schema_type_accepts_what_new_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--type", "plan"]) == 0
    assert "related_research" in json.loads(capsys.readouterr().out)["required"]


def test_version() -> None:
    for command in (
        [sys.executable, "-m", "mkdocs_thoughts.cli.main", "--version"],
        [sys.executable, "-m", "sec_finetune", "--version"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        assert re.fullmatch(r"\S+ \d+\.\d+\.\d+\S*\n", done.stdout), done.stdout


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    # `thoughts notes | head`: the reader goes away before the output is written.
    write_runs_site(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_thoughts.cli.main", "notes"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in error and "BrokenPipe" not in error, error


def test_counts_are_spelt_in_the_singular_when_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\ndocs_dir: thoughts\nplugins:\n  - thoughts:\n"
            "      check_commits: false\n",
            "thoughts/shared/plans/2025-12-03_18-14-34_x.md": "---\ntopic: x\n---\n# x\n",
        },
    )
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml")]) == 1
    out = capsys.readouterr().out
    assert "every note of type 'plans' needs them" in out and "plans notes" not in out
    # The eight missing fields are one problem of the note.
    assert out.splitlines()[-1].startswith("1 note checked: 1 error, 0 warnings in 1 note")


def test_rules_reach_the_run_pages_too(tmp_path: Path) -> None:
    write_runs_site(tmp_path, "      check_commits: false\n      rules: {TH401: off}\n")
    settings = load_site_config(tmp_path / "mkdocs.yml").settings
    corpus = NoteLoader(settings, tmp_path / "thoughts", tmp_path).load()
    assert len(corpus.runs) == 2
    assert corpus.run_problems == [] and all(run.problems == [] for run in corpus.runs)
    assert {item.code for item in corpus.diagnostics} == {"TH402"}

"""hack/spec_metadata.sh and `thoughts meta` print the same fields, run the same way."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitfixtures import GitRepo, git_env
from mkdocs_thoughts.authoring.metadata import FIELDS
from treeutil import REPO_ROOT

SCRIPT = REPO_ROOT / "hack" / "spec_metadata.sh"
SHELLS = [shell for shell in ("sh", "bash") if shutil.which(shell)]
TIMES = {"date_tz": "%Y-%m-%d %H:%M:%S", "date": None, "timestamp": "%Y-%m-%d_%H-%M-%S"}
LABELS = {label: key for key, label in FIELDS}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "worktree-folder")
    repo.git("config", "user.name", "Grace Hopper")
    repo.git("remote", "add", "origin", "git@github.com:acme/sec-finetune.git")
    repo.commit("start")
    return repo


def environment(**extra: str) -> dict[str, str]:
    # Half-hour offset: the script must turn %z's +0530 into ISO's +05:30.
    env = {**git_env(), "TZ": "Asia/Kolkata", "USER": "fallback-user", **extra}
    env.pop("RESEARCHER_NAME", None)
    env.update(extra)
    return env


def run_script(shell: str, cwd: Path, env: dict[str, str], *flags: str) -> str:
    completed = subprocess.run(
        [shell, str(SCRIPT), *flags], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout


def run_meta(cwd: Path, env: dict[str, str], *flags: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs_thoughts.cli.main", "meta", *flags],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def parse(output: str, style: str) -> dict[str, str]:
    if style == "json":
        return json.loads(output)
    if style == "yaml":
        return yaml.safe_load(output)
    pairs = [
        line.split(": ", 1) if ": " in line else [line.rstrip(":"), ""]
        for line in output.splitlines()
    ]
    return {LABELS[label]: value for label, value in pairs}


def assert_agree(script: dict[str, str], python: dict[str, str]) -> None:
    assert list(script) == list(python) == [key for key, _ in FIELDS]
    for key, value in script.items():
        if key not in TIMES:
            assert value == python[key], key
            continue
        pattern = TIMES[key]
        if key == "date_tz":
            value, zone = value.rsplit(" ", 1)
            other, other_zone = python[key].rsplit(" ", 1)
            assert zone == other_zone == "IST"
        else:
            other = python[key]
        first = (
            dt.datetime.fromisoformat(value)
            if pattern is None
            else dt.datetime.strptime(value, pattern)
        )
        second = (
            dt.datetime.fromisoformat(other)
            if pattern is None
            else dt.datetime.strptime(other, pattern)
        )
        # Two processes read the clock one after the other; on a loaded machine starting Python
        # alone takes seconds. A wrong zone or format is off by hours, not seconds.
        assert abs((first - second).total_seconds()) <= 30, (key, value, other)


@pytest.mark.parametrize(
    ("shell", "style"),
    [("sh", "plain"), ("sh", "yaml"), ("sh", "json"), *[(shell, "plain") for shell in SHELLS[1:]]],
)
def test_script_and_command_agree(repo: GitRepo, shell: str, style: str) -> None:
    flags = [] if style == "plain" else [f"--{style}"]
    env = environment()
    script = parse(run_script(shell, repo.root, env, *flags), style)
    python = parse(run_meta(repo.root, env, *flags), style)
    assert_agree(script, python)
    assert script["git_commit"] == repo.head()[:7]
    assert script["branch"] == "main"
    assert script["repository"] == "sec-finetune"  # from the origin, not the folder name
    assert script["researcher"] == "Grace Hopper"
    assert script["date"].endswith("+05:30")


@pytest.mark.parametrize(
    ("setup", "extra", "expected"),
    [
        ("none", {"RESEARCHER_NAME": "Ada Lovelace"}, {"researcher": "Ada Lovelace"}),
        ("no-user", {}, {"researcher": "fallback-user"}),
        ("detached", {}, {"branch": "HEAD"}),
        ("no-origin", {}, {"repository": "worktree-folder"}),
    ],
)
def test_fallbacks_agree(
    repo: GitRepo, setup: str, extra: dict[str, str], expected: dict[str, str]
) -> None:
    if setup == "no-user":
        repo.git("config", "--unset", "user.name")
    elif setup == "detached":
        repo.git("checkout", "-q", "--detach")
    elif setup == "no-origin":
        repo.git("remote", "remove", "origin")
    env = environment(**extra)
    script = parse(run_script("sh", repo.root, env, "--json"), "json")
    python = parse(run_meta(repo.root, env, "--json"), "json")
    assert_agree(script, python)
    for key, value in expected.items():
        assert script[key] == value


def test_outside_git_the_git_fields_are_empty(tmp_path: Path) -> None:
    env = environment(GIT_CEILING_DIRECTORIES=str(tmp_path))
    script = parse(run_script("sh", tmp_path, env, "--yaml"), "yaml")
    python = parse(run_meta(tmp_path, env, "--yaml"), "yaml")
    assert_agree(script, python)
    assert script["git_commit"] == script["branch"] == script["repository"] == ""
    assert script["researcher"] == "fallback-user"


def test_all_digit_sha_stays_text_in_yaml(repo: GitRepo) -> None:
    script = run_script("sh", repo.root, environment(), "--yaml")
    assert 'git_commit: "' in script


def test_script_help_and_bad_option(tmp_path: Path) -> None:
    helped = subprocess.run(["sh", str(SCRIPT), "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "Usage: hack/spec_metadata.sh" in helped.stdout
    bad = subprocess.run(["sh", str(SCRIPT), "--xml"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown option '--xml'" in bad.stderr


def test_script_uses_no_python() -> None:
    text = SCRIPT.read_text()
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert text.startswith("#!/bin/sh\n")
    assert not [line for line in code if "python" in line.lower()]

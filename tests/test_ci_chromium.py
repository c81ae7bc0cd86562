"""`.ci/run`'s Chromium step (.ci/chromium.sh): install only where it can work, else say so.

The functions run in a real bash under ``set -euo pipefail`` as in .ci/run. The non-root case runs
as a real non-root user: the test's own user, or ``nobody`` through ``setpriv`` when the suite runs
as root (as CI does). Only ``apt-get`` itself is replaced, by a script that records its arguments:
a test cannot install a browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from treeutil import REPO_ROOT

SCRIPT = REPO_ROOT / ".ci" / "chromium.sh"
NOBODY = 65534


def run(
    call: str, env: dict[str, str], *, as_nobody: bool = False
) -> subprocess.CompletedProcess[str]:
    # The script's text goes on the command line, so a user who cannot read the checkout runs it.
    command = ["bash", "-c", f"set -euo pipefail\n{SCRIPT.read_text()}\n{call}"]
    if as_nobody:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    base = {"PATH": os.environ["PATH"], "LC_ALL": "C"}
    return subprocess.run(
        command, cwd="/", env={**base, **env}, capture_output=True, text=True, check=False
    )


def fake_apt(tmp_path: Path) -> tuple[Path, Path]:
    calls = tmp_path / "apt-calls"
    apt = tmp_path / "apt-get"
    apt.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    apt.chmod(0o755)
    return apt, calls


def test_ordinary_user_skips_the_install_and_says_so(tmp_path: Path) -> None:
    env = {"CI_CHROMIUM": str(tmp_path / "no-chromium")}
    root = os.geteuid() == 0
    if root:
        assert shutil.which("setpriv"), "setpriv (util-linux) runs the step as a non-root user"
    plan = run("chromium_plan", env, as_nobody=root)
    uid = NOBODY if root else os.geteuid()
    assert (plan.returncode, plan.stderr) == (0, "")
    assert plan.stdout == (
        f"skip: {tmp_path}/no-chromium is missing and installing it needs root (uid {uid})\n"
    )
    step = run("ensure_chromium; echo next step", env, as_nobody=root)
    assert step.returncode == 0, step.stderr
    assert step.stdout.splitlines() == [
        f"--- chromium: {tmp_path}/no-chromium is missing and installing it needs root "
        f"(uid {uid}); the browser tests will be skipped",
        "next step",
    ]


def test_root_without_apt_get_skips(tmp_path: Path) -> None:
    env = {"CI_CHROMIUM": str(tmp_path / "no-chromium"), "CI_UID": "0", "CI_APT_GET": "no-apt-get"}
    plan = run("chromium_plan", env)
    assert (
        plan.stdout
        == f"skip: {tmp_path}/no-chromium is missing and there is no no-apt-get to install it\n"
    )
    step = run("ensure_chromium", env)
    assert step.returncode == 0 and "the browser tests will be skipped" in step.stdout


def test_root_with_apt_get_installs(tmp_path: Path) -> None:
    apt, calls = fake_apt(tmp_path)
    env = {"CI_CHROMIUM": str(tmp_path / "no-chromium"), "CI_UID": "0", "CI_APT_GET": str(apt)}
    assert run("chromium_plan", env).stdout == "install\n"
    step = run("ensure_chromium", env)
    assert step.returncode == 0, step.stderr
    assert step.stdout == "--- installing Debian's chromium for the browser tests\n"
    assert calls.read_text().splitlines() == ["update -qq", "install -y -qq chromium"]


def test_a_failing_install_stops_ci(tmp_path: Path) -> None:
    apt = tmp_path / "apt-get"
    apt.write_text("#!/bin/sh\nexit 100\n")
    apt.chmod(0o755)
    env = {"CI_CHROMIUM": str(tmp_path / "no-chromium"), "CI_UID": "0", "CI_APT_GET": str(apt)}
    step = run("ensure_chromium; echo next step", env)
    assert step.returncode == 100 and "next step" not in step.stdout


def test_present_chromium_is_used_as_is(tmp_path: Path) -> None:
    apt, calls = fake_apt(tmp_path)
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    env = {"CI_CHROMIUM": str(chromium), "CI_UID": "0", "CI_APT_GET": str(apt)}
    assert run("chromium_plan", env).stdout == "present\n"
    step = run("ensure_chromium", env)
    assert step.stdout == f"--- chromium: {chromium} (the browser tests will run)\n"
    assert not calls.exists()


def test_ci_run_uses_the_step_its_own_venv_and_make_lint() -> None:
    text = (REPO_ROOT / ".ci" / "run").read_text()
    assert (
        subprocess.run(["bash", "-n", str(REPO_ROOT / ".ci" / "run")], check=False).returncode == 0
    )
    assert "source .ci/chromium.sh\nensure_chromium\n" in text
    assert "apt-get" not in text  # only through the step above
    assert "VENV=.venv-ci" in text and "rm -rf .venv\n" not in text
    assert 'make VENV="$VENV" lint' in text and 'make VENV="$VENV" test' in text

"""The GitHub Actions job and the pre-commit hook of `thoughts init --ci`: both install the notes
tool (``mkdocs-thoughts``, pinned to the copy that wrote them), never the team's own project."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..core.atomic import write_atomic
from ..git.runner import GitError, find_repo_root, run_git
from .text_edits import yaml_list, yaml_scalar

WORKFLOW_PATH = ".github/workflows/notes.yml"
PRECOMMIT_PATH = ".pre-commit-config.yaml"

_WORKFLOW = """\
# Written by `thoughts init --ci`: check the notes and build their site on every pull request.
name: notes
on:
  pull_request:
    paths: {paths}
  push:
    branches: [{branch}]
jobs:
  check-notes:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # every commit, so each git_commit in a note resolves
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: {install}   # the notes tool only
      - run: thoughts check --format github
      - run: mkdocs build --strict
"""

_HOOK = """\
  - repo: local
    hooks:
      - id: thoughts-check
        name: thoughts check
        entry: thoughts check
        language: python
        additional_dependencies: [{requirement}]
        files: {files}
        exclude: (^|/)searchable/
        require_serial: true   # relations resolve against the whole site (needs mkdocs.yml)
"""

_SAFE_REQUIREMENT = re.compile(r"[^\s\"'`$\\]+(?: @ [^\s\"'`$\\]+)?")


def check_requirement(requirement: str) -> str:
    """A requirement safe to put on a shell line and in YAML, else ``ValueError``."""
    if not _SAFE_REQUIREMENT.fullmatch(requirement):
        raise ValueError(f"{requirement!r} is not a pip requirement this can write")
    return requirement


def workflow(requirement: str, notes: str, branch: str) -> str:
    paths = yaml_list([f"{notes}/**", "mkdocs.yml"])
    return _WORKFLOW.format(
        paths=paths,
        branch=yaml_scalar(branch),
        install=yaml_scalar(f'pip install "{check_requirement(requirement)}"'),
    )


def precommit_hook(requirement: str, notes: str) -> str:
    """The hook's entry under ``repos:``."""
    files = yaml_scalar(f"^{re.escape(notes)}/.*\\.md$")
    return _HOOK.format(requirement=yaml_scalar(check_requirement(requirement)), files=files)


def precommit_config(requirement: str, notes: str) -> str:
    return "repos:\n" + precommit_hook(requirement, notes)


def write_ci_files(folder: Path, requirement: str, notes: str, *, print_only: bool) -> None:
    """The Actions job and the pre-commit hook, unless the files exist (then the hook is printed,
    to paste under ``repos:``)."""
    root = find_repo_root(folder.resolve()) or folder.resolve()
    notes_path = Path(os.path.relpath(folder.resolve() / notes, root)).as_posix()
    job = root / WORKFLOW_PATH
    if print_only:
        print(f"# {WORKFLOW_PATH}\n{workflow(requirement, notes_path, _default_branch(root))}")
        print(f"# {PRECOMMIT_PATH}\n{precommit_config(requirement, notes_path)}")
        return
    if job.exists():
        print(f"{job}: exists, left alone")
    else:
        job.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(job, workflow(requirement, notes_path, _default_branch(root)))
        print(f"{job}: wrote the CI job (installs {requirement})")
    hooks = root / PRECOMMIT_PATH
    if hooks.exists():
        print(
            f"{hooks}: exists; add this under `repos:`\n{precommit_hook(requirement, notes_path)}"
        )
    else:
        write_atomic(hooks, precommit_config(requirement, notes_path))
        print(f"{hooks}: wrote the pre-commit hook (`pre-commit install` to enable it)")


def _default_branch(root: Path) -> str:
    """The branch origin calls its default, else the current one, else main."""
    for args in (
        ("symbolic-ref", "--short", "refs/remotes/origin/HEAD"),
        ("branch", "--show-current"),
    ):
        try:
            name = run_git(root, *args).strip()
        except GitError:
            continue
        if name:
            return name.removeprefix("origin/")
    return "main"

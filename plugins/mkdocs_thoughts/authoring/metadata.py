"""The facts a new note records about when, where and by whom it was written.

The same fields, in the same order and with the same labels, as ``hack/spec_metadata.sh``; a test
runs both and compares them. At most three git processes run.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..git.runner import GitError, run_git

FIELDS: tuple[tuple[str, str], ...] = (
    ("date_tz", "Current Date/Time (TZ)"),
    ("date", "ISO Date/Time"),
    ("git_commit", "Current Git Commit Hash"),
    ("branch", "Current Branch Name"),
    ("repository", "Repository Name"),
    ("researcher", "Researcher"),
    ("timestamp", "Timestamp For Filename"),
)
"""(key in --yaml/--json, label in the plain output). Empty values are printed as empty."""

DETACHED = "HEAD"
"""The branch recorded when HEAD is detached (what `git rev-parse --abbrev-ref HEAD` prints)."""


@dataclass(frozen=True, slots=True)
class Metadata:
    now: dt.datetime
    """The current time, in the local time zone."""
    git_commit: str
    """The short SHA of HEAD, or "" outside git or before the first commit."""
    branch: str
    repository: str
    researcher: str

    @property
    def date(self) -> str:
        return self.now.isoformat(timespec="seconds")

    @property
    def date_tz(self) -> str:
        return self.now.strftime("%Y-%m-%d %H:%M:%S %Z")

    @property
    def day(self) -> str:
        return self.now.strftime("%Y-%m-%d")

    @property
    def timestamp(self) -> str:
        """The file-name prefix, YYYY-MM-DD_HH-MM-SS."""
        return self.now.strftime("%Y-%m-%d_%H-%M-%S")

    def as_dict(self) -> dict[str, str]:
        return {key: str(getattr(self, key)) for key, _ in FIELDS}

    def as_lines(self) -> str:
        values = self.as_dict()
        return "".join(f"{label}: {values[key]}\n" for key, label in FIELDS)

    def as_yaml(self) -> str:
        # Every value double-quoted (a JSON string is valid YAML), exactly like the shell script,
        # so an all-digit SHA or a branch named `yes` stays text.
        values = self.as_dict()
        return "".join(
            f"{key}: {json.dumps(values[key], ensure_ascii=False)}\n" for key, _ in FIELDS
        )

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"


def gather(
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Metadata:
    """Metadata for a note written now in the repository at ``cwd``."""
    moment = (now or dt.datetime.now()).astimezone().replace(microsecond=0)
    found = identity(cwd, env)
    return Metadata(moment, found.git_commit, found.branch, found.repository, found.researcher)


@dataclass(frozen=True, slots=True)
class Identity:
    """Where and by whom a note is written: the one computation `new`, `meta` and `fix` share."""

    toplevel: str | None
    """The repository's top folder, or ``None`` outside git."""
    git_commit: str
    branch: str
    repository: str
    researcher: str


def identity(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Identity:
    """Repository, branch, researcher and HEAD for the repository at ``cwd``."""
    env = os.environ if env is None else env
    folder = cwd or Path.cwd()
    toplevel, commit = _toplevel_and_commit(folder, env)
    branch = ""
    if toplevel:
        branch = _git(folder, env, "symbolic-ref", "--short", "-q", "HEAD") or (
            DETACHED if commit else ""
        )
    settings = _git_settings(folder, env) if toplevel is not None else {}
    # Not stripped, like the shell script: both must print the same name.
    researcher = env.get("RESEARCHER_NAME", "")
    if not researcher:
        if toplevel is not None:
            researcher = settings.get("user.name", "")
        else:
            researcher = _git(folder, env, "config", "user.name") or ""
    if not researcher:
        researcher = env.get("USER", "") or _login_name()
    repository = ""
    if toplevel is not None:
        repository = repository_name(settings.get("remote.origin.url", ""), toplevel)
    return Identity(toplevel, commit, branch, repository, researcher)


def repository_name(origin_url: str, toplevel: str) -> str:
    """The name in the origin's URL (a worktree's folder is often named after its branch), else
    the name of the repository's top folder."""
    name = origin_url.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
    return name or Path(toplevel).name


def _git_settings(folder: Path, env: Mapping[str, str]) -> dict[str, str]:
    # One process for both settings; exit 1 just means neither is set.
    output = _git(folder, env, "config", "--get-regexp", r"^(user\.name|remote\.origin\.url)$")
    found: dict[str, str] = {}
    for line in (output or "").splitlines():
        key, _, value = line.partition(" ")
        found[key] = value  # the last one wins, as with `git config KEY`
    return found


def _toplevel_and_commit(folder: Path, env: Mapping[str, str]) -> tuple[str | None, str]:
    both = _git(folder, env, "rev-parse", "--show-toplevel", "--short", "HEAD")
    if both is not None:
        toplevel, _, commit = both.partition("\n")
        return toplevel, commit.strip()
    # No commit yet (or not a repository): ask for the top level alone.
    return _git(folder, env, "rev-parse", "--show-toplevel"), ""


def _git(folder: Path, env: Mapping[str, str], *args: str) -> str | None:
    """The stripped output of a git command, or ``None`` when it fails or git is missing: a new
    note outside git (or without git) still gets its date and author."""
    try:
        return run_git(folder, *args, env=env).strip()
    except GitError:
        return None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment nor the password database
        return "unknown"

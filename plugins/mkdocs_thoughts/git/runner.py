"""The one way the plugin package runs git: fixed configuration, a deadline, one kind of error.

Every git process of ``mkdocs_thoughts`` starts in :class:`GitProcess`, so a user's git
configuration cannot change the output we parse, a hung git (a credential prompt, a slow network
file system, a hook) becomes a :class:`GitError` instead of a hung build, and a missing git, a
folder that is no repository and a failing command all read alike.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

TIMEOUT = 300.0
"""Seconds one git process may take. Generous: ``git log --all --raw`` of a large
repository on a slow disk takes tens of seconds; only a hang should ever reach it."""

# Settings a user's git config could set that would change the output we parse.
_FIXED_CONFIG = (
    "-c",
    "core.quotepath=false",
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
)

_FIXED_ENVIRONMENT = {
    "LC_ALL": "C",  # git's messages in English: callers recognise some of them
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody can type
    "GIT_OPTIONAL_LOCKS": "0",  # reading must not take the index lock from a user's git
}


class GitError(Exception):
    """A git command could not run or failed; the message quotes git's own last words."""


def git_available() -> bool:
    return shutil.which("git") is not None


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder; a file in worktrees)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def run_git(
    repo_root: Path,
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> str:
    """Run one git command in ``repo_root`` and return its standard output as text."""
    data = None if stdin is None else stdin.encode("utf-8")
    out = run_git_bytes(repo_root, *args, stdin=data, env=env, timeout=timeout)
    return out.decode("utf-8", errors="replace")


def run_git_bytes(
    repo_root: Path,
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> bytes:
    """Run one git command and return its standard output; raise :class:`GitError` when git is
    missing, fails, or runs longer than ``timeout`` seconds (:data:`TIMEOUT` by default).

    ``env`` replaces the process environment (the fixed settings are added to it either way).
    """
    return GitProcess(repo_root, args, stdin=stdin, env=env, timeout=timeout).output()


def run_git_side_by_side(repo_root: Path, *commands: Sequence[str]) -> list[bytes]:
    """The outputs of independent git commands started together, so their waits overlap; when
    one fails, the others are ended too and its :class:`GitError` is raised."""
    started: list[GitProcess] = []
    try:
        for args in commands:
            started.append(GitProcess(repo_root, tuple(args)))
        return [process.output() for process in started]
    except BaseException:
        for process in started:
            process.end()
        raise


class GitProcess:
    """One git process, started at once and read with :meth:`output`, within its deadline."""

    def __init__(
        self,
        repo_root: Path,
        args: tuple[str, ...],
        *,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> None:
        self.args = args
        self._stdin = stdin
        self.limit = TIMEOUT if timeout is None else timeout
        self._deadline = time.monotonic() + self.limit
        environment = {**(os.environ if env is None else env), **_FIXED_ENVIRONMENT}
        try:
            # A session of its own, so a timeout ends git's children (hooks, helpers) too.
            self._process = subprocess.Popen(
                ["git", *_FIXED_CONFIG, *args],
                cwd=repo_root,
                env=environment,
                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            if isinstance(error, FileNotFoundError) and error.filename == "git":
                raise GitError("cannot run git: git is not installed (no `git` on PATH)") from None
            raise GitError(f"cannot run git: {error.strerror or error}") from None

    def output(self) -> bytes:
        process = self._process
        try:
            left = max(self._deadline - time.monotonic(), 0.0)
            out, errors = process.communicate(self._stdin, timeout=left)
        except subprocess.TimeoutExpired:
            self.end()
            raise GitError(
                f"git {_subcommand(self.args)} took longer than {self.limit:g} s and was stopped"
            ) from None
        except BaseException:
            self.end()  # Ctrl-C while git runs: leave no git behind
            raise
        if process.returncode != 0:
            lines = errors.decode("utf-8", errors="replace").strip().splitlines()
            # git's own verdict is the "fatal:" line; usage hints may follow it.
            verdicts = [line for line in lines if line.startswith(("fatal: ", "error: "))]
            reason = (verdicts or lines or [f"exit status {process.returncode}"])[0]
            raise GitError(f"git {_subcommand(self.args)} failed: {reason}")
        return out

    def end(self) -> None:
        """Stop git and whatever it started (a no-op once it has finished)."""
        if self._process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.communicate()


def _subcommand(args: tuple[str, ...]) -> str:
    """``log`` of ``("-c", "x=y", "log", "--all")``: what the messages name."""
    words = iter(args)
    for word in words:
        if word == "-c":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return "command"

"""The web address of a repository's ``origin`` remote, for the ``repo_url`` of `thoughts init`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .runner import GitError, run_git

# git@github.com:owner/name.git (scp-like syntax: no scheme, a colon before the path)
_SCP_LIKE = re.compile(r"(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)")
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~/-]+")


def web_url(remote: str) -> str | None:
    """``https://host/owner/name`` for an SSH, scp-like or HTTP(S) remote; ``None`` for a local
    path or anything else. Credentials, ports of SSH remotes and ``.git`` are dropped: a token in
    a remote URL must never end up in mkdocs.yml."""
    text = remote.strip()
    if not text:
        return None
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
        if parts.scheme in ("https", "http") and parts.port:
            host = f"{host}:{parts.port}"
    else:
        match = _SCP_LIKE.fullmatch(text)
        if match is None:
            return None
        host, path = match["host"], match["path"]
    path = path.strip("/").removesuffix(".git").strip("/")
    if not path or not _SAFE_PATH.fullmatch(path) or ".." in path.split("/"):
        return None
    return f"https://{host}/{path}"


def origin_web_url(repo_root: Path) -> str | None:
    """The web address of ``origin`` in the repository at ``repo_root``, if it has one."""
    try:
        remote = run_git(repo_root, "config", "--get", "remote.origin.url")
    except GitError:  # no origin (git exits 1), or no git at all
        return None
    return web_url(remote)

"""Where the running ``mkdocs-thoughts`` came from, as the pip requirement a CI job or a pre-commit
hook installs (PEP 610's ``direct_url.json``): the same tool, never the team's own project."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..git.origin import origin_web_url, web_url
from ..git.runner import GitError, find_repo_root, run_git

DISTRIBUTION = "mkdocs-thoughts"


class UnknownSource(Exception):
    """The running copy cannot be installed elsewhere as it is; the message says why."""


def running_requirement() -> str:
    try:
        found = distribution(DISTRIBUTION)
    except PackageNotFoundError:
        raise UnknownSource(f"{DISTRIBUTION} is not installed as a distribution") from None
    return requirement(found.version, found.read_text("direct_url.json"))


def requirement(version: str, direct_url: str | None) -> str:
    """The requirement for the copy described by ``direct_url.json`` (``None``: from an index)."""
    if not direct_url:
        return f"{DISTRIBUTION}=={version}"
    try:
        data = json.loads(direct_url)
        url = str(data["url"])
    except (ValueError, KeyError, TypeError):
        raise UnknownSource("its direct_url.json cannot be read") from None
    subdirectory = data.get("subdirectory")
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        web = web_url(url)
        if web is None:
            raise UnknownSource(f"it was installed from {url}, which CI cannot reach")
        return _git_requirement(web, str(vcs.get("commit_id", "")), subdirectory)
    if url.startswith("file://"):
        return _checkout_requirement(Path(url2pathname(urlsplit(url).path)))
    if url.startswith("https://"):  # an archive
        return f"{DISTRIBUTION} @ {url}"
    raise UnknownSource(f"it was installed from {url}")


def _checkout_requirement(path: Path) -> str:
    """A copy installed from a folder: the same commit of that folder's repository."""
    repo = find_repo_root(path)
    if repo is None:
        raise UnknownSource(f"it was installed from {path}, which is not in a git repository")
    web = origin_web_url(repo)
    if web is None:
        raise UnknownSource(f"it was installed from {path}, whose repository has no origin remote")
    try:
        commit = run_git(repo, "rev-parse", "HEAD").strip()
    except GitError as error:
        raise UnknownSource(str(error)) from None
    subdirectory = path.resolve().relative_to(repo).as_posix()
    return _git_requirement(web, commit, None if subdirectory == "." else subdirectory)


def _git_requirement(web: str, commit: str, subdirectory: object) -> str:
    at = f"@{commit}" if commit else ""
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    return f"{DISTRIBUTION} @ git+{web}{at}{fragment}"

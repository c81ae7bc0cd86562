"""Links to commits and to files at a commit on the forge hosting the repository.

The forge is inferred from ``repo_url`` (https, ``git@host:owner/repo`` or ``ssh://`` forms, with
or without ``.git``); each forge writes line anchors its own way. ``commit_url_template`` and
``blob_url_template`` override the inferred patterns, for self-hosted forges with other URLs.
Without a ``repo_url`` or a template there are no links, but every git fact still is.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from ..core.config import ThoughtsSettings


class ForgeKind(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    GITEA = "gitea"
    """Gitea and Forgejo (Codeberg) share their URL scheme."""
    BITBUCKET = "bitbucket"


@dataclass(frozen=True, slots=True)
class _Pattern:
    commit: str
    blob: str
    one_line: str
    """The fragment for one line; a link without lines drops the fragment."""
    line_range: str


_PATTERNS: dict[ForgeKind, _Pattern] = {
    ForgeKind.GITHUB: _Pattern(
        "{repo_url}/commit/{sha}", "{repo_url}/blob/{sha}/{path}", "L{start}", "L{start}-L{end}"
    ),
    ForgeKind.GITLAB: _Pattern(
        "{repo_url}/-/commit/{sha}", "{repo_url}/-/blob/{sha}/{path}", "L{start}", "L{start}-{end}"
    ),
    ForgeKind.GITEA: _Pattern(
        "{repo_url}/commit/{sha}",
        "{repo_url}/src/commit/{sha}/{path}",
        "L{start}",
        "L{start}-L{end}",
    ),
    ForgeKind.BITBUCKET: _Pattern(
        "{repo_url}/commits/{sha}",
        "{repo_url}/src/{sha}/{path}",
        "lines-{start}",
        "lines-{start}:{end}",
    ),
}

TEMPLATE_FIELDS = frozenset({"repo_url", "sha", "short_sha", "path", "start", "end"})

_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>.+)$")


class ForgeError(ValueError):
    """A forge name or URL template is unusable; the message says why and lists what is known."""


def normalize_repo_url(repo_url: str) -> str | None:
    """The web address of a repository: ``git@github.com:o/r.git`` -> ``https://github.com/o/r``."""
    url = repo_url.strip()
    if not url:
        return None
    scp = _SCP_LIKE.match(url)
    if scp and "://" not in url:
        host, path = scp["host"], scp["path"]
        scheme = "https"
    else:
        parts = urlsplit(url)
        if not parts.hostname:
            return None
        host, path, scheme = parts.hostname, parts.path, parts.scheme
        if scheme not in ("http", "https"):
            # ssh:// and git:// addresses have their web pages on https on the same host; their
            # port is the ssh port, so it is dropped.
            scheme = "https"
        elif parts.port:
            host = f"{host}:{parts.port}"
    path = path.strip("/")
    path = path.removesuffix(".git")
    return f"{scheme}://{host}/{path}" if path else f"{scheme}://{host}"


def detect_kind(repo_url: str) -> ForgeKind | None:
    host = (urlsplit(repo_url).hostname or "").lower()
    if host == "github.com" or host.startswith("github."):
        return ForgeKind.GITHUB
    if "gitlab" in host:
        return ForgeKind.GITLAB
    if host == "bitbucket.org":
        return ForgeKind.BITBUCKET
    if host == "codeberg.org" or "gitea" in host or "forgejo" in host:
        return ForgeKind.GITEA
    return None


@dataclass(frozen=True, slots=True)
class Forge:
    """URL patterns of one repository's forge."""

    repo_url: str
    """The repository's web address, normalised (no ``.git``, no trailing slash); may be empty
    when only templates without ``{repo_url}`` are configured."""
    kind: ForgeKind | None
    commit_template: str | None
    blob_template: str | None
    """Without the fragment; ``blob_anchor_*`` hold it."""
    blob_anchor_one: str | None
    blob_anchor_range: str | None

    @classmethod
    def from_config(
        cls,
        repo_url: str | None,
        *,
        kind: ForgeKind | str | None = None,
        commit_url_template: str | None = None,
        blob_url_template: str | None = None,
    ) -> Forge | None:
        """The forge for ``repo_url``, or ``None`` when no link can be made.

        ``kind`` forces the URL scheme for a host whose name does not tell (a self-hosted Gitea).
        Templates take ``{repo_url}``, ``{sha}``, ``{short_sha}``, ``{path}``, ``{start}``,
        ``{end}``; a blob link without lines drops the template's ``#...`` fragment.
        Raises :class:`ForgeError` for a template naming an unknown field.
        """
        for template in (commit_url_template, blob_url_template):
            if template:
                _check_template(template)
        base = normalize_repo_url(repo_url) if repo_url else None
        try:
            forge_kind = ForgeKind(kind) if kind else (detect_kind(base) if base else None)
        except ValueError:
            known = ", ".join(item.value for item in ForgeKind)
            raise ForgeError(f"unknown forge {kind!r}; known forges: {known}") from None
        commit_t = blob_t = one = many = None
        if forge_kind is not None and base is not None:
            pattern = _PATTERNS[forge_kind]
            commit_t, blob_t = pattern.commit, pattern.blob
            one, many = pattern.one_line, pattern.line_range
        if commit_url_template:
            commit_t = commit_url_template
        if blob_url_template:
            blob_t, _, fragment = blob_url_template.partition("#")
            one = many = fragment or None
        if commit_t is None and blob_t is None:
            return None
        if base is None and any("{repo_url}" in t for t in (commit_t, blob_t) if t):
            return None
        return cls(base or "", forge_kind, commit_t, blob_t, one, many)

    def commit_url(self, sha: str) -> str | None:
        if not self.commit_template:
            return None
        return self.commit_template.format_map(self._fields(sha))

    def blob_url(
        self, sha: str, path: str, start: int | None = None, end: int | None = None
    ) -> str | None:
        """The file at ``sha`` with the lines ``start``-``end`` highlighted (forge's own anchor)."""
        if not self.blob_template:
            return None
        fields = self._fields(sha, path, start, end)
        url = self.blob_template.format_map(fields)
        if start is None:
            return url
        anchor = self.blob_anchor_one if end in (None, start) else self.blob_anchor_range
        return f"{url}#{anchor.format_map(fields)}" if anchor else url

    def _fields(
        self, sha: str, path: str = "", start: int | None = None, end: int | None = None
    ) -> dict[str, object]:
        return {
            "repo_url": self.repo_url,
            "sha": sha,
            "short_sha": sha[:7],
            "path": _quoted(path),
            "start": "" if start is None else start,
            "end": "" if start is None else (end if end is not None else start),
        }


@functools.lru_cache(maxsize=16384)
def _quoted(path: str) -> str:
    """``path`` for a URL; a site links the same files from many notes, at many commits."""
    return quote(path, safe="/")


def _check_template(template: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise ForgeError(f"URL template {template!r}: {error}") from None
    unknown = names - TEMPLATE_FIELDS
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(TEMPLATE_FIELDS))
        raise ForgeError(
            f"URL template {template!r} uses {', '.join(sorted(unknown))}; known fields: {known}"
        )


def site_forge(repo_url: str | None, settings: ThoughtsSettings) -> Forge | None:
    """The forge of a site: its ``repo_url`` read with the plugin's forge options, the same for
    the build, the export and ``thoughts check`` (a bad template stops all three)."""
    return Forge.from_config(
        repo_url,
        kind=settings.forge,
        commit_url_template=settings.commit_url_template,
        blob_url_template=settings.blob_url_template,
    )

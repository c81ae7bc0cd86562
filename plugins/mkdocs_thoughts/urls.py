"""Relative URLs between pages of the built site (plain strings, no MkDocs objects)."""

from __future__ import annotations

import functools


def relative_url(target: str, from_page: str) -> str:
    """The link from the page at ``from_page`` to ``target``; both are site-root URLs.

    A URL ending in ``/`` (directory URLs) or empty (the home page) is a folder; one ending in a
    file name is not. Called for every link of every generated page, so it avoids posixpath.
    """
    target_path, hash_, fragment = target.partition("#")
    base = _folder_parts(from_page)
    parts = _parts(target_path)
    common = 0
    for mine, theirs in zip(base, parts, strict=False):
        if mine != theirs:
            break
        common += 1
    pieces = [".."] * (len(base) - common) + list(parts[common:])
    relative = "/".join(pieces)
    is_folder = target_path == "" or target_path.endswith("/")
    if not relative:
        relative = "./"
    elif is_folder:
        relative += "/"
    return relative + hash_ + fragment


@functools.lru_cache(maxsize=4096)
def _folder_parts(page: str) -> tuple[str, ...]:
    parts = _parts(page)
    if page and not page.endswith("/"):
        return parts[:-1]  # a file URL: links are relative to its folder
    return parts


@functools.lru_cache(maxsize=65536)
def _parts(url: str) -> tuple[str, ...]:
    stripped = url.strip("/")
    return tuple(stripped.split("/")) if stripped else ()

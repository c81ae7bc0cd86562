"""Relative URLs between pages of the built site (plain strings, no MkDocs objects)."""

from __future__ import annotations

import functools


def relative_url(target: str, from_page: str) -> str:
    """The link from the page at ``from_page`` to ``target``; both are site-root URLs.

    A URL ending in ``/`` (directory URLs) or empty (the home page) is a folder; one ending in a
    file name is not.
    """
    target_path, hash_, fragment = target.partition("#")
    return _relative(target_path, _folder_parts(from_page)) + hash_ + fragment


def _relative(target: str, base: tuple[str, ...]) -> str:
    # Called for every link of every page the plugin writes. A target outside the folder the
    # link is from is one level further up than from that folder's parent, which is worked out
    # (and cached) there, where every page of the folder shares it. The link from the page's
    # own folder is not cached: with directory URLs each note is a folder of its own, and its
    # links seldom repeat (a 3,000-note build filled the 65,536 places of the cache: 15 MB).
    parts = _parts(target)
    if base and parts[: len(base)] != base:
        from_parent = _relative_from(target, base[:-1])
        return "../" if from_parent == "./" else "../" + from_parent
    relative = "/".join(parts[len(base) :])
    if not relative:
        return "./"
    return relative + "/" if target == "" or target.endswith("/") else relative


@functools.lru_cache(maxsize=1 << 16)
def _relative_from(target: str, base: tuple[str, ...]) -> str:
    """:func:`_relative`, for a folder many pages share."""
    return _relative(target, base)


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

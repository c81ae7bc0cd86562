"""Relative URLs between pages of the built site (plain strings, no MkDocs objects)."""

from __future__ import annotations

import posixpath


def relative_url(target: str, from_page: str) -> str:
    """The link from the page at ``from_page`` to ``target``; both are site-root URLs.

    A page URL ending in ``/`` (directory URLs) is a folder; one ending in a file name is not.
    """
    base = from_page if from_page.endswith("/") or not from_page else posixpath.dirname(from_page)
    base = base.strip("/") or "."
    target_path, _, fragment = target.partition("#")
    relative = posixpath.relpath(target_path.strip("/") or ".", base)
    is_folder = target_path == "" or target_path.endswith("/")
    if is_folder and relative != ".":
        relative += "/"
    elif relative == ".":
        relative = "./"
    return relative + (f"#{fragment}" if fragment else "")

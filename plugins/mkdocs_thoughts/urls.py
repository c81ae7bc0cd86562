"""Relative URLs between pages of the built site (plain strings, no MkDocs objects)."""

from __future__ import annotations


def relative_url(target: str, from_page: str) -> str:
    """The link from the page at ``from_page`` to ``target``; both are site-root URLs.

    A URL ending in ``/`` (directory URLs) or empty (the home page) is a folder; one ending in a
    file name is not. Called for every link of every generated page, so it avoids posixpath.
    """
    target_path, hash_, fragment = target.partition("#")
    base = from_page.strip("/").split("/") if from_page.strip("/") else []
    if from_page and not from_page.endswith("/"):
        base = base[:-1]  # a file URL: links are relative to its folder
    parts = target_path.strip("/").split("/") if target_path.strip("/") else []
    common = 0
    for mine, theirs in zip(base, parts, strict=False):
        if mine != theirs:
            break
        common += 1
    pieces = [".."] * (len(base) - common) + parts[common:]
    relative = "/".join(pieces)
    is_folder = target_path == "" or target_path.endswith("/")
    if not relative:
        relative = "./"
    elif is_folder:
        relative += "/"
    return relative + hash_ + fragment

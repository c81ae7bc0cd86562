from __future__ import annotations

import posixpath

import pytest
from mkdocs_thoughts.site.urls import relative_url


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        ("shared/research/x/", "shared/research/", "x/"),
        ("tags/#tag:a", "shared/research/x/", "../../../tags/#tag:a"),
        ("", "report/", "../"),
        ("shared/plans/", "shared/research/", "../plans/"),
        ("x.html", "a/b.html", "../x.html"),
        ("a/", "", "a/"),
        ("", "", "./"),
        ("shared/research/", "shared/research/", "./"),
    ],
)
def test_relative_url(target: str, page: str, expected: str) -> None:
    assert relative_url(target, page) == expected


def test_relative_url_agrees_with_posixpath_on_every_pair() -> None:
    """Against the obvious implementation, for folder and file URLs at several depths (the
    function caches by folder, so each pair is asked twice: cold and warm)."""
    urls = ["", "a/", "a/b/", "a/c/", "a/b/c/", "x/", "x/y/z/", "a/p.html", "a/b/q.html", "r.html"]
    for _ in range(2):
        for page in urls:
            folder = page if page == "" or page.endswith("/") else posixpath.dirname(page)
            for target in urls:
                expected = posixpath.relpath(target or ".", folder or ".")
                if target == "" or target.endswith("/"):
                    expected = "./" if expected == "." else expected + "/"
                assert relative_url(target + "#f", page) == expected + "#f", (target, page)

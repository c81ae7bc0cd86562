from __future__ import annotations

import pytest
from mkdocs_thoughts.urls import relative_url


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

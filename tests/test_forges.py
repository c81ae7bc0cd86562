"""Forge URL patterns: inferred from repo_url, each forge's own line anchors, and templates."""

from __future__ import annotations

import pytest
from mkdocs_thoughts.git.forges import Forge, ForgeError, ForgeKind, detect_kind, normalize_repo_url

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("https://github.com/org/repo", "https://github.com/org/repo"),
        ("https://github.com/org/repo.git", "https://github.com/org/repo"),
        ("https://github.com/org/repo/", "https://github.com/org/repo"),
        ("git@github.com:org/repo.git", "https://github.com/org/repo"),
        ("git@gitlab.com:group/sub/repo.git", "https://gitlab.com/group/sub/repo"),
        ("ssh://git@codeberg.org:2222/org/repo.git", "https://codeberg.org/org/repo"),
        ("https://user@bitbucket.org/org/repo.git", "https://bitbucket.org/org/repo"),
        ("http://gitea.lan:3000/org/repo", "http://gitea.lan:3000/org/repo"),
        ("  ", None),
    ],
)
def test_repo_url_forms_normalise(written: str, normal: str | None) -> None:
    assert normalize_repo_url(written) == normal


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/o/r", ForgeKind.GITHUB),
        ("https://github.example.com/o/r", ForgeKind.GITHUB),
        ("https://gitlab.com/o/r", ForgeKind.GITLAB),
        ("https://gitlab.example.org/o/r", ForgeKind.GITLAB),
        ("https://bitbucket.org/o/r", ForgeKind.BITBUCKET),
        ("https://codeberg.org/o/r", ForgeKind.GITEA),
        ("https://gitea.example.org/o/r", ForgeKind.GITEA),
        ("https://forgejo.example.org/o/r", ForgeKind.GITEA),
        ("https://example.com/o/r", None),
    ],
)
def test_kind_from_host(url: str, kind: ForgeKind | None) -> None:
    assert detect_kind(url) == kind


@pytest.mark.parametrize(
    ("repo_url", "commit", "lines", "one", "none"),
    [
        (
            "git@github.com:o/r.git",
            f"https://github.com/o/r/commit/{SHA}",
            f"https://github.com/o/r/blob/{SHA}/src/a.py#L3-L5",
            f"https://github.com/o/r/blob/{SHA}/src/a.py#L3",
            f"https://github.com/o/r/blob/{SHA}/src/a.py",
        ),
        (
            "https://gitlab.com/g/r.git",
            f"https://gitlab.com/g/r/-/commit/{SHA}",
            f"https://gitlab.com/g/r/-/blob/{SHA}/src/a.py#L3-5",
            f"https://gitlab.com/g/r/-/blob/{SHA}/src/a.py#L3",
            f"https://gitlab.com/g/r/-/blob/{SHA}/src/a.py",
        ),
        (
            "https://codeberg.org/o/r",
            f"https://codeberg.org/o/r/commit/{SHA}",
            f"https://codeberg.org/o/r/src/commit/{SHA}/src/a.py#L3-L5",
            f"https://codeberg.org/o/r/src/commit/{SHA}/src/a.py#L3",
            f"https://codeberg.org/o/r/src/commit/{SHA}/src/a.py",
        ),
        (
            "git@bitbucket.org:o/r.git",
            f"https://bitbucket.org/o/r/commits/{SHA}",
            f"https://bitbucket.org/o/r/src/{SHA}/src/a.py#lines-3:5",
            f"https://bitbucket.org/o/r/src/{SHA}/src/a.py#lines-3",
            f"https://bitbucket.org/o/r/src/{SHA}/src/a.py",
        ),
    ],
)
def test_each_forge_writes_its_own_urls(
    repo_url: str, commit: str, lines: str, one: str, none: str
) -> None:
    forge = Forge.from_config(repo_url)
    assert forge is not None
    assert forge.commit_url(SHA) == commit
    assert forge.blob_url(SHA, "src/a.py", 3, 5) == lines
    assert forge.blob_url(SHA, "src/a.py", 3, 3) == one
    assert forge.blob_url(SHA, "src/a.py", 3) == one
    assert forge.blob_url(SHA, "src/a.py") == none


def test_paths_are_quoted_per_segment() -> None:
    forge = Forge.from_config("https://github.com/o/r")
    assert forge is not None
    url = forge.blob_url(SHA, "docs/a b#c.md", 1)
    assert url == f"https://github.com/o/r/blob/{SHA}/docs/a%20b%23c.md#L1"


def test_no_repo_url_or_unknown_host_gives_no_forge() -> None:
    assert Forge.from_config(None) is None
    assert Forge.from_config("") is None
    assert Forge.from_config("https://example.com/o/r") is None


def test_kind_names_the_scheme_of_an_unknown_host() -> None:
    forge = Forge.from_config("https://code.example.com/o/r", kind="gitea")
    assert forge is not None
    assert forge.blob_url(SHA, "a.py", 2, 4) == (
        f"https://code.example.com/o/r/src/commit/{SHA}/a.py#L2-L4"
    )
    with pytest.raises(ForgeError, match="unknown forge 'svn'; known forges: github"):
        Forge.from_config("https://code.example.com/o/r", kind="svn")


def test_templates_override_the_inferred_patterns() -> None:
    forge = Forge.from_config(
        "https://github.com/o/r",
        commit_url_template="{repo_url}/commits/{short_sha}",
        blob_url_template="https://cgit.example.com/r/tree/{path}?id={sha}#n{start}",
    )
    assert forge is not None
    assert forge.commit_url(SHA) == "https://github.com/o/r/commits/0123456"
    assert forge.blob_url(SHA, "src/a.py", 7, 9) == (
        f"https://cgit.example.com/r/tree/src/a.py?id={SHA}#n7"
    )
    # Without lines, the template's fragment is dropped rather than left as "#n".
    assert forge.blob_url(SHA, "src/a.py") == f"https://cgit.example.com/r/tree/src/a.py?id={SHA}"


def test_templates_alone_work_for_an_unknown_host() -> None:
    forge = Forge.from_config(
        "https://example.com/o/r",
        blob_url_template="{repo_url}/file/{sha}/{path}#L{start}-{end}",
    )
    assert forge is not None
    assert forge.commit_url(SHA) is None
    assert forge.blob_url(SHA, "a.py", 4) == f"https://example.com/o/r/file/{SHA}/a.py#L4-4"


def test_template_needing_repo_url_without_one_gives_no_forge() -> None:
    assert Forge.from_config(None, commit_url_template="{repo_url}/c/{sha}") is None
    forge = Forge.from_config(None, commit_url_template="https://x.example/c/{sha}")
    assert forge is not None and forge.commit_url("abc") == "https://x.example/c/abc"


def test_unknown_template_field_is_an_error_listing_the_known_ones() -> None:
    with pytest.raises(ForgeError) as caught:
        Forge.from_config("https://github.com/o/r", blob_url_template="{repo}/{sha}/{file}")
    assert str(caught.value) == (
        "URL template '{repo}/{sha}/{file}' uses file, repo; known fields: "
        "{end}, {path}, {repo_url}, {sha}, {short_sha}, {start}"
    )

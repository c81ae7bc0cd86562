"""Test helpers: files written from a dict, and where the optional ../shared material is."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
CORPORA = SHARED / "corpora"


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented) and return ``root``."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def needs_corpora() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not CORPORA.is_dir(), reason=f"{CORPORA} is absent (the shared test corpora)"
    )

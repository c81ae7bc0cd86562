"""Fixtures shared by the plugin's tests (helpers live in treeutil.py, importable by name)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from treeutil import write_tree


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Mapping[str, str]], Path]:
    return lambda files: write_tree(tmp_path, files)

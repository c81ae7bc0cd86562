"""Fixtures for the data-pipeline tests: an isolated project in tmp_path, the sample
filing, and the four real filings shipped in tests/data/sec10k."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sec_finetune import Settings

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_FILING = REPO_ROOT / "data" / "raw" / "SAMP_10K_2023.html"
SEC10K_DIR = REPO_ROOT / "tests" / "data" / "sec10k"
REAL_FILINGS = ("AAPL_10K_2024", "CIGFV_10K_2015", "GAN_10K_2009", "MRX_10K_1999")


@pytest.fixture(scope="session")
def real_filings_dir() -> Path:
    """The four real 10-K filings (public EDGAR records, see tests/data/sec10k/README.md).

    They are part of the repository, so a missing one is a broken checkout: fail, never skip."""
    missing = [n for n in REAL_FILINGS if not (SEC10K_DIR / f"{n}.html").is_file()]
    if missing:
        pytest.fail(f"real 10-K filings missing from {SEC10K_DIR}: {', '.join(missing)}")
    return SEC10K_DIR


def clear_settings_env(mp: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("SEC_FINETUNE_"):
            mp.delenv(name)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (pyproject.toml, empty configs/, data/raw with the sample filing)
    as the working directory, so Settings() resolves every path inside tmp_path."""
    clear_settings_env(monkeypatch)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "configs").mkdir()
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy2(SAMPLE_FILING, raw / SAMPLE_FILING.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_settings(project: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return Settings.load(project / "configs", **overrides)

    return make

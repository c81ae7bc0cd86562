"""The models registered in this repository (models/registry) point at training runs that are
committed next to them, with the artifacts they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sec_finetune import ModelRegistry, read_run

REPO_ROOT = Path(__file__).resolve().parents[2]
REGISTRY = REPO_ROOT / "models" / "registry"


def _models() -> list[tuple[str, str]]:
    return [(m.name, m.version) for m in ModelRegistry(REGISTRY).list()]


def test_the_repository_registers_the_topic_models() -> None:
    assert ("risk-topics", "v1") in _models() and ("risk-topics", "v2") in _models()


@pytest.mark.parametrize(("name", "version"), _models())
def test_each_registered_model_names_a_committed_run(name: str, version: str) -> None:
    meta = ModelRegistry(REGISTRY).load(name, version)
    run_dir = REPO_ROOT / meta.artifacts["run"]
    run = read_run(run_dir)
    assert (run["run_id"], run["status"]) == (meta.training_run_id, "completed")
    assert run["git"]["commit"] == meta.git_sha
    final = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert {k: final[k] for k in meta.metrics} == meta.metrics
    for role, path in meta.artifacts.items():
        assert (REPO_ROOT / path).exists(), f"{name} {version}: {role} artifact {path} is missing"
    # The training's upstream features run is committed too, so its run page can link to it.
    lineage = json.loads((run_dir / "lineage.json").read_text(encoding="utf-8"))
    (upstream,) = lineage["upstream"]
    assert read_run(REPO_ROOT / upstream["run_dir"])["name"] == "features"

"""``train topics`` on the features of the real filings: a tracked, deterministic training
run with a per-iteration curve, lineage to the features run, and a registered model.

(It lives beside the pipeline tests because it trains on what the pipeline makes of the
real filings, located by this folder's ``real_filings_dir`` fixture.)
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sec_finetune import ModelRegistry, Settings, SettingsError, read_run
from sec_finetune.__main__ import main
from sec_finetune.pipeline.runner import run_pipeline
from sec_finetune.pipeline.stages import STAGE_ORDER
from sec_finetune.training.topics import TrainError, TrainReport, train_topics

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def project_root(
    real_filings_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A project whose latest features run holds the real filings' risk segments."""
    root = tmp_path_factory.mktemp("train_project")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
            mp.delenv(name)
        mp.chdir(root)
        settings = Settings.load(
            REPO_ROOT / "configs", paths={"project_root": root, "raw_dir": real_filings_dir}
        )
        run_pipeline(STAGE_ORDER, settings)
        yield root


@pytest.fixture
def settings(project_root: Path, real_filings_dir: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return Settings.load(
            REPO_ROOT / "configs",
            paths={"project_root": project_root, "raw_dir": real_filings_dir},
            **overrides,
        )

    return make


@pytest.fixture
def registry(tmp_path: Path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "registry")


def _curve(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _without_time(curve: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in point.items() if k != "time"} for point in curve]


def test_training_is_deterministic_for_a_seed(
    settings: Callable[..., Settings], registry: ModelRegistry
) -> None:
    first = train_topics(settings(), n_topics=5, registry=registry)
    second = train_topics(settings(), n_topics=5, registry=registry)
    assert first.run_dir != second.run_dir
    for name in ("topics.json", "model.json", "metrics.json", "run_config.yaml"):
        assert (first.run_dir / name).read_bytes() == (second.run_dir / name).read_bytes(), name
    assert _without_time(_curve(first.run_dir)) == _without_time(_curve(second.run_dir))

    other_seed = train_topics(settings(reproducibility={"seed": 7}), n_topics=5, registry=registry)
    assert (other_seed.run_dir / "model.json").read_bytes() != (
        first.run_dir / "model.json"
    ).read_bytes()
    assert yaml.safe_load((other_seed.run_dir / "run_config.yaml").read_text())["seed"] == 7


def test_one_metrics_line_per_iteration_and_final_metrics(
    settings: Callable[..., Settings], registry: ModelRegistry
) -> None:
    report = train_topics(settings(), n_topics=8, registry=registry)
    curve = _curve(report.run_dir)
    final = json.loads((report.run_dir / "metrics.json").read_text())
    assert [p["step"] for p in curve] == list(range(1, final["iterations"] + 1))
    assert final["iterations"] > 10
    errors = [p["reconstruction_error"] for p in curve]
    # Multiplicative updates never increase the Frobenius error.
    assert all(b <= a * (1 + 1e-9) for a, b in itertools.pairwise(errors))
    assert errors[-1] < errors[0] and final["reconstruction_error"] == errors[-1]
    assert -5 < final["coherence_umass"] < 0
    assert (final["n_topics"], final["n_documents"]) == (8, 54)  # AAPL 28 + GAN 26 risks

    topics = json.loads((report.run_dir / "topics.json").read_text())["topics"]
    assert [t["topic"] for t in topics] == list(range(8))
    assert all(len(t["words"]) == 10 for t in topics)
    assert sum(t["documents"] for t in topics) == 54
    words = {w for t in topics for w in t["words"]}
    # GAN is an auto insurer, Apple depends on suppliers: both show up as topics.
    assert {"insurance", "suppliers"} <= words
    run = read_run(report.run_dir)
    assert run["status"] == "completed" and run["name"] == "train-topics"
    assert len(run["summary"]["topics"]) == 8


def test_lineage_names_the_features_run(
    settings: Callable[..., Settings], registry: ModelRegistry, project_root: Path
) -> None:
    report = train_topics(settings(), n_topics=4, registry=registry)
    lineage = json.loads((report.run_dir / "lineage.json").read_text())
    (features_dir,) = (project_root / "data" / "processed").glob("*_features*")
    (upstream,) = lineage["upstream"]
    assert upstream["stage"] == "features"
    assert upstream["run_dir"] == features_dir.relative_to(project_root).as_posix()
    assert upstream["run_id"] == read_run(features_dir)["run_id"]
    assert [i["name"] for i in lineage["inputs"]] == [
        "AAPL_10K_2024_segmented_risks.json",
        "GAN_10K_2009_segmented_risks.json",
    ]
    assert [o["name"] for o in lineage["outputs"]] == ["topics.json", "model.json"]
    assert (
        yaml.safe_load((report.run_dir / "run_config.yaml").read_text())["input"]
        == (upstream["run_dir"])
    )


def test_registry_entry_names_a_run_that_exists(
    settings: Callable[..., Settings], registry: ModelRegistry, project_root: Path
) -> None:
    reports: list[TrainReport] = [
        train_topics(settings(), n_topics=k, registry=registry) for k in (3, 4)
    ]
    listed = registry.list("risk-topics")
    assert [m.version for m in listed] == ["v1", "v2"]
    for meta, report in zip(listed, reports, strict=True):
        run_dir = project_root / meta.artifacts["run"]
        assert run_dir == report.run_dir
        run = read_run(run_dir)
        assert (run["run_id"], run["name"], run["status"]) == (
            meta.training_run_id,
            "train-topics",
            "completed",
        )
        assert meta.git_sha == run["git"]["commit"]
        assert (project_root / meta.artifacts["topics"]).is_file()
        assert (project_root / meta.artifacts["model"]).is_file()
        final = json.loads((run_dir / "metrics.json").read_text())
        assert meta.metrics["reconstruction_error"] == final["reconstruction_error"]
        assert run["summary"]["model"] == f"risk-topics {meta.version}"


def test_too_many_topics_is_a_clear_error(
    settings: Callable[..., Settings], registry: ModelRegistry
) -> None:
    with pytest.raises(TrainError, match=r"60 topics need at least 60 segments; .* has 54"):
        train_topics(settings(), n_topics=60, registry=registry)
    assert registry.list() == []


def test_topic_settings_come_from_the_config_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
        monkeypatch.delenv(name)
    cfg = Settings.load(REPO_ROOT / "configs").topic_modeling
    assert (cfg.model_name, cfg.n_topics, cfg.init) == ("risk-topics", 8, "nndsvdar")
    monkeypatch.setenv("SEC_FINETUNE_TOPIC_MODELING__N_TOPICS", "0")
    with pytest.raises(SettingsError, match=r"SEC_FINETUNE_TOPIC_MODELING__N_TOPICS: "):
        Settings.load(REPO_ROOT / "configs")


def test_cli_train_then_models_list_and_show(
    project_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(project_root)
    monkeypatch.setenv("SEC_FINETUNE_PATHS__MODELS_DIR", str(tmp_path / "models"))
    config = ["--config-dir", str(REPO_ROOT / "configs")]
    assert main(["train", "topics", "--topics", "3", *config]) == 0
    out = capsys.readouterr().out
    assert "[train] 54 segments from 2 filing(s) in data/processed/" in out
    assert "registered risk-topics v1" in out
    assert main(["models", *config, "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:4] == ["name", "version", "created", "training"]
    assert listing[1].startswith("risk-topics  v1 ")
    assert main(["models", *config, "show", "risk-topics"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == "v1" and (project_root / shown["artifacts"]["run"]).is_dir()
    assert main(["models", *config, "show", "risk-topics", "v9"]) == 1
    assert "no model risk-topics v9" in capsys.readouterr().err
    assert main(["train", "topics", "--topics", "99", *config]) == 2
    assert "99 topics need at least 99 segments" in capsys.readouterr().err


def test_cli_train_without_a_features_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in os.environ if n.upper().startswith("SEC_FINETUNE_")]:
        monkeypatch.delenv(name)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "configs").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["train", "topics"]) == 2
    assert "no completed 'features' run under data/processed" in capsys.readouterr().err

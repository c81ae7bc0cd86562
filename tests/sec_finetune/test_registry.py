"""ModelRegistry: round trips, automatic versions, immutability of versions."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sec_finetune import ModelMetadata, ModelRegistry, RegistryError, VersionExistsError
from sec_finetune.registry import ModelNotFoundError

MP = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


@pytest.fixture
def registry(tmp_path: Path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "registry")


def test_register_and_load_round_trip(registry: ModelRegistry) -> None:
    created = datetime(2026, 1, 5, 12, 30, tzinfo=UTC)
    meta = registry.register(
        name="risk-clf",
        git_sha="0123456789abcdef0123456789abcdef01234567",
        training_run_id="20260105_123000_train",
        metrics={"f1": 0.81, "accuracy": 1},
        artifacts={"weights": Path("models/risk-clf/model.safetensors")},
        created=created,
    )
    assert meta.version == "v1"
    assert meta.metrics == {"f1": 0.81, "accuracy": 1.0}
    assert meta.artifacts == {"weights": "models/risk-clf/model.safetensors"}
    assert registry.load("risk-clf", "v1") == meta

    on_disk = json.loads((registry.root / "risk-clf" / "v1" / "metadata.json").read_text())
    assert on_disk["created"] == "2026-01-05T12:30:00Z"
    assert set(on_disk) == {
        "name",
        "version",
        "git_sha",
        "training_run_id",
        "metrics",
        "artifacts",
        "created",
    }


def test_created_defaults_to_an_aware_now(registry: ModelRegistry) -> None:
    meta = registry.register(name="m")
    assert meta.created.tzinfo is not None
    assert abs((datetime.now(UTC) - meta.created).total_seconds()) < 60


def test_versions_auto_increment_past_explicit_ones(registry: ModelRegistry) -> None:
    assert registry.register(name="m").version == "v1"
    assert registry.register({"name": "m"}).version == "v2"
    assert registry.register(name="m", version="v9").version == "v9"
    assert registry.register(name="m", version="baseline").version == "baseline"
    assert registry.register(name="m").version == "v10"
    assert registry.register(name="other").version == "v1"


def test_existing_versions_are_never_overwritten(registry: ModelRegistry) -> None:
    original = registry.register(name="m", version="v1", metrics={"f1": 0.5})
    with pytest.raises(VersionExistsError, match="m v1 is already registered"):
        registry.register(name="m", version="v1", metrics={"f1": 0.9})
    with pytest.raises(VersionExistsError):
        registry.register(original)
    assert registry.load("m", "v1").metrics == {"f1": 0.5}


def test_register_accepts_a_metadata_object(registry: ModelRegistry) -> None:
    meta = ModelMetadata(name="m", version="2026-01-rc1", metrics={"f1": 0.7})
    assert registry.register(meta) == meta
    assert registry.load("m", "2026-01-rc1") == meta


def test_list_and_latest_use_natural_version_order(registry: ModelRegistry) -> None:
    for _ in range(10):
        registry.register(name="b")
    registry.register(name="a")
    assert [(m.name, m.version) for m in registry.list()][:4] == [
        ("a", "v1"),
        ("b", "v1"),
        ("b", "v2"),
        ("b", "v3"),
    ]
    assert [m.version for m in registry.list("b")][-2:] == ["v9", "v10"]
    assert registry.latest("b").version == "v10"
    assert registry.list("nope") == []
    with pytest.raises(ModelNotFoundError, match="no versions of model nope"):
        registry.latest("nope")


def test_list_skips_registrations_in_flight(registry: ModelRegistry) -> None:
    registry.register(name="m")
    (registry.root / "m" / "v2").mkdir()  # claimed, metadata not written yet
    assert [m.version for m in registry.list("m")] == ["v1"]
    assert registry.register(name="m").version == "v3"


def test_empty_registry(tmp_path: Path) -> None:
    assert ModelRegistry(tmp_path / "absent").list() == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"name": "../escape"},
            "model metadata: name: String should match pattern "
            "'^[A-Za-z0-9][A-Za-z0-9._-]*$' (got '../escape')",
        ),
        (
            {"name": "m", "metrics": {"loss": float("nan")}},
            "model metadata: metrics.loss: Input should be a finite number (got nan)",
        ),
        (
            {"name": "m", "created": datetime(2026, 1, 1)},
            "model metadata: created: Input should have timezone info "
            "(got datetime.datetime(2026, 1, 1, 0, 0))",
        ),
        ({"name": "m", "epochs": 3}, "model metadata: epochs: Extra inputs are not permitted"),
    ],
)
def test_invalid_metadata_is_rejected_before_touching_disk(
    registry: ModelRegistry, fields: dict[str, Any], expected: str
) -> None:
    with pytest.raises(RegistryError) as excinfo:
        registry.register(**fields)
    assert str(excinfo.value).startswith(expected)
    assert not registry.root.exists()


def test_load_errors(registry: ModelRegistry) -> None:
    with pytest.raises(ModelNotFoundError, match="no model m v1"):
        registry.load("m", "v1")
    assert issubclass(ModelNotFoundError, LookupError)

    registry.register(name="m")
    path = registry.root / "m" / "v1" / "metadata.json"
    path.write_text('{"name": "m", "version": "v1", "created": "yesterday"}')
    with pytest.raises(RegistryError, match=r"metadata\.json: created: Input should be"):
        registry.load("m", "v1")

    path.write_text('{"name": "other", "version": "v1", "created": "2026-01-01T00:00:00Z"}')
    with pytest.raises(RegistryError, match="describes other v1, expected m v1"):
        registry.load("m", "v1")


def test_default_root_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("SEC_FINETUNE_"):
            monkeypatch.delenv(name)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert ModelRegistry().root == tmp_path / "models" / "registry"


def _register_one(root: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    results.put(ModelRegistry(root).register(name="race").version)


def test_concurrent_registrations_get_distinct_versions(registry: ModelRegistry) -> None:
    n = 12
    barrier, results = MP.Barrier(n), MP.Queue()
    procs = [
        MP.Process(target=_register_one, args=(str(registry.root), barrier, results))
        for _ in range(n)
    ]
    for p in procs:
        p.start()
    versions = [results.get(timeout=60) for _ in range(n)]
    for p in procs:
        p.join(timeout=60)
    assert sorted(versions, key=lambda v: int(v[1:])) == [f"v{i}" for i in range(1, n + 1)]
    assert len(registry.list("race")) == n

"""Content hashes, run discovery and the "same inputs + same config → skip" check.

Every stage run writes ``lineage.json`` (see ``runner.build_lineage``) next to its
``run.json``. This module reads those files back: to find the latest completed run of a
stage (the default input of the next stage) and to find an earlier run that already
turned exactly these input bytes into outputs with exactly this configuration.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sec_finetune.atomic import to_plain
from sec_finetune.run_context import LINEAGE_FILE, RUN_FILE

LINEAGE_FORMAT = "sec-finetune-lineage/1"
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json(data: Any) -> str:
    """One spelling per value, so equal configs always hash equally."""
    return json.dumps(to_plain(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def config_sha256(config: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()


def inputs_sha256(inputs: Iterable[Mapping[str, Any]]) -> str:
    """Fingerprint of a stage's input set: file names and contents, not locations, so a
    byte-identical upstream output in a newer run directory still matches."""
    pairs = sorted((str(i["name"]), str(i["sha256"])) for i in inputs)
    return hashlib.sha256(canonical_json(pairs).encode("utf-8")).hexdigest()


def rel_path(path: Path, root: Path) -> str:
    """``path`` relative to the project root (``../shared/x.html`` for a sibling folder)."""
    return Path(os.path.relpath(Path(path).absolute(), Path(root).absolute())).as_posix()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a run being written right now, or a hand-damaged file
    return data if isinstance(data, dict) else None


@dataclass(frozen=True, slots=True)
class RunRecord:
    run_dir: Path
    run: dict[str, Any]
    lineage: dict[str, Any] | None

    @property
    def run_id(self) -> str:
        return str(self.run.get("run_id", ""))

    @property
    def status(self) -> str:
        return str(self.run.get("status", ""))


def stage_runs(base_dir: Path, stage: str) -> list[RunRecord]:
    """All runs of ``stage`` under ``base_dir``, newest first."""
    if not base_dir.is_dir():
        return []
    records = []
    for child in base_dir.iterdir():
        run = _read_json(child / RUN_FILE) if child.is_dir() else None
        if run is None or run.get("name") != stage:
            continue
        records.append(RunRecord(child, run, _read_json(child / LINEAGE_FILE)))
    # started_at has milliseconds; the directory name breaks exact ties.
    records.sort(key=lambda r: (str(r.run.get("started_at", "")), r.run_dir.name), reverse=True)
    return records


def latest_completed(base_dir: Path, stage: str) -> RunRecord | None:
    return next((r for r in stage_runs(base_dir, stage) if r.status == "completed"), None)


def _outputs_intact(record: RunRecord) -> bool:
    """The outputs an earlier run recorded are still there with the recorded bytes."""
    assert record.lineage is not None
    for out in record.lineage.get("outputs", []):
        path = record.run_dir / str(out.get("name", ""))
        if not path.is_file() or sha256_file(path) != out.get("sha256"):
            return False
    return True


def find_reusable_run(
    base_dir: Path, stage: str, inputs_fingerprint: str, config_fingerprint: str
) -> RunRecord | None:
    """The newest completed, failure-free run of ``stage`` with identical inputs and
    config whose outputs are untouched — re-running it would only reproduce it."""
    for record in stage_runs(base_dir, stage):
        lineage = record.lineage
        if record.status != "completed" or lineage is None:
            continue
        if (
            lineage.get("inputs_sha256") == inputs_fingerprint
            and lineage.get("config_sha256") == config_fingerprint
            and lineage.get("counts", {}).get("failed", 1) == 0
            and _outputs_intact(record)
        ):
            return record
    return None

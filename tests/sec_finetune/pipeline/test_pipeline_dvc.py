"""dvc.yaml describes the same stages as the code (DVC itself is not needed)."""

from __future__ import annotations

from pathlib import Path

import yaml

from sec_finetune import Settings
from sec_finetune.pipeline.stages import STAGE_ORDER, STAGES, code_files

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_dvc_stages_match_the_pipeline() -> None:
    dvc = yaml.safe_load((REPO_ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    # The default layout (explicit here, so a developer's SEC_FINETUNE_* env cannot move it).
    settings = Settings.load(
        REPO_ROOT / "configs",
        paths={
            "project_root": REPO_ROOT,
            "interim_dir": "data/interim",
            "processed_dir": "data/processed",
        },
    )
    assert list(dvc) == list(STAGE_ORDER)
    previous_out: str | None = None
    for name in STAGE_ORDER:
        stage = dvc[name]
        assert stage["cmd"] == f"python -m sec_finetune pipeline run --stage {name}"
        deps = set(stage["deps"])
        # Every source file in the stage's code fingerprint is a DVC dependency.
        for path in code_files(name):
            assert path.relative_to(REPO_ROOT).as_posix() in deps, (name, path.name)
        # Each stage depends on the output folder of the one before it.
        assert (previous_out or "data/raw") in deps
        ((out, options),) = (next(iter(o.items())) for o in stage["outs"])
        assert options == {"persist": True}
        assert STAGES[name].base_dir(settings) == REPO_ROOT / out
        previous_out = out
    assert previous_out == "data/processed"

"""A filing whose name is as long as the file system allows costs that filing, not the batch
(issue 14, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sec_finetune.__main__ import main

SAMPLE_FILING = Path(__file__).resolve().parents[3] / "data" / "raw" / "SAMP_10K_2023.html"


def test_a_250_character_filing_name_does_not_stop_the_batch(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project / "data" / "raw"
    long_name = "L" * (250 - len("_10K_2023.html")) + "_10K_2023.html"
    assert len(long_name) == 250
    (raw / long_name).write_bytes(SAMPLE_FILING.read_bytes())
    status = main(["pipeline", "run", "--stage", "parse"])
    out = capsys.readouterr().out
    # The sample filing went through; the long one is either processed or a failed outcome
    # of its own, and the batch finished with a summary line for all of them.
    assert "SAMP_10K_2023.html: processed" in out
    assert "parse     2 file(s):" in out
    assert status in (0, 1)
    (parse_dir,) = (project / "data/interim/parsed").iterdir()
    assert (parse_dir / "lineage.json").is_file()
    assert not [p for p in parse_dir.iterdir() if p.name.endswith(".tmp")]

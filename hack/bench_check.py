"""Benchmark: `thoughts check` on 3,000 generated notes against a bare read + libyaml parse loop.

Run: .venv/bin/python hack/bench_check.py [--notes 3000] [--repeat 5]
Prints both times and their ratio (target: at most 2.0). Both sides run in this process, best of N.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mkdocs_thoughts.cli import main
from notegen import generate


def bare_loop(paths: list[Path]) -> int:
    """What any tool must do at least: read each file and parse its frontmatter with libyaml."""
    parsed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end != -1:
                yaml.load(text[4:end], Loader=yaml.CSafeLoader)
                parsed += 1
    return parsed


def check_once(root: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", "--config", str(root / "mkdocs.yml")])
    assert code == 0, "the generated notes should be valid"


def best_of_interleaved(repeat: int, *actions) -> list[float]:
    """Best time of each action, alternating them so a busy machine slows both alike."""
    best = [float("inf")] * len(actions)
    for _ in range(repeat):
        for index, action in enumerate(actions):
            started = time.perf_counter()
            action()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def run(count: int, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "mkdocs.yml").write_text(
            "site_name: bench\ndocs_dir: thoughts\nplugins:\n  - thoughts:\n"
            "      check_commits: false\n"
        )
        paths = generate(root / "thoughts", count)
        os.chdir(root)
        bare, ours = best_of_interleaved(repeat, lambda: bare_loop(paths), lambda: check_once(root))
        ratio = ours / bare
        print(f"notes:                  {count}")
        print(f"bare read + libyaml:    {bare * 1000:8.1f} ms")
        print(f"thoughts check:         {ours * 1000:8.1f} ms")
        print(f"ratio (target <= 2.0):  {ratio:8.2f}")
        return ratio


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    sys.exit(0 if run(options.notes, options.repeat) <= 2.0 else 1)

"""Benchmark: `thoughts check` on 3,000 generated notes against a bare read + libyaml parse loop.

Run: .venv/bin/python hack/bench_check.py [--notes 3000] [--repeat 5] [--no-git]
Prints both times and their ratio (target: at most 2.0). Both sides run in this process, best of N.
By default the notes live in a git repository with code references (hack/notegen.py
``generate_repo``) and the check runs with its git checks on; the bare side then also reads the
history once, as any tool that checks commits must (one ``git log``, the plugin's own command).
``--no-git`` measures the notes alone with ``check_commits: false``.
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
from mkdocs_thoughts.cli.main import main
from mkdocs_thoughts.git.readers import read_history
from notegen import generate, generate_repo


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


def run(count: int, repeat: int, *, with_git: bool = True) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = "site_name: bench\ndocs_dir: thoughts\nplugins:\n  - thoughts"
        if with_git:
            paths = generate_repo(root, count)
            (root / "mkdocs.yml").write_text(config + "\n")
        else:
            paths = generate(root / "thoughts", count)
            (root / "mkdocs.yml").write_text(config + ":\n      check_commits: false\n")
        os.chdir(root)

        def bare() -> None:
            bare_loop(paths)
            if with_git:
                read_history(root)

        baseline, ours = best_of_interleaved(repeat, bare, lambda: check_once(root))
        ratio = ours / baseline
        print(f"notes:                  {count}")
        label = "bare + libyaml + git log:" if with_git else "bare read + libyaml:"
        print(f"{label:24s}{baseline * 1000:8.1f} ms")
        print(f"thoughts check:         {ours * 1000:8.1f} ms")
        print(f"ratio (target <= 2.0):  {ratio:8.2f}")
        return ratio


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-git", action="store_true", help="notes only, check_commits: false")
    options = parser.parse_args()
    ratio = run(options.notes, options.repeat, with_git=not options.no_git)
    sys.exit(0 if ratio <= 2.0 else 1)

"""Benchmark: `thoughts check` on 3,000 generated notes against a bare read + libyaml parse loop.

Run: .venv/bin/python hack/bench_check.py [--notes 3000] [--repeat 5] [--no-git] [--instructions]
Prints both times and their ratio (target: at most 2.0). Both sides run in this process, best of N.
By default the notes live in a git repository with code references (hack/notegen.py
``generate_repo``) and the check runs with its git checks on; the bare side then also reads the
history once, as any tool that checks commits must (one ``git log``, the plugin's own command).
``--no-git`` measures the notes alone with ``check_commits: false``.

``--instructions`` (needs valgrind) counts what each side executes instead of timing it
(valgrind's cachegrind, the git processes included): exact on a machine whose timings scatter by
tens of percent. As the timed runs are, the check is counted warm, its modules imported and run
once before (two runs less one); the bare side is counted less a process that only imports. The
cold check (a fresh process, as in CI, imports included) is printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
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


def corpus(root: Path, count: int, *, with_git: bool) -> list[Path]:
    config = "site_name: bench\ndocs_dir: thoughts\nplugins:\n  - thoughts"
    if with_git:
        paths = generate_repo(root, count)
        (root / "mkdocs.yml").write_text(config + "\n")
    else:
        paths = generate(root / "thoughts", count)
        (root / "mkdocs.yml").write_text(config + ":\n      check_commits: false\n")
    return paths


def bare_once(root: Path, paths: list[Path], *, with_git: bool) -> None:
    bare_loop(paths)
    if with_git:
        read_history(root)


def run(count: int, repeat: int, *, with_git: bool = True) -> float:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = corpus(root, count, with_git=with_git)
        os.chdir(root)
        baseline, ours = best_of_interleaved(
            repeat, lambda: bare_once(root, paths, with_git=with_git), lambda: check_once(root)
        )
        return report(count, baseline * 1000, ours * 1000, "ms", with_git=with_git)


def report(count: int, baseline: float, ours: float, unit: str, *, with_git: bool) -> float:
    ratio = ours / baseline
    print(f"notes:                  {count}")
    label = "bare + libyaml + git log:" if with_git else "bare read + libyaml:"
    print(f"{label:24s}{baseline:8.1f} {unit}")
    print(f"thoughts check:         {ours:8.1f} {unit}")
    print(f"ratio (target <= 2.0):  {ratio:8.2f}")
    return ratio


def count_instructions(count: int, *, with_git: bool) -> float:
    """Each side once under cachegrind (run side by side: counts do not depend on the load)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "repo").mkdir()
        corpus(root / "repo", count, with_git=with_git)
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPYCACHEPREFIX": str(root / "pyc")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # One check first, uncounted: it compiles the bytecode of every module the check
        # imports (as installing does), not only of those an import of the CLI reaches.
        side = ["--side", "check", str(root / "repo")] + ([] if with_git else ["--no-git"])
        subprocess.run([sys.executable, __file__, *side], env=env, check=True)
        running = {}
        for name in ("none", "bare", "check", "check-twice"):
            (root / name).mkdir()
            command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes"]
            command += [f"--cachegrind-out-file={root / name}/%p.out", sys.executable, __file__]
            command += ["--side", name, str(root / "repo")] + ([] if with_git else ["--no-git"])
            running[name] = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        counts = {}
        for name, process in running.items():
            if process.wait() != 0:
                raise SystemExit(f"{name}: valgrind failed")
            counts[name] = sum(
                int(line.split()[1])
                for out in (root / name).glob("*.out")
                for line in out.read_text().splitlines()
                if line.startswith("summary:")
            )
    print(f"cold check, imports included: {(counts['check'] - counts['none']) / 1e6:.1f} M")
    bare, ours = counts["bare"] - counts["none"], counts["check-twice"] - counts["check"]
    return report(count, bare / 1e6, ours / 1e6, "M instructions", with_git=with_git)


def one_side(side: str, root: Path, *, with_git: bool) -> None:
    """What ``--instructions`` counts: one side, once, in this process."""
    os.chdir(root)
    if side == "bare":
        bare_once(root, sorted((root / "thoughts").rglob("*.md")), with_git=with_git)
    elif side.startswith("check"):
        for _ in range(2 if side == "check-twice" else 1):
            check_once(root)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-git", action="store_true", help="notes only, check_commits: false")
    parser.add_argument("--instructions", action="store_true", help="count (valgrind), not time")
    parser.add_argument("--side", nargs=2, help=argparse.SUPPRESS)  # internal: NAME ROOT
    options = parser.parse_args()
    with_git = not options.no_git
    if options.side:
        one_side(options.side[0], Path(options.side[1]), with_git=with_git)
        sys.exit(0)
    if options.instructions:
        ratio = count_instructions(options.notes, with_git=with_git)
    else:
        ratio = run(options.notes, options.repeat, with_git=with_git)
    sys.exit(0 if ratio <= 2.0 else 1)

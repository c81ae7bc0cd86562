"""Benchmark: full site build of N generated notes, with the plugin against two baselines.

  A. plain MkDocs + Material, default nav (every note listed in the nav)
  B. Material without the plugin, notes kept out of the nav (explicit small nav)
  C. Material with the thoughts plugin (its own small nav, indexes, headers)

Run: .venv/bin/python hack/bench_site.py [--notes 3000] [--skip-default-nav] [--repeat 5]
Targets: C/A <= 0.2 and C/B <= 1.25. Prints times and ratios. Each build runs in a fresh process,
after one untimed build of each configuration (which also compiles every module's bytecode, as
installing a package does: with PYTHONDONTWRITEBYTECODE set, as on our CI machines, the plugin's
40 modules would otherwise be compiled again in every timed build, and MkDocs' would not).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notegen import generate

BASE = "site_name: bench\ndocs_dir: thoughts\ntheme:\n  name: material\n  font: false\n"
CONFIGS = {
    "A: Material, default nav": BASE + "plugins:\n  - search\n",
    "B: Material, notes out of nav": BASE + "plugins:\n  - search\nnav:\n  - Home: index.md\n",
    "C: Material + thoughts plugin": BASE + "plugins:\n  - search\n  - thoughts:\n"
    "      check_commits: false\n",
}


def build(root: Path, config: str, *, quiet: bool = False) -> float:
    """CPU seconds (user + system) of one build in a fresh process.

    CPU time, not wall time: on a shared machine wall times of the same build varied by 30%
    from run to run, while the work done does not change.
    """
    config_file = root / "mkdocs.yml"
    config_file.write_text(config)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(mkdocs), "build", "--quiet", "--site-dir", str(root / "site")],
        cwd=root,
        check=True,
        env=_environment(root),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if not quiet:
        print(f"    build: {cpu:7.2f} s CPU, {wall:7.2f} s wall", flush=True)
    return cpu


def _environment(root: Path) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPYCACHEPREFIX": str(root / "pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--skip-default-nav", action="store_true", help="skip the slow baseline A")
    parser.add_argument("--repeat", type=int, default=3, help="best of N, builds interleaved")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root / "thoughts", options.notes)
        (root / "thoughts/index.md").write_text("# Home\n\n<!-- thoughts:summary -->\n")
        for name, config in CONFIGS.items():
            if not name.startswith("A"):
                build(root, config, quiet=True)  # warm-up: bytecode and file cache
        runs: dict[str, list[float]] = {name: [] for name in CONFIGS}
        for attempt in range(options.repeat):
            for name, config in CONFIGS.items():
                if name.startswith("A") and (options.skip_default_nav or attempt > 0):
                    continue  # the quadratic baseline is slow enough to run once
                print(f"  {name}", flush=True)
                runs[name].append(build(root, config))
        times = {name: min(seconds) for name, seconds in runs.items() if seconds}
        for name, seconds in times.items():
            print(f"{name:34s} {seconds:8.2f} s CPU (best of the runs)", flush=True)
    ours = times["C: Material + thoughts plugin"]
    # Each C run against the B run just before it: on a shared machine the speed of the whole
    # machine drifts by tens of percent over minutes, which a pair mostly shares.
    baseline, plugin = runs["B: Material, notes out of nav"], runs["C: Material + thoughts plugin"]
    pairs = sorted(c / b for b, c in zip(baseline, plugin, strict=True))
    print(f"C / B per pair: {' '.join(f'{ratio:.2f}' for ratio in pairs)}")
    print(f"C / B median of pairs: {statistics.median(pairs):.3f}")
    ok = True
    if "A: Material, default nav" in times:
        ratio = ours / times["A: Material, default nav"]
        ok &= ratio <= 0.2
        print(f"C / A (target <= 0.20): {ratio:.3f}")
    ratio = ours / times["B: Material, notes out of nav"]
    ok &= ratio <= 1.25
    print(f"C / B (target <= 1.25): {ratio:.3f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

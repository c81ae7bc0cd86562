"""Benchmark: full site build of N generated notes, with the plugin against two baselines.

  A. plain MkDocs + Material, default nav (every note listed in the nav)
  B. Material without the plugin, notes kept out of the nav (explicit small nav)
  C. Material with the thoughts plugin, ``check_commits: false`` and no ``repo_url`` (for
     attribution: what the notes, indexes, headers and graph cost without git)
  F. Material with the thoughts plugin and every feature on: ``repo_url`` set (permalinks to
     code and commits), ``check_commits`` (git facts, code references with drift), runs
  R. (for attribution, not a target) B with ``repo_url`` set, as F has it: Material then adds its
     repository widget and the edit and view buttons to every page, a cost of the theme
  N. (for attribution, not a target) B with as many nav entries as C has: Material renders the
     whole nav into every page, so each entry costs something on every one of the 3,000 pages
     (C renders it once per folder for the notes, see mkdocs_thoughts/adapters/nav_cache.py)

Run: .venv/bin/python hack/bench_site.py [--notes 3000] [--skip-default-nav] [--repeat 5]
     [--work-dir /dev/shm]
     .venv/bin/python hack/bench_site.py --instructions   (needs valgrind; about 10 minutes)
The notes live in a real git repository (hack/notegen.py ``generate_repo``): code history with
changes, renames and deletions, one commit per note, 10-40 code references per note, some runs.
Targets: C/A <= 0.2 and F/B <= 1.25 (C/B is printed for attribution). Prints times and ratios.
Each build runs in a fresh process, after one untimed build of each configuration (which also
compiles every module's bytecode, as installing a package does: with PYTHONDONTWRITEBYTECODE set,
as on our CI machines, the plugin's 40 modules would otherwise be compiled again in every timed
build, and MkDocs' would not).

On a shared virtual machine the CPU time of one build varies by 30% from run to run, which is
more than the margin being measured. --instructions counts the instructions each build executes
instead (valgrind's cachegrind, without cache simulation, string hashing seeded alike), the git
processes a build starts included: the same count every run, so the ratio is exact, though it
weighs every instruction alike. Writing the site to a virtual disk adds 0.7-2.6 s of system
time to every 1,000-note build here, the same work each time; ``--work-dir /dev/shm`` builds in
memory, where it is 0.1-0.3 s. That takes out one source of scatter, not the machine's own: the
same build's user time has been seen to drift by half within an hour.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notegen import generate_repo

BASE = "site_name: bench\ndocs_dir: thoughts\ntheme:\n  name: material\n  font: false\n"
A, B, C, F = (
    "A: Material, default nav",
    "B: Material, notes out of nav",
    "C: + thoughts, check_commits: false",
    "F: + thoughts, every feature on",
)
REPO_URL = "repo_url: https://github.com/sec/finetune\n"
CONFIGS = {
    A: BASE + "plugins:\n  - search\n",
    B: BASE + "plugins:\n  - search\nnav:\n  - Home: index.md\n",
    C: BASE + "plugins:\n  - search\n  - thoughts:\n      check_commits: false\n",
    F: BASE + REPO_URL + "plugins:\n  - search\n  - thoughts\n",
}
B_NAV = "N: B with a nav as long as C's"
B_REPO = "R: B with repo_url (Material's widgets)"
C_NAV_LENGTH = 8
"""Home, Research, Plans, PRs, Tags, Status, Graph, Report: the nav the plugin makes here."""


def long_nav_config(notes: list[Path], root: Path) -> str:
    """B's config with C_NAV_LENGTH top-level entries (Home and the first notes)."""
    entries = [
        f"  - Note {index}: {path.relative_to(root).as_posix()}\n"
        for index, path in enumerate(notes[: C_NAV_LENGTH - 1], start=1)
    ]
    return BASE + "plugins:\n  - search\nnav:\n  - Home: index.md\n" + "".join(entries)


class Usage(NamedTuple):
    cpu: float
    """User + system seconds of the build and the git processes it waited for."""
    peak: float
    """Peak resident memory, MiB (its page faults are part of the system time)."""


def build(root: Path, config: str, *, quiet: bool = False) -> Usage:
    """What one build in a fresh process costs.

    CPU time, not wall time: on a shared machine wall times of the same build varied by 30%
    from run to run, while the work done does not change.
    """
    config_file = root / "mkdocs.yml"
    config_file.write_text(config)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    started = time.perf_counter()
    command = [str(mkdocs), "build", "--quiet", "--site-dir", str(root / "site")]
    process = subprocess.Popen(command, cwd=root, env=_environment(root))
    # wait4: this build's own usage (with the git processes it waited for), peak memory too.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if not quiet:
        print(
            f"    build: {cpu:7.2f} s CPU (user {usage.ru_utime:.2f}, system "
            f"{usage.ru_stime:.2f}), {wall:7.2f} s wall, peak {peak:.0f} MiB",
            flush=True,
        )
    return Usage(cpu, peak)


def _environment(root: Path) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPYCACHEPREFIX": str(root / "pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # String hashes vary from process to process, and with them the order of sets and the work
    # of every dict: 0.3% of a build's instruction count, as much as the last margins measured.
    env["PYTHONHASHSEED"] = "0"
    return env


def count_instructions(root: Path, configs: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Instructions executed by one build of each config, with the git processes it starts
    (the builds run side by side: counts do not depend on what else the machine does), as
    (total, of which git)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    running = {}
    for index, (name, config) in enumerate(configs.items()):
        config_file = root / f"mkdocs-{index}.yml"
        config_file.write_text(config)
        outputs = root / f"cachegrind-{index}"
        outputs.mkdir()
        command = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--trace-children=yes",
            f"--cachegrind-out-file={outputs}/%p.out",
        ]
        command += [sys.executable, str(mkdocs), "build", "--quiet", "-f", str(config_file)]
        command += ["--site-dir", str(root / f"site-{index}")]
        process = subprocess.Popen(
            command, cwd=root, env=_environment(root), stderr=subprocess.PIPE
        )
        running[name] = (process, outputs)
    counts = {}
    for name, (process, outputs) in running.items():
        _, errors = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"{name}: valgrind failed\n{errors.decode(errors='replace')[-2000:]}")
        total = git = 0
        for out in outputs.glob("*.out"):
            lines = out.read_text().splitlines()
            count = int(next(line for line in lines if line.startswith("summary:")).split()[1])
            command_line = next(line for line in lines if line.startswith("cmd:"))
            total += count
            git += count if Path(command_line.split()[1]).name == "git" else 0
        counts[name] = (total, git)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--skip-default-nav", action="store_true", help="skip the slow baseline A")
    parser.add_argument("--repeat", type=int, default=3, help="best of N, builds interleaved")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind) instead of time"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the repository and the site are written (default: the system's temp folder)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=options.work_dir) as folder:
        root = Path(folder)
        notes = generate_repo(root, options.notes)
        (root / "thoughts/index.md").write_text("# Home\n\n<!-- thoughts:summary -->\n")
        configs = dict(CONFIGS)
        configs[B_NAV] = long_nav_config(notes, root / "thoughts")
        configs[B_REPO] = configs[B].replace(BASE, BASE + REPO_URL)
        for name, config in configs.items():
            if name != A:
                build(root, config, quiet=True)  # warm-up: bytecode and file cache
        if options.instructions:
            return report_instructions(
                count_instructions(root, {name: configs[name] for name in (B, B_REPO, B_NAV, C, F)})
            )
        runs: dict[str, list[Usage]] = {name: [] for name in configs}
        for attempt in range(options.repeat):
            for name, config in configs.items():
                if name == A and (options.skip_default_nav or attempt > 0):
                    continue  # the quadratic baseline is slow enough to run once
                print(f"  {name}", flush=True)
                runs[name].append(build(root, config))
    return report_times(runs)


def report_instructions(found: dict[str, tuple[int, int]]) -> int:
    counts = {name: total for name, (total, _) in found.items()}
    for name, (count, git) in found.items():
        share = f" (git's processes: {git / 1e9:.2f} G)" if git else ""
        print(f"{name:34s} {count / 1e9:8.2f} G instructions{share}")
    print(f"N / B (the nav's share, not a target): {counts[B_NAV] / counts[B]:.3f}")
    print(f"R / B (Material's repo_url widgets, not a target): {counts[B_REPO] / counts[B]:.3f}")
    print(f"F / R (the plugin against Material with repo_url): {counts[F] / counts[B_REPO]:.3f}")
    print(f"C / N (the plugin with the same nav):  {counts[C] / counts[B_NAV]:.3f}")
    ratio = counts[C] / counts[B]
    print(f"C / B (check_commits: false, for attribution): {ratio:.3f}")
    ratio = counts[F] / counts[B]
    print(f"F / B (every feature on, target <= 1.25): {ratio:.3f}")
    return 0 if ratio <= 1.25 else 1


def report_times(runs: dict[str, list[Usage]]) -> int:
    times = {name: min(run.cpu for run in usages) for name, usages in runs.items() if usages}
    for name, seconds in times.items():
        peak = max(run.peak for run in runs[name])
        print(f"{name:34s} {seconds:8.2f} s CPU (best of the runs), peak {peak:.0f} MiB")
    # Each C run against the B run of the same round: on a shared machine the speed of the whole
    # machine drifts by tens of percent over minutes, which a round mostly shares.
    pairs = sorted(f.cpu / b.cpu for b, f in zip(runs[B], runs[F], strict=True))
    print(f"F / B per pair: {' '.join(f'{ratio:.2f}' for ratio in pairs)}")
    print(f"F / B median of pairs: {statistics.median(pairs):.3f}")
    print(f"N / B (the nav's share, not a target): {times[B_NAV] / times[B]:.3f}")
    print(f"R / B (Material's repo_url widgets, not a target): {times[B_REPO] / times[B]:.3f}")
    print(f"F / R (the plugin against Material with repo_url): {times[F] / times[B_REPO]:.3f}")
    ok = True
    if A in times:
        ratio = times[C] / times[A]
        ok &= ratio <= 0.2
        print(f"C / A (target <= 0.20): {ratio:.3f}")
    print(f"C / B (check_commits: false, for attribution): {times[C] / times[B]:.3f}")
    ratio = times[F] / times[B]
    ok &= ratio <= 1.25
    print(f"F / B (every feature on, target <= 1.25): {ratio:.3f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

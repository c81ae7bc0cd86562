"""Benchmark: `mkdocs serve` on N generated notes, from saving an edit to the page showing it.

Run: .venv/bin/python hack/bench_serve.py [--notes 1000] [--edits 3] [--full]
Target: at most 3 s per edit. Prints each edit's latency and the worst. It serves with --dirty,
as `make serve` does (the plugin also rebuilds the pages whose derived content changed);
--full serves without it, so that every save rebuilds the whole site.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notegen import generate
from serving import fetch, mkdocs_serve, wait_for

CONFIG = (
    "site_name: bench\ndocs_dir: thoughts\ntheme:\n  name: material\n  font: false\n"
    "plugins:\n  - search\n  - thoughts:\n      check_commits: false\n"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="serve without --dirty")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = generate(root / "thoughts", options.notes)
        (root / "mkdocs.yml").write_text(CONFIG)
        target = paths[len(paths) // 2]
        url_path = target.relative_to(root / "thoughts").with_suffix("").as_posix() + "/"
        started = time.perf_counter()
        extra = () if options.full else ("--dirty",)
        with mkdocs_serve(root, *extra, timeout=600) as base:
            print(f"first build and serve: {time.perf_counter() - started:.1f} s")
            latencies = []
            for edit in range(options.edits):
                marker = f"edit-marker-{edit}"
                text = target.read_text() + f"\n{marker}\n"
                target.write_text(text)
                stamp = time.time()
                os.utime(target, (stamp, stamp))
                latency = wait_for(lambda m=marker: m in (fetch(base + url_path) or ""), 60)
                latencies.append(latency)
                print(f"edit {edit + 1}: page shows it after {latency:.2f} s")
                time.sleep(1)
    worst = max(latencies)
    mode = "full rebuilds" if options.full else "--dirty, as make serve"
    print(
        f"notes: {options.notes} ({mode}), worst save-to-page latency: {worst:.2f} s "
        "(target <= 3 s)"
    )
    return 0 if worst <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())

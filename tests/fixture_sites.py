"""Every fixture site of the test suite, in one place.

Each entry writes a whole site (mkdocs.yml, notes, runs, sometimes a git history) into an empty
folder and returns the folder holding mkdocs.yml. The tests that build a site use these writers,
and tests/test_equivalence.py runs `thoughts check` and `mkdocs build --strict` over each one:
whatever a site is for, the two front ends must report the same problems on it.

Writers that need git expect :func:`gitfixtures.isolate_git` to be in effect.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import test_cli_check
import test_export
import test_nav_cache
import test_plugin_build
import test_serve
import test_site
import test_site_browser
import test_site_git
from factories import mkdocs_yml
from treeutil import CORPORA, write_tree

SiteWriter = Callable[[Path], Path]

RESULTS = "thoughts/shared/research/2026-01-07_10-00-00_results.md"
PARSE = "data/interim/parsed/20260105_140307_parse_0123456"
TRAIN = "data/processed/labeled/20260106_090000_train"
RUN_NOTE = """\
---
date: 2026-01-07T10:00:00+01:00
researcher: Ada
git_commit: 0123456
branch: main
repository: sec-finetune
topic: Results
tags: [runs]
status: complete
runs: [20260105_140307_parse, 20990101_000000_nope]
---
# Results

The parse run: [parse](../../../data/interim/parsed/20260105_140307_parse_0123456/), and a
link to a run that is not here: [gone](../../../data/processed/20250102_000000_gone/).

| example run | what |
|---|---|
| `20231201_143022_auto_label_bart/` | an example from another machine |
| `data/processed/labeled/20231201_143022_x/` | gitignored, never here |
| `data/interim/parsed/20260105_140307_parse_0123456/` | a run that is here |
"""


def _run_json(name: str, run_id: str) -> str:
    started = f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T{run_id[9:11]}:{run_id[11:13]}:00+01:00"
    return json.dumps(
        {
            "format": "sec-finetune-run/1",
            "run_id": run_id,
            "name": name,
            "status": "completed",
            "started_at": started,
            "ended_at": None,
            "duration_seconds": 1.5,
            "git": {"commit": None, "branch": "main", "dirty": False},
            "notes": [RESULTS],
        }
    )


def write_runs_site(root: Path, options: str = "      check_commits: false\n") -> Path:
    """Notes citing runs that exist and runs that do not (field, link, prose), and run files
    that cannot be read (a torn line in the middle of metrics.jsonl, a broken run_config)."""
    return write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(options),
            "thoughts/index.md": "# Home\n\n<!-- thoughts:summary -->\n",
            RESULTS: RUN_NOTE,
            f"{PARSE}/run.json": _run_json("parse", "20260105_140307"),
            f"{PARSE}/metrics.jsonl": '{"step": 1, "loss": 0.5}\n{"step": 2, "lo\n'
            '{"step": 3, "loss": 0.3}\n',
            f"{TRAIN}/run.json": _run_json("train", "20260106_090000"),
            f"{TRAIN}/run_config.yaml": "model: [unclosed\n",
        },
    )


RULES_OPTIONS = """\
      check_commits: false
      rules: {TH201: off, TH104: error, TH401: error, TH402: warning, TH315: no, TH313: on}
"""
"""The README's own spelling: YAML 1.1 reads `off`/`no` as false and `on` as true."""


def write_rules_site(root: Path) -> Path:
    """The runs site under `rules:` that change every severity the runs used to hard-code."""
    write_runs_site(root, RULES_OPTIONS)
    return write_tree(
        root,
        {
            # TH201 (file name) is off, TH104 (unknown key) an error.
            "thoughts/shared/research/notes about parsing.md": RUN_NOTE.replace(
                "runs: [20260105_140307_parse, 20990101_000000_nope]\n", "ticket: ABC-1\n"
            ),
        },
    )


def write_inherit_site(root: Path) -> Path:
    """The plugin's options in a base file (INHERIT), a value from the environment (!ENV)."""
    return write_tree(
        root,
        {
            "base.yml": "docs_dir: thoughts\ntheme:\n  name: material\n  font: false\n"
            "plugins:\n  - search\n  - thoughts:\n      check_commits: false\n"
            "      extra_statuses: [abandoned]\n"
            "      statuses: !ENV [THOUGHTS_TEST_UNSET_VARIABLE, [draft, done]]\n"
            "      date_precision: !ENV [THOUGHTS_TEST_DATE_PRECISION, time]\n",
            "mkdocs.yml": "INHERIT: base.yml\nsite_name: !ENV [THOUGHTS_TEST_SITE, Inherited]\n",
            "thoughts/shared/research/2025-12-01_10-00-00_a.md": test_site.note(
                "Abandoned idea", "2025-12-01T10:00:00+00:00", status="abandoned"
            ),
            "thoughts/shared/research/2025-12-02_10-00-00_b.md": test_site.note(
                "Done idea", "2025-12-02T10:00:00+00:00", status="done"
            ),
            "thoughts/shared/research/2025-12-03_10-00-00_c.md": test_site.note(
                "Completed idea", "2025-12-03T10:00:00+00:00", status="complete"
            ),
            "thoughts/shared/research/2025-12-04_10-00-00_d.md": test_site.note(
                "A day only", "2025-12-04", status="done"
            ),
        },
    )


def write_serve_site(root: Path) -> Path:
    """What the serve test ends with: a note, a note with a bad status, a plan built on one."""
    return write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(),
            test_serve.R1: test_serve.note(1, "First note"),
            test_serve.R2: test_serve.note(2, "Second note", status="complet"),
            test_serve.P1: test_serve.note(
                3, "A plan", extra=f"related_research: {test_serve.R1}\n"
            ),
        },
    )


def _nav_cache_site(**variant: bool) -> SiteWriter:
    def write(root: Path) -> Path:
        return write_tree(root, test_nav_cache.site_tree("      check_commits: false\n", **variant))

    return write


def _corpus_site(folder: Path) -> SiteWriter:
    def write(root: Path) -> Path:
        shutil.copytree(folder / "thoughts", root / "thoughts")
        (root / "mkdocs.yml").write_text(mkdocs_yml())
        return root

    return write


SITES: dict[str, SiteWriter] = {
    "site": test_site.write_site,
    "site-author-index": test_site.write_author_index_site,
    "site-material-tags": test_site.write_material_tags_site,
    "site-browser": test_site_browser.write_site,
    "site-git": test_site_git.write_site,
    "cli-check": test_cli_check.write_site,
    "plugin-build-bad-status": lambda root: test_plugin_build.site(root, "complet"),
    "plugin-build-fail-on-error": lambda root: test_plugin_build.site(
        root, "complet", options="      fail_on_error: true\n"
    ),
    "nav-cache": _nav_cache_site(),
    "nav-cache-explicit-nav": _nav_cache_site(explicit_nav=True),
    "nav-cache-blog": _nav_cache_site(blog=True),
    "serve": write_serve_site,
    "export": lambda root: test_export.make_site(root).root,
    "runs": write_runs_site,
    "rules": write_rules_site,
    "inherit": write_inherit_site,
}
"""Name -> writer. The real corpora (../shared/corpora) join when they are present."""

CORPUS_SITES: dict[str, SiteWriter] = (
    {
        f"corpus-{folder.name}": _corpus_site(folder)
        for folder in sorted(CORPORA.iterdir())
        if (folder / "thoughts").is_dir()
    }
    if CORPORA.is_dir()
    else {}
)

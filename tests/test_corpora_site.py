"""The site over a real corpus: the lightfast notes build, with a graph page and relation counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitebuild import build_site, mkdocs_yml
from treeutil import CORPORA

LIGHTFAST = CORPORA / "lightfastai__lightfast"


@pytest.mark.slow
@pytest.mark.skipif(not LIGHTFAST.is_dir(), reason=f"{LIGHTFAST} is absent (shared corpora)")
def test_lightfast_corpus_builds_with_graph_and_relation_counts(tmp_path: Path) -> None:
    shutil.copytree(LIGHTFAST / "thoughts", tmp_path / "thoughts")
    (tmp_path / "mkdocs.yml").write_text(mkdocs_yml())
    site = build_site(tmp_path)

    graph = BeautifulSoup((site / "graph/index.html").read_text(), "html.parser")
    nodes = graph.select("svg[data-graph=full] .tg-nodes > a")
    assert len(nodes) == 316

    report = BeautifulSoup((site / "report/index.html").read_text(), "html.parser")
    summary = report.select_one(".th-report > p").get_text(" ", strip=True)
    assert "Relations: 526 resolved, 55 unresolved" in summary, summary

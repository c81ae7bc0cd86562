"""The site in real Chromium: pages load without errors, the filter works, payloads stay text."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from factories import mkdocs_yml
from sitebuild import build_site
from treeutil import write_tree

pytestmark = [needs_chromium(), pytest.mark.browser]

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(2)</script>',
    "</script><script>alert(3)</script>",
    "javascript:alert(4)",
    "' onmouseover='alert(5)",
]
EVIL = "thoughts/shared/research/2025-12-02_12-00-00_evil.md"
GOOD = "thoughts/shared/research/2025-12-01_09-30-00_good.md"
PLAN = "thoughts/shared/plans/2025-12-03_18-14-34_plan.md"


def yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_site(root: Path) -> Path:
    """Notes whose every field carries a script payload, and a plan built on a good note."""
    evil = (
        "---\n"
        "date: 2025-12-02T12:00:00+00:00\n"
        f"researcher: {yaml_text(PAYLOADS[1])}\n"
        "git_commit: 3d801c3\n"
        f"branch: {yaml_text(PAYLOADS[2])}\n"
        "repository: sec-finetune\n"
        f"topic: {yaml_text(PAYLOADS[0])}\n"
        f"tags: [{yaml_text(PAYLOADS[3])}, {yaml_text(PAYLOADS[4])}, safe]\n"
        f"status: {yaml_text(PAYLOADS[1])}\n"
        f"related_research: {yaml_text('javascript://%0aalert(6)')}\n"
        "---\n# Evil note\n"
    )
    good = (
        "---\ndate: 2025-12-01T09:30:00+00:00\nresearcher: Ada\ngit_commit: 3d801c3\n"
        "branch: main\nrepository: r\ntopic: Good research\ntags: [safe]\nstatus: complete\n"
        "---\n# Good research\n"
    )
    plan = good.replace("Good research", "A plan")
    plan = plan.replace("status: complete", "status: in_progress")
    plan = plan.replace("tags: [safe]", f"tags: [planning]\nrelated_research: {GOOD}")
    write_tree(
        root,
        {
            "mkdocs.yml": mkdocs_yml(),
            "thoughts/index.md": "# Home\n\n<!-- thoughts:summary -->\n",
            EVIL: evil,
            GOOD: good,
            PLAN: plan,
        },
    )
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("browser-site"))
    build_site(root)
    return root / "site"


def test_pages_load_filter_and_links_work_and_no_payload_runs(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        for url in (
            "",
            "shared/research/",
            "shared/plans/",
            "report/",
            "status/",
            "tags/",
            "shared/research/2025-12-02_12-00-00_evil/",
            "researchers/",
        ):
            page.goto(base + url)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss === undefined")

        page.goto(base + "shared/research/")
        rows = page.locator("tr.th-row")
        assert rows.count() == 2
        page.select_option("[data-th-filter=status]", "complete")
        assert page.locator("tr.th-row:visible").count() == 1
        assert page.locator("[data-th-count]").inner_text() == "1 note"
        page.select_option("[data-th-filter=status]", "")
        page.select_option("[data-th-filter=tags]", PAYLOADS[3])
        assert page.locator("tr.th-row:visible").count() == 1
        page.select_option("[data-th-filter=tags]", "")
        page.click("th[data-th-sort=title]")
        titles = page.locator("tr.th-row td:nth-child(2) a").all_inner_texts()
        assert titles == sorted(titles, key=str.lower)

        page.click("text=Good research")
        page.wait_for_load_state("load")
        assert page.url.endswith("/shared/research/2025-12-01_09-30-00_good/")
        page.click(".th-details > summary")  # relations are one click away
        page.click(".th-relations a")
        page.wait_for_load_state("load")
        assert page.url.endswith("/shared/plans/2025-12-03_18-14-34_plan/")

        page.goto(base + "shared/research/2025-12-02_12-00-00_evil/")
        page.click(".th-details > summary")
        header = page.locator(".th-note-header").inner_text()
        assert PAYLOADS[2] in header  # the branch, shown as text
        assert page.locator(".th-note-header script").count() == 0
        assert page.locator(".th-note-header img").count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0

    assert session.dialogs == []
    assert session.errors == []


def test_graph_page_filters_and_node_click_lands_on_the_note(site: Path) -> None:
    with serve(site) as base, browser() as session:
        page = session.page
        page.goto(base + "graph/")
        page.wait_for_selector(".tg-toolbar")
        nodes = page.locator("svg[data-graph=full] .tg-nodes > a")
        assert nodes.count() == 3
        type_filter = page.locator(".tg-toolbar select").first
        type_filter.select_option(value="plans")
        visible = page.locator("svg[data-graph=full] .tg-nodes > a:not(.tg-off)")
        assert visible.count() == 1
        type_filter.select_option(value="*")
        assert page.evaluate("window.__xss === undefined")
        page.locator("svg[data-graph=full] .tg-nodes > a", has_text="Good research").click()
        page.wait_for_url("**/shared/research/2025-12-01_09-30-00_good/")
        assert page.locator("svg[data-graph=local]").count() == 1
    assert session.dialogs == []
    assert session.errors == []

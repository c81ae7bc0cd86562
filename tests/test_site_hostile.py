"""A site written by an attacker: a hostile value in every frontmatter field (known and unknown
keys), in file and folder names, and in every run file. Built with Material's tags plugin on and
off and with a user nav that lists the notes, every HTML page and the search index must hold no
injected element, event attribute or ``javascript:`` URL, and Chromium must open every page
(and run a search for the payloads) without a single dialog.

Note bodies are the author's own HTML by design (README, "Security"), so no payload is put in a
body here: the promise is about everything the plugin takes from frontmatter, names and runs.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from browser import browser, needs_chromium, serve
from bs4 import BeautifulSoup
from mkdocs_thoughts.cli.main import main
from sitebuild import build_site
from treeutil import write_tree

PAYLOADS = [
    "</title><script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "[click me](javascript:alert(3))",
    "<svg onload=alert(4)>",
    "javascript:alert(5)",
    "'><script>alert(6)</script>",
    "<iframe src=javascript:alert(7)></iframe>",
    "&lt;script&gt;alert(8)&lt;/script&gt;",
    "*[x](javascript:alert(9))*",
    "<a href='javascript:alert(10)'>x</a>",
    '" onmouseover="alert(11)',
    "<details open ontoggle=alert(12)>",
]
"""Each raises a numbered alert when it runs; the numbers say which field let it through."""

FIELDS = [
    "researcher",
    "branch",
    "repository",
    "topic",
    "status",
    "last_updated_by",
    "git_commit",
    "description",
    "author",
    "subtitle",
    "icon",
    "template",
    "title",
    "summary",
]
NAV_NOTE = "shared/research/2025-12-02_12-00-00_evil.md"
SCRIPT_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc")


def yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def hostile_note(offset: int) -> str:
    """Every field holds a payload; which one rotates with ``offset`` so each note differs."""
    lines = ["---", "date: 2025-12-02T12:00:00+00:00"]
    for index, field in enumerate(FIELDS):
        lines.append(f"{field}: {yaml_text(PAYLOADS[(index + offset) % len(PAYLOADS)])}")
    lines.append(f"tags: [{', '.join(yaml_text(p) for p in PAYLOADS)}, safe]")
    lines.append(f"related_research: [{yaml_text(PAYLOADS[3])}, 'javascript://%0aalert(13)']")
    lines.append(f"runs: [{yaml_text(PAYLOADS[0])}]")
    lines.append(f"hide: [{yaml_text(PAYLOADS[1])}, toc]")
    lines.append(f"{yaml_text(PAYLOADS[5])}: {yaml_text(PAYLOADS[6])}")  # an unknown key
    lines.append(f"extra_statuses: {yaml_text(PAYLOADS[1])}")
    lines += ["---", "", "# A heading", "", "Plain text.", ""]
    return "\n".join(lines)


OVERRIDDEN_HEADER = """\
<div class="team-header" title="{{ row.title }}" data-status="{{ row.status }}">
<p>{{ row.title }} by <a href="{{ researcher_url|rel }}">{{ row.researcher }}</a>
on {{ row.branch }}</p>
<ul>{% for tag in row.tags %}<li data-tag="{{ tag }}">{{ tag }}</li>{% endfor %}</ul>
{% for label, links in row.relations %}{% for link in links %}
<a title="{{ link.title }}">{{ link.label }}</a>
{% endfor %}{% endfor %}
{% for item in banner %}
<p data-code="{{ item.code }}">{{ item.message }} {{ item.hint }}</p>
{% endfor %}
{{ extra }}{{ local_graph }}
</div>
"""
"""A site's own header that escapes nothing itself, as a template author easily forgets to:
the plugin's environment must escape it anyway."""


def mkdocs_yml(*, tags_plugin: bool, user_nav: bool, override: bool = False) -> str:
    text = (
        "site_name: Hostile\n"
        "docs_dir: thoughts\n"
        "theme:\n  name: material\n  font: false\n"
        "  features: [navigation.indexes]\n"
        + ("  custom_dir: overrides\n" if override else "")
        + "plugins:\n  - search\n"
    )
    if tags_plugin:
        text += "  - tags\n"
    text += "  - thoughts:\n      fail_on_error: false\n      check_commits: false\n"
    text += f"      statuses: [complete, in_progress, {yaml_text(PAYLOADS[1])}]\n"
    if user_nav:
        # The site owner's nav names no titles: the notes' own titles, statuses and icons are
        # what Material would print there.
        text += (
            "nav:\n"
            "  - index.md\n"
            f"  - {NAV_NOTE}\n"
            "  - shared/research/named/index.md\n"
            "  - shared/research/named/2025-12-05_12-00-00_named.md\n"
            "extra:\n"
            "  status:\n"
            "    complete: Complete\n"
        )
    return text


def run_files(root: Path) -> None:
    """Runs whose every file holds payloads, in directory names too."""
    base = root / "data/processed/labeled"
    payload_dir = base / "20251202_120000_x<svg onload=alert(20)>"
    plain_dir = base / "20251202_120001_sentiment"
    for index, folder in enumerate((payload_dir, plain_dir)):
        folder.mkdir(parents=True)
        meta = {
            "format": "sec-finetune-run/1",
            "run_id": PAYLOADS[(index + 1) % len(PAYLOADS)],
            "name": PAYLOADS[(index + 2) % len(PAYLOADS)],
            "status": PAYLOADS[(index + 3) % len(PAYLOADS)],
            "started_at": "2025-12-02T12:00:00+00:00",
            "git": {"commit": PAYLOADS[4], "branch": PAYLOADS[0], "dirty": True},
            "python": PAYLOADS[5],
            "platform": PAYLOADS[6],
            "command": PAYLOADS[:3],
            "notes": [f"thoughts/{NAV_NOTE}", PAYLOADS[4]],
            "summary": {p: p for p in PAYLOADS[:6]} | {"upstream": [PAYLOADS[1]]},
            "error": PAYLOADS[7],
        }
        (folder / "run.json").write_text(json.dumps(meta), encoding="utf-8")
        config = "\n".join(
            f"{yaml_text(p)}: {yaml_text(q)}" for p, q in itertools.pairwise(PAYLOADS)
        )
        (folder / "run_config.yaml").write_text(config + "\n", encoding="utf-8")
        metrics = {p: 0.5 + i for i, p in enumerate(PAYLOADS)} | {"text": PAYLOADS[8]}
        (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
        curve = "".join(
            json.dumps({"step": step, PAYLOADS[0]: step / 10, PAYLOADS[2]: 1 - step / 10}) + "\n"
            for step in range(4)
        )
        (folder / "metrics.jsonl").write_text(curve, encoding="utf-8")
        lineage = {
            "format": "sec-finetune-lineage/1",
            "stage": PAYLOADS[9],
            "inputs": [{"name": PAYLOADS[10], "path": PAYLOADS[4], "sha256": PAYLOADS[0]}],
            "outputs": [{"name": PAYLOADS[11], "path": PAYLOADS[1]}],
            "upstream": [{"run_dir": PAYLOADS[3], "run_id": PAYLOADS[2], "stage": PAYLOADS[5]}],
            "files": [{"name": PAYLOADS[6], "outcome": PAYLOADS[7], "error": PAYLOADS[8]}],
        }
        (folder / "lineage.json").write_text(json.dumps(lineage), encoding="utf-8")
        (folder / f"{PAYLOADS[3].replace('/', '')}.txt").write_text("artifact", encoding="utf-8")


def hostile_site(root: Path, *, tags_plugin: bool, user_nav: bool, override: bool = False) -> Path:
    notes = {
        f"thoughts/{NAV_NOTE}": hostile_note(0),
        # Payloads in file and folder names (no slash: a file name cannot hold one).
        "thoughts/shared/research/2025-12-03_12-00-00_x<img src=x onerror=alert(30)>.md": (
            "---\ndate: 2025-12-03T12:00:00+00:00\n---\nNo heading: the file name is the title.\n"
        ),
        'thoughts/shared/plans/"><svg onload=alert(31)>/2025-12-04_12-00-00_plan.md': (
            hostile_note(2)
        ),
        "thoughts/shared/research/named/2025-12-05_12-00-00_named.md": hostile_note(6),
        "thoughts/shared/research/named/index.md": "# Named\n",
        "thoughts/index.md": "# Home\n\n<!-- thoughts:summary -->\n",
    }
    write_tree(
        root,
        {"mkdocs.yml": mkdocs_yml(tags_plugin=tags_plugin, user_nav=user_nav, override=override)},
    )
    if override:
        (root / "overrides/thoughts").mkdir(parents=True)
        (root / "overrides/thoughts/note_header.html").write_text(OVERRIDDEN_HEADER)
    for relative, text in notes.items():  # not dedented: the names and texts are exact
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    run_files(root)
    return root


VARIANTS = {
    "material-tags-user-nav": {"tags_plugin": True, "user_nav": True},
    "no-tags-plugin": {"tags_plugin": False, "user_nav": False},
    "overridden-header": {"tags_plugin": False, "user_nav": False, "override": True},
}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_site(tmp_path_factory.mktemp(request.param), **VARIANTS[request.param])
    return build_site(root)


def _is_script_url(value: str) -> bool:
    compact = re.sub(r"[\x00-\x20]+", "", value).lower()
    return compact.startswith(("javascript:", "vbscript:", "data:text/html"))


def injected(markup: str) -> list[str]:
    """What in ``markup`` could run code: a script holding a payload, an event attribute, a
    scripting URL, or an element only a payload would make."""
    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            # Material's own search form carries onsubmit="return false".
            if name.lower().startswith("on") and text != "return false":
                found.append(f"<{element.name} {name}={text!r}>")
            if name.lower() in SCRIPT_ATTRS and _is_script_url(text):
                found.append(f"<{element.name} {name}={text!r}>")
        if element.name == "script" and "alert(" in element.get_text():
            found.append(f"<script>{element.get_text()[:60]!r}")
        if element.name == "iframe" or (element.name == "img" and element.get("src") == "x"):
            found.append(f"<{element.name}> element")
    return found


def test_no_page_holds_an_injected_element_or_url(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 10
    problems = {}
    for page in pages:
        found = injected(page.read_text(encoding="utf-8"))
        if found:
            problems[page.relative_to(built).as_posix()] = found
    assert problems == {}


def test_the_hostile_values_are_shown_as_text(built: Path) -> None:
    """The payloads were not just dropped: they are on the pages, as text."""
    page = built / "shared/research/2025-12-02_12-00-00_evil/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    assert PAYLOADS[3] in text  # the topic, as the title
    assert "javascript:alert(3)" in text  # the researcher written as a Markdown link
    title = soup.title.get_text() if soup.title else ""
    assert "<script>" not in str(soup.title) and "alert(" in title
    researcher_pages = list((built / "researchers").glob("*/index.html"))
    assert len(researcher_pages) == 3  # different names never share a page
    headings = {}
    for path in researcher_pages:
        heading = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("h1")
        assert heading is not None and heading.find("a") is None
        headings[heading.get_text()] = path
    # A name written as a Markdown link is shown as typed, not linked (nor backslashed).
    assert PAYLOADS[2] in headings


def test_the_search_index_holds_no_markup_that_runs(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    problems = []
    for doc in index["docs"]:
        for key, value in doc.items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    problems += [f"{doc['location']} {key}: {item}" for item in injected(text)]
    assert problems == []


def test_only_theme_fields_reach_page_meta(built: Path) -> None:
    """`template:` did not crash the build nor pick a template; `hide:` kept its known value."""
    page = built / "shared/research/2025-12-02_12-00-00_evil/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", attrs={"name": "author"}) is None
    description = soup.find("meta", attrs={"name": "description"})
    assert description is not None and description.get("content") == PAYLOADS[7]


@needs_chromium()
@pytest.mark.browser
def test_chromium_opens_every_page_without_a_dialog(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    with serve(built) as base, browser() as session:
        page = session.page
        for path in pages:
            url = base + path.relative_to(built).as_posix()
            page.goto(url, wait_until="load")  # type: ignore[attr-defined]
            # Hover and toggle everything a payload might listen on.
            page.evaluate(  # type: ignore[attr-defined]
                "() => document.querySelectorAll('a, span, details, img, svg *')"
                ".forEach(e => { e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})) })"
            )
        # The search results render titles and tags as HTML: type words of the payloads.
        page.goto(base, wait_until="load")  # type: ignore[attr-defined]
        for word in ("script", "onerror", "alert", "javascript", "click"):
            page.fill("input.md-search__input", word)  # type: ignore[attr-defined]
            page.wait_for_timeout(400)  # type: ignore[attr-defined]
        assert session.dialogs == []
        # The harness does see a payload that runs.
        page.set_content("<img src=x onerror=alert(0)>")  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert session.dialogs == ["0"]


def test_the_overridden_header_shows_the_payloads_as_text(built: Path) -> None:
    """In the variant with the site's own note header, that header is the one shown (so the
    checks above covered it), holding the payloads as text."""
    page = built / "shared/research/2025-12-02_12-00-00_evil/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    header = soup.find("div", class_="team-header")
    if built.parent.name.startswith("overridden-header"):
        assert header is not None and soup.find("div", class_="th-note-header") is None
        assert header.get("title") == PAYLOADS[3]  # the topic, in an attribute
        assert PAYLOADS[0] in header.get_text()  # the researcher, as text
        assert PAYLOADS[1] in header.get_text()  # the branch
    else:
        assert header is None and soup.find("div", class_="th-note-header") is not None


@pytest.mark.parametrize("override", [False, True], ids=["plugin-header", "overridden-header"])
def test_the_export_holds_no_injected_element(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, override: bool
) -> None:
    """`thoughts export` publishes the same pages through a plain MkDocs build, with the site's
    own templates where it has them."""
    root = hostile_site(tmp_path / "site", tags_plugin=False, user_nav=False, override=override)
    monkeypatch.chdir(root)
    assert main(["export", str(tmp_path / "out"), "--format", "mkdocs"]) == 0
    built = build_site(tmp_path / "out")
    note = built / "shared/research/2025-12-02_12-00-00_evil/index.html"
    assert ('class="team-header"' in note.read_text(encoding="utf-8")) is override
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 10
    problems = {}
    for page in pages:
        found = injected(page.read_text(encoding="utf-8"))
        if found:
            problems[page.relative_to(built).as_posix()] = found
    assert problems == {}

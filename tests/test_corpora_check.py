"""`thoughts check` on the three real corpora (../shared/corpora) with the configuration a new
team writes in ten minutes: every diagnostic is confirmed against the note itself, by a reading
independent of the tool, and the classes are pinned with their counts (issue 16, "How it is
checked"). A new false class fails here; so does a lost true one.

The corpora hold only the notes (no code, no .git): a path is judged against the copied notes,
and commits are not checked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from factories import mkdocs_yml
from mkdocs_thoughts.cli.main import main
from treeutil import CORPORA, needs_corpora

TEAM_CONFIG: dict[str, str] = {
    # HumanLayer's workflow: research notes carry frontmatter, plans from /create_plan never did
    # (so they need a title only), a third of the dates are days; review verdicts are statuses.
    "lightfastai__lightfast": (
        "      types:\n"
        "        research: {folders: [research], required: [date, topic, tags, status]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        specs: {folders: [specs], required: [topic]}\n"
        "      extra_statuses: [draft, pending, approved, revised]\n"
        "      unknown_keys: ignore\n"
        "      date_precision: day\n"
    ),
    # Handoffs are a type of their own; `in-progress` and `needs-research` are their spellings.
    "robertlupo1997__ferroml": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        handoffs: {folders: [handoffs], required: [date, researcher, topic, tags,"
        " status]}\n"
        "      extra_statuses: [needs_research]\n"
        "      status_aliases: {in-progress: in_progress, needs-research: needs_research}\n"
        "      field_aliases: {commit: git_commit, git_sha: git_commit, author: researcher,"
        " git_branch: branch, updated: last_updated}\n"
    ),
    # The seed's own workflow; plans written by /create_plan have no frontmatter.
    "nikeyes__stepwise-dev": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
    ),
}

EXPECTED: dict[str, dict[str, int]] = {
    "lightfastai__lightfast": {
        "TH001": 105,  # 100 plans, 4 research notes, 1 prompt without frontmatter
        "TH101": 2,  # a plan and a spec with frontmatter but no topic
        "TH201": 316,  # `YYYY-MM-DD-topic.md`: no time in the file name (a warning)
        "TH202": 1,  # file name 2025-12-24, date 2024-12-24 (a typo in the year)
        "TH314": 4,  # links to notes deleted before the snapshot, and to `2025-XX-XX-...` names
        "TH315": 2,  # links to a plan under research/
    },
    "nikeyes__stepwise-dev": {
        "TH001": 8,
        "TH102": 1,  # date: 2025-12-28 10:45:00 PST
        "TH104": 1,  # last_updated_note (no suggestion: it is a field of its own)
        "TH201": 11,
    },
    "robertlupo1997__ferroml": {
        "TH001": 56,
        "TH002": 1,  # topic: Plan O Complete + Docs Updated — Next: ... (an unquoted `: `)
        "TH101": 2,  # research notes without repository and status (one error each)
        # git_commit: (uncommitted); a SHA with a remark, `3d801c3 (uncommitted changes on top)`,
        # is a commit
        "TH102": 1,
        "TH201": 92,
        "TH202": 3,  # a handoff dated the day after its file name (written after midnight)
    },
}

KNOWN_FALSE: dict[tuple[str, str], dict[str, int]] = {}
"""(corpus, path) -> codes and counts a pending fix will remove (none now: the TH002 cascade of
issue 16 item 1 is gone)."""

# The documented convention: a lower-case slug of letters, digits, `-` and `_` (no dots).
_NOTE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}(?:-\d{2})?_[a-z0-9][a-z0-9_-]*\.md$")
_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
_ALIASES = {"git_branch": "branch", "commit": "git_commit", "author": "researcher"}


def frontmatter(text: str) -> str | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return "\n".join(lines[1:number])
    return None


def fields(text: str) -> dict[str, object] | None:
    block = frontmatter(text)
    try:
        loaded = yaml.safe_load(block) if block is not None else None
    except yaml.YAMLError:
        return None
    if not isinstance(loaded, dict):
        return None
    return {_ALIASES.get(str(key), str(key)): value for key, value in loaded.items()}


def is_missing_frontmatter(item: dict, text: str, note: Path) -> bool:
    return frontmatter(text) is None


def is_yaml_error(item: dict, text: str, note: Path) -> bool:
    block = frontmatter(text)
    try:
        yaml.safe_load(block or "")
    except yaml.YAMLError:
        return True
    return False


def is_missing_field(item: dict, text: str, note: Path) -> bool:
    # One TH101 names every missing field of a note (its `field` is null when there are several).
    found = fields(text)
    names = [item["field"]] if item["field"] else re.findall(r"'([^']+)'", item["message"])
    return found is not None and bool(names) and all(found.get(n) in (None, "", []) for n in names)


def is_bad_value(item: dict, text: str, note: Path) -> bool:
    value = (fields(text) or {}).get(item["field"])
    if item["field"] == "git_commit":
        return not _SHA.fullmatch(str(value))
    if item["field"] == "date":
        if isinstance(value, datetime | date):
            return False
        try:
            return datetime.fromisoformat(str(value)).tzinfo is None
        except ValueError:
            return True
    return False


def is_unknown_key(item: dict, text: str, note: Path) -> bool:
    return item["field"] in (fields(text) or {}) and item["field"] not in (
        "date",
        "status",
        "topic",
        "tags",
        "researcher",
        "git_commit",
        "branch",
        "repository",
        "last_updated",
        "last_updated_by",
    )


def is_bad_file_name(item: dict, text: str, note: Path) -> bool:
    return not _NOTE_NAME.match(note.name)


def is_other_day(item: dict, text: str, note: Path) -> bool:
    written = str((fields(text) or {}).get("date"))[:10]
    return written != note.name[:10]


def _link_target(item: dict, text: str) -> str:
    """The path a link (`[x](path)`) or a backticked mention at the item's column names."""
    line = text.split("\n")[item["line"] - 1]
    rest = line[item["column"] - 1 :]
    before = line[: item["column"] - 1]
    target = rest.split("`")[0] if before.endswith("`") else re.split(r"[)\s]", rest)[0]
    return re.sub(r"(#.*|:\d+(-\d+)?)$", "", target)


def is_broken_link(item: dict, text: str, note: Path) -> bool:
    target = _link_target(item, text)
    root = note.parents[len(note.relative_to(CORPUS_ROOT[0]).parts) - 1]
    tries = [note.parent / target, root / target.lstrip("/")]
    named = list(root.rglob(Path(target).name)) if "X" not in target else []
    return not any(path.is_file() for path in tries) and not named


def is_moved_link(item: dict, text: str, note: Path) -> bool:
    target = _link_target(item, text)
    root = note.parents[len(note.relative_to(CORPUS_ROOT[0]).parts) - 1]
    at_path = (note.parent / target).is_file() or (root / target).is_file()
    return not at_path and len(list(root.rglob(Path(target).name))) == 1


CORPUS_ROOT: list[Path] = []

CONFIRM: dict[str, Callable[[dict, str, Path], bool]] = {
    "TH001": is_missing_frontmatter,
    "TH002": is_yaml_error,
    "TH101": is_missing_field,
    "TH102": is_bad_value,
    "TH104": is_unknown_key,
    "TH201": is_bad_file_name,
    "TH202": is_other_day,
    "TH314": is_broken_link,
    "TH315": is_moved_link,
}


@needs_corpora()
@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(TEAM_CONFIG))
def test_every_diagnostic_on_a_real_corpus_is_a_real_defect(
    corpus: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = CORPORA / corpus / "thoughts"
    if not source.is_dir():
        pytest.skip(f"{source} is absent")
    shutil.copytree(source, tmp_path / "thoughts")
    (tmp_path / "mkdocs.yml").write_text(
        mkdocs_yml(TEAM_CONFIG[corpus], site_name="corpus", material=False)
    )
    monkeypatch.chdir(tmp_path)
    CORPUS_ROOT[:] = [tmp_path]
    main(["check", "--format", "json"])
    items = json.loads(capsys.readouterr().out)

    known: Counter[tuple[str, str]] = Counter()
    for (name, path), codes in KNOWN_FALSE.items():
        if name == corpus:
            known.update({(path, code): count for code, count in codes.items()})
    false: list[dict] = []
    confirmed: list[dict] = []
    for item in items:
        key = (item["path"], item["code"])
        if known[key]:
            known[key] -= 1  # once the other branch lands, these simply stop appearing
            continue
        confirmed.append(item)
        note = tmp_path / item["path"]
        text = note.read_text(encoding="utf-8", errors="replace")
        confirm = CONFIRM.get(item["code"])
        if confirm is None or not confirm(item, text, note):
            false.append(item)
    assert false == []
    # Recall, read the same independent way: every note without frontmatter, every YAML error.
    notes = [
        path
        for path in (tmp_path / "thoughts").rglob("*.md")
        if path.name.lower() not in ("readme.md", "index.md")
    ]
    for code, confirm in (("TH001", is_missing_frontmatter), ("TH002", is_yaml_error)):
        expected = {
            str(path.relative_to(tmp_path))
            for path in notes
            if confirm({}, path.read_text(encoding="utf-8", errors="replace"), path)
        }
        assert {item["path"] for item in items if item["code"] == code} == expected, code
    assert Counter(item["code"] for item in confirmed) == EXPECTED[corpus]

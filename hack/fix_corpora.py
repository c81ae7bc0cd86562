"""How many failing notes `thoughts fix --write` repairs in the real corpora (../shared/corpora).

For each corpus: copy its thoughts/ to a temporary folder, count the notes that fail `thoughts
check` (errors, not warnings), run `thoughts fix --write`, count again. Once with the default
configuration and once with the configuration that team would plausibly write (TEAM_OPTIONS).
It also confirms that no body changed and that a second `fix` finds nothing to do.

The corpora hold only the notes, not their history, so the copy is made a git repository with a
history a team's could have (fixed author and dates, one code commit a day, and each month's
notes committed in bulk six weeks later, with an `origin` remote), and every value fix writes is
audited against the note and that `git log` (:func:`audit`): the date's day and time are the file
name's in the adding commit's offset, git_commit is the commit main was at on the note's date,
the researcher is the note's or the adding commit's author, the repository is origin's name.

    .venv/bin/python hack/fix_corpora.py [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_thoughts.authoring.inference import bold_fields, normalise_timestamp
from mkdocs_thoughts.authoring.yaml_repair import repair_syntax
from mkdocs_thoughts.cli.commands.common import note_loader
from mkdocs_thoughts.cli.main import main as thoughts
from mkdocs_thoughts.cli.siteconfig import load_site_config
from mkdocs_thoughts.core.commit_value import read_commit
from mkdocs_thoughts.core.frontmatter import parse_frontmatter, split_frontmatter
from mkdocs_thoughts.core.timestamps import parse_timestamp, split_stamp

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT.parent / "shared" / "corpora"

MKDOCS = "site_name: corpus\ndocs_dir: thoughts\nplugins:\n  - search\n  - thoughts{options}\n"

_ALIASES = (
    "      field_aliases: {commit: git_commit, git_sha: git_commit, author: researcher,"
    " git_branch: branch, updated: last_updated}\n"
)

TEAM_OPTIONS: dict[str, str] = {
    # HumanLayer-style workflow: research notes carry frontmatter, plans (from /create_plan) never
    # did, so a plan needs only its title; a third of the research notes lack the git fields.
    # Their review verdicts and drafts are statuses of their own.
    "lightfastai__lightfast": (
        "      types:\n"
        "        research: {folders: [research], required: [date, topic, tags, status]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        specs: {folders: [specs], required: [topic]}\n"
        "      extra_statuses: [draft, pending, approved, revised]\n"
        "      unknown_keys: ignore\n"
        # A third of their dates are days without a time.
        "      date_precision: day\n"
    ),
    # Plans without frontmatter; handoffs are a note type of their own with most fields filled
    # (git fields missing in a tenth); `in-progress` and `needs-research` are their spellings.
    "robertlupo1997__ferroml": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
        "        handoffs: {folders: [handoffs], required: [date, researcher, topic, tags,"
        " status]}\n"
        "      extra_statuses: [needs_research]\n" + _ALIASES
    ),
    # The seed's own workflow; plans written by /create_plan have no frontmatter.
    "nikeyes__stepwise-dev": (
        "      types:\n"
        "        research: {folders: [research]}\n"
        "        plans: {folders: [plans], required: [topic]}\n"
    ),
}


@dataclass(frozen=True, slots=True)
class Result:
    corpus: str
    config: str
    notes: int
    failing_before: int
    failing_after: int
    bodies_identical: bool
    idempotent: bool
    written: int = 0
    """Values fix wrote that git or the note can confirm (audited)."""
    wrong: tuple[str, ...] = ()
    """Values a reader of the note and of `git log` would call wrong."""

    @property
    def repaired(self) -> int:
        return self.failing_before - self.failing_after


def site_options(corpus: str, config: str) -> str:
    if config == "default":
        return ""
    return ":\n" + TEAM_OPTIONS.get(corpus, "")


def failing(config_file: Path) -> tuple[int, int]:
    """(notes, notes with errors), commits the made-up history cannot have (TH302) aside."""
    site = load_site_config(config_file)
    corpus = note_loader(site).load()
    errors = [
        {item.code for item in note.diagnostics if item.is_error} - {"TH302"}
        for note in corpus.notes
    ]
    return len(corpus.notes), sum(bool(codes) for codes in errors)


def measure(source: Path, config: str, work: Path) -> Result:
    """Copy ``source`` (a corpus folder) under ``work`` into a git repository, fix it, count
    and audit."""
    site = work / f"{source.name}-{config}"
    shutil.copytree(source / "thoughts", site / "thoughts")
    for path in site.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)  # the shared corpora are read-only
    config_file = site / "mkdocs.yml"
    config_file.write_text(MKDOCS.format(options=site_options(source.name, config)))
    history = make_history(site)
    before_texts = texts(site / "thoughts")
    notes, before = failing(config_file)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        thoughts(["fix", "--write", "--config", str(config_file)])
        second = thoughts(["fix", "--config", str(config_file)])
    _, after = failing(config_file)
    after_texts = texts(site / "thoughts")
    written, wrong = audit(before_texts, after_texts, history)
    return Result(
        source.name,
        config,
        notes,
        before,
        after,
        {path: body(text) for path, text in after_texts.items()}
        == {path: body(text) for path, text in before_texts.items()},
        second == 0,
        written,
        tuple(wrong),
    )


def texts(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes().decode("utf-8")
        for path in sorted(folder.rglob("*.md"))
    }


def body(text: str) -> str:
    return split_frontmatter(text).body


# --- A history for the copy ----------------------------------------------------------------------

AUTHOR = "Corpus Author <author@example.org>"
AUTHOR_NAME = "Corpus Author"
ZONE = dt.timezone(dt.timedelta(hours=11))
ORIGIN = "git@github.com:acme/{name}.git"
_NAME_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NAME_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[_T ](\d{2})[-:](\d{2})(?:[-:](\d{2}))?(?=[_\-. ])")
_COMPACT = re.compile(r"(?<![0-9])(\d{4})(\d{2})(\d{2})[-_T](\d{2})(\d{2})(\d{2})?(?![0-9])")


@dataclass(frozen=True, slots=True)
class History:
    """What `git log` says: main's commits oldest first, and the commit that added each note."""

    main: list[tuple[str, dt.datetime]]
    added: dict[str, tuple[str, dt.datetime]]
    repository: str

    def at(self, moment: dt.datetime) -> str | None:
        """The last commit on main at or before ``moment`` (the history is linear here)."""
        found = None
        for sha, when in self.main:
            if when <= moment:
                found = sha
        return found


def name_day(name: str) -> dt.date | None:
    match = _NAME_DAY.match(name)
    compact = _COMPACT.search(name) if match is None else None
    parts = match.groups() if match else (compact.groups()[:3] if compact else None)
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def name_time(name: str) -> dt.time | None:
    match = _NAME_TIME.match(name)
    parts = match.groups() if match else None
    if parts is None and _NAME_DAY.match(name) is None:
        compact = _COMPACT.search(name)
        parts = compact.groups()[3:] if compact else None
    if parts is None:
        return None
    return dt.time(int(parts[0]), int(parts[1]), int(parts[2] or 0))


def make_history(site: Path) -> History:
    """One code commit a day at noon; each month's notes added six weeks after the month began;
    notes without a day in their name with the last bulk commit. One `git fast-import`."""
    notes = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.md"))
    days = [day for day in (name_day(Path(path).name) for path in notes) if day is not None]
    first = min(days, default=dt.date(2025, 1, 1)) - dt.timedelta(days=7)
    last = max(days, default=first) + dt.timedelta(days=50)
    events: list[tuple[dt.datetime, str, list[str]]] = [
        (dt.datetime.combine(first, dt.time(9), ZONE), "start", ["mkdocs.yml"])
    ]
    day = first + dt.timedelta(days=1)
    while day <= last:
        events.append((dt.datetime.combine(day, dt.time(12), ZONE), f"code {day}", []))
        day += dt.timedelta(days=1)
    batches: dict[dt.datetime, list[str]] = {}
    for path in notes:
        named = name_day(Path(path).name)
        when = (
            dt.datetime.combine(named.replace(day=1) + dt.timedelta(days=42), dt.time(17), ZONE)
            if named is not None
            else dt.datetime.combine(last, dt.time(18), ZONE)
        )
        batches.setdefault(when, []).append(path)
    events += [(when, f"notes of {when.date()}", paths) for when, paths in batches.items()]
    events.sort(key=lambda event: event[0])
    stream = bytearray()
    for number, (when, message, paths) in enumerate(events, start=1):
        stamp = f"{int(when.timestamp())} +1100"
        text = message.encode()
        stream += (
            (
                f"commit refs/heads/main\nmark :{number}\nauthor {AUTHOR} {stamp}\n"
                f"committer {AUTHOR} {stamp}\ndata {len(text)}\n"
            ).encode()
            + text
            + b"\n"
        )
        if number > 1:
            stream += f"from :{number - 1}\n".encode()
        if not paths:
            content = f"{when.date()}\n".encode()
            stream += f"M 100644 inline src/progress.txt\ndata {len(content)}\n".encode()
            stream += content + b"\n"
        for path in paths:
            content = (site / path).read_bytes()
            stream += f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n"
    _git(site, "init", "-q", "-b", "main")
    _git(site, "fast-import", "--quiet", stdin=bytes(stream))
    _git(site, "reset", "-q")
    repository = site.name.split("__")[-1].split("-")[0] or "notes"
    _git(site, "remote", "add", "origin", ORIGIN.format(name=repository))
    log = _git(site, "log", "--reverse", "--format=%H %cI").decode().split()
    pairs = zip(log[::2], log[1::2], strict=True)
    main = [(sha, dt.datetime.fromisoformat(when)) for sha, when in pairs]
    by_message = {message: when for when, message, _ in events}
    shas = {when: sha for sha, when in main}
    added = {
        path: (shas[when], when)
        for when, message, paths in events
        for path in paths
        if by_message[message] == when
    }
    return History(main, added, repository)


def _git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", TZ="UTC")
    return subprocess.run(
        ["git", *args], cwd=folder, env=env, input=stdin, capture_output=True, check=True
    ).stdout


# --- The audit -----------------------------------------------------------------------------------


def audit(before: dict[str, str], after: dict[str, str], history: History) -> tuple[int, list[str]]:
    """(values checked, the wrong ones): every value fix wrote, against the note and git."""
    checked = 0
    wrong: list[str] = []
    for path, new in after.items():
        old = before[path]
        if new == old:
            continue
        # What the note said, read after quoting what broke its YAML (the values are its own).
        was, now = fields(repair_syntax(old)[0]), fields(new)
        bold = bold_fields(body(old))
        rel = f"thoughts/{path}"
        added_sha, added_at = history.added[rel]
        own = {ALIASES.get(key, key): value for key, value in was.items()}
        for name, value in now.items():
            if name in was and was[name] == value:
                continue
            checked += 1
            if own_value(own.get(ALIASES.get(name, name)), value):
                continue  # the note's own value, under its canonical key or normalised
            problem = judge(name, value, now, bold, Path(path).name, history, added_sha, added_at)
            if problem:
                wrong.append(f"{rel}: {name}: {value!r}: {problem}")
    return checked, wrong


ALIASES = {
    "commit": "git_commit",
    "git_sha": "git_commit",
    "author": "researcher",
    "git_branch": "branch",
    "updated": "last_updated",
}
"""The aliases of the default and the team configurations."""


def own_value(old: Any, new: Any) -> bool:
    """Whether ``new`` is what the note already said: the same value, its SHA without the
    prose, or the same moment written as ISO 8601."""
    if old is None:
        return False
    if old == new or read_commit(str(old)).sha == new:
        return True
    normalised = normalise_timestamp(str(old))
    try:
        return normalised is not None and parse_timestamp(normalised) == parse_timestamp(new)
    except ValueError:
        return False


def fields(text: str) -> dict[str, Any]:
    block = split_frontmatter(text).frontmatter
    if block is None:
        return {}
    return {key: raw.value for key, raw in parse_frontmatter(block).fields.items()}


def judge(
    name: str,
    value: Any,
    now: dict[str, Any],
    bold: dict[str, str],
    file_name: str,
    history: History,
    added_sha: str,
    added_at: dt.datetime,
) -> str | None:
    """Why a written value is wrong, or ``None``."""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return "a line break in a value"
    if name in ("repository",) and value != (bold.get("repository") or history.repository):
        return f"origin names {history.repository!r}"
    if name in ("researcher", "author") and value not in (bold.get("researcher"), AUTHOR_NAME):
        return "neither the note's **Researcher** nor the adding commit's author"
    if name == "date":
        return judge_date(value, bold, file_name, added_at)
    if name in ("git_commit", "commit", "git_sha"):
        return judge_commit(value, now, bold, file_name, history, added_sha, added_at)
    return None


def judge_date(
    value: Any, bold: dict[str, str], file_name: str, added_at: dt.datetime
) -> str | None:
    try:
        moment = parse_timestamp(split_stamp(value)[0])
    except ValueError:
        return "not a date"
    if "date" in bold:
        return None  # the author's own line: what it says is the note's business
    day, time = name_day(file_name), name_time(file_name)
    written_day = moment.date() if isinstance(moment, dt.datetime) else moment
    if day is not None and written_day != day:
        return f"the file name says {day}"
    if isinstance(moment, dt.datetime):
        if time is not None and moment.time() != time:
            return f"the file name says {time}"
        if moment.utcoffset() != added_at.utcoffset():
            return "not the adding commit's UTC offset"
        if day is None and moment != added_at:
            return "nothing dates the note, yet it is not the adding commit's date"
    return None


def judge_commit(
    value: Any,
    now: dict[str, Any],
    bold: dict[str, str],
    file_name: str,
    history: History,
    added_sha: str,
    added_at: dt.datetime,
) -> str | None:
    sha = read_commit(str(value)).sha
    if sha is None:
        return "not a SHA"
    bold_sha = read_commit(bold.get("git_commit", "")).sha
    if bold_sha is not None and sha == bold_sha:
        return None  # the note's own **Git Commit** line
    # The note's date as a reader finds it: its date field, else its **Date** line or its file
    # name (either will do); only a note nothing dates was written against the adding commit.
    dates: list[Any] = [now["date"]] if now.get("date") is not None else []
    if not dates:
        day, time = name_day(file_name), name_time(file_name)
        if day is not None:
            dates.append(dt.datetime.combine(day, time, added_at.tzinfo) if time else day)
        if bold.get("date"):
            dates.append(bold["date"].replace(" ", "T", 1))
    expected = [added_sha] if not dates else []
    for date in dates:
        try:
            moment = parse_timestamp(split_stamp(date)[0])
        except ValueError:
            continue
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(23, 59, 59), added_at.tzinfo)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=added_at.tzinfo)
        expected.append(history.at(min(moment, added_at)) or "")
    if not any(item.startswith(sha) for item in expected):
        return f"main was at {' or '.join(item[:7] for item in expected)} on the note's date"
    return None


def measure_all(corpora: Path = CORPORA) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="fix-corpora-") as temporary:
        for source in sorted(path for path in corpora.iterdir() if (path / "thoughts").is_dir()):
            for config in ("default", "team"):
                results.append(measure(source, config, Path(temporary)))
    return results


def table(results: list[Result]) -> str:
    header = (
        "| corpus | config | notes | failing before | failing after | repaired | "
        "bodies identical | 2nd run no-op | values written | wrong |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---|---|---:|---:|"]
    for item in results:
        share = f"{item.repaired / item.failing_before:.0%}" if item.failing_before else "-"
        lines.append(
            f"| {item.corpus} | {item.config} | {item.notes} | {item.failing_before} | "
            f"{item.failing_after} | {item.repaired} ({share}) | "
            f"{'yes' if item.bodies_identical else 'NO'} | {'yes' if item.idempotent else 'NO'} | "
            f"{item.written} | {len(item.wrong)} |"
        )
        lines += [f"  - {problem}" for problem in item.wrong]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"{CORPORA} is absent", file=sys.stderr)
        return 2
    print(table(measure_all()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

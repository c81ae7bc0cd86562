"""Generate a folder of realistic notes for benchmarks (deterministic: same count, same bytes)."""

from __future__ import annotations

import json
import os
import random
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

TYPES = (("research", 0.5), ("plans", 0.3), ("prs", 0.2))
STATUSES = ("in_progress", "complete", "ready_for_review")
TAGS = ("pipeline", "segmentation", "sentiment", "readability", "extraction", "finetune", "eval")
PEOPLE = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra")
BODY = (
    """
# {topic}

## Research Question
How does {tag} behave on 10-K risk factors?

## Summary
The {tag} stage reads `src/sec_finetune/pipeline/{tag}.py` and writes JSON.
See [the earlier note]({related}) for context.

## Detailed Findings
"""
    + "Findings paragraph with some words about risk factors and filings. " * 20
    + "\n"
)


def generate(root: Path, count: int, *, seed: int = 7, sha: str = "3d801c3") -> list[Path]:
    """Write ``count`` notes under ``root/shared/{research,plans,prs}``; return their paths."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    written: list[Path] = []
    research: list[str] = []
    for index in range(count):
        folder = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        when = start + timedelta(hours=index * 3, seconds=index % 60)
        tag = rng.choice(TAGS)
        topic = f"{tag.capitalize()} study {index}"
        name = f"{when:%Y-%m-%d_%H-%M-%S}_{tag}-study-{index}.md"
        rel = f"thoughts/shared/{folder}/{name}"
        related = rng.choice(research) if research else rel
        lines = [
            "---",
            f"date: {when.isoformat()}",
            f"researcher: {rng.choice(PEOPLE)}",
            f"git_commit: {sha}",
            "branch: main",
            "repository: sec-finetune",
            f"topic: {topic}",
            f"tags: [{tag}, {rng.choice(TAGS)}]",
            f"status: {rng.choice(STATUSES)}",
            f"last_updated: {(when + timedelta(days=1)).date().isoformat()}",
            f"last_updated_by: {rng.choice(PEOPLE)}",
        ]
        if folder == "plans":
            lines.append(f"related_research: {related}")
        lines.append("---")
        path = root / "shared" / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = BODY.format(topic=topic, tag=tag, related="/" + related)
        path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
        written.append(path)
        if folder == "research":
            research.append(rel)
    return written


# --- a repository with every feature in use ---------------------------------------------------
#
# `generate_repo` writes the same notes into a real git repository (made with `git fast-import`,
# about a second for 3,000 notes): code churn first (changed, renamed and deleted files), then one
# commit per note. Each note names an earlier code commit as its `git_commit` and cites 10-40
# code files at that commit, so some of its references are unchanged at HEAD, some changed since,
# some renamed, some deleted; every 25th note cites a run, and a few runs exist on disk.

CODE_LINES = 120
AUTHORS = ("Ada Lovelace <ada@example.org>", "Grace Hopper <grace@example.org>")
CODE_START = 1_672_567_200  # 2023-01-01T10:00:00Z: the code precedes the first note (2024)


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    done = subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


class _Stream:
    """A ``git fast-import`` stream: one commit at a time, file contents inline."""

    def __init__(self, clock: int) -> None:
        self.parts: list[str] = []
        self.mark = 0
        self.clock = clock

    def commit(
        self, message: str, changes: list[str], author: str, parent: str | None = None
    ) -> None:
        self.mark += 1
        self.clock += 600
        stamp = f"{self.clock} +0000"
        self.parts.append(
            f"commit refs/heads/main\nmark :{self.mark}\nauthor {author} {stamp}\n"
            f"committer {author} {stamp}\ndata {len(message.encode())}\n{message}\n"
            + (f"from {parent}\n" if parent else "")
            + "".join(changes)
            + "\n"
        )

    @staticmethod
    def modify(path: str, text: str) -> str:
        return f"M 100644 inline {path}\ndata {len(text.encode())}\n{text}\n"


def _code_text(path: str, versions: list[int]) -> str:
    return "".join(f"# {path} line {n + 1} v{versions[n]}\n" for n in range(CODE_LINES))


def _code_history(root: Path, commits: int, rng: random.Random) -> list[list[str]]:
    """``commits`` commits of code churn; returns the code paths present after each one."""
    stream = _Stream(CODE_START)
    files = {
        f"src/sec_finetune/{TAGS[k % len(TAGS)]}/mod_{k:03}.py": [0] * CODE_LINES
        for k in range(140)
    }
    # The stage each note's summary names (BODY): they exist and are never deleted.
    stages = {f"src/sec_finetune/pipeline/{tag}.py" for tag in TAGS}
    files.update((stage, [0] * CODE_LINES) for stage in stages)
    stream.commit("Initial code", [_Stream.modify(p, _code_text(p, v)) for p, v in files.items()],
                  AUTHORS[0])  # fmt: skip
    present = [sorted(files)]
    for number in range(1, commits):
        path = rng.choice(present[-1])
        while path in stages:
            path = rng.choice(present[-1])  # only changed where they stand, see above
        versions = files[path]
        start = rng.randrange(CODE_LINES - 5)
        for line in range(start, start + 5):
            versions[line] += 1
        changes = [_Stream.modify(path, _code_text(path, versions))]
        if number % 23 == 0:  # a rename
            new = path.replace("mod_", f"moved{number}_")
            changes.append(f"R {path} {new}\n")
            files[new] = files.pop(path)
        elif number % 17 == 0 and len(files) > 60:  # a deletion
            victim = rng.choice(present[-1])
            if victim != path and victim not in stages:
                changes.append(f"D {victim}\n")
                del files[victim]
        elif number % 13 == 0:  # a new file
            new = f"src/sec_finetune/{rng.choice(TAGS)}/new_{number:04}.py"
            files[new] = [0] * CODE_LINES
            changes.append(_Stream.modify(new, _code_text(new, files[new])))
        stream.commit(f"Change {path} ({number})", changes, AUTHORS[number % 2])
        present.append(sorted(files))
    _git(root, "fast-import", "--quiet", stdin="".join(stream.parts))
    return present


def _reference(path: str, rng: random.Random, note_folder: str) -> str:
    """One citation of ``path`` in one of the forms notes use."""
    first = rng.randrange(1, CODE_LINES - 20)
    last = first + rng.randrange(1, 19)
    form = rng.randrange(10)
    if form < 6:
        return f"`{path}:{first}-{last}`"
    if form < 8:
        return f"`{path}`"
    if form < 9:
        return f"`{path}:{first}`"
    depth = "../" * (note_folder.count("/") + 1)
    return f"[{path.rsplit('/', 1)[1]}]({depth}{path}#L{first}-L{last})"


def _runs(root: Path, count: int) -> list[str]:
    """``count`` run directories under data/interim/parsed (not in git, as real runs are)."""
    names = []
    for index in range(count):
        run_id = f"20240{1 + index % 9}{10 + index % 18}_1{index % 10}0000"
        name = f"{run_id}_parse_{index:07x}"
        folder = root / "data/interim/parsed" / name
        folder.mkdir(parents=True, exist_ok=True)
        run = {
            "format": "sec-finetune-run/1",
            "run_id": run_id,
            "name": "parse",
            "status": "completed",
            "started_at": f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T10:00:00+01:00",
            "ended_at": None,
            "duration_seconds": 12.5,
            "git": {"commit": None, "branch": "main", "dirty": False},
            "notes": [],
            "summary": {},
            "error": None,
        }
        (folder / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
        (folder / "metrics.json").write_text(json.dumps({"f1": 0.8 + index / 1000}))
        names.append(name)
    return names


def generate_repo(root: Path, count: int, *, seed: int = 7, runs: int = 12) -> list[Path]:
    """``generate``'s notes in a git repository at ``root`` (notes under ``root/thoughts``),
    with code references, a code history and runs; returns the notes' paths."""
    rng = random.Random(seed)
    _git(root, "init", "-q", "-b", "main")
    present = _code_history(root, max(60, count // 2), rng)
    shas = _git(root, "rev-list", "--reverse", "main").split()
    run_names = _runs(root, runs)
    folder = root / "thoughts"
    paths = generate(folder, count, seed=seed)
    stream = _Stream(CODE_START + 600 * (len(shas) + 10))
    for index, path in enumerate(paths):
        # Mostly recent commits, as notes are written against the code of the day.
        at = len(shas) - 1 - min(int(rng.expovariate(1 / (len(shas) / 4))), len(shas) - 1)
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        text = text.replace("git_commit: 3d801c3", f"git_commit: {shas[at][: 7 + index % 5]}", 1)
        if index % 25 == 3:
            text = text.replace("\n---\n", f"\nruns: [{run_names[index % runs]}]\n---\n", 1)
        cited = rng.sample(present[at], rng.randrange(10, 41))
        lines = [
            f"- {_reference(p, rng, rel.rsplit('/', 1)[0])} reads the {rng.choice(TAGS)} output."
            for p in cited
        ]
        text += "\n## Code References\n\n" + "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")
        parent = shas[-1] if index == 0 else None  # then each note's commit follows the last
        stream.commit(f"Add note {index}", [_Stream.modify(rel, text)], AUTHORS[index % 2], parent)
    _git(root, "fast-import", "--quiet", stdin="".join(stream.parts))
    _git(root, "reset", "-q", "--hard", "main")
    return paths

"""Benchmark: the git facts of 3,000 notes against mkdocs-git-revision-date-localized-plugin.

Run: .venv/bin/python hack/bench_git.py [--notes 3000] [--commits 5000] [--sample N]

Builds a repository in a temporary folder with ``git fast-import`` (code churn with renames and
deletions, pull-request refs, then one commit per note, each note naming an earlier commit and
citing code), then times in one run:

- ours: ``GitInfo.refresh()`` + ``prepare()`` + every note's facts (commit, placement, behind
  HEAD, file history, code references with drift) + permalinks;
- theirs: the revision-date plugin's ``Util.get_git_commit_timestamp`` for every note, for the
  last change and for the creation date (``enable_creation_date: true``; we report both), called
  the way its plugin's ``on_files`` does: a ``multiprocessing.Pool`` of ``min(10, cpus)``
  (``enable_parallel_processing``, its default), and one after another (its fallback).
  Their calls cost the same for every note (each is a ``git log --follow`` over the whole
  history), so by default theirs is timed on ``--sample 100`` notes and scaled to all of them;
  ``--sample 0`` times every note (about an hour on a small machine).

Then a one-note rebuild as in ``mkdocs serve``: ``refresh()`` with nothing moved, plus one
note's facts; the target is under 0.2 s. Exit status 1 when ours is not 20x faster than their
cheapest variant, or the rebuild is too slow.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs_thoughts.git.facts import NoteSource
from mkdocs_thoughts.git.forges import Forge
from mkdocs_thoughts.git.info import GitInfo

CODE_FILES = 200
CODE_LINES = 120
AUTHORS = ("Ada Lovelace <ada@example.org>", "Grace Hopper <grace@example.org>")
START = 1_735_725_600  # 2025-01-01T10:00:00Z


def git_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return env


def git(root: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env=git_env(),
    ).stdout


class Stream:
    """Writes a ``git fast-import`` stream: one commit at a time, full file contents inline."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.mark = 0
        self.clock = START

    def commit(
        self,
        ref: str,
        message: str,
        changes: list[str],
        *,
        parent: str | None = None,
        author: str = AUTHORS[0],
    ) -> int:
        self.mark += 1
        self.clock += 600
        stamp = f"{self.clock} +0000"
        data = message.encode()
        self.parts.append(
            f"commit {ref}\nmark :{self.mark}\nauthor {author} {stamp}\n"
            f"committer {author} {stamp}\ndata {len(data)}\n{message}\n"
            + (f"from {parent}\n" if parent else "")
            + "".join(changes)
            + "\n"
        )
        return self.mark

    @staticmethod
    def modify(path: str, text: str) -> str:
        data = text.encode()
        return f"M 100644 inline {path}\ndata {len(data)}\n{text}\n"

    def text(self) -> str:
        return "".join(self.parts)


def code_text(name: str, versions: list[int]) -> str:
    return "".join(f"{name} line {n + 1} v{versions[n]}\n" for n in range(CODE_LINES))


def build_code_history(root: Path, count: int, rng: random.Random) -> list[str]:
    """``count`` commits of code churn on main; returns the code paths at the end."""
    stream = Stream()
    files = {f"src/sec_finetune/mod_{k:03}.py": [0] * CODE_LINES for k in range(CODE_FILES)}
    changes = [stream.modify(path, code_text(path, v)) for path, v in files.items()]
    stream.commit("refs/heads/main", "Initial code", changes)
    pulls = 0
    for number in range(1, count):
        path = rng.choice(sorted(files))
        versions = files[path]
        start = rng.randrange(CODE_LINES - 3)
        for line in range(start, start + 3):
            versions[line] += 1
        changes = [stream.modify(path, code_text(path, versions))]
        if number % 97 == 0:  # a rename
            new = path.replace("mod_", f"renamed{number}_")
            changes.append(f"R {path} {new}\n")
            files[new] = files.pop(path)
        elif number % 151 == 0:  # a deletion
            victim = rng.choice(sorted(files))
            if victim != path:
                changes.append(f"D {victim}\n")
                del files[victim]
        author = AUTHORS[number % 2]
        mark = stream.commit("refs/heads/main", f"Change {path} ({number})", changes, author=author)
        if number % 100 == 0:  # a pull request whose commit was squash-merged elsewhere
            pulls += 1
            side = stream.modify(path, code_text(path, [v + 7 for v in versions]))
            stream.commit(f"refs/pull/{pulls}/head", f"PR {pulls}", [side], parent=f":{mark}")
    git(root, "fast-import", "--quiet", stdin=stream.text())
    return sorted(files)


def note_text(number: int, sha: str, code: list[str], rng: random.Random) -> str:
    cited = rng.sample(code, 3)
    a, b = rng.randrange(1, CODE_LINES - 10), rng.randrange(1, CODE_LINES - 10)
    return (
        f"---\ndate: 2025-02-01\nresearcher: Ada Lovelace\ngit_commit: {sha[: 7 + number % 5]}\n"
        f"branch: main\nrepository: bench\ntopic: Topic {number}\ntags: [bench]\n"
        f"status: complete\n---\n\n# Topic {number}\n\n## Findings\n\n"
        f"The reader lives in `{cited[0]}:{a}-{a + 5}` and calls "
        f"[the scorer](../../../{cited[1]}#L{b}-L{b + 3}).\n"
        f"See also `{cited[2]}` and src/sec_finetune/missing_{number}.py:3.\n\n"
        "```bash\npython src/sec_finetune/mod_000.py:1\n```\n\n"
        + "Words about risk factors and filings. " * 30
        + "\n"
    )


def build_repository(root: Path, notes: int, commits: int, seed: int = 11) -> list[NoteSource]:
    rng = random.Random(seed)
    git(root, "init", "-q", "-b", "main")
    code = build_code_history(root, commits - notes, rng)
    main_shas = git(root, "rev-list", "--reverse", "main").split()
    pull_shas = git(root, "for-each-ref", "--format=%(objectname)", "refs/pull/").split()
    stream = Stream()
    stream.clock = START + 600 * (commits + 100)
    sources: list[NoteSource] = []
    parent = f"{main_shas[-1]}"
    for number in range(notes):
        # Most notes name a commit of main; some one that only a pull request ref holds.
        sha = rng.choice(pull_shas) if number % 50 == 7 else rng.choice(main_shas)
        path = f"thoughts/shared/research/2025-02-01_10-00_topic-{number:04}.md"
        body = note_text(number, sha, code, rng)
        changes = [stream.modify(path, body)]
        stream.commit(
            "refs/heads/main",
            f"Add note {number}",
            changes,
            parent=parent if number == 0 else None,
            author=AUTHORS[number % 2],
        )
        sources.append(NoteSource(path, body.split("\n---\n", 1)[1], sha[: 7 + number % 5]))
    git(root, "fast-import", "--quiet", stdin=stream.text())
    git(root, "reset", "-q", "--hard", "main")
    return sources


def ours(root: Path, sources: list[NoteSource]) -> tuple[GitInfo, int]:
    info = GitInfo(
        root, Forge.from_config("https://github.com/o/bench"), skip_prefixes=("thoughts/",)
    )
    info.refresh()
    info.prepare(sources)
    links = 0
    for source in sources:
        facts = info.facts(source)
        links += sum(info.permalink(ref) is not None for ref in facts.refs)
        if facts.commit is not None:
            links += info.commit_url(facts.commit.sha) is not None
    return info, links


def theirs_util():  # the plugin's class, imported late: it is an optional dependency
    from mkdocs_git_revision_date_localized_plugin.util import Util

    # The plugin's defaults (enable_git_follow: true, strict: true) and no ignored commits.
    config = {"enable_git_follow": True, "strict": True, "fallback_to_build_date": False}
    return Util(config=config, mkdocs_dir=os.getcwd())


def theirs_parallel(paths: list[str], first: bool) -> None:
    """As the plugin's ``parallel_compute_commit_timestamps``: a pool of min(10, cpus)."""
    util = theirs_util()
    pool = multiprocessing.Pool(processes=min(10, multiprocessing.cpu_count()))
    results = [pool.apply_async(util.get_git_commit_timestamp, args=(p, first)) for p in paths]
    pool.close()
    pool.join()
    for result in results:
        result.get()


def theirs_serial(paths: list[str], first: bool) -> None:
    """As the plugin's ``_get_commit`` without the parallel cache: one call per page."""
    util = theirs_util()
    for path in paths:
        util.get_git_commit_timestamp(path, is_first_commit=first)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(notes: int, commits: int, sample: int | None) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.chdir(root)
        started = time.perf_counter()
        sources = build_repository(root, notes, commits)
        total = int(git(root, "rev-list", "--all", "--count"))
        print(f"repository:  {total} commits, {notes} notes, built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip

        our_time = float("inf")
        for _ in range(3):  # best of three, each from a fresh GitInfo (no cache)
            started = time.perf_counter()
            info, links = ours(root, sources)
            our_time = min(our_time, time.perf_counter() - started)
        facts = [info.facts(source) for source in sources]
        refs = sum(len(f.refs) for f in facts)
        drifted = sum(f.drift.drifted for f in facts)
        distinct = len({f.commit.sha for f in facts if f.commit})
        print(
            f"ours:        {our_time:8.2f} s  (all facts: {refs} code references, {drifted} "
            f"drifted, {distinct} distinct note commits, {links} links)"
        )

        paths = [str(root / source.rel_path) for source in sources]
        chosen = random.Random(3).sample(paths, sample) if sample else paths
        scale = len(paths) / len(chosen)
        their = {}
        for label, action in (
            ("parallel, last change", lambda: theirs_parallel(chosen, False)),
            ("parallel, creation", lambda: theirs_parallel(chosen, True)),
            ("serial, last change", lambda: theirs_serial(chosen, False)),
            ("serial, creation", lambda: theirs_serial(chosen, True)),
        ):
            their[label] = timed(action) * scale
        note = f" (timed on {len(chosen)} notes, scaled x{scale:.1f})" if sample else ""
        print(f"theirs{note}:")
        for label, seconds in their.items():
            print(f"  {label:22} {seconds:8.2f} s  ratio {seconds / our_time:6.1f}x")
        default = their["parallel, last change"] + their["parallel, creation"]
        serial = their["serial, last change"] + their["serial, creation"]
        print(f"  parallel, both dates   {default:8.2f} s  ratio {default / our_time:6.1f}x")
        print(f"  serial, both dates     {serial:8.2f} s  ratio {serial / our_time:6.1f}x")
        # The most conservative comparison: their cheapest way to get only the last change,
        # although ours also gives creation, counts, placement and code drift.
        cheapest = min(their["parallel, last change"], their["serial, last change"]) / our_time

        # One-note rebuild in `mkdocs serve`: nothing moved, one page asks for its facts.
        one = sources[len(sources) // 2]
        rebuild = []
        for _ in range(5):
            started = time.perf_counter()
            changed = info.refresh()
            fact = info.facts(one)
            for ref in fact.refs:
                info.permalink(ref)
            rebuild.append(time.perf_counter() - started)
            assert not changed
        more = "\nNow also `src/sec_finetune/mod_001.py:5`.\n"
        edited = NoteSource(one.rel_path, one.body + more, one.commit)
        edit_time = timed(lambda: info.facts(edited))
        (root / "touch.txt").write_text("moved\n")
        git(root, "add", "touch.txt")
        git(root, "-c", "user.name=B", "-c", "user.email=b@example.org", "commit", "-qm", "move")
        moved_time = timed(lambda: (info.refresh(), info.prepare(sources), info.facts(one)))
        print(f"one-note rebuild, nothing moved: {min(rebuild) * 1000:7.1f} ms (target < 200)")
        print(f"one-note rebuild, note edited:   {edit_time * 1000:7.1f} ms")
        print(f"rebuild after a new commit:      {moved_time:7.2f} s (history re-read)")
        fast = min(rebuild) < 0.2
        print(
            f"ours vs theirs, their cheapest (last change only): {cheapest:.1f}x; "
            f"their default with creation dates: {default / our_time:.1f}x (target >= 20)"
        )
        return fast and cheapest >= 20


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=100, help="0: time theirs on all notes")
    options = parser.parse_args()
    sys.exit(0 if run(options.notes, options.commits, options.sample) else 1)

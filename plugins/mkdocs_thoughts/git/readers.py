"""The few git facts the notes core needs, each from one batched git process (run by
:mod:`.runner`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .runner import GitError, run_git, run_git_bytes, run_git_side_by_side


@dataclass(frozen=True, slots=True)
class ResolvedSha:
    written: str
    full: str | None
    """The full SHA, or ``None`` when git does not know the commit."""
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class RepoState:
    """HEAD, every ref and the shallow flag: what decides whether cached history is still valid."""

    head: str
    """HEAD's full SHA."""
    head_ref: str | None
    """The branch HEAD points at (``refs/heads/main``), or ``None`` when HEAD is detached."""
    refs: tuple[tuple[str, str], ...]
    """(ref name, SHA as stored: annotated tags give the tag object) for every ref, sorted."""
    shallow: bool


def read_repo_state(repo_root: Path) -> RepoState:
    """One ``git rev-parse``: the shallow flag, HEAD and every ref, first as SHAs then as names.

    ``rev-parse`` prints one line per argument in order, so the SHAs of ``--all`` and the names
    of ``--symbolic-full-name --all`` pair up line by line.
    """
    out = run_git(
        repo_root,
        "rev-parse",
        "--is-shallow-repository",
        "HEAD",
        "--all",
        "--symbolic-full-name",
        "HEAD",
        "--all",
    ).splitlines()
    count = (len(out) - 3) // 2
    if len(out) < 3 or len(out) != 3 + 2 * count:
        raise GitError(f"git rev-parse gave {len(out)} lines, which do not pair up")
    shas = out[2 : 2 + count]
    names = out[3 + count :]
    symbolic = out[2 + count]
    return RepoState(
        head=out[1],
        head_ref=symbolic if symbolic.startswith("refs/") else None,
        refs=tuple(sorted(zip(names, shas, strict=True))),
        shallow=out[0] == "true",
    )


@dataclass(frozen=True, slots=True)
class CommitObject:
    """A commit read straight from the object database (for commits no ref reaches)."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: int
    """Unix time."""
    committed: int
    subject: str
    author_offset: int = 0
    """The author's UTC offset in minutes."""


def cat_file(
    repo_root: Path, requests: Sequence[str], *, contents: bool
) -> list[tuple[str, str, int, bytes | None]]:
    """Ask ``git cat-file`` about many objects in one process, in order.

    Each request is anything git names an object by (``abc1234^{commit}``, ``<sha>:<path>``, a
    blob id); each answer is (object id, type, size, contents or ``None``). A missing object
    answers ("", "missing", 0, None), an ambiguous short SHA ("", "ambiguous", 0, None).
    """
    if not requests:
        return []
    mode = "--batch" if contents else "--batch-check"
    out = run_git_bytes(
        repo_root,
        "cat-file",
        f"{mode}=%(objectname) %(objecttype) %(objectsize)",
        stdin="".join(f"{request}\n" for request in requests).encode("utf-8"),
    )
    answers: list[tuple[str, str, int, bytes | None]] = []
    position = 0
    for _ in requests:
        end = out.index(b"\n", position)
        header = out[position:end].decode("utf-8", errors="replace").rsplit(" ", 2)
        position = end + 1
        if len(header) == 3 and header[2].isdigit() and header[1] != "missing":
            size = int(header[2])
            data = None
            if contents:
                data = out[position : position + size]
                position += size + 1  # the object, then the newline git writes after it
            answers.append((header[0], header[1], size, data))
        else:
            # "<request> missing" or "<request> ambiguous": the request may hold spaces.
            answers.append(("", header[-1], 0, None))
    return answers


def read_commits(repo_root: Path, shas: Iterable[str]) -> dict[str, CommitObject | ResolvedSha]:
    """Resolve many (short) SHAs with one ``git cat-file --batch``.

    A found commit comes back with its parsed object; an unknown or ambiguous one as a
    :class:`ResolvedSha` with ``full=None``.
    """
    wanted = sorted(set(shas))
    answers = cat_file(repo_root, [f"{sha}^{{commit}}" for sha in wanted], contents=True)
    found: dict[str, CommitObject | ResolvedSha] = {}
    for sha, (object_id, kind, _, data) in zip(wanted, answers, strict=True):
        if kind == "commit" and data is not None:
            found[sha] = parse_commit_object(object_id, data.decode("utf-8", errors="replace"))
        else:
            found[sha] = ResolvedSha(sha, None, ambiguous=kind == "ambiguous")
    return found


def parse_commit_object(sha: str, text: str) -> CommitObject:
    headers, _, message = text.partition("\n\n")
    parents: list[str] = []
    author = ("", "", 0, 0)
    committed = 0
    for line in headers.splitlines():
        key, _, value = line.partition(" ")
        if key == "parent":
            parents.append(value)
        elif key == "author":
            author = _person(value)
        elif key == "committer":
            committed = _person(value)[2]
    subject = message.strip().splitlines()[0] if message.strip() else ""
    return CommitObject(
        sha, tuple(parents), author[0], author[1], author[2], committed, subject, author[3]
    )


_PERSON = re.compile(r"^(?P<name>.*?) <(?P<email>[^>]*)> (?P<stamp>\d+)(?: (?P<offset>[+-]\d{4}))?")


def _person(value: str) -> tuple[str, str, int, int]:
    """``Name <email> 1700000000 +0130`` -> (name, email, unix time, offset in minutes)."""
    match = _PERSON.match(value)
    if not match:
        return value, "", 0, 0
    offset = match["offset"] or "+0000"
    minutes = int(offset[1:3]) * 60 + int(offset[3:5])
    return (
        match["name"],
        match["email"],
        int(match["stamp"]),
        -minutes if offset[0] == "-" else minutes,
    )


_HISTORY = (
    "log",
    "--exclude=refs/stash",
    "--exclude=refs/notes/*",
    "--all",
    "--topo-order",
    "--raw",
    "--no-abbrev",
    "-M",
    "-z",
    "--no-color",
    "--encoding=UTF-8",
    "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s",
)
_REF_TIPS = ("for-each-ref", "--format=%(refname)%09%(objectname)%09%(*objectname)")


def read_history(repo_root: Path) -> str:
    """The whole commit graph with every file change, in one ``git log``.

    Each record is ``\\x1e`` + fields separated by ``\\x1f`` (SHA, parents, author name, author
    email, author date, committer date, subject), a NUL, then ``-z --raw`` entries (each
    change with the file's blob ids before and after).
    ``--topo-order`` prints children before their parents. Stashes and git-notes refs are not
    history anyone cites, so they are left out.
    """
    return run_git(repo_root, *_HISTORY)


def read_ref_tips(repo_root: Path) -> list[tuple[str, str]]:
    """(ref name, commit SHA) for every ref, annotated tags peeled to their commit.

    (``git log``'s decorations would save this process, but which refs they show depends on the
    git version and on ``log.excludeDecoration``.)
    """
    return _ref_tips(run_git(repo_root, *_REF_TIPS))


def list_tree(repo_root: Path, commit: str) -> dict[str, tuple[str, int]]:
    """Every file in ``commit``'s tree with its blob id and size (one ``git ls-tree``)."""
    return _tree(run_git(repo_root, *_tree_command(commit)))


def read_graph(
    repo_root: Path, head: str
) -> tuple[str, list[tuple[str, str]], dict[str, tuple[str, int]]]:
    """:func:`read_history`, :func:`read_ref_tips` and :func:`list_tree` of ``head``, from three
    git processes running side by side: a large history keeps ``git log`` busy for seconds, and
    the other two need not wait for it."""
    log, tips, tree = run_git_side_by_side(repo_root, _HISTORY, _REF_TIPS, _tree_command(head))
    return _text(log), _ref_tips(_text(tips)), _tree(_text(tree))


def _text(out: bytes) -> str:
    return out.decode("utf-8", errors="replace")


def _ref_tips(out: str) -> list[tuple[str, str]]:
    tips = []
    for line in out.splitlines():
        name, _, shas = line.partition("\t")
        direct, _, peeled = shas.partition("\t")
        tips.append((name, peeled or direct))
    return tips


def _tree_command(commit: str) -> tuple[str, ...]:
    return ("ls-tree", "-r", "-z", "-l", "--full-tree", commit)


def _tree(out: str) -> dict[str, tuple[str, int]]:
    files: dict[str, tuple[str, int]] = {}
    for entry in out.split("\0"):
        info, _, path = entry.partition("\t")
        parts = info.split()
        if len(parts) == 4 and parts[1] == "blob":
            files[path] = (parts[2], int(parts[3]) if parts[3].isdigit() else 0)
    return files

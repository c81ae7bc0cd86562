"""The one reading of a written commit: ``git_commit`` and the commit after a stamp's comma.

A SHA may carry a remark in parentheses (``3d801c3 (uncommitted changes on top)``): the SHA is
checked like any other and the remark is kept for the reader. Other text after the SHA, or a value
with no SHA, is not a commit. The check, ``thoughts fix``, the body's ``**Git Commit**:`` lines and
the JSON Schema all read commits here, so they cannot disagree on what is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHA_PATTERN = r"[0-9a-fA-F]{7,40}"
COMMIT_PATTERN = rf"`?{SHA_PATTERN}`?(?:[ \t]*\([^\r\n]*\))?"
"""A commit as written: the SHA (backticks allowed, as Markdown-minded writers add them) and an
optional remark in parentheses; also the JSON Schema's pattern."""

_SHA = re.compile(SHA_PATTERN)
_COMMIT = re.compile(rf"`?(?P<sha>{SHA_PATTERN})`?(?:[ \t]*\((?P<remark>[^\r\n]*)\))?")
_LEADING_SHA = re.compile(rf"`?(?P<sha>{SHA_PATTERN})`?(?![0-9A-Za-z])\s*(?P<rest>.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class CommitText:
    sha: str | None
    """The SHA written first, in lower case; ``None`` when the text names no commit."""
    remark: str | None = None
    """The text in parentheses after the SHA, when that is all that follows it."""
    prose: str = ""
    """Any other text after the SHA (whitespace folded): what makes the value no commit."""

    @property
    def is_valid(self) -> bool:
        return self.sha is not None and not self.prose


def read_commit(text: str) -> CommitText:
    """``3d801c3`` and ``3d801c3 (latest)`` are commits; ``3d801c3, latest`` is a SHA followed
    by prose; ``(uncommitted)`` and ``N/A`` name no commit."""
    stripped = text.strip()
    whole = _COMMIT.fullmatch(stripped)
    if whole:
        remark = whole["remark"]
        return CommitText(whole["sha"].lower(), " ".join(remark.split()) if remark else None)
    leading = _LEADING_SHA.fullmatch(stripped)
    if leading is None:
        return CommitText(None)
    return CommitText(leading["sha"].lower(), prose=" ".join(leading["rest"].split()))


def is_plain_sha(text: str) -> bool:
    return _SHA.fullmatch(text.strip()) is not None

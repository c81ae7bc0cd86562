"""Quoting the top-level values whose unquoted ``: `` breaks a note's YAML (``topic: Fix: the
parser``), one line at a time, the way `thoughts fix` repairs the syntax before anything else."""

from __future__ import annotations

import json
import re

import yaml

from ..core.frontmatter import split_frontmatter

_KEY_LINE = re.compile(
    r"(?P<key>[A-Za-z_][\w.-]*):[ \t]+(?P<value>[^\s'\"\[\]{}|>&*!%@`#][^\r\n]*?)"
    r"(?P<comment>[ \t]+#[^\r\n]*)?(?P<eol>\r?)"
)
_MAX_REPAIRS = 20
"""At most this many lines are quoted per note (each pass quotes one)."""


def repair_syntax(text: str) -> tuple[str, list[str]]:
    """Quote top-level values whose unquoted ``: `` breaks the YAML, one line at a time."""
    changes: list[str] = []
    for _ in range(_MAX_REPAIRS):
        block = split_frontmatter(text).frontmatter
        if block is None:
            break
        try:
            yaml.compose(block, Loader=yaml.SafeLoader)
            break
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            if mark is None or "mapping values are not allowed" not in (error.problem or ""):
                break
            lines = block.split("\n")
            match = _KEY_LINE.fullmatch(lines[mark.line]) if mark.line < len(lines) else None
            if match is None:
                break
            # A JSON string is a YAML double-quoted scalar; the comment stays a comment.
            value = json.dumps(match["value"].rstrip(), ensure_ascii=False)
            lines[mark.line] = f"{match['key']}: {value}{match['comment'] or ''}{match['eol']}"
            start = text.index("\n") + 1
            text = text[:start] + "\n".join(lines) + text[start + len(block) :]
            changes.append(f"quote {match['key']} (its value contains ': ')")
        except yaml.YAMLError:
            break
    return text, changes

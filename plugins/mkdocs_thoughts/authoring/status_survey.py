"""Which status spellings a team uses, read as `thoughts init` writes them: clear spellings of a
canonical status become ``status_aliases``, strings several notes share become
``extra_statuses``, and one-offs and typos stay unmapped so the check keeps reporting them."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.config import ThoughtsSettings

CANONICAL_STATUSES: tuple[str, ...] = tuple(ThoughtsSettings().statuses)
MISSPELT_RATIO = 0.8
"""A status this similar to a canonical one is a typo (``complet``), not a status of its own."""
STATUS_SYNONYMS: dict[str, str] = {
    "completed": "complete",
    "done": "complete",
    "final": "complete",
    "finished": "complete",
    "wip": "in_progress",
    "active": "in_progress",
    "ongoing": "in_progress",
    "in_review": "ready_for_review",
    "review": "ready_for_review",
}
"""Spellings that clearly mean a canonical status (after lower case and ``-``/space → ``_``)."""
_STATUS_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+){0,2}")


@dataclass
class StatusSurvey:
    aliases: dict[str, str] = field(default_factory=dict)
    """Spelling -> the status it means."""
    alias_comments: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    extra_comments: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    """What stays reported, and why."""


def notes_phrase(count: int) -> str:
    return f"{count} note{'s' if count != 1 else ''}"


def survey_statuses(spellings: Counter[str]) -> StatusSurvey:
    """What to configure for these status spellings (each with how many notes use it)."""
    found = StatusSurvey()
    others: dict[str, Counter[str]] = {}
    misspelt: list[str] = []
    for spelling, count in spellings.items():
        if spelling in CANONICAL_STATUSES:
            continue
        norm = _normalised(spelling)
        target = norm if norm in CANONICAL_STATUSES else STATUS_SYNONYMS.get(norm)
        if target is not None:
            found.aliases[spelling] = target
            found.alias_comments[spelling] = notes_phrase(count)
        elif _misspelt(norm):
            misspelt.append(spelling)  # a typo stays an error, however many notes repeat it
        elif _STATUS_WORD.fullmatch(spelling):
            others.setdefault(norm, Counter())[spelling] = count
    one_offs = _shared_statuses(others.values(), found)
    unmapped = [
        s
        for s in spellings
        if s not in found.aliases
        and s not in found.extra
        and s not in CANONICAL_STATUSES
        and s not in misspelt
        and s not in one_offs
    ]
    if one_offs or unmapped:
        found.remarks.append(
            "statuses left unmapped, so they stay reported: "
            + ", ".join(repr(s) for s in [*one_offs, *unmapped])
        )
    if misspelt:
        found.remarks.append(
            "statuses that look misspelt, so they stay reported: "
            + ", ".join(repr(s) for s in sorted(misspelt))
        )
    return found


def _shared_statuses(groups: Iterable[Counter[str]], found: StatusSurvey) -> list[str]:
    """Record each status several notes share (its most common spelling, the others as its
    aliases); return the one-off spellings, which stay unmapped."""
    one_offs: list[str] = []
    for group in groups:
        total = sum(group.values())
        if total < 2:
            one_offs.extend(group)  # a one-off stays unmapped, so it is reported
            continue
        main, _ = group.most_common(1)[0]
        found.extra.append(main)
        found.extra_comments.append(f"{main}: {notes_phrase(total)}")
        for spelling, count in group.items():
            if spelling != main:
                found.aliases[spelling] = main
                found.alias_comments[spelling] = notes_phrase(count)
    return sorted(one_offs)


def _normalised(status: str) -> str:
    return re.sub(r"[\s-]+", "_", status.strip().lower())


def _misspelt(norm: str) -> bool:
    """Close to a canonical status without being one of its spellings (``compelte``)."""
    return any(
        difflib.SequenceMatcher(None, norm, status).ratio() >= MISSPELT_RATIO
        for status in CANONICAL_STATUSES
    )

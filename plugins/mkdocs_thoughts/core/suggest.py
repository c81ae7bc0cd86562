"""Did-you-mean suggestions for misspelt keys, statuses and note names."""

from __future__ import annotations

import difflib
from collections.abc import Collection


def did_you_mean(word: str, candidates: Collection[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None

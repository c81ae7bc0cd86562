"""Reading the timestamps notes carry: ISO 8601 in its YAML and string forms, and a date field's
optional commit after a comma (``2026-04-01 18:05, a7219ee``)."""

from __future__ import annotations

import datetime as dt
import re

from .commit_value import COMMIT_PATTERN, read_commit


def parse_timestamp(value: object) -> dt.datetime | dt.date:
    """YAML datetimes, quoted strings, ``+HHMM`` offsets, ``Z`` and date-only values alike."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            is_date_only = len(text) == 10
            return parsed.date() if is_date_only else parsed
    raise ValueError(f"{value!r} is not an ISO 8601 date")


_STAMP_WITH_COMMIT = re.compile(
    rf"(?P<stamp>\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][^,]*?)?)[ \t]*,[ \t]*(?P<commit>{COMMIT_PATTERN})"
)


STAMP_PATTERN = rf"^\d{{4}}-\d{{2}}-\d{{2}}([T ][^,]*)?[ \t]*,[ \t]*{COMMIT_PATTERN}$"
"""A date field's stamp with its commit, for the JSON Schema (``2026-04-01 18:05, a7219ee``)."""


def split_stamp(value: object) -> tuple[object, str | None]:
    """``2026-04-01 18:05, a7219ee`` -> ("2026-04-01 18:05", "a7219ee"): a date field may carry
    the commit of that moment after a comma; anything else comes back unchanged."""
    if isinstance(value, str):
        match = _STAMP_WITH_COMMIT.fullmatch(value.strip())
        if match:
            return match["stamp"], read_commit(match["commit"]).sha
    return value, None

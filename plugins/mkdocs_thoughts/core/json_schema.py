"""The JSON Schema of the configured frontmatter, for editors and other validators."""

from __future__ import annotations

from typing import Any

from .commit_value import COMMIT_PATTERN
from .config import ThoughtsSettings
from .fields import NoteFields
from .timestamps import STAMP_PATTERN


def frontmatter_json_schema(settings: ThoughtsSettings) -> dict[str, Any]:
    """The JSON Schema of the configured frontmatter, for editors and other validators."""
    schema = NoteFields.model_json_schema()
    properties = schema["properties"]
    properties["status"] = {"type": "string", "enum": settings.all_statuses}
    properties["git_commit"] = {"type": "string", "pattern": f"^{COMMIT_PATTERN}$"}
    stamp = {"type": "string", "pattern": STAMP_PATTERN}
    properties["date"] = {"anyOf": [{"type": "string", "format": "date-time"}, stamp]}
    properties["last_updated"] = {
        "anyOf": [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
            stamp,
        ]
    }
    for name in settings.relation_fields:
        properties.setdefault(
            name, {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        )
    return schema

"""Plugin options as YAML lines, each with a comment saying why it is there.

Keys, values and comments may come from notes (status spellings, frontmatter keys), so every
scalar is written so that it reads back as exactly itself, and comments are kept on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .text_edits import yaml_list, yaml_scalar

# YAML (1.1, as PyYAML reads it) breaks lines at these too: a comment must not hold one.
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_STEP = "  "


def render_options(
    options: Mapping[str, Any],
    comments: Mapping[str, str],
    remarks: list[str],
    indent: str,
    headline: str = "",
) -> list[str]:
    lines: list[str] = [f"{indent}# {_LINE_BREAKS.sub(' ', headline)}"] if headline else []
    for key, value in options.items():
        comment = comments.get(key)
        if isinstance(value, Mapping) and value:
            lines.append(_line(f"{indent}{yaml_scalar(key)}:", comment))
            for entry, entry_value in value.items():
                lines.append(
                    _line(
                        f"{indent}{_STEP}{yaml_scalar(entry)}: {_flow(entry_value)}",
                        comments.get(f"{key}.{entry}"),
                    )
                )
        elif isinstance(value, list) and any(f"{key}.{item}" in comments for item in value):
            lines.append(_line(f"{indent}{yaml_scalar(key)}:", comment))
            for item in value:
                lines.append(
                    _line(f"{indent}{_STEP}- {yaml_scalar(item)}", comments.get(f"{key}.{item}"))
                )
        else:
            lines.append(_line(f"{indent}{yaml_scalar(key)}: {_flow(value)}", comment))
    lines.extend(f"{indent}# {_LINE_BREAKS.sub(' ', remark)}" for remark in remarks)
    return lines


def _flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return yaml_scalar(value)
    if isinstance(value, list):
        return yaml_list(str(item) for item in value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as an option")


def _line(text: str, comment: str | None) -> str:
    if not comment:
        return text
    return f"{text}  # {_LINE_BREAKS.sub(' ', comment)}"

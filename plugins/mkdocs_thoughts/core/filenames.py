"""File-name conventions (``filename_pattern``): a readable template such as ``YYYY-MM-DD-slug.md``
compiled to a regular expression, and the shape of a name seen in a team's folder.

Tokens: ``YYYY`` year, ``MM`` month (minutes once ``HH`` came before it), ``DD`` day, ``HH`` hour,
``SS`` seconds, ``slug`` (lower case letters, digits, ``.``, ``_``, ``-``), ``Slug`` (any case),
``[...]`` an optional part. Everything else is literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_TOKEN = re.compile(r"YYYY|MM|DD|HH|SS|slug|Slug|\[|\]")
_SLUG = r"[a-z0-9][a-z0-9._-]*"
_ANY_CASE_SLUG = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_EXAMPLE = {
    "YYYY": "2025",
    "month": "12",
    "DD": "03",
    "HH": "18",
    "minute": "14",
    "SS": "34",
    "slug": "short-topic",
    "Slug": "short-topic",
}
DEFAULT_DESCRIPTION = "YYYY-MM-DD_HH-MM[-SS]_slug.md"


class PatternError(ValueError):
    """A ``filename_pattern`` that cannot be compiled."""


@dataclass(frozen=True, slots=True)
class FileNamePattern:
    template: str
    regex: re.Pattern[str]
    example: str

    def matches(self, name: str) -> bool:
        return self.regex.fullmatch(name) is not None

    def render(self, moment: datetime, slug: str) -> str:
        """The file name of a note written at ``moment`` (optional parts included)."""
        return _expand(
            self.template,
            {
                "YYYY": f"{moment:%Y}",
                "month": f"{moment:%m}",
                "DD": f"{moment:%d}",
                "HH": f"{moment:%H}",
                "minute": f"{moment:%M}",
                "SS": f"{moment:%S}",
                "slug": slug,
                "Slug": slug,
            },
        )


def _expand(template: str, values: dict[str, str]) -> str:
    """``template`` with each token replaced by its value and the brackets dropped."""
    out: list[str] = []
    seen_hour = False
    position = 0
    for match in _TOKEN.finditer(template):
        out.append(template[position : match.start()])
        position = match.end()
        token = match[0]
        if token in "[]":
            continue
        if token == "MM":
            token = "minute" if seen_hour else "month"
        seen_hour = seen_hour or token == "HH"
        out.append(values[token])
    out.append(template[position:])
    return "".join(out)


def compile_pattern(template: str) -> FileNamePattern:
    regex: list[str] = []
    example: list[str] = []
    depth = 0
    seen_hour = False
    position = 0
    for match in _TOKEN.finditer(template):
        literal = template[position : match.start()]
        regex.append(re.escape(literal))
        example.append(literal)
        position = match.end()
        token = match[0]
        if token == "[":
            depth += 1
            regex.append("(?:")
        elif token == "]":
            if depth == 0:
                raise PatternError(f"{template!r}: ']' without '['")
            depth -= 1
            regex.append(")?")
        elif token == "YYYY":
            regex.append(r"\d{4}")
            example.append(_EXAMPLE["YYYY"])
        elif token == "MM":
            # HH-MM reads as hours and minutes, YYYY-MM as year and month, as people read it.
            regex.append(r"[0-5]\d" if seen_hour else r"(?:0[1-9]|1[0-2])")
            example.append(_EXAMPLE["minute" if seen_hour else "month"])
        elif token == "DD":
            regex.append(r"(?:0[1-9]|[12]\d|3[01])")
            example.append(_EXAMPLE["DD"])
        elif token == "HH":
            seen_hour = True
            regex.append(r"(?:[01]\d|2[0-3])")
            example.append(_EXAMPLE["HH"])
        elif token == "SS":
            regex.append(r"[0-5]\d")
            example.append(_EXAMPLE["SS"])
        else:
            regex.append(_SLUG if token == "slug" else _ANY_CASE_SLUG)
            example.append(_EXAMPLE[token])
    if depth:
        raise PatternError(f"{template!r}: '[' without ']'")
    tail = template[position:]
    regex.append(re.escape(tail))
    example.append(tail)
    return FileNamePattern(template, re.compile("".join(regex)), "".join(example))


# The shapes `thoughts init` recognises in a folder, most specific first: (regex, template).
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(regex), template)
    for regex, template in (
        (r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}(?:-\d{2})?_(?P<slug>.+)\.md", DEFAULT_DESCRIPTION),
        (r"\d{4}-\d{2}-\d{2}_(?P<slug>.+)\.md", "YYYY-MM-DD_slug.md"),
        (r"\d{4}-\d{2}-\d{2}-(?P<slug>.+)\.md", "YYYY-MM-DD-slug.md"),
        (r"\d{8}_\d{6}_(?P<slug>.+)\.md", "YYYYMMDD_HHMMSS_slug.md"),
        (r"\d{8}-(?P<slug>.+)\.md", "YYYYMMDD-slug.md"),
        (r"(?P<slug>.+)-\d{8}-\d{6}\.md", "slug-YYYYMMDD-HHMMSS.md"),
        (r"(?P<slug>.+)_\d{8}_\d{6}\.md", "slug_YYYYMMDD_HHMMSS.md"),
        (r"(?P<slug>.+)-\d{4}-\d{2}-\d{2}\.md", "slug-YYYY-MM-DD.md"),
    )
)
_ANY_CASE_SLUG_TEXT = re.compile(_ANY_CASE_SLUG)
_LOWER_SLUG_TEXT = re.compile(_SLUG)


@dataclass(frozen=True, slots=True)
class NameShape:
    template: str
    """The template with a lower-case ``slug``."""
    upper_case: bool
    """Whether the slug has capital letters (fits only ``Slug``)."""


def shape_of(name: str) -> NameShape | None:
    """The convention a file name follows, or ``None`` for a free-form name (or one whose slug
    holds spaces or other characters no pattern accepts)."""
    for regex, template in _SHAPES:
        match = regex.fullmatch(name)
        if match is None:
            continue
        slug = match["slug"]
        if _LOWER_SLUG_TEXT.fullmatch(slug):
            return NameShape(template, upper_case=False)
        if _ANY_CASE_SLUG_TEXT.fullmatch(slug):
            return NameShape(template, upper_case=True)
        return None
    return None

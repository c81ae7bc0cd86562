"""Sentence and word tokenisation shared by segmentation and readability.

Deliberately rule-based: no model downloads, deterministic, and fast enough for the whole
pipeline budget. The abbreviation list covers what 10-K prose actually uses.
"""

from __future__ import annotations

import re

# Tokens that end in a period without ending a sentence (compared lower-cased, without
# the final period).
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "inc", "corp", "co", "ltd", "llc",
        "l.p", "lp", "plc", "n.a", "s.a", "no", "nos", "vs", "v", "etc", "e.g", "i.e", "cf",
        "u.s", "u.k", "u.s.a", "e.u", "approx", "fig", "sec", "art", "para", "ch", "vol",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "est", "dept", "div", "assn", "bros", "mfg", "intl",
    }
)  # fmt: skip

# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by whitespace and an
# upper-case letter, digit, opening quote/bracket or bullet.
_BOUNDARY = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘(\[]?[A-Z0-9•])")
_LAST_TOKEN = re.compile(r"(\S+)$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def _is_abbreviation(before: str) -> bool:
    match = _LAST_TOKEN.search(before)
    if match is None:
        return False
    token = match.group(1).lstrip("(“\"‘'").lower()
    # A single letter before the period is an initial ("Robert W. Stallings").
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; blank lines (block boundaries) always end a sentence,
    so bullet items without final punctuation still count as sentences."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if paragraph[match.start()] == "." and _is_abbreviation(
                paragraph[start : match.start()]
            ):
                continue
            sentence = paragraph[start : match.end()].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences


def words(text: str) -> list[str]:
    """Alphabetic words; an internal apostrophe keeps a word whole ("Company’s"), hyphens
    split compounds ("long-term" → "long", "term") and numbers are not words."""
    return _WORD.findall(text)

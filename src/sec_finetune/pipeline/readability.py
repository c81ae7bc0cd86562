"""Readability metrics implemented from their published formulas.

* Flesch reading ease      = 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words)
* Flesch–Kincaid grade     = 0.39·(words/sentences) + 11.8·(syllables/words) − 15.59
* Gunning fog index        = 0.4·((words/sentences) + 100·(complex words/words))

Words are alphabetic tokens (see ``tokens.words``); a "complex" word has three or more
syllables, not counting words that only reach three through an -es/-ed/-ing ending
(Gunning's own rule; hyphenated compounds are already split into their parts). Proper
nouns are *not* excluded: telling them apart needs more than capitalisation in filings
that capitalise defined terms ("the Company").

Syllables come from a rule-based counter: vowel groups, minus silent endings, plus a few
hiatus patterns. It is an estimate (as in every readability tool), documented rule by rule
so expected values can be computed by hand in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sec_finetune.pipeline.tokens import split_sentences, words

METRICS = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog")

_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_NON_LETTER = re.compile(r"[^a-z]")
# Vowel pairs that are two syllables although they form one vowel group:
# "ri-al" (material), "tu-al" (actual), "ti-o" at word end (ratio, portfolio).
_HIATUS = re.compile(r"(?<![ctg])ia|(?<![qg])ua|io$")
# A silent e kept before a consonant suffix: "adverse-ly", "manage-ment", "hope-ful".
_SILENT_E_SUFFIX = re.compile(r"[^aeiouy]e(?:ly|ment|ments|ness|ful)$")
# Words the rules get wrong that are frequent in 10-K risk factors.
_EXCEPTIONS = {
    "business": 2,
    "businesses": 3,
    "every": 3,
    "several": 3,
    "interest": 3,
    "interests": 3,
    "family": 3,
    "average": 3,
    "being": 2,
    "create": 2,
    "created": 3,
    "creates": 2,
    "area": 3,
    "areas": 3,
    "idea": 3,
    "science": 2,
    "client": 2,
    "clients": 2,
    "quiet": 2,
    "diet": 2,
    "poem": 2,
    "toward": 2,
    "towards": 2,
}


def count_syllables(word: str) -> int:
    """Estimated syllables in one English word (minimum 1).

    Rules, in order: (1) lower-case, drop a possessive 's and non-letters; (2) exceptions
    table; (3) count vowel groups, 'y' included except word-initially; (4) a final silent
    'e' does not count, unless the word ends in consonant+"le" (ta-ble) or "ee" (a-gree);
    (5) a final "es"/"ed" is silent unless it follows s/x/z/ch/sh/ce/ge (box-es) or t/d
    (want-ed); (6) a silent e before -ly/-ment/-ness/-ful does not count (adverse-ly);
    (7) add one per hiatus "ia"/"ua"/final "io" (ma-te-ri-al, ac-tu-al).
    """
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = _NON_LETTER.sub("", w)
    if not w:
        return 0
    if w in _EXCEPTIONS:
        return _EXCEPTIONS[w]
    core = "_" + w[1:] if w[0] == "y" else w  # word-initial y is a consonant ("year")
    count = len(_VOWEL_GROUP.findall(core))
    if len(w) > 2 and w.endswith("e") and not w.endswith("ee"):
        if not (w.endswith("le") and w[-3] not in "aeiouy"):
            count -= 1
    elif len(w) > 3 and w.endswith("es") and w[-3] in "aeiouy":
        pass  # "goes", "agrees": the e is part of a vowel group already counted once
    elif len(w) > 3 and w.endswith("es"):
        if not (w[-3] in "sxz" or w.endswith(("ches", "shes", "ces", "ges"))):
            count -= 1
    elif len(w) > 3 and w.endswith("ed") and w[-3] not in "aeiouytd":
        count -= 1
    if _SILENT_E_SUFFIX.search(w):
        count -= 1
    count += len(_HIATUS.findall(w))
    return max(1, count)


def is_complex(word: str) -> bool:
    """Gunning's "hard word": 3+ syllables, unless only an -es/-ed/-ing ending makes it so."""
    syllables = count_syllables(word)
    if syllables < 3:
        return False
    w = word.lower()
    for suffix in ("ing", "es", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return count_syllables(w[: -len(suffix)]) >= 3
    return True


@dataclass(frozen=True, slots=True)
class TextCounts:
    sentences: int
    words: int
    syllables: int
    complex_words: int


def text_counts(text: str) -> TextCounts:
    tokens = words(text)
    sentences = sum(1 for s in split_sentences(text) if words(s))
    return TextCounts(
        sentences=sentences,
        words=len(tokens),
        syllables=sum(count_syllables(t) for t in tokens),
        complex_words=sum(1 for t in tokens if is_complex(t)),
    )


def flesch_reading_ease(c: TextCounts) -> float:
    return 206.835 - 1.015 * (c.words / c.sentences) - 84.6 * (c.syllables / c.words)


def flesch_kincaid_grade(c: TextCounts) -> float:
    return 0.39 * (c.words / c.sentences) + 11.8 * (c.syllables / c.words) - 15.59


def gunning_fog(c: TextCounts) -> float:
    return 0.4 * ((c.words / c.sentences) + 100.0 * (c.complex_words / c.words))


_FORMULAS = {
    "flesch_reading_ease": flesch_reading_ease,
    "flesch_kincaid_grade": flesch_kincaid_grade,
    "gunning_fog": gunning_fog,
}


def readability(text: str, metrics: tuple[str, ...] | list[str] = METRICS) -> dict[str, object]:
    """Counts and the requested metrics (rounded to 2 decimals); metrics are None for a
    text without words."""
    unknown = [m for m in metrics if m not in _FORMULAS]
    if unknown:
        raise ValueError(f"unknown readability metric(s) {unknown}; known: {list(METRICS)}")
    c = text_counts(text)
    result: dict[str, object] = {
        "sentences": c.sentences,
        "words": c.words,
        "syllables": c.syllables,
        "complex_words": c.complex_words,
    }
    for name in metrics:
        result[name] = round(_FORMULAS[name](c), 2) if c.words and c.sentences else None
    return result

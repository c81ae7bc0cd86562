"""Dictionary (lexicon) sentiment for finance text: counts and ratios per word category.

Ships a small project-authored word list (``lexicon/finance_words.csv``: ~430 entries over
negative, positive, uncertainty, litigious and constraining). A larger dictionary can be
loaded from a user-supplied CSV in either of two layouts:

* long:  ``word,category`` rows (the built-in file's layout);
* wide:  the Loughran-McDonald *Master Dictionary* layout — a ``Word`` column plus one column
  per category (``Negative``, ``Positive``, ``Uncertainty``, ``Litigious``, ``Strong_Modal``,
  ``Weak_Modal``, ``Constraining``...). A cell holds the year the word joined the category;
  0 means "not a member" and, per the dictionary's documentation, a *negative* year is the
  year the word was *removed* — so only positive values count as membership.

The built-in list holds base forms and matches simple inflections; a loaded dictionary is
matched exactly, because the LM dictionary lists every inflection explicitly.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sec_finetune.pipeline.tokens import words

BUILTIN_LEXICON = "finance_words.csv"
DEFAULT_CATEGORIES = ("negative", "positive", "uncertainty", "litigious")

# (suffix, replacement) tried in order when the built-in list lacks the exact word.
_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("ally", ""),
)


# Numeric columns of the LM master dictionary that are statistics, not word categories.
_LM_NON_CATEGORY = frozenset(
    {
        "seq_num", "sequence_number", "word_count", "word_proportion", "average_proportion",
        "std_dev", "doc_count", "syllables", "source",
    }
)  # fmt: skip


class LexiconError(ValueError):
    """A lexicon file that cannot be read as either supported layout."""


def _norm_category(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


@dataclass(slots=True)
class Lexicon:
    categories: dict[str, frozenset[str]]
    source: str
    sha256: str
    inflect: bool
    _memo: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def _exact(self, word: str) -> tuple[str, ...]:
        return tuple(c for c, members in self.categories.items() if word in members)

    def lookup(self, word: str) -> tuple[str, ...]:
        """Categories of one token (lower-cased, possessive stripped)."""
        w = word.lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in self._memo:
            return self._memo[w]
        found = self._exact(w)
        if not found and self.inflect:
            for suffix, repl in _INFLECTIONS:
                if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                    stem = w[: -len(suffix)] + repl
                    found = self._exact(stem)
                    # "dropped" → "dropp" → "drop"
                    if not found and not repl and len(stem) > 3 and stem[-1] == stem[-2]:
                        found = self._exact(stem[:-1])
                    if found:
                        break
        self._memo[w] = found
        return found

    def describe(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "inflect": self.inflect,
            "sizes": {c: len(m) for c, m in sorted(self.categories.items())},
        }


def _is_number(value: str | None) -> bool:
    try:
        float((value or "").strip())
    except ValueError:
        return False
    return True


def _rows(text: str) -> list[dict[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        raise LexiconError("empty lexicon file")
    return list(reader)


def parse_lexicon(text: str, *, source: str, inflect: bool) -> Lexicon:
    """Parse CSV text in the long (word,category) or wide (Loughran-McDonald) layout."""
    rows = _rows(text)
    if not rows:
        raise LexiconError(f"{source}: no rows")
    columns = {_norm_category(k): k for k in rows[0] if k is not None}
    if "word" not in columns:
        raise LexiconError(f"{source}: no 'Word' column (columns: {sorted(columns)})")
    word_col = columns["word"]
    cats: dict[str, set[str]] = {}
    if set(columns) == {"word", "category"}:
        cat_col = columns["category"]
        for row in rows:
            word, cat = (row.get(word_col) or "").strip().lower(), row.get(cat_col) or ""
            if word and cat.strip():
                cats.setdefault(_norm_category(cat), set()).add(word)
    else:
        candidates = [
            col for norm, col in columns.items() if norm != "word" and norm not in _LM_NON_CATEGORY
        ]
        numeric = [col for col in candidates if any(_is_number(r.get(col)) for r in rows)]
        # A category column without members is still a category (counts will be 0).
        cats = {_norm_category(col): set() for col in numeric}
        for row in rows:
            word = (row.get(word_col) or "").strip().lower()
            if not word:
                continue
            for col in numeric:
                value = (row.get(col) or "").strip()
                if _is_number(value) and float(value) > 0:  # a year added; negative = removed
                    cats[_norm_category(col)].add(word)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Lexicon({c: frozenset(w) for c, w in cats.items()}, source, digest, inflect)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The built-in list (``path=None``) or a user CSV (matched without inflection rules)."""
    if path is None:
        text = resources.files("sec_finetune.pipeline").joinpath("lexicon", BUILTIN_LEXICON)
        return parse_lexicon(
            text.read_text(encoding="utf-8"), source=f"builtin:{BUILTIN_LEXICON}", inflect=True
        )
    p = Path(path)
    if not p.is_file():
        raise LexiconError(f"lexicon file not found: {p}")
    return parse_lexicon(p.read_text(encoding="utf-8-sig"), source=str(p), inflect=False)


def sentiment(
    text: str | Iterable[str], lexicon: Lexicon, categories: Sequence[str] = DEFAULT_CATEGORIES
) -> dict[str, Any]:
    """Word counts per category, their share of all words, and net tone
    (positive − negative) / (positive + negative) when both categories are requested."""
    tokens = words(text) if isinstance(text, str) else list(text)
    wanted = [_norm_category(c) for c in categories]
    counts = dict.fromkeys(wanted, 0)
    for token in tokens:
        for cat in lexicon.lookup(token):
            if cat in counts:
                counts[cat] += 1
    total = len(tokens)
    result: dict[str, Any] = {
        "total_words": total,
        "counts": counts,
        "ratios": {c: (round(n / total, 6) if total else 0.0) for c, n in counts.items()},
    }
    if "positive" in counts and "negative" in counts:
        polar = counts["positive"] + counts["negative"]
        result["net_tone"] = (
            round((counts["positive"] - counts["negative"]) / polar, 6) if polar else 0.0
        )
    return result

"""Lexicon sentiment: the shipped word list, inflections, and user CSV dictionaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from sec_finetune.pipeline.sentiment import LexiconError, load_lexicon, sentiment

# The column layout of the Loughran-McDonald master dictionary CSV (rows invented).
LM_HEADER = (
    "Word,Seq_num,Word Count,Word Proportion,Average Proportion,Std Dev,Doc Count,"
    "Negative,Positive,Uncertainty,Litigious,Strong_Modal,Weak_Modal,Constraining,"
    "Complexity,Syllables,Source"
)
LM_CSV = f"""{LM_HEADER}
ABANDON,1,100,1e-05,1e-05,1e-04,50,2009,0,0,0,0,0,0,0,2,12of12inf
ABANDONED,2,90,1e-05,1e-05,1e-04,40,2009,0,0,0,0,0,0,0,3,12of12inf
BENEFIT,3,80,1e-05,1e-05,1e-04,30,0,2009,0,0,0,0,0,0,3,12of12inf
MAY,4,70,1e-05,1e-05,1e-04,20,0,0,2009,0,0,2009,0,0,1,12of12inf
COURT,5,60,1e-05,1e-05,1e-04,10,0,0,0,2009,0,0,0,0,1,12of12inf
CRUDE,6,50,1e-05,1e-05,1e-04,10,-2020,0,0,0,0,0,0,0,1,12of12inf
"""


def test_builtin_lexicon_is_a_few_hundred_words_in_four_plus_categories() -> None:
    lexicon = load_lexicon()
    sizes = lexicon.describe()["sizes"]
    assert {"negative", "positive", "uncertainty", "litigious"} <= set(sizes)
    assert 300 <= sum(sizes.values()) <= 1000
    assert lexicon.source == "builtin:finance_words.csv" and lexicon.inflect


def test_counts_and_ratios_with_inflections() -> None:
    text = "Losses increased. The lawsuit may cause uncertainty, but the outcome could improve."
    # 12 words. Losses -> loss (negative); lawsuit (litigious); may, uncertainty, could
    # (uncertainty); improve (positive).
    result = sentiment(text, load_lexicon())
    assert result["total_words"] == 12
    assert result["counts"] == {"negative": 1, "positive": 1, "uncertainty": 3, "litigious": 1}
    assert result["ratios"]["uncertainty"] == pytest.approx(3 / 12, abs=1e-6)
    assert result["net_tone"] == 0.0


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("declined", "negative"),  # -d
        ("declining", "negative"),  # -ing → -e
        ("dropped", "negative"),  # doubled consonant
        ("adversely", "negative"),  # listed form
        ("difficulties", "negative"),  # -ies → -y
        ("Plaintiff’s", "litigious"),  # possessive
    ],
)
def test_builtin_inflection_matching(word: str, category: str) -> None:
    assert category in load_lexicon().lookup(word)


def test_loughran_mcdonald_master_dictionary_layout(tmp_path: Path) -> None:
    path = tmp_path / "LM.csv"
    path.write_text(LM_CSV, encoding="utf-8")
    lexicon = load_lexicon(path)
    assert not lexicon.inflect  # the LM dictionary lists inflections itself
    assert lexicon.categories["negative"] == {"abandon", "abandoned"}  # -2020 = removed
    assert lexicon.categories["weak_modal"] == {"may"}
    assert "syllables" not in lexicon.categories and "word_count" not in lexicon.categories
    result = sentiment(
        "Abandoned crude plans may benefit the court; abandoning", lexicon,
        ["negative", "positive", "uncertainty", "litigious", "weak_modal"],
    )  # fmt: skip
    assert result["counts"] == {
        "negative": 1, "positive": 1, "uncertainty": 1, "litigious": 1, "weak_modal": 1,
    }  # fmt: skip


def test_long_word_category_layout(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "# my list\nword,category\nwidget,Positive\nGadget,negative\n", encoding="utf-8"
    )
    lexicon = load_lexicon(path)
    assert lexicon.categories == {"positive": {"widget"}, "negative": {"gadget"}}


def test_bad_lexicon_files(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("term,score\nloss,-1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="no 'Word' column"):
        load_lexicon(bad)

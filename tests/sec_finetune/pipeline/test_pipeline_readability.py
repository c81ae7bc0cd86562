"""Readability: the syllable counter and the three formulas against hand-computed values."""

from __future__ import annotations

import pytest

from sec_finetune.pipeline.readability import (
    count_syllables,
    flesch_kincaid_grade,
    flesch_reading_ease,
    gunning_fog,
    is_complex,
    readability,
    text_counts,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("cat", 1),  # one vowel group
        ("the", 1),  # a lone final e still counts: never below 1
        ("make", 1),  # silent final e
        ("table", 2),  # consonant + "le" keeps its syllable
        ("agree", 2),  # final "ee" is not silent
        ("jumped", 1),  # silent -ed
        ("wanted", 2),  # -ed after t is voiced
        ("rates", 1),  # silent -es
        ("boxes", 2),  # -es after x is voiced
        ("changes", 2),  # -es after g(e) is voiced
        ("year", 1),  # word-initial y is a consonant
        ("company", 3),  # y as a vowel
        ("financial", 3),  # "cia" is one syllable
        ("material", 4),  # ma-te-ri-al: hiatus "ia"
        ("actual", 3),  # ac-tu-al: hiatus "ua"
        ("ratio", 3),  # ra-ti-o: final "io"
        ("litigation", 4),  # "tion" is one syllable
        ("adversely", 3),  # silent e before -ly
        ("management", 3),  # silent e before -ment
        ("Company’s", 3),  # possessive ignored
        ("business", 2),  # exceptions table
    ],
)
def test_syllable_counter(word: str, expected: int) -> None:
    assert count_syllables(word) == expected


def test_complex_words_follow_gunnings_suffix_rule() -> None:
    assert is_complex("litigation") and is_complex("regulatory")
    # con-sult-ed and re-port-ing reach three syllables only through the ending.
    assert count_syllables("consulted") == 3 and not is_complex("consulted")
    assert count_syllables("reporting") == 3 and not is_complex("reporting")
    assert not is_complex("table")


def test_one_syllable_text_by_hand() -> None:
    text = "The cat sat on the mat. The dog ran."
    # 9 words, 2 sentences, 9 syllables (all one-syllable words), 0 complex words.
    # FRE  = 206.835 - 1.015 * (9/2) - 84.6 * (9/9) = 206.835 - 4.5675 - 84.6 = 117.6675
    # FKGL = 0.39 * 4.5 + 11.8 * 1 - 15.59 = 1.755 + 11.8 - 15.59 = -2.035
    # Fog  = 0.4 * (4.5 + 100 * 0/9) = 1.8
    counts = text_counts(text)
    assert (counts.words, counts.sentences, counts.syllables, counts.complex_words) == (9, 2, 9, 0)
    assert flesch_reading_ease(counts) == pytest.approx(117.6675)
    assert flesch_kincaid_grade(counts) == pytest.approx(-2.035)
    assert gunning_fog(counts) == pytest.approx(1.8)


def test_risk_factor_sentence_by_hand() -> None:
    text = (
        "Litigation may adversely affect our financial condition. "
        "Regulatory uncertainty is considerable."
    )
    # Syllables: Litigation 4, may 1, adversely 3, affect 2, our 1, financial 3, condition 3,
    #   Regulatory 5, uncertainty 4, is 1, considerable 5  -> 32 in 11 words, 2 sentences.
    # Complex (3+): Litigation, adversely, financial, condition, Regulatory, uncertainty,
    #   considerable -> 7.
    # FRE  = 206.835 - 1.015 * 5.5 - 84.6 * 32/11 = 206.835 - 5.5825 - 246.10909 = -44.85659
    # FKGL = 0.39 * 5.5 + 11.8 * 32/11 - 15.59 = 2.145 + 34.32727 - 15.59 = 20.88227
    # Fog  = 0.4 * (5.5 + 100 * 7/11) = 0.4 * (5.5 + 63.63636) = 27.65455
    counts = text_counts(text)
    assert (counts.words, counts.sentences, counts.syllables, counts.complex_words) == (
        11,
        2,
        32,
        7,
    )
    assert flesch_reading_ease(counts) == pytest.approx(-44.85659, abs=1e-5)
    assert flesch_kincaid_grade(counts) == pytest.approx(20.88227, abs=1e-5)
    assert gunning_fog(counts) == pytest.approx(27.65455, abs=1e-5)
    result = readability(text)
    assert result["flesch_reading_ease"] == -44.86
    assert result["flesch_kincaid_grade"] == 20.88
    assert result["gunning_fog"] == 27.65


def test_metric_selection_and_empty_text() -> None:
    assert set(readability("One two.", ["gunning_fog"])) == {
        "sentences", "words", "syllables", "complex_words", "gunning_fog",
    }  # fmt: skip
    assert readability("1,234 $ 5.6")["flesch_reading_ease"] is None
    with pytest.raises(ValueError, match="unknown readability metric"):
        readability("Text.", ["smog"])

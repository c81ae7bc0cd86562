"""Stage 4 (features): risk segments → segments with readability and lexicon sentiment.

The output is the processed dataset: one record per risk segment, text included, ready for
labelling and fine-tuning.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean
from typing import Any

from sec_finetune.pipeline.readability import readability
from sec_finetune.pipeline.sentiment import Lexicon, sentiment
from sec_finetune.pipeline.tokens import words

FEATURES_SCHEMA = "sec_finetune.segmented_risks/1"

_SEGMENT_FIELDS = ("index", "kind", "heading", "category", "part", "parts", "chars", "text")


def segment_features(
    text: str,
    lexicon: Lexicon,
    *,
    categories: Sequence[str],
    readability_metrics: Sequence[str] | None,
) -> dict[str, Any]:
    """Features of one text; ``readability_metrics=None`` turns readability off."""
    tokens = words(text)
    out: dict[str, Any] = {"sentiment": sentiment(tokens, lexicon, categories)}
    if readability_metrics is not None:
        out["readability"] = readability(text, list(readability_metrics))
    return out


def add_features(
    segments: Sequence[dict[str, Any]],
    lexicon: Lexicon,
    *,
    categories: Sequence[str],
    readability_metrics: Sequence[str] | None,
) -> dict[str, Any]:
    """The features stage's pure function: segment records → feature records + summary."""
    records: list[dict[str, Any]] = []
    for seg in segments:
        record = {k: seg.get(k) for k in _SEGMENT_FIELDS}
        record.update(
            segment_features(
                str(seg["text"]),
                lexicon,
                categories=categories,
                readability_metrics=readability_metrics,
            )
        )
        records.append(record)
    summary: dict[str, Any] = {"segments": len(records)}
    if records:
        summary["mean_negative_ratio"] = round(
            fmean(r["sentiment"]["ratios"].get("negative", 0.0) for r in records), 6
        )
        if readability_metrics:
            for metric in readability_metrics:
                values = [r["readability"][metric] for r in records]
                present = [v for v in values if v is not None]
                summary[f"mean_{metric}"] = round(fmean(present), 2) if present else None
    return {"schema": FEATURES_SCHEMA, "summary": summary, "segments": records}

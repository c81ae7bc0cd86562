"""The four stages as data: where each reads and writes, what config it depends on, and the
per-file function that turns one input file into one output document (or an outcome).

The per-file functions wrap the pure stage functions (``parse_filing``,
``extract_section``, ``segment_section``, ``add_features``) with file I/O and filing
metadata; ``runner`` adds batching, run tracking and lineage around them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from sec_finetune.pipeline import blocks as blocks_mod
from sec_finetune.pipeline import decode as decode_mod
from sec_finetune.pipeline import extract as extract_mod
from sec_finetune.pipeline import features as features_mod
from sec_finetune.pipeline import parse as parse_mod
from sec_finetune.pipeline import readability as readability_mod
from sec_finetune.pipeline import segment as segment_mod
from sec_finetune.pipeline import sentiment as sentiment_mod
from sec_finetune.pipeline import tokens as tokens_mod
from sec_finetune.pipeline.blocks import Block
from sec_finetune.pipeline.lineage import rel_path
from sec_finetune.settings import Settings

StageName = Literal["parse", "extract", "segment", "features"]
STAGE_ORDER: tuple[StageName, ...] = ("parse", "extract", "segment", "features")

Outcome = Literal["processed", "skipped", "failed"]

# {TICKER}_10K_{YEAR}; tickers may hold dots or dashes (BRK.B), forms 10-K405/10-KSB.
_FILING_KEY = re.compile(
    r"^(?P<ticker>[A-Za-z0-9.&-]+?)_(?P<form>10-?K(?:405|SB|T)?(?:-?A)?)_(?P<year>\d{4})$",
    re.IGNORECASE,
)


class StageInputError(ValueError):
    """An input file of the wrong kind for this stage (reported per file)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One input file as its bytes: a stage never opens paths itself, so the same per-file
    function runs in this process, a worker process or on another machine (Dask) and gives
    the same output for the same bytes."""

    name: str
    data: bytes
    sha256: str

    @classmethod
    def read(cls, path: Path) -> Source:
        data = path.read_bytes()
        return cls(path.name, data, hashlib.sha256(data).hexdigest())


@dataclass(slots=True)
class FileResult:
    """What happened to one input file."""

    outcome: Outcome
    status: str  # "ok", "no_item_1a", "not_applicable", "upstream_not_applicable", ...
    data: dict[str, Any] | None = None  # the output document, when there is one
    detail: dict[str, Any] = field(default_factory=dict)  # small facts for summary/lineage


def filing_meta(key: str) -> dict[str, Any]:
    match = _FILING_KEY.match(key)
    if match is None:
        return {"key": key, "ticker": None, "form": None, "year": None}
    return {
        "key": key,
        "ticker": match["ticker"].upper(),
        "form": match["form"].upper().replace("-", ""),
        "year": int(match["year"]),
    }


# The code each stage runs. Its fingerprint is part of the stage's config, so editing it
# counts as a config change and a re-run after a parser fix is not wrongly skipped.
_STAGE_MODULES: dict[StageName, tuple[ModuleType, ...]] = {
    "parse": (blocks_mod, decode_mod, parse_mod),
    "extract": (blocks_mod, extract_mod),
    "segment": (blocks_mod, segment_mod, tokens_mod),
    "features": (features_mod, readability_mod, sentiment_mod, tokens_mod),
}


def code_files(stage: StageName) -> list[Path]:
    """Source files whose content defines what ``stage`` computes (this module included)."""
    return [*(Path(str(m.__file__)) for m in _STAGE_MODULES[stage]), Path(__file__)]


def code_sha256(stage: StageName) -> str:
    digest = hashlib.sha256()
    for path in code_files(stage):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _load_json(source: Source, schema: str) -> dict[str, Any]:
    try:
        data = json.loads(source.data.decode("utf-8"))
    except ValueError as exc:
        raise StageInputError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != schema:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise StageInputError(f"expected a {schema} document, found {found!r}")
    return data


def _header(schema_doc: dict[str, Any], key: str, source: Source) -> dict[str, Any]:
    # The source is named by file name and content hash, not location: the same input
    # bytes then always give the same output bytes, whichever run directory they sat in
    # (the run's lineage.json has the full paths).
    return {
        "schema": schema_doc["schema"],
        "filing": filing_meta(key),
        "source": {"name": source.name, "sha256": source.sha256},
        **schema_doc,
    }


# ------------------------------------------------------------------------ parse


def _parse_config(s: Settings) -> dict[str, Any]:
    return {
        "encoding_fallback": s.preprocessing.encoding_fallback,
        "drop_tables": s.preprocessing.drop_tables,
        "code_sha256": code_sha256("parse"),
    }


def _parse_file(path: Source, key: str, config: dict[str, Any], state: Any) -> FileResult:
    doc = parse_mod.parse_filing(
        path.data,
        encoding_fallback=config["encoding_fallback"],
        drop_tables=config["drop_tables"],
    )
    stats = doc["stats"]
    return FileResult(
        "processed",
        "ok",
        _header(doc, key, path),
        {"blocks": stats["blocks"], "encoding": doc["encoding"]["used"]},
    )


# ------------------------------------------------------------------------ extract


def _extract_config(s: Settings) -> dict[str, Any]:
    return {
        "section": s.extraction.section,
        "section_title": s.extraction.section_title,
        "min_section_chars": s.extraction.min_section_chars,
        "code_sha256": code_sha256("extract"),
    }


def _extract_file(path: Source, key: str, config: dict[str, Any], state: Any) -> FileResult:
    parsed = _load_json(path, parse_mod.PARSED_SCHEMA)
    blocks = [Block.from_dict(b) for b in parsed["blocks"]]
    result = extract_mod.extract_section(
        blocks,
        section=config["section"],
        section_title=config["section_title"],
        min_section_chars=config["min_section_chars"],
    )
    status = result["status"]
    if status.startswith("no_item_"):
        items = ", ".join(result["items_found"]) or "none"
        return FileResult(
            "skipped",
            status,
            None,
            {"reason": f"no Item {config['section']} heading (Items found: {items})"},
        )
    detail = {"chars": result["chars"], "starts_with": result["text"][:60]}
    if status != "ok":
        detail["reason"] = f"Item {config['section']} says: {result['text'][:60]!r}"
    return FileResult("processed", status, _header(result, key, path), detail)


# ------------------------------------------------------------------------ segment


def _segment_config(s: Settings) -> dict[str, Any]:
    return {
        "min_segment_chars": s.segmentation.min_segment_chars,
        "max_segment_chars": s.segmentation.max_segment_chars,
        "code_sha256": code_sha256("segment"),
    }


def _segment_file(path: Source, key: str, config: dict[str, Any], state: Any) -> FileResult:
    extracted = _load_json(path, extract_mod.EXTRACTED_SCHEMA)
    upstream = extracted.get("status")
    if upstream != "ok":
        # "Not applicable." is not a risk factor; segmenting it would invent one.
        return FileResult(
            "skipped",
            f"upstream_{upstream}",
            None,
            {"reason": f"extract status {upstream}: {extracted.get('text', '')[:60]!r}"},
        )
    blocks = [Block.from_dict(b) for b in extracted["blocks"]]
    result = segment_mod.segment_section(
        blocks,
        min_segment_chars=config["min_segment_chars"],
        max_segment_chars=config["max_segment_chars"],
    )
    result["section"] = extracted.get("section")
    return FileResult("processed", "ok", _header(result, key, path), dict(result["stats"]))


# ------------------------------------------------------------------------ features


def _features_config(s: Settings) -> dict[str, Any]:
    lexicon = sentiment_mod.load_lexicon(s.sentiment.lexicon_path)
    source = lexicon.source
    if s.sentiment.lexicon_path is not None:
        source = rel_path(s.sentiment.lexicon_path, s.paths.project_root)
    return {
        "readability": {"enabled": s.readability.enabled, "metrics": list(s.readability.metrics)},
        "sentiment": {
            "categories": list(s.sentiment.categories),
            "lexicon": {"source": source, "sha256": lexicon.sha256},
        },
        "code_sha256": code_sha256("features"),
    }


def _features_state(s: Settings) -> sentiment_mod.Lexicon:
    lexicon = sentiment_mod.load_lexicon(s.sentiment.lexicon_path)
    missing = [c for c in s.sentiment.categories if c.lower() not in lexicon.categories]
    if missing:
        raise sentiment_mod.LexiconError(
            f"lexicon {lexicon.source} has no categor{'y' if len(missing) == 1 else 'ies'} "
            f"{missing}; it has {sorted(lexicon.categories)}"
        )
    return lexicon


def _features_file(path: Source, key: str, config: dict[str, Any], state: Any) -> FileResult:
    segmented = _load_json(path, segment_mod.SEGMENTED_SCHEMA)
    read_cfg = config["readability"]
    result = features_mod.add_features(
        segmented["segments"],
        state,
        categories=config["sentiment"]["categories"],
        readability_metrics=read_cfg["metrics"] if read_cfg["enabled"] else None,
    )
    result["section"] = segmented.get("section")
    return FileResult("processed", "ok", _header(result, key, path), result["summary"])


# ------------------------------------------------------------------------ registry


@dataclass(frozen=True, slots=True)
class Stage:
    name: StageName
    upstream: StageName | None
    output_suffix: str  # appended to the filing key
    input_suffixes: tuple[str, ...]  # stripped from input names to get the filing key
    base_dir: Callable[[Settings], Path]
    config: Callable[[Settings], dict[str, Any]]
    process: Callable[[Source, str, dict[str, Any], Any], FileResult]
    prepare: Callable[[Settings], Any] = lambda s: None

    def key_of(self, path: Path) -> str:
        name = path.name
        for suffix in self.input_suffixes:
            if name.lower().endswith(suffix):
                return name[: -len(suffix)]
        return path.stem

    def output_name(self, key: str) -> str:
        return f"{key}{self.output_suffix}"


def _extract_suffix(s: Settings) -> str:
    return f"_item{s.extraction.section.lower().replace(' ', '')}.json"


STAGES: dict[StageName, Stage] = {
    "parse": Stage(
        "parse",
        None,
        "_parsed.json",
        (".html", ".htm"),
        lambda s: s.paths.interim_dir / "parsed",
        _parse_config,
        _parse_file,
    ),
    "extract": Stage(
        "extract",
        "parse",
        "_item1a.json",  # the configured section's suffix, see stage_for()
        ("_parsed.json",),
        lambda s: s.paths.interim_dir / "extracted",
        _extract_config,
        _extract_file,
    ),
    "segment": Stage(
        "segment",
        "extract",
        "_segments.json",
        ("_item1a.json",),  # the configured section's suffix, see stage_for()
        lambda s: s.paths.interim_dir / "segmented",
        _segment_config,
        _segment_file,
    ),
    "features": Stage(
        "features",
        "segment",
        "_segmented_risks.json",
        ("_segments.json",),
        lambda s: s.paths.processed_dir,
        _features_config,
        _features_file,
        _features_state,
    ),
}


def stage_for(name: StageName, settings: Settings) -> Stage:
    """The stage, with the section-dependent file suffixes filled in from settings."""
    stage = STAGES[name]
    suffix = _extract_suffix(settings)
    if name == "extract":
        return replace(stage, output_suffix=suffix)
    if name == "segment":
        return replace(stage, input_suffixes=(suffix,))
    return stage

"""``train topics``: a topic model of the risk-factor segments of a features run.

TF-IDF (scikit-learn) over the segments, then NMF with multiplicative updates driven one
iteration at a time, so every iteration's reconstruction error becomes a ``metrics.jsonl``
line (the curve the run page draws). The result is a tracked run (config, curve, final
metrics, ``topics.json``, ``model.json``, ``lineage.json`` naming the features run) and a
registered model version in ``ModelRegistry``.

Reproducible: the vectoriser is deterministic and every random choice of NMF comes from
``reproducibility.seed``; the same features run, settings and seed give the same topics
and metrics, byte for byte.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from sec_finetune.atomic import dump_json
from sec_finetune.pipeline.features import FEATURES_SCHEMA
from sec_finetune.pipeline.lineage import (
    LINEAGE_FORMAT,
    RunRecord,
    config_sha256,
    inputs_sha256,
    latest_completed,
    rel_path,
    sha256_file,
    stage_runs,
)
from sec_finetune.registry import ModelMetadata, ModelRegistry
from sec_finetune.run_context import RunContext, read_run
from sec_finetune.settings import Settings, TopicModelingSettings

RUN_NAME = "train-topics"
UPSTREAM_STAGE = "features"
TOPICS_FILE = "topics.json"
MODEL_FILE = "model.json"
MODEL_FORMAT = "sec-finetune-nmf-topics/1"
_DIGITS = 6  # significant digits kept in JSON floats: stable across BLAS builds' last bits
_MODEL_ZERO = 1e-5


class TrainError(RuntimeError):
    """The training run cannot start (no features run, too few documents, bad input)."""


@dataclass(frozen=True, slots=True)
class Document:
    key: str  # filing key
    index: int  # segment index within the filing
    heading: str
    text: str


@dataclass(slots=True)
class TopicModel:
    vocabulary: list[str]
    idf: np.ndarray
    components: np.ndarray  # topics x terms (H)
    weights: np.ndarray  # documents x topics (W)
    reconstruction_error: float
    iterations: int
    converged: bool
    coherence: list[float]  # UMass, per topic


@dataclass(slots=True)
class TrainReport:
    run_dir: Path
    run_id: str
    status: str
    metrics: dict[str, Any]
    model: ModelMetadata | None


def _round(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


# ------------------------------------------------------------------------ inputs


def features_run(settings: Settings, input_path: Path | None) -> RunRecord:
    """The features run to train on: ``input_path`` or the latest completed one."""
    if input_path is None:
        record = latest_completed(settings.paths.processed_dir, UPSTREAM_STAGE)
        if record is None:
            where = rel_path(settings.paths.processed_dir, settings.paths.project_root)
            raise TrainError(
                f"no completed '{UPSTREAM_STAGE}' run under {where}; run "
                "`python -m sec_finetune pipeline run` first (or pass --input RUN_DIR)"
            )
        return record
    try:
        run = read_run(input_path)
    except (OSError, ValueError) as exc:
        raise TrainError(f"--input must be a features run directory: {exc}") from exc
    if run.get("name") != UPSTREAM_STAGE:
        raise TrainError(f"{input_path} is a '{run.get('name')}' run; training reads features runs")
    if run.get("status") != "completed":
        raise TrainError(f"{input_path} is {run.get('status')}, not completed")
    for record in stage_runs(input_path.parent, UPSTREAM_STAGE):
        if record.run_dir.resolve() == input_path.resolve():
            return record
    raise TrainError(f"cannot read run {input_path}")  # pragma: no cover - read above


def _feature_files(record: RunRecord) -> list[Path]:
    if record.lineage is not None:
        names = [str(o["name"]) for o in record.lineage.get("outputs", [])]
        return sorted(record.run_dir / n for n in names)
    return sorted(record.run_dir.glob("*_segmented_risks.json"))


def load_documents(files: Sequence[Path], kinds: Sequence[str]) -> list[Document]:
    docs: list[Document] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TrainError(f"{path.name}: cannot read features: {exc}") from exc
        if not isinstance(data, dict) or data.get("schema") != FEATURES_SCHEMA:
            raise TrainError(f"{path.name}: not a {FEATURES_SCHEMA} document")
        key = str(data.get("filing", {}).get("key") or path.name)
        for seg in data.get("segments", []):
            if seg.get("kind") in kinds and str(seg.get("text", "")).strip():
                docs.append(
                    Document(
                        key, int(seg.get("index", 0)), str(seg.get("heading") or ""), seg["text"]
                    )
                )
    return docs


# ------------------------------------------------------------------------ model


def umass_coherence(presence: Any, top_terms: Sequence[int]) -> float:
    """UMass coherence of one topic's top terms (Mimno et al. 2011): the mean over ordered
    pairs of log((D(wi, wj) + 1) / D(wj)), D counting the segments that contain the words.
    Closer to 0 is more coherent. ``presence``: a sparse 0/1 documents x terms matrix."""
    columns = [presence[:, t] for t in top_terms]
    df = [int(c.sum()) for c in columns]
    scores = []
    for i in range(1, len(top_terms)):
        for j in range(i):
            both = int(columns[i].multiply(columns[j]).sum())
            scores.append(math.log((both + 1) / df[j]))
    return float(np.mean(scores)) if scores else 0.0


def fit_topics(
    texts: Sequence[str],
    cfg: TopicModelingSettings,
    *,
    n_topics: int,
    seed: int,
    on_iteration: Callable[[int, float], None] = lambda step, err: None,
) -> TopicModel:
    vectorizer = TfidfVectorizer(
        max_features=cfg.max_features,
        min_df=cfg.min_df,
        max_df=cfg.max_df,
        stop_words=cfg.stop_words,
        sublinear_tf=True,
        dtype=np.float64,
    )
    try:
        x = vectorizer.fit_transform(texts)
    except ValueError as exc:  # e.g. "After pruning, no terms remain"
        raise TrainError(f"TF-IDF: {exc}") from exc
    if x.shape[1] < n_topics:
        raise TrainError(
            f"only {x.shape[1]} terms survive min_df={cfg.min_df}/max_df={cfg.max_df}; "
            f"{n_topics} topics need at least as many"
        )
    # tol=0 and max_iter=1 per call: we decide when to stop, and scikit-learn's
    # "max_iter reached" ConvergenceWarning is only raised when tol > 0.
    nmf = NMF(
        n_components=n_topics, init=cfg.init, solver="mu", max_iter=1, tol=0, random_state=seed
    )
    w = nmf.fit_transform(x)
    h = nmf.components_
    error = float(nmf.reconstruction_err_)
    on_iteration(1, error)
    iterations, converged = 1, False
    step = NMF(
        n_components=n_topics, init="custom", solver="mu", max_iter=1, tol=0, random_state=seed
    )
    while iterations < cfg.max_iter:
        w = step.fit_transform(x, W=w, H=h)
        h = step.components_
        previous, error = error, float(step.reconstruction_err_)
        iterations += 1
        on_iteration(iterations, error)
        if previous > 0 and (previous - error) / previous < cfg.tol:
            converged = True
            break
    presence = (x > 0).astype(np.int64).tocsc()
    top = [list(np.argsort(-row, kind="stable")[: cfg.top_words]) for row in h]
    return TopicModel(
        vocabulary=[str(t) for t in vectorizer.get_feature_names_out()],
        idf=vectorizer.idf_,
        components=h,
        weights=w,
        reconstruction_error=error,
        iterations=iterations,
        converged=converged,
        coherence=[umass_coherence(presence, t) for t in top],
    )


def topics_document(model: TopicModel, docs: Sequence[Document], top_words: int) -> dict[str, Any]:
    dominant = np.argmax(model.weights, axis=1)
    topics = []
    for k, row in enumerate(model.components):
        order = np.argsort(-row, kind="stable")[:top_words]
        members = [i for i in np.argsort(-model.weights[:, k], kind="stable") if dominant[i] == k]
        topics.append(
            {
                "topic": k,
                "words": [model.vocabulary[t] for t in order],
                "weights": [_round(float(row[t])) for t in order],
                "coherence_umass": _round(model.coherence[k]),
                "documents": int(np.sum(dominant == k)),
                "examples": [
                    {
                        "filing": docs[i].key,
                        "segment": docs[i].index,
                        "heading": docs[i].heading[:160],
                    }
                    for i in members[:3]
                ],
            }
        )
    return {"n_topics": len(topics), "n_documents": len(docs), "topics": topics}


def _weight(value: float) -> float:
    # Four significant digits, and NMF's vanishing weights as 0: the topics are unchanged
    # and the file stays small enough to commit next to the run.
    return 0.0 if value < _MODEL_ZERO else float(f"{value:.4g}")


def model_document(model: TopicModel, settings: dict[str, Any]) -> dict[str, Any]:
    """The fitted model as data: enough to transform new text (vocabulary, idf, topics)."""
    return {
        "format": MODEL_FORMAT,
        "settings": settings,
        "vocabulary": model.vocabulary,
        "idf": [_round(float(v)) for v in model.idf],
        "components": [[_weight(float(v)) for v in row] for row in model.components],
    }


# ------------------------------------------------------------------------ the run


def train_topics(
    settings: Settings,
    *,
    input_path: Path | None = None,
    n_topics: int | None = None,
    notes: Sequence[str] = (),
    register: bool = True,
    registry: ModelRegistry | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> TrainReport:
    cfg = settings.topic_modeling
    k = n_topics if n_topics is not None else cfg.n_topics
    seed = settings.reproducibility.seed
    root = settings.paths.project_root
    record = features_run(settings, input_path)
    files = _feature_files(record)
    docs = load_documents(files, cfg.segment_kinds)
    if len(docs) < k:
        raise TrainError(
            f"{k} topics need at least {k} segments; {rel_path(record.run_dir, root)} has "
            f"{len(docs)} of kind {', '.join(cfg.segment_kinds)}"
        )
    upstream_dir = rel_path(record.run_dir, root)
    config = {
        "model": cfg.model_name,
        "method": "tfidf+nmf",
        **cfg.model_dump(mode="json", exclude={"model_name"}),
        "n_topics": k,
        "seed": seed,
        "input": upstream_dir,
    }
    inputs = [
        {
            "name": p.name,
            "path": rel_path(p, root),
            "sha256": sha256_file(p),
            "bytes": p.stat().st_size,
        }
        for p in files
    ]
    registry = registry if registry is not None else ModelRegistry(settings.paths.models_dir)
    with RunContext(
        RUN_NAME,
        base_dir=settings.paths.labeled_dir,
        git_sha="auto",
        notes=list(notes),
        settings=settings,
    ) as run:
        run.save_config(config)
        progress(
            f"[train] {len(docs)} segments from {len(files)} filing(s) in {upstream_dir}, "
            f"{k} topics, seed {seed}"
        )

        def log(step: int, error: float) -> None:
            run.log_metrics({"reconstruction_error": _round(error)}, step=step)

        model = fit_topics([d.text for d in docs], cfg, n_topics=k, seed=seed, on_iteration=log)
        topics = topics_document(model, docs, cfg.top_words)
        written = (
            run.write_json(TOPICS_FILE, topics),
            # One line: thousands of weights, one per line, would be most of the run's size.
            run.write_text(MODEL_FILE, dump_json(model_document(model, config), indent=None)),
        )
        outputs = [
            {
                "name": path.name,
                "path": rel_path(path, root),
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
            }
            for path in written
        ]
        metrics = {
            "reconstruction_error": _round(model.reconstruction_error),
            "coherence_umass": _round(float(np.mean(model.coherence))),
            "n_topics": k,
            "n_documents": len(docs),
            "n_features": len(model.vocabulary),
            "iterations": model.iterations,
        }
        run.save_metrics({**metrics, "converged": model.converged})
        meta = run.metadata
        run.record_lineage(
            {
                "format": LINEAGE_FORMAT,
                "stage": RUN_NAME,
                "run_id": run.run_id,
                "run_dir": rel_path(run.output_dir, root),
                "started_at": meta["started_at"],
                "git": meta["git"],
                "config": config,
                "config_sha256": config_sha256(config),
                "upstream": [
                    {"stage": UPSTREAM_STAGE, "run_id": record.run_id, "run_dir": upstream_dir}
                ],
                "inputs": inputs,
                "inputs_sha256": inputs_sha256(inputs),
                "outputs": outputs,
                "files": [],
                "counts": {"files": len(files), "documents": len(docs)},
            }
        )
        registered: ModelMetadata | None = None
        if register:
            registered = registry.register(
                name=cfg.model_name,
                git_sha=meta["git"]["commit"],
                training_run_id=run.run_id,
                metrics=metrics,
                artifacts={
                    "run": rel_path(run.output_dir, root),
                    "topics": outputs[0]["path"],
                    "model": outputs[1]["path"],
                },
            )
            progress(f"[train] registered {registered.name} {registered.version}")
        run.complete(
            {
                "upstream": [upstream_dir],
                "topics": [" ".join(t["words"][:5]) for t in topics["topics"]],
                "model": f"{registered.name} {registered.version}" if registered else None,
            }
        )
    return TrainReport(run.output_dir, run.run_id, run.status or "failed", metrics, registered)

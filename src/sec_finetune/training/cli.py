"""``python -m sec_finetune train topics``: fit and register a topic model."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sec_finetune.pipeline.lineage import rel_path
from sec_finetune.registry import RegistryError
from sec_finetune.settings import Settings, SettingsError
from sec_finetune.training.topics import TrainError, train_topics

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sec_finetune train",
        description="Train models on the pipeline's outputs; every training is a tracked run.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    topics = sub.add_parser(
        "topics",
        help="TF-IDF + NMF topic model of the risk-factor segments",
        description="Fit a topic model of the risk-factor segments of a features run "
        "(settings: configs/features/topic_modeling.yaml, seed: reproducibility.seed), "
        "record it as a run and register it in the model registry.",
    )
    topics.add_argument(
        "--input",
        type=Path,
        default=None,
        metavar="FEATURES_RUN",
        help="a features run directory (default: the latest completed one)",
    )
    topics.add_argument(
        "--topics",
        type=_positive_int,
        default=None,
        metavar="K",
        help="number of topics (default: topic_modeling.n_topics)",
    )
    topics.add_argument(
        "--note",
        action="append",
        default=[],
        metavar="PATH",
        help="research note documenting this run; repeatable",
    )
    topics.add_argument(
        "--no-register", action="store_true", help="record the run but register no model"
    )
    topics.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="settings folder (default: $SEC_FINETUNE_CONFIG_DIR or configs/)",
    )
    return parser


def topics_command(args: argparse.Namespace) -> int:
    try:
        settings = Settings.load(args.config_dir)
    except SettingsError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = train_topics(
            settings,
            input_path=args.input.absolute() if args.input else None,
            n_topics=args.topics,
            notes=args.note,
            register=not args.no_register,
            progress=lambda line: print(line, flush=True),
        )
    except TrainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RegistryError as exc:
        print(f"error: model registry: {exc}", file=sys.stderr)
        return EXIT_FAILED
    where = rel_path(report.run_dir, settings.paths.project_root)
    metrics = ", ".join(f"{k}={v}" for k, v in report.metrics.items())
    print(f"run {report.run_id} [{report.status}] ({where})\n  {metrics}")
    if report.model is not None:
        print(f"  registered {report.model.name} {report.model.version}")
    return EXIT_OK if report.status == "completed" else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "topics":
        return topics_command(args)
    return EXIT_USAGE  # pragma: no cover - argparse enforces the choices

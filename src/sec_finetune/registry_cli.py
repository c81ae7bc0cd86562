"""``python -m sec_finetune models list|show``: print the model registry."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sec_finetune.registry import ModelMetadata, ModelRegistry, RegistryError
from sec_finetune.settings import Settings, SettingsError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sec_finetune models",
        description="The model registry (paths.models_dir, default models/registry).",
    )
    parser.add_argument("--config-dir", type=Path, default=None, help="settings folder")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="every registered version, one per line")
    listing.add_argument("name", nargs="?", default=None, help="only this model")
    listing.add_argument("--json", action="store_true", help="a JSON array of metadata")
    show = sub.add_parser("show", help="one version's metadata (default: the latest)")
    show.add_argument("name")
    show.add_argument("version", nargs="?", default=None)
    return parser


def _metrics(meta: ModelMetadata, limit: int = 3) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in list(meta.metrics.items())[:limit])


def _list(registry: ModelRegistry, name: str | None, as_json: bool) -> int:
    models = registry.list(name)
    if as_json:
        print(json.dumps([m.model_dump(mode="json") for m in models], indent=2))
        return EXIT_OK
    if not models:
        print(f"no models registered in {registry.root}")
        return EXIT_OK
    rows = [
        (
            m.name,
            m.version,
            m.created.strftime("%Y-%m-%d %H:%M"),
            m.training_run_id or "-",
            _metrics(m),
        )
        for m in models
    ]
    header = ("name", "version", "created", "training run", "metrics")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4])
    return EXIT_OK


def _show(registry: ModelRegistry, name: str, version: str | None) -> int:
    meta = registry.load(name, version) if version else registry.latest(name)
    print(json.dumps(meta.model_dump(mode="json"), indent=2))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        registry = ModelRegistry(Settings.load(args.config_dir).paths.models_dir)
        if args.command == "list":
            return _list(registry, args.name, args.json)
        return _show(registry, args.name, args.version)
    except SettingsError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except RegistryError as exc:  # ModelNotFoundError included
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED

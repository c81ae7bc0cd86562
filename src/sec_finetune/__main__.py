"""``python -m sec_finetune <command> ...`` — the project's command-line entry point."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: python -m sec_finetune <command> [args]

commands:
  pipeline   the staged 10-K data pipeline (python -m sec_finetune pipeline run --help)
  train      train a model on a pipeline run (python -m sec_finetune train topics --help)
  models     the model registry (python -m sec_finetune models list|show)

options:
  --version  print the installed version
"""


def _pipeline(argv: Sequence[str]) -> int:
    from sec_finetune.pipeline.cli import main

    return main(argv)


def _train(argv: Sequence[str]) -> int:
    from sec_finetune.training.cli import main

    return main(argv)


def _models(argv: Sequence[str]) -> int:
    from sec_finetune.registry_cli import main

    return main(argv)


# Commands import their module lazily so `--help` of one never pays for another (training
# imports scikit-learn).
COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "pipeline": _pipeline,
    "train": _train,
    "models": _models,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    if args[0] == "--version":
        print(f"sec_finetune {_version()}")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"unknown command {args[0]!r}\n\n{USAGE}", end="", file=sys.stderr)
        return 2
    return command(args[1:])


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sec-finetune")
    except metadata.PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())

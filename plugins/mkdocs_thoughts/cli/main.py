"""The `thoughts` command: ``main(argv) -> exit code``, one module per subcommand in commands/.

Exit codes: 0 fine, 1 findings that fail, 2 usage or configuration error, 130 interrupted,
141 the reader of the output went away (`thoughts notes | head`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import metadata

from .commands import COMMANDS
from .commands.common import UsageError
from .siteconfig import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thoughts", description="Check, create and publish research notes."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except (ConfigError, UsageError) as error:
        print(f"thoughts: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `thoughts notes | head`: the reader has what it wanted. Further writes (Python's own
        # flush at exit) go nowhere instead of printing a second error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def version() -> str:
    """The installed version (the plugin may be installed on its own or with the project)."""
    for distribution in ("mkdocs-thoughts", "sec-finetune"):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

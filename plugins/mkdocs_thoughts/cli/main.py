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

from .commands import COMMANDS, configure
from .commands.common import UsageError
from .siteconfig import ConfigError


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of `thoughts`, with the arguments of ``command`` (of every command when
    ``None``); the others are listed in ``--help`` without being imported."""
    parser = argparse.ArgumentParser(
        prog="thoughts", description="Check, create and publish research notes."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=summary)
        if command is None or name == command:
            configure(name, subparser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    # The command is the first argument that is not an option (`thoughts` has no option that
    # takes a value); without one, argparse only has a usage error or the help to print.
    command = next((word for word in arguments if not word.startswith("-")), "")
    parser = build_parser(command)
    try:
        args = parser.parse_args(arguments)
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

"""`thoughts meta`: print the metadata a new note records (the fields of hack/spec_metadata.sh)."""

from __future__ import annotations

import argparse
import sys

from ...authoring.metadata import gather


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the metadata a new note records, as `Key: value` lines (like "
        "hack/spec_metadata.sh), YAML or JSON. RESEARCHER_NAME overrides the researcher "
        "(else git user.name, else $USER)."
    )
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--yaml", action="store_const", const="yaml", dest="style")
    style.add_argument("--json", action="store_const", const="json", dest="style")
    parser.set_defaults(run=run, style="plain")


def run(args: argparse.Namespace) -> int:
    metadata = gather()
    output = {"plain": metadata.as_lines, "yaml": metadata.as_yaml, "json": metadata.as_json}
    sys.stdout.write(output[args.style]())
    return 0

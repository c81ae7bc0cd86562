"""`thoughts schema`: print the JSON Schema of the configured frontmatter, for editors and CI.

Point an editor at it (e.g. the YAML language server's ``# yaml-language-server: $schema=...``)
to get completion and errors while writing. ``$defs/<type>`` adds each type's required fields;
``--type`` prints that variant on its own.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ...authoring.new_note import AuthoringError, resolve_type
from ...core.config import ThoughtsSettings
from ...core.json_schema import frontmatter_json_schema
from .common import UsageError, add_config_option, site_config

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the JSON Schema of note frontmatter as configured in mkdocs.yml "
        "(statuses, aliases, relation fields, required fields per type)."
    )
    parser.add_argument("--type", metavar="TYPE", help="require the fields this note type requires")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = site_config(args, required=False, need_docs_dir=False)
    settings = config.settings if config else ThoughtsSettings()
    type_name = None
    if args.type is not None:
        # The names `thoughts new` accepts: the type, or its singular (`plan` for plans).
        try:
            type_name = resolve_type(args.type, settings)
        except AuthoringError as error:
            raise UsageError(str(error)) from None
    print(json.dumps(note_schema(settings, type_name), indent=2, ensure_ascii=False))
    return 0


def note_schema(settings: ThoughtsSettings, type_name: str | None = None) -> dict[str, Any]:
    """The configured frontmatter schema; with ``type_name``, that type's required fields too."""
    schema: dict[str, Any] = {"$schema": DIALECT, **frontmatter_json_schema(settings)}
    schema["title"] = "Note frontmatter"
    schema["description"] = (
        "The YAML frontmatter of a research note, as configured in mkdocs.yml. Which fields a "
        "note must have depends on its type: see $defs, or `thoughts schema --type TYPE`."
    )
    properties: dict[str, Any] = schema["properties"]
    status = properties.get("status", {})
    if "enum" in status:
        # The check accepts the configured aliases as written, so an editor should too.
        status["enum"] = list(dict.fromkeys([*status["enum"], *settings.status_aliases]))
    for alias, canonical in settings.field_aliases.items():
        if canonical in properties:
            properties.setdefault(
                alias,
                {"$ref": f"#/properties/{canonical}", "description": f"Alias of `{canonical}`."},
            )
    if settings.unknown_keys == "error":
        for name in settings.extra_fields:
            properties.setdefault(name, {})
        schema["additionalProperties"] = False
    if type_name is not None:
        schema["title"] = f"{settings.type_title(type_name)} note frontmatter"
        schema["required"] = list(settings.types[type_name].required)
        return schema
    schema["$defs"] = {
        name: {
            "title": f"{settings.type_title(name)} note frontmatter",
            "description": f"Notes in {', '.join(note_type.folders)}/.",
            "allOf": [{"$ref": "#"}],
            "required": list(note_type.required),
        }
        for name, note_type in settings.types.items()
    }
    return schema

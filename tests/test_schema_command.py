"""`thoughts schema`: the printed JSON Schema accepts a valid note and rejects invalid ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from factories import mkdocs_yml
from mkdocs_thoughts.cli.main import main
from referencing import Registry, Resource
from treeutil import write_tree


def site_yml(unknown: str) -> str:
    return mkdocs_yml(
        site_name="t",
        material=False,
        status_aliases={"completed": "complete"},
        unknown_keys=unknown,
    )


VALID = """\
date: 2025-12-03T18:14:34+01:00
researcher: Ada Lovelace
git_commit: "0123456"
branch: main
repository: sec-finetune
topic: "Risk factors: a first look"
tags: [sec, 10k]
status: completed
last_updated: 2025-12-04
last_updated_by: Ada Lovelace
commit: abcdef1
related_research: [thoughts/shared/research/a.md]
"""


def schema(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    unknown: str = "warn",
) -> dict[str, Any]:
    write_tree(tmp_path, {"mkdocs.yml": site_yml(unknown)})
    assert main(["schema", "--config", str(tmp_path / "mkdocs.yml"), *args]) == 0
    return json.loads(capsys.readouterr().out)


def as_editor_sees_it(text: str) -> dict[str, Any]:
    """YAML as loaded, with timestamps back to text (JSON has no dates)."""
    loaded = yaml.safe_load(text)
    return {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in loaded.items()
    }


def validator(schema_: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema_)
    cls.check_schema(schema_)
    return cls(schema_)


def test_valid_frontmatter_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = schema(tmp_path, capsys)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator(printed).validate(as_editor_sees_it(VALID))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("status: someday\n", "status"),
        ("git_commit: not-a-sha\n", "git_commit"),
        ("tags: research\n", "tags"),
        ("commit: xyz\n", "commit"),  # an alias is held to its canonical field's rules
        ("researcher: [a, b]\n", "researcher"),
    ],
)
def test_invalid_frontmatter_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, path: str
) -> None:
    key = change.split(":", 1)[0]
    lines = [line for line in VALID.splitlines(keepends=True) if not line.startswith(f"{key}:")]
    errors = list(
        validator(schema(tmp_path, capsys)).iter_errors(as_editor_sees_it("".join(lines) + change))
    )
    assert errors
    assert [error.absolute_path[0] for error in errors if error.absolute_path] == [path]


def test_stamps_with_a_commit_are_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check = validator(schema(tmp_path, capsys))
    values = as_editor_sees_it(VALID)
    check.validate({**values, "last_updated": "2026-04-01 18:05, a7219ee"})
    check.validate({**values, "date": "2026-04-01T18:05:00+02:00, a7219ee"})
    stamp = next(item for item in check.schema["properties"]["date"]["anyOf"] if "pattern" in item)
    stamps = validator({"$schema": check.schema["$schema"], **stamp})
    stamps.validate("2026-04-01 18:05, a7219ee")
    with pytest.raises(jsonschema.ValidationError):
        stamps.validate("2026-04-01 18:05, not-a-sha")


def test_type_variant_requires_the_types_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = schema(tmp_path, capsys, "--type", "plans")
    values = as_editor_sees_it(VALID)
    validator(plans).validate(values)
    del values["related_research"]
    with pytest.raises(jsonschema.ValidationError, match="'related_research' is a required"):
        validator(plans).validate(values)


def test_type_accepts_the_singular_as_thoughts_new_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schema(tmp_path, capsys, "--type", "plan") == schema(tmp_path, capsys, "--type", "plans")
    assert schema(tmp_path, capsys, "--type", "pr")["title"] == "PRs note frontmatter"


def test_defs_hold_each_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor points at `schema.json#/$defs/plans` to get the plan variant."""
    printed = schema(tmp_path, capsys)
    assert set(printed["$defs"]) == {"research", "plans", "prs"}
    registry = Registry().with_resource("urn:thoughts", Resource.from_contents(printed))
    plans = {"$schema": printed["$schema"], "$ref": "urn:thoughts#/$defs/plans"}
    check = jsonschema.validators.validator_for(printed)(plans, registry=registry)
    values = as_editor_sees_it(VALID)
    check.validate(values)
    del values["topic"]
    with pytest.raises(jsonschema.ValidationError, match="'topic' is a required"):
        check.validate(values)
    with pytest.raises(jsonschema.ValidationError, match="'someday' is not one of"):
        check.validate({**as_editor_sees_it(VALID), "status": "someday"})


def test_unknown_keys_error_closes_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = schema(tmp_path, capsys, unknown="error")
    values = as_editor_sees_it(VALID)
    validator(closed).validate(values)
    with pytest.raises(jsonschema.ValidationError, match="'mood' was unexpected"):
        validator(closed).validate({**values, "mood": "sunny"})


def test_unknown_type_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"mkdocs.yml": site_yml("warn")})
    assert main(["schema", "--config", str(tmp_path / "mkdocs.yml"), "--type", "memo"]) == 2
    assert "unknown note type 'memo'" in capsys.readouterr().err

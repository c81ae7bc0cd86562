"""The test sites' two building blocks: a mkdocs.yml with the thoughts plugin, and a note.

One of each, so a test says only what differs from the ordinary site or note it needs (a status,
an option, a field left out) instead of pasting a dozen lines whose one changed line is hard to
see.
"""

from __future__ import annotations

import yaml

NOTE_FIELDS: dict[str, object] = {
    "date": "2025-12-03T18:14:34+01:00",
    "researcher": "Ada",
    "git_commit": "3d801c3",
    "branch": "main",
    "repository": "sec-finetune",
    "topic": "Schema design",
    "tags": ["schema"],
    "status": "complete",
}
"""A valid research note's core fields, in the order the seed template writes them."""


def mkdocs_yml(
    raw_options: str = "",
    *,
    site_name: str = "Test notes",
    repo_url: str | None = None,
    material: bool = True,
    search: bool = True,
    **options: object,
) -> str:
    """A mkdocs.yml whose notes live in ``thoughts/`` (Material without web fonts, the search
    plugin, then the thoughts plugin). The plugin's options are keyword arguments, written as
    YAML (``check_commits=False``, ``status_aliases={"done": "complete"}``), after
    ``raw_options``: YAML text indented six spaces, for what keywords cannot say (``!ENV``
    tags, a spelling the test is about)."""
    lines = [f"site_name: {site_name}"]
    if repo_url is not None:
        lines.append(f"repo_url: {repo_url}")
    lines.append("docs_dir: thoughts")
    if material:
        lines += ["theme:", "  name: material", "  font: false"]
    lines.append("plugins:")
    if search:
        lines.append("  - search")
    written = raw_options + "".join(
        f"      {key}: {_flow(value)}\n" for key, value in options.items()
    )
    lines.append("  - thoughts:" if written else "  - thoughts")
    return "\n".join(lines) + "\n" + written


def make_note(*, body: str | None = None, **fields: object) -> str:
    """A note: frontmatter fences around :data:`NOTE_FIELDS` with ``fields`` applied (a new
    value replaces the default in place, ``None`` leaves the field out, other keys follow in
    the order given), then ``body`` (default: a heading of the topic). A string is written as it
    is, so a test controls the exact YAML; a list is written ``[a, b]``."""
    values = {**NOTE_FIELDS, **fields}
    lines = ["---"]
    for key, value in values.items():
        if value is None:
            continue
        text = f"[{', '.join(str(item) for item in value)}]" if isinstance(value, list) else value
        lines.append(f"{key}: {text}")
    lines.append("---")
    heading = f"# {values['topic']}\n" if values.get("topic") is not None else ""
    return "\n".join(lines) + "\n" + (heading if body is None else body)


def _flow(value: object) -> str:
    """``value`` as one line of YAML: ``false``, ``[a, b]``, ``{done: complete}``."""
    dumped = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000)
    return dumped.removesuffix("\n...\n").strip()

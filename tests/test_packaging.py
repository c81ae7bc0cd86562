"""The notes tool is its own distribution: it declares exactly what it imports, and the research
code's distribution neither ships it nor needs MkDocs."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from treeutil import REPO_ROOT

PLUGIN = REPO_ROOT / "plugins"


def project(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text())["project"]


def third_party_imports(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names} - {package.name}


def distribution_names(requirements: list[str]) -> set[str]:
    return {Requirement(text).name.lower().replace("_", "-") for text in requirements}


def test_the_plugin_declares_what_it_imports() -> None:
    declared = distribution_names(project(PLUGIN / "pyproject.toml")["dependencies"])  # type: ignore[arg-type]
    providers = packages_distributions()
    needed = set()
    for module in third_party_imports(PLUGIN / "mkdocs_thoughts"):
        dists = {name.lower().replace("_", "-") for name in providers.get(module, [])}
        assert dists, f"{module} is imported but no installed distribution provides it"
        needed |= dists
    # pydantic-core comes with pydantic, which pins its version; nothing else is implicit.
    assert needed - {"pydantic-core"} == declared


def test_entry_points_and_script_belong_to_the_plugin() -> None:
    plugin = project(PLUGIN / "pyproject.toml")
    assert plugin["name"] == "mkdocs-thoughts"
    assert plugin["scripts"] == {"thoughts": "mkdocs_thoughts.cli.main:main"}
    entry_points = plugin["entry-points"]
    assert entry_points["mkdocs.plugins"] == {"thoughts": "mkdocs_thoughts.plugin:ThoughtsPlugin"}  # type: ignore[index]
    root = project(REPO_ROOT / "pyproject.toml")
    assert "scripts" not in root and "entry-points" not in root
    declared = distribution_names(root["dependencies"])  # type: ignore[arg-type]
    assert not declared & {"mkdocs", "mkdocs-material", "jinja2"}

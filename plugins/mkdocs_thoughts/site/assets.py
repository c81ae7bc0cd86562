"""The plugin's stylesheet and script, each shipped to the site as one file.

The sources stay separate (listings, run pages, graphs); the site gets one bundle of each,
because the theme writes a tag for every extra asset into every page it renders: six assets cost
a 3,000-note build thousands of template calls, and the browser five more requests per page.
"""

from __future__ import annotations

from importlib import resources

ASSET_DIR = "assets/thoughts"
STYLESHEET = f"{ASSET_DIR}/thoughts.css"
SCRIPT = f"{ASSET_DIR}/thoughts.js"

_SOURCES = {
    STYLESHEET: ("thoughts.css", "runs.css", "graph.css"),
    # Each script is an IIFE in strict mode, so joined they behave as when loaded one by one.
    SCRIPT: ("thoughts.js", "runs.js", "graph.js"),
}


def bundles() -> dict[str, bytes]:
    """Each bundle's site path and its content."""
    folder = resources.files("mkdocs_thoughts").joinpath("assets")
    return {
        path: b"\n".join(folder.joinpath(name).read_bytes() for name in names)
        for path, names in _SOURCES.items()
    }

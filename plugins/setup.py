"""The plugin's one C module; everything else about the package is in pyproject.toml.

``optional``: without a C compiler the install goes on without it, and the CommonMark parser
reads every note body (the same scans, slower; see mkdocs_thoughts/core/markdown_scan.py).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "mkdocs_thoughts.core._plainscan",
            ["mkdocs_thoughts/core/_plainscan.c"],
            optional=True,
        )
    ]
)

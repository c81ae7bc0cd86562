"""Material's translations, looked up once per key and build instead of once per use.

Material's ``t(key)`` macro (``partials/languages/<language>.html``) writes out its whole table,
a dict of some two hundred strings, to read one entry from it, and a page asks it for some forty
keys (labels, the search box, the ``__config`` script): 1.5% of the instructions of a build.
The tables are imported without context (Jinja's default module, one per template and build), so
an answer depends on nothing but the key: the first one is kept for every later page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from .nav_cache import MATERIAL_TEMPLATES, is_within


def memoize_material_translations(
    env: jinja2.Environment, language: str, material_dir: Path = MATERIAL_TEMPLATES
) -> int:
    """Keep the answers of Material's own translation tables for ``language`` (and English, its
    fallback) in ``env``; returns how many tables: none with another theme or a table of the
    site's own (``custom_dir``), which is left as it is."""
    kept = 0
    for name in dict.fromkeys(
        (f"partials/languages/{language}.html", "partials/languages/en.html")
    ):
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        if not is_within(template.filename, material_dir):
            continue
        # The module `{% import ... as lang %}` gets (Jinja keeps it on the template).
        module: Any = template._get_default_module()
        translate = getattr(module, "t", None)
        if callable(translate) and not isinstance(translate, KeptAnswers):
            module.t = KeptAnswers(translate)
            kept += 1
    return kept


class KeptAnswers:
    """``translate(key)``, each key's answer kept after the first call."""

    def __init__(self, translate: Callable[..., Any]) -> None:
        self.translate = translate
        self.answers: dict[str, Any] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1 or not isinstance(args[0], str):
            return self.translate(*args, **kwargs)  # not how Material calls it: not kept
        key = args[0]
        if key not in self.answers:
            self.answers[key] = self.translate(key)
        return self.answers[key]

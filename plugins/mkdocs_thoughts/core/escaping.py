"""The one owner of "note text -> HTML, title, URL".

Frontmatter, file names and run files are written by many people and tools, and the site is
published: every piece of such text that reaches a page passes through a function here. HTML
text and attributes (``esc``), XML for the SVG pictures (``xml_text``, ``xml_attr``), Markdown
that the plugin writes around note text (``markdown_inline``), the titles MkDocs and Material
print (``page_title``), ``href`` values (``safe_href``), and the slugs of generated URLs
(``slug``, ``unique_slugs``).

``Markup`` is made here and nowhere else (ruff's S704 flags it anywhere else): ``markup`` marks a
string this package built from escaped parts as safe for the templates' autoescaping.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from markupsafe import Markup

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Python-Markdown's own backslash escapes (markdown.Markdown.ESCAPED_CHARS, without `>`, which
# becomes an entity first): escaping a character outside this list would show its backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_NOT_SLUG = re.compile(r"[^\w]+")
K = TypeVar("K")
SLUG_LIMIT = 60
"""Longest slug before it is cut and given a hash (file names have a 255-byte limit)."""


SEPARATOR = " &#183; "
"""The middle dot the plugin writes between facts, as a character reference. With the character
itself every note page held one character beyond ASCII (bare Material's pages of ASCII notes hold
none), and Python writes such a page through a real UTF-8 encoding instead of a copy."""
ELLIPSIS = "&#8230;"
"""The ellipsis ending a shortened label, as a character reference (see :data:`SEPARATOR`;
this one even made Python hold the whole page at two bytes a character)."""


@functools.lru_cache(maxsize=1 << 16)
def esc(value: str) -> str:
    """``value`` escaped for HTML text or a quoted attribute, as ``markupsafe.escape`` does it,
    but as a plain string for f-strings: making a ``Markup`` of every value was a tenth of the
    plugin's own time. Cached, as titles, tags and names recur on many pages."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def markup(html: str) -> Markup:
    """``html`` marked safe for autoescaping templates. Only for HTML this package built
    itself, with every piece of note or run text passed through ``esc`` (or ``xml_*``)."""
    return Markup(html)  # noqa: S704 -- the one place: callers escape every value they insert


@functools.lru_cache(maxsize=1 << 16)
def xml_text(value: str) -> str:
    """Escape for XML text (SVG); drops the characters XML 1.0 cannot hold at all."""
    return (
        _INVALID_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )


@functools.lru_cache(maxsize=1 << 16)
def xml_attr(value: str) -> str:
    """Escape for a double- or single-quoted XML attribute."""
    return xml_text(value).replace('"', "&quot;").replace("'", "&#39;")


def safe_href(url: str) -> str:
    """``url`` unless it has a scheme other than http(s) (``javascript:``, ``data:``), which is
    made a relative path. Browsers ignore tabs, newlines and leading spaces in a scheme, so the
    check does too. The result still needs attribute escaping."""
    compact = _CONTROL_OR_SPACE.sub("", url)
    scheme = _SCHEME.match(compact)
    if scheme and scheme[0].lower() not in ("http:", "https:"):
        return "./" + url.strip()
    return url.strip()


def markdown_inline(text: str) -> str:
    """Note text for a place where the plugin writes Markdown (a generated page's heading): it
    shows as typed, and can make neither markup nor a link. Entities pass through Markdown
    untouched and markup cannot; backslashes keep ``[x](javascript:...)`` or ``*`` literal.
    Line breaks become spaces: a heading is one line."""
    flat = " ".join(text.split())
    html_text = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html_text)


def page_title(text: str) -> str:
    """A title for ``page.meta["title"]``. MkDocs' and Material's templates print it without
    autoescaping (``{{ page.title | striptags }}``), so it must already be escaped: the same
    treatment for notes and for every page the plugin generates."""
    return esc(" ".join(text.split()))


def meta_text(text: str) -> str:
    """A note value for a ``page.meta`` field a theme prints raw, such as ``description`` in
    ``<meta content="...">`` or a tag: escaped, one line."""
    return esc(" ".join(text.split()))


# --- slugs -------------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


@functools.lru_cache(maxsize=1 << 14)
def slug(text: str) -> str:
    """A URL-safe, lower-case, Unicode-aware slug: letters and digits of any script are kept
    (``李雷`` stays ``李雷``), every other run of characters becomes ``-``. Text with no letter
    or digit at all, and text too long for a file name, get a short hash of the text, so two
    different texts never meet by losing everything they had."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    base = _NOT_SLUG.sub("-", normal).strip("-_")
    if not base:
        return f"x-{_digest(text)}"
    if len(base) > SLUG_LIMIT:
        return f"{base[:SLUG_LIMIT].rstrip('-_')}-{_digest(text)}"
    return base


def unique_slugs(texts: Iterable[str]) -> dict[str, str]:
    """A slug for each distinct text, collision-free: texts whose slugs would meet (``Ada
    Lovelace`` and ``ada.lovelace``) each get their own text's hash appended. Stable: a text's
    slug depends only on the texts it collides with, never on order or on unrelated texts."""
    return unique_slugs_of((text, text) for text in texts)


def unique_slugs_of(
    named: Iterable[tuple[K, str]], slugify: Callable[[str], str] = slug
) -> dict[K, str]:
    """``unique_slugs`` for things that may share a name (two run directories called ``x`` in
    different folders): each ``(identity, name)`` gets the slug of its name, and where slugs
    meet, the hash of its identity (a string) appended. ``slugify`` is another slug function
    to make collision-free (Material's, for its tags page)."""
    groups: dict[str, list[K]] = defaultdict(list)
    for identity, name in dict(named).items():
        groups[slugify(name)].append(identity)
    result: dict[K, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            result[members[0]] = base
            continue
        for member in members:
            result[member] = f"{base}-{_digest(str(member))}"
    return result


def css_token(text: str) -> str:
    """A value safe inside a class name (the text itself is shown escaped elsewhere); lossy on
    purpose, never used as a URL."""
    return _CLASS_SAFE.sub("-", text.lower()).strip("-") or "none"


_CLASS_SAFE = re.compile(r"[^a-z0-9_-]+")

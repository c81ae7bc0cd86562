"""Bytes → text for EDGAR HTML of every vintage.

EDGAR filings are mostly ASCII, but 1990s/2000s documents often carry raw Windows-1252
bytes (smart quotes 0x91-0x94, dashes 0x96/0x97) while declaring nothing or ISO-8859-1,
and numeric references such as ``&#146;`` that name the *Windows-1252* code point, not
Unicode U+0092. Browsers silently treat both as Windows-1252; we do the same.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)

_C1 = re.compile("[\x80-\x9f]")
# U+0080..U+009F are C1 control characters that never appear on purpose in a filing;
# they come from cp1252 bytes decoded as Latin-1 or from ``&#128;``-``&#159;``.
# Bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252: map them to nothing.
_C1_TO_CP1252 = {
    cp: (bytes([cp]).decode("cp1252") if cp not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else None)
    for cp in range(0x80, 0xA0)
}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # what was actually used to decode
    declared: str | None  # what the document claimed, if anything


def _canonical(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(raw: bytes) -> str | None:
    """The encoding named by an XML prolog or a <meta> tag in the first 4 KB, if any."""
    head = raw[:4096]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def fix_c1_controls(text: str) -> str:
    """Reinterpret stray C1 control characters as the Windows-1252 characters meant."""
    if _C1.search(text) is None:
        return text  # fast path: the common case for modern filings
    return text.translate(_C1_TO_CP1252)


def decode_html(raw: bytes, fallback: str = "cp1252") -> Decoded:
    """Decode filing bytes: BOM, then UTF-8 (which covers ASCII), then the declared
    encoding, then ``fallback``; Latin-1 is the last resort because it never fails."""
    declared = declared_encoding(raw)
    if raw.startswith(codecs.BOM_UTF8):
        return Decoded(fix_c1_controls(raw[3:].decode("utf-8", "replace")), "utf-8-sig", declared)
    candidates = ["utf-8"]
    declared_canon = _canonical(declared) if declared else None
    # ASCII/Latin-1 declarations are routinely wrong about the bytes that follow;
    # cp1252 is a superset of their printable range, so try the fallback instead.
    if declared_canon and declared_canon not in ("ascii", "latin-1", "iso8859-1", "utf-8"):
        candidates.append(declared_canon)
    candidates.append(fallback)
    for encoding in candidates:
        try:
            return Decoded(fix_c1_controls(raw.decode(encoding)), encoding, declared)
        except (UnicodeDecodeError, LookupError):
            continue
    # cp1252 leaves five bytes undefined; Latin-1 maps them to C1 controls, which
    # fix_c1_controls then drops.
    return Decoded(fix_c1_controls(raw.decode("latin-1")), "latin-1", declared)

"""Crash-safe file writes.

A reader (the MkDocs plugin, a later pipeline stage, a human with ``cat``) must only
ever see a file's previous complete content or its new complete content, even if the
writer is killed with SIGKILL halfway through. The classic recipe gives that on POSIX:
write a temporary file in the *same* directory (so the rename cannot cross file
systems), flush and fsync it, then ``os.replace`` it over the target, which is atomic.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

__all__ = [
    "TEMP_SUFFIX",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "dump_json",
    "to_plain",
]

# Temporary files are hidden and end in ``.tmp`` so that a file left behind by a killed
# writer can never be mistaken for (or globbed as) a real artifact such as ``*.json``.
TEMP_SUFFIX = ".tmp"


def _temp_path(target: Path) -> Path:
    # The name is cut so the temporary name fits where the target's does (255 bytes on most
    # file systems): a long filing name must not fail only because of the suffix added here.
    name = target.name.encode()[:200].decode(errors="ignore")
    return target.with_name(f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable across a power cut; not every platform or file
    # system lets you open a directory, and losing only durability there is acceptable.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically; the parent directory must exist."""
    target = Path(path)
    while True:
        tmp = _temp_path(target)
        try:
            # os.open with 0o666 (not mkstemp's 0o600) so the final file gets the usual
            # umask-derived permissions, like a file written with plain open().
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``text`` atomically."""
    return atomic_write_bytes(path, text.encode(encoding))


def to_plain(value: Any) -> Any:
    """Convert ``value`` into JSON/YAML-safe builtins.

    Research code hands us Paths, datetimes, pydantic models and numpy scalars; both
    ``json`` and ``yaml.safe_dump`` reject those, and failing at the end of a long run
    because of a stray ``np.float32`` is the worst possible moment. Non-finite floats
    become ``None`` so that the output stays strict JSON that any parser accepts.
    """
    # Subclasses of the builtins (np.float64, IntEnum, StrEnum) are narrowed to the exact
    # builtin because yaml.safe_dump only represents exact types.
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_plain(v) for v in value), key=repr)
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, datetime | date):
        return value.isoformat()
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):  # pydantic models
        return to_plain(model_dump(mode="json"))
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy scalars and arrays, without importing numpy
        return to_plain(tolist())
    raise TypeError(f"cannot serialise object of type {type(value).__name__}: {value!r}")


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """Serialise ``data`` as strict JSON (see :func:`to_plain` for accepted types)."""
    return json.dumps(to_plain(data), indent=indent, ensure_ascii=False, allow_nan=False)


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Replace ``path`` with ``data`` as pretty-printed JSON, atomically."""
    return atomic_write_text(path, dump_json(data) + "\n")

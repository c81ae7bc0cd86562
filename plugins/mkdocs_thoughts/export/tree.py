"""Write an export to disk so that nothing is lost and nobody sees half of it.

The whole tree is written into a new folder beside the target, then takes the target's name; a
previous export is moved aside first and removed after. A folder that holds anything but a
previous export is refused: the export never deletes what someone wrote.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..core.atomic import write_atomic

MARKER = ".thoughts-export"
"""The file that says a folder is an export, and so may be replaced by the next one."""


class ExportTargetError(Exception):
    """The output folder cannot take the export; the message says why."""


def write_tree(out: Path, files: Mapping[str, bytes], *, kind: str) -> None:
    """Replace the folder ``out`` by a folder holding exactly ``files`` (relative paths)."""
    out = out.absolute()
    if out.exists() and not _replaceable(out):
        raise ExportTargetError(
            f"{out}: exists and is not an export (no {MARKER} file); choose an empty or new folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for relative, content in files.items():
            path = staging / relative
            if not path.resolve().is_relative_to(staging.resolve()):
                raise ExportTargetError(f"{relative}: outside the export")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (staging / MARKER).write_text(f"{kind}\n", encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(staging, out)
            shutil.rmtree(old)
        else:
            os.replace(staging, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)


def write_files(out: Path, files: Mapping[str, str], *, owned_prefix: str) -> list[Path]:
    """Write each file atomically under ``out``; a file that exists must start with
    ``owned_prefix`` (an earlier export of it), or nothing is written. Returns the paths."""
    targets = {relative: out / relative for relative in files}
    foreign = [
        str(path)
        for path in targets.values()
        if path.is_file() and not _starts_with(path, owned_prefix)
    ]
    if foreign:
        raise ExportTargetError(
            f"{', '.join(foreign)}: exists and was not written by `thoughts export`; "
            "move it away or choose another folder"
        )
    for relative, text in files.items():
        path = targets[relative]
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    return list(targets.values())


def _replaceable(out: Path) -> bool:
    if not out.is_dir() or out.is_symlink():
        return False
    return (out / MARKER).is_file() or not any(out.iterdir())


def _starts_with(path: Path, prefix: str) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(prefix.encode())) == prefix.encode()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

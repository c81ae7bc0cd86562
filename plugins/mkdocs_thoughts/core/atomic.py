"""Write a file so that readers see the old text or the new one, never half of either.

The text goes to a temporary file in the same folder (so the final rename never crosses file
systems), is flushed to disk, and then takes the target's name in one step.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class FileExistsRefused(FileExistsError):
    """An exclusive write found the target already there; nothing was written."""


class SymlinkRefused(OSError):
    """The target is a symlink: the rename would replace the link by a regular file, and
    writing through it could edit a file outside the repository. Nothing was written."""


def write_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path``.

    With ``exclusive``, refuse to replace an existing file: the new file is hard-linked into place,
    which fails instead of overwriting, so two writers racing for one name cannot both win.
    """
    if path.is_symlink():
        raise SymlinkRefused(f"{path} is a symlink; not writing through it")
    folder = path.parent
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the file's permissions: an edit should not make a note executable or private.
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        if exclusive:
            _link_into_place(temporary, path)
        else:
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_folder(folder)


def _link_into_place(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise FileExistsRefused(f"{path} already exists") from None
    except OSError:
        # Some file systems (FAT, a few network mounts) have no hard links; an exclusive open
        # keeps the no-overwrite promise, at the cost of a short window with a partial file.
        try:
            with open(path, "xb") as handle, open(temporary, "rb") as source:
                handle.write(source.read())
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            raise FileExistsRefused(f"{path} already exists") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

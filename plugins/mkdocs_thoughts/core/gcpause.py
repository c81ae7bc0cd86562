"""Pausing Python's cyclic garbage collector while a build allocates what it keeps.

Loading notes and rendering headers allocate tens of thousands of objects that all live until the
build ends; each full collection triggered meanwhile walks every one of them (and all of MkDocs'
objects) again, for nothing. Reference counting still frees what dies young.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

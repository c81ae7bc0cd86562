"""MkDocs files for notes kept outside ``docs_dir`` (``notes_root: thoughts``, ``docs_dir: docs``).

MkDocs only collects files under ``docs_dir``: without these the notes would be listed and checked,
but have no page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..core.notes import Note


def is_outside_docs(notes_root: Path, config: MkDocsConfig) -> bool:
    docs_dir = Path(config.docs_dir).resolve()
    return not notes_root.resolve().is_relative_to(docs_dir)


def add_outside_notes(
    files: Files,
    config: MkDocsConfig,
    notes_root: Path,
    notes: Iterable[Note],
    folder_pages: Iterable[str],
) -> None:
    """Give each note (and each hand-written folder page such as ``shared/research/index.md``)
    a file read from the notes root, under the same path as inside it; a page of ``docs_dir``
    with that path wins."""
    if not is_outside_docs(notes_root, config):
        return
    root = str(notes_root.resolve())
    uris = [note.doc_uri for note in notes]
    uris += [uri for uri in folder_pages if (notes_root / uri).is_file()]
    for uri in uris:
        if files.get_file_from_path(uri) is not None:
            continue
        files.append(
            File(
                uri,
                src_dir=root,
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )

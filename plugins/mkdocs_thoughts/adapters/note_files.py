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
from ..corpus.loader import NoteLoader


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


def drop_outside_links(
    files: Files, docs_dir: str, loader: NoteLoader, reported: set[str]
) -> list[str]:
    """MkDocs publishes whatever docs_dir holds, following symlinked files and folders: a file
    leading outside the repository (or to nothing), itself or through a linked folder, is left
    out of the site. Notes are reported as TH203 (``reported``); other files get a notice, the
    returned messages (info: `thoughts check` reads only notes, and a strict build must not
    fail where the check passes)."""
    notices: list[str] = []
    for file in list(files):
        if file.abs_src_path is None or file.src_dir != docs_dir:
            continue  # generated, or the theme's (wherever it is installed, links included)
        path = Path(file.abs_src_path)
        why = loader.refusal(path)  # one lstat; folders are resolved once each
        if why is None:
            continue
        files.remove(file)
        rel_path = loader.repo_relative(path)
        if rel_path not in reported:
            notices.append(f"{rel_path}: {path.name} {why}; it is not published")
    return notices

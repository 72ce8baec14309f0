"""Storing a file or folder as an artifact, and pushing what the store lacks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import validate
from ..kref import check_artifact_name
from . import odb
from .config import StoreConfig
from .errors import SourceError
from .hashing import Content, hash_path, total_size
from .place import check_part, check_placeable
from .progress import Bar, callback
from .records import Stored, check_writable, content_metadata, project_store

if TYPE_CHECKING:
    from ..nodes import Artifact, Revision


def hash_with_bar(source: Path, progress: bool) -> Content:
    """The content of a file or folder, refused unless every name in it can be pulled again."""
    try:
        check_part(source.name, f"{source}: the name")
    except SourceError as exc:
        raise SourceError(f"{exc}; store the file or folder by its own path") from None
    with Bar(progress, total_size(source) if progress else None, f"hashing {source.name}") as bar:
        content = hash_path(source, bar.update)
    for entry in content.entries:
        if entry.relpath:
            check_placeable(entry.relpath)  # e.g. a backslash, or a name that is not UTF-8
    return content


def store(
    revision: Revision,
    name: str,
    path: str | os.PathLike[str],
    metadata: dict[str, str] | None = None,
    *,
    location: str | None = None,
    push: bool = True,
    progress: bool = False,
) -> Artifact:
    """Store a file or folder (an image sequence: one artifact, one object per frame) in the
    project's file store and record it as artifact ``name`` of ``revision``.

    Only objects the store lacks are written. The artifact's location is ``location`` or the
    source's absolute path; its metadata gets ``content_hash``, ``size``, ``store`` … (see
    :mod:`splice.files.records`). With ``push=False`` the objects go to the local cache only
    (``splice push`` sends them later). Nothing is recorded unless every object is stored.
    """
    check_artifact_name(name)
    extra = validate.metadata(metadata)
    where = validate.location(location) if location is not None else None
    check_writable(revision, name)
    source = Path(path).absolute()
    meta = {**extra, **upload(project_store(revision), source, push=push, progress=progress)}
    return revision.create_artifact(name, where or os.fspath(source), meta)


def upload(
    config: StoreConfig, path: str | os.PathLike[str], *, push: bool = True, progress: bool = False
) -> dict[str, str]:
    """Put a file or folder's objects in the store ``config`` (or only the local cache, without
    ``push``) and return the artifact metadata that records them; records nothing.

    This is the half of :func:`store` that a batch publish uses: upload every file first,
    then write all the revisions and artifacts in one transaction. Objects are content
    addressed, so an upload whose publish then fails leaves nothing that a later one would
    not reuse.
    """
    source = Path(path).absolute()
    target = odb.open_store(config) if push else odb.open_cache()  # a bad store fails before hashing
    content = hash_with_bar(source, progress)
    odb.upload(target, content, source, callback(progress, f"storing {source.name}"))
    return content_metadata(content, source.name, config)


def push(items: list[Stored], progress: bool = False) -> int:
    """Send the objects of stored artifacts that their store lacks, from the local cache;
    the number of objects sent."""
    sent = 0
    cache = odb.open_cache()
    for item in items:
        target = odb.open_store(item.store)
        if not odb.missing(target, [item.oid]):
            continue  # a file, or a folder whose .dir (written last) is there
        sent += odb.transfer(cache, target, item.oid, callback(progress, f"pushing {item.filename}"))
    return sent

"""What splice records on an artifact whose files are in a store, and reading it back.

Metadata keys (all strings): ``content_hash`` (``<md5>`` or ``<md5>.dir``), ``hash``
(``md5``), ``size`` (bytes), ``nfiles`` (folders), ``filename`` (the name it is placed
under), ``store`` (the store URL at publish time) and ``store_options`` (JSON of its dvc
options, when any). Ingested artifacts add ``source`` and ``source_state``. This is enough
to pull any past revision by hash, whatever the project's store is now.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import AlreadyExistsError, ImmutableError, NotFoundError
from ..kref import Kref
from .config import StoreConfig, check_store_url, store_config
from .hashing import Content

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact, Revision

CONTENT_HASH = "content_hash"
SOURCE = "source"
SOURCE_STATE = "source_state"


@dataclass(frozen=True)
class Stored:
    """A stored artifact, read from its metadata."""

    artifact: Artifact
    oid: str
    size: int
    filename: str
    store: StoreConfig

    @property
    def is_dir(self) -> bool:
        return self.oid.endswith(".dir")

    @property
    def nfiles(self) -> int | None:
        value = self.artifact.metadata.get("nfiles")
        return int(value) if value else None


def content_metadata(content: Content, filename: str, store: StoreConfig) -> dict[str, str]:
    meta = {
        CONTENT_HASH: content.oid,
        "hash": "md5",
        "size": str(content.size),
        "filename": filename,
        "store": store.url,
    }
    if content.is_dir:
        meta["nfiles"] = str(content.nfiles)
    if store.options:
        meta["store_options"] = json.dumps(store.options, sort_keys=True)
    return meta


def object_location(store: StoreConfig, oid: str) -> str:
    """Where the object ``oid`` lives in ``store`` (dvc 3's layout): the permanent location a
    publish records for stored files; a folder's ``.dir`` object is its listing."""
    root = store.url.rstrip("/\\")
    sep = "/" if not store.is_local else os.sep
    return sep.join([root, "files", "md5", oid[:2], oid[2:]])


def stored(artifact: Artifact) -> Stored | None:
    """The stored content of an artifact, or ``None`` for a plain location."""
    meta = artifact.metadata
    oid = meta.get(CONTENT_HASH)
    if not oid:
        return None
    options = json.loads(meta["store_options"]) if meta.get("store_options") else {}
    return Stored(
        artifact,
        oid,
        int(meta.get("size", "0")),
        meta.get("filename") or artifact.name,
        StoreConfig(check_store_url(meta["store"]), options),
    )


def check_writable(revision: Revision, name: str) -> None:
    """Refuse early (before hashing a sequence) what the store would refuse at the end."""
    if revision.refresh().published:
        raise ImmutableError(f"{revision.kref} is published: its artifacts cannot change")
    if any(a.name == name for a in revision.get_artifacts()):
        raise AlreadyExistsError(f"{revision.kref} already has an artifact {name!r}; use another name "
                                 "or a new revision")


def project_store(revision: Revision) -> StoreConfig:
    """The store configured for the revision's project now."""
    project = revision.get_item().get_project()
    return store_config(project.name, project.metadata)


def select(client: Client, kref: Kref | str) -> list[Stored]:
    """The stored artifacts a kref selects: one with ``a=NAME``, else all of the revision's."""
    k = Kref(kref)
    if k.artifact is not None:
        found = stored(client.get_artifact(k))
        if found is None:
            raise NotFoundError(f"{k} is an artifact with a location only: no files in a store")
        return [found]
    revision = client.get_revision(k)
    out = [s for s in (stored(a) for a in revision.get_artifacts()) if s is not None]
    if not out:
        raise NotFoundError(f"{revision.kref} has no artifacts with stored files (splice.files.store)")
    return out

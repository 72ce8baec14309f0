"""Ingesting external files (a path or any dvc-readable URL) while keeping the source's
state, and the status of stored artifacts: in the store? changed at their source?"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import validate
from ..errors import ValidationError
from ..kref import Kref, check_artifact_name
from . import odb
from .config import REMOTE_SCHEMES, check_store_url
from .errors import FileStoreError, SourceError
from .progress import callback
from .publish import hash_with_bar
from .records import (
    SOURCE,
    SOURCE_STATE,
    Stored,
    check_writable,
    content_metadata,
    project_store,
    select,
)

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact, Revision

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_STATE_KEYS = ("etag", "ETag", "md5", "checksum", "version_id")


@dataclass(frozen=True)
class FileStatus:
    """Where a stored artifact stands."""

    kref: Kref
    content_hash: str
    in_store: bool
    source: str | None = None
    source_state: str | None = None  # "unchanged", "changed", "missing" (ingested artifacts)

    @property
    def needs_reimport(self) -> bool:
        return self.source_state in ("changed", "missing")


def _remote_fs(url: str, options: dict[str, str] | None = None) -> tuple[Any, str]:
    check_store_url(url)  # the same schemes as stores, with the same error
    try:
        from dvc.fs import get_cloud_fs

        cls, conf, path = get_cloud_fs(None, url=url, **(options or {}))
        return cls(**conf), path
    except ImportError as exc:
        raise FileStoreError(f"{url}: {exc}") from None


def _remote_state(fs: Any, path: str, url: str) -> str:
    """A remote file's etag (or size and time); a remote folder's: the md5 of its files'."""
    try:
        info = fs.info(path)
    except FileNotFoundError:
        raise SourceError(f"{url} does not exist: ingest an existing file or folder") from None
    if info.get("type") == "directory":
        found = getattr(fs, "fs", fs).find(path, detail=True)  # the fsspec file system under dvc's
        rows = sorted((name[len(path):], _file_state(meta)) for name, meta in found.items())
        return "listing:" + hashlib.md5(json.dumps(rows).encode()).hexdigest()
    return _file_state(info)


def _file_state(info: dict[str, Any]) -> str:
    for key in _STATE_KEYS:
        if info.get(key):
            return f"{key.lower()}:{str(info[key]).strip(chr(34))}"
    mtime = info.get("mtime") or info.get("LastModified") or info.get("created")
    return f"size:{info.get('size')} mtime:{mtime}"


def source_state(source: str, options: dict[str, str] | None = None) -> str | None:
    """The source's state now (``None`` if it is gone): a remote's etag, or a local md5."""
    try:
        if _SCHEME.match(source) and not source.startswith("file://"):
            fs, path = _remote_fs(source, options)
            return _remote_state(fs, path, source)
        from .hashing import hash_path

        local = source[len("file://") :] if source.startswith("file://") else source
        return "md5:" + hash_path(local).oid
    except SourceError:
        return None


def ingest(
    revision: Revision,
    name: str,
    source: str,
    metadata: dict[str, str] | None = None,
    *,
    options: dict[str, str] | None = None,
    progress: bool = False,
) -> Artifact:
    """Import a file or folder from a path or URL (``s3://``, ``http(s)://``, ``ssh://`` …)
    into the project's store as artifact ``name``, recording ``source`` and its state
    (``source_state``) so :func:`status` can tell when it changed and needs a re-import.
    ``options``: dvc remote options to read the URL (``endpointurl`` …), kept as
    ``source_options``."""
    check_artifact_name(name)
    extra = validate.metadata(metadata)
    if not isinstance(source, str) or not source:
        raise ValidationError(f"source must be a path or URL, not {source!r}")
    check_writable(revision, name)
    config = project_store(revision)
    target = odb.open_store(config)  # a bad store fails before anything is read
    match = _SCHEME.match(source)
    with tempfile.TemporaryDirectory(prefix="splice-ingest-") as tmp:
        if match and match.group(1).lower() != "file":
            if match.group(1).lower() not in REMOTE_SCHEMES:
                raise ValidationError(
                    f"source {source!r}: scheme {match.group(1)!r} is not supported; use "
                    "a path or " + ", ".join(f"{s}://" for s in REMOTE_SCHEMES)
                )
            fs, path = _remote_fs(source, validate.metadata(options, "options"))
            state = _remote_state(fs, path, source)
            local = Path(tmp) / (path.rstrip("/").rsplit("/", 1)[-1] or "source")
            bar = callback(progress, "downloading")
            fs.get(path, os.fspath(local), recursive=fs.isdir(path), **({"callback": bar} if bar else {}))
            location = source
        else:
            local = Path(source[len("file://") :] if match else source).absolute()
            state, location = None, os.fspath(local)
        content = hash_with_bar(local, progress)
        odb.upload(target, content, local, callback(progress, f"storing {local.name}"))
    meta = {
        **extra,
        **content_metadata(content, local.name, config),
        SOURCE: source,
        SOURCE_STATE: state or "md5:" + content.oid,
    }
    if options:
        meta["source_options"] = json.dumps(options, sort_keys=True)
    return revision.create_artifact(name, _location(location, config, content.oid), meta)


def _location(source: str, config: Any, oid: str) -> str:
    """The source if it is a location splice accepts, else the object's place in the store."""
    try:
        return validate.location(source)
    except ValidationError:
        base = config.url.rstrip("/")
        return validate.location(f"{base}/files/md5/{oid[:2]}/{oid[2:]}")


def status(kref: Kref | str, *, check_sources: bool = True, client: Client) -> list[FileStatus]:
    """For each stored artifact a kref selects: is its content in its store, and (for
    ingested ones) has its source changed since the import?"""
    out = []
    for item in select(client, kref):
        out.append(_status(item, check_sources))
    return out


def _status(item: Stored, check_sources: bool) -> FileStatus:
    in_store = not odb.missing(odb.open_store(item.store), [item.oid])
    meta = item.artifact.metadata
    source = meta.get(SOURCE)
    state = None
    if source and check_sources:
        options = json.loads(meta["source_options"]) if meta.get("source_options") else None
        now = source_state(source, options)
        state = "missing" if now is None else ("unchanged" if now == meta.get(SOURCE_STATE) else "changed")
    return FileStatus(item.artifact.kref, item.oid, in_store, source, state)

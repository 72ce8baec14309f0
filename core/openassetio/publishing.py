"""Publishing through OpenAssetIO: ``preflight`` names the revision to be, ``register``
commits it with its artifact and edges in ONE transaction.

preflight writes nothing. It checks the target (an item, writable, its space there) and the
hint, and answers a *working reference*: the target kref with a one-off token
(``…#publish=TOKEN``). register turns every element of its batch into a revision spec and
makes them all in one ``batch_create_revisions``; the token is its idempotency key. So:

- the revision's number is given when it is committed: numbers stay gapless under
  concurrent registers (the engine numbers them), and an abandoned preflight leaves nothing;
- a register without preflight (to a plain item kref) is the same commit without a key;
- a register sent again with the same working references returns the revisions the first
  one made and writes nothing;
- nothing is half-published: the revision, its artifact and edges appear together or not at
  all, and a dependency that does not exist fails its element before anything is written.

A local file whose project has a file store configured (``files.store`` in the project's
metadata or ``$SPLICE_FILE_STORE``) is stored content-addressed through :mod:`splice.files`
first, as the pipeline's integrator does: uploaded before the transaction (objects are
content addressed, so a failed commit leaves nothing a later one would not reuse), recorded
at its permanent place in the store with its hash, size and file name. Elsewhere (no store,
a remote URL, ``store_files`` off) the location is recorded as it is: files stay where they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openassetio.trait import TraitsData

from .. import validate
from ..client import Client
from ..errors import KrefError, ValidationError
from ..kref import Kref, check_artifact_name
from ..records import ArtifactSpec, EdgeSpec, RevisionSpec
from . import traits as T
from .refs import Code, ElementError, Ref, element_error, working
from .resolving import OnError, parsed

_FILE_URL = re.compile(r"^file://", re.IGNORECASE)
_MANAGER_OWNED = {T.LOCATABLE, T.VERSION, T.DEPENDENCIES, T.ENTITY}


@dataclass(frozen=True)
class Settings:
    store_files: bool = True  # store local files content-addressed when the project has a store


def _location(data: TraitsData, code: Code) -> str | None:
    """The splice location of LocatableContent's URL (``file://`` URLs become paths)."""
    if not data.hasTrait(T.LOCATABLE):
        return None
    url = T.LocatableContentTrait_v1(data).getLocation()
    if url is None:
        return None
    try:
        if _FILE_URL.match(url):
            from openassetio.utils import FileUrlPathConverter

            url = FileUrlPathConverter().pathFromUrl(url)
        return validate.location(url)
    except (ValidationError, RuntimeError, ValueError) as exc:
        raise ElementError(code, f"LocatableContent location {url!r} is not usable: {exc}") from None


def _dependencies(data: TraitsData, code: Code) -> list[EdgeSpec]:
    if not data.hasTrait(T.DEPENDENCIES):
        return []
    trait = T.DependenciesTrait_v1(data)
    try:
        edge_type = validate.edge_type(trait.getEdgeType())
        return [EdgeSpec(Kref(k), edge_type) for k in trait.getKrefs()]
    except (ValidationError, TypeError) as exc:
        raise ElementError(code, f"{T.DEPENDENCIES}: {exc}") from None


def _check_traits(ref: Ref, data: TraitsData) -> None:
    missing = T.kind_traits(ref.kref.kind) - data.traitSet()
    if missing:
        raise ElementError(
            Code.kInvalidTraitSet,
            f"publishing to {ref.kref.base} (a {ref.kref.kind}) needs the traits {sorted(missing)}",
        )


def _trait_metadata(data: TraitsData) -> dict[str, str]:
    """The traits splice does not store itself, kept in the revision's metadata."""
    kept = sorted(data.traitSet() - _MANAGER_OWNED)
    meta = {T.TRAITS_KEY: " ".join(kept)} if kept else {}
    for trait in kept:
        props = {k: data.getTraitProperty(trait, k) for k in data.traitPropertyKeys(trait)}
        if props:
            meta[T.TRAIT_PREFIX + trait] = json.dumps(props, sort_keys=True)
    return meta


def _artifact_name(ref: Ref, location: str) -> str:
    """``a=`` of the target, else the file's extension (the pipeline's representation
    names: ``abc``, ``usd``…), else ``content``."""
    if ref.kref.artifact is not None:
        return ref.kref.artifact
    ext = os.path.splitext(location.rstrip("/\\"))[1][1:].lower()
    try:
        return check_artifact_name(ext)
    except KrefError:
        return "content"


def check_writable_access(access: object, allowed: object, what: str, count: int, on_error: OnError) -> bool:
    if access == allowed:
        return True
    for idx in range(count):
        on_error(idx, ElementError(Code.kEntityAccessError, f"{what} supports kWrite access only"))
    return False


def _check_parents(client: Client, items: list[tuple[int, Ref]], on_error: OnError) -> list[tuple[int, Ref]]:
    """The references whose project or space is there (the item itself may be new)."""
    known: dict[Kref, ElementError | None] = {}
    out = []
    for idx, ref in items:
        parent = ref.kref.parent
        if parent not in known:
            try:
                if parent.is_project:
                    client.backend.get_project(parent.project)
                else:
                    client.backend.get_space(parent)
                known[parent] = None
            except Exception as exc:
                known[parent] = element_error(exc)
                if known[parent] is None:
                    raise
        if known[parent] is not None:
            on_error(idx, known[parent])
        else:
            out.append((idx, ref))
    return out


def preflight(
    client: Client,
    refs: Sequence[str],
    hints: Sequence[TraitsData],
    on_success: Callable[[int, str], None],
    on_error: OnError,
) -> None:
    items = parsed(refs, on_error, Ref.check_writable)
    ok = []
    for idx, ref in items:
        hint = hints[idx]
        try:
            if not hint.hasTrait(T.ENTITY):
                raise ElementError(Code.kInvalidTraitSet, f"a publish needs the trait {T.ENTITY}")
            _location(hint, Code.kInvalidPreflightHint)
            _dependencies(hint, Code.kInvalidPreflightHint)
        except ElementError as exc:
            on_error(idx, exc)
            continue
        ok.append((idx, ref))
    for idx, ref in _check_parents(client, ok, on_error):
        # preflighting a working reference again answers the same one
        on_success(idx, refs[idx] if ref.token else working(ref.kref))


def _spec(client: Client, ref: Ref, data: TraitsData, settings: Settings) -> RevisionSpec:
    _check_traits(ref, data)
    location = _location(data, Code.kInvalidTraitSet)
    artifacts = []
    if location is not None:
        meta = {}
        mime = T.LocatableContentTrait_v1(data).getMimeType()
        if mime:
            meta["mime_type"] = mime
        name = _artifact_name(ref, location)
        if settings.store_files and os.path.isabs(location) and os.path.exists(location):
            location, stored = _store_file(client, ref.kref.project, location)
            meta.update(stored)
        artifacts.append(ArtifactSpec(name, location, meta))
    tag = ref.kref.tag
    return RevisionSpec(
        item=ref.kref.base,
        metadata=_trait_metadata(data),
        artifacts=tuple(artifacts),
        edges=tuple(_dependencies(data, Code.kInvalidTraitSet)),
        tags=(tag,) if tag and tag != "latest" else (),
        create_item=True,
    )


def _store_file(client: Client, project: str, path: str) -> tuple[str, dict[str, str]]:
    """A local file stored in its project's file store: its permanent location there and the
    artifact metadata that records it (as the pipeline's integrator does); the path as it
    is and no metadata when the project has no store configured."""
    from ..files.config import STORE_ENV, STORE_KEY, store_config

    meta = client.backend.get_project(project).metadata
    if STORE_KEY not in meta and not os.environ.get(STORE_ENV):
        return path, {}
    from ..files.publish import upload
    from ..files.records import CONTENT_HASH, object_location

    store = store_config(project, meta)
    stored = upload(store, path)
    return object_location(store, stored[CONTENT_HASH]), stored


def register(
    client: Client,
    refs: Sequence[str],
    datas: Sequence[TraitsData],
    settings: Settings,
    on_success: Callable[[int, str], None],
    on_error: OnError,
) -> None:
    items = parsed(refs, on_error, Ref.check_writable)
    seen: set[str] = set()
    specs: list[tuple[int, Ref, RevisionSpec]] = []
    for idx, ref in items:
        try:
            if ref.token is not None and ref.token in seen:
                raise ElementError(Code.kEntityAccessError, f"{refs[idx]} is registered twice in one batch")
            specs.append((idx, ref, _spec(client, ref, datas[idx], settings)))
            if ref.token is not None:
                seen.add(ref.token)
        except Exception as exc:
            err = element_error(exc)
            if err is None:
                raise
            on_error(idx, err)
    specs = _with_dependencies(client, specs, on_error)
    if not specs:
        return
    tokens = [ref.token for _, ref, _ in specs]
    key = None
    if all(tokens):
        key = "openassetio:" + hashlib.sha256(",".join(tokens).encode()).hexdigest()[:40]
    try:
        made = client.backend.batch_create_revisions([s for _, _, s in specs], key)
    except Exception as exc:
        err = element_error(exc)
        if err is None:
            raise
        for idx, _, _ in specs:  # one transaction: all of them or none
            on_error(idx, err)
        return
    for (idx, _, _), record in zip(specs, made, strict=True):
        on_success(idx, str(record.kref))


def _with_dependencies(
    client: Client, specs: list[tuple[int, Ref, RevisionSpec]], on_error: OnError
) -> list[tuple[int, Ref, RevisionSpec]]:
    """The specs whose dependencies all exist (one read for the whole batch)."""
    targets = sorted({e.target for _, _, s in specs for e in s.edges})
    if not targets:
        return specs
    found = dict(zip(targets, client.backend.batch_get_revisions(targets), strict=True))
    out = []
    for idx, ref, spec in specs:
        gone = [str(e.target) for e in spec.edges if found[e.target] is None]
        if gone:
            on_error(
                idx, ElementError(Code.kInvalidTraitSet, f"{T.DEPENDENCIES}: no revision {', '.join(gone)}")
            )
        else:
            out.append((idx, ref, spec))
    return out

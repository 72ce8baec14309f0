"""Reading entities for OpenAssetIO: existence, trait sets, and resolution, a batch at a time.

A batch costs at most two round trips whatever its size: ``resolve_many`` for locations,
``batch_get_revisions`` for version numbers and registered traits; only the krefs that
select nothing are asked again, one by one, for the error that says precisely why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from openassetio.trait import TraitsData
from openassetio.utils import FileUrlPathConverter

from ..client import Client
from ..records import RevisionRecord
from . import traits as T
from .refs import Code, ElementError, Ref, element_error, parse

OnError = Callable[[int, ElementError], None]
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_paths = FileUrlPathConverter()


def parsed(refs: Sequence[str], on_error: OnError, check: Callable[[Ref], None]) -> list[tuple[int, Ref]]:
    """The well-formed references of a batch that pass ``check``; the others go to ``on_error``."""
    out = []
    for idx, text in enumerate(refs):
        try:
            ref = parse(text)
            check(ref)
        except ElementError as exc:
            on_error(idx, exc)
            continue
        out.append((idx, ref))
    return out


def to_url(location: str) -> str:
    """A location as the URL LocatableContent needs: paths become ``file://`` URLs."""
    if location[:1] == "/" or not _URL.match(location):
        return _paths.pathToUrl(location)
    return location


def specified_tag(ref: Ref) -> str:
    """What the reference asks for, as a Version tag: ``N``, ``TAG``, ``TAG@TIME`` or ``latest``."""
    k = ref.kref
    if k.revision is not None:
        return str(k.revision)
    if k.time is not None:
        return f"{k.tag}@{k.time}"
    return k.tag or "latest"


def why_missing(client: Client, ref: Ref) -> ElementError | None:
    """The precise error of a reference that selects nothing, asked of the store alone;
    ``None`` when its revision is there and simply has no artifact (not an error: the
    entity then has no LocatableContent)."""
    try:
        client.backend.get_revision(ref.kref)
        if ref.kref.artifact is not None:
            client.backend.get_artifact(ref.kref)
    except Exception as exc:
        err = element_error(exc)
        if err is None:
            raise
        return err
    return None


def revisions(
    client: Client, items: list[tuple[int, Ref]], on_error: OnError, *, artifacts: bool
) -> list[tuple[int, Ref, RevisionRecord, str | None]]:
    """Each reference's revision (and, with ``artifacts``, its artifact's location); the
    references that select nothing go to ``on_error``."""
    krefs = [ref.kref for _, ref in items]
    records = client.backend.batch_get_revisions(krefs)
    locations = client.backend.resolve_many(krefs) if artifacts else [None] * len(krefs)
    out = []
    for (idx, ref), record, location in zip(items, records, locations, strict=True):
        if record is None or (location is None and artifacts and ref.kref.artifact is not None):
            err = why_missing(client, ref)
            on_error(idx, err or ElementError(Code.kEntityResolutionError, f"{ref.kref} selects nothing"))
            continue
        out.append((idx, ref, record, location))
    return out


def entity_traits(kind: str, record: RevisionRecord, has_content: bool) -> set[str]:
    """The exhaustive trait set of a revision: its kind's specification, its registered
    traits, Version, and LocatableContent only when it has an artifact."""
    found = set(T.kind_traits(kind)) | {T.ENTITY, T.VERSION} | T.registered_traits(record.metadata)
    if has_content:
        found.add(T.LOCATABLE)
    else:
        found.discard(T.LOCATABLE)
    return found


def exists(
    client: Client, refs: Sequence[str], on_success: Callable[[int, bool], None], on_error: OnError
) -> None:
    items = parsed(refs, on_error, Ref.check_readable)
    krefs = [ref.kref for _, ref in items]
    records = client.backend.batch_get_revisions(krefs)
    # an artifact named in the kref must be there too
    named = [i for i, (_, ref) in enumerate(items) if ref.kref.artifact is not None and records[i]]
    located = client.backend.resolve_many([krefs[i] for i in named]) if named else []
    missing = {i for i, loc in zip(named, located, strict=True) if loc is None}
    for i, ((idx, _), record) in enumerate(zip(items, records, strict=True)):
        on_success(idx, record is not None and i not in missing)


def read_traits(
    client: Client, refs: Sequence[str], on_success: Callable[[int, set[str]], None], on_error: OnError
) -> None:
    items = parsed(refs, on_error, Ref.check_readable)
    for idx, ref, record, location in revisions(client, items, on_error, artifacts=True):
        on_success(idx, entity_traits(ref.kref.kind, record, location is not None))


def write_traits(refs: Sequence[str], on_success: Callable[[int, set[str]], None], on_error: OnError) -> None:
    """The minimal trait set to publish to each reference: its kind's specification."""
    for idx, ref in parsed(refs, on_error, Ref.check_writable):
        on_success(idx, set(T.kind_traits(ref.kref.kind)))


def resolve(
    client: Client,
    refs: Sequence[str],
    trait_set: set[str],
    on_success: Callable[[int, TraitsData], None],
    on_error: OnError,
) -> None:
    """Resolve for read: LocatableContent from the artifact, Version from the revision, the
    kind's traits, and the traits the revision was registered with."""
    items = parsed(refs, on_error, Ref.check_readable)
    if not items:
        return
    want_location = T.LOCATABLE in trait_set
    others = trait_set - {T.LOCATABLE}
    if not others:
        # the fast path: only locations, one round trip (errors asked again one by one)
        locations = client.backend.resolve_many([ref.kref for _, ref in items])
        for (idx, ref), location in zip(items, locations, strict=True):
            data = TraitsData()
            if location is None:
                err = why_missing(client, ref)
                if err is not None:
                    on_error(idx, err)
                    continue
            elif want_location:
                T.LocatableContentTrait_v1(data).setLocation(to_url(location))
            on_success(idx, data)
        return
    extra = others - {T.VERSION}  # kind or registered traits: the entity's trait set is needed
    for idx, ref, record, location in revisions(client, items, on_error, artifacts=want_location):
        data = TraitsData()
        if extra:
            data.addTraits(extra & entity_traits(ref.kref.kind, record, True))
        if T.VERSION in others:
            version = T.VersionTrait_v1(data)
            version.setStableTag(str(record.number))
            version.setSpecifiedTag(specified_tag(ref))
        for trait in extra & T.registered_traits(record.metadata):
            for key, value in json.loads(record.metadata.get(T.TRAIT_PREFIX + trait, "{}")).items():
                data.setTraitProperty(trait, key, value)
        if want_location and location is not None:
            T.LocatableContentTrait_v1(data).setLocation(to_url(location))
        on_success(idx, data)

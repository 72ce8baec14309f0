"""Loading a revision into the scene: resolve the kref, pick the representation, fetch its
files, pick the loader, build, and let the asset's own code finish the build.

Every check that can fail does so before the scene changes: a kref that resolves to
nothing, a representation the revision lacks, files that are missing or do not verify,
or no loader serving the kind × representation × host raise a typed error naming what
is missing and what exists, with the scene as it was.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AlreadyExistsError, NotFoundError, ValidationError
from ..kref import to_kref
from . import current, hooks
from .interface import Container, Host
from .loader import Loader, LoaderSource, add_loader, discover_loaders, find_loader
from .registry import registered_loaders

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact, Revision

__all__ = [
    "LOADER_PATH_ENV",
    "choose_loader",
    "fetch",
    "fetch_dependencies",
    "load",
    "loader_paths",
    "loaders_for",
    "representation_of",
]

LOADER_PATH_ENV = "SPLICE_LOADER_PATH"
PIN_ENV = "SPLICE_PIN"  # a pin manifest (splice.pin) that krefs of the items it names resolve through
log = logging.getLogger(__name__)
Loaders = Mapping[str, type[Loader]]
_NAMESPACE = re.compile(r"^(?P<stem>.*)_(?P<n>\d{2,})$")


def loader_paths(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders of ``$SPLICE_LOADER_PATH`` (``os.pathsep``-separated), that exist."""
    raw = (os.environ if environ is None else environ).get(LOADER_PATH_ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p and Path(p).is_dir()]


def loaders_for(*sources: LoaderSource) -> dict[str, type[Loader]]:
    """The loaders in ``sources`` (an adapter's ``LOADERS_DIR``…), on ``$SPLICE_LOADER_PATH``
    and registered (:func:`splice.pipeline.registry.register_loader`); ``failures``: the broken files."""
    found = discover_loaders([*sources, *loader_paths()])
    for cls in registered_loaders():
        add_loader(found, cls)
    return found


def _extension(artifact: Artifact) -> str:
    filename = artifact.metadata.get("filename") or artifact.location.rstrip("/").rsplit("/", 1)[-1]
    suffix = Path(filename).suffix
    return suffix[1:].lower() if suffix else ""


def _names(artifact: Artifact) -> set[str]:
    return {artifact.name, _extension(artifact)} - {""}


def representation_of(revision: Revision, representation: str | None, artifacts: list[Artifact]) -> Artifact:
    """The artifact that ``representation`` names: an artifact name first, else a file
    extension (``abc``); ``None`` takes the revision's default artifact."""
    if not artifacts:
        raise NotFoundError(f"{revision.kref} has no artifacts: nothing to load")
    if representation is None:
        wanted = revision.default_artifact or artifacts[0].name
        return next(a for a in artifacts if a.name == wanted)
    for artifact in artifacts:
        if artifact.name == representation:
            return artifact
    matches = [a for a in artifacts if _extension(a) == representation.lower().lstrip(".")]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(
            f"{revision.kref}: several artifacts are .{representation} files "
            f"({sorted(a.name for a in matches)}); name one"
        )
    have = sorted(f"{a.name} (.{_extension(a)})" if _extension(a) else a.name for a in artifacts)
    raise NotFoundError(f"{revision.kref} has no representation {representation!r}; it has {have}")


def choose_loader(
    loaders: Loaders, kind: str, artifact: Artifact, host: Host, name: str | None = None
) -> Loader:
    """The loader called ``name``, or the one serving kind × representation × host with the
    highest ``priority``, then the most specific (kinds, representations, hosts declared),
    then the first by name."""
    names = _names(artifact)
    if name is not None:
        loader = find_loader(loaders, name)
        if not any(loader.serves(kind, n, host.name) for n in names):
            raise ValidationError(
                f"loader {name!r} does not serve {artifact.name!r} of a {kind!r} item in {host.name!r}"
            )
        return loader
    serving = [cls for cls in loaders.values() if any(cls.serves(kind, n, host.name) for n in names)]
    if not serving:
        raise NotFoundError(
            f"no loader serves {artifact.name!r} ({', '.join(sorted(names))}) of a {kind!r} item in"
            f" {host.name!r}; loaders: {sorted(loaders)} (add folders to ${LOADER_PATH_ENV})"
        )

    def specificity(cls: type[Loader]) -> tuple[int, int, str]:
        return (-cls.priority, -(bool(cls.kinds) + bool(cls.representations) + bool(cls.hosts)), cls.name)

    return min(serving, key=specificity)()


def fetch(artifact: Artifact, *, client: Client) -> Path:
    """A local path to the artifact's verified files: fetched from the project's store (once
    per content hash), or its location when it is a plain file path that exists."""
    from ..files import records

    if records.stored(artifact) is not None:
        from ..files.fetch import resolve

        return Path(resolve(artifact.kref, fetch=True, client=client))
    location = artifact.location
    path = Path(location[len("file://") :] if location.startswith("file://") else location)
    if "://" in location and not location.startswith("file://"):
        raise NotFoundError(f"{artifact.kref} is at {location}: not a local file, and no files are stored")
    if not path.exists():
        raise NotFoundError(f"{artifact.kref}: the file {path} is missing (and it has no stored files)")
    return path


def fetch_dependencies(revision: Revision, *, client: Client) -> list[Path]:
    """Fetch the files a published scene refers to, transitively: for each ``DEPENDS_ON`` edge
    that records the ``representations`` its scene loaded (the integrator writes them), those
    artifacts' stored files — a linked model's textures, a layout's models and theirs.

    They land in the checkouts folder, by content hash, at the very paths the scene file
    refers to (given the same ``$SPLICE_FILE_CACHE`` on every machine); files already there
    are not fetched again. A file that cannot be fetched is logged and skipped: the content
    loads and shows it missing, as the DCC would.
    """
    from ..errors import SpliceError
    from ..files import records
    from ..files.fetch import resolve

    c = client
    fetched: list[Path] = []
    seen: set[str] = set()
    todo = [revision]
    while todo:
        for edge in todo.pop().get_edges("DEPENDS_ON"):
            target = edge.target_kref
            names = [n for n in edge.metadata.get("representations", "").split(",") if n]
            if not names or target in seen:
                continue
            seen.add(target)
            try:
                for name in names:
                    artifact = c.get_artifact(target.with_artifact(name))
                    if records.stored(artifact) is not None:
                        fetched.append(Path(resolve(artifact.kref, client=c)))
                todo.append(c.get_revision(target))
            except SpliceError as exc:
                log.warning("%s depends on %s, whose files cannot be fetched: %s", revision.kref, target, exc)
    return fetched


def _namespace(host: Host, stem: str, name: str, wanted: str | None) -> str:
    containers = host.ls_containers()
    taken = {c.key for c in containers}
    if wanted is not None:
        key = f"{wanted}:{name}" if wanted else name
        if key in taken:
            raise AlreadyExistsError(f"a container {key!r} is already in the scene; choose another namespace")
        return wanted
    used = {c.namespace for c in containers}
    n = 1
    while f"{stem}_{n:02d}" in used or f"{stem}_{n:02d}:{name}" in taken:
        n += 1
    return f"{stem}_{n:02d}"


def load(
    host: Host,
    kref: str,
    representation: str | None = None,
    *,
    loaders: Loaders | Iterable[LoaderSource] | None = None,
    loader: str | None = None,
    name: str | None = None,
    namespace: str | None = None,
    client: Client | None = None,
) -> Container:
    """Load the revision ``kref`` selects (``?r=N``, ``?t=TAG``, ``&time=…``, or the latest;
    ``&a=NAME`` picks the representation) into ``host``; returns its container. With
    ``$SPLICE_PIN`` set, a tag or latest of an item the manifest names loads the pinned revision.

    ``loaders`` is a mapping from :func:`discover_loaders` or sources to discover from
    (default: ``$SPLICE_LOADER_PATH``); ``loader`` names one. ``name`` defaults to the
    item's name; ``namespace`` to ``<name>_NN``, the first one free in the scene.
    ``client``: the store (default: the installed host's, :func:`splice.pipeline.current.client`).
    """
    c = client or current.client()
    k = to_kref(kref, "kref")
    if not k.is_item:
        raise ValidationError(f"load needs an item or revision kref (…/name.kind[?r=N]), not {k}")
    if k.artifact is not None:
        if representation is not None and representation != k.artifact:
            raise ValidationError(f"{k} names artifact {k.artifact!r}, representation {representation!r}")
        representation = k.artifact
    registry = loaders if isinstance(loaders, Mapping) else loaders_for(*(loaders or ()))
    if os.environ.get(PIN_ENV):  # a pinned launch or farm job: the manifest's revision, not the tag's
        from ..pin.select import pinned

        k = pinned(k)
    revision = c.get_revision(k)  # a=NAME does not change which revision
    artifact = representation_of(revision, representation, revision.get_artifacts())
    kind = revision.item_kref.kind or ""
    chosen = choose_loader(registry, kind, artifact, host, loader)
    item_name = revision.item_kref.item_name or kind
    name = name or item_name
    namespace = _namespace(host, item_name, name, namespace)
    path = fetch(artifact, client=c)  # fetched and verified before the scene changes
    fetch_dependencies(revision, client=c)  # what the published scene file refers to
    container = chosen.load(host, revision, artifact.name, path, name, namespace)
    if not isinstance(container, Container):
        raise ValidationError(f"loader {chosen.name!r} returned {type(container).__name__}, not a Container")
    try:
        return hooks.after_load(host, container, path)
    except hooks.HookError:
        chosen.remove(host, container)  # the asset's build failed: take the half-built content out
        host.remove_container(container.key)
        raise

"""Connecting to a store, and the operations that take krefs directly.

``splice.connect(url)`` picks an engine by the URL's scheme:

- nothing: ``$SPLICE_URL`` if set, else the embedded store in the per-user
  data folder (``splice.db``);
- a path or ``sqlite:///path``: the embedded SQLite engine;
- any other scheme: the engine registered for it in the entry point group
  ``splice.engines`` (see ``docs/engines.md``).

``replica=True`` (or a file's path; ``$SPLICE_REPLICA=1``) keeps a local replica of a
server's projects: reads are local, writes go to the server (``splice.engines.replica``).
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import validate
from .backend import Backend
from .errors import EngineError, NotFoundError, SpliceError, ValidationError
from .events import check_app_routing_key
from .kref import Kref, check_artifact_name, check_kind, check_name, check_tag, to_kref
from .nodes import (
    Artifact,
    Bundle,
    Item,
    Project,
    Revision,
    Space,
    item_from_record,
)
from .records import ArtifactSpec, EdgeSpec, Event, EventCapabilities, ItemQuery, RevisionSpec

ENGINE_GROUP = "splice.engines"
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def default_url() -> str:
    """``$SPLICE_URL``, else the embedded store in the per-user data folder."""
    url = os.environ.get("SPLICE_URL")
    if url:
        return url
    from platformdirs import user_data_dir

    return "sqlite:///" + os.path.join(user_data_dir("splice", appauthor=False), "splice.db")


def default_user() -> str:
    """Who writes: ``$SPLICE_USER``, else the login name."""
    user = os.environ.get("SPLICE_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def discover_engines() -> dict[str, type]:
    """Every engine of the entry point group by URL scheme, and ``failures``: the entry points
    that do not load (each with a warning), the others still found."""
    from importlib.metadata import entry_points

    from .pipeline.registry import Discovered

    found: Discovered[str, type] = Discovered()
    for ep in entry_points(group=ENGINE_GROUP):
        try:
            found.setdefault(ep.name, ep.load())
        except Exception as exc:  # a broken engine: the others still load
            found.fail("engine", f"{ep.name} ({ep.value})", exc)
    return found


def engine_class(url: str) -> type:
    """The engine class serving ``url``'s scheme."""
    match = _URL_SCHEME.match(url)
    scheme = match.group(1).lower() if match else "sqlite"
    if scheme == "sqlite":
        from .engines.sqlite import SQLiteBackend

        return SQLiteBackend
    from importlib.metadata import entry_points

    found = {ep.name: ep for ep in entry_points(group=ENGINE_GROUP)}
    for name in (scheme, scheme.split("+", 1)[0]):
        if name in found:
            return found[name].load()
    raise EngineError(
        f"no engine serves {scheme}:// URLs; installed engines: {', '.join(sorted(found)) or 'none'} "
        f"(engines register in the entry point group {ENGINE_GROUP!r})"
    )


def _replica_option(value: object, url: str) -> bool | str | None:
    """``replica=`` of :meth:`Client.open`, else ``$SPLICE_REPLICA`` (``1``, or a file's
    path): ``True``, a path, or ``None`` (no replica). Only a server can be copied."""
    server = url.startswith(("http://", "https://"))
    if value is None:
        env = os.environ.get("SPLICE_REPLICA", "").strip()
        if not env or env.lower() in ("0", "false", "no", "off") or not server:
            return None
        value = True if env.lower() in ("1", "true", "yes", "on") else env
    if value is False:
        return None
    if value is not True and not isinstance(value, (str, os.PathLike)):
        raise ValidationError(f"replica must be True, False or the path of a replica file, not {value!r}")
    if not server:
        raise ValidationError(f"a replica copies a splice server (http:// or https://), not {url!r}")
    return True if value is True else os.fspath(value)


class ClientClosedError(SpliceError):
    """An operation on a client after :meth:`Client.close`: connect again (``splice.connect``)."""

    code = "client_closed"


class Client:
    """A connection to one store: the SDK's entry point. Module-level functions of
    :mod:`splice` call the client made by :func:`connect` (or a default one); :meth:`open`
    makes one that is not the default. After :meth:`close`, :attr:`closed` is true and every
    operation raises :class:`ClientClosedError`."""

    def __init__(self, backend: Backend) -> None:
        self._backend: Backend | None = backend
        self._name = f"{backend.url} as {backend.actor}"

    @classmethod
    def open(cls, url: str | None = None, *, user: str | None = None, **options: Any) -> Client:
        """A client of the store at ``url`` (see :func:`connect`) that is not the default."""
        if url is not None and not isinstance(url, str):
            raise ValidationError(f"url must be a string, not {type(url).__name__}")
        target = url or default_url()
        actor = user if user is not None else default_user()
        replica = _replica_option(options.pop("replica", None), target)
        if replica is not None:
            from .engines.replica import ReplicaBackend

            path = None if replica is True else replica
            return cls(ReplicaBackend(target, actor, path=path, **options))
        return cls(engine_class(target)(target, actor, **options))

    def __repr__(self) -> str:
        return f"<splice.Client {self._name}{' (closed)' if self.closed else ''}>"

    @property
    def backend(self) -> Backend:
        """The engine this client talks to; ClientClosedError once closed."""
        if self._backend is None:
            raise ClientClosedError(f"this splice client ({self._name}) is closed: connect again")
        return self._backend

    @property
    def closed(self) -> bool:
        return self._backend is None

    def close(self) -> None:
        """Close the connection (again: nothing); later operations raise ClientClosedError."""
        backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- projects ---------------------------------------------------------
    def create_project(
        self, name: str, description: str = "", metadata: Mapping[str, str] | None = None
    ) -> Project:
        record = self.backend.create_project(
            check_name(name, "project name"),
            validate.text(description, "description"),
            validate.metadata(metadata),
        )
        return Project(record, self)

    def get_projects(self) -> list[Project]:
        return [Project(r, self) for r in self.backend.list_projects()]

    def get_project(self, name: str) -> Project:
        """A project by name or kref."""
        if isinstance(name, str) and name.startswith("kref://"):
            kref = Kref(name)
            if not kref.is_project:
                raise ValidationError(f"{kref} is not a project kref (kref://project)")
            name = kref.project
        return Project(self.backend.get_project(check_name(name, "project name")), self)

    # -- by kref ------------------------------------------------------------
    def get_space(self, kref: Kref | str) -> Space:
        return Space(self.backend.get_space(to_kref(kref)), self)

    def get_item(self, kref: Kref | str) -> Item:
        return item_from_record(self.backend.get_item(to_kref(kref).base), self)

    def get_bundle(self, kref: Kref | str) -> Bundle:
        item = self.get_item(kref)
        if not isinstance(item, Bundle):
            raise ValidationError(f"{item.kref} is a {item.kind}, not a bundle")
        return item

    def get_revision(self, kref: Kref | str) -> Revision:
        """The revision a kref selects: ``?r=N``, ``?t=TAG``, ``?t=TAG&time=T``, or the latest."""
        return Revision(self.backend.get_revision(_item_kref(kref)), self)

    def get_artifact(self, kref: Kref | str) -> Artifact:
        """An artifact by kref (``…?r=N&a=NAME``; without ``a=``, the default one)."""
        return Artifact(self.backend.get_artifact(_item_kref(kref)), self)

    def resolve(self, kref: Kref | str) -> str:
        """The location of the artifact a kref selects (the default one without ``a=``)."""
        k = _item_kref(kref)
        location = self.backend.resolve_many([k])[0]
        if location is None:
            # say precisely what is missing
            self.backend.get_artifact(k)
            raise NotFoundError(f"{k} selects no artifact")
        return location

    def resolve_many(self, krefs: Iterable[Kref | str]) -> list[str | None]:
        """Locations of many krefs in one round trip, in order; ``None`` where a kref
        selects nothing. Bad krefs raise before anything is read."""
        return self.backend.resolve_many([_item_kref(k) for k in _many(krefs, "krefs")])

    def batch_get_revisions(self, krefs: Iterable[Kref | str]) -> list[Revision | None]:
        """Many revisions in one round trip, in order; ``None`` where nothing matches."""
        records = self.backend.batch_get_revisions([_item_kref(k) for k in _many(krefs, "krefs")])
        return [Revision(r, self) if r is not None else None for r in records]

    def batch_create_revisions(
        self, revisions: Sequence[Mapping[str, Any] | RevisionSpec], idempotency_key: str | None = None
    ) -> list[Revision]:
        """Create many revisions, each with its artifacts, edges and tags, in ONE transaction.

        Each entry is a :class:`RevisionSpec` or a dict with ``item`` (kref) and optional
        ``metadata``, ``artifacts`` (``[{name, location, metadata}]``), ``edges``
        (``[{target, edge_type, metadata}]``), ``tags``, ``default_artifact`` and
        ``create_item`` (make the item in the same transaction when it is missing). Re-sent
        with the same ``idempotency_key``, it returns the first result and writes nothing.
        """
        if isinstance(revisions, (str, bytes, Mapping)) or not isinstance(revisions, Sequence):
            raise ValidationError("revisions must be a list of revision specs (dicts or RevisionSpec)")
        specs = [_revision_spec(r, i) for i, r in enumerate(revisions)]
        if idempotency_key is not None:
            validate.text(idempotency_key, "idempotency_key", max_len=256)
        return [Revision(r, self) for r in self.backend.batch_create_revisions(specs, idempotency_key)]

    def search(
        self,
        name: str | None = None,
        kind: str | None = None,
        metadata: Mapping[str, str] | None = None,
        *,
        under: Kref | str | None = None,
        recursive: bool = True,
        include_deprecated: bool = True,
        limit: int | None = None,
    ) -> list[Item]:
        """Items by name (``*``/``?`` globs), kind and metadata values, anywhere or below a
        project or space."""
        if name is not None:
            validate.text(name, "name filter", max_len=256)
        query = ItemQuery(
            under=to_kref(under) if under is not None else None,
            recursive=validate.flag(recursive, "recursive"),
            name=name,
            kind=check_kind(kind) if kind is not None else None,
            metadata=validate.metadata(metadata, "metadata filter"),
            include_deprecated=validate.flag(include_deprecated, "include_deprecated"),
            limit=validate.positive_int(limit, "limit", allow_none=True),
        )
        return [item_from_record(r, self) for r in self.backend.find_items(query)]

    # -- attributes by kref --------------------------------------------------
    def set_attribute(self, kref: Kref | str, key: str, value: str) -> None:
        self.backend.set_attribute(
            to_kref(kref), validate.attribute_key(key), validate.attribute_value(value)
        )

    def get_attribute(self, kref: Kref | str, key: str) -> str | None:
        return self.backend.get_attribute(to_kref(kref), validate.attribute_key(key))

    def delete_attribute(self, kref: Kref | str, key: str) -> bool:
        return self.backend.delete_attribute(to_kref(kref), validate.attribute_key(key))

    # -- events ---------------------------------------------------------------
    def event_stream(
        self,
        routing_key_filter: str | None = None,
        kref_filter: str | None = None,
        cursor: str | None = None,
        from_beginning: bool = False,
        consumer_group: str | None = None,
        timeout: float | None = None,
    ) -> Iterator[Event]:
        """Events in commit order, as they happen.

        - ``routing_key_filter``: ``revision.*``, ``#.deleted`` (``*`` one word, ``#`` any).
        - ``kref_filter``: ``kref://show/**/*.model`` (``*`` in a segment, ``**`` across).
        - ``cursor``: resume just after the event that carried it; ``from_beginning``:
          replay the whole log. Neither: only events from now on.
        - ``consumer_group``: members share one committed position, so each event goes
          to one member; a group resumes where it stopped.
        - ``timeout``: stop after that many seconds without a new event (``None``: never).
        """
        timeout = validate.seconds(timeout, "timeout")
        if consumer_group is not None:
            check_name(consumer_group, "consumer group")
        return self.backend.event_stream(
            routing_key_filter,
            kref_filter,
            cursor,
            validate.flag(from_beginning, "from_beginning"),
            consumer_group,
            timeout,
        )

    def emit_event(
        self, kref: Kref | str, routing_key: str, metadata: Mapping[str, str] | None = None
    ) -> Event:
        """Record an application event about a node (e.g. ``package.published`` on a
        revision); streamed like the store's own. Core namespaces are refused."""
        return self.backend.emit_event(
            to_kref(kref), check_app_routing_key(routing_key), validate.metadata(metadata)
        )

    def get_event_capabilities(self) -> EventCapabilities:
        return self.backend.event_capabilities()


def _many(values: object, what: str) -> Iterable:
    """A list-like argument; a lone string is refused rather than read letter by letter."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ValidationError(f"{what} must be a list of krefs, not {type(values).__name__}")
    return values


def _item_kref(value: object) -> Kref:
    kref = to_kref(value)
    if not kref.is_item:
        raise ValidationError(f"{kref} names no item: a revision kref is kref://project/…/name.kind[?r=N]")
    return kref


def _spec_fields(value: Any, spec_type: type, needed: tuple[str, str], where: str) -> Mapping[str, Any]:
    """An artifact or edge entry (a spec or a dict) as a dict that has the ``needed`` keys."""
    if isinstance(value, spec_type):
        value = {key: getattr(value, key) for key in (*needed, "metadata")}
    if not isinstance(value, Mapping) or not set(needed) <= set(value):
        raise ValidationError(f"{where} entries need {needed[0]!r} and {needed[1]!r}")
    return value


def _revision_spec(value: Mapping[str, Any] | RevisionSpec, index: int) -> RevisionSpec:
    where = f"revisions[{index}]"
    if isinstance(value, RevisionSpec):
        value = {
            "item": value.item,
            "metadata": value.metadata,
            "artifacts": value.artifacts,
            "edges": value.edges,
            "tags": value.tags,
            "default_artifact": value.default_artifact,
            "create_item": value.create_item,
        }
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where} must be a dict or RevisionSpec, not {type(value).__name__}")
    allowed = {"item", "metadata", "artifacts", "edges", "tags", "default_artifact", "create_item"}
    unknown = set(value) - allowed
    if unknown:
        raise ValidationError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    if "item" not in value:
        raise ValidationError(f"{where} needs 'item', the kref of the item")
    item = _item_kref(value["item"]).base

    def entries(key: str) -> list:
        got = value.get(key) or []
        if isinstance(got, (str, bytes, Mapping)) or not isinstance(got, Iterable):
            raise ValidationError(f"{where}.{key} must be a list")
        return list(got)

    artifacts = []
    for a in entries("artifacts"):
        a = _spec_fields(a, ArtifactSpec, ("name", "location"), f"{where}.artifacts")
        name, location = check_artifact_name(a["name"]), validate.location(a["location"])
        artifacts.append(ArtifactSpec(name, location, validate.metadata(a.get("metadata"))))
    names = [a.name for a in artifacts]
    if len(set(names)) != len(names):
        raise ValidationError(f"{where}.artifacts names the same artifact twice")
    edges = []
    for e in entries("edges"):
        e = _spec_fields(e, EdgeSpec, ("target", "edge_type"), f"{where}.edges")
        target, edge_type = _item_kref(e["target"]), validate.edge_type(e["edge_type"])
        edges.append(EdgeSpec(target, edge_type, validate.metadata(e.get("metadata"))))
    tags = tuple(check_tag(t) for t in entries("tags"))
    default = value.get("default_artifact")
    if default is not None and check_artifact_name(default) not in names:
        raise ValidationError(f"{where}.default_artifact {default!r} is not one of its artifacts {names}")
    create_item = validate.flag(value.get("create_item", False), f"{where}.create_item")
    metadata = validate.metadata(value.get("metadata"))
    return RevisionSpec(item, metadata, tuple(artifacts), tuple(edges), tags, default, create_item)


def connect(url: str | None = None, *, user: str | None = None, **options: Any) -> Client:
    """Connect to a store and make it the default of the module-level functions, closing
    the default it replaces (:meth:`Client.open` makes a client that is not the default).

    ``url``: a path, ``sqlite:///path``, or a URL of an installed engine; ``None`` uses
    ``$SPLICE_URL`` or the per-user embedded store. ``user``: who writes (default
    ``$SPLICE_USER`` or the login name). Other keyword options go to the engine.
    """
    global _default
    client = Client.open(url, user=user, **options)
    previous, _default = _default, client
    if previous is not None and previous is not client:
        previous.close()
    return client


def disconnect() -> None:
    """Close the default client and forget it: the next module-level call connects again."""
    global _default
    previous, _default = _default, None
    if previous is not None:
        previous.close()


_default: Client | None = None


def default_client() -> Client:
    """The client of the last :func:`connect` (the SDK facade's only default), connecting
    with defaults the first time (and after :func:`disconnect`)."""
    return _default if _default is not None else connect()

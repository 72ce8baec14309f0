"""The JSON wire format shared by the splice server and the remote engine.

Standard library only: the remote engine imports it on an artist's machine
and the server's routes are generated from it.

- :data:`METHODS` lists every :class:`~splice.backend.Backend` method that
  travels as ``POST /api/v1/<method>``: its parameters with their *kind* (the
  JSON shape and the check the server applies) and the kind of its result.
  The server builds one request model per entry; the remote engine encodes
  arguments with :func:`encode` and decodes answers with :func:`decode_result`.
- Records travel as :func:`splice.records.to_dict` gives them and come back
  with :func:`from_dict`; a response body is ``{"result": …}``.
- Errors travel as ``{"error": {"code": <SpliceError.code>, "message": …}}``
  and come back as the same class (:func:`error_from_body`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar, Union

from . import validate
from .errors import ERRORS_BY_CODE, SpliceError, ValidationError
from .events import check_app_routing_key
from .kref import Kref, check_artifact_name, check_item_name, check_kind, check_name, check_tag
from .records import (
    ArtifactRecord,
    ArtifactSpec,
    BundleChange,
    BundleMember,
    EdgeRecord,
    Event,
    EventCapabilities,
    ItemQuery,
    ItemRecord,
    PathHop,
    ProjectRecord,
    RevisionRecord,
    RevisionSpec,
    SpaceRecord,
    TagEvent,
    TraversalNode,
    to_dict,
)
from .times import from_stamp, parse_time, to_stamp

API_PREFIX = "/api/v1"
R = TypeVar("R")


# -- the methods ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Method:
    """One Backend method on the wire: ``params`` are ``(name, kind)`` pairs in call order."""

    name: str
    params: tuple[tuple[str, str], ...]
    result: str
    read: bool  # no write: safe to retry, and allowed to viewers

    @property
    def path(self) -> str:
        return f"{API_PREFIX}/{self.name}"


def _m(name: str, params: str, result: str, read: bool = False) -> Method:
    pairs = tuple(tuple(p.split(":")) for p in params.split()) if params else ()
    return Method(name, pairs, result, read)  # type: ignore[arg-type]


# Parameter kinds: see PARAM_SHAPES and _DECODERS below. A trailing '?' allows null.
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        _m("create_project", "name:name description:text metadata:metadata", "project"),
        _m("get_project", "name:name", "project", read=True),
        _m("list_projects", "", "projects", read=True),
        _m("create_space", "parent:kref name:name metadata:metadata", "space"),
        _m("get_space", "kref:kref", "space", read=True),
        _m("list_spaces", "parent:kref recursive:bool", "spaces", read=True),
        _m("create_item", "parent:kref name:item_name kind:kind metadata:metadata", "item"),
        _m("get_item", "kref:kref", "item", read=True),
        _m("find_items", "query:item_query", "items", read=True),
        _m("create_revision", "item:kref metadata:metadata", "revision"),
        _m("batch_create_revisions", "specs:revision_specs idempotency_key:key?", "revisions"),
        _m("get_revision", "kref:kref", "revision", read=True),
        _m("batch_get_revisions", "krefs:krefs", "revisions?", read=True),
        _m("list_revisions", "item:kref", "revisions", read=True),
        _m("get_revision_by_time", "item:kref at:datetime tag:tag?", "revision?", read=True),
        _m("peek_next_revision", "item:kref", "int", read=True),
        _m("tag_revision", "revision:kref tag:tag", "revision"),
        _m("untag_revision", "revision:kref tag:tag", "revision"),
        _m("tag_history", "item:kref tag:tag?", "tag_events", read=True),
        _m("was_tagged", "revision:kref tag:tag at:datetime?", "bool", read=True),
        _m("set_deprecated", "kref:kref deprecated:bool", "none"),
        _m("set_default_artifact", "revision:kref name:artifact_name", "revision"),
        _m("create_artifact", "revision:kref spec:artifact_spec", "artifact"),
        _m("get_artifact", "kref:kref", "artifact", read=True),
        _m("list_artifacts", "revision:kref", "artifacts", read=True),
        _m("resolve_many", "krefs:krefs", "strs?", read=True),
        _m("create_edge", "source:kref target:kref edge_type:edge_type metadata:metadata", "edge"),
        _m("list_edges", "revision:kref edge_type:edge_type? direction:direction", "edges", read=True),
        _m("delete_edge", "source:kref target:kref edge_type:edge_type", "none"),
        _m(
            "traverse",
            "revision:kref direction:direction edge_types:edge_types? max_depth:depth limit:limit?",
            "traversal",
            read=True,
        ),
        _m("find_path", "source:kref target:kref edge_types:edge_types? max_depth:depth", "path?", read=True),
        _m("add_bundle_member", "bundle:kref member:kref metadata:metadata", "bundle_change"),
        _m("remove_bundle_member", "bundle:kref member:kref metadata:metadata", "bundle_change"),
        _m("list_bundle_members", "bundle:kref revision_number:limit?", "bundle_members", read=True),
        _m("bundle_history", "bundle:kref", "bundle_changes", read=True),
        _m("set_metadata", "kref:kref metadata:metadata", "metadata"),
        _m("set_attribute", "kref:kref key:attr_key value:attr_value", "none"),
        _m("get_attribute", "kref:kref key:attr_key", "str?", read=True),
        _m("delete_attribute", "kref:kref key:attr_key", "bool"),
        _m("delete", "kref:kref force:bool", "none"),
        _m("emit_event", "kref:kref routing_key:routing_key metadata:metadata", "event"),
        _m("event_capabilities", "", "capabilities", read=True),
    )
}
# Backend methods that are not a POST route: the stream is GET /api/v1/events (SSE),
# and close() is local to each side.
NOT_RPC = frozenset({"event_stream", "close"})

# The JSON shape of each parameter kind (the server turns these into request models).
PARAM_SHAPES: dict[str, str] = {
    "kref": "str",
    "krefs": "list[str]",
    "name": "str",
    "item_name": "str",
    "kind": "str",
    "text": "str",
    "metadata": "dict[str,str]",
    "bool": "bool",
    "tag": "str",
    "edge_type": "str",
    "edge_types": "list[str]",
    "direction": "int",
    "depth": "int",
    "limit": "int",
    "datetime": "str",
    "artifact_name": "str",
    "attr_key": "str",
    "attr_value": "str",
    "key": "str",
    "artifact_spec": "artifact_spec",
    "revision_specs": "list[revision_spec]",
    "item_query": "item_query",
    "routing_key": "str",
}


# -- encoding (either side) ------------------------------------------------------------
def encode(value: Any) -> Any:
    """Any argument or result as JSON-ready values: records and specs as dicts, krefs as
    strings, times as UTC ISO 8601 stamps, tuples as lists."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)  # a Kref becomes its plain string
    if isinstance(value, datetime):
        return to_stamp(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    raise ValidationError(f"{type(value).__name__} cannot be sent to a splice server")


def encode_args(method: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The request body of ``method`` called with ``args`` (parameter name → value)."""
    return {name: encode(args[name]) for name, _ in METHODS[method].params}


# -- records from dicts -------------------------------------------------------------------
@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    if tp is Kref:
        return Kref(value)
    if tp is datetime:
        return from_stamp(value)
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        (item, *_rest) = typing.get_args(tp)
        return tuple(_convert(item, v) for v in value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_convert(item, v) for v in value]
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
    """A record (or spec) from the dict :func:`splice.records.to_dict` made of it."""
    if not isinstance(data, Mapping):
        raise ValidationError(f"{cls.__name__} must be a JSON object, not {type(data).__name__}")
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)


def _records(cls: type) -> Callable[[Any], Any]:
    return lambda data: [from_dict(cls, d) for d in data]


def _optional(decoder: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda data: None if data is None else decoder(data)


_RESULTS: dict[str, Callable[[Any], Any]] = {
    "project": lambda d: from_dict(ProjectRecord, d),
    "projects": _records(ProjectRecord),
    "space": lambda d: from_dict(SpaceRecord, d),
    "spaces": _records(SpaceRecord),
    "item": lambda d: from_dict(ItemRecord, d),
    "items": _records(ItemRecord),
    "revision": lambda d: from_dict(RevisionRecord, d),
    "revision?": _optional(lambda d: from_dict(RevisionRecord, d)),
    "revisions": _records(RevisionRecord),
    "revisions?": lambda data: [None if d is None else from_dict(RevisionRecord, d) for d in data],
    "artifact": lambda d: from_dict(ArtifactRecord, d),
    "artifacts": _records(ArtifactRecord),
    "edge": lambda d: from_dict(EdgeRecord, d),
    "edges": _records(EdgeRecord),
    "tag_events": _records(TagEvent),
    "bundle_change": lambda d: from_dict(BundleChange, d),
    "bundle_changes": _records(BundleChange),
    "bundle_members": _records(BundleMember),
    "traversal": lambda d: ([from_dict(TraversalNode, n) for n in d["nodes"]], bool(d["truncated"])),
    "path?": _optional(_records(PathHop)),
    "capabilities": lambda d: from_dict(EventCapabilities, d),
    "event": lambda d: from_dict(Event, d),
    "metadata": dict,
    "str?": lambda d: d,
    "strs?": list,
    "bool": bool,
    "int": int,
    "none": lambda d: None,
}


def encode_result(method: str, value: Any) -> Any:
    """A method's return value as JSON (the ``result`` of the response body)."""
    if METHODS[method].result == "traversal":
        nodes, truncated = value
        return {"nodes": encode(nodes), "truncated": truncated}
    return encode(value)


def decode_result(method: str, data: Any) -> Any:
    """The ``result`` of a response body back as the method's return value."""
    return _RESULTS[METHODS[method].result](data)


def event_from_dict(data: Mapping[str, Any]) -> Event:
    return from_dict(Event, data)


# -- decoding arguments (the server; checks as the SDK does before the engine) -------------
def _positive(what: str) -> Callable[[Any], int]:
    return lambda v: validate.positive_int(v, what)  # type: ignore[return-value]


def _direction(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1, 2):
        raise ValidationError(f"direction must be OUTGOING (0), INCOMING (1) or BOTH (2), not {value!r}")
    return value


def _krefs(value: Any) -> list[Kref]:
    if not isinstance(value, list):
        raise ValidationError(f"krefs must be a list of krefs, not {type(value).__name__}")
    return [Kref(v) if isinstance(v, str) else _bad_kref(v) for v in value]


def _bad_kref(value: Any) -> Kref:
    raise ValidationError(f"kref must be a string, not {type(value).__name__}")


def _artifact_spec(value: Any) -> ArtifactSpec:
    if not isinstance(value, Mapping):
        raise ValidationError("spec must be an object with name, location and metadata")
    return ArtifactSpec(
        check_artifact_name(value.get("name")),
        validate.location(value.get("location")),
        validate.metadata(value.get("metadata")),
    )


def _revision_specs(value: Any) -> list[RevisionSpec]:
    from .client import _revision_spec  # the SDK's own checks, so both sides agree

    if not isinstance(value, list):
        raise ValidationError("specs must be a list of revision specs")
    return [_revision_spec(v, i) for i, v in enumerate(value)]


def _item_query(value: Any) -> ItemQuery:
    if not isinstance(value, Mapping):
        raise ValidationError("query must be an object")
    name, kind, under, limit = (value.get(k) for k in ("name", "kind", "under", "limit"))
    if name is not None:
        validate.text(name, "name filter", max_len=256)
    return ItemQuery(
        under=Kref(under) if under is not None else None,
        recursive=validate.flag(value.get("recursive", True), "recursive"),
        name=name,
        kind=check_kind(kind) if kind is not None else None,
        metadata=validate.metadata(value.get("metadata"), "metadata filter"),
        include_deprecated=validate.flag(value.get("include_deprecated", True), "include_deprecated"),
        limit=validate.positive_int(limit, "limit", allow_none=True),
    )


def _kref(value: Any) -> Kref:
    return Kref(value) if isinstance(value, str) else _bad_kref(value)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "kref": _kref,
    "krefs": _krefs,
    "name": lambda v: check_name(v, "name"),
    "item_name": check_item_name,
    "kind": check_kind,
    "text": lambda v: validate.text(v, "description"),
    "metadata": validate.metadata,
    "bool": lambda v: validate.flag(v, "flag"),
    "tag": check_tag,
    "edge_type": validate.edge_type,
    "edge_types": lambda v: [validate.edge_type(t) for t in v],
    "direction": _direction,
    "depth": _positive("max_depth"),
    "limit": _positive("limit"),
    "datetime": parse_time,
    "artifact_name": check_artifact_name,
    "attr_key": validate.attribute_key,
    "attr_value": validate.attribute_value,
    "key": lambda v: validate.text(v, "idempotency_key", max_len=256),
    "artifact_spec": _artifact_spec,
    "revision_specs": _revision_specs,
    "item_query": _item_query,
    "routing_key": check_app_routing_key,
}


def decode_args(method: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments of ``method`` from a request body, checked as the SDK checks them before
    an engine sees them (so a raw HTTP caller cannot put what the SDK refuses)."""
    out: dict[str, Any] = {}
    for name, kind in METHODS[method].params:
        optional = kind.endswith("?")
        value = body.get(name)
        if value is None:
            if not optional:
                raise ValidationError(f"{name} is required")
            out[name] = None
            continue
        try:
            out[name] = _DECODERS[kind.rstrip("?")](value)
        except SpliceError as exc:
            if name in str(exc) or name.replace("_", " ") in str(exc):
                raise
            raise type(exc)(f"{name}: {exc}") from None
    return out


# -- errors ----------------------------------------------------------------------------
def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_from_body(body: Any, status: int) -> SpliceError:
    """The typed error a server answered (by its ``code``); a plain SpliceError otherwise."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        cls = ERRORS_BY_CODE.get(str(error.get("code")), SpliceError)
        return cls(error["message"])
    return SpliceError(f"the splice server answered HTTP {status}")

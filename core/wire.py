"""The JSON wire format shared by the splice server and the remote engine.

Standard library only: the remote engine imports it on an artist's machine
and the server's routes are generated from it.

- :func:`methods` derives the wire table from a protocol's signatures and marks
  (:class:`~splice.backend.Backend` by default; :data:`METHODS` is its table):
  every ``@read`` / ``@write`` method travels as ``POST /api/v1/<method>``, each
  parameter with the *kind* its annotation names (the JSON shape and the check the
  server applies), its result as its return annotation says. The server builds
  one route and request model per entry; the remote engine one method per entry.
- Records travel as :func:`splice.records.to_dict` gives them and come back
  with :func:`from_dict`; a response body is ``{"result": …}``.
- Errors travel as ``{"error": {"code": <SpliceError.code>, "message": …}}``
  and come back as the same class (:func:`error_from_body`).
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any, TypeVar, Union

from . import validate
from .backend import CALL_ATTR, Backend, Call, EdgeTypes
from .errors import SpliceError, ValidationError, error_class
from .events import check_app_routing_key
from .kref import Kref, check_artifact_name, check_item_name, check_kind, check_name, check_tag
from .records import ArtifactSpec, Event, ItemQuery, Metadata, RevisionSpec, to_dict
from .times import from_stamp, parse_time, to_stamp

API_PREFIX = "/api/v1"
R = TypeVar("R")


# -- the methods ----------------------------------------------------------------------
@dataclass(frozen=True)
class Method:
    """One protocol method on the wire: ``params`` are ``(name, kind)`` pairs in call order
    (a kind ending in ``?`` allows null); ``result`` is the return annotation."""

    name: str
    params: tuple[tuple[str, str], ...]
    result: Any
    call: Call
    doc: str = ""

    @property
    def path(self) -> str:
        return f"{API_PREFIX}/{self.name}"

    @property
    def read(self) -> bool:
        """No write: safe to retry, and allowed to viewers."""
        return self.call.kind == "read"

    def retry(self, args: Mapping[str, Any]) -> bool:
        """Whether repeating this call cannot write twice."""
        key = self.call.retry_key
        return self.read or (key is not None and args.get(key) is not None)


# The wire kind of each parameter type without an Annotated kind (see _DECODERS).
_KINDS: dict[Any, str] = {
    Kref: "kref",
    Sequence[Kref]: "krefs",
    Metadata: "metadata",
    bool: "bool",
    datetime: "datetime",
    ArtifactSpec: "artifact_spec",
    Sequence[RevisionSpec]: "revision_specs",
    ItemQuery: "item_query",
    EdgeTypes: "edge_types",
}


def _optional(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return tp, False


def _kind(tp: Any, where: str) -> str:
    tp, optional = _optional(tp)
    if typing.get_origin(tp) is Annotated and isinstance(tp.__metadata__[0], str):
        kind = tp.__metadata__[0]
    elif tp in _KINDS:
        kind = _KINDS[tp]
    else:
        raise TypeError(f"{where}: {tp!r} has no wire kind; use an alias of splice.backend (Name, Tag…)")
    return kind + ("?" if optional else "")


def _protocols(protocol: type) -> list[type]:
    """The protocol classes of ``protocol``'s MRO, bases first."""
    return [
        k for k in reversed(protocol.__mro__) if k.__dict__.get("_is_protocol") and k is not typing.Protocol
    ]


def calls(protocol: type) -> dict[str, tuple[Callable[..., Any], Call]]:
    """Every public method the protocols of ``protocol`` declare, with its mark, in order."""
    out: dict[str, tuple[Callable[..., Any], Call]] = {}
    for klass in _protocols(protocol):
        for name, fn in vars(klass).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            call = getattr(fn, CALL_ATTR, None)
            if call is None:
                raise TypeError(
                    f"{klass.__qualname__}.{name} says not how it travels: mark it @read, "
                    "@write(role), @stream or @local (splice.backend)"
                )
            out[name] = (fn, call)
    return out


@cache
def methods(protocol: type = Backend) -> dict[str, Method]:
    """The wire table of ``protocol`` (a Backend protocol, an extension of it, or a class
    deriving from them): its ``@read`` and ``@write`` methods by name."""
    table: dict[str, Method] = {}
    for name, (fn, call) in calls(protocol).items():
        if call.kind not in ("read", "write"):
            continue
        hints = typing.get_type_hints(fn, include_extras=True)
        names = list(inspect.signature(fn).parameters)[1:]
        params = tuple((p, _kind(hints[p], f"{fn.__qualname__}({p})")) for p in names)
        doc = inspect.getdoc(fn) or ""
        table[name] = Method(name, params, hints.get("return", type(None)), call, doc)
    return table


METHODS: dict[str, Method] = methods(Backend)

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


_SEQUENCES = frozenset({"krefs", "revision_specs", "edge_types"})  # any sequence goes as a list


def encode_args(method: Method, args: Mapping[str, Any]) -> dict[str, Any]:
    """The request body of ``method`` called with ``args`` (parameter name → value)."""
    body = {}
    for name, kind in method.params:
        value = args[name]
        if value is not None and kind.rstrip("?") in _SEQUENCES and not isinstance(value, (list, tuple)):
            value = list(value)
        body[name] = encode(value)
    return body


# -- records from dicts -------------------------------------------------------------------
@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    if value is None or tp is type(None):
        return None
    if tp is Kref:
        return Kref(value)
    if tp is datetime:
        return from_stamp(value)
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return _convert(tp.__origin__, value)
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


def _fields(tp: Any) -> tuple[str, ...] | None:
    """The names a tuple result travels under, as an object (``Traversal``); else None."""
    if typing.get_origin(tp) is Annotated and isinstance(tp.__metadata__[0], tuple):
        return tp.__metadata__[0]
    return None


def encode_result(method: Method, value: Any) -> Any:
    """A method's return value as JSON (the ``result`` of the response body)."""
    fields = _fields(method.result)
    if fields is not None:
        return {name: encode(v) for name, v in zip(fields, value, strict=True)}
    return encode(value)


def decode_result(method: Method, data: Any) -> Any:
    """The ``result`` of a response body back as the method's return value."""
    fields = _fields(method.result)
    if fields is not None:
        types_ = typing.get_args(method.result.__origin__)
        return tuple(_convert(tp, data[name]) for tp, name in zip(types_, fields, strict=True))
    return _convert(method.result, data)


def event_from_dict(data: Mapping[str, Any]) -> Event:
    return from_dict(Event, data)


# -- decoding arguments (the server; checks as the SDK does before the engine) -------------
def _direction(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1, 2):
        raise ValidationError(f"direction must be OUTGOING (0), INCOMING (1) or BOTH (2), not {value!r}")
    return value


def _krefs(value: Any) -> list[Kref]:
    if not isinstance(value, list):
        raise ValidationError(f"krefs must be a list of krefs, not {type(value).__name__}")
    return [Kref(v) if isinstance(v, str) else _bad_kref(v) for v in value]


def _edge_types(value: Any) -> list[str]:
    if not isinstance(value, list):  # a string would be read letter by letter
        raise ValidationError(f"edge_types must be a list of edge types, not {type(value).__name__}")
    return [validate.edge_type(t) for t in value]


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
    "edge_types": _edge_types,
    "direction": _direction,
    "depth": lambda v: validate.positive_int(v, "depth"),
    "limit": lambda v: validate.positive_int(v, "limit"),
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


_COUNTS = frozenset({"depth", "limit"})  # whole numbers from 1 to validate.MAX_INT


def decode_args(method: Method, body: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments of ``method`` from a request body, checked as the SDK checks them before
    an engine sees them (so a raw HTTP caller cannot put what the SDK refuses)."""
    out: dict[str, Any] = {}
    for name, kind in method.params:
        optional = kind.endswith("?")
        value = body.get(name)
        if value is None:
            if not optional:
                raise ValidationError(f"{name} is required")
            out[name] = None
            continue
        try:
            if kind.rstrip("?") in _COUNTS:  # named as the caller wrote it, with its range
                out[name] = validate.positive_int(value, name)
            else:
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
        return error_class(str(error.get("code")))(error["message"])
    return SpliceError(f"the splice server answered HTTP {status}")

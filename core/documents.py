"""The documents users write, each described once as a pydantic model.

- the launcher's TOML layers: :class:`splice.launcher.schema.LauncherConfig`;
- the user's ``repos.json`` and ``$SPLICE_REPOS``: :class:`splice.packages.schema.Repos`;
- an item's ``files.stages``: :class:`splice.files.schema.Stages`;
- the server's configuration: :class:`splice.server.config.ServerConfig`;
- a pin manifest (``splice pin``): :class:`splice.pin.schema.PinManifest`.

The models are the only description of these documents: :func:`check` validates with
them and turns pydantic's errors into one message per wrong value that names the
document, the key and what is allowed (``studio.toml: apps.blender.args must be a list of
strings, got '-b'``); :func:`json_schema` gives a studio's editor the same rules.
``python -m splice.documents docs/schemas`` writes them to ``docs/schemas/<name>.json``.

This module imports pydantic only when something is validated: the code a DCC runs
(``splice``, ``splice.pipeline``, ``splice.hosts.*``, ``splice.files`` storing to folders)
never needs it, and the DCC runtime does not carry it. A launch checks the same layers
every time: with ``remember=True`` a document found valid is remembered (by its content
and the model's source) in the per-user cache, so a warm launch does not import pydantic.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "CLOSED", "DOCUMENTS", "Allowed", "check", "json_schema", "model", "unset", "validate", "write_schemas",
]

DOCUMENTS: dict[str, str] = {
    "launcher": "splice.launcher.schema:LauncherConfig",
    "pin": "splice.pin.schema:PinManifest",
    "repos": "splice.packages.schema:Repos",
    "server": "splice.server.config:ServerConfig",
    "stages": "splice.files.schema:Stages",
}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# the other modules a model module takes types from (what is remembered depends on them too)
_MADE_OF = {"splice.launcher.schema": ("splice.packages.schema",)}
# every document's model_config: unknown keys refused, nothing coerced ("3" is not 3)
CLOSED: Any = {"extra": "forbid", "strict": True}
_remembered: set[str] = set()


@dataclass(frozen=True)
class Allowed:
    """What a value may be, in words, as an error message ends: ``Annotated[list[str],
    Allowed("a list of strings")]`` → ``… args must be a list of strings, got '-b'``."""

    text: str


def unset(description: str) -> Any:
    """A key that may be left out and has no default value (``None`` in the model, no
    ``default`` in the JSON Schema): ``label: str = unset("the name shown")``."""
    from pydantic import Field

    return Field(None, description=description, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def model(ref: str) -> type[BaseModel]:
    """The model named by ``ref`` (``"module:Class"``, or a name of :data:`DOCUMENTS`)."""
    module, _, name = DOCUMENTS.get(ref, ref).partition(":")
    return getattr(import_module(module), name)


def check(
    ref: str, data: Any, where: str, error: type[Exception], path: str = "", *, remember: bool = False
) -> None:
    """Raise ``error`` when ``data`` does not fit the model ``ref``; see :func:`validate`.
    ``remember``: skip documents found valid before (by content and the model's source)."""
    marker = _marker(ref, data) if remember else None
    if marker is not None and (marker.name in _remembered or marker.exists()):
        _remembered.add(marker.name)
        return
    validate(model(ref), data, where, error, path)
    if marker is not None:
        _remembered.add(marker.name)
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # not remembered: the next launch validates again


def validate(cls: type[BaseModel], data: Any, where: str, error: type[Exception], path: str = "") -> Any:
    """``data`` as a ``cls``, or ``error`` with one line per wrong value. ``where`` names the
    document (a file, ``$SPLICE_REPOS``), ``path`` the key the data sits under (``runtime``)."""
    from pydantic import ValidationError

    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise error(explain(cls, data, exc.errors(), where, path)) from None


def json_schema(ref: str) -> dict[str, Any]:
    """The JSON Schema of a document (a name of :data:`DOCUMENTS`, or ``"module:Class"``)."""
    schema = model(ref).model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema}


def write_schemas(folder: Path | str) -> list[Path]:
    """Write ``<folder>/<name>.json`` for every document; the paths written."""
    out = []
    for name in DOCUMENTS:
        path = Path(folder) / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_text(name), encoding="utf-8")
        out.append(path)
    return out


def schema_text(name: str) -> str:
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n"


# -- messages: pydantic's errors → "where: key must be <allowed>, got <value>" -----------------
def explain(
    cls: type[BaseModel], data: Any, errors: Sequence[Mapping[str, Any]], where: str, path: str
) -> str:
    """One line per wrong value (unknown and missing keys grouped by table)."""
    lines: list[str] = []
    grouped: dict[tuple[str, tuple[Any, ...]], list[str]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] in ("extra_forbidden", "missing") and loc:
            grouped.setdefault((err["type"], loc[:-1]), []).append(str(loc[-1]))
            continue
        step = _walk(cls, loc)
        at = _name(where, path, step.shown)
        if step.key is not None:
            lines.append(f"{at}: key {step.key!r} must be {step.allowed or 'a string'}")
            continue
        cause = (err.get("ctx") or {}).get("error") if err["type"] == "value_error" else None
        if cause is not None and not step.allowed:
            line = f"{at}: {cause}"  # a validator's own message says what is allowed
        else:
            allowed = step.allowed or _fallback(err, step.node)
            line = f"{at} must be {allowed}, got {_value(data, step.data)!r}"
            if cause is not None:
                line += f" ({cause})"
        if line not in lines:
            lines.append(line)
    for (kind, parent), keys in grouped.items():
        step = _walk(cls, parent)
        table = step.node if isinstance(step.node, type) else None
        fields = sorted(_fields(table)) if table is not None else []
        at = _name(where, path, step.end or [])
        if kind == "extra_forbidden":
            lines.append(f"{at}: unknown keys {sorted(keys)} (allowed: {', '.join(fields) or 'none'})")
        else:
            needed = sorted(n for n, f in _fields(table).items() if f.is_required()) if table else []
            lines.append(f"{at}: missing keys {sorted(keys)} (required: {', '.join(needed)})")
    return "\n".join(lines)


def _name(where: str, path: str, shown: Sequence[Any]) -> str:
    key = path
    for part in shown:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    if where and key:
        return f"{where}: {key}"
    return where or key or "the document"


def _value(data: Any, parts: Sequence[Any]) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return data
    return data


def _fallback(err: Mapping[str, Any], node: Any) -> str:
    fields = _fields(node)
    if fields:
        return "{" + ", ".join(sorted(fields)) + "}"
    kinds = {
        "string_type": "a string",
        "bool_type": "true or false",
        "int_type": "an integer",
        "float_type": "a number",
        "list_type": "a list",
        "dict_type": "a table",
        "model_type": "a table",
        "model_attributes_type": "a table",
    }
    return kinds.get(err["type"], str(err["msg"]).replace("Input should be ", "").lower())


@dataclass
class _Step:
    node: Any  # the type ``loc`` ends at
    shown: list[Any]  # the key path of the value the message is about (union tags left out)
    data: list[Any]  # the same path into the data
    allowed: str | None = None
    key: str | None = None  # a table key that is wrong ("[key]" in pydantic's loc)
    end: list[Any] | None = None  # the key path of ``node`` (where ``loc`` ends)


def _fields(model_cls: Any) -> dict[str, Any]:
    from pydantic import BaseModel

    if not (isinstance(model_cls, type) and issubclass(model_cls, BaseModel)):
        return {}
    return {f.alias or n: f for n, f in model_cls.model_fields.items()}


def _walk(cls: Any, loc: Sequence[Any]) -> _Step:
    """Follow ``loc`` through the model's types. The message is about the deepest value on
    the way that says what it may be (:class:`Allowed`), else the value at ``loc``; a
    table starts afresh (``apps`` being "a table of [apps.NAME] tables" says nothing of
    ``apps.blender.args``)."""
    from pydantic import BaseModel, RootModel

    node, metadata, shown, data = cls, [], [], []
    said: tuple[list[Any], list[Any], str] | None = None
    i = 0
    while True:
        node, more = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            said = None  # a table's own values are described by its fields
        for meta in [*metadata, *more]:
            if isinstance(meta, Allowed):
                said = (list(shown), list(data), meta.text)
        if isinstance(node, type) and issubclass(node, RootModel):  # its loc has no "root"
            field = node.model_fields["root"]
            node, metadata = field.annotation, list(field.metadata)
            continue
        if i >= len(loc):
            break
        part = loc[i]
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = _fields(node).get(str(part))
            if field is None:
                break
            node, metadata, said = field.annotation, list(field.metadata), None
        elif get_origin(node) in (dict, Mapping):
            key_type, node = get_args(node)
            if i + 1 < len(loc) and loc[i + 1] == "[key]":
                key_allowed = next((m.text for m in _unwrap(key_type)[1] if isinstance(m, Allowed)), None)
                return _Step(key_type, shown, data, key_allowed, key=str(part))
            metadata = []
        elif get_origin(node) in (list, tuple, Sequence):
            node, metadata = get_args(node)[0], []
        elif get_origin(node) in (Union, types.UnionType):
            member = _tagged(node, part)
            if member is None:
                break
            node, metadata = member, []
            i += 1
            continue  # a union's tag is not a key
        else:
            break
        shown.append(part)
        data.append(part)
        i += 1
    if said is None:
        return _Step(node, shown, data, end=shown)
    return _Step(node, *said, end=shown)


def _unwrap(node: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while get_origin(node) is Annotated:
        node, *more = get_args(node)
        metadata += more
    return node, metadata


def _tagged(union: Any, tag: Any) -> Any:
    from pydantic import Tag

    for member in get_args(union):
        if any(isinstance(m, Tag) and m.tag == tag for m in _unwrap(member)[1]):
            return member
    return None


# -- remembering documents found valid --------------------------------------------------
@cache
def _source_digest(ref: str) -> str:
    """Changes whenever the model (or this module) changes."""
    h = hashlib.sha256()
    module = DOCUMENTS.get(ref, ref).partition(":")[0]
    for name in (module, *_MADE_OF.get(module, ()), __name__):
        spec = find_spec(name)
        if spec is None or spec.origin is None:
            return ""
        h.update(Path(spec.origin).read_bytes())
    return h.hexdigest()


def _marker(ref: str, data: Any) -> Path | None:
    source = _source_digest(ref)
    if not source:
        return None
    try:
        text = json.dumps(data, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256(f"{ref}\n{source}\n{text}".encode()).hexdigest()[:40]
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("splice", appauthor=False)) / "checked" / digest


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m splice.documents FOLDER``: write every document's JSON Schema there."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m splice.documents FOLDER  (e.g. docs/schemas)", file=sys.stderr)
        return 2
    for path in write_schemas(args[0]):
        print(os.fspath(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

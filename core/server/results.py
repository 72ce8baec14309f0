"""What of a result the caller may see: nothing of a project it may not view.

A request is authorised on the krefs it names (:mod:`.auth`); its answer can still
reach other projects (a dependency of project B on A shows up in A's incoming edges,
traversals, bundle members, events…). Every answer of the store routes and the event
routes passes through here, one rule for all, by the records' own fields:

- a record (any dataclass) with a :class:`~splice.kref.Kref` field of a project the
  caller may not view, or a string that is such a kref (``get_attribute``), is left
  out of a list; in a list that keeps positions
  (``list[X | None]``, e.g. ``batch_get_revisions``) it becomes ``None``; as the whole
  answer it is refused (403), or ``None`` when the answer may be ``None``;
- metadata values that are krefs of such a project are removed from the record's
  metadata (a bundle revision's ``member``);
- an event is left out when its kref or a kref in its metadata is of such a project
  (``edge.created``'s ``target``, ``bundle.member_added``'s ``member``);
- ``traverse`` and ``find_path`` are cut: when their answer holds a hidden node they are
  walked again through the nodes the caller may view only, so nothing reached only
  through a hidden node is shown (one ``list_edges`` per node reached, only then);
- krefs of such projects in an error's message are replaced.

Visibility is a look-up in the principal's grants, memoised per distinct project: no
query per record. A principal that may view every project (``*``) skips all of it.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from ..backend import INCOMING, OUTGOING
from ..errors import ForbiddenError, SpliceError
from ..kref import Kref
from ..records import Event, PathHop, TraversalNode
from .auth import can
from .control import ALL_PROJECTS, Principal

_KREF_TEXT = re.compile(r"kref://([^/?#\s'\",;:()<>\[\]]*)[^\s'\",;()<>\[\]]*")
HIDDEN = "(a node of a project you may not view)"


class Sight:
    """Which projects ``principal`` may view, asked once per distinct project."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.everything = can(principal, ALL_PROJECTS, "viewer")
        self._memo: dict[str, bool] = {}

    def sees(self, project: str) -> bool:
        if self.everything:
            return True
        seen = self._memo.get(project)
        if seen is None:
            seen = self._memo[project] = can(self.principal, project, "viewer")
        return seen

    def sees_text(self, value: object) -> bool:
        """False for a string that is a kref of a hidden project; True for anything else."""
        if not isinstance(value, str) or not value.startswith("kref://"):
            return True
        match = _KREF_TEXT.match(value)
        return match is None or match.end() != len(value) or self.sees(match.group(1))


# -- records -----------------------------------------------------------------------------
@cache
def _fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of ``cls``'s kref fields and of its metadata (dict) fields."""
    hints = typing.get_type_hints(cls)
    krefs, maps = [], []
    for f in dataclasses.fields(cls):
        hint = hints.get(f.name)
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        if hint is Kref or inner == [Kref]:
            krefs.append(f.name)
        elif hint is dict or typing.get_origin(hint) is dict:
            maps.append(f.name)
    return tuple(krefs), tuple(maps)


def record_shown(sight: Sight, record: Any) -> bool:
    """Whether every kref field of ``record`` (an event: and of its metadata) may be viewed."""
    krefs, maps = _fields(type(record))
    for name in krefs:
        value = getattr(record, name)
        if value is not None and not sight.sees(value.project):
            return False
    if isinstance(record, Event):
        return all(sight.sees_text(v) for name in maps for v in getattr(record, name).values())
    return True


def _redacted(sight: Sight, record: Any) -> Any:
    """``record`` without the metadata values that are krefs of hidden projects."""
    changes = {}
    for name in _fields(type(record))[1]:
        mapping = getattr(record, name)
        if not all(sight.sees_text(v) for v in mapping.values()):
            changes[name] = {k: v for k, v in mapping.items() if sight.sees_text(v)}
    return dataclasses.replace(record, **changes) if changes else record


def _item_shown(sight: Sight, value: Any) -> bool:
    """A record as :func:`record_shown`; a string unless it is a kref of a hidden project."""
    if dataclasses.is_dataclass(value):
        return record_shown(sight, value)
    return sight.sees_text(value)


def _value(sight: Sight, value: Any, keep_slots: bool) -> Any:
    if isinstance(value, list):
        out = []
        for item in value:
            if not _item_shown(sight, item):
                if keep_slots:
                    out.append(None)
                continue
            out.append(_value(sight, item, False))
        return out
    if isinstance(value, tuple):
        return tuple(_value(sight, v, False) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _redacted(sight, value)
    return value


def _optional(tp: Any) -> bool:
    return type(None) in typing.get_args(tp)


# -- the graph: walked again through visible nodes only ---------------------------------------
def _hidden_nodes(sight: Sight, result: Any) -> bool:
    nodes = result[0] if isinstance(result, tuple) else result or []
    return any(not sight.sees(n.revision_kref.project) for n in nodes)


def _neighbours(engine: Any, node: Kref, direction: int, types: set[str], sight: Sight):
    """``(other end, edge type)`` of each edge of ``node`` the walk may take."""
    for edge in engine.list_edges(node, None, direction):
        other = edge.target_kref if direction == OUTGOING else edge.source_kref
        if (not types or edge.edge_type in types) and sight.sees(other.project):
            yield other, edge.edge_type


def _traverse(sight: Sight, engine: Any, args: dict[str, Any]) -> tuple[list[TraversalNode], bool]:
    # as the engines do: OUTGOING walks dependencies, anything else dependents
    direction = OUTGOING if args["direction"] == OUTGOING else INCOMING
    types, limit = set(args["edge_types"] or ()), args["limit"]
    start = engine.get_revision(args["revision"]).kref
    seen, frontier, out = {start}, [start], []
    for depth in range(1, args["max_depth"] + 1):
        reached = []
        for node in frontier:
            for other, edge_type in _neighbours(engine, node, direction, types, sight):
                if other not in seen:
                    seen.add(other)
                    reached.append(other)
                    out.append(TraversalNode(other, depth, edge_type))
        frontier = reached
        if not frontier or (limit is not None and len(out) > limit):
            break
    out.sort(key=lambda n: (n.depth, str(n.revision_kref.base), n.revision_kref.revision or 0))
    truncated = limit is not None and len(out) > limit
    return (out[:limit] if truncated else out), truncated


def _find_path(sight: Sight, engine: Any, args: dict[str, Any]) -> list[PathHop] | None:
    source = engine.get_revision(args["source"]).kref
    target = engine.get_revision(args["target"]).kref
    types = set(args["edge_types"] or ())
    came_from: dict[Kref, tuple[Kref, str] | None] = {source: None}
    frontier = [source]
    for _ in range(args["max_depth"]):
        reached = []
        for node in frontier:
            for other, edge_type in _neighbours(engine, node, OUTGOING, types, sight):
                if other in came_from:
                    continue
                came_from[other] = (node, edge_type)
                if other == target:
                    hops = []
                    while (step := came_from[other]) is not None:
                        hops.append(PathHop(other, step[1]))
                        other = step[0]
                    return hops[::-1]
                reached.append(other)
        frontier = reached
        if not frontier:
            break
    return None


# methods whose answer is a walk of the graph: cut again, not only filtered
_WALKS: dict[str, Callable[[Sight, Any, dict[str, Any]], Any]] = {
    "traverse": _traverse,
    "find_path": _find_path,
}


# -- the seam --------------------------------------------------------------------------------
def shown(principal: Principal, method: Any, args: dict[str, Any], result: Any, engine: Any) -> Any:
    """``result`` of ``method`` (a :class:`splice.wire.Method`) as ``principal`` may see it;
    ``engine`` (the caller's, inside the request's lease) walks a cut graph again."""
    sight = Sight(principal)
    if sight.everything or result is None:
        return result
    walk = _WALKS.get(method.name)
    if walk is not None:
        return walk(sight, engine, args) if _hidden_nodes(sight, result) else result
    if not isinstance(result, (list, tuple)) and not _item_shown(sight, result):
        if _optional(method.result):
            return None
        raise ForbiddenError(f"{method.name}: the answer is of a project {principal.user!r} may not view")
    tp = method.result
    keep_slots = typing.get_origin(tp) is list and _optional(typing.get_args(tp)[0])
    return _value(sight, result, keep_slots)


def event_shown(principal: Principal, event: Event) -> bool:
    """Whether ``principal`` may see ``event`` (the stream and ``/events/next``)."""
    return record_shown(Sight(principal), event)


def redact_error(principal: Principal, exc: SpliceError) -> SpliceError:
    """``exc``, or one of its class whose message names no kref of a hidden project."""
    sight = Sight(principal)
    if sight.everything:
        return exc
    message = str(exc)
    clean = _KREF_TEXT.sub(lambda m: m.group(0) if sight.sees(m.group(1)) else HIDDEN, message)
    if clean == message:
        return exc
    try:
        return type(exc)(clean)
    except TypeError:  # a constructor of its own: the same error, its message replaced
        exc.args = (clean, *exc.args[1:])
        return exc

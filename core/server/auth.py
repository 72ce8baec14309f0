"""Who may call what.

Roles are granted per project, or for every project of the tenant (``*``):

============ ==================================================================
viewer       read
artist       + create spaces, items, revisions, artifacts, edges; metadata;
             ordinary tags; bundle membership
supervisor   + the protected tags (``published``, ``approved``, ``delivered``),
             deprecation, deletion
admin        + projects (create, delete), users, tokens, roles (when granted on ``*``)
============ ==================================================================

A call needs a role on the project of EVERY kref it touches (batch calls
included); the error names the role needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import ForbiddenError
from ..kref import Kref
from ..records import ItemQuery, RevisionSpec
from ..wire import Method
from .control import ALL_PROJECTS, ROLES, Principal

PROTECTED_TAGS = frozenset({"published", "approved", "delivered"})
RANK = {role: i for i, role in enumerate(ROLES)}


def role_on(principal: Principal, project: str) -> str | None:
    """The strongest role of the principal on a project (its own grant or ``*``)."""
    found = [r for r in (principal.roles.get(project), principal.roles.get(ALL_PROJECTS)) if r]
    return max(found, key=RANK.__getitem__) if found else None


def can(principal: Principal, project: str, role: str) -> bool:
    have = role_on(principal, project)
    return have is not None and RANK[have] >= RANK[role]


def require(principal: Principal, project: str | None, role: str, what: str) -> None:
    """Raise :class:`ForbiddenError` unless the principal holds ``role`` (``project`` None:
    tenant-wide, i.e. granted on ``*``)."""
    if project is None:
        have = principal.roles.get(ALL_PROJECTS)
        if have is None or RANK[have] < RANK[role]:
            raise ForbiddenError(
                f"{what} needs the {role} role on every project ('*'); {principal.user!r} has "
                f"{have or 'no tenant-wide role'}"
            )
        return
    if not can(principal, project, role):
        have = role_on(principal, project)
        raise ForbiddenError(
            f"{what} in project {project!r} needs the {role} role; {principal.user!r} has "
            f"{have or 'no role there'}"
        )


def needs(spec: Method, args: dict[str, Any]) -> list[tuple[str | None, str]]:
    """``(project, role)`` pairs a call needs; project ``None`` means tenant-wide. The role
    of a write is the one its protocol method declares (``@write(role)``)."""
    method = spec.name
    base = spec.call.role
    out: list[tuple[str | None, str]] = []
    if method == "create_project":
        return [(None, "admin")]
    if method == "get_project":
        return [(args["name"], "viewer")]
    if method in ("tag_revision", "untag_revision") and args["tag"] in PROTECTED_TAGS:
        base = "supervisor"
    if method == "delete" and args["kref"].is_project:
        return [(None, "admin")]
    if method == "batch_create_revisions":
        for spec_ in args["specs"]:
            out.extend(_spec_needs(spec_))
        return out
    if method == "find_items":
        query: ItemQuery = args["query"]
        return [(query.under.project, "viewer")] if query.under is not None else []
    for name, value in args.items():
        role = "viewer" if name in spec.call.reads else base
        for kref in _krefs(value):
            out.append((kref.project, role))
    return out


def _spec_needs(spec: RevisionSpec) -> Iterable[tuple[str | None, str]]:
    role = "supervisor" if PROTECTED_TAGS & set(spec.tags) else "artist"
    yield spec.item.project, role
    for edge in spec.edges:
        yield edge.target.project, "viewer"


def _krefs(value: Any) -> Iterable[Kref]:
    if isinstance(value, Kref):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, Kref))


def authorize(principal: Principal, spec: Method, args: dict[str, Any]) -> None:
    """Raise :class:`ForbiddenError` when any part of the call is above the caller's role."""
    method = what = spec.name
    if method in ("tag_revision", "untag_revision") and args["tag"] in PROTECTED_TAGS:
        what = f"{method} {args['tag']!r} (a protected tag)"
    seen: set[tuple[str | None, str]] = set()
    for project, role in needs(spec, args):
        if (project, role) not in seen:
            seen.add((project, role))
            require(principal, project, role, what)


def visible(principal: Principal, project: str) -> bool:
    """Whether results of ``project`` may be shown (listing, search, events)."""
    return can(principal, project, "viewer")

"""Who may call what.

Roles are granted per project, or for every project of the tenant (``*``):

============ ==================================================================
viewer       read (answers show only projects one may view: :mod:`.results`)
artist       + create spaces, items, revisions, artifacts, edges; ordinary
             metadata; ordinary tags; bundle membership
supervisor   + the protected tags (``published``, ``approved``, ``delivered``),
             deprecation, deletion; metadata ``root``, ``packages``, ``workfiles.*``
admin        + metadata ``files.store*``, ``files.stages``, ``launcher.*`` (on the
             project); projects (create, delete), users, tokens, roles (on ``*``)
============ ==================================================================

A call needs a role on the project of EVERY kref it touches (batch calls
included); the error names the role needed.

Metadata keys that configure a project for everyone (:data:`CONFIG_KEYS`) need more
than the artist's role wherever a write carries them (node metadata, attributes, the
metadata of artifacts, edges, bundle changes, events and batch specs). The embedded
engine has no roles: whoever opens a store file may write anything in it.
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

# Metadata keys that change what splice does for everyone on a project: the role that may
# write (set or delete) each. A name ending in '.' is a family of keys; 'files.store' also
# covers its options 'files.store.<option>'.
CONFIG_KEYS: dict[str, str] = {
    "files.store": "admin",  # where every artist's files are stored (splice.files.config)
    "files.store.": "admin",  # dvc remote options of that store (endpointurl, ...)
    "files.stages": "admin",  # shell commands `splice derive` runs (splice.files.stages)
    "launcher.": "admin",  # launcher.config / launcher.toml: apps, env, hooks, repos
    "workfiles.": "supervisor",  # where every DCC saves work files (root, template)
    "root": "supervisor",  # the {root} of every launch of the project (launcher)
    "packages": "supervisor",  # asset packages installed in every launch of a space
}


def config_role(key: str) -> str | None:
    """The role needed to write metadata ``key``; ``None`` for ordinary keys."""
    role = CONFIG_KEYS.get(key)
    if role is None and "." in key:
        role = next((r for name, r in CONFIG_KEYS.items() if name[-1] == "." and key.startswith(name)), None)
    return role


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


def _written_keys(kind: str, value: Any) -> Iterable[tuple[str | None, str]]:
    """``(project or None for the call's own, key)`` of each metadata key an argument writes."""
    if kind in ("metadata", "attr_key"):
        yield from ((None, k) for k in ([value] if kind == "attr_key" else value))
    elif kind == "artifact_spec":
        yield from ((None, k) for k in value.metadata)
    elif kind == "revision_specs":
        for spec in value:
            project = spec.item.project
            yield from ((project, k) for k in spec.metadata)
            for part in (*spec.artifacts, *spec.edges):
                yield from ((project, k) for k in part.metadata)


def config_needs(spec: Method, args: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    """``(project, role, what)`` for each configuration key (:data:`CONFIG_KEYS`) a write
    carries; the key belongs to the projects of the call's written krefs."""
    if spec.read or spec.name == "create_project":  # creating a project needs a tenant admin
        return []
    own = sorted(
        {k.project for name, value in args.items() if name not in spec.call.reads for k in _krefs(value)}
    )
    out = []
    for name, kind in spec.params:
        value = args.get(name)
        if value is None:
            continue
        for project, key in _written_keys(kind.rstrip("?"), value):
            role = config_role(key)
            if role is not None:
                what = f"{spec.name} writing metadata key {key!r} (project configuration)"
                out.extend((p, role, what) for p in ([project] if project else own))
    return out


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
    for project, role, what in config_needs(spec, args):
        require(principal, project, role, what)


def authorize_reach(principal: Principal, spec: Method, args: dict[str, Any], engine: Any) -> None:
    """What a call changes beyond the krefs it names needs the caller's role there too: a
    ``delete`` takes the edges other projects' revisions have to what it removes, and (with
    ``force``) the removed items out of other projects' bundles — the deletion role
    (supervisor) on each of those projects. An engine that cannot say (no ``deletion_reach``)
    is trusted to change nothing elsewhere."""
    reach = getattr(engine, "deletion_reach", None)
    if spec.name != "delete" or reach is None:
        return
    for project in reach(args["kref"], args["force"]):
        if not can(principal, project, "supervisor"):
            seen = can(principal, project, "viewer")
            where = f"project {project!r}" if seen else "a project you may not view"
            raise ForbiddenError(
                f"delete {args['kref']} would change {where} (its edges to what is deleted, or its "
                "bundles holding it): that needs the supervisor role there too; nothing was deleted"
            )


def visible(principal: Principal, project: str) -> bool:
    """Whether results of ``project`` may be shown (listing, search, events)."""
    return can(principal, project, "viewer")

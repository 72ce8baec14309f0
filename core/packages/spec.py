"""A revision's package data: its version and its requirements, kept in its metadata.

Two metadata keys, written in one write (and so one ``revision.updated`` event):

- ``package.version``: the canonical SemVer (``1.2.3-rc.1``), unique per item;
- ``package.requires``: canonical JSON of requirements by group.

A published revision is immutable, so both are set before it is tagged ``published``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kref import Kref
from ..nodes import Revision
from .errors import RequirementError, VersionError
from .names import dist_name, module_name
from .requirements import Groups, Requirement, dumps_groups, loads_groups, parse_groups
from .versions import SemVer, parse_semver

VERSION_KEY = "package.version"
REQUIRES_KEY = "package.requires"
_HASH_KEY = re.compile(
    r"^(?:sha1|sha256|sha512|md5|blake2b|etag|hash|content_hash|.*[._-](?:hash|sha256|md5))\Z"
)


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """What a wheel is built from: one revision's kref, number, version, requirements, artifacts."""

    revision_kref: Kref
    item_kref: Kref
    number: int
    version: SemVer
    requires: Groups = field(default_factory=dict)
    artifacts: tuple[dict[str, Any], ...] = ()

    @property
    def name(self) -> str:
        return dist_name(self.item_kref)

    @property
    def module(self) -> str:
        return module_name(self.item_kref)

    @property
    def pep440(self) -> str:
        return self.version.to_pep440()

    def manifest(self) -> dict[str, Any]:
        """The manifest a wheel carries (``manifest.json`` in the asset's module)."""
        return {
            "format": 1,
            "kref": str(self.revision_kref),
            "item": str(self.item_kref),
            "revision": self.number,
            "version": str(self.version),
            "distribution": self.name,
            "requires": {g: [str(r) for r in reqs] for g, reqs in self.requires.items()},
            "artifacts": list(self.artifacts),
        }


def version_of(revision: Revision) -> SemVer | None:
    text = revision.metadata.get(VERSION_KEY)
    return parse_semver(text) if text else None


def requires_of(revision: Revision) -> Groups:
    return loads_groups(revision.metadata.get(REQUIRES_KEY))


def versions_of(item_kref: Kref | str, client: Any) -> list[tuple[SemVer, Revision]]:
    """Every versioned revision of an item, oldest version first."""
    out = []
    for rev in client.get_item(item_kref).get_revisions():
        version = version_of(rev)
        if version is not None:
            out.append((version, rev))
    return sorted(out, key=lambda pair: pair[0].sort_key())


def set_package(
    revision: Revision,
    version: SemVer | str | None = None,
    requires: Mapping[str, Iterable[object]] | Iterable[object] | None = None,
) -> PackageInfo:
    """Give a revision a version and/or requirements (validated, in one write).

    Refused, with nothing written: a bad version or requirement, a version another
    revision of the item already has, a requirement on its own item, a requirement
    on an item that does not exist, or one that closes a cycle of requirements.
    """
    client = revision._client
    changes: dict[str, str] = {}
    if version is not None:
        semver = parse_semver(version)
        for other, rev in versions_of(revision.item_kref, client):
            if other == semver and rev.number != revision.number:
                raise VersionError(
                    f"{revision.item_kref} already has version {semver} (revision {rev.number}); "
                    "each version names one revision: bump it"
                )
        changes[VERSION_KEY] = str(semver)
    if requires is not None:
        groups = parse_groups(requires)
        _check_targets(revision, groups, client)
        changes[REQUIRES_KEY] = dumps_groups(groups)
    if changes:
        revision.set_metadata(changes)
    return package_info(revision)


def _check_targets(revision: Revision, groups: Groups, client: Any) -> None:
    from ..errors import NotFoundError

    me = revision.item_kref.base
    for reqs in groups.values():
        for req in reqs:
            if req.kref is None:
                continue
            if req.kref.base == me:
                raise RequirementError(f"{revision.kref} cannot require its own item ({req})")
            try:
                client.get_item(req.kref)
            except NotFoundError:
                raise RequirementError(f"requirement {req}: item {req.kref} does not exist") from None
    chain = find_cycle(me, [r for reqs in groups.values() for r in reqs], client)
    if chain:
        raise RequirementError("requirements would make a cycle: " + " -> ".join(chain))


def find_cycle(start: Kref, requires: list[Requirement], client: Any) -> list[str]:
    """A chain of item krefs from ``start`` back to itself through any revision's
    requirements, or ``[]``."""
    seen: set[str] = set()
    stack: list[tuple[str, list[str]]] = [(str(r.kref.base), [str(start)]) for r in requires if r.kref]
    while stack:
        item, path = stack.pop()
        if item == str(start):
            return [*path, item]
        if item in seen:
            continue
        seen.add(item)
        for rev in client.get_item(item).get_revisions():
            for reqs in requires_of(rev).values():
                stack.extend((str(r.kref.base), [*path, item]) for r in reqs if r.kref)
    return []


def package_info(revision: Revision) -> PackageInfo:
    """The package data of a revision; it must have a version."""
    version = version_of(revision)
    if version is None:
        raise VersionError(
            f"{revision.kref} has no version: give it one first (splice package version KREF 1.0.0)"
        )
    artifacts = []
    for art in revision.get_artifacts():
        entry: dict[str, Any] = {"name": art.name, "location": art.location}
        hashes = {k: v for k, v in sorted(art.metadata.items()) if _HASH_KEY.match(k)}
        if hashes:
            entry["hashes"] = hashes
        artifacts.append(entry)
    return PackageInfo(
        revision.kref,
        revision.item_kref.base,
        revision.number,
        version,
        requires_of(revision),
        tuple(artifacts),
    )

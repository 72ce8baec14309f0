"""Push, semi-push, pull: which dependents' workspaces take a new version.

For a revision with a version, every revision of another item whose requirements
name its item is classified: an abstract requirement takes it (push); a bounded
one takes it when the version is in range (semi-push); a concrete one takes it
only when it pins exactly this version (pull). Pre-releases are taken only when
pinned, as pip and uv install them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..nodes import Revision
from .spec import package_info, requires_of, version_of


@dataclass(frozen=True)
class Impact:
    dependent: str  # the dependent revision's kref
    dependent_version: str
    group: str
    requirement: str
    kind: str  # abstract | bounded | concrete
    takes: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_REASONS = {
    ("abstract", True): "abstract: takes every new version (push)",
    ("bounded", True): "bounded: the version is in range (semi-push)",
    ("bounded", False): "bounded: the version is out of range",
    ("concrete", True): "concrete: pins exactly this version",
    ("concrete", False): "concrete: pinned to another version (pull)",
}


def impact(revision: Revision, under: str | None = None) -> list[Impact]:
    """How each dependent revision (below ``under``, default anywhere in the store) treats
    this revision's version; takers first, then by kref."""
    info = package_info(revision)
    client = revision._client
    target = str(info.item_kref)
    out = []
    for item in client.search(under=under):
        if str(item.kref) == target:
            continue
        for rev in item.get_revisions():
            for group, reqs in requires_of(rev).items():
                for req in reqs:
                    if req.kref is None or str(req.kref.base) != target:
                        continue
                    takes = req.contains(info.pep440)
                    reason = _REASONS.get((req.kind, takes), req.kind)
                    if not takes and info.version.is_prerelease and req.kind != "concrete":
                        reason = f"{req.kind}: a pre-release is taken only when pinned with =="
                    version = version_of(rev)
                    out.append(
                        Impact(str(rev.kref), str(version or ""), group, str(req), req.kind, takes, reason)
                    )
    return sorted(out, key=lambda i: (not i.takes, i.dependent))

"""Checking a manifest against the store: every pinned revision is there (not deleted),
and (``content=True``) every pinned artifact still has the content the manifest recorded.

One ``batch_get_revisions`` for the revisions; then one read per artifact (its recorded
hash; a plain local file or folder is hashed again). Each bad entry is named:
:class:`PinnedRevisionError` for what the store does not have, :class:`PinChangedError`
for what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import NotFoundError
from .errors import PinChangedError, PinnedRevisionError
from .make import content_hash
from .manifest import Manifest

if TYPE_CHECKING:
    from ..client import Client

__all__ = ["Report", "check", "verify"]


@dataclass
class Report:
    """What :func:`check` found: ``unknown`` (not in the store) and ``changed`` lines."""

    checked: int = 0
    unknown: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.changed

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "checked": self.checked, "unknown": self.unknown, "changed": self.changed}

    def raise_for(self, where: str = "") -> None:
        """Raise for what is wrong: missing revisions first (they name every one)."""
        if self.unknown:
            raise PinnedRevisionError.listing(self.unknown, where)
        if self.changed:
            raise PinChangedError.listing(self.changed, where)


def check(manifest: Manifest, client: Client, *, content: bool = True) -> Report:
    """See the module; raises nothing for bad entries (the report lists them)."""
    report = Report(checked=len(manifest.entries))
    revisions = list(dict.fromkeys(e.revision_kref for e in manifest.entries))
    found = dict(zip(revisions, client.batch_get_revisions(revisions) if revisions else [], strict=True))
    for entry in manifest.entries:
        if found[entry.revision_kref] is None:
            report.unknown.append(f"{entry.kref} (deleted, or never in this store)")
            continue
        if not content or entry.artifact is None:
            continue
        try:
            artifact = client.get_artifact(entry.kref)
        except NotFoundError:
            report.unknown.append(f"{entry.kref} (the revision has no artifact {entry.artifact!r} now)")
            continue
        if entry.location is not None and artifact.location != entry.location:
            report.changed.append(f"{entry.kref}: location {entry.location} is now {artifact.location}")
            continue
        if entry.hash is not None:
            digest, _ = content_hash(artifact)
            if digest != entry.hash:
                now = digest or "not readable here"
                report.changed.append(f"{entry.kref}: content {entry.hash} is now {now}")
    return report


def verify(manifest: Manifest, client: Client, *, content: bool = True, where: str = "") -> Report:
    """:func:`check`, raising for the first kind of problem found (naming every entry)."""
    report = check(manifest, client, content=content)
    report.raise_for(where)
    return report

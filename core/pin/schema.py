"""The pin manifest (``splice-pin/1``) as a pydantic model: its JSON Schema is
``docs/schemas/pin.json`` (``python -m splice.documents docs/schemas``), and
``splice pin check`` validates with it. Never imported inside a DCC: there
:mod:`splice.pin.manifest` reads manifests with plain Python.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..documents import CLOSED, Allowed
from ..kref import Kref

__all__ = ["PinEntry", "PinManifest", "PinSource"]


def _kref(value: str) -> str:
    return str(Kref(value))


KrefText = Annotated[str, AfterValidator(_kref), Allowed("a kref (kref://project/space/item.kind?…)")]
Stamp = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"), Allowed("a UTC time")]


class PinSource(BaseModel):
    """What was pinned: a scene file, a USD layer, a workspace, or a kref given as it is."""

    model_config = ConfigDict(extra="allow", strict=True)  # each type keeps its own details

    type: Literal["scene", "usd", "workspace", "kref"] = Field(description="what the source is")
    path: str | None = Field(None, description="the file or folder (scene, usd, workspace)")
    kref: str | None = Field(None, description="the kref as given (type kref)")


class PinEntry(BaseModel):
    """One pinned revision and artifact."""

    model_config = CLOSED

    kref: KrefText = Field(description="item?r=N&a=ARTIFACT: exactly what was used")
    item: KrefText = Field(description="the item (…/name.kind)")
    revision: Annotated[int, Field(ge=1), Allowed("a revision number (>= 1)")]
    artifact: str | None = Field(description="the artifact's name; null: the revision has none")
    asked: list[str] = Field(default_factory=list, description="the krefs as the sources wrote them")
    location: str | None = Field(None, description="the artifact's location when pinned")
    hash: Annotated[
        str | None, Field(pattern=r"^md5:[0-9a-f]{32}(\.dir)?$"), Allowed("md5:<32 hex>[.dir]")
    ] = Field(None, description="the content hash (dvc's md5; a folder's ends in .dir); null: not known")
    size: Annotated[int | None, Field(ge=0)] = Field(None, description="bytes")
    created_at: Stamp | None = Field(None, description="when the revision was made")


class PinManifest(BaseModel):
    """A pin manifest: every kref a render used with its exact revision, artifact and
    content hash, and the store's position when it was made."""

    model_config = ConfigDict(extra="forbid", strict=True, title="splice pin manifest (splice-pin/1)")

    format: Literal["splice-pin/1"] = Field(description="the document's format and version")
    store: str = Field(description="the store's URL, without credentials")
    cursor: str = Field(description="the store's event cursor when pinned")
    store_time: Stamp | None = Field(description="the time of the event at the cursor")
    at: Stamp | None = Field(None, description="--at: tags were read as of this time")
    sources: list[PinSource] = Field(default_factory=list, description="what was pinned")
    entries: list[PinEntry] = Field(description="the pinned revisions, sorted by item, revision, artifact")

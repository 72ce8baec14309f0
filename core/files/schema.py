"""An item's derived representations (metadata ``files.stages``) as pydantic models.

Checked by :func:`splice.files.stages.declared` (and ``Stage.from_dict``), which also
checks what JSON Schema cannot say (``cmd`` names only ``{out}`` and its deps); the JSON
Schema is ``docs/schemas/stages.json``. Imported only when stages are read: never
inside a DCC.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints

from ..documents import CLOSED, Allowed
from ..kref import ARTIFACT_RULE, check_artifact_name
from .hashing import check_relpath

ArtifactName = Annotated[
    str, AfterValidator(check_artifact_name), Field(description=f"an artifact name: {ARTIFACT_RULE}")
]


class Stage(BaseModel):
    """One derived representation: ``cmd`` run on the artifacts ``deps`` makes the file
    ``out``, stored as the artifact ``name`` of the same revision."""

    model_config = CLOSED

    name: ArtifactName = Field(description="the artifact the output is stored as")
    cmd: Annotated[str, StringConstraints(pattern=r"\S"), Allowed("a command line")] = Field(
        description="the command: {out} is the output's path, {DEP} the path of the artifact DEP"
    )
    deps: Annotated[
        list[ArtifactName], Field(min_length=1), Allowed("a non-empty list of artifact names")
    ] = Field(description="the revision's artifacts the command reads")
    out: Annotated[
        str, AfterValidator(check_relpath), Allowed("a relative path inside the stage folder")
    ] = Field(description="the file the command writes")


class Stages(RootModel[Annotated[list[Stage], Allowed("a JSON list of stages")]]):
    """Metadata ``files.stages`` of an item: its stages, as JSON."""

    model_config = ConfigDict(strict=True, title="splice files.stages")

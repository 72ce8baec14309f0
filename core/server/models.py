"""Request models: the JSON shape of every route's body, strict and closed.

``extra="forbid"`` and strict types, so an unknown field or a wrong type answers 422
naming the field instead of being ignored or coerced ("3" is not 3, 1 is not true).
"""

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..wire import PARAM_SHAPES, Method


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ArtifactSpecModel(Strict):
    name: str
    location: str
    metadata: dict[str, str] = Field(default_factory=dict)


class EdgeSpecModel(Strict):
    target: str
    edge_type: str
    metadata: dict[str, str] = Field(default_factory=dict)


class RevisionSpecModel(Strict):
    item: str
    metadata: dict[str, str] = Field(default_factory=dict)
    artifacts: list[ArtifactSpecModel] = Field(default_factory=list)
    edges: list[EdgeSpecModel] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    default_artifact: str | None = None
    create_item: bool = False


class ItemQueryModel(Strict):
    under: str | None = None
    recursive: bool = True
    name: str | None = None
    kind: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    include_deprecated: bool = True
    limit: int | None = None


_TYPES: dict[str, Any] = {
    "str": str,
    "list[str]": list[str],
    "dict[str,str]": dict[str, str],
    "bool": bool,
    "int": int,
    "artifact_spec": ArtifactSpecModel,
    "list[revision_spec]": list[RevisionSpecModel],
    "item_query": ItemQueryModel,
}
# friendlier raw HTTP: these may be left out
_DEFAULTS: dict[str, Any] = {"metadata": Field(default_factory=dict), "text": ""}


def _field(kind: str) -> tuple[Any, Any]:
    optional = kind.endswith("?")
    base = kind.rstrip("?")
    tp = _TYPES[PARAM_SHAPES[base]]
    if optional:
        return tp | None, None
    return tp, _DEFAULTS.get(base, ...)


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


@cache
def request_model(method: Method) -> type[Strict]:
    """The body model of ``method``'s route, from its parameters' kinds."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{_camel(method.name)}Request",
        __base__=Strict,
        **{param: _field(kind) for param, kind in method.params},
    )


class EventPullRequest(Strict):
    consumer_group: str
    routing_key_filter: str | None = None
    kref_filter: str | None = None
    cursor: str | None = None
    from_beginning: bool = False
    limit: int = Field(1, ge=0, le=500)
    timeout: float = Field(0.0, ge=0, le=60)


# -- admin --------------------------------------------------------------------------
class Empty(Strict):
    pass


class UserRequest(Strict):
    name: str


class TokenCreateRequest(Strict):
    user: str
    label: str = ""
    service: bool = False


class TokenRevokeRequest(Strict):
    token: str = Field(description="the token's id (tok_…) or the token itself")


class TokenListRequest(Strict):
    user: str | None = None


class RoleGrantRequest(Strict):
    user: str
    role: str
    project: str = "*"


class RoleRevokeRequest(Strict):
    user: str
    project: str = "*"

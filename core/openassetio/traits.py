"""Which OpenAssetIO traits a splice entity has: item kinds → MediaCreation specifications,
and splice's own relationship traits (dependencies, dependents).

Everything uses the *versioned* views (``…_v1``) of ``openassetio-mediacreation``, so a
later MediaCreation release that adds ``_v2`` views does not change what splice answers.
"""

from __future__ import annotations

from openassetio.trait import TraitsData
from openassetio_mediacreation.specifications.application import WorkfileSpecification_v1
from openassetio_mediacreation.specifications.audio import SampledAudioResourceSpecification_v1
from openassetio_mediacreation.specifications.threeDimensional import (
    SceneCameraResourceSpecification_v1,
    SceneGeometryResourceSpecification_v1,
    SceneLightingResourceSpecification_v1,
    SceneResourceSpecification_v1,
    ShaderResourceSpecification_v1,
)
from openassetio_mediacreation.specifications.twoDimensional import (
    BitmapImageResourceSequenceSpecification_v1,
    BitmapImageResourceSpecification_v1,
)
from openassetio_mediacreation.traits.content import LocatableContentTrait_v1
from openassetio_mediacreation.traits.lifecycle import StableTrait_v1, VersionTrait_v1
from openassetio_mediacreation.traits.managementPolicy import ManagedTrait_v1
from openassetio_mediacreation.traits.relationship import SingularTrait_v1, UnboundedTrait_v1
from openassetio_mediacreation.traits.usage import EntityTrait_v1, RelationshipTrait_v1

ENTITY = EntityTrait_v1.kId
RELATIONSHIP = RelationshipTrait_v1.kId
LOCATABLE = LocatableContentTrait_v1.kId
VERSION = VersionTrait_v1.kId
STABLE = StableTrait_v1.kId
MANAGED = ManagedTrait_v1.kId
UNBOUNDED = UnboundedTrait_v1.kId
SINGULAR = SingularTrait_v1.kId

# An item kind names what its files are; hosts filter and pick loaders by these traits.
_BY_KIND: dict[str, frozenset[str]] = {}
for _spec, _kinds in (
    (SceneGeometryResourceSpecification_v1, ("model", "geometry", "mesh", "groom", "fx", "cache")),
    (SceneResourceSpecification_v1, ("usd", "layout", "set", "scene", "animation", "anim")),
    (ShaderResourceSpecification_v1, ("material", "shader", "look", "lookdev")),
    (SceneCameraResourceSpecification_v1, ("camera",)),
    (SceneLightingResourceSpecification_v1, ("light", "lighting", "lightrig")),
    (BitmapImageResourceSpecification_v1, ("texture", "image", "still", "matte", "thumbnail")),
    (BitmapImageResourceSequenceSpecification_v1, ("plate", "render", "comp", "review", "sequence")),
    (WorkfileSpecification_v1, ("workfile", "composite", "nukescript", "hip", "blend")),
    (SampledAudioResourceSpecification_v1, ("audio", "sound")),
):
    for _kind in _kinds:
        _BY_KIND[_kind] = frozenset(_spec.kTraitSet)
_DEFAULT = frozenset({ENTITY, LOCATABLE})

# Revision metadata that records the traits a revision was registered with (other than
# the ones splice stores itself): their ids, and each one's properties as JSON.
TRAITS_KEY = "openassetio.traits"
TRAIT_PREFIX = "openassetio.trait."


def kind_traits(kind: str) -> frozenset[str]:
    """The traits every revision of an item of ``kind`` has (its MediaCreation specification)."""
    return _BY_KIND.get(kind, _DEFAULT)


def registered_traits(metadata: dict[str, str]) -> set[str]:
    """The trait ids a revision was registered with (from its metadata)."""
    return {t for t in metadata.get(TRAITS_KEY, "").split() if t}


class _SpliceTrait:
    """A trait view in MediaCreation's style for splice's own traits."""

    kId = ""
    _defaults: dict[str, object] = {}  # noqa: RUF012 - read-only per class

    def __init__(self, traits_data: TraitsData) -> None:
        self._data = traits_data

    @classmethod
    def isImbuedTo(cls, traits_data: TraitsData) -> bool:
        return traits_data.hasTrait(cls.kId)

    @classmethod
    def imbueTo(cls, traits_data: TraitsData) -> None:
        traits_data.addTrait(cls.kId)

    def _get(self, name: str, kind: type) -> object:
        value = self._data.getTraitProperty(self.kId, name)
        if value is None:
            return self._defaults.get(name)
        if type(value) is not kind:
            raise TypeError(f"{self.kId} property {name!r} must be a {kind.__name__}, not {value!r}")
        return value


class DependenciesTrait_v1(_SpliceTrait):
    """Relationship: the revisions the entity depends on (splice edges going out of it).

    Properties: ``edgeType`` (a splice edge type, default ``DEPENDS_ON``) and ``depth`` (hops,
    default 1: direct dependencies). In a register's traits data, ``krefs`` (the krefs it
    depends on, separated by blanks) become ``DEPENDS_ON`` edges of the new revision.
    """

    kId = "splice:graph.Dependencies"
    _defaults = {"edgeType": "DEPENDS_ON", "depth": 1}  # noqa: RUF012

    def getEdgeType(self) -> str:
        return self._get("edgeType", str)  # type: ignore[return-value]

    def setEdgeType(self, value: str) -> None:
        self._data.setTraitProperty(self.kId, "edgeType", value)

    def getDepth(self) -> int:
        return self._get("depth", int)  # type: ignore[return-value]

    def setDepth(self, value: int) -> None:
        self._data.setTraitProperty(self.kId, "depth", value)

    def getKrefs(self) -> list[str]:
        value = self._get("krefs", str)
        return str(value).split() if value else []

    def setKrefs(self, krefs: list[str]) -> None:
        self._data.setTraitProperty(self.kId, "krefs", " ".join(krefs))


class DependentsTrait_v1(DependenciesTrait_v1):
    """Relationship: the revisions that depend on the entity (edges coming into it)."""

    kId = "splice:graph.Dependents"


DEPENDENCIES = DependenciesTrait_v1.kId
DEPENDENTS = DependentsTrait_v1.kId

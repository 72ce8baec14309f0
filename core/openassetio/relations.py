"""Relationship queries: splice's graph and an item's revisions as OpenAssetIO relationships.

- ``{usage.Relationship, splice:graph.Dependencies}``: the revisions the entity's revision
  depends on (its outgoing ``DEPENDS_ON`` edges, or ``edgeType``; ``depth`` hops);
- ``{usage.Relationship, splice:graph.Dependents}``: the revisions that depend on it;
- MediaCreation's EntityVersions (the item's revisions, newest first, after the dynamic
  ``latest`` reference), StableEntityVersions (the revisions only) and StableReference
  (the ``?r=N`` the reference selects now: a pin).

Each may also carry ``relationship.Unbounded``. Any other relationship has no results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openassetio.managerApi import EntityReferencePagerInterface
from openassetio.trait import TraitsData
from openassetio_mediacreation.specifications.lifecycle import (
    EntityVersionsRelationshipSpecification_v1,
    StableEntityVersionsRelationshipSpecification_v1,
    StableReferenceRelationshipSpecification_v1,
)

from ..backend import INCOMING, OUTGOING
from ..client import Client
from ..errors import ValidationError
from ..kref import Kref
from ..records import RevisionRecord
from ..validate import edge_type as check_edge_type
from . import traits as T
from .refs import Code, ElementError, Ref
from .resolving import OnError, entity_traits, parsed, revisions

_VERSIONS = frozenset(EntityVersionsRelationshipSpecification_v1.kTraitSet)
_STABLE_VERSIONS = frozenset(StableEntityVersionsRelationshipSpecification_v1.kTraitSet)
_STABLE_REF = frozenset(StableReferenceRelationshipSpecification_v1.kTraitSet)


def _graph(trait_set: set[str], trait: str) -> bool:
    return trait_set in ({T.RELATIONSHIP, trait}, {T.RELATIONSHIP, T.UNBOUNDED, trait})


def known(relationship: TraitsData) -> bool:
    """Whether splice answers this relationship (others have no results)."""
    trait_set = relationship.traitSet()
    return (
        _graph(trait_set, T.DEPENDENCIES)
        or _graph(trait_set, T.DEPENDENTS)
        or trait_set in (_VERSIONS, _STABLE_VERSIONS, _STABLE_REF)
    )


def _graph_query(client: Client, record: RevisionRecord, relationship: TraitsData) -> list[Kref]:
    outgoing = relationship.hasTrait(T.DEPENDENCIES)
    view = T.DependenciesTrait_v1(relationship) if outgoing else T.DependentsTrait_v1(relationship)
    try:
        edge_type, depth = check_edge_type(view.getEdgeType()), view.getDepth()
    except (ValidationError, TypeError) as exc:
        raise ElementError(Code.kInvalidTraitSet, str(exc)) from None
    if depth < 1:
        raise ElementError(Code.kInvalidTraitSet, f"depth must be 1 or more, not {depth}")
    nodes, _ = client.backend.traverse(
        record.kref, OUTGOING if outgoing else INCOMING, [edge_type], depth, None
    )
    return [n.revision_kref for n in nodes]


def _versions(client: Client, ref: Ref, record: RevisionRecord, relationship: TraitsData) -> list[Kref]:
    trait_set = relationship.traitSet()
    if trait_set == _STABLE_REF:
        return [ref.kref.with_revision(record.number)]
    newest_first = client.backend.list_revisions(ref.kref.base)[::-1]
    stable = trait_set == _STABLE_VERSIONS
    wanted = T.VersionTrait_v1(relationship).getSpecifiedTag()
    if wanted is not None:
        if wanted == "latest":
            return (
                [ref.kref.with_revision(newest_first[0].number) if stable else _dynamic(ref.kref)]
                if newest_first
                else []
            )
        newest_first = [r for r in newest_first if str(r.number) == wanted or wanted in r.tags]
    out = [ref.kref.with_revision(r.number) for r in newest_first]
    return out if stable or wanted is not None else [_dynamic(ref.kref), *out]


def _dynamic(kref: Kref) -> Kref:
    """The reference that follows the newest revision (keeping the artifact it names)."""
    return Kref(f"{kref.base}?a={kref.artifact}") if kref.artifact else kref.base


def _filtered(client: Client, found: list[Kref], result_traits: set[str]) -> list[Kref]:
    """The related references whose entity has every trait of ``result_traits``."""
    if not result_traits or not found:
        return found
    records = client.backend.batch_get_revisions(found)
    return [
        k
        for k, r in zip(found, records, strict=True)
        if r is not None and result_traits <= entity_traits(k.kind, r, r.default_artifact is not None)
    ]


def related(
    client: Client,
    refs: Sequence[str],
    relationship: TraitsData,
    result_traits: set[str],
    on_success: Callable[[int, list[str]], None],
    on_error: OnError,
) -> None:
    """Each reference's related references, for one relationship."""
    items = parsed(refs, on_error, Ref.check_readable)
    if not known(relationship):
        for idx, _ in items:
            on_success(idx, [])
        return
    graph = relationship.hasTrait(T.DEPENDENCIES) or relationship.hasTrait(T.DEPENDENTS)
    for idx, ref, record, _ in revisions(client, items, on_error, artifacts=False):
        try:
            found = (
                _graph_query(client, record, relationship)
                if graph
                else _versions(client, ref, record, relationship)
            )
        except ElementError as exc:
            on_error(idx, exc)
            continue
        on_success(idx, [str(k) for k in _filtered(client, found, result_traits)])


class Pager(EntityReferencePagerInterface):
    """Pages of references already found (a query is one round trip; pages only slice it)."""

    def __init__(self, refs: list, page_size: int) -> None:
        super().__init__()
        size = max(1, page_size)
        self._pages = [refs[i : i + size] for i in range(0, len(refs), size)]
        self._page = 0

    def hasNext(self, host_session) -> bool:
        return self._page < len(self._pages) - 1

    def get(self, host_session) -> list:
        return self._pages[self._page] if self._page < len(self._pages) else []

    def next(self, host_session) -> None:
        self._page += 1

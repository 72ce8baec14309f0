"""The OpenAssetIO ManagerInterface of splice: krefs as entity references.

Capabilities: entity reference identification, management policy, existence, trait
introspection, resolution, publishing and relationship queries. Each batch goes to the
store in as few round trips as it can (see :mod:`.resolving`); a failure of one element
is a BatchElementError with its code (:func:`.refs.element_error`), a failure of the store
itself an exception for the whole batch.

Settings: ``store_url`` (empty: ``$SPLICE_URL`` or the per-user embedded store, as
``splice.connect()`` picks) and ``store_files`` (store local files content-addressed when
their project has a file store; see :mod:`.publishing`).
"""

from __future__ import annotations

from openassetio import constants
from openassetio.access import (
    EntityTraitsAccess,
    PolicyAccess,
    PublishingAccess,
    RelationsAccess,
    ResolveAccess,
)
from openassetio.errors import ConfigurationException
from openassetio.managerApi import ManagerInterface
from openassetio.trait import TraitsData

from ..client import Client
from . import publishing, relations, resolving
from . import traits as T
from .refs import PREFIX, Code, ElementError

IDENTIFIER = "io.splice.manager"
DISPLAY_NAME = "splice"
_SETTINGS = {"store_url": str, "store_files": bool}
_CAPABILITIES = {
    ManagerInterface.Capability.kEntityReferenceIdentification,
    ManagerInterface.Capability.kManagementPolicyQueries,
    ManagerInterface.Capability.kEntityTraitIntrospection,
    ManagerInterface.Capability.kExistenceQueries,
    ManagerInterface.Capability.kResolution,
    ManagerInterface.Capability.kPublishing,
    ManagerInterface.Capability.kRelationshipQueries,
}


def _errors(callback):
    """An element error callback taking :class:`ElementError`."""
    return lambda idx, exc: callback(idx, exc.batch_error())


class SpliceManagerInterface(ManagerInterface):
    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[str, object] = {"store_url": "", "store_files": True}
        self._client: Client | None = None

    # -- identity and settings -------------------------------------------------------
    def identifier(self) -> str:
        return IDENTIFIER

    def displayName(self) -> str:
        return DISPLAY_NAME

    def info(self) -> dict:
        # hosts check the prefix themselves, without calling the manager
        return {constants.kInfoKey_EntityReferencesMatchPrefix: PREFIX}

    def hasCapability(self, capability) -> bool:
        return capability in _CAPABILITIES

    def settings(self, hostSession) -> dict:
        return dict(self._settings)

    def initialize(self, managerSettings, hostSession) -> None:
        for key, value in managerSettings.items():
            kind = _SETTINGS.get(key)
            if kind is None:
                raise ConfigurationException(f"unknown setting {key!r}; allowed: {sorted(_SETTINGS)}")
            if type(value) is not kind:
                raise ConfigurationException(f"setting {key!r} must be a {kind.__name__}, not {value!r}")
        wanted = {**self._settings, **managerSettings}
        if self._client is None or wanted["store_url"] != self._settings["store_url"]:
            client = Client.open(wanted["store_url"] or None)  # empty: splice's default store
            if self._client is not None:
                self._client.close()
            self._client = client
        self._settings = wanted

    @property
    def client(self) -> Client:
        if self._client is None:
            raise ConfigurationException("the splice manager is not initialized")
        return self._client

    def flushCaches(self, hostSession) -> None:
        """Nothing is cached: every query reads the store."""

    # -- policy and identification ---------------------------------------------------
    def managementPolicy(self, traitSets, policyAccess, context, hostSession):
        return [self._policy(set(trait_set), policyAccess) for trait_set in traitSets]

    @staticmethod
    def _policy(trait_set: set[str], access) -> TraitsData:
        policy = TraitsData()
        if T.RELATIONSHIP in trait_set:
            if access == PolicyAccess.kRead and relations.known(TraitsData(trait_set)):
                T.ManagedTrait_v1.imbueTo(policy)
            return policy
        if T.ENTITY not in trait_set:
            return policy
        if access == PolicyAccess.kRead:
            T.ManagedTrait_v1.imbueTo(policy)
            policy.addTraits(trait_set & {T.LOCATABLE, T.VERSION})  # what resolve fills in
        elif access == PolicyAccess.kWrite:
            T.ManagedTrait_v1.imbueTo(policy)
            policy.addTraits(trait_set - {T.VERSION})  # every property is kept (see publishing)
        return policy

    def isEntityReferenceString(self, someString, hostSession) -> bool:
        return someString.startswith(PREFIX)

    def _ref(self, text: str):
        return self._createEntityReference(text)

    # -- reading ---------------------------------------------------------------------
    def entityExists(self, entityReferences, context, hostSession, successCallback, errorCallback):
        refs = [r.toString() for r in entityReferences]
        resolving.exists(self.client, refs, successCallback, _errors(errorCallback))

    def entityTraits(
        self, entityReferences, entityTraitsAccess, context, hostSession, successCallback, errorCallback
    ):
        refs = [r.toString() for r in entityReferences]
        if entityTraitsAccess == EntityTraitsAccess.kWrite:
            resolving.write_traits(refs, successCallback, _errors(errorCallback))
        else:
            resolving.read_traits(self.client, refs, successCallback, _errors(errorCallback))

    def resolve(
        self, entityReferences, traitSet, resolveAccess, context, hostSession, successCallback, errorCallback
    ):
        refs = [r.toString() for r in entityReferences]
        on_error = _errors(errorCallback)
        if resolveAccess == ResolveAccess.kRead:
            resolving.resolve(self.client, refs, set(traitSet), successCallback, on_error)
            return
        # manager-driven (for a publish): splice drives no trait; read-only targets are refused
        for idx, _ in resolving.parsed(refs, on_error, lambda ref: ref.check_writable()):
            successCallback(idx, TraitsData())

    # -- publishing ------------------------------------------------------------------
    def preflight(
        self,
        targetEntityRefs,
        traitsHints,
        publishingAccess,
        context,
        hostSession,
        successCallback,
        errorCallback,
    ):
        on_error = _errors(errorCallback)
        if publishing.check_writable_access(
            publishingAccess, PublishingAccess.kWrite, "preflight", len(targetEntityRefs), on_error
        ):
            refs = [r.toString() for r in targetEntityRefs]
            publishing.preflight(
                self.client,
                refs,
                traitsHints,
                lambda idx, ref: successCallback(idx, self._ref(ref)),
                on_error,
            )

    def register(
        self,
        targetEntityRefs,
        entityTraitsDatas,
        publishingAccess,
        context,
        hostSession,
        successCallback,
        errorCallback,
    ):
        on_error = _errors(errorCallback)
        if publishing.check_writable_access(
            publishingAccess, PublishingAccess.kWrite, "register", len(targetEntityRefs), on_error
        ):
            refs = [r.toString() for r in targetEntityRefs]
            settings = publishing.Settings(store_files=bool(self._settings["store_files"]))
            publishing.register(
                self.client,
                refs,
                entityTraitsDatas,
                settings,
                lambda idx, ref: successCallback(idx, self._ref(ref)),
                on_error,
            )

    # -- relationships ---------------------------------------------------------------
    def getWithRelationship(
        self,
        entityReferences,
        relationshipTraitsData,
        resultTraitSet,
        pageSize,
        relationsAccess,
        context,
        hostSession,
        successCallback,
        errorCallback,
    ):
        refs = [r.toString() for r in entityReferences]
        self._related(
            refs,
            list(range(len(refs))),
            [relationshipTraitsData] * len(refs),
            resultTraitSet,
            pageSize,
            relationsAccess,
            successCallback,
            errorCallback,
        )

    def getWithRelationships(
        self,
        entityReference,
        relationshipTraitsDatas,
        resultTraitSet,
        pageSize,
        relationsAccess,
        context,
        hostSession,
        successCallback,
        errorCallback,
    ):
        n = len(relationshipTraitsDatas)
        self._related(
            [entityReference.toString()] * n,
            list(range(n)),
            list(relationshipTraitsDatas),
            resultTraitSet,
            pageSize,
            relationsAccess,
            successCallback,
            errorCallback,
        )

    def _related(self, refs, indices, relationships, result_traits, page_size, access, on_success, on_error):
        if access != RelationsAccess.kRead:
            for idx in indices:
                on_error(
                    idx,
                    ElementError(
                        Code.kEntityAccessError, "relationship queries support kRead only"
                    ).batch_error(),
                )
            return
        # one query per distinct relationship (getWithRelationship has one for the whole batch)
        groups: dict[int, list[int]] = {}
        for idx, rel in zip(indices, relationships, strict=True):
            groups.setdefault(id(rel), []).append(idx)
        for members in groups.values():
            relationship = TraitsData(relationships[members[0]])  # a copy: nothing of the caller's is kept
            relations.related(
                self.client,
                [refs[i] for i in members],
                relationship,
                set(result_traits),
                lambda j, found, members=members: on_success(
                    members[j], relations.Pager([self._ref(f) for f in found], page_size)
                ),
                lambda j, exc, members=members: on_error(members[j], exc.batch_error()),
            )

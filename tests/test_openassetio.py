"""The splice OpenAssetIO manager: OpenAssetIO's own compliance suite, and a host that
resolves and publishes through the OpenAssetIO API alone (the plug-in found by its entry
point), on real SQLite stores."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("openassetio")
pytest.importorskip("openassetio_mediacreation")

from openassetio import access, hostApi, log
from openassetio.errors import BatchElementError, BatchElementException
from openassetio.pluginSystem import PythonPluginSystemManagerImplementationFactory
from openassetio.trait import TraitsData
from openassetio.utils import FileUrlPathConverter
from openassetio_mediacreation.specifications.lifecycle import (
    EntityVersionsRelationshipSpecification_v1,
    StableReferenceRelationshipSpecification_v1,
)
from openassetio_mediacreation.specifications.threeDimensional import (
    SceneGeometryResourceSpecification_v1,
)
from openassetio_mediacreation.traits.content import LocatableContentTrait_v1
from openassetio_mediacreation.traits.lifecycle import VersionTrait_v1
from openassetio_mediacreation.traits.usage import RelationshipTrait_v1
from openassetio_support import HERO, METAL, TEX, seed

from splice.client import Client
from splice.openassetio.traits import DependenciesTrait_v1, DependentsTrait_v1

TESTS = Path(__file__).parent
IDENTIFIER = "io.splice.manager"
# the suite's classes that skip unless a capability splice does not declare is there
UNDECLARED = {
    "Test_createChildState": "kStatefulContexts",
    "Test_persistenceTokenForState": "kStatefulContexts",
    "Test_stateFromPersistenceToken": "kStatefulContexts",
    "Test_updateTerminology": "kCustomTerminology",
}
_RESULT = re.compile(r"^(test_\w+) \([\w.]*\.(Test_\w+)\.test_\w+\) \.\.\. (ok|skipped '(.*)'|FAIL|ERROR)$")
_paths = FileUrlPathConverter()


# -- the compliance suite ------------------------------------------------------------
def test_openassetio_compliance_suite_passes_with_no_skip_of_a_declared_capability(tmp_path: Path) -> None:
    env = {**os.environ, "SPLICE_OPENASSETIO_STORE": str(tmp_path)}
    env.pop("OPENASSETIO_DISABLE_ENTRYPOINTS_PLUGINS", None)
    run = subprocess.run(
        [sys.executable, "-m", "openassetio.test.manager", "-f", str(TESTS / "openassetio_fixtures.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    results = [m.groups() for m in map(_RESULT.match, run.stderr.splitlines()) if m]
    ran = int(re.search(r"^Ran (\d+) tests", run.stderr, re.M).group(1))
    assert len(results) == ran >= 69
    assert not [r for r in results if r[2] in ("FAIL", "ERROR")]
    skipped = {(cls, name): reason for name, cls, outcome, reason in results if outcome.startswith("skipped")}
    assert set(cls for cls, _ in skipped) <= set(UNDECLARED), skipped
    assert len(skipped) == 4, skipped  # BAL, the reference manager, skips 12 of 69
    manager = _manager(f"sqlite:///{tmp_path / 'store.db'}")
    for capability in set(UNDECLARED.values()):
        assert not manager.hasCapability(getattr(hostApi.Manager.Capability, capability))
    # the suite's registers made real revisions, each with its file
    with Client.open(f"sqlite:///{tmp_path / 'store.db'}") as client:
        revisions = client.get_item("kref://oaio/assets/plate.image").get_revisions()
        assert len(revisions) >= 2
        assert all(r.get_artifact("exr").location.endswith("tex_v1.exr") for r in revisions)


# -- a host ----------------------------------------------------------------------------
class _Host(hostApi.HostInterface):
    def identifier(self) -> str:
        return "io.splice.tests.host"

    def displayName(self) -> str:
        return "splice tests"


def _manager(url: str | None = None, config: Path | None = None) -> hostApi.Manager:
    """The manager as an application gets it: the plug-in system finds it by entry point."""
    logger = log.SeverityFilter(log.ConsoleLogger())
    logger.setSeverity(log.LoggerInterface.Severity.kError)
    factory = PythonPluginSystemManagerImplementationFactory(logger)
    assert IDENTIFIER in factory.identifiers()
    if config is not None:
        return hostApi.ManagerFactory.defaultManagerForInterface(str(config), _Host(), factory, logger)
    manager = hostApi.ManagerFactory.createManagerForInterface(IDENTIFIER, _Host(), factory, logger)
    manager.initialize({"store_url": url})
    return manager


@pytest.fixture
def seeded(tmp_path: Path):
    return seed(tmp_path)


@pytest.fixture
def manager(seeded, tmp_path: Path) -> hostApi.Manager:
    config = tmp_path / "openassetio.toml"  # the default-manager file OpenAssetIO hosts read
    config.write_text(
        f'[manager]\nidentifier = "{IDENTIFIER}"\n[manager.settings]\nstore_url = "{seeded.url}"\n'
    )
    return _manager(config=config)


def _resolve(manager, kref: str) -> TraitsData:
    ref = manager.createEntityReference(kref)
    traits = {LocatableContentTrait_v1.kId, VersionTrait_v1.kId}
    return manager.resolve(ref, traits, access.ResolveAccess.kRead, manager.createContext())


def _path(data: TraitsData) -> str:
    return _paths.pathFromUrl(LocatableContentTrait_v1(data).getLocation())


def _related(manager, kref: str, relationship: TraitsData, traits: set[str] | None = None) -> list[str]:
    pager = manager.getWithRelationship(
        manager.createEntityReference(kref),
        relationship,
        10,
        access.RelationsAccess.kRead,
        manager.createContext(),
        traits or set(),
    )
    found = []
    while page := pager.get():
        found += [r.toString() for r in page]
        pager.next()
    return found


def _publish_data(path: Path, depends_on: list[str] = ()) -> TraitsData:
    data = TraitsData(set(SceneGeometryResourceSpecification_v1.kTraitSet))
    LocatableContentTrait_v1(data).setLocation(_paths.pathToUrl(str(path)))
    if depends_on:
        DependenciesTrait_v1(data).setKrefs(list(depends_on))
    return data


def test_a_host_resolves_a_tag_and_a_moment_in_its_history(manager, seeded) -> None:
    now = _resolve(manager, f"{HERO}?t=published")
    assert Path(_path(now)).read_text() == "hero_v2.abc\n"
    assert VersionTrait_v1(now).getStableTag() == "2"
    assert VersionTrait_v1(now).getSpecifiedTag() == "published"
    then = _resolve(manager, f"{HERO}?t=published&time={seeded.first_published_at}")
    assert Path(_path(then)).read_text() == "hero_v1.abc\n"
    assert VersionTrait_v1(then).getStableTag() == "1"


def test_a_host_publishes_with_preflight_and_register_in_one_transaction(manager, seeded) -> None:
    context = manager.createContext()
    hint = TraitsData(set(SceneGeometryResourceSpecification_v1.kTraitSet))
    target = manager.createEntityReference(HERO)
    working = manager.preflight(target, hint, access.PublishingAccess.kWrite, context)
    assert working.toString().startswith(f"{HERO}#publish=")
    with pytest.raises(BatchElementException) as raised:  # the revision to be cannot be read
        _resolve(manager, working.toString())
    assert raised.value.error.code == BatchElementError.ErrorCode.kEntityAccessError
    with Client.open(seeded.url) as client:
        assert len(client.get_item(HERO).get_revisions()) == 2  # preflight wrote nothing
    new_file = seeded.file("hero_v3.abc")
    new_file.write_text("hero_v3.abc\n")
    data = _publish_data(new_file, [f"{TEX}?r=1"])
    made = manager.register(working, data, access.PublishingAccess.kWrite, context)
    assert made.toString() == f"{HERO}?r=3"
    # sent again (a retried register): the same revision, nothing new
    again = manager.register(working, data, access.PublishingAccess.kWrite, context)
    assert again.toString() == f"{HERO}?r=3"
    # an abandoned preflight leaves no gap; a register without one takes the next number
    manager.preflight(target, hint, access.PublishingAccess.kWrite, context)
    plain = manager.register(target, _publish_data(new_file), access.PublishingAccess.kWrite, context)
    assert plain.toString() == f"{HERO}?r=4"
    with Client.open(seeded.url) as client:
        r3 = client.get_revision(f"{HERO}?r=3")
        assert r3.get_artifact("abc").location == str(new_file)
        assert [str(e.target_kref) for e in r3.get_edges()] == [f"{TEX}?r=1"]
        assert client.resolve(HERO) == str(new_file)
        assert [r.number for r in client.get_item(HERO).get_revisions()] == [1, 2, 3, 4]
    # read back through OpenAssetIO: latest is the new one, and the traits it carried
    latest = _resolve(manager, HERO)
    assert VersionTrait_v1(latest).getStableTag() == "4"
    traits = manager.entityTraits(
        manager.createEntityReference(f"{HERO}?r=3"), access.EntityTraitsAccess.kRead, context
    )
    assert set(SceneGeometryResourceSpecification_v1.kTraitSet) <= traits


def test_concurrent_registers_get_gapless_numbers(seeded) -> None:
    count = 4
    barrier = threading.Barrier(count)
    made: list[str] = []
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            manager = _manager(seeded.url)  # a process of its own, as far as the store is concerned
            context = manager.createContext()
            data = _publish_data(seeded.file("hero_v1.abc"))
            barrier.wait()
            ref = manager.register(
                manager.createEntityReference(HERO), data, access.PublishingAccess.kWrite, context
            )
            made.append(ref.toString())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(made) == sorted(f"{HERO}?r={n}" for n in range(3, 3 + count))


def test_a_register_with_a_missing_dependency_writes_nothing(manager, seeded) -> None:
    data = _publish_data(seeded.file("hero_v1.abc"), [f"{TEX}?r=7"])
    with pytest.raises(BatchElementException) as raised:
        manager.register(
            manager.createEntityReference(HERO), data, access.PublishingAccess.kWrite, manager.createContext()
        )
    assert raised.value.error.code == BatchElementError.ErrorCode.kInvalidTraitSet
    assert f"{TEX}?r=7" in raised.value.error.message
    with Client.open(seeded.url) as client:
        assert len(client.get_item(HERO).get_revisions()) == 2


def test_relationships_are_splice_edges_and_an_items_revisions(manager) -> None:
    deps = TraitsData({RelationshipTrait_v1.kId, DependenciesTrait_v1.kId})
    assert _related(manager, f"{HERO}?t=published", deps) == [f"{METAL}?r=1", f"{TEX}?r=1"]
    dependents = TraitsData({RelationshipTrait_v1.kId, DependentsTrait_v1.kId})
    assert _related(manager, f"{TEX}?r=1", dependents) == [f"{HERO}?r=2"]
    versions = EntityVersionsRelationshipSpecification_v1.create().traitsData()
    assert _related(manager, f"{HERO}?r=1", versions) == [HERO, f"{HERO}?r=2", f"{HERO}?r=1"]
    pin = StableReferenceRelationshipSpecification_v1.create().traitsData()
    assert _related(manager, f"{HERO}?t=published", pin) == [f"{HERO}?r=2"]


def test_errors_are_batch_element_errors_with_their_codes(manager) -> None:
    codes = {}
    manager.resolve(
        [
            manager.createEntityReference(k)
            for k in (f"{HERO}?r=9", "kref://oaio/assets", f"{HERO}?t=published", "kref://oaio/x/y.model?r=0")
        ],
        {LocatableContentTrait_v1.kId},
        access.ResolveAccess.kRead,
        manager.createContext(),
        lambda idx, data: codes.setdefault(idx, "ok"),
        lambda idx, error: codes.setdefault(idx, error.code),
    )
    code = BatchElementError.ErrorCode
    assert codes == {
        0: code.kEntityResolutionError,
        1: code.kMalformedEntityReference,
        2: "ok",
        3: code.kMalformedEntityReference,
    }
    assert not manager.isEntityReferenceString("bal:///hero")


def test_a_local_file_goes_to_the_projects_file_store(manager, seeded, tmp_path: Path) -> None:
    pytest.importorskip("dvc")
    store = tmp_path / "filestore"
    with Client.open(seeded.url) as client:
        client.get_project("oaio").set_attribute("files.store", str(store))
    made = manager.register(
        manager.createEntityReference(HERO),
        _publish_data(seeded.file("hero_v1.abc")),
        access.PublishingAccess.kWrite,
        manager.createContext(),
    )
    with Client.open(seeded.url) as client:
        artifact = client.get_revision(made.toString()).get_artifact("abc")
        assert artifact.location.startswith(str(store))
        assert Path(artifact.location).read_text() == "hero_v1.abc\n"
        assert artifact.metadata["filename"] == "hero_v1.abc"

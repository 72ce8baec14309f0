"""Publishing with pyblish on MemoryHost, on every engine: one transaction per publish with
stored files, DEPENDS_ON edges to what the scene loaded, tags and events; failed checks
that write nothing and say how to fix them; repairs; plug-ins found on PYBLISHPLUGINPATH."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from host_support import HERO, TEXTURE, Show, make_show, read_json, scene_with_hero
from model_support import dump, events

import splice
import splice.files
import splice.pipeline
from splice.errors import AlreadyExistsError, ValidationError
from splice.pipeline import MemoryHost, publish
from splice.pipeline.memory import PLUGINS_DIR


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    return make_show(client, tmp_path, monkeypatch)


def _publish(show: Show, host: MemoryHost, **kwargs) -> publish.PublishReport:
    return publish.publish(host, show.client, paths=[PLUGINS_DIR], **kwargs)


def test_publish_writes_one_revision_with_files_edges_tags_and_metadata(show: Show) -> None:
    host = scene_with_hero(show)
    host.save_file(show.root / "hero_modeling.scene")
    report = _publish(show, host)
    assert report.success, report.to_text()
    assert report.revisions == [f"{HERO}?r=1"]

    revision = show.client.get_revision(f"{HERO}?r=1")
    assert revision.tags == ["approved", "latest"] or set(revision.tags) == {"approved", "latest"}
    meta = revision.metadata
    assert meta["artist"] == "tester" and meta["host"] == "memory" and meta["task"] == "modeling"
    assert meta["host_version"] == host.version and meta["instance"] == "hero"
    assert meta["scene"] == str(show.root / "hero_modeling.scene")
    [artifact] = revision.get_artifacts()
    assert artifact.name == "json" and revision.default_artifact == "json"
    assert Path(artifact.location).is_file() and str(show.store) in artifact.location  # the stored object
    # the files come back from the store, verified
    [pulled] = splice.files.pull(revision.kref, to=show.root / "pulled", client=show.client)
    assert read_json(pulled) == {"hero": {"faces": 6, "mesh": "cube"}}
    # DEPENDS_ON the texture the scene loaded
    [edge] = revision.get_edges(direction=splice.OUTGOING)
    assert (edge.edge_type, str(edge.target_kref)) == ("DEPENDS_ON", f"{TEXTURE}?r=1")
    dependents = show.client.get_revision(f"{TEXTURE}?r=1").get_all_dependents()
    assert [str(k) for k in dependents.revision_krefs] == [f"{HERO}?r=1"]


def test_the_item_is_created_in_the_same_transaction_as_its_events_show(show: Show) -> None:
    report = _publish(show, scene_with_hero(show))
    assert report.success, report.to_text()
    keys = [key for key, kref, _ in events(show.client) if kref.startswith(HERO)]
    assert keys[:2] == ["item.created", "revision.created"]
    assert "artifact.added" in keys and "edge.created" in keys and "revision.tagged" in keys


def test_second_publish_makes_r2_and_stores_only_new_content(show: Show) -> None:
    host = scene_with_hero(show)
    assert _publish(show, host).success
    before = show.objects()
    again = _publish(show, host)  # same content: no new object
    assert again.revisions == [f"{HERO}?r=2"]
    assert show.objects() == before
    host.content["hero"]["faces"] = 12
    third = _publish(show, host)
    assert third.revisions == [f"{HERO}?r=3"]
    assert len(show.objects() - before) == 1


def test_several_instances_publish_in_one_transaction(show: Show) -> None:
    host = scene_with_hero(show)
    host.content["prop"] = {"mesh": "sphere"}
    splice.pipeline.create(host, "model", "prop")
    report = _publish(show, host)
    assert report.success, report.to_text()
    assert report.revisions == [f"{HERO}?r=1", "kref://show/assets/prop.model?r=1"]


def test_failing_validator_publishes_nothing_and_says_how_to_fix_it(show: Show) -> None:
    host = scene_with_hero(show, members=[])
    host.content["hero"] = {"mesh": "cube"}
    host.update_instance(host.list_instances()[0])
    before = dump(show.client)
    objects = show.objects()
    report = _publish(show, host)
    assert not report.success and report.stopped_at == "validate" and report.revisions == []
    [failure] = report.failures
    assert (failure.label, failure.instance, failure.repairable) == ("Instance has members", "hero", True)
    assert "no members" in failure.message and "selection" in failure.fix
    text = report.to_text()
    assert "Nothing was published" in text and "✗ Instance has members on hero" in text and "Fix:" in text
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json["success"] is False and as_json["failures"][0]["fix"] == failure.fix
    assert dump(show.client) == before and show.objects() == objects  # nothing written, nothing stored


def test_repair_fixes_what_it_can_then_publishes(show: Show) -> None:
    host = scene_with_hero(show, members=[])
    host.set_selection(["hero"])
    before = dump(show.client)
    assert publish.repair(host, show.client, paths=[PLUGINS_DIR]) == ["Instance has members on hero"]
    assert host.list_instances()[0].options["members"] == ["hero"]  # repaired in the scene itself
    assert dump(show.client) == before  # repairing publishes nothing
    fresh = scene_with_hero(show, show.host(), members=[])
    fresh.set_selection(["hero"])
    report = _publish(show, fresh, repair=True)
    assert report.success, report.to_text()
    assert report.repaired == ["Instance has members on hero"] and report.revisions == [f"{HERO}?r=1"]
    assert "Repaired first: Instance has members on hero" in report.to_text()


def test_a_failure_in_the_batch_writes_nothing_for_any_instance(show: Show) -> None:
    host = scene_with_hero(show)
    host.content["prop"] = {"mesh": "sphere"}
    splice.pipeline.create(host, "model", "prop", options={"tags": ["latest"]})  # latest is not for hands
    before = dump(show.client)
    report = _publish(show, host)
    assert report.stopped_at == "integrate" and report.revisions == []
    assert "latest" in report.failures[0].message
    assert dump(show.client) == before


def test_extraction_failure_stops_before_integrating(show: Show) -> None:
    host = scene_with_hero(show, members=["hero", "ghost"])
    before = dump(show.client)
    report = _publish(show, host)
    assert report.stopped_at == "extract"
    assert "['ghost'] are not in the scene" in report.failures[0].message
    assert dump(show.client) == before


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("kref://other/assets/hero.model", "outside the scene's project 'show'"),
        ("kref://show/nowhere/hero.model", "kref://show/nowhere does not exist"),
    ],
)
def test_an_instance_that_cannot_become_a_revision_is_refused(show: Show, item: str, expected: str) -> None:
    host = scene_with_hero(show)
    host.remove_instance("hero")
    splice.pipeline.create(host, "model", "hero", item=item)
    report = _publish(show, host)
    assert report.stopped_at == "validate"
    assert expected in report.failures[0].message and report.failures[0].fix


def test_publishing_to_a_deprecated_item_is_refused(show: Show) -> None:
    host = scene_with_hero(show)
    assert _publish(show, host).success
    show.client.get_item(HERO).set_deprecated(True)
    report = _publish(show, host)
    assert report.stopped_at == "validate" and "deprecated" in report.failures[0].message


def test_inactive_instances_are_skipped_and_no_instances_is_an_error(show: Show) -> None:
    host = scene_with_hero(show)
    [hero] = host.list_instances()
    host.update_instance(type(hero)(hero.name, hero.kind, hero.item, hero.options, active=False))
    report = _publish(show, host)
    assert report.stopped_at == "integrate" and "no active instances" in report.failures[0].message


def test_existing_files_publish_with_the_files_option(show: Show) -> None:
    movie = show.root / "review.mov"
    movie.write_bytes(b"\x00movie")
    host = show.host()
    splice.pipeline.create(host, "review", "hero_turntable", options={"files": {"movie": str(movie)}})
    report = _publish(show, host)
    assert report.success, report.to_text()
    revision = show.client.get_revision(report.revisions[0])
    assert [a.name for a in revision.get_artifacts()] == ["movie"]
    assert revision.get_artifact("movie").metadata["filename"] == "review.mov"


def test_plugins_on_pyblishpluginpath_run_for_their_host(
    show: Show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "studio_plugins"
    folder.mkdir()
    (folder / "validate_naming.py").write_text(textwrap.dedent('''
        import pyblish.api
        from splice.pipeline.publish import PublishValidationError

        class ValidateStudioNaming(pyblish.api.InstancePlugin):
            label = "Studio naming"
            order = pyblish.api.ValidatorOrder
            hosts = ["memory"]
            families = ["model"]

            def process(self, instance):
                if not instance.name.islower():
                    raise PublishValidationError(f"{instance.name} is not lower case", fix="rename it")

        class OnlyInMaya(pyblish.api.InstancePlugin):
            order = pyblish.api.ValidatorOrder
            hosts = ["maya"]

            def process(self, instance):
                raise RuntimeError("must not run in memory")
    '''))
    monkeypatch.setenv("PYBLISHPLUGINPATH", str(folder))
    host = show.host()
    host.content["Hero"] = {}
    splice.pipeline.create(host, "model", "Hero")
    report = _publish(show, host)
    assert [(f.label, f.message) for f in report.failures] == [("Studio naming", "Hero is not lower case")]
    assert "OnlyInMaya" not in {c.plugin for c in report.checks}


def test_create_defaults_the_item_to_the_context_space(show: Show) -> None:
    host = show.host()
    instance = splice.pipeline.create(host, "rig", "hero", options={"comment": "first"})
    assert instance.item == "kref://show/assets/hero.rig" and host.list_instances() == [instance]
    with pytest.raises(AlreadyExistsError):
        splice.pipeline.create(host, "rig", "hero")
    with pytest.raises(ValidationError, match="kind"):
        splice.pipeline.create(host, "Not A Kind", "x")
    with pytest.raises(ValidationError, match="no space in the scene's context"):
        splice.pipeline.create(MemoryHost(), "model", "hero")
    assert host.list_instances() == [instance]


def test_the_scene_s_loaded_files_come_back_with_what_was_published(show: Show) -> None:
    """A published scene file refers to the texture by its checkout path; on another machine
    (same cache location, empty checkouts) loading the model fetches it to that path again."""
    host = scene_with_hero(show)
    [texture] = host.ls_containers()
    image = Path(host.content[texture.key]["image"])
    assert _publish(show, host).success
    [edge] = show.client.get_revision(f"{HERO}?r=1").get_edges()
    assert edge.metadata == {"representations": "diffuse"}
    shutil.rmtree(show.root / "checkouts")  # another machine
    assert not image.exists()
    other = show.host("layout")
    splice.pipeline.load(other, f"{HERO}?r=1", loaders=show.loaders, client=show.client)
    assert image.read_text() == "EXR metal v1"
    assert splice.pipeline.loading.fetch_dependencies(
        show.client.get_revision(f"{HERO}?r=1"), client=show.client
    ) == [image]


# -- nothing raises out of publish(): every failure is in the report, nothing is written ---------


def _assert_nothing_written(show: Show, before: object, objects: set[str]) -> None:
    assert dump(show.client) == before and show.objects() == objects


def test_a_plugin_file_that_cannot_be_imported_is_named_and_nothing_runs(
    show: Show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyblish's discovery logs and skips a file that raises on import: without the report
    saying so, a missing validator would let a bad publish through (a missing integrator:
    "success", nothing written)."""
    folder = tmp_path / "studio_plugins"
    folder.mkdir()
    (folder / "integrate_farm.py").write_text("import dvc_data_not_installed\n")
    (folder / "validate_typo.py").write_text("import pyblish.api\nclass Broken(pyblish.api.InstancePlugin:\n")
    monkeypatch.setenv("PYBLISHPLUGINPATH", str(folder))
    host = scene_with_hero(show)
    before, objects = dump(show.client), show.objects()
    report = _publish(show, host)
    assert not report.success and report.stopped_at == "discover" and report.revisions == []
    by_file = {f.label: f for f in report.failures}
    assert set(by_file) == {"plug-in file integrate_farm.py", "plug-in file validate_typo.py"}
    missing = by_file["plug-in file integrate_farm.py"]
    assert str(folder / "integrate_farm.py") in missing.message
    assert "ModuleNotFoundError: No module named 'dvc_data_not_installed'" in missing.message
    assert "install it" in (missing.fix or "") and missing.traceback
    assert "SyntaxError" in by_file["plug-in file validate_typo.py"].message
    assert "Traceback" not in report.to_text() and "full traceback is in the log" in report.to_text()
    _assert_nothing_written(show, before, objects)
    # the same folder without the broken files publishes: discovery went on past them
    (folder / "integrate_farm.py").unlink()
    (folder / "validate_typo.py").unlink()
    assert _publish(show, host).success


def test_an_integrator_whose_file_store_raises_is_a_failure_with_nothing_written(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file store missing a module (dvc_data in a DCC's Python) surfaces in the integrator."""

    def no_module(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'dvc_data'")

    monkeypatch.setattr(splice.files, "upload", no_module)  # the integrator imports it when discovered
    host = scene_with_hero(show)
    before, objects = dump(show.client), show.objects()
    report = _publish(show, host)
    assert report.stopped_at == "integrate" and report.revisions == []
    [failure] = report.failures
    assert failure.label == "Integrate into splice"
    assert failure.message == "ModuleNotFoundError: No module named 'dvc_data'"
    assert "no_module" in (failure.traceback or "") and "Traceback" not in report.to_text()
    assert json.loads(json.dumps(report.to_dict()))["failures"][0]["traceback"] == failure.traceback
    _assert_nothing_written(show, before, objects)


def test_a_repair_that_raises_is_a_failure_and_nothing_is_published(show: Show, monkeypatch) -> None:
    host = scene_with_hero(show, members=[])

    def broken(*args: object) -> None:
        raise RuntimeError("the selection is gone")

    monkeypatch.setattr(host, "get_selection", broken)  # the repair takes the selection
    before, objects = dump(show.client), show.objects()
    report = _publish(show, host, repair=True)
    assert report.stopped_at == "repair" and report.revisions == [] and report.repaired == []
    [failure] = report.failures
    assert (failure.label, failure.instance) == ("Instance has members", "hero")
    assert "RuntimeError: the selection is gone" in failure.message and "by hand" in (failure.fix or "")
    _assert_nothing_written(show, before, objects)
    with pytest.raises(publish.PublishValidationError, match="the selection is gone"):
        publish.repair(host, show.client, paths=[PLUGINS_DIR])


def test_a_host_that_cannot_name_its_scene_file_fails_the_collection(show: Show, monkeypatch) -> None:
    host = scene_with_hero(show)

    def broken() -> None:
        raise OSError("the scene's drive is gone")

    monkeypatch.setattr(host, "current_file", broken)
    report = _publish(show, host)
    assert report.stopped_at == "collect" and report.scene is None and report.revisions == []
    assert "OSError: the scene's drive is gone" in report.failures[0].message


def test_an_unreachable_store_is_a_failure_not_an_exception(
    show: Show, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = splice.pipeline.install(scene_with_hero(show))  # no client: the publish opens $SPLICE_URL…
    monkeypatch.setenv("SPLICE_URL", "http://127.0.0.1:9")  # …a server that is not there
    monkeypatch.setenv("SPLICE_TOKEN", "spl_test")
    try:
        report = publish.publish(host, paths=[PLUGINS_DIR])
    finally:
        splice.pipeline.uninstall()
    assert report.stopped_at == "connect" and not report.success
    assert "did not answer" in report.failures[0].message


def test_the_repair_hint_says_what_to_click_where_the_artist_is(show: Show) -> None:
    report = _publish(show, scene_with_hero(show, members=[]))
    assert "Repairable: run the publish with repair (splice publish --repair)." in report.to_text()
    hint = "choose splice › Publish (repair first) in the menu"
    assert f"Repairable: {hint}." in report.to_text(hint) and "--repair" not in report.to_text(hint)

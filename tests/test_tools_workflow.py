"""An artist's whole day in the tool windows, on every engine (SQLite, PostgreSQL, and both
behind a splice server), offscreen (pytest-qt) on a MemoryHost and a real store with its real
file store, driven only by clicks and keys: load two items from the Loader, see them current
in the Scene Inventory, a colleague publishes, Refresh shows the row outdated, Update to
latest changes the scene; mark the model for publishing in the Creator, Publish fails a check
(its fix shown) and writes nothing, Repair publishes, and the Loader lists the new revision."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from host_support import Show, make_show, read_json
from model_support import dump
from tools_support import (
    ASSETS,
    WAIT,
    button,
    inventory_rows,
    inventory_select,
    inventory_states,
    loader_in_scene,
    loader_item_names,
    loader_load,
    loader_pick_item,
    loader_refresh,
    loader_revisions,
    press,
    publish_json,
    publisher_failures,
    publisher_run,
    revision_numbers,
    status_is_error,
    status_text,
)

import splice
import splice.files
import splice.tools
from splice.pipeline.memory import PLUGINS_DIR

HERO = f"{ASSETS}/hero.model"
TREE = f"{ASSETS}/tree.model"


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    """show/assets: metal.texture r1 (make_show), hero.model r1, tree.model r1 (json files)."""
    show = make_show(client, tmp_path, monkeypatch)
    publish_json(show, HERO, {"hero": 1}, "blockout")
    publish_json(show, TREE, {"tree": 1}, "first pass")
    return show


@pytest.fixture
def colleague(engine_url: str) -> Iterator[splice.Client]:
    """Another artist's client on the same store (a second connection, or server session)."""
    other = splice.Client.open(engine_url, user="ben")  # not connect: that closes the default
    yield other
    other.close()


def open_tool(qtbot, name: str, host, show: Show, **options):
    """splice.tools.show, as the host's menu entry does."""
    win = splice.tools.show(name, host, show.client, **options)
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    return win


def test_load_update_publish_with_a_repair_and_see_it(qtbot, show: Show, colleague: splice.Client) -> None:
    host = show.host()  # a scene in kref://show/assets: the Loader opens there

    # -- Loader: pick hero, ctrl-click tree, Load -----------------------------------------
    loader = open_tool(qtbot, "loader", host, show, loaders=show.loaders)
    qtbot.waitUntil(lambda: set(loader_item_names(loader)) == {"hero", "tree", "metal"}, timeout=WAIT)
    loader_pick_item(qtbot, loader, "hero")
    loader_pick_item(qtbot, loader, "tree", add=True)
    assert button(loader, "Load").text() == "Load 2 items"
    report = loader_load(qtbot, loader)
    assert report.ok, report.summary()
    containers = {c.kref: c.key for c in host.ls_containers()}
    assert sorted(containers) == [f"{HERO}?r=1", f"{TREE}?r=1"]
    hero, tree = containers[f"{HERO}?r=1"], containers[f"{TREE}?r=1"]
    assert host.content[hero] == {"hero": 1} and host.content[tree] == {"tree": 1}  # the stored files
    assert "Loaded 2" in status_text(loader) and not status_is_error(loader)
    marks = loader_in_scene(loader)
    assert marks["hero"].startswith("●") and marks["tree"].startswith("●") and not marks["metal"]

    # -- Scene Inventory: both current; a colleague publishes; Refresh; Update to latest --
    inventory = open_tool(qtbot, "inventory", host, show, loaders=show.loaders)
    qtbot.waitUntil(lambda: inventory_states(inventory) == {hero: "current", tree: "current"}, timeout=WAIT)
    assert inventory_rows(inventory)[hero]["Revision"] == "r1"

    publish_json(show, HERO, {"hero": 2, "eyes": "blue"}, "eyes fixed", client=colleague)
    press(qtbot, inventory, "Refresh")
    qtbot.waitUntil(lambda: inventory_states(inventory)[hero] == "outdated → r2", timeout=WAIT)
    assert inventory_states(inventory)[tree] == "current"

    inventory_select(qtbot, inventory, [hero])
    press(qtbot, inventory, "Update to latest")
    qtbot.waitUntil(lambda: inventory_states(inventory).get(hero) == "current", timeout=WAIT)
    assert inventory_rows(inventory)[hero]["Revision"] == "r2"
    assert host.read_container(hero).revision == 2
    assert host.content[hero] == {"hero": 2, "eyes": "blue"}  # the colleague's file, in the scene
    assert host.content[tree] == {"tree": 1}

    # -- Creator: select the hero (from the Inventory), mark it for publishing ------------
    inventory_select(qtbot, inventory, [hero])
    press(qtbot, inventory, "Select in scene")
    assert host.get_selection() == [hero]
    creator = open_tool(qtbot, "creator", host, show)
    creator.kind.setFocus()
    qtbot.keyClicks(creator.kind, "model")
    qtbot.waitUntil(lambda: creator.kind.currentText() == "model")
    creator.name.setFocus()
    qtbot.keyClicks(creator.name, "hero")
    qtbot.waitUntil(lambda: HERO in creator.preview.text() and hero in creator.members.text())
    press(qtbot, creator, "Create")
    [instance] = host.list_instances()
    assert (instance.name, instance.kind, instance.options["members"]) == ("hero", "model", [hero])

    # the artist works on in the application: poses the hero, and empties the instance's
    # set by mistake (what the check below catches; its repair takes the selection)
    host.content[hero]["pose"] = "T"
    host.update_instance(dataclasses.replace(instance, options={**instance.options, "members": []}))

    # -- Publisher: Publish fails with its fix and writes nothing; Repair publishes -------
    publisher = open_tool(qtbot, "publisher", host, show, plugins_dir=PLUGINS_DIR)
    before, objects = dump(show.client), show.objects()
    report = publisher_run(qtbot, publisher, "Publish")
    assert not report.success
    [failure] = publisher_failures(publisher)
    assert failure["Check"] == "Instance has members (repairable)" and failure["On"] == "hero"
    assert "no members" in failure["What is wrong"] and "selection" in failure["Fix"]
    assert status_is_error(publisher)
    assert revision_numbers(show.client, HERO) == [1, 2]  # no new revision
    assert dump(show.client) == before and show.objects() == objects  # nothing written at all

    publisher.comment.setFocus()
    qtbot.keyClicks(publisher.comment, "posed")
    report = publisher_run(qtbot, publisher, "Repair")
    assert report.success, report.to_text()
    assert report.revisions == [f"{HERO}?r=3"] and f"{HERO}?r=3" in status_text(publisher)
    assert not status_is_error(publisher) and publisher_failures(publisher) == []
    assert revision_numbers(colleague, HERO) == [1, 2, 3]  # the colleague sees it too
    [pulled] = splice.files.pull(f"{HERO}?r=3", to=show.root / "pulled", client=colleague)
    assert read_json(pulled) == {hero: {"hero": 2, "eyes": "blue", "pose": "T"}}

    # -- Loader: Refresh; the new revision is listed, newest first ------------------------
    loader_refresh(qtbot, loader, "hero", away="tree")
    qtbot.waitUntil(lambda: [r["#"] for r in loader_revisions(loader)] == ["3", "2", "1"], timeout=WAIT)
    newest = loader_revisions(loader)[0]
    assert newest["Comment"] == "posed" and newest["Artist"] == "tester"
    assert loader_revisions(loader)[1]["Artist"] == "ben"

    # and the scene, which holds r2, is one behind it
    press(qtbot, inventory, "Refresh")
    qtbot.waitUntil(lambda: inventory_states(inventory)[hero] == "outdated → r3", timeout=WAIT)

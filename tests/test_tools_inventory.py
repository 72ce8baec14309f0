"""The Scene Inventory window, offscreen (pytest-qt), on a MemoryHost and a real SQLite store:
load two items, see their states, publish a new revision, refresh, see it outdated, update it,
remove one, and errors (a bad tag, a store that is gone) shown in the window, never raised."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from host_support import TEXTURE, Show, make_show

import splice
import splice.files
import splice.pipeline
from splice.errors import NotFoundError
from splice.pipeline import MemoryHost
from splice.tools.common import COLOURS

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")  # read now: make_show clears SPLICE_* variables
HERO = "kref://show/assets/hero.model"
TREE = "kref://show/assets/tree.model"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    """A real SQLite store (the tools' tests run on one engine: the window is the subject)."""
    c = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    yield c
    c.close()


def publish_json(show: Show, kref: str, data: dict, comment: str = "") -> splice.Revision:
    """A new revision of ``kref`` (made if missing) with a ``json`` representation."""
    space = show.client.get_space("kref://show/assets")
    name, kind = kref.rsplit("/", 1)[1].split(".")
    try:
        item = show.client.get_item(kref)
    except NotFoundError:
        item = space.create_item(name, kind)
    revision = item.create_revision({"comment": comment} if comment else {})
    path = show.root / f"{name}_r{revision.number}.json"
    path.write_text(json.dumps(data))
    splice.files.store(revision, "json", path)
    return revision


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    show = make_show(client, tmp_path, monkeypatch)
    publish_json(show, HERO, {"hero": 1}, "blockout")
    publish_json(show, HERO, {"hero": 2}, "sculpt").tag("approved")
    publish_json(show, TREE, {"tree": 1}, "first pass")
    return show


def load(show: Show, host: MemoryHost, kref: str) -> str:
    return splice.pipeline.load(host, kref, loaders=show.loaders, client=show.client).key


@pytest.fixture
def scene(show: Show) -> tuple[MemoryHost, str, str]:
    host = show.host()
    return host, load(show, host, HERO), load(show, host, TREE)


def open_window(qtbot, show: Show, host: MemoryHost):
    """splice.tools.show, as a menu would; the first check runs in the background."""
    import splice.tools

    win = splice.tools.show("inventory", host, show.client, loaders=show.loaders)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        pass  # delivered by the event loop, so it cannot be missed here
    return win


def click(qtbot, widget) -> None:
    from qtpy import QtCore

    qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton)


def click_rows(qtbot, win, keys: list[str]) -> None:
    """Click the first row, ctrl-click the others (as an artist selects several)."""
    from qtpy import QtCore

    for i, key in enumerate(keys):
        row = win.rows.position(key)
        assert row >= 0, f"{key} is not shown"
        rect = win.table.visualRect(win.rows.index(row, 0))
        modifier = QtCore.Qt.KeyboardModifier.ControlModifier if i else QtCore.Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(win.table.viewport(), QtCore.Qt.MouseButton.LeftButton, modifier, rect.center())
    order = win.shown_keys()
    assert win.selected_keys() == sorted(keys, key=order.index)


def shown(win) -> dict[str, tuple[str, ...]]:
    """What the table shows, row by row (its model's display text), by container key."""
    model = win.table.model()
    rows = {}
    for r in range(model.rowCount()):
        cells = tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        rows[cells[0]] = cells
    return rows


@pytest.fixture
def window(qtbot, show: Show, scene):
    host, hero, tree = scene
    win = open_window(qtbot, show, host)
    qtbot.addWidget(win)
    yield win, host, hero, tree
    win.close()


def test_load_see_outdated_update_and_remove(window, qtbot, show: Show) -> None:
    win, host, hero, tree = window
    rows = shown(win)
    assert set(rows) == {hero, tree}
    assert rows[hero][1:] == (HERO, "r2", "approved, latest", "JsonLoader", "json", "current")
    assert rows[tree][1:] == (TREE, "r1", "latest", "JsonLoader", "json", "current")
    assert win.colour_of(hero) == COLOURS["current"]
    assert not win.update_button.isEnabled()  # nothing selected yet

    publish_json(show, HERO, {"hero": 3}, "lookdev fixes")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    assert win.state_of(hero) == "outdated" and shown(win)[hero][-1] == "outdated → r3"
    assert win.colour_of(hero) == COLOURS["outdated"]
    assert win.state_of(tree) == "current"

    click_rows(qtbot, win, [hero])
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.update_button)
    assert win.state_of(hero) == "current" and shown(win)[hero][2] == "r3"
    assert win.colour_of(hero) == COLOURS["current"]
    assert host.read_container(hero).revision == 3 and host.content[hero] == {"hero": 3}
    assert f"Updated 1: {hero}" in win.status.text() and not win.status.is_error

    # compare against a tag: r3 is not the approved one
    win.compare.setCurrentText("approved")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        qtbot.keyClick(win.compare.lineEdit(), "\r")
    assert win.state_of(hero) == "outdated" and shown(win)[hero][-1] == "outdated → r2"
    assert win.state_of(tree) == "no-match" and win.colour_of(tree) == COLOURS["no-match"]

    # back to the approved revision by tag, then to r1 by number, several rows at once
    click_rows(qtbot, win, [hero, tree])
    win.target.setText("approved")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.update_to_button)
    assert host.read_container(hero).revision == 2 and host.content[hero] == {"hero": 2}
    assert win.status.is_error and f"{tree} left: " in win.status.text()  # the tree has no approved one
    click_rows(qtbot, win, [hero])
    win.target.setText("1")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.update_to_button)
    assert host.read_container(hero).revision == 1 and host.content[hero] == {"hero": 1}

    click_rows(qtbot, win, [hero])
    click(qtbot, win.select_button)
    assert host.get_selection() == [hero] and hero in win.status.text()

    click_rows(qtbot, win, [tree])
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.remove_button)
    assert set(shown(win)) == {hero}
    assert [c.key for c in host.ls_containers()] == [hero] and tree not in host.content


def test_errors_are_shown_in_the_window_not_raised(window, qtbot, show: Show) -> None:
    win, host, hero, _tree = window
    before = [c.to_dict() for c in host.ls_containers()]

    win.compare.setCurrentText("not a tag!")
    with qtbot.waitSignal(win.failed, timeout=30_000) as blocker:
        click(qtbot, win.refresh_button)
    assert "unknown selector 'not a tag!'" in blocker.args[0] and win.status.is_error
    assert "unknown selector" in win.status.text()
    assert win.refresh_button.isEnabled()  # ready for another try

    win.compare.setCurrentText("latest")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    click_rows(qtbot, win, [hero])
    win.target.setText("bad tag?")
    with qtbot.waitSignal(win.failed, timeout=30_000):
        click(qtbot, win.update_to_button)
    assert "unknown selector" in win.status.text()
    assert [c.to_dict() for c in host.ls_containers()] == before  # nothing changed

    show.client.close()  # the store is gone
    with qtbot.waitSignal(win.failed, timeout=30_000) as blocker:
        click(qtbot, win.refresh_button)
    assert win.status.is_error and win.status.text() == blocker.args[0]
    assert "closed" in blocker.args[0].lower()


def test_pinned_and_missing_containers_and_the_screenshot(qtbot, show: Show, tmp_path: Path) -> None:
    host = show.host()
    hero = load(show, host, f"{HERO}?r=1")
    tree = load(show, host, TREE)
    texture = load(show, host, f"{TEXTURE}?t=latest")
    rock = load(show, host, TREE)
    pinned = host.read_container(rock)
    host.write_container(dataclasses.replace(pinned, data={**pinned.data, "pinned": True}))
    gone = dataclasses.replace(host.read_container(tree), namespace="tree_old", kref=f"{TREE}?r=7")
    host.write_container(gone)
    publish_json(show, TREE, {"tree": 2}, "denser leaves")

    win = open_window(qtbot, show, host)
    qtbot.addWidget(win)
    states = {key: win.state_of(key) for key in shown(win)}
    assert states == {
        hero: "outdated",
        tree: "outdated",
        texture: "current",
        rock: "pinned",
        gone.key: "missing",
    }
    assert win.colour_of(rock) == COLOURS["pinned"] and win.colour_of(gone.key) == COLOURS["missing"]

    click_rows(qtbot, win, [tree, rock, gone.key])
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.update_button)
    assert win.state_of(tree) == "current" and win.state_of(rock) == "pinned"
    assert f"{rock} left: pinned" in win.status.text() and f"{gone.key} left: " in win.status.text()
    assert host.read_container(rock).revision == 1

    from splice.tools.common import screenshot

    publish_json(show, TREE, {"tree": 3}, "autumn")
    win.resize(1000, 300)
    click_rows(qtbot, win, [hero, texture])
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    assert win.selected_keys() == [hero, texture]  # the selection survives a refresh
    click_rows(qtbot, win, [hero])
    data = screenshot(win, tmp_path / "inventory.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    if SCREENSHOTS:
        screenshot(win, REPO / "docs" / "images" / "inventory.png")
    win.close()


def test_the_model_makes_one_round_trip_and_has_no_qt(show: Show) -> None:
    from splice.tools.inventory_model import InventoryModel, parse_want

    host = show.host()
    load(show, host, HERO)
    load(show, host, TREE)
    calls = []
    real = show.client.batch_get_revisions

    class Counting:
        def batch_get_revisions(self, krefs):
            calls.append(list(krefs))
            return real(krefs)

        def __getattr__(self, name):
            return getattr(show.client, name)

    rows = InventoryModel(host, Counting()).refresh("approved")
    assert len(calls) == 1 and [r.state for r in rows] == ["current", "no-match"]
    assert rows[0].tags == ("approved", "latest")
    assert parse_want("") == "latest" and parse_want(" 3 ") == 3 and parse_want("r4") == 4
    assert parse_want("approved") == "approved"
    code = (
        "import sys, splice, splice.pipeline, splice.tools, splice.tools.inventory_model;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('qtpy', 'PySide6', 'PySide2')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    plain = subprocess.run(
        [sys.executable, "-c", "import sys, splice; print('splice.tools' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.strip() == "False"


def test_show_refuses_an_unknown_tool(qtbot, show: Show) -> None:
    import splice.tools

    assert "inventory" in splice.tools.available()
    with pytest.raises(NotFoundError, match="no splice tool 'nope'"):
        splice.tools.show("nope", show.host(), show.client)


TEXT_LOADER = '''
from splice.pipeline import Container, Loader


class TextLoader(Loader):
    """Reads a .txt representation; it has no switch, so a switch to it removes and loads."""

    representations = ("txt",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        host.content[f"{namespace}:{name}"] = {"text": path.read_text()}
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    def remove(self, host, container):
        del host.content[container.key]
'''


def store_file(show: Show, revision: splice.Revision, name: str, filename: str, text: str) -> None:
    path = show.root / filename
    path.write_text(text)
    splice.files.store(revision, name, path)


def click_item(qtbot, widget, node) -> None:
    from qtpy import QtCore

    rect = widget.visualItemRect(node)
    qtbot.mouseClick(widget.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())


def switch_dialog(qtbot, win):
    """Click Switch…: the dialog lists the items of the selection's kind (in a worker)."""
    click(qtbot, win.switch_button)
    dialog = win.switch_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.items.count() > 1, timeout=30_000)
    qtbot.waitUntil(lambda: dialog.representation.count() > 0, timeout=30_000)
    return dialog


def test_switch_to_another_item_of_the_kind_by_clicks(window, qtbot, show: Show) -> None:
    win, host, _hero, tree = window
    crate = show.client.get_project("show").create_space("props").create_item("crate", "model")
    store_file(show, crate.create_revision(), "json", "crate.json", '{"crate": 1}')

    click_rows(qtbot, win, [tree])
    dialog = switch_dialog(qtbot, win)
    listed = [dialog.items.item(i).data(256) for i in range(dialog.items.count())]
    assert listed == ["", "kref://show/assets/hero.model", TREE, "kref://show/props/crate.model"]  # any space
    assert TEXTURE not in listed  # another kind
    qtbot.keyClicks(dialog.search, "her")
    assert [dialog.items.item(i).data(256) for i in range(dialog.items.count())] == ["", HERO]
    with qtbot.waitSignal(dialog.described, timeout=30_000):
        click_item(qtbot, dialog.items, dialog.items.item(1))
    assert dialog.chosen_item() == HERO
    assert dialog.representation.itemText(1) == "json — JsonLoader"
    if SCREENSHOTS:
        from splice.tools.common import screenshot

        dialog.resize(560, 400)
        screenshot(dialog, REPO / "docs" / "images" / "inventory_switch.png")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, dialog.ok)
    switched = host.read_container(tree)
    assert switched.kref == f"{HERO}?r=2" and switched.key == tree  # same name and namespace
    assert host.content[tree] == {"hero": 2}  # the loader switched the content
    assert shown(win)[tree][1:3] == (HERO, "r2") and win.state_of(tree) == "current"
    assert f"Switched 1: {tree}" in win.status.text() and not win.status.is_error
    assert win.selected_keys() == [tree]  # still selected after the refresh

    # an item of another space
    dialog = switch_dialog(qtbot, win)
    qtbot.keyClicks(dialog.search, "crate")
    click_item(qtbot, dialog.items, dialog.items.item(1))
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, dialog.ok)
    assert host.read_container(tree).kref == "kref://show/props/crate.model?r=1"
    assert host.content[tree] == {"crate": 1}

    # at a revision number typed in "At"
    dialog = switch_dialog(qtbot, win)
    dialog.pick_item(HERO)
    dialog.at.setText("1")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, dialog.ok)
    assert host.read_container(tree).kref == f"{HERO}?r=1" and host.content[tree] == {"hero": 1}


def test_switch_the_representation_reloads(qtbot, show: Show, scene) -> None:
    host, hero, _tree = scene
    folder = show.root / "text_loaders"
    folder.mkdir()
    (folder / "text.py").write_text(TEXT_LOADER)
    show.loaders.update(splice.pipeline.discover_loaders([folder]))
    revision = publish_json(show, HERO, {"hero": 3}, "with a proxy")
    store_file(show, revision, "proxy", "hero_proxy.json", '{"hero": "proxy"}')
    store_file(show, revision, "notes", "hero_notes.txt", "hero notes")
    store_file(show, revision, "scene", "hero.usd", "#usda 1.0")
    splice.pipeline.update(host, show.client, hero, "latest", show.loaders)
    win = open_window(qtbot, show, host)
    qtbot.addWidget(win)

    click_rows(qtbot, win, [hero])
    dialog = switch_dialog(qtbot, win)
    assert dialog.chosen_item() is None  # "(keep)": the representations of the revision held
    reps = {dialog.representation.itemData(i): i for i in range(dialog.representation.count())}
    assert set(reps) == {"", "json", "proxy", "notes", "scene"}
    choices = dialog.representation.model()
    assert not choices.item(reps["scene"]).isEnabled()  # no loader here for a .usd: greyed out
    assert "no loader in memory" in dialog.representation.itemText(reps["scene"])
    dialog.pick_representation("proxy")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, dialog.ok)
    assert host.content[hero] == {"hero": "proxy"}  # the JsonLoader read the proxy file
    assert shown(win)[hero][4:] == ("JsonLoader", "proxy", "current")

    # a representation another loader serves: removed, then loaded by it in the same namespace
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        win.switch_selected(representation="notes")
    container = host.read_container(hero)
    assert (container.key, container.loader, container.representation) == (hero, "TextLoader", "notes")
    assert host.content[hero] == {"text": "hero notes"} and container.kref == f"{HERO}?r=3"

    # one that no loader here serves: refused in red, nothing changes
    before = [c.to_dict() for c in host.ls_containers()], dict(host.content)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        win.switch_selected(representation="scene")
    assert win.status.is_error and "no loader serves 'scene'" in win.status.text()
    assert ([c.to_dict() for c in host.ls_containers()], dict(host.content)) == before
    win.close()


def test_switch_to_another_kind_is_refused(window, qtbot, show: Show) -> None:
    win, host, hero, _tree = window
    texture = load(show, host, f"{TEXTURE}?t=latest")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    before = [c.to_dict() for c in host.ls_containers()], dict(host.content)

    click_rows(qtbot, win, [hero, texture])
    dialog = switch_dialog(qtbot, win)
    assert "holds model and texture items" in dialog.status.text() and dialog.status.is_error
    click_item(qtbot, dialog.items, dialog.items.item(2))  # the tree, a model
    with qtbot.waitSignal(win.failed, timeout=30_000) as blocker:
        click(qtbot, dialog.ok)
    assert "switch keeps the kind" in blocker.args[0] and texture in blocker.args[0]
    assert win.status.is_error and win.status.text() == blocker.args[0]
    assert ([c.to_dict() for c in host.ls_containers()], dict(host.content)) == before
    with qtbot.waitSignal(win.failed, timeout=30_000):
        win.switch_selected(item=TEXTURE)  # a texture for the hero model, typed
    assert ([c.to_dict() for c in host.ls_containers()], dict(host.content)) == before
    assert win.update_button.isEnabled()  # ready for another try


def test_update_fetches_off_the_ui_thread_then_applies_on_it(window, qtbot, show: Show, monkeypatch) -> None:
    import threading

    win, host, hero, tree = window
    publish_json(show, HERO, {"hero": 3}, "lookdev")
    publish_json(show, TREE, {"tree": 2}, "leaves")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    threads: dict[str, int] = {}
    prepare, apply = win.model.prepare_update, win.model.apply

    def recording_prepare(containers, want=None):
        threads["prepare"] = threading.get_ident()
        return prepare(containers, want)

    def recording_apply(plan):
        threads["apply"] = threading.get_ident()
        return apply(plan)

    monkeypatch.setattr(win.model, "prepare_update", recording_prepare)
    monkeypatch.setattr(win.model, "apply", recording_apply)
    click_rows(qtbot, win, [hero, tree])
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.update_button)
        assert win.busy and not win.update_button.isEnabled()  # the fetch runs; the window is live
    assert threads["prepare"] != threading.get_ident()  # the store's work: a worker
    assert threads["apply"] == threading.get_ident()  # the scene's change: the UI thread
    assert host.content[hero] == {"hero": 3} and host.content[tree] == {"tree": 2}
    assert f"Updated 2: {hero}, {tree}" in win.status.text()
    assert win.selected_keys() == [hero, tree]  # kept across the refresh


def test_the_filter_box_and_sorting(window, qtbot, show: Show) -> None:
    from qtpy import QtCore

    win, host, hero, tree = window
    texture = load(show, host, f"{TEXTURE}?t=latest")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    assert win.shown_keys() == sorted([hero, tree, texture])
    click_rows(qtbot, win, [hero, tree])
    qtbot.keyClicks(win.search, "TRE")
    assert win.shown_keys() == [tree] and win.selected_keys() == [tree]
    win.search.clear()
    assert win.shown_keys() == sorted([hero, tree, texture])
    assert win.selected_keys() == [tree]  # actions work on what is shown: a hidden row is dropped
    qtbot.keyClicks(win.search, "*.texture")
    assert win.shown_keys() == [texture]
    win.search.clear()
    click_rows(qtbot, win, [hero])
    win.table.sortByColumn(0, QtCore.Qt.SortOrder.DescendingOrder)  # a click on the header
    assert win.shown_keys() == sorted([hero, tree, texture], reverse=True)
    assert win.selected_keys() == [hero]  # the selection follows its rows
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    assert win.shown_keys() == sorted([hero, tree, texture], reverse=True)  # the order stays

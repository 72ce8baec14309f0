"""The Loader window, offscreen (pytest-qt), on a MemoryHost and a real store: pick the
project, a space, search, pick an item, its revision and representation, Load; load two
at once and see them marked; an item no loader serves here says so and loads nothing; a
revision's thumbnail; a tag as it was at a time; a choice of loaders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from host_support import Show, make_show

import splice
import splice.files
from splice.pipeline import MemoryHost, thumbnails
from splice.tools.loader_model import LoaderModel, LoadRequest

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")
ASSETS = "kref://show/assets"
HERO = f"{ASSETS}/hero.model"
TREE = f"{ASSETS}/oak_tree.model"
GHOST = f"{ASSETS}/ghost.model"
METAL = f"{ASSETS}/metal.texture"

PUBLISHES = [  # item, kind, [(artist, comment, tags)], representations
    (
        "hero",
        "model",
        [("ana", "blockout", []), ("ana", "sculpt pass", ["approved"]), ("ben", "UVs fixed", [])],
        ["json", "proxy"],
    ),
    ("oak_tree", "model", [("ben", "first pass", []), ("ben", "more leaves", ["approved"])], ["json"]),
    ("rock_a", "model", [("chloe", "scan cleanup", ["approved"])], ["json"]),
    ("hero_rig", "rig", [("dev", "biped rig", [])], ["json"]),
    ("ghost", "model", [("ana", "alembic only", [])], ["proxy"]),
]


THUMBNAILED = {("hero", 2), ("hero", 3), ("oak_tree", 2)}  # as a publish in a DCC with a viewport stores


def _render(number: int):
    """A small "viewport" picture: a shaded ball on a floor, a hue per revision."""
    width, height = thumbnails.SIZE
    tint = [(230, 120, 60), (80, 170, 230), (120, 200, 110)][number % 3]

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        dx, dy = (x - width / 2) / 62, (y - height / 2 + 8) / 62
        if dx * dx + dy * dy <= 1:
            light = max(0.0, 0.35 + 0.65 * (-(dx * 0.5) - dy * 0.6 + (1 - dx * dx - dy * dy) ** 0.5 * 0.6))
            return tuple(int(c * light) for c in tint)  # type: ignore[return-value]
        if y > height * 0.72:
            return (70, 72, 78) if (x // 20 + y // 20) % 2 else (82, 84, 90)
        shade = 48 + y // 6
        return (shade, shade + 4, shade + 12)

    return pixel


def _publish(show: Show, tmp_path: Path, space: str, name: str, kind: str, revisions, reps) -> None:
    item = show.client.get_space(space).create_item(name, kind)
    for number, (artist, comment, tags) in enumerate(revisions, 1):
        revision = item.create_revision({"artist": artist, "comment": comment})
        for rep in reps:
            path = tmp_path / "src" / f"{name}_v{number}.{'json' if rep == 'json' else 'abc'}"
            path.parent.mkdir(exist_ok=True)
            path.write_text(json.dumps({name: {"version": number}}) if rep == "json" else f"ABC {number}")
            splice.files.store(revision, rep, path)
        if (name, number) in THUMBNAILED:  # named as a publish names it (see splice.files.fetch.resolve)
            folder = tmp_path / "src" / f"{name}_v{number}"
            folder.mkdir()
            png = thumbnails.write_png(folder / "thumbnail.png", *thumbnails.SIZE, _render(number))
            splice.files.store(revision, thumbnails.ARTIFACT, png, {"role": "thumbnail"})
        for tag in tags:
            revision.tag(tag)


@pytest.fixture
def show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    client = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")  # a real SQLite store
    show = make_show(client, tmp_path, monkeypatch)  # show/assets/metal.texture r1 (.exr)
    for name, kind, revisions, reps in PUBLISHES:
        _publish(show, tmp_path, ASSETS, name, kind, revisions, reps)
    client.get_project("show").create_space("shots").create_space("sq010")
    _publish(
        show, tmp_path, "kref://show/shots/sq010", "sh010_cam", "camera", [("eve", "tracked", [])], ["json"]
    )
    client.create_project("commercial").create_space("assets")
    yield show
    client.close()


@pytest.fixture
def window(qtbot, show: Show):
    from splice.tools.loader import LoaderWindow

    host = MemoryHost()  # no context: the artist picks the project
    win = LoaderWindow(host, show.client, loaders=show.loaders)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.project.count() > 1 and not win.busy)
    return win, host


# -- driving the window like a user --------------------------------------------------------
def _click(qtbot, view, rect, modifier=None) -> None:
    from qtpy import QtCore

    modifier = modifier if modifier is not None else QtCore.Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, modifier, rect.center())


def _node(tree, text: str):
    found = [n for n in _all(tree) if n.text(0) == text]
    assert found, f"no {text!r} in {[n.text(0) for n in _all(tree)]}"
    return found[0]


def _all(tree) -> list:
    from qtpy import QtWidgets

    out = []
    iterator = QtWidgets.QTreeWidgetItemIterator(tree)
    while iterator.value():
        out.append(iterator.value())
        iterator += 1
    return out


def _pick_project(qtbot, win, name: str) -> None:
    win.project.setFocus()
    qtbot.keyClicks(win.project, name)
    qtbot.waitUntil(lambda: win.project.currentText() == name)
    qtbot.waitUntil(lambda: win.spaces.topLevelItemCount() > 0 and not win.busy)


def _pick_space(qtbot, win, name: str) -> None:
    node = _node(win.spaces, name)
    win.spaces.scrollToItem(node)
    _click(qtbot, win.spaces, win.spaces.visualItemRect(node))
    qtbot.waitUntil(lambda: win.current_space == node.data(0, 0x0100) and not win.busy)


def _pick_item(qtbot, win, name: str, add: bool = False) -> None:
    from qtpy import QtCore

    node = _node(win.items, name)
    modifier = QtCore.Qt.KeyboardModifier.ControlModifier if add else None
    _click(qtbot, win.items, win.items.visualItemRect(node), modifier)
    qtbot.waitUntil(lambda: node.isSelected() and not win.busy and win.revisions.rowCount() > 0)


def _item_names(win) -> list[str]:
    return [n.text(0) for n in _all(win.items)]


def _revision_cells(win) -> list[list[str]]:
    return [[win.revisions.item(r, c).text() for c in range(5)] for r in range(win.revisions.rowCount())]


def _click_revision(qtbot, win, number: int) -> None:
    row = next(r for r in range(win.revisions.rowCount()) if win.revisions.item(r, 0).text() == str(number))
    _click(qtbot, win.revisions, win.revisions.visualItemRect(win.revisions.item(row, 1)))
    qtbot.waitUntil(lambda: win.representations.count() > 0 and not win.busy)


def _click_representation(qtbot, win, name: str) -> None:
    from qtpy import QtCore

    row = next(
        r for r in range(win.representations.count()) if win.representations.item(r).data(0x0100) == name
    )
    node = win.representations.item(row)
    _click(qtbot, win.representations, win.representations.visualItemRect(node))
    qtbot.waitUntil(lambda: win.representations.currentItem() is node)
    assert QtCore  # imported for the modifier types above


def _press_load(qtbot, win) -> object:
    from qtpy import QtCore

    with qtbot.waitSignal(win.loaded, timeout=20000) as blocker:
        qtbot.mouseClick(win.load_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.busy)
    return blocker.args[0]


# -- the tests ------------------------------------------------------------------------------
def test_browse_search_pick_and_load_one(window, qtbot, show: Show) -> None:
    from qtpy import QtCore

    win, host = window
    assert [win.project.itemText(i) for i in range(1, win.project.count())] == ["commercial", "show"]
    _pick_project(qtbot, win, "show")
    assert {n.text(0) for n in _all(win.spaces)} == {"assets", "shots", "sq010"}
    assert _node(win.spaces, "sq010").parent() is _node(win.spaces, "shots")  # a tree
    _pick_space(qtbot, win, "assets")
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6)
    assert [win.kind.itemText(i) for i in range(win.kind.count())] == ["All kinds", "model", "rig", "texture"]

    qtbot.keyClicks(win.search, "her")  # the search box filters as one types
    qtbot.waitUntil(lambda: _item_names(win) == ["hero", "hero_rig"])
    win.kind.setFocus()
    qtbot.keyClicks(win.kind, "rig")  # the kind filter, by keyboard
    qtbot.waitUntil(lambda: _item_names(win) == ["hero_rig"])
    qtbot.keyClick(win.kind, QtCore.Qt.Key.Key_Home)  # back to "All kinds"
    qtbot.waitUntil(lambda: _item_names(win) == ["hero", "hero_rig"])

    _pick_item(qtbot, win, "hero")
    cells = _revision_cells(win)
    assert [row[0] for row in cells] == ["3", "2", "1"]  # newest first
    assert cells[1][1] == "approved" and cells[1][3] == "ana" and cells[1][4] == "sculpt pass"
    assert cells[0][3] == "ben" and cells[0][4] == "UVs fixed" and len(cells[0][2]) == 16  # YYYY-MM-DD HH:MM
    qtbot.waitUntil(lambda: win.representations.count() == 2)

    _click_revision(qtbot, win, 2)
    texts = [win.representations.item(r).text() for r in range(win.representations.count())]
    assert texts[0].startswith("json") and "JsonLoader" in texts[0]
    assert texts[1].startswith("proxy (.abc)") and "no loader in memory" in texts[1]
    _click_representation(qtbot, win, "json")
    assert win.load_button.isEnabled() and win.load_button.text() == "Load"

    report = _press_load(qtbot, win)
    assert report.ok and [c.kref for c in report.loaded] == [f"{HERO}?r=2"]
    [container] = host.ls_containers()
    assert (container.key, container.loader, container.representation) == (
        "hero_01:hero",
        "JsonLoader",
        "json",
    )
    assert host.content["hero_01:hero"] == {"hero": {"version": 2}}  # r2's own file
    assert "Loaded 1: hero_01:hero" in win.status.text()
    assert win.is_marked_loaded(HERO) and not win.is_marked_loaded(f"{ASSETS}/hero_rig.rig")
    assert "r2" in _node(win.items, "hero").text(2)
    assert _node(win.items, "hero").font(0).bold()

    win.search.clear()  # Escape-free clearing, as the clear button does
    qtbot.waitUntil(lambda: len(_item_names(win)) == 6)
    qtbot.keyClick(win.search, QtCore.Qt.Key.Key_Escape)  # a key that does nothing harmful


def test_refresh_shows_what_a_colleague_published_and_keeps_the_place(
    window, qtbot, show: Show, tmp_path: Path
) -> None:
    from qtpy import QtCore

    win, _host = window
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6)
    _pick_item(qtbot, win, "hero")
    assert [row[0] for row in _revision_cells(win)] == ["3", "2", "1"]
    colleague = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="ben")
    try:  # a new revision of hero and a new item, published meanwhile
        colleague.get_item(HERO).create_revision({"comment": "retopo"})
        colleague.get_space(ASSETS).create_item("lamp", "model")
    finally:
        colleague.close()
    assert win.items.topLevelItemCount() == 6  # the window does not know yet
    qtbot.mouseClick(win.refresh_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 7 and not win.busy)
    qtbot.waitUntil(lambda: win.revisions.rowCount() == 4)
    assert win.current_item == HERO and win.selected_items() == [HERO]  # still where the artist was
    assert _revision_cells(win)[0][0] == "4" and _revision_cells(win)[0][4] == "retopo"
    assert "lamp" in _item_names(win)


def test_load_two_items_at_once_then_by_tag(window, qtbot, show: Show) -> None:
    from qtpy import QtCore

    win, host = window
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6)
    _pick_item(qtbot, win, "hero")
    _click_revision(qtbot, win, 1)  # hero at r1, the tree at its latest
    _pick_item(qtbot, win, "oak_tree", add=True)  # ctrl+click: both selected
    assert sorted(win.selected_items()) == [HERO, TREE]
    assert win.load_button.text() == "Load 2 items"

    report = _press_load(qtbot, win)
    assert report.ok, report.summary()
    assert sorted(c.kref for c in host.ls_containers()) == [f"{HERO}?r=1", f"{TREE}?r=2"]
    assert win.is_marked_loaded(HERO) and win.is_marked_loaded(TREE)
    assert "Loaded 2" in win.status.text()

    # the same two by tag: "approved" is r2 of hero and r2 of the tree
    win.at.setFocus()
    qtbot.keyClicks(win.at, "by tag: approved")
    qtbot.waitUntil(lambda: win.at.currentData(0x0100) == "approved")
    report = _press_load(qtbot, win)
    assert report.ok, report.summary()
    assert sorted(c.kref for c in report.loaded) == [f"{HERO}?r=2", f"{TREE}?r=2"]
    assert len(host.ls_containers()) == 4
    assert "2 loaded" in _node(win.items, "hero").text(2)
    assert QtCore


def test_nothing_loadable_is_shown_and_nothing_loads(window, qtbot, show: Show) -> None:
    win, host = window
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    qtbot.keyClicks(win.search, "ghost")
    qtbot.waitUntil(lambda: _item_names(win) == ["ghost"])
    _pick_item(qtbot, win, "ghost")
    qtbot.waitUntil(lambda: win.representations.count() == 1)
    assert "no loader in memory" in win.representations.item(0).text()

    report = _press_load(qtbot, win)
    assert not report.ok and not report.loaded
    assert host.ls_containers() == [] and host.content == {}
    text = win.status.text()
    assert "ghost.model" in text and "no loader serves 'proxy'" in text
    assert "c62828" in win.status.styleSheet()  # shown as an error
    assert not win.is_marked_loaded(GHOST)


def test_an_error_of_the_store_is_shown_not_raised(window, qtbot, show: Show) -> None:
    win, _host = window
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6)
    show.client.get_item(f"{ASSETS}/rock_a.model").delete(force=True)  # gone behind the window's back
    _click(qtbot, win.items, win.items.visualItemRect(_node(win.items, "rock_a")))
    qtbot.waitUntil(lambda: "rock_a" in win.status.text() and not win.busy)
    assert "c62828" in win.status.styleSheet()


def test_the_model_has_no_qt_and_loads_by_tag(show: Show) -> None:
    code = (
        "import sys, splice.tools.loader_model;"
        "print(sorted(m for m in sys.modules if 'Qt' in m or 'qtpy' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

    host = MemoryHost()
    model = LoaderModel(host, show.client, show.loaders)
    assert [s.kref for s in model.spaces("show")] == [ASSETS, "kref://show/shots", "kref://show/shots/sq010"]
    assert [r.name for r in model.items(ASSETS, "*O*")] == ["ghost", "hero", "oak_tree", "rock_a", "hero_rig"]
    assert [r.name for r in model.items(ASSETS, kind="texture")] == ["metal"]
    assert model.tags([HERO, TREE]) == ["approved", "latest"]
    [metal] = model.representations(f"{METAL}?r=1")
    assert (metal.name, metal.extension, metal.default) == ("diffuse", "exr", "TextureLoader")
    requests = model.requests([HERO, METAL], tag="latest")
    assert model.prepare(requests) == {}
    report = model.load(requests)
    assert report.ok and sorted(model.loaded()) == [HERO, METAL]
    at_time = LoadRequest(HERO, tag="approved", time="2030-01-01T00:00:00Z")
    assert at_time.kref == f"{HERO}?t=approved&time=2030-01-01T00:00:00Z"
    bad = model.load([LoadRequest(GHOST)])
    assert not bad.ok and bad.errors[0][0] == GHOST and len(host.ls_containers()) == 2


def test_opened_by_the_tools_package(qtbot, show: Show) -> None:
    import splice.tools
    from splice.tools.loader import LoaderWindow

    host = MemoryHost()
    win = splice.tools.show("loader", host, show.client, loaders=show.loaders)
    qtbot.addWidget(win)
    assert isinstance(win, LoaderWindow) and win.host is host and win.isVisible()
    qtbot.waitUntil(lambda: win.project.count() == 3 and not win.busy)


def test_opens_at_the_scene_context(qtbot, show: Show) -> None:
    from splice.tools.loader import LoaderWindow

    win = LoaderWindow(show.host(), show.client, loaders=show.loaders)  # context: show/assets
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6 and not win.busy)
    assert (win.current_project, win.current_space) == ("show", ASSETS)


def _has_thumbnail(win) -> bool:
    pixmap = win.thumbnail.pixmap()
    return pixmap is not None and not pixmap.isNull()


def test_the_picked_revisions_thumbnail_is_shown(window, qtbot, show: Show) -> None:
    win, _host = window
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    _pick_item(qtbot, win, "hero")  # r3, the latest, is picked: it has a thumbnail
    qtbot.waitUntil(lambda: _has_thumbnail(win) and not win.busy)
    pixmap = win.thumbnail.pixmap()
    assert (pixmap.width(), pixmap.height()) == thumbnails.SIZE
    assert f"{HERO}?r=3" in win.thumbnail.toolTip()
    assert [win.representations.item(r).data(0x0100) for r in range(win.representations.count())] == [
        "json",
        "proxy",
    ]  # the thumbnail is a picture of the revision, not a representation to load

    _click_revision(qtbot, win, 1)  # r1 has none
    qtbot.waitUntil(lambda: win.thumbnail.text() == "no thumbnail" and not win.busy)
    assert not _has_thumbnail(win)
    _click_revision(qtbot, win, 2)
    qtbot.waitUntil(lambda: _has_thumbnail(win) and f"{HERO}?r=2" in win.thumbnail.toolTip())
    # fetched through splice.files into the local cache, verified
    path = LoaderModel(MemoryHost(), show.client).thumbnail(f"{HERO}?r=2")
    assert path is not None and thumbnails.png_size(path) == thumbnails.SIZE
    assert str(splice.files.checkouts_dir()) in str(path)


def test_as_it_was_at_loads_where_the_tag_pointed_then(window, qtbot, show: Show) -> None:
    from qtpy import QtCore

    from splice.times import now_stamp

    win, host = window
    then = now_stamp()  # "approved" is on hero r2
    show.client.get_revision(f"{HERO}?r=3").tag("approved")  # the supervisor moves it
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    _pick_item(qtbot, win, "hero")
    win.at.setFocus()
    qtbot.keyClicks(win.at, "by tag: approved")
    qtbot.waitUntil(lambda: win.at.currentData(0x0100) == "approved")

    qtbot.keyClicks(win.as_of, then)
    qtbot.keyClick(win.as_of, QtCore.Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.marked_revision == 2 and not win.busy)
    cells = _revision_cells(win)
    assert cells[1][0] == "2" and "◀ approved then" in cells[1][1] and "◀" not in cells[0][1]
    assert win.revisions.item(1, 0).font().bold() and "was on r2" in win.status.text()
    report = _press_load(qtbot, win)
    assert report.ok and [c.kref for c in report.loaded] == [f"{HERO}?r=2"]  # not r3, where it is now

    win.as_of.clear()  # now: the tag is on r3
    qtbot.waitUntil(lambda: win.marked_revision is None and not win.busy)
    assert all("◀" not in row[1] for row in _revision_cells(win))
    report = _press_load(qtbot, win)
    assert report.ok and [c.kref for c in report.loaded] == [f"{HERO}?r=3"]

    qtbot.keyClicks(win.as_of, "200001011200")  # before anything was approved: YYYYMMDDHHMM works
    qtbot.keyClick(win.as_of, QtCore.Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No revision of" in win.status.text() and not win.busy)
    assert win.marked_revision is None

    win.as_of.setText("last tuesday")  # what cannot be read is said, and nothing loads
    qtbot.keyClick(win.as_of, QtCore.Qt.Key.Key_Return)
    assert "YYYYMMDDHHMM" in win.status.text() and "c62828" in win.status.styleSheet()
    before = len(host.ls_containers())
    qtbot.mouseClick(win.load_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.busy)
    assert "YYYYMMDDHHMM" in win.status.text() and len(host.ls_containers()) == before


def test_the_model_resolves_a_tag_as_it_was(show: Show) -> None:
    from splice.errors import ValidationError
    from splice.times import now_stamp

    model = LoaderModel(MemoryHost(), show.client, show.loaders)
    then = now_stamp()
    show.client.get_revision(f"{HERO}?r=1").tag("approved")
    assert (
        model.tagged_at(HERO, "approved", then) == 2 and model.tagged_at(HERO, "approved", now_stamp()) == 1
    )
    assert model.tagged_at(HERO, "approved", "200001011200") is None
    assert model.as_of("") is None and model.as_of("203001011200") == "2030-01-01T12:00:59.999999Z"
    with pytest.raises(ValidationError, match="YYYYMMDDHHMM"):
        model.as_of("soon")
    with pytest.raises(ValidationError, match="needs a tag"):
        model.requests([HERO], time=then)
    [request] = model.requests([HERO], tag="approved", time=then)
    assert model.prepare([request]) == {} and model.load([request]).loaded[0].kref == f"{HERO}?r=2"


def test_the_artist_chooses_among_several_loaders(qtbot, show: Show) -> None:
    from splice.tools.loader import LoaderWindow

    json_loader = show.loaders["JsonLoader"]

    class JsonAsText(json_loader):  # a second loader serving json in this host
        name = "JsonAsText"

        def load(self, host, revision, representation, path, name, namespace):
            container = super().load(host, revision, representation, path, name, namespace)
            host.content[container.key] = {"text": path.read_text()}
            return container

    host = MemoryHost()
    win = LoaderWindow(host, show.client, loaders={**show.loaders, "JsonAsText": JsonAsText})
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.project.count() > 1 and not win.busy)
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    _pick_item(qtbot, win, "hero")
    assert not win.loader.isEnabled()  # no representation picked yet
    _click_representation(qtbot, win, "json")
    assert win.loader.isEnabled()
    assert [win.loader.itemData(i, 0x0100) for i in range(win.loader.count())] == ["JsonAsText", "JsonLoader"]
    default = win.loader.itemData(0, 0x0100)
    other = win.loader.itemData(1, 0x0100)
    assert win.loader.itemText(0) == f"{default} (default)"
    win.loader.setCurrentIndex(1)
    [request] = win.requests()
    assert request.loader == other
    report = _press_load(qtbot, win)
    assert report.ok and report.loaded[0].loader == other
    _click_representation(qtbot, win, "proxy")  # nothing serves it: nothing to choose
    assert win.loader.count() == 0 and not win.loader.isEnabled()


def test_screenshot(window, qtbot, show: Show, tmp_path: Path) -> None:
    from splice.tools.common import screenshot

    win, _host = window
    win.resize(1280, 640)
    _pick_project(qtbot, win, "show")
    _pick_space(qtbot, win, "assets")
    qtbot.waitUntil(lambda: win.items.topLevelItemCount() == 6)
    _pick_item(qtbot, win, "oak_tree")
    report = _press_load(qtbot, win)
    assert report.ok, report.summary()
    _pick_item(qtbot, win, "hero")
    _click_revision(qtbot, win, 2)
    _click_representation(qtbot, win, "json")
    report = _press_load(qtbot, win)
    assert report.ok, report.summary()
    qtbot.waitUntil(lambda: _has_thumbnail(win))
    shot = screenshot(win, tmp_path / "loader.png")
    assert shot.stat().st_size > 10_000
    if SCREENSHOTS:
        screenshot(win, REPO / "docs" / "images" / "loader.png")

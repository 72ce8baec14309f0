"""The Creator window, offscreen (pytest-qt), on a MemoryHost with a context: a bad name shows
its error and Create stays disabled; a good one shows the item kref; representations are
checkboxes of the chosen kind; Create marks the selection; a duplicate name changes nothing.
Errors are shown in the window, never raised."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from host_support import Show, make_show

import splice
import splice.pipeline
from splice.errors import ValidationError
from splice.pipeline import MemoryHost
from splice.pipeline.creators import KINDS
from splice.tools.creator_model import CreatorModel, offered_by

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")  # read now: make_show clears SPLICE_* variables
OFFERED = {"model": ("json", "abc"), "camera": ("abc",), "review": ()}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    c = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    yield c
    c.close()


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    return make_show(client, tmp_path, monkeypatch)


@pytest.fixture
def host(show: Show) -> MemoryHost:
    """A scene in ``kref://show/assets`` with ``hero`` and ``hero_eyes`` modelled and selected."""
    host = show.host()
    host.content["hero"] = {"mesh": "cube"}
    host.content["hero_eyes"] = {"mesh": "sphere"}
    host.set_selection(["hero", "hero_eyes"])
    return host


@pytest.fixture
def window(qtbot, show: Show, host: MemoryHost):
    from splice.tools.creator import Window

    win = Window(host, show.client, offered=OFFERED)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def click(qtbot, widget) -> None:
    from qtpy import QtCore

    qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton)


def type_name(qtbot, win, text: str) -> None:
    win.name.clear()
    qtbot.keyClicks(win.name, text)


def test_bad_name_shows_the_error_and_disables_create(window, qtbot, host: MemoryHost) -> None:
    win = window
    assert [win.kind.itemText(i) for i in range(win.kind.count())] == list(OFFERED)
    assert not win.create_button.isEnabled()  # no name yet
    type_name(qtbot, win, "9 bad name")
    assert "item name" in win.preview.text() and "#c62828" in win.preview.styleSheet()
    assert not win.create_button.isEnabled()
    click(qtbot, win.create_button)  # disabled: nothing happens
    assert host.list_instances() == []


def test_good_name_previews_the_kref_and_create_marks_the_selection(
    window, qtbot, host: MemoryHost, tmp_path: Path
) -> None:
    from splice.tools.common import screenshot

    win = window
    type_name(qtbot, win, "hero")
    assert win.preview.text() == "kref://show/assets/hero.model"
    assert win.create_button.isEnabled()
    assert sorted(win.representation_boxes) == ["abc", "json"]
    assert win.members.text() == "Members: hero, hero_eyes"
    click(qtbot, win.representation_boxes["abc"])
    assert win.representations() == ["abc"]
    data = screenshot(win, tmp_path / "creator.png").read_bytes()
    assert data.startswith(b"\x89PNG")
    if SCREENSHOTS:
        screenshot(win, REPO / "docs" / "images" / "creator.png")

    with qtbot.waitSignal(win.created, timeout=5_000) as blocker:
        click(qtbot, win.create_button)
    [instance] = host.list_instances()
    assert blocker.args[0] == instance
    assert (instance.name, instance.kind, instance.item) == ("hero", "model", "kref://show/assets/hero.model")
    assert instance.options == {"members": ["hero", "hero_eyes"], "representations": ["abc"]}
    assert (
        not win.status.is_error
        and "hero will publish kref://show/assets/hero.model (abc)" in win.status.text()
    )
    assert "already exists" in win.preview.text() and not win.create_button.isEnabled()


def test_duplicate_name_shows_the_error_and_changes_nothing(window, qtbot, host: MemoryHost) -> None:
    win = window
    splice.pipeline.create(host, "model", "hero", options={"members": ["hero"]})
    before = host.list_instances()
    type_name(qtbot, win, "hero")
    assert "'hero' already exists" in win.preview.text() and not win.create_button.isEnabled()
    assert win.create() is None  # called anyway (e.g. from Python): refused, shown, not raised
    assert win.status.is_error and "already exists" in win.status.text()
    assert host.list_instances() == before


def test_kind_switch_and_selection_rules(window, qtbot, host: MemoryHost) -> None:
    win = window
    type_name(qtbot, win, "shotcam")
    win.kind.setCurrentText("camera")
    assert sorted(win.representation_boxes) == ["abc"]
    assert win.preview.text() == "kref://show/assets/shotcam.camera"
    win.kind.setCurrentText("review")
    assert win.representation_boxes == {} and win.no_representations.isVisible()
    host.set_selection([])
    click(qtbot, win.use_selection)  # off: no members needed
    assert win.create_button.isEnabled() and "starts empty" in win.members.text()
    click(qtbot, win.use_selection)  # on, nothing selected: refused
    assert not win.create_button.isEnabled() and "nothing is selected" in win.members.text()
    click(qtbot, win.use_selection)
    instance = win.create()
    assert instance is not None and instance.options == {"members": []}  # empty, as the window said
    assert [i.name for i in host.list_instances()] == ["shotcam"]


def test_no_context_space_is_an_error_in_the_window(qtbot, show: Show) -> None:
    from splice.tools.creator import Window

    host = MemoryHost()  # no context
    host.set_selection(["x"])
    win = Window(host, show.client)
    qtbot.addWidget(win)
    type_name(qtbot, win, "hero")
    assert "no space" in win.preview.text() and not win.create_button.isEnabled()


def test_the_model_offers_the_adapters_kinds_and_goes_through_actions_create(show: Show) -> None:
    from splice.hosts.maya import KIND_REPRESENTATIONS

    assert offered_by(MemoryHost()) == {kind: () for kind in KINDS}  # memory: no table
    assert offered_by(MemoryHost(name="maya")) == KIND_REPRESENTATIONS
    assert offered_by(MemoryHost(name="no-such-host")) == {kind: () for kind in KINDS}

    host = show.host()
    host.content["hero"] = {}
    host.set_selection(["hero"])
    model = CreatorModel(host, show.client, offered=OFFERED)
    assert model.preview("model", "hero").text == "kref://show/assets/hero.model"
    assert not model.preview("lookdev", "hero").ok
    with pytest.raises(ValidationError, match="not usd"):
        model.create("model", "hero", ["usd"])
    assert host.list_instances() == []
    splice.pipeline.install(host, show.client)  # the installed host: through actions.create
    try:
        instance = model.create("model", "hero", "json")
    finally:
        splice.pipeline.uninstall()
    assert instance.options == {"members": ["hero"], "representations": ["json"]}
    assert model.message == "hero will publish kref://show/assets/hero.model (json)"
    with pytest.raises(ValidationError, match="already exists"):
        model.create("model", "hero")

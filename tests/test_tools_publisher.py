"""The Publisher window, offscreen (pytest-qt), on a MemoryHost and a real SQLite store:
validate (nothing written), publish with a failing check (its fix shown, nothing written),
repair, publish, see the new revision; an instance turned off is not published; errors are
shown in the window, never raised."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from host_support import HERO, Show, make_show
from model_support import dump

import splice
import splice.pipeline
from splice.pipeline import MemoryHost
from splice.pipeline.memory import PLUGINS_DIR

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")  # read now: make_show clears SPLICE_* variables
PROP = "kref://show/assets/prop.model"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    """A real SQLite store (the tools' tests run on one engine: the window is the subject)."""
    c = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    yield c
    c.close()


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    return make_show(client, tmp_path, monkeypatch)


@pytest.fixture
def host(show: Show) -> MemoryHost:
    """A scene with ``hero`` modelled and marked for publishing (an artist's Create)."""
    host = show.host()
    host.content["hero"] = {"mesh": "cube", "faces": 6}
    host.set_selection(["hero"])
    splice.pipeline.create(host, "model", "hero", options={"members": ["hero"]})
    return host


@pytest.fixture
def window(qtbot, show: Show, host: MemoryHost):
    from splice.tools.publisher import Window

    win = Window(host, show.client, plugins_dir=PLUGINS_DIR)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def click(qtbot, widget) -> None:
    from qtpy import QtCore

    qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton)


def run(qtbot, win, button) -> object:
    """Click Validate / Publish / Repair and wait for the run's report."""
    with qtbot.waitSignal(win.finished, timeout=30_000) as blocker:
        click(qtbot, button)
    qtbot.waitUntil(lambda: not win.busy and win.publish_button.isEnabled())
    return blocker.args[0]


def empty_members(host: MemoryHost, name: str = "hero") -> None:
    """The artist deleted the instance's content: the members check fails (repair: the selection)."""
    [instance] = [i for i in host.list_instances() if i.name == name]
    host.update_instance(dataclasses.replace(instance, options={**instance.options, "members": []}))


def test_validate_shows_every_check_passed_and_writes_nothing(window, qtbot, show: Show) -> None:
    win = window
    assert win.instance_names() == ["hero"] and win.instance_names(active=True) == ["hero"]
    hero = win.instance_item("hero")
    assert (hero.text(1), hero.text(2), hero.text(3)) == ("model", HERO, "all")
    assert win.state_of("Instance has members") == "not run"
    assert win.plugin_item("Instance has members").parent().text(0) == "Validate"
    assert win.plugin_item("Scene content as JSON").parent().text(0) == "Extract"
    assert not win.repair_button.isEnabled()
    before = dump(show.client)

    report = run(qtbot, win, win.validate_button)
    assert report.success and report.revisions == []
    assert win.state_of("Instance has members") == "passed"
    assert win.state_of("Scene content as JSON") == "not run"  # validate does not extract
    assert "Validation passed" in win.status.text() and not win.status.is_error
    assert win.failure_rows() == []
    assert dump(show.client) == before  # nothing written


def test_publish_fails_with_the_fix_then_repair_publishes(window, qtbot, show: Show, host, tmp_path) -> None:
    win = window
    empty_members(host)
    before = dump(show.client)
    objects = show.objects()

    report = run(qtbot, win, win.publish_button)
    assert not report.success and report.stopped_at == "validate"
    [(check, on, wrong, fix)] = win.failure_rows()
    assert check == "Instance has members (repairable)" and on == "hero"
    assert "no members" in wrong and "selection" in fix
    assert win.status.is_error and "Instance has members on hero" in win.status.text()
    assert win.state_of("Instance has members") == "failed"
    assert win.state_of("Integrate into splice") == "not run"
    assert dump(show.client) == before and show.objects() == objects  # nothing written

    # the failed plug-in's log says what is wrong, on selection
    win.plugins.setCurrentItem(win.plugin_item("Instance has members"))
    qtbot.waitUntil(lambda: "✗ Instance has members on hero" in win.log.toPlainText())
    assert "Fix:" in win.log.toPlainText()

    if SCREENSHOTS:
        from splice.tools.common import screenshot

        screenshot(win, REPO / "docs" / "images" / "publisher.png")

    qtbot.waitUntil(win.repair_button.isEnabled)
    win.comment.setFocus()
    qtbot.keyClicks(win.comment, "sculpt pass")
    report = run(qtbot, win, win.repair_button)
    assert report.success, report.to_text()
    assert report.repaired == ["Instance has members on hero"]
    assert host.list_instances()[0].options["members"] == ["hero"]  # repaired in the scene
    assert f"{HERO}?r=1" in win.status.text() and not win.status.is_error
    assert win.failure_rows() == [] and not win.repair_button.isEnabled()
    assert win.state_of("Integrate into splice") == "passed"
    revision = show.client.get_revision(f"{HERO}?r=1")
    assert revision.metadata["comment"] == "sculpt pass"

    report = run(qtbot, win, win.publish_button)  # again: the next revision
    assert report.revisions == [f"{HERO}?r=2"] and f"{HERO}?r=2" in win.status.text()


def test_an_instance_turned_off_is_not_published(qtbot, show: Show, host: MemoryHost) -> None:
    from qtpy import QtCore

    from splice.errors import NotFoundError
    from splice.tools.publisher import Window

    host.content["prop"] = {"mesh": "sphere"}
    splice.pipeline.create(host, "model", "prop")
    win = Window(host, show.client, plugins_dir=PLUGINS_DIR)
    qtbot.addWidget(win)
    assert win.instance_names(active=True) == ["hero", "prop"]

    prop = win.instance_item("prop")
    rect = win.instances.visualItemRect(prop)
    box = QtCore.QPoint(rect.left() + 10, rect.center().y())  # the check box, left of the name
    win.show()
    qtbot.waitExposed(win)
    qtbot.mouseClick(win.instances.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=box)
    assert win.instance_item("prop").checkState(0) == QtCore.Qt.CheckState.Unchecked
    qtbot.waitUntil(lambda: not next(i for i in host.list_instances() if i.name == "prop").active)
    assert "prop will not be published" in win.status.text()

    report = run(qtbot, win, win.publish_button)
    assert report.success, report.to_text()
    assert report.revisions == [f"{HERO}?r=1"]
    with pytest.raises(NotFoundError):
        show.client.get_item(PROP)
    assert win.instance_names(active=False) == ["prop"]  # still off after the refresh


def test_errors_are_shown_never_raised(qtbot, show: Show, host: MemoryHost, monkeypatch) -> None:
    from qtpy import QtCore

    from splice.tools.publisher import Window

    win = Window(host, show.client, plugins_dir=PLUGINS_DIR)
    qtbot.addWidget(win)

    def gone(*args: object) -> None:
        raise RuntimeError("the scene is gone")

    monkeypatch.setattr(host, "update_instance", gone)
    win.instance_item("hero").setCheckState(0, QtCore.Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: win.status.is_error)
    assert "the scene is gone" in win.status.text()
    assert win.instance_names(active=True) == ["hero"]  # shown as it is in the scene

    monkeypatch.setattr(host, "list_instances", gone)
    with qtbot.waitSignal(win.finished, timeout=30_000) as blocker:
        click(qtbot, win.validate_button)
    assert not blocker.args[0].success and win.status.is_error
    assert "Validation failed" in win.status.text() and "Collect splice instances" in win.status.text()
    assert win.failure_rows()[0][2] == "RuntimeError: the scene is gone"


def test_the_model_has_no_qt(show: Show, host: MemoryHost) -> None:
    import subprocess
    import sys

    code = (
        "import sys, splice.tools.publisher_model; "
        "assert not any(m.startswith(('PySide', 'qtpy')) for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

    from splice.tools.publisher_model import PublisherModel

    model = PublisherModel(host, show.client, PLUGINS_DIR)
    stages = model.plugins()
    assert list(stages) == ["collect", "validate", "extract", "integrate"]
    assert "ValidateMembers" in [p.plugin for p in stages["validate"]]
    seen = []
    report = model.validate(progress=seen.append)
    assert report.success and {c.stage for c in seen} == {"collect", "validate"}
    model.set_active("hero", False)
    assert [r.active for r in model.instances()] == [False]

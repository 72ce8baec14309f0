"""The Workfiles window, offscreen (pytest-qt), on MemoryHosts, a real SQLite store and real
work folders in tmp: save v001 and v002 by clicks, see version / artist / time / comment,
open v001, see another artist's save after Refresh, switch to another shot, and errors (a bad
template, a missing space) shown in red with nothing changed; two racing saves get two versions."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

import json
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

import splice
from splice.pipeline import Context, MemoryHost
from splice.pipeline import workfiles as wf

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")
SH010 = "kref://show/shots/sq010/sh010"
SH020 = "kref://show/shots/sq010/sh020"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    c = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    project = c.create_project("show")
    sq010 = project.create_space("shots").create_space("sq010")
    sq010.create_space("sh010")
    sq010.create_space("sh020")
    project.create_space("assets")
    yield c
    c.close()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


def scene(space: str = SH010, task: str = "animation", **content: object) -> MemoryHost:
    host = MemoryHost()
    host.set_context(Context("show", space, task))
    host.content.update(content)
    return host


def open_window(qtbot, host: MemoryHost, client: splice.Client, work: Path, **options):
    """splice.tools.show, as the menu does; the first listing runs in the background."""
    import splice.tools

    win = splice.tools.show("workfiles", host, client, environ={wf.ROOT_ENV: str(work)}, **options)
    qtbot.addWidget(win)
    qtbot.waitUntil(
        lambda: (not win.busy and win.model.listing is not None) or win.status.is_error, timeout=30_000
    )
    return win


def click(qtbot, widget) -> None:
    from qtpy import QtCore

    qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton)


def click_version(qtbot, win, version: int) -> None:
    from qtpy import QtCore

    row = next(r for r, row in enumerate(win.rows()) if row.workfile.version == version)
    rect = win.table.visualItemRect(win.table.item(row, 0))
    qtbot.mouseClick(win.table.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.selected_row().workfile.version == version


def shown(win) -> list[tuple[str, ...]]:
    return [
        tuple(win.table.item(r, c).text() for c in range(win.table.columnCount()))
        for r in range(win.table.rowCount())
    ]


def save(qtbot, win, comment: str) -> None:
    win.comment.setText(comment)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.save_button)
    assert not win.status.is_error, win.status.text()


def test_save_versions_list_them_and_open_one(qtbot, client: splice.Client, work: Path) -> None:
    host = scene(shot="blocking")
    win = open_window(qtbot, host, client, work)
    folder = work / "show" / "shots" / "sq010" / "sh010" / "work" / "animation"
    assert shown(win) == [] and not win.status.is_error
    assert f"Work folder: {folder}" in win.where.text() and "untitled" in win.where.text()
    assert win.space.currentText() == "shots/sq010/sh010" and win.task.currentText() == "animation"

    save(qtbot, win, "blocking pass")
    v1 = folder / "sh010_animation_v001.json"
    assert host.current_file() == v1 and json.loads(v1.read_text())["content"] == {"shot": "blocking"}
    host.content["shot"] = "splines"
    save(qtbot, win, "splines")
    v2 = folder / "sh010_animation_v002.json"
    assert host.current_file() == v2 and "Saved v002" in win.status.text()

    today = datetime.now().strftime("%Y-%m-%d")
    rows = shown(win)
    assert [r[:3] for r in rows] == [("v002", v2.name, "ana"), ("v001", v1.name, "ana")]  # newest first
    assert [r[4] for r in rows] == ["splines", "blocking pass"] and all(r[3].startswith(today) for r in rows)
    assert (
        win.current_row() == 0
        and win.table.item(0, 1).font().bold()
        and not win.table.item(1, 1).font().bold()
    )
    assert win.comment.text() == ""  # ready for the next version's comment
    sidecar = json.loads((folder / ".splice" / f"{v1.name}.json").read_text())
    assert sidecar["artist"] == "ana" and sidecar["context"]["space"] == SH010 and sidecar["version"] == 1

    click_version(qtbot, win, 1)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.open_button)
    assert host.current_file() == v1 and host.content == {"shot": "blocking"}
    assert win.current_row() == 1 and "Opened v001" in win.status.text()
    assert host.get_context() == Context("show", SH010, "animation")


def test_another_artists_save_shows_after_refresh(
    qtbot, client: splice.Client, work: Path, tmp_path: Path
) -> None:
    host = scene()
    win = open_window(qtbot, host, client, work)
    save(qtbot, win, "first")
    with splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="ben") as ben_client:
        ben = scene(shot="ben's")
        area = wf.work_area(ben_client, ben.get_context(), ben, environ={wf.ROOT_ENV: str(work)})
        saved = wf.save_next(ben, area, "ben's fixes")
    assert saved.version == 2
    folder = area.folder
    for other in (
        "notes.txt",
        "sh010_animation_v003.json.bak",
        "sh020_animation_v009.json",
        "sh010_anim_v4.json",
    ):
        (folder / other).write_text("{}")  # not this context's workfiles: never listed
    (folder / "sh010_animation_v3.json").write_text("{}")  # copied in by hand: no sidecar

    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    rows = shown(win)
    assert [r[0] for r in rows] == ["v003", "v002", "v001"]
    assert rows[1][1:3] == ("sh010_animation_v002.json", "ben") and rows[1][4] == "ben's fixes"
    owner = pwd.getpwuid((folder / "sh010_animation_v3.json").stat().st_uid).pw_name
    assert rows[0][2] == owner and rows[0][4] == ""  # no sidecar: the file's owner
    assert win.current_row() == 2  # still ana's v001
    assert "sh010_animation_v004.json" in win.save_button.toolTip()


def test_switch_context_lists_the_other_shot(qtbot, client: splice.Client, work: Path) -> None:
    host = scene()
    win = open_window(qtbot, host, client, work)
    save(qtbot, win, "sh010 work")
    spaces = [win.space.itemText(i) for i in range(win.space.count())]
    assert spaces == ["assets", "shots", "shots/sq010", "shots/sq010/sh010", "shots/sq010/sh020"]

    win.space.setCurrentIndex(spaces.index("shots/sq010/sh020"))
    win.task.setEditText("lighting")
    with qtbot.waitSignal(win.switched, timeout=30_000), qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.switch_button)
    assert host.get_context() == Context("show", SH020, "lighting")
    assert shown(win) == [] and "Switched to" in win.status.text() and not win.status.is_error
    folder = work / "show" / "shots" / "sq010" / "sh020" / "work" / "lighting"
    assert f"Work folder: {folder}" in win.where.text()

    save(qtbot, win, "light rig")  # the scene, saved into the new context
    assert host.current_file() == folder / "sh020_lighting_v001.json"
    assert json.loads(host.current_file().read_text())["context"]["space"] == SH020


def test_bad_template_and_missing_space_show_red_and_change_nothing(
    qtbot, client: splice.Client, work: Path
) -> None:
    client.get_project("show").set_attribute(wf.TEMPLATE_KEY, "{root}/{shot}/{name}_v{version:03d}.{ext}")
    host = scene()
    win = open_window(qtbot, host, client, work)
    assert win.status.is_error and "unknown field {shot}" in win.status.text()
    assert "fields: {root}, {project}, {space}, {name}, {task}" in win.status.text()
    assert not win.save_button.isEnabled()
    win.save_next()  # a call from a script: refused, in red
    assert win.status.is_error and host.current_file() is None and not work.exists()

    client.get_project("show").delete_attribute(wf.TEMPLATE_KEY)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.refresh_button)
    assert not win.status.is_error and win.save_button.isEnabled()

    win.space.setEditText("shots/sq010/sh999")
    with qtbot.waitSignal(win.failed, timeout=30_000) as blocker:
        click(qtbot, win.switch_button)
    assert "no space kref://show/shots/sq010/sh999" in blocker.args[0] and win.status.is_error
    assert host.get_context() == Context("show", SH010, "animation")  # unchanged
    win.space.setEditText("shots/sq010/sh020")
    win.task.setEditText("anim/bad")
    with qtbot.waitSignal(win.failed, timeout=30_000) as blocker:
        click(qtbot, win.switch_button)
    assert "task 'anim/bad' cannot be part of a file name" in blocker.args[0]
    assert host.get_context() == Context("show", SH010, "animation") and not work.exists()


def test_open_asks_before_discarding_unsaved_changes(qtbot, client: splice.Client, work: Path) -> None:
    class Edited(MemoryHost):
        """A host that can tell it has unsaved changes (as Maya's ``file -q -modified``)."""

        dirty = True

        def has_unsaved_changes(self) -> bool:
            return self.dirty

    host = Edited()
    host.set_context(Context("show", SH010, "animation"))
    answers: list[bool] = [False, True]
    asked: list[str] = []
    win = open_window(qtbot, host, client, work, confirm=lambda text: asked.append(text) or answers.pop(0))
    save(qtbot, win, "v1")
    host.content["more"] = 1
    save(qtbot, win, "v2")
    click_version(qtbot, win, 1)
    click(qtbot, win.open_button)  # answered No
    assert host.current_file().name.endswith("v002.json") and "Not opened" in win.status.text()
    assert "unsaved changes" in asked[0] and "sh010_animation_v001.json" in asked[0]
    with qtbot.waitSignal(win.opened, timeout=30_000):
        click(qtbot, win.open_button)  # answered Yes
    assert host.current_file().name.endswith("v001.json") and "more" not in host.content


def test_open_asks_a_memory_host_only_when_it_changed_since_saved(
    qtbot, client: splice.Client, work: Path
) -> None:
    host = scene(shot="blocking")
    answers: list[bool] = [False, True]
    asked: list[str] = []
    win = open_window(qtbot, host, client, work, confirm=lambda text: asked.append(text) or answers.pop(0))
    save(qtbot, win, "v1")
    save(qtbot, win, "v2")
    click_version(qtbot, win, 1)
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.open_button)  # just saved: nothing to lose, nothing asked
    assert asked == [] and host.current_file().name.endswith("v001.json")

    host.content["shot"] = "splines"  # an edit not saved yet
    click_version(qtbot, win, 2)
    click(qtbot, win.open_button)  # answered No
    assert len(asked) == 1 and "unsaved changes" in asked[0] and "v002" in asked[0]
    assert host.content == {"shot": "splines"} and host.current_file().name.endswith("v001.json")
    with qtbot.waitSignal(win.opened, timeout=30_000):
        click(qtbot, win.open_button)  # answered Yes
    assert host.current_file().name.endswith("v002.json") and host.content == {"shot": "blocking"}
    assert not host.has_unsaved_changes()


def test_two_racing_saves_get_two_versions(client: splice.Client, work: Path) -> None:
    from splice.tools.workfiles_model import WorkfilesModel

    hosts = [scene(artist=n) for n in range(6)]
    models = [WorkfilesModel(h, client, {wf.ROOT_ENV: str(work)}) for h in hosts]
    for model in models:
        model.refresh(model.context(), None)  # all list the same empty folder: all would pick v001
    start = threading.Barrier(len(models))
    saved: list[wf.Workfile] = []
    errors: list[BaseException] = []

    def run(model: WorkfilesModel) -> None:
        start.wait()
        try:
            saved.append(model.save_next("race"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(w.version for w in saved) == [1, 2, 3, 4, 5, 6]
    for host in hosts:  # each scene is in its own file, none overwritten
        assert json.loads(host.current_file().read_text())["content"] == host.content
    assert [w.version for w in wf.list_workfiles(models[0].listing.area)] == [6, 5, 4, 3, 2, 1]


def test_the_window_from_the_menu_and_the_screenshot(
    qtbot, client: splice.Client, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from splice.tools.common import screenshot
    from splice.tools.hosting import tool_entries

    assert ("workfiles", "Workfiles…") in tool_entries()
    short = Path(tempfile.mkdtemp(prefix="studio"))  # a short path, as a studio's would be
    request.addfinalizer(lambda: shutil.rmtree(short, ignore_errors=True))
    work = short / "projects"
    host = scene(shot="layout")
    area = wf.work_area(client, host.get_context(), host, environ={wf.ROOT_ENV: str(work)})
    history = [
        ("ana", "blocking: key poses"),
        ("ben", "camera from layout v3"),
        ("ana", "breakdowns, arm IK fixed"),
        ("ana", "splines, first pass"),
    ]
    for artist, comment in history:
        with splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user=artist) as c:
            a = wf.work_area(c, host.get_context(), host, environ={wf.ROOT_ENV: str(work)})
            wf.save_next(host, a, comment)
    for version, when in enumerate(
        ("2025-03-10T09:12", "2025-03-11T16:40", "2025-03-12T11:05", "2025-03-12T18:27")
    ):
        sidecar = wf.sidecar_path(area.path(version + 1))  # a week's work, not one second's
        info = json.loads(sidecar.read_text())
        sidecar.write_text(
            json.dumps({**info, "time": datetime.fromisoformat(when).astimezone().isoformat()})
        )
    wf.open_workfile(host, area.path(3), area)
    win = open_window(qtbot, host, client, work)
    win.resize(900, 340)
    win.comment.setText("polish: hands and face")
    click_version(qtbot, win, 2)
    assert shown(win)[0][3] == "2025-03-12 18:27"
    assert [r[0] for r in shown(win)] == ["v004", "v003", "v002", "v001"] and win.current_row() == 1
    data = screenshot(win, tmp_path / "workfiles.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    if SCREENSHOTS:
        screenshot(win, REPO / "docs" / "images" / "workfiles.png")
    win.close()


def test_the_model_has_no_qt() -> None:
    code = (
        "import sys, splice.tools.workfiles_model, splice.pipeline.workfiles; "
        "assert not any(m.startswith(('PySide', 'qtpy')) for m in sys.modules), 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_scene_without_context_picks_one(qtbot, client: splice.Client, work: Path) -> None:
    host = MemoryHost()  # a fresh scene, not started by the launcher
    win = open_window(qtbot, host, client, work)
    assert win.status.is_error and "need a project, a space and a task" in win.status.text()
    assert not win.save_button.isEnabled() and [
        win.project.itemText(i) for i in range(win.project.count())
    ] == ["show"]
    win.project.setCurrentIndex(0)
    win.project.activated.emit(0)  # as picking it in the list does
    qtbot.waitUntil(lambda: win.space.count() == 5 and not win.busy, timeout=30_000)
    win.space.setEditText("shots/sq010/sh020")
    win.task.setEditText("fx")
    with qtbot.waitSignal(win.refreshed, timeout=30_000):
        click(qtbot, win.switch_button)
    assert host.get_context() == Context("show", SH020, "fx") and win.save_button.isEnabled()
    assert "fx" in [win.task.itemText(i) for i in range(win.task.count())]

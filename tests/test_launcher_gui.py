"""The launcher window, offscreen (pytest-qt): pick project → shot → task → app, see the
workspace, click Launch; a real fake-app process records its environment."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("pytestqt")

from launcher_support import OTHER_SHOT, SHOT, fake_app, isolate, make_studio, wait_for_json
from launcher_support import write_config as studio_config_file
from packages_support import published_snapshot as build_snapshot

from splice.launcher.discovery import Discovery

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = os.environ.get("SPLICE_SCREENSHOTS")  # read now: the tests clear SPLICE_* variables


@pytest.fixture(scope="session")
def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(tmp_path_factory)


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture
def window(qtbot, published_snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv_cache: Path):
    from splice.launcher.gui import LauncherWindow

    isolate(monkeypatch, tmp_path, uv_cache)
    client = make_studio(published_snapshot, tmp_path)
    client.get_space(OTHER_SHOT).set_metadata({"tasks": "lighting, comp"})
    client.create_project("other-show").create_space("assets")
    app = fake_app(tmp_path / "bin")
    config = studio_config_file(
        tmp_path,
        app,
        extra=f"""
[apps.ghost.versions."1.0"]
linux = "{tmp_path}/not-installed"
""",
    )
    # no real discovery: the lists show only what the test configured
    win = LauncherWindow(
        client, [config], discovery=Discovery(roots={"/": tmp_path / "none", "~": tmp_path / "none"}, path=[])
    )
    qtbot.addWidget(win)
    win.show()
    yield win, app
    client.close()


def test_pick_launch_and_see_the_workspace(window, qtbot, tmp_path: Path) -> None:
    from qtpy import QtCore

    win, app = window
    assert [win.projects.item(r).text() for r in range(win.projects.count())] == ["other-show", "show"]
    win.select("show", SHOT)
    assert [win.tasks.item(r).text() for r in range(win.tasks.count())][:3] == [
        "modeling",
        "rigging",
        "lookdev",
    ]
    assert "not made yet" in win.ws_state.text()
    assert not win.launch_button.isEnabled()
    labels = [win.apps.item(r).text() for r in range(win.apps.count())]
    assert labels[:3] == ["Fake 2.0", "Fake 1.0", "ghost 1.0"]
    ghost = win.apps.item(2)
    assert not ghost.flags() & QtCore.Qt.ItemFlag.ItemIsEnabled  # a missing executable: greyed out

    win.select("show", SHOT, "animation", "fake", "1.0")
    assert win.launch_button.isEnabled() and win.launch_button.text() == "Launch fake 1.0"
    with qtbot.waitSignal(win.launched, timeout=120_000) as blocker:
        qtbot.mouseClick(win.launch_button, QtCore.Qt.MouseButton.LeftButton)
    started = blocker.args[0]
    seen = wait_for_json(Path(str(app) + ".json"))
    assert started.process.wait(timeout=60) == 0
    assert seen["env"]["SPLICE_CONTEXT"] == SHOT and seen["env"]["SPLICE_TASK"] == "animation"
    assert seen["env"]["SPLICE_HOST"] == "blender" and seen["env"]["SPLICE_APP_VERSION"] == "1.0"
    assert seen["imports"]["kitchen"] == "kref://show/env/kitchen.model?r=3"
    assert f"pid {started.pid}" in win.status.text()
    assert win.ws_state.text() == "exists · locked · up to date"
    assert win.ws_packages.text().startswith("2: show-env-kitchen-model==1.4.0")

    # another shot has its own tasks
    win.select("show", OTHER_SHOT)
    assert [win.tasks.item(r).text() for r in range(win.tasks.count())] == ["lighting", "comp"]

    from splice.launcher.gui import screenshot

    win.select("show", SHOT, "animation", "fake", "1.0")
    win.show_workspace()
    shot = screenshot(win, tmp_path / "launcher.png")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    if SCREENSHOTS:
        screenshot(win, REPO / "docs" / "images" / "launcher.png")


def test_an_error_is_shown_and_nothing_starts(window, qtbot, tmp_path: Path) -> None:
    from qtpy import QtCore

    win, app = window
    win.client.get_space(SHOT).set_metadata({"packages": "kref://show/props/table.model>=9"})
    win.select("show", SHOT, "fx", "fake", "2.0")
    with qtbot.waitSignal(win.failed, timeout=120_000):
        qtbot.mouseClick(win.launch_button, QtCore.Qt.MouseButton.LeftButton)
    assert "cannot be made" in win.status.text() and "show-props-table-model 1.2.3" in win.status.text()
    assert win.started == [] and not Path(str(app) + ".json").exists()
    assert win.launch_button.isEnabled()  # ready for another try

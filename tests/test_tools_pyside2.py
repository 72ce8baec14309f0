"""The artist tools under PySide2 (Maya 2024 and Houdini 20.0 ship it), in another Python:
the system's Python with Debian's PySide2 (``python3-pyside2.*``), splice's runtime made for
that Python by the launcher (what a DCC imports splice from) and qtpy, QT_API=pyside2,
offscreen. Every tool (``splice.tools.available()``) opens on a MemoryHost and a real SQLite
store with its file store, and is driven with QTest clicks: the Loader loads an older
revision, the Scene Inventory shows it outdated and updates it, the Creator marks it, the
Publisher validates and publishes it. Skipped, saying why, where PySide2 is not installed."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from host_support import Show, make_show
from tools_support import ASSETS, publish_json

import splice

SYSTEM_PYTHON = "/usr/bin/python3"
INSTALL = "apt-get install " + " ".join(
    f"python3-pyside2.{m}" for m in ("qtcore", "qtgui", "qtwidgets", "qttest")
)
HERO = f"{ASSETS}/hero.model"

# runs in the system's Python: QTest drives each window; prints one JSON line of what it saw
SESSION = r'''
import json, sys, traceback
from pathlib import Path

from qtpy import API_NAME, QtCore, QtWidgets
from qtpy.QtTest import QTest

import splice, splice.pipeline, splice.tools
from splice.pipeline import Context, MemoryHost, discover_loaders
from splice.pipeline.memory import PLUGINS_DIR

root = Path(sys.argv[1])
HERO = "kref://show/assets/hero.model"
LEFT, NONE = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
out = {"api": API_NAME, "qt": QtCore.qVersion(), "splice": splice.__file__, "tools": splice.tools.available()}
app = QtWidgets.QApplication([])
client = splice.Client.open(f"sqlite:///{root / 'store.db'}", user="maya_artist")
loaders = discover_loaders([root / "loaders"])
host = MemoryHost()
host.set_context(Context("show", "kref://show/assets", "modeling"))


def spin(ms):
    """Run Qt's event loop for ``ms`` (QTest.qWait, which PySide2 does not have)."""
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(ms, loop.quit)
    loop.exec_()


def wait_until(condition, what, timeout=20000):
    for _ in range(timeout // 20):
        if condition():
            return
        spin(20)
    raise AssertionError(f"timed out waiting for {what}")


def click(widget, pos=None):
    if pos is None:
        QTest.mouseClick(widget, LEFT)
    else:
        QTest.mouseClick(widget, LEFT, NONE, pos)


def click_row(view, column, text):
    model = view.model()
    rows = [r for r in range(model.rowCount()) if model.index(r, column).data() == text]
    assert rows, f"no row {text!r}"
    index = model.index(rows[0], column)
    click(view.viewport(), view.visualRect(index).center())


def button(win, text):
    for b in win.findChildren(QtWidgets.QAbstractButton):
        if b.isVisible() and b.text().replace("&", "").startswith(text):
            return b
    raise AssertionError(f"no {text!r} button")


def column(view, title):
    model = view.model()
    titles = [model.headerData(c, QtCore.Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def cells(view, title):
    model, c = view.model(), column(view, title)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def open_tool(name, **options):
    win = splice.tools.show(name, host, client, **options)
    wait_until(win.isVisible, f"the {name} window")
    return win


def loader():
    win = open_tool("loader", loaders=loaders)
    wait_until(lambda: "hero" in cells(win.items, "Item") and not win.busy, "the items")
    QTest.keyClicks(win.search, "her")  # the search box filters as one types
    wait_until(lambda: cells(win.items, "Item") == ["hero"], "the search")
    click_row(win.items, 0, "hero")
    wait_until(lambda: cells(win.revisions, "#")[:2] == ["2", "1"] and not win.busy, "hero's revisions")
    click_row(win.revisions, 0, "1")
    wait_until(lambda: win.representations.count() > 0 and not win.busy, "r1's representations")
    click(button(win, "Load"))
    wait_until(lambda: host.ls_containers() and not win.busy, "the load")
    [container] = host.ls_containers()
    wait_until(lambda: cells(win.items, "In scene")[0].startswith("●"), "hero marked as loaded")
    return {"loaded": container.kref, "content": host.content[container.key], "status": win.status.text()}


def inventory():
    win = open_tool("inventory", loaders=loaders)
    [key] = [c.key for c in host.ls_containers()]
    table = getattr(win, "table", None) or win.findChild(QtWidgets.QTableView)
    wait_until(lambda: cells(table, "State") == ["outdated → r2"], "the outdated row")
    win.compare.setFocus()  # compare against a tag, typed: nothing is approved
    win.compare.lineEdit().selectAll()
    QTest.keyClicks(win.compare.lineEdit(), "approved")
    QTest.keyClick(win.compare.lineEdit(), QtCore.Qt.Key.Key_Return)
    wait_until(lambda: cells(table, "State") == ["no-match"], "no approved revision")
    win.compare.lineEdit().selectAll()
    QTest.keyClicks(win.compare.lineEdit(), "latest")
    QTest.keyClick(win.compare.lineEdit(), QtCore.Qt.Key.Key_Return)
    wait_until(lambda: cells(table, "State") == ["outdated → r2"], "the outdated row again")
    click_row(table, 0, key)
    click(button(win, "Update to latest"))
    wait_until(lambda: cells(table, "State") == ["current"], "the update")
    return {"revision": host.read_container(key).revision, "content": host.content[key]}


def creator():
    host.set_selection([c.key for c in host.ls_containers()])
    win = open_tool("creator")
    win.name.setFocus()
    QTest.keyClicks(win.name, "hero")
    wait_until(lambda: button(win, "Create").isEnabled(), "Create enabled")
    click(button(win, "Create"))
    return {"instances": [(i.name, i.kind, i.options.get("members")) for i in host.list_instances()]}


def publisher():
    win = open_tool("publisher", plugins_dir=PLUGINS_DIR)
    reports = []
    win.finished.connect(reports.append)
    click(button(win, "Validate"))
    wait_until(lambda: len(reports) == 1 and not win.busy, "the validation")
    QTest.keyClicks(win.comment, "from PySide2")
    click(button(win, "Publish"))
    wait_until(lambda: len(reports) == 2 and not win.busy, "the publish")
    return {"validated": reports[0].success, "published": reports[1].revisions, "status": win.status.text()}


def any_tool(name):
    win = open_tool(name)
    spin(50)
    return {"title": win.windowTitle()}


steps = {"loader": loader, "inventory": inventory, "creator": creator, "publisher": publisher}
order = [n for n in steps if n in out["tools"]] + [n for n in out["tools"] if n not in steps]
for name in order:
    try:
        out[name] = (steps.get(name) or (lambda n=name: any_tool(n)))()
    except Exception:
        out[name] = {"error": traceback.format_exc()}
print("RESULT " + json.dumps(out))
'''


def _pyside2_missing() -> str | None:
    if not os.path.exists(SYSTEM_PYTHON):
        return f"no system Python at {SYSTEM_PYTHON}"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import PySide2.QtWidgets, PySide2.QtTest"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))},
    )
    if probe.returncode != 0:
        return f"PySide2 is not installed for {SYSTEM_PYTHON} ({INSTALL})"
    return None


_MISSING = _pyside2_missing()
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


@pytest.fixture(scope="module")
def dcc_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PYTHONPATH of a DCC's Python: splice's runtime for it (as the launcher makes it) and qtpy
    (what a studio installs into Maya or Houdini beside their own PySide2)."""
    from splice.launcher.dccpython import dcc_python
    from splice.launcher.runtime import runtime_for
    from splice.packages.installer import run_uv

    root = tmp_path_factory.mktemp("pyside2-dcc")
    python = dcc_python("system", None, SYSTEM_PYTHON, configured=SYSTEM_PYTHON)
    runtime = runtime_for(python, {"root": str(root / "runtimes")}, "the system's Python (PySide2)").path
    extra = root / "qtpy"
    args = ["pip", "install", "--quiet", "--target", str(extra), "--python-version", python.version]
    run_uv([*args, "--only-binary", ":all:", "qtpy"], "qtpy for the system's Python")
    return os.pathsep.join([str(runtime), str(extra)])


@pytest.fixture
def show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Show]:
    """show/assets: hero.model r1 and r2 (json), in a SQLite store with its file store."""
    client = splice.Client.open(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    show = make_show(client, tmp_path, monkeypatch)
    publish_json(show, HERO, {"hero": 1}, "blockout")
    publish_json(show, HERO, {"hero": 2}, "sculpt")
    yield show
    client.close()


def test_every_tool_opens_and_works_under_pyside2(show: Show, dcc_path: str, tmp_path: Path) -> None:
    script = tmp_path / "session.py"
    script.write_text(textwrap.dedent(SESSION))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_API"))}
    env.update(PYTHONPATH=dcc_path, QT_API="pyside2", QT_QPA_PLATFORM="offscreen", PYTHONNOUSERSITE="1")
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(script), str(tmp_path)], capture_output=True, text=True, env=env, timeout=300
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    seen = json.loads(lines[-1][len("RESULT ") :])
    errors = {
        name: step["error"] for name, step in seen.items() if isinstance(step, dict) and "error" in step
    }
    assert not errors, "\n".join(f"{name}:\n{text}" for name, text in errors.items())
    assert "Traceback" not in proc.stderr, proc.stderr  # nothing raised in a slot or a model method

    assert seen["api"] == "PySide2" and seen["qt"].startswith("5.15")
    assert seen["splice"].startswith(dcc_path.split(os.pathsep)[0])  # the runtime's splice, not the venv's
    assert set(seen["tools"]) >= {"creator", "inventory", "loader", "publisher"}
    assert seen["loader"]["loaded"] == f"{HERO}?r=1" and seen["loader"]["content"] == {"hero": 1}
    assert seen["inventory"] == {"revision": 2, "content": {"hero": 2}}
    [(name, kind, members)] = seen["creator"]["instances"]
    assert (name, kind) == ("hero", "model") and len(members) == 1
    assert seen["publisher"]["validated"] and seen["publisher"]["published"] == [f"{HERO}?r=3"]
    revision = show.client.get_revision(f"{HERO}?r=3")  # in the store, read from this side
    assert revision.metadata["comment"] == "from PySide2" and revision.metadata["artist"] == "maya_artist"

"""The artist tools inside Blender as the ``bpy`` module (4.5), Qt offscreen, opened the way an
artist opens them: the splice add-on's start-up module installs the host and its UI, and
each of the splice menu's tool entries (``bpy.ops.splice.tool``) opens its window.

Blender drives Qt from a ``bpy.app.timers`` callback (:func:`splice.tools.hosting.pump`). The
``bpy`` module runs no event loop of its own, so the scenario is the loop: it calls the
registered callback again after the interval it returned, as Blender's window manager does,
and unregisters it when it returns None. The windows show the store's data (the Loader the
assets of the scene's space, the Inventory the container the Load… operator made), the
opening time of each is printed, and once every window is closed the callback asks to stop.
"""

from __future__ import annotations

from pathlib import Path

from blender_support import PUBLISH_HERO, blender, run_blender
from tools_blender_support import ASSETS, CATALOGUE, seed_assets

import splice

pytestmark = blender

HERO = "kref://show/assets/hero.model"

SCENARIO = """
import time
from splice.pipeline import create as create_instance
from splice.tools import hosting

publish_hero({"hero_body": (1.0, 0.0), "hero_head": (0.5, 1.0)}, representations=("blend",))

# the artist's Blender: the add-on's start-up module (SPLICE_CONTEXT: the assets space)
bpy.ops.wm.read_factory_settings(use_empty=True)
import importlib.util
from splice.hosts.blender import SCRIPTS_DIR

spec = importlib.util.spec_from_file_location("splice_startup", SCRIPTS_DIR / "startup" / "splice_startup.py")
startup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(startup)
startup.register()
host = current.current()
assert sorted(bpy.ops.splice.load(kref="%(hero)s")) == ["FINISHED"]  # the menu's Load…
cube("prop_GEO")
create_instance(host, "model", "prop", options={"members": ["prop_GEO"]})

out = {"host": host.name, "entries": hosting.tool_entries(), "opened": {}, "seconds": {}}


def blender_loop(until, timeout=60.0):
    \"\"\"Blender's window manager for the pump: call it, wait the interval it returned, and
    unregister it when it returns None; until ``until()`` holds (True) or it stopped.\"\"\"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if until():
            return True
        if not bpy.app.timers.is_registered(hosting.pump):
            return until()
        interval = hosting.pump()
        if interval is None:
            bpy.app.timers.unregister(hosting.pump)
        else:
            time.sleep(interval)  # Blender runs other work meanwhile; the callback comes back
    return until()


windows = {}
for name, label in hosting.tool_entries():
    t0 = time.perf_counter()
    result = sorted(bpy.ops.splice.tool(tool=name))  # the menu entry's operator
    out["seconds"][name] = time.perf_counter() - t0
    from splice.tools import _open

    windows[name] = _open[name]
    out["opened"][name] = {"result": result, "pump_registered": bpy.app.timers.is_registered(hosting.pump)}
    print(f"splice {label} opened in {out['seconds'][name] * 1000:.0f} ms", flush=True)

from qtpy import API_NAME

out["qt"] = API_NAME
loader, inventory = windows["loader"], windows["inventory"]
publisher, creator = windows["publisher"], windows["creator"]


def loader_lists_assets():
    items = [loader.items.topLevelItem(i).text(0) for i in range(loader.items.topLevelItemCount())]
    return len(items) >= %(items)d and items


def table_rows(view):  # a QTableWidget's or a QTableView's cells, through its model
    m = view.model()
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def inventory_shows_hero():
    return len(table_rows(inventory.table)) == 1 and not inventory.busy


assert blender_loop(lambda: loader_lists_assets() and inventory_shows_hero()), (
    loader.status.text(), inventory.status.text())
out["visible"] = {name: w.isVisible() for name, w in windows.items()}
out["loader"] = {
    "project": loader.project.currentText(),
    "space": loader.current_space,
    "items": loader_lists_assets(),
    "in_scene": [loader.items.topLevelItem(i).text(2) for i in range(loader.items.topLevelItemCount())
                 if loader.items.topLevelItem(i).text(0) == "hero"],
    "status": loader.status.text(),
}
out["inventory"] = {
    "rows": table_rows(inventory.table),
    "state": inventory.state_of(table_rows(inventory.table)[0][0]),
    "summary": inventory.summary.text(),
}
out["publisher"] = {"instances": publisher.instance_names(), "status": publisher.status.text()}
out["creator"] = {"kinds": [creator.kind.itemText(i) for i in range(creator.kind.count())],
                  "status": creator.status.text()}
for name, w in windows.items():  # what each shows, for a person to look at
    w.grab().save(str(TMP / f"bpy-{name}.png"))

# Blender is not held: its data changes between two passes of the pump
bpy.data.objects["prop_GEO"].location.x = 3.0
out["pump_while_open"] = hosting.pump()

# closing every window: the pump asks Blender to stop calling it
for w in windows.values():
    w.close()
out["stopped"] = blender_loop(lambda: not bpy.app.timers.is_registered(hosting.pump), timeout=5.0)

# opened again: registered again, and a second open of an open tool raises the same window
t0 = time.perf_counter()
sorted(bpy.ops.splice.tool(tool="loader"))
out["seconds"]["loader_again"] = time.perf_counter() - t0
again = _open["loader"]
bpy.ops.splice.tool(tool="loader")
out["again"] = {"registered": bpy.app.timers.is_registered(hosting.pump), "same": _open["loader"] is again}
again.close()
out["stopped_again"] = hosting.pump() is None
# an unknown tool: the operator reports it (never raises into Blender)
try:
    bpy.ops.splice.tool(tool="nosuch")
    out["unknown"] = "no error"
except RuntimeError as exc:
    out["unknown"] = str(exc)
emit(out)
"""


def test_each_splice_menu_tool_opens_inside_blender_and_the_timer_pumps_qt(tmp_path: Path) -> None:
    client = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="jane")
    seed_assets(client, tmp_path / "files", tmp_path)
    client.close()
    env = {"SPLICE_CONTEXT": ASSETS, "SPLICE_TASK": "lookdev", "QT_QPA_PLATFORM": "offscreen", "QT_API": ""}
    script = PUBLISH_HERO + SCENARIO % {"hero": HERO, "items": len(CATALOGUE) + 1}
    out = run_blender(script, tmp_path, env=env, timeout=300)

    names = [name for name, _ in out["entries"]]
    assert out["host"] == "blender" and {"loader", "inventory", "publisher", "creator"} <= set(names)
    for name in names:  # each entry's operator finished and left Qt to Blender's timer
        assert out["opened"][name] == {"result": ["FINISHED"], "pump_registered": True}
        assert out["visible"][name] is True
    assert out["qt"] == "PySide6"
    expected = {n for n, *_ in CATALOGUE} | {"hero"}
    assert out["loader"]["project"] == "show" and out["loader"]["space"] == ASSETS  # the scene's context
    assert set(out["loader"]["items"]) == expected, out["loader"]
    assert out["loader"]["in_scene"] and out["loader"]["in_scene"][0], out["loader"]  # hero: loaded here
    assert out["inventory"]["rows"][0][0].startswith("hero") and out["inventory"]["state"] == "current"
    assert "prop" in out["publisher"]["instances"], out["publisher"]
    assert "model" in out["creator"]["kinds"], out["creator"]
    assert out["pump_while_open"] is not None  # a window is open: it keeps coming back
    assert out["stopped"] is True and out["stopped_again"] is True
    assert out["again"] == {"registered": True, "same": True}
    assert "no splice tool 'nosuch'" in out["unknown"]
    for name in names:
        assert (tmp_path / f"bpy-{name}.png").stat().st_size > 5_000
    print({name: f"{seconds * 1000:.0f} ms" for name, seconds in out["seconds"].items()})

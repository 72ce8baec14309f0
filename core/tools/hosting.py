"""The artist tools inside a DCC: which menu entries open them, their parent window, and
(Blender) the Qt event loop.

- ``tool_entries() -> [(name, label)]``: the tools :func:`splice.tools.available` finds, in menu
  order (``Loader…``, ``Scene Inventory…``, ``Publisher…``, then any other): the menus are built
  from it, so a new tool appears in every host without touching a menu.
- ``open_tool(name)``: :func:`splice.tools.show` on the installed host and its client
  (:mod:`splice.pipeline.current`), parented by :func:`parent_for`; in Blender the event loop
  is started. It raises (a menu runs it through :func:`splice.pipeline.actions.run`); without
  Qt the error says what to install in that DCC.
- ``parent_for(host_name)``: Maya's main window (``MQtUtil.mainWindow()`` through shiboken),
  Houdini's (``hou.qt.mainWindow()``), Nuke's (``QApplication.activeWindow()``, or the window
  it belongs to when a tool is the active one); Blender and
  the rest: None.
- ``warm_up(host_name)``: Qt imported in a background thread once a DCC with a window
  started, so the first window opened does not wait for it.
- ``blender_event_loop()``: Blender has no Qt event loop: a ``bpy.app.timers`` callback
  processes Qt's events every :data:`PUMP_INTERVAL` seconds while a tool window is open, and
  unregisters itself (returns None) once none is. Blender is never blocked.

Nothing here imports a DCC or Qt at import time.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import threading
from typing import Any

from ..errors import SpliceError

__all__ = [
    "LABELS",
    "PUMP_INTERVAL",
    "QtMissingError",
    "blender_event_loop",
    "open_tool",
    "parent_for",
    "tool_entries",
    "warm_up",
]

LABELS = {
    "creator": "Creator…",
    "loader": "Loader…",
    "inventory": "Scene Inventory…",
    "publisher": "Publisher…",
    "workfiles": "Workfiles…",
}
"""Each known tool's menu label, in menu order (a tool not listed: its name, capitalised)."""
PUMP_INTERVAL = 0.02
"""Seconds between two passes of Blender's timer over Qt's events while a tool is open."""

_QT_HINT = {
    "blender": "install them into Blender's Python: pip install qtpy PySide6",
    "maya": "Maya ships its own PySide: install qtpy into it (mayapy -m pip install qtpy)",
    "houdini": "Houdini ships its own PySide: install qtpy into it (hython -m pip install qtpy)",
    "nuke": "Nuke ships its own PySide: install qtpy into Nuke's Python (python -m pip install qtpy)",
}


class QtMissingError(SpliceError):
    """The tools need Qt (qtpy and a PySide) and this Python has none."""

    code = "qt_missing"


def tool_entries() -> list[tuple[str, str]]:
    """``(name, label)`` of every tool there is, in menu order."""
    from . import available

    names = available()
    order = [n for n in LABELS if n in names] + [n for n in names if n not in LABELS]
    return [(n, LABELS.get(n, n.replace("_", " ").capitalize() + "…")) for n in order]


def _require_qt(host_name: str) -> None:
    if host_name == "blender":
        _prefer_runtimes_pyside6()
    try:
        importlib.import_module("qtpy.QtWidgets")
    except Exception as exc:  # ImportError, qtpy's QtBindingsNotFoundError
        hint = _QT_HINT.get(host_name, "pip install qtpy PySide6")
        text = f"the splice tools need Qt (qtpy and PySide), not found here ({exc}): {hint}"
        raise QtMissingError(text) from exc


def _prefer_runtimes_pyside6() -> None:
    """Blender ships no Qt: splice's runtime brings PySide6 (``[runtime] qt``), and qtpy is to
    use it, not a PySide2 of the system's Python (Debian's Blender runs on it), which qtpy
    would try first. An artist's own ``QT_API`` wins; once qtpy is imported its choice stands."""
    if "QT_API" in os.environ or "qtpy" in sys.modules:
        return
    if importlib.util.find_spec("PySide6") is not None:
        os.environ["QT_API"] = "pyside6"


def warm_up(host_name: str) -> threading.Thread | None:
    """Import Qt in a background thread, so that the first tool an artist opens does not
    pay for it (PySide6 takes 0.4–0.8 s to import into a Blender; the main loop draws on
    meanwhile: it holds Python's lock only in its callbacks). None when there is nothing
    to warm: Qt imported already, or not installed here."""
    if host_name == "blender":
        _prefer_runtimes_pyside6()
    if "qtpy.QtWidgets" in sys.modules or importlib.util.find_spec("qtpy") is None:
        return None

    def load() -> None:
        with contextlib.suppress(Exception):  # a broken Qt: the menu entry will say so
            importlib.import_module("qtpy.QtWidgets")

    thread = threading.Thread(target=load, name="splice-qt-warm-up", daemon=True)
    thread.start()
    return thread


def open_tool(name: str) -> Any:
    """Open the tool ``name`` for the installed host and its client; returns the window."""
    from splice import tools
    from splice.pipeline import current

    host = current.current()
    _require_qt(host.name)
    client = current.client()
    window = tools.show(name, host, client, parent_for(host.name))
    if host.name == "blender":
        blender_event_loop()
    return window


def parent_for(host_name: str) -> Any:
    """The DCC's main window to parent a tool to (None: a top-level window)."""
    if host_name == "maya":
        return _maya_main_window()
    if host_name == "houdini":
        import hou

        return hou.qt.mainWindow()
    if host_name == "nuke":
        from qtpy import QtWidgets

        window = QtWidgets.QApplication.activeWindow()
        while window is not None and window.parentWidget() is not None:  # a tool already open: its parent
            window = window.parentWidget()
        return window
    return None


def _maya_main_window() -> Any:
    from maya import OpenMayaUI
    from qtpy import QtWidgets

    pointer = OpenMayaUI.MQtUtil.mainWindow()
    if pointer is None:  # batch mode: no main window
        return None
    try:
        from shiboken6 import wrapInstance
    except ImportError:  # Maya 2024 and before: PySide2
        from shiboken2 import wrapInstance
    return wrapInstance(int(pointer), QtWidgets.QWidget)


def blender_event_loop() -> None:
    """Drive Qt from Blender: register :func:`pump` as a ``bpy.app.timers`` callback (once)."""
    import bpy

    if not bpy.app.timers.is_registered(pump):
        bpy.app.timers.register(pump, first_interval=0.0, persistent=True)


def pump() -> float | None:
    """One pass of Qt's events; the seconds until the next, or None (unregister) when no tool
    window is open any more."""
    from qtpy import QtWidgets

    app = QtWidgets.QApplication.instance()
    if app is None:
        return None
    app.processEvents()
    if not any(w.isVisible() for w in app.topLevelWidgets()):
        return None
    return PUMP_INTERVAL

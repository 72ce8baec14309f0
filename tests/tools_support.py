"""Helpers of the artist tools' tests: data to browse, and the windows driven like a user.

Widgets are found by what the artist sees (a button's text, a view's rows and header) or by
the attribute the window exposes, in small functions here, so a window that changes its
widgets (a QTableWidget becoming a model/view table…) needs one helper adjusted, not every
test. Reading a view goes through its model (``QAbstractItemView.model()``), which a
QTableWidget, a QTreeWidget and a QTableView over any QAbstractItemModel all have.
"""

from __future__ import annotations

import json
from typing import Any

from host_support import Show

import splice
import splice.files
from splice.errors import NotFoundError

ASSETS = "kref://show/assets"
WAIT = 30_000  # ms: a remote engine's first calls can be slow on a busy machine


# -- data -----------------------------------------------------------------------------------
def publish_json(show: Show, kref: str, data: dict, comment: str = "", client: Any = None) -> splice.Revision:
    """A new revision of ``kref`` (made if missing) with a ``json`` representation, written
    through ``client`` (another artist's; default: the show's)."""
    client = client or show.client
    name, kind = kref.rsplit("/", 1)[1].split(".")
    try:
        item = client.get_item(kref)
    except NotFoundError:
        item = client.get_space(kref.rsplit("/", 1)[0]).create_item(name, kind)
    revision = item.create_revision({"comment": comment} if comment else {})
    path = show.root / "src" / f"{name}_r{revision.number}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data))
    splice.files.store(revision, "json", path)
    return revision


def revision_numbers(client: Any, kref: str) -> list[int]:
    return sorted(r.number for r in client.get_item(kref).get_revisions())


# -- clicks and keys -------------------------------------------------------------------------
def qt() -> Any:
    """``(QtCore, QtWidgets)``, imported late: the test modules set QT_QPA_PLATFORM first."""
    from qtpy import QtCore, QtWidgets

    return QtCore, QtWidgets


def click(qtbot: Any, widget: Any, modifier: Any = None, pos: Any = None) -> None:
    QtCore, _ = qt()
    modifier = modifier if modifier is not None else QtCore.Qt.KeyboardModifier.NoModifier
    if pos is None:
        qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton, modifier)
    else:
        qtbot.mouseClick(widget, QtCore.Qt.MouseButton.LeftButton, modifier, pos)


def ctrl() -> Any:
    return qt()[0].Qt.KeyboardModifier.ControlModifier


def button(win: Any, text: str) -> Any:
    """The push button of ``win`` whose text is ``text`` (or starts with it: "Load 2 items")."""
    _, QtWidgets = qt()
    buttons = win.findChildren(QtWidgets.QAbstractButton)
    for exact in (True, False):
        for b in buttons:
            label = b.text().replace("&", "")
            if b.isVisible() and (label == text if exact else label.startswith(text)):
                return b
    raise AssertionError(f"no {text!r} button in {win.windowTitle()!r}: {[b.text() for b in buttons]}")


def press(qtbot: Any, win: Any, text: str) -> None:
    """Click the enabled button ``text`` (waiting until it is enabled)."""
    b = button(win, text)
    qtbot.waitUntil(b.isEnabled, timeout=WAIT)
    click(qtbot, b)


def idle(win: Any) -> bool:
    return not getattr(win, "busy", False)


# -- any item view: rows through the model ---------------------------------------------------
def header(view: Any) -> list[str]:
    model = view.model()
    QtCore, _ = qt()
    return [
        str(model.headerData(c, QtCore.Qt.Orientation.Horizontal, QtCore.Qt.ItemDataRole.DisplayRole) or "")
        for c in range(model.columnCount())
    ]


def rows(view: Any) -> list[dict[str, str]]:
    """Every top-level row of ``view`` as ``{column title: text}``."""
    model = view.model()
    titles = header(view)
    return [
        {titles[c]: str(model.index(r, c).data() or "") for c in range(model.columnCount())}
        for r in range(model.rowCount())
    ]


def click_row(qtbot: Any, view: Any, column: int, text: str, add: bool = False) -> None:
    """Click (ctrl-click with ``add``) the row whose ``column`` reads ``text``."""
    model = view.model()
    found = [r for r in range(model.rowCount()) if model.index(r, column).data() == text]
    assert found, f"no row {text!r} in {[model.index(r, column).data() for r in range(model.rowCount())]}"
    index = model.index(found[0], column)
    view.scrollTo(index)
    click(qtbot, view.viewport(), ctrl() if add else None, view.visualRect(index).center())


# -- the Loader ------------------------------------------------------------------------------
def loader_items(win: Any) -> Any:
    return win.items


def loader_item_names(win: Any) -> list[str]:
    return [row["Item"] for row in rows(loader_items(win))]


def loader_in_scene(win: Any) -> dict[str, str]:
    """Each listed item's "In scene" mark (``● 1 loaded (r1)``, or empty)."""
    return {row["Item"]: row["In scene"] for row in rows(loader_items(win))}


def loader_revisions(win: Any) -> list[dict[str, str]]:
    """The revisions table of the current item, newest first (``#``, ``Comment``…)."""
    return rows(win.revisions)


def loader_pick_item(qtbot: Any, win: Any, name: str, add: bool = False) -> None:
    """Click an item (ctrl-click: add it to the selection); wait for its revisions."""
    click_row(qtbot, loader_items(win), 0, name, add)
    qtbot.waitUntil(lambda: idle(win) and loader_revisions(win) != [], timeout=WAIT)


def loader_load(qtbot: Any, win: Any) -> Any:
    """Press Load (its text says how many items); wait for the load's report."""
    with qtbot.waitSignal(win.loaded, timeout=WAIT) as blocker:
        press(qtbot, win, "Load")
    qtbot.waitUntil(lambda: idle(win), timeout=WAIT)
    return blocker.args[0]


def loader_refresh(qtbot: Any, win: Any, item: str, away: str) -> None:
    """See ``item``'s revisions as the store has them now: the window's Refresh when it has
    one, then click ``item`` (from ``away`` when it is the current one: the revisions are
    read when an item is picked)."""
    QtCore, QtWidgets = qt()
    refresh = [
        b for b in win.findChildren(QtWidgets.QAbstractButton) if b.text().replace("&", "") == "Refresh"
    ]
    if refresh and refresh[0].isVisible():
        click(qtbot, refresh[0])
        qtbot.waitUntil(lambda: idle(win) and item in loader_item_names(win), timeout=WAIT)
    selected = [i.data(0, QtCore.Qt.ItemDataRole.DisplayRole) for i in loader_items(win).selectedItems()]
    if item in selected:
        loader_pick_item(qtbot, win, away)
    loader_pick_item(qtbot, win, item)


# -- the Scene Inventory ---------------------------------------------------------------------
def inventory_view(win: Any) -> Any:
    _, QtWidgets = qt()
    table = getattr(win, "table", None)
    return table if table is not None else win.findChild(QtWidgets.QTableView)


def inventory_rows(win: Any) -> dict[str, dict[str, str]]:
    """Each container's row by its key (the first column): ``{"State": "outdated → r2"…}``."""
    view = inventory_view(win)
    first = header(view)[0]
    return {row[first]: row for row in rows(view)}


def inventory_states(win: Any) -> dict[str, str]:
    return {key: row["State"] for key, row in inventory_rows(win).items()}


def inventory_select(qtbot: Any, win: Any, keys: list[str]) -> None:
    """Click the first container's row, ctrl-click the others."""
    for i, key in enumerate(keys):
        click_row(qtbot, inventory_view(win), 0, key, add=bool(i))


# -- the Publisher ---------------------------------------------------------------------------
def publisher_failures(win: Any) -> list[dict[str, str]]:
    """The Failures list: ``{"Check", "On", "What is wrong", "Fix"}`` per failure."""
    return rows(win.failures)


def publisher_run(qtbot: Any, win: Any, text: str) -> Any:
    """Click Validate / Publish / Repair and wait for the run's report."""
    with qtbot.waitSignal(win.finished, timeout=WAIT) as blocker:
        press(qtbot, win, text)
    qtbot.waitUntil(lambda: idle(win), timeout=WAIT)
    return blocker.args[0]


def status_text(win: Any) -> str:
    return win.status.text()


def status_is_error(win: Any) -> bool:
    """The status line is red (StatusLine.is_error, or the red in its style sheet)."""
    status = win.status
    return bool(getattr(status, "is_error", False)) or "c62828" in status.styleSheet()

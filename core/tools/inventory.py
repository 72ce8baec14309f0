"""The Scene Inventory window: a thin view over :class:`~splice.tools.inventory_model.InventoryModel`.

A table of the scene's containers colour-coded by state, a "compare against" chooser
(``latest`` or a tag), and actions on the selected rows: Update to latest, Update to a tag or
number, Remove, Select in scene, Refresh. The store's calls and the scene's changes run in a
worker thread; results and errors come back to the status line (nothing raises into the host).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from qtpy import QtCore, QtGui, QtWidgets

from ..constants import LATEST
from .common import COLOURS, StatusLine, error_text, guarded, run_in_thread
from .inventory_model import COLUMNS, InventoryModel, Outcome, Row, parse_want

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host
    from ..pipeline.loader import Loader

__all__ = ["InventoryWindow", "Window"]

STATE_COLUMN = COLUMNS.index("State")
OFFERED_TAGS = ("published", "approved")


class InventoryWindow(QtWidgets.QWidget):
    """splice · Scene Inventory for ``host``, checked against ``client``'s store."""

    refreshed = QtCore.Signal()  # the table shows a fresh check
    finished = QtCore.Signal(str)  # an action ended; its summary
    failed = QtCore.Signal(str)  # the error shown in the status line

    def __init__(
        self,
        host: Host,
        client: Client,
        parent: QtWidgets.QWidget | None = None,
        loaders: Mapping[str, type[Loader]] | None = None,
        refresh: bool = True,
    ) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.host, self.client = host, client
        self.model = InventoryModel(host, client, loaders)
        self.busy = False
        self.setWindowTitle(f"splice · Scene Inventory ({host.name})")
        self.resize(980, 420)

        self.compare = QtWidgets.QComboBox()
        self.compare.setEditable(True)
        self.compare.addItems([LATEST, *OFFERED_TAGS])
        self.compare.setToolTip("What each container is compared against: latest, or a tag")
        self.compare.activated.connect(lambda _=None: self.refresh())
        self.compare.lineEdit().returnPressed.connect(self.refresh)
        self.refresh_button = QtWidgets.QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QtWidgets.QLabel()
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Compare against"))
        top.addWidget(self.compare)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)

        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setSortingEnabled(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.update_button = QtWidgets.QPushButton("Update to latest")
        self.update_button.clicked.connect(lambda: self.update_selected(LATEST))
        self.target = QtWidgets.QLineEdit()
        self.target.setPlaceholderText("tag or number")
        self.target.setMaximumWidth(140)
        self.update_to_button = QtWidgets.QPushButton("Update to")
        self.update_to_button.clicked.connect(lambda: self.update_selected(self.target.text()))
        self.remove_button = QtWidgets.QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.select_button = QtWidgets.QPushButton("Select in scene")
        self.select_button.clicked.connect(self.select_in_scene)
        actions = QtWidgets.QHBoxLayout()
        for widget in (self.update_button, self.update_to_button, self.target):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.select_button)
        actions.addWidget(self.remove_button)

        self.status = StatusLine()
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._update_buttons()
        if refresh:
            self.refresh()

    # -- what the artist sees -------------------------------------------------
    def selected_keys(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).text() for r in rows]

    def state_of(self, key: str) -> str:
        return self.model.row(key).state

    def colour_of(self, key: str) -> str:
        """The colour the row's state is shown in (``#rrggbb``)."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == key:
                return self.table.item(r, STATE_COLUMN).foreground().color().name()
        raise KeyError(key)

    def select_keys(self, keys: list[str]) -> None:
        """Select these containers' rows (as a click and ctrl-clicks would)."""
        self.table.clearSelection()
        mode = QtCore.QItemSelectionModel.SelectionFlag.Select | QtCore.QItemSelectionModel.SelectionFlag.Rows
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() in keys:
                self.table.selectionModel().select(self.table.model().index(r, 0), mode)

    def _show_rows(self, rows: list[Row]) -> None:
        selected = set(self.selected_keys())
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            colour = QtGui.QColor(COLOURS[row.state])
            for c, text in enumerate(row.cells()):
                cell = QtWidgets.QTableWidgetItem(text)
                cell.setToolTip(row.reason)
                if c == STATE_COLUMN:
                    cell.setForeground(QtGui.QBrush(colour))
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                elif row.state != "current":
                    tint = QtGui.QColor(colour)
                    tint.setAlpha(28)
                    cell.setBackground(QtGui.QBrush(tint))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("Item"), QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.select_keys([row.key for row in rows if row.key in selected])
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        self.summary.setText(" · ".join(f"{n} {state}" for state, n in counts.items()) or "no containers")
        known = {self.compare.itemText(i) for i in range(self.compare.count())}
        for tag in self.model.tags():
            if tag not in known:
                self.compare.addItem(tag)

    def _update_buttons(self) -> None:
        some = bool(self.selected_keys()) and not self.busy
        for button in (self.update_button, self.update_to_button, self.remove_button, self.select_button):
            button.setEnabled(some)
        self.refresh_button.setEnabled(not self.busy)

    # -- work, off the UI thread ----------------------------------------------
    def _run(self, message: str, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        self.busy = True
        self._update_buttons()
        self.status.info(message)
        run_in_thread(self, work, guarded(self._failed)(done), self._failed)

    def _failed(self, message: str) -> None:
        self.busy = False
        self._update_buttons()
        self.status.error(message)
        self.failed.emit(message)

    def refresh(self, then: str = "", then_error: bool = False) -> None:
        """Check every container against the chosen selector (one round trip); ``then``: the
        status to show after it (an action's summary)."""
        want = parse_want(self.compare.currentText())

        def done(rows: list[Row]) -> None:
            self.busy = False
            self._show_rows(rows)
            self._update_buttons()
            label = want if isinstance(want, str) else f"r{want}"
            if then_error:
                self.status.error(then)
            else:
                self.status.info(then or f"{len(rows)} container(s) checked against {label}")
            self.refreshed.emit()

        try:
            containers = self.host.ls_containers()  # the scene, on the UI thread; the store, in a worker
        except Exception as exc:
            self._failed(error_text(exc))
            return
        self._run("Checking the scene…", lambda: self.model.refresh(want, containers), done)

    def _act(self, verb: str, work: Callable[[], Outcome]) -> None:
        """Run an action that changes the scene ON the UI thread: a DCC's scene may only be
        touched from there (the refresh after it checks the store in a worker)."""
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        try:
            outcome = work()
        except Exception as exc:
            self._failed(error_text(exc))
            return
        text = outcome.text(verb)
        self.finished.emit(text)
        self.refresh(then=text, then_error=bool(outcome.skipped))

    def update_selected(self, want: str | int = LATEST) -> None:
        """Update the selected containers to ``latest``, a tag or a number."""
        keys = self.selected_keys()
        target = parse_want(want)
        if not keys:
            self.status.error("Select the containers to update first")
            return
        self._act("Updated", lambda: self.model.update(keys, target))

    def remove_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            self.status.error("Select the containers to remove first")
            return
        self._act("Removed", lambda: self.model.remove(keys))

    def select_in_scene(self) -> None:
        """Select the chosen containers' content in the host (on the UI thread: a DCC call)."""
        keys = self.selected_keys()
        try:
            names = self.model.select(keys)
        except Exception as exc:
            self._failed(error_text(exc))
            return
        self.status.info(f"Selected in the scene: {', '.join(names) or 'nothing'}")


Window = InventoryWindow

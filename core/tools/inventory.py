"""The Scene Inventory window: a thin view over :class:`~splice.tools.inventory_model.InventoryModel`.

A table of the scene's containers colour-coded by state (a :class:`RowsModel` over the model's
rows: a thousand containers show in one model reset, not a thousand widgets), a filter box, a
"compare against" chooser (``latest`` or a tag), and actions on the selected rows: Update to
latest, Update to a tag or number, Switch… (another item of the same kind, another
representation), Select in scene, Remove, Refresh.

The store's calls run in a worker thread (the check; an update's or a switch's revisions and
files), and the scene changes after, on the UI thread (a DCC's scene may be changed only
there). Results and errors come back to the status line; nothing raises into the host.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qtpy import QtCore, QtGui, QtWidgets

from ..constants import LATEST
from .common import COLOURS, OneAtATime, StatusLine, error_text, guarded, run_in_thread
from .inventory_model import COLUMNS, InventoryModel, Outcome, Plan, Row, parse_want

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Container, Host
    from ..pipeline.loader import Loader
    from .loader_model import RepresentationRow

__all__ = ["InventoryWindow", "RowsModel", "SwitchDialog", "Window"]

STATE_COLUMN = COLUMNS.index("State")
ITEM_COLUMN = COLUMNS.index("Item")
OFFERED_TAGS = ("published", "approved")
KEY_ROLE = QtCore.Qt.ItemDataRole.UserRole  # a row's container key, in every column
_Role = QtCore.Qt.ItemDataRole


def _matches(row: Row, pattern: str) -> bool:
    """Whether the filter box's text matches the row's item name or container key."""
    name = f"{row.container.item_kref.item_name}.{row.kind}".lower()
    return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(row.key.lower(), pattern)


class RowsModel(QtCore.QAbstractTableModel):
    """The inventory's rows for a QTableView: text, state colours, the reason as a tooltip.

    Sorting and filtering are done here, on the Python list (one sort, one pass), rather than
    by a QSortFilterProxyModel calling :meth:`data` per comparison: a refresh stays one model
    reset however many containers there are.
    """

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[Row] = []
        self.rows: list[Row] = []  # shown: filtered and sorted
        self._cells: list[tuple[str, ...]] = []
        self._filter = ""
        self._sort: tuple[int, bool] = (0, False)  # column, descending
        self._brushes: dict[str, tuple[QtGui.QBrush, QtGui.QBrush]] = {}
        for state, colour in COLOURS.items():
            tint = QtGui.QColor(colour)
            tint.setAlpha(28)
            self._brushes[state] = (QtGui.QBrush(QtGui.QColor(colour)), QtGui.QBrush(tint))
        self._bold = QtGui.QFont()
        self._bold.setBold(True)

    # -- content ------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.all = list(rows)
        self._arrange()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        text = text.strip().lower()
        if text == self._filter:
            return
        self.beginResetModel()
        self._filter = text
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        rows = self.all
        if self._filter:
            pattern = self._filter if any(c in self._filter for c in "*?[") else f"*{self._filter}*"
            rows = [row for row in rows if _matches(row, pattern)]
        pairs = [(row, row.cells()) for row in rows]
        column, descending = self._sort
        if column == COLUMNS.index("Revision"):
            pairs.sort(key=lambda p: p[0].revision, reverse=descending)
        else:
            pairs.sort(key=lambda p: p[1][column].lower(), reverse=descending)
        self.rows = [row for row, _ in pairs]
        self._cells = [cells for _, cells in pairs]

    def sort(self, column: int, order: QtCore.Qt.SortOrder = QtCore.Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()  # the view's selection and current row: kept by key
        held = [(self.rows[i.row()].key, i.column()) for i in before]
        self._sort = (column, order == QtCore.Qt.SortOrder.DescendingOrder)
        self._arrange()
        at = {row.key: r for r, row in enumerate(self.rows)}
        self.changePersistentIndexList(before, [self.index(at[key], c) for key, c in held])
        self.layoutChanged.emit()

    def position(self, key: str) -> int:
        """The shown row of container ``key``; -1 when filtered out or absent."""
        return next((r for r, row in enumerate(self.rows) if row.key == key), -1)

    # -- QAbstractTableModel ------------------------------------------------------
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = _Role.DisplayRole
    ) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == _Role.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QtCore.QModelIndex, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == _Role.DisplayRole:
            return self._cells[r][c]
        row = self.rows[r]
        if role == _Role.ForegroundRole:
            return self._brushes[row.state][0] if c == STATE_COLUMN else None
        if role == _Role.BackgroundRole:
            return self._brushes[row.state][1] if c != STATE_COLUMN and row.state != "current" else None
        if role == _Role.FontRole:
            return self._bold if c == STATE_COLUMN else None
        if role == _Role.ToolTipRole:
            return f"{row.key}: {row.reason}"
        if role == KEY_ROLE:
            return row.key
        return None


class InventoryWindow(OneAtATime, QtWidgets.QWidget):
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
        self.switch_dialog: SwitchDialog | None = None
        self._sized = False
        self.setWindowTitle(f"splice · Scene Inventory ({host.name})")
        self.resize(1020, 440)

        self.compare = QtWidgets.QComboBox()
        self.compare.setEditable(True)
        self.compare.addItems([LATEST, *OFFERED_TAGS])
        self.compare.setToolTip("What each container is compared against: latest, a tag or a number")
        self.compare.activated.connect(lambda _=None: self.refresh())
        self.compare.lineEdit().returnPressed.connect(self.refresh)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText("Filter by item or container (* and ?)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.refresh_button = QtWidgets.QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = QtWidgets.QLabel()
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.search)
        top.addWidget(QtWidgets.QLabel("Compare against"))
        top.addWidget(self.compare)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)

        self.rows = RowsModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.rows)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, QtCore.Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # the header's clicks sort the model (RowsModel.sort)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.search.textChanged.connect(self._filter)

        self.update_button = QtWidgets.QPushButton("Update to latest")
        self.update_button.clicked.connect(lambda: self.update_selected(LATEST))
        self.target = QtWidgets.QLineEdit()
        self.target.setPlaceholderText("tag or number")
        self.target.setMaximumWidth(140)
        self.update_to_button = QtWidgets.QPushButton("Update to")
        self.update_to_button.clicked.connect(lambda: self.update_selected(self.target.text()))
        self.switch_button = QtWidgets.QPushButton("Switch…")
        self.switch_button.setToolTip("Another item of the same kind, or another representation")
        self.switch_button.clicked.connect(self.open_switch)
        self.remove_button = QtWidgets.QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.select_button = QtWidgets.QPushButton("Select in scene")
        self.select_button.clicked.connect(self.select_in_scene)
        actions = QtWidgets.QHBoxLayout()
        for widget in (self.update_button, self.update_to_button, self.target, self.switch_button):
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
        """The selected containers, in the order shown."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows.rows[r].key for r in rows if r < len(self.rows.rows)]

    def shown_keys(self) -> list[str]:
        return [row.key for row in self.rows.rows]

    def state_of(self, key: str) -> str:
        return self.model.row(key).state

    def colour_of(self, key: str) -> str:
        """The colour the row's state is shown in (``#rrggbb``)."""
        r = self.rows.position(key)
        if r < 0:
            raise KeyError(key)
        brush = self.rows.data(self.rows.index(r, STATE_COLUMN), _Role.ForegroundRole)
        return brush.color().name()

    def select_keys(self, keys: Sequence[str]) -> None:
        """Select these containers' rows (as a click and ctrl-clicks would), in one selection."""
        wanted = set(keys)
        selection = QtCore.QItemSelection()
        last = len(COLUMNS) - 1
        start = None
        for r, row in enumerate([*self.rows.rows, None]):
            if row is not None and row.key in wanted:
                start = r if start is None else start
            elif start is not None:  # one range per run of selected rows
                selection.select(self.rows.index(start, 0), self.rows.index(r - 1, last))
                start = None
        flags = QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)

    def _filter(self, text: str) -> None:
        selected = self.selected_keys()
        self.rows.set_filter(text)
        self.select_keys(selected)
        self._update_buttons()

    def _show_rows(self, rows: list[Row]) -> None:
        selected = self.selected_keys()
        self.rows.set_rows(rows)
        self.select_keys(selected)  # the selection survives a refresh, by container key
        if not self._sized and rows:
            self._size_columns()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        self.summary.setText(" · ".join(f"{n} {state}" for state, n in counts.items()) or "no containers")
        known = {self.compare.itemText(i) for i in range(self.compare.count())}
        for tag in self.model.tags():
            if tag not in known:
                self.compare.addItem(tag)

    def _size_columns(self) -> None:
        """Column widths from the longest text of each (not resizeColumnsToContents, which
        measures every cell of every row)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for c, title in enumerate(COLUMNS):
            longest = max((cells[c] for cells in self.rows._cells[:2000]), key=len, default="")
            width = max(metrics.horizontalAdvance(longest), metrics.horizontalAdvance(title) + 24) + 18
            header.resizeSection(c, min(width, 420))
        header.setSectionResizeMode(ITEM_COLUMN, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self._sized = True

    def _update_buttons(self) -> None:
        some = self.table.selectionModel().hasSelection() and not self.busy
        for button in (
            self.update_button,
            self.update_to_button,
            self.switch_button,
            self.remove_button,
            self.select_button,
        ):
            button.setEnabled(some)
        self.refresh_button.setEnabled(not self.busy)

    # -- work: the store off the UI thread, the scene on it -------------------
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

    def _change(
        self, verb: str, message: str, prepare: Callable[[list[Container]], Plan], keys: Sequence[str]
    ) -> None:
        """Fetch, then apply: the containers are read here (the host), ``prepare`` does the
        store's work in a worker, and the plan is applied back on this thread."""
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        try:
            containers = self.model.read(keys)
        except Exception as exc:
            self._failed(error_text(exc))
            return

        def apply(plan: Plan) -> None:
            self.busy = False
            self._finish(verb, lambda: self.model.apply(plan))

        self._run(message, lambda: prepare(containers), apply)

    def _finish(self, verb: str, work: Callable[[], Outcome]) -> None:
        """Change the scene on the UI thread, then check it again (in a worker)."""
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
        if not keys:
            self.status.error("Select the containers to update first")
            return
        target = parse_want(want)
        label = target if isinstance(target, str) else f"r{target}"
        self._change(
            "Updated",
            f"Fetching {label} for {len(keys)} container(s)…",
            lambda containers: self.model.prepare_update(containers, target),
            keys,
        )

    def switch_selected(
        self,
        item: str | None = None,
        representation: str | None = None,
        want: str | int = LATEST,
        keys: Sequence[str] | None = None,
    ) -> None:
        """Switch the selected containers (or ``keys``) to ``item`` (same kind) at ``want`` and/or
        to ``representation``; refused (in red, nothing changed) for an item of another kind."""
        keys = list(self.selected_keys() if keys is None else keys)
        if not keys:
            self.status.error("Select the containers to switch first")
            return
        target = item or representation or ""
        self._change(
            "Switched",
            f"Fetching {target} for {len(keys)} container(s)…",
            lambda containers: self.model.prepare_switch(containers, item, want, representation),
            keys,
        )

    def open_switch(self) -> SwitchDialog | None:
        """The Switch dialog for the selected containers (not modal to the host)."""
        keys = self.selected_keys()
        if not keys:
            self.status.error("Select the containers to switch first")
            return None
        if self.switch_dialog is not None:  # one at a time, for the current selection
            self.switch_dialog.close()
            self.switch_dialog.deleteLater()
        rows = [self.model.row(key) for key in keys]
        self.switch_dialog = SwitchDialog(self, rows)
        self.switch_dialog.show()
        return self.switch_dialog

    def remove_selected(self) -> None:
        """Remove the selected containers (the scene only: no store call, on the UI thread)."""
        keys = self.selected_keys()
        if not keys:
            self.status.error("Select the containers to remove first")
            return
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        self._finish("Removed", lambda: self.model.remove(keys))

    def select_in_scene(self) -> None:
        """Select the chosen containers' content in the host (on the UI thread: a DCC call)."""
        keys = self.selected_keys()
        try:
            names = self.model.select(keys)
        except Exception as exc:
            self._failed(error_text(exc))
            return
        self.status.info(f"Selected in the scene: {', '.join(names) or 'nothing'}")


_KEEP = "(keep)"


class SwitchDialog(QtWidgets.QDialog):
    """Switch containers to another item of their kind (any space of the project, searched) at
    a selector, and/or another representation — those a loader in this host serves."""

    listed = QtCore.Signal()  # the items of the kind are in the list
    described = QtCore.Signal()  # the representations of the target are in the chooser

    def __init__(self, window: InventoryWindow, rows: Sequence[Row]) -> None:
        super().__init__(window)
        self.window_ = window
        self.rows = list(rows)
        self.kind = rows[0].kind
        self.project = rows[0].container.item_kref.project or ""
        self._items: list[str] = []
        self.setWindowTitle("splice · Switch")
        self.resize(560, 460)
        kinds = sorted({row.kind for row in rows})
        title = f"Switch {len(rows)} container(s): {', '.join(row.key for row in rows[:4])}"
        title += "…" if len(rows) > 4 else ""

        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(f"Search {self.kind} items of {self.project} (* and ?)")
        self.search.setClearButtonEnabled(True)
        self.items = QtWidgets.QListWidget()
        self.at = QtWidgets.QLineEdit(LATEST)
        self.at.setToolTip("The revision of the new item: latest, a tag or a number")
        self.representation = QtWidgets.QComboBox()
        self.representation.setMinimumWidth(260)
        self.status = StatusLine()
        if len(kinds) > 1:
            self.status.error(
                f"The selection holds {' and '.join(kinds)} items: switch the representation only"
            )
        buttons = QtWidgets.QDialogButtonBox()
        self.ok = buttons.addButton("Switch", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QtWidgets.QFormLayout()
        form.addRow("At", self.at)
        form.addRow("Representation", self.representation)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel(f"<b>{title}</b>"))
        layout.addWidget(QtWidgets.QLabel(f"Item ({self.kind}, any space of {self.project})"))
        layout.addWidget(self.search)
        layout.addWidget(self.items, 1)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.search.textChanged.connect(lambda *_: self._fill_items())
        self.items.currentItemChanged.connect(lambda *_: self._describe())
        self.at.editingFinished.connect(self._describe)
        self._load_items()

    # -- what is chosen -----------------------------------------------------------
    def chosen_item(self) -> str | None:
        node = self.items.currentItem()
        value = node.data(KEY_ROLE) if node is not None else None
        return value or None

    def chosen_representation(self) -> str | None:
        return self.representation.currentData(KEY_ROLE) or None

    def pick_item(self, kref: str) -> None:
        for index in range(self.items.count()):
            if self.items.item(index).data(KEY_ROLE) == kref:
                self.items.setCurrentRow(index)
                return
        raise KeyError(kref)

    def pick_representation(self, name: str) -> None:
        index = self.representation.findData(name, KEY_ROLE)
        if index < 0:
            raise KeyError(name)
        self.representation.setCurrentIndex(index)

    # -- the store, off the UI thread ------------------------------------------------
    def _load_items(self) -> None:
        model, kind, project = self.window_.model, self.kind, self.project

        def done(items: list[str]) -> None:
            self._items = items
            self._fill_items()
            self.listed.emit()

        run_in_thread(
            self,
            lambda: model.items_of_kind(kind, project),
            guarded(self.status.error)(done),
            self.status.error,
        )

    def _fill_items(self) -> None:
        text = self.search.text().strip().lower()
        pattern = text if any(c in text for c in "*?[") else f"*{text}*"
        held = {row.item for row in self.rows}
        current = self.chosen_item()
        self.items.blockSignals(True)
        self.items.clear()
        keep = QtWidgets.QListWidgetItem(f"{_KEEP} the item each holds")
        keep.setData(KEY_ROLE, "")
        self.items.addItem(keep)
        for kref in self._items:
            name = kref.rsplit("/", 1)[-1]
            if text and not fnmatch.fnmatchcase(name.lower(), pattern):
                continue
            node = QtWidgets.QListWidgetItem(kref + ("  ● in the selection" if kref in held else ""))
            node.setData(KEY_ROLE, kref)
            self.items.addItem(node)
        self.items.blockSignals(False)
        rows = {self.items.item(i).data(KEY_ROLE): i for i in range(self.items.count())}
        self.items.setCurrentRow(rows.get(current or "", 0))

    def _describe(self) -> None:
        """The representations of what the selection would hold, with their loaders here."""
        item = self.chosen_item()
        try:
            want = parse_want(self.at.text())
        except Exception as exc:
            self.status.error(error_text(exc))
            return
        if item is not None:
            selector = f"?r={want}" if isinstance(want, int) else f"?t={want}"
            revision = f"{item}{selector}"
        else:
            revision = self.rows[0].container.kref
        model = self.window_.model

        def done(reps: list[RepresentationRow]) -> None:
            if item != self.chosen_item():
                return  # an answer for an item no longer chosen
            self._fill_representations(reps)
            self.described.emit()

        def failed(message: str) -> None:
            self.representation.clear()
            self.representation.addItem(_KEEP, "")
            self.status.error(message)
            self.described.emit()

        run_in_thread(self, lambda: model.representations(revision), guarded(failed)(done), failed)

    def _fill_representations(self, reps: list[RepresentationRow]) -> None:
        chosen = self.chosen_representation()
        self.representation.clear()
        self.representation.addItem(f"{_KEEP} the one each holds", "")
        names = self.representation.model()
        for rep in reps:
            ext = f" (.{rep.extension})" if rep.extension and rep.extension != rep.name else ""
            loader = rep.default or f"no loader in {self.window_.host.name}"
            self.representation.addItem(f"{rep.name}{ext} — {loader}", rep.name)
            if not rep.loaders:  # shown, but it cannot be picked
                entry = names.item(self.representation.count() - 1)  # type: ignore[attr-defined]
                entry.setEnabled(False)
        index = self.representation.findData(chosen or "", KEY_ROLE)
        self.representation.setCurrentIndex(max(index, 0))
        if not self.status.is_error:
            self.status.info(f"{len(reps)} representation(s); greyed out: no loader here")

    def accept(self) -> None:
        item, representation = self.chosen_item(), self.chosen_representation()
        if item is None and representation is None:
            self.status.error("Choose another item or another representation")
            return
        keys = [row.key for row in self.rows]  # those the dialog was opened for
        self.window_.switch_selected(item, representation, self.at.text() or LATEST, keys)
        super().accept()


Window = InventoryWindow

"""The Workfiles window: a thin view over :class:`~splice.tools.workfiles_model.WorkfilesModel`.

```python
window = splice.tools.show("workfiles", host, client)
```

A context bar (project, space, task, Switch context), the context's workfiles (version, file,
artist, time, comment; newest first; the open scene in bold), a comment, and Save next
version / Open / Refresh. Listing and checks run in a worker thread; the scene is saved,
opened and given its context on the UI thread. Nothing raises into the host: what went wrong
is in red in the status line, and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from qtpy import QtCore, QtGui, QtWidgets

from ..errors import SpliceError
from .common import COLOURS, OneAtATime, StatusLine, error_text, guarded
from .workfiles_model import COLUMNS, Listing, Row, WorkfilesModel

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Context, Host

__all__ = ["Window", "WorkfilesWindow"]


def _ask(parent: QtWidgets.QWidget, text: str) -> bool:
    answer = QtWidgets.QMessageBox.question(
        parent,
        "splice · Workfiles",
        text,
        QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
        QtWidgets.QMessageBox.StandardButton.No,
    )
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


class WorkfilesWindow(OneAtATime, QtWidgets.QWidget):
    """splice · Workfiles for ``host`` and ``client``'s store; ``environ``: where
    ``$SPLICE_WORK_ROOT`` is read (default: this process's environment); ``confirm``: asks
    the artist a yes/no question (default: a message box)."""

    refreshed = QtCore.Signal()  # the table lists the scene's context
    saved = QtCore.Signal(object)  # the new Workfile
    opened = QtCore.Signal(object)  # the opened path
    switched = QtCore.Signal(object)  # the new Context
    failed = QtCore.Signal(str)  # the error shown in the status line

    def __init__(
        self,
        host: Host,
        client: Client,
        parent: QtWidgets.QWidget | None = None,
        environ: Mapping[str, str] | None = None,
        confirm: Callable[[str], bool] | None = None,
        refresh: bool = True,
    ) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.host, self.client = host, client
        self.model = WorkfilesModel(host, client, environ)
        self.confirm = confirm or (lambda text: _ask(self, text))
        self.busy = False
        self.setWindowTitle(f"splice · Workfiles ({host.name})")
        self.resize(900, 460)

        self.project = QtWidgets.QComboBox()
        self.project.setMinimumWidth(110)
        self.project.activated.connect(lambda _=None: self._project_picked())
        self.space = QtWidgets.QComboBox()
        self.space.setEditable(True)  # type a path (shots/sq010/sh020) in a long list
        self.space.setMinimumWidth(220)
        self.space.setToolTip("The space (shot, asset…) to work in: pick one, or type its path")
        self.task = QtWidgets.QComboBox()
        self.task.setEditable(True)
        self.task.setMinimumWidth(120)
        self.switch_button = QtWidgets.QPushButton("Switch context")
        self.switch_button.setToolTip("Make this the scene's context and list its workfiles")
        self.switch_button.clicked.connect(guarded(self._failed)(self.switch))
        bar = QtWidgets.QHBoxLayout()
        for label, widget in (("Project", self.project), ("Space", self.space), ("Task", self.task)):
            bar.addWidget(QtWidgets.QLabel(label))
            bar.addWidget(widget, 1 if widget is self.space else 0)
        bar.addWidget(self.switch_button)

        self.where = QtWidgets.QLabel()
        self.where.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)

        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())

        self.comment = QtWidgets.QLineEdit()
        self.comment.setPlaceholderText("comment: what changed in this version")
        self.comment.returnPressed.connect(self.save_next)
        self.save_button = QtWidgets.QPushButton("Save next version")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_next)
        self.open_button = QtWidgets.QPushButton("Open")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QtWidgets.QPushButton("Refresh")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.comment, 1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.refresh_button)

        self.status = StatusLine()
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._update_buttons()
        if refresh:
            self.refresh()

    # -- what the artist sees -------------------------------------------------------------
    def rows(self) -> list[Row]:
        return list(self.model.listing.rows) if self.model.listing is not None else []

    def selected_row(self) -> Row | None:
        picked = self.table.selectionModel().selectedRows()
        rows = self.rows()
        return rows[picked[0].row()] if picked and picked[0].row() < len(rows) else None

    def select_version(self, version: int) -> None:
        """Select the row of ``version`` (as a click would)."""
        for r, row in enumerate(self.rows()):
            if row.workfile.version == version:
                self.table.selectRow(r)
                return
        raise KeyError(version)

    def current_row(self) -> int | None:
        """The table row of the scene open in the host (shown in bold), if listed."""
        return next((r for r, row in enumerate(self.rows()) if row.current), None)

    def _show(self, listing: Listing | None, context: Context, current: Any) -> None:
        rows = list(listing.rows) if listing is not None else []
        self.table.setRowCount(len(rows))
        tint = QtGui.QColor(COLOURS["current"])
        tint.setAlpha(40)
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells()):
                cell = QtWidgets.QTableWidgetItem(text)
                cell.setToolTip(str(row.path))
                if row.current:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                    cell.setBackground(QtGui.QBrush(tint))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("Comment"), QtWidgets.QHeaderView.ResizeMode.Stretch
        )
        task = context.task or "no task"
        scene = str(current) if current else "untitled (never saved)"
        here = next((row for row in rows if row.current), None)
        if here is not None:  # one of the listed workfiles: its name says enough
            scene = f"{here.workfile.name} (v{here.workfile.version:03d})"
        lines = [f"Context: {context.space or context.project or 'none'} · {task}  —  Scene: {scene}"]
        if listing is not None:
            lines.append(f"Work folder: {listing.area.folder}")
            self.save_button.setToolTip(f"Save the scene as {listing.next_path.name}")
        self.where.setText("\n".join(lines))

    def _set_choices(self, combo: QtWidgets.QComboBox, values: list[str], current: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(values)
        if combo.isEditable():
            combo.setEditText(current)
        elif current in values:
            combo.setCurrentIndex(values.index(current))
        combo.blockSignals(False)

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.open_button.setEnabled(idle and self.selected_row() is not None)
        self.save_button.setEnabled(idle and self.model.listing is not None)
        for widget in (self.refresh_button, self.switch_button):
            widget.setEnabled(idle)

    # -- work -------------------------------------------------------------------------------
    def refresh(self, then: str = "") -> None:
        """List the scene's context's workfiles (and the store's projects, spaces and tasks) in
        a worker; ``then``: the status to show after (an action's summary)."""
        try:  # the scene, on the UI thread
            context, current = self.host.get_context(), self.host.current_file()
        except Exception as exc:
            self._failed(error_text(exc))
            return
        project = self.project.currentText() if not context.project else context.project
        model = self.model

        def work() -> tuple[list[str], list[str], Listing | None, str]:
            projects = sorted(p.name for p in model.client.get_projects())
            spaces = model.spaces(project) if project in projects else []
            try:
                listing = model.refresh(context, current)
            except SpliceError as exc:  # still offer the store's spaces, to switch to one
                model.listing = None
                return projects, spaces, None, str(exc)
            return projects, spaces, listing, ""

        def done(found: tuple[list[str], list[str], Listing | None, str]) -> None:
            projects, spaces, listing, problem = found
            self.busy = False
            self._set_choices(self.project, projects, project)
            prefix = f"kref://{project}/"
            self._set_choices(
                self.space, [s.removeprefix(prefix) for s in spaces], _short(context.space, prefix)
            )
            tasks = list(listing.tasks) if listing is not None else [context.task or ""]
            self._set_choices(self.task, [t for t in tasks if t], context.task or "")
            self._show(listing, context, current)
            self._update_buttons()
            if problem:
                self.status.error(problem)
                self.failed.emit(problem)
            else:
                count = len(listing.rows) if listing is not None else 0
                self.status.info(then or f"{count} workfile(s) for {context.space} · {context.task}")
            self.refreshed.emit()

        self._run("Listing the workfiles…", work, done)

    def _project_picked(self) -> None:
        project = self.project.currentText()
        if not project:
            return

        def done(spaces: list[str]) -> None:
            self.busy = False
            prefix = f"kref://{project}/"
            self._set_choices(self.space, [s.removeprefix(prefix) for s in spaces], "")
            self._update_buttons()
            self.status.info(f"{len(spaces)} space(s) in {project}: pick one, then Switch context")

        self._run(f"Reading {project}'s spaces…", lambda: self.model.spaces(project), done)

    def switch(self) -> None:
        """Check the picked project, space and task against the store, then make them the
        scene's context and list its workfiles."""
        project = self.project.currentText().strip()
        typed = self.space.currentText().strip()
        space = typed if not typed or typed.startswith("kref://") else f"kref://{project}/{typed.strip('/')}"
        task = self.task.currentText()

        def done(context: Context) -> None:
            self.busy = False
            self.model.apply(context)  # the scene, on the UI thread
            self.switched.emit(context)
            self.refresh(then=f"Switched to {context.space} · {context.task}")

        self._run("Checking the context…", lambda: self.model.check(project, space, task), done)

    def save_next(self) -> None:
        """Save the scene as the next version of the listed context (on the UI thread)."""
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        try:
            workfile = self.model.save_next(self.comment.text())
        except Exception as exc:
            self._failed(error_text(exc))
            return
        self.comment.clear()
        self.saved.emit(workfile)
        self.refresh(then=f"Saved v{workfile.version:03d}: {workfile.path}")

    def open_selected(self) -> None:
        """Open the selected workfile, after asking when the scene has unsaved changes."""
        row = self.selected_row()
        if self.busy or row is None:
            if row is None:
                self.status.error("Select the workfile to open first")
            return
        try:
            if self.model.unsaved_changes() and not self.confirm(
                f"The scene has unsaved changes: discard them and open {row.workfile.name}?"
            ):
                self.status.info("Not opened: the scene is as it was")
                return
            path = self.model.open(row.path)
        except Exception as exc:
            self._failed(error_text(exc))
            return
        self.opened.emit(path)
        self.refresh(then=f"Opened v{row.workfile.version:03d}: {path}")


def _short(space: str | None, prefix: str) -> str:
    return (space or "").removeprefix(prefix)


Window = WorkfilesWindow

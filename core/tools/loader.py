"""The Loader window (qtpy: PySide6 or PySide2): browse project → spaces → items (search
box, kind filter), an item's revisions (number, tags, time, artist, comment), the picked
revision's thumbnail and representations with the loaders that serve them in this host
(pick one when several do); load one or many items, each at its picked revision, or all
by a tag — as the tag was at a time, when "as it was at" is set, the revision it pointed
to then marked in the list; items already in the scene are marked.

A thin view over :class:`splice.tools.loader_model.LoaderModel`: store queries and file
fetches run in worker threads, the scene changes on the UI thread, and every error ends
in the status line, never in the host.

```python
import splice.tools
window = splice.tools.show("loader", host, client, loaders=adapter.LOADERS_DIR)
# or embed it: splice.tools.loader.Window(host, client, parent, loaders=...)
```
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from qtpy import QtCore, QtGui, QtWidgets

from ..errors import SpliceError, ValidationError
from ..pipeline.thumbnails import SIZE as THUMBNAIL_SIZE
from .loader_model import LoaderModel, LoadReport, LoadRequest, RepresentationRow, RevisionRow

__all__ = ["LoaderWindow", "Window"]

log = logging.getLogger("splice.tools.loader")
_ROLE = QtCore.Qt.ItemDataRole.UserRole
_ERROR = "#c62828"
_LOADED = "#2e7d32"
_AT_PICKED = "each at its picked revision (else latest)"
_NO_THUMBNAIL = "no thumbnail"
_MARK = "#fff3e0"  # the revision a tag pointed to at the "as it was at" time


def _message(exc: BaseException) -> str:
    if isinstance(exc, SpliceError):
        return str(exc)
    log.error("the loader failed", exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


class _Bridge(QtCore.QObject):
    """Made in the UI thread: a worker's signals reach ``_deliver`` there (queued)."""

    done = QtCore.Signal(object, object)  # (callback, result)

    def __init__(self, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self.done.connect(self._deliver)

    @QtCore.Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], result: Any) -> None:
        callback(result)


class LoaderWindow(QtWidgets.QWidget):
    """The Loader over a host and a client (see the module's docstring)."""

    loaded = QtCore.Signal(object)  # LoadReport

    def __init__(
        self,
        host: Any,
        client: Any,
        parent: QtWidgets.QWidget | None = None,
        *,
        loaders: Mapping[str, Any] | Iterable[Any] | None = None,
    ) -> None:
        super().__init__(parent)
        if parent is not None:  # a tool window of the host's main window, not a child widget
            self.setWindowFlags(self.windowFlags() | QtCore.Qt.WindowType.Window)
        self.model = LoaderModel(host, client, loaders)
        self.pending = 0  # worker jobs under way
        self._picked: dict[str, tuple[int | None, str | None]] = {}  # item → (revision, representation)
        self._revisions: list[RevisionRow] = []
        self._representations: list[RepresentationRow] = []
        self._loader_for: dict[str, str] = {}  # item → the loader picked when several serve
        self.marked_revision: int | None = None  # the revision the tag pointed to "as it was at"
        self._bridge = _Bridge(self)
        self.setWindowTitle("splice loader")
        self.resize(1180, 620)

        self.project = QtWidgets.QComboBox()
        self.project.setMinimumWidth(160)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText("Search items (name, * and ?)")
        self.search.setClearButtonEnabled(True)
        self.kind = QtWidgets.QComboBox()
        self.kind.setMinimumWidth(120)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("<b>Project</b>"))
        top.addWidget(self.project)
        top.addSpacing(16)
        top.addWidget(self.search, 1)
        top.addWidget(QtWidgets.QLabel("Kind"))
        top.addWidget(self.kind)
        self.refresh_button = QtWidgets.QPushButton("Refresh")
        self.refresh_button.setToolTip("List this space's items and the item's revisions again")
        top.addWidget(self.refresh_button)

        self.spaces = QtWidgets.QTreeWidget()
        self.spaces.setHeaderLabels(["Space"])
        self.items = QtWidgets.QTreeWidget()
        self.items.setHeaderLabels(["Item", "Kind", "In scene"])
        self.items.setRootIsDecorated(False)
        self.items.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items.setColumnWidth(0, 170)
        self.items.setColumnWidth(1, 80)
        self.revisions = QtWidgets.QTableWidget(0, 5)
        self.revisions.setHorizontalHeaderLabels(["#", "Tags", "Time", "Artist", "Comment"])
        self.revisions.verticalHeader().setVisible(False)
        self.revisions.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.revisions.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.revisions.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.revisions.horizontalHeader().setStretchLastSection(True)
        for column, width in ((0, 36), (1, 130), (2, 120), (3, 80)):
            self.revisions.setColumnWidth(column, width)
        self.representations = QtWidgets.QListWidget()
        self.thumbnail = QtWidgets.QLabel(_NO_THUMBNAIL)
        self.thumbnail.setFixedSize(*THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("QLabel { background: #2b2b2b; color: #9e9e9e; }")
        self.loader = QtWidgets.QComboBox()  # the loaders serving the picked representation
        self.loader.setEnabled(False)
        self.loader.setToolTip("The loader that loads the picked representation (when several serve it)")
        picked = QtWidgets.QWidget()
        picked_layout = QtWidgets.QGridLayout(picked)
        picked_layout.setContentsMargins(0, 0, 0, 0)
        picked_layout.addWidget(self.representations, 0, 0, 1, 2)
        picked_layout.addWidget(QtWidgets.QLabel("Loader"), 1, 0)
        picked_layout.addWidget(self.loader, 1, 1)
        picked_layout.setColumnStretch(1, 1)
        below = QtWidgets.QWidget()
        below_layout = QtWidgets.QHBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(_titled("Representations · loaders in this host", picked), 1)
        below_layout.addWidget(_titled("Thumbnail", self.thumbnail), 0, QtCore.Qt.AlignmentFlag.AlignTop)

        right = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        right.addWidget(_titled("Revisions", self.revisions))
        right.addWidget(below)
        right.setSizes([330, 230])
        middle = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        middle.addWidget(_titled("Spaces", self.spaces))
        middle.addWidget(_titled("Items", self.items))
        middle.addWidget(right)
        middle.setSizes([220, 360, 600])

        self.at = QtWidgets.QComboBox()
        self.at.addItem(_AT_PICKED, None)
        self.as_of = QtWidgets.QLineEdit()  # "as it was at": a tag as it was at that time
        self.as_of.setPlaceholderText("now")
        self.as_of.setClearButtonEnabled(True)
        self.as_of.setMaximumWidth(190)
        self.as_of.setToolTip(
            "Load by tag as the tag was at this time (UTC): YYYYMMDDHHMM (the end of that minute)"
            " or ISO 8601 (2024-06-01T13:30:45Z). Empty: now."
        )
        self.load_button = QtWidgets.QPushButton("Load")
        self.load_button.setMinimumHeight(32)
        self.load_button.setEnabled(False)
        self.status = QtWidgets.QLabel("Pick a project, a space and items to load.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(QtWidgets.QLabel("Load"))
        bottom.addWidget(self.at)
        bottom.addWidget(QtWidgets.QLabel("as it was at"))
        bottom.addWidget(self.as_of)
        bottom.addWidget(self.load_button)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(middle, 1)
        layout.addLayout(bottom)

        self.project.currentIndexChanged.connect(lambda *_: self._guard(self._project_changed))
        self.spaces.currentItemChanged.connect(lambda *_: self._guard(self._space_changed))
        self.search.textChanged.connect(lambda *_: self._guard(self._fill_items))
        self.kind.currentIndexChanged.connect(lambda *_: self._guard(self._fill_items))
        self.items.currentItemChanged.connect(lambda *_: self._guard(self._item_changed))
        self.items.itemSelectionChanged.connect(lambda: self._guard(self._selection_changed))
        self.revisions.itemSelectionChanged.connect(lambda: self._guard(self._revision_changed))
        self.representations.currentItemChanged.connect(lambda *_: self._guard(self._representation_changed))
        self.loader.currentIndexChanged.connect(lambda *_: self._guard(self._loader_changed))
        self.at.currentIndexChanged.connect(lambda *_: self._guard(self._update_mark))
        self.as_of.editingFinished.connect(lambda: self._guard(self._update_mark))
        self.as_of.textChanged.connect(lambda text: self._guard(self._update_mark) if not text else None)
        self.load_button.clicked.connect(lambda *_: self._guard(self.load))
        self.refresh_button.clicked.connect(lambda *_: self._guard(self.reload))
        self.refresh()

    # -- what is selected ----------------------------------------------------------------
    @property
    def host(self) -> Any:
        return self.model.host

    @property
    def client(self) -> Any:
        return self.model.client

    @property
    def busy(self) -> bool:
        return self.pending > 0

    @property
    def current_project(self) -> str | None:
        return self.project.currentData(_ROLE) or None

    @property
    def current_space(self) -> str | None:
        item = self.spaces.currentItem()
        return item.data(0, _ROLE) if item else None

    @property
    def current_item(self) -> str | None:
        item = self.items.currentItem()
        return item.data(0, _ROLE) if item else None

    def selected_items(self) -> list[str]:
        return [i.data(0, _ROLE) for i in self.items.selectedItems()]

    def requests(self) -> list[LoadRequest]:
        """What Load would load: the selected items, each at its picked revision,
        representation and loader, or all at the tag chosen in "Load …" (as it was at the
        "as it was at" time, when one is typed: ValidationError when it cannot be read, or
        is given without a tag)."""
        tag = self.at.currentData(_ROLE)
        time = self.model.as_of(self.as_of.text())
        if time and not tag:
            raise ValidationError(
                'as it was at a time applies to loading by tag: choose "by tag: …", or clear the time'
            )
        out = []
        for item in self.selected_items():
            if tag:
                out.append(LoadRequest(item, tag=tag, time=time))
            else:
                revision, representation = self._picked.get(item, (None, None))
                loader = self._loader_for.get(item) if representation else None
                out.append(LoadRequest(item, revision=revision, representation=representation, loader=loader))
        return out

    # -- running work off the UI thread --------------------------------------------------
    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.pending += 1

        def finish(outcome: tuple[bool, Any]) -> None:
            self.pending -= 1
            ok, value = outcome
            if ok:
                self._guard(lambda: done(value))
            else:
                self._error(value)
            self._update_button()

        def job() -> None:
            try:
                outcome: tuple[bool, Any] = (True, work())
            except Exception as exc:  # shown in the status line, never lost in a thread
                outcome = (False, _message(exc))
            with contextlib.suppress(RuntimeError):  # the window is gone
                self._bridge.done.emit(finish, outcome)

        threading.Thread(target=job, name="splice-loader", daemon=True).start()

    def _guard(self, slot: Callable[[], Any]) -> None:
        try:
            slot()
        except Exception as exc:  # never into the host's event loop
            self._error(_message(exc))

    def _info(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _error(self, text: str) -> None:
        self.status.setStyleSheet(f"color: {_ERROR};")
        self.status.setText(text)

    # -- projects and spaces ---------------------------------------------------------------
    def refresh(self) -> None:
        """Fetch the projects again (and, on selection, everything below)."""
        self.model.forget()
        self._run(self.model.projects, self._fill_projects)

    def reload(self) -> None:
        """List the shown space's items and the picked item's revisions again (someone
        published meanwhile), keeping what is selected; with no space shown, the projects."""
        space = self.current_space
        if not space:
            self.refresh()
            return
        self.model.forget(space)
        self._info(f"Listing {space}…")
        self._run(lambda: self.model.fetch_items(space), lambda _rows: self._items_fetched(space))

    def _fill_projects(self, names: list[str]) -> None:
        self.project.blockSignals(True)
        self.project.clear()
        self.project.addItem("— choose —", "")
        for name in names:
            self.project.addItem(name, name)
        self.project.blockSignals(False)
        self._info(f"{len(names)} projects. Pick one.")
        context = self._context()
        if context.project in names:  # open where the scene is
            self.project.setCurrentIndex(self.project.findData(context.project))

    def _context(self) -> Any:
        from ..pipeline.interface import Context

        try:
            return self.model.host.get_context()
        except Exception:  # a host without a context: start from the projects
            return Context()

    def _project_changed(self) -> None:
        self.spaces.clear()
        self._clear_items()
        project = self.current_project
        if project:
            self._run(lambda: self.model.spaces(project), lambda rows: self._fill_spaces(project, rows))

    def _fill_spaces(self, project: str, rows: list[Any]) -> None:
        if project != self.current_project:
            return  # an answer for a project no longer shown
        self.spaces.clear()
        nodes: dict[str, QtWidgets.QTreeWidgetItem] = {}
        for row in rows:
            node = QtWidgets.QTreeWidgetItem([row.name])
            node.setData(0, _ROLE, row.kref)
            node.setToolTip(0, row.kref)
            parent = nodes.get(row.parent or "")
            if parent is None:
                self.spaces.addTopLevelItem(node)
            else:
                parent.addChild(node)
            nodes[row.kref] = node
        self.spaces.expandAll()
        self._info(f"{project}: {len(rows)} spaces.")
        space = nodes.get(str(self._context().space or ""))
        if space is not None:
            self.spaces.setCurrentItem(space)

    def _space_changed(self) -> None:
        self._clear_items()
        space = self.current_space
        if space:
            self._info(f"Listing {space}…")
            self._run(lambda: self.model.fetch_items(space), lambda _rows: self._items_fetched(space))

    def _items_fetched(self, space: str) -> None:
        if space != self.current_space:
            return
        kind = self.kind.currentData(_ROLE)
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem("All kinds", "")
        for name in self.model.kinds(space):
            self.kind.addItem(name, name)
        index = self.kind.findData(kind or "")
        self.kind.setCurrentIndex(max(index, 0))
        self.kind.blockSignals(False)
        self._fill_items()

    # -- items -----------------------------------------------------------------------------
    def _clear_items(self) -> None:
        self.items.clear()
        self.revisions.setRowCount(0)
        self.representations.clear()
        self._revisions = []
        self._representations = []
        self._show_thumbnail(None, None)
        self._fill_loaders()

    def _fill_items(self) -> None:
        space = self.current_space
        if not space or not self.model.fetched(space):
            return
        keep, current = set(self.selected_items()), self.current_item
        rows = self.model.items(space, self.search.text(), self.kind.currentData(_ROLE) or None)
        self.items.blockSignals(True)
        self.items.clear()
        for row in rows:
            node = QtWidgets.QTreeWidgetItem([row.name, row.kind, ""])
            node.setData(0, _ROLE, row.kref)
            node.setToolTip(0, row.kref)
            self.items.addTopLevelItem(node)
            node.setSelected(row.kref in keep)
            if row.kref == current:  # kept as the current item too, without changing the selection
                self.items.setCurrentItem(node, 0, QtCore.QItemSelectionModel.SelectionFlag.NoUpdate)
        self.items.blockSignals(False)
        self.mark_loaded()
        self._info(f"{space}: {len(rows)} of {len(self.model.fetch_items(space))} items shown.")
        self._item_changed()
        self._selection_changed()

    def mark_loaded(self) -> None:
        """Mark the items the scene holds (read from the host, on its thread)."""
        loaded = self.model.loaded()
        font = self.items.font()
        for index in range(self.items.topLevelItemCount()):
            node = self.items.topLevelItem(index)
            containers = loaded.get(node.data(0, _ROLE), [])
            bold = QtGui.QFont(font)
            bold.setBold(bool(containers))
            node.setFont(0, bold)
            if containers:
                revisions = sorted({f"r{c.revision}" for c in containers})
                node.setText(2, f"● {len(containers)} loaded ({', '.join(revisions)})")
                node.setForeground(2, QtGui.QBrush(QtGui.QColor(_LOADED)))
                node.setToolTip(2, "\n".join(f"{c.key} ← {c.kref} ({c.loader})" for c in containers))
            else:
                node.setText(2, "")
                node.setToolTip(2, "")

    def is_marked_loaded(self, item: str) -> bool:
        for index in range(self.items.topLevelItemCount()):
            node = self.items.topLevelItem(index)
            if node.data(0, _ROLE) == item:
                return node.text(2).startswith("●")
        return False

    def _selection_changed(self) -> None:
        items = self.selected_items()
        tag = self.at.currentData(_ROLE)
        self.at.blockSignals(True)
        self.at.clear()
        self.at.addItem(_AT_PICKED if len(items) != 1 else "at the picked revision", None)
        tags = sorted({t for row in self._revisions for t in row.tags} | {"latest"})
        for name in tags:
            self.at.addItem(f"by tag: {name}", name)
        self.at.setCurrentIndex(max(self.at.findData(tag), 0) if tag else 0)
        self.at.blockSignals(False)
        self._update_button()
        self._update_mark()

    def _item_changed(self) -> None:
        self.revisions.setRowCount(0)
        self.representations.clear()
        self._revisions = []
        self._show_thumbnail(None, None)
        self._fill_loaders()
        item = self.current_item
        if item:
            self._run(lambda: self.model.revisions(item), lambda rows: self._fill_revisions(item, rows))

    # -- revisions and representations -------------------------------------------------------
    def _fill_revisions(self, item: str, rows: list[RevisionRow]) -> None:
        if item != self.current_item:
            return
        self._revisions = rows
        self.revisions.blockSignals(True)
        self.revisions.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [str(row.number), ", ".join(row.tags), row.time, row.artist, row.comment]
            for column, text in enumerate(cells):
                cell = QtWidgets.QTableWidgetItem(text)
                cell.setToolTip(row.kref if column == 0 else text)
                self.revisions.setItem(r, column, cell)
        self.revisions.blockSignals(False)
        picked = self._picked.get(item, (None, None))[0]
        index = next((i for i, row in enumerate(rows) if row.number == picked), 0)
        if rows:
            self.revisions.selectRow(index)
        self._selection_changed()

    def current_revision(self) -> RevisionRow | None:
        rows = {i.row() for i in self.revisions.selectedIndexes()}
        return self._revisions[min(rows)] if rows and min(rows) < len(self._revisions) else None

    def _revision_changed(self) -> None:
        self.representations.clear()
        self._representations = []
        self._fill_loaders()
        item, row = self.current_item, self.current_revision()
        if not item or row is None:
            self._show_thumbnail(None, None)
            return
        latest = self._revisions[0].number if self._revisions else None
        if row.number != latest or item in self._picked:
            self._picked[item] = (row.number, self._picked.get(item, (None, None))[1])
        kref = row.kref
        self.thumbnail.clear()
        self.thumbnail.setText("…")
        self._run(
            lambda: self.model.representations(kref), lambda reps: self._fill_representations(kref, reps)
        )
        self._run(lambda: self.model.thumbnail(kref), lambda path: self._show_thumbnail(kref, path))

    def _show_thumbnail(self, kref: str | None, path: Path | None) -> None:
        """Show the thumbnail fetched for ``kref`` (still the picked revision), else the placeholder."""
        row = self.current_revision()
        if kref is not None and (row is None or row.kref != kref):
            return  # an answer for a revision no longer picked
        pixmap = QtGui.QPixmap(os.fspath(path)) if path is not None else QtGui.QPixmap()
        if pixmap.isNull():
            self.thumbnail.clear()
            self.thumbnail.setText(_NO_THUMBNAIL)
            self.thumbnail.setToolTip("")
            return
        self.thumbnail.setPixmap(
            pixmap.scaled(
                self.thumbnail.size(),
                QtCore.Qt.AspectRatioMode.KeepAspectRatio,
                QtCore.Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.thumbnail.setToolTip(f"{kref} ({pixmap.width()}×{pixmap.height()})")

    # -- as it was at a time ---------------------------------------------------------------
    def _update_mark(self) -> None:
        """Mark the revision the chosen tag pointed to at the "as it was at" time (asked of
        the store off the UI thread); no tag or no time: no mark."""
        item, tag = self.current_item, self.at.currentData(_ROLE)
        try:
            time = self.model.as_of(self.as_of.text())
        except ValidationError:
            self._apply_mark(item, None, None, None)
            raise  # the status line says what times are read
        if not item or not tag or not time:
            self._apply_mark(item, None, None, None)
            return
        self._run(
            lambda: self.model.tagged_at(item, tag, time),
            lambda number: self._apply_mark(item, tag, time, number),
        )

    def _apply_mark(self, item: str | None, tag: str | None, time: str | None, number: int | None) -> None:
        if item != self.current_item:
            return
        if tag and time and (tag, time) != (self.at.currentData(_ROLE), self.model.as_of(self.as_of.text())):
            return  # an answer for a tag or time no longer chosen
        self.marked_revision = number if tag and time else None
        for r, row in enumerate(self._revisions):
            marked = row.number == self.marked_revision
            tags = ", ".join(row.tags) + (f"  ◀ {tag} then" if marked else "")
            for column in range(self.revisions.columnCount()):
                cell = self.revisions.item(r, column)
                if cell is None:
                    continue
                if column == 1:
                    cell.setText(tags)
                font = cell.font()
                font.setBold(marked)
                cell.setFont(font)
                cell.setBackground(QtGui.QBrush(QtGui.QColor(_MARK)) if marked else QtGui.QBrush())
        if tag and time:
            when = time.replace("T", " ")[:19]
            if number is None:
                self._info(f"No revision of {item} held {tag!r} at {when} UTC.")
            else:
                self._info(f"At {when} UTC, {tag!r} was on r{number}: loading by tag loads that.")

    def _fill_representations(self, kref: str, rows: list[RepresentationRow]) -> None:
        row = self.current_revision()
        if row is None or row.kref != kref:
            return
        self._representations = rows
        self.representations.blockSignals(True)
        self.representations.clear()
        for rep in rows:
            ext = f" (.{rep.extension})" if rep.extension and rep.extension != rep.name else ""
            default = " · default" if rep.default_of_revision else ""
            if rep.loaders:
                others = [n for n in rep.loaders if n != rep.default]
                also = f" (also {', '.join(others)})" if others else ""
                text = f"{rep.name}{ext}{default} — {rep.default}{also}"
            else:
                text = f"{rep.name}{ext}{default} — no loader in {self.model.host.name}"
            node = QtWidgets.QListWidgetItem(text)
            node.setData(_ROLE, rep.name)
            if not rep.loaders:
                node.setForeground(QtGui.QBrush(QtGui.QColor("#9e9e9e")))
            self.representations.addItem(node)
        self.representations.blockSignals(False)
        wanted = self._picked.get(self.current_item or "", (None, None))[1]
        for index in range(self.representations.count()):
            if self.representations.item(index).data(_ROLE) == wanted:
                self.representations.setCurrentRow(index)

    def _representation_changed(self) -> None:
        node, item = self.representations.currentItem(), self.current_item
        row = self.current_revision()
        if node is None or not item or row is None:
            self._fill_loaders()
            return
        self._picked[item] = (row.number, node.data(_ROLE))
        self._fill_loaders()

    def current_representation(self) -> RepresentationRow | None:
        node = self.representations.currentItem()
        name = node.data(_ROLE) if node is not None else None
        return next((r for r in self._representations if r.name == name), None)

    def _fill_loaders(self) -> None:
        """The loaders serving the picked representation, its default first; a choice only
        when there are several."""
        rep, item = self.current_representation(), self.current_item
        names = [] if rep is None or rep.default is None else [rep.default]
        names += [n for n in (rep.loaders if rep else ()) if n not in names]
        chosen = self._loader_for.get(item or "")
        self.loader.blockSignals(True)
        self.loader.clear()
        for name in names:
            self.loader.addItem(f"{name} (default)" if name == names[0] else name, name)
        self.loader.setCurrentIndex(max(self.loader.findData(chosen), 0) if chosen in names else 0)
        self.loader.setEnabled(len(names) > 1)
        self.loader.blockSignals(False)
        if item and chosen and chosen not in names:
            self._loader_for.pop(item, None)  # it does not serve this representation

    def _loader_changed(self) -> None:
        item, name = self.current_item, self.loader.currentData(_ROLE)
        if not item or not name:
            return
        if self.loader.currentIndex() == 0:
            self._loader_for.pop(item, None)  # the default: whatever load() chooses
        else:
            self._loader_for[item] = name

    # -- loading -------------------------------------------------------------------------------
    def _update_button(self) -> None:
        count = len(self.items.selectedItems())
        self.load_button.setEnabled(count > 0 and not self.busy)
        self.load_button.setText(f"Load {count} items" if count > 1 else "Load")

    def load(self) -> None:
        """Load what :meth:`requests` says: files are fetched and checked in a worker, then
        the scene changes on this thread; :attr:`loaded` carries the :class:`LoadReport`."""
        requests = self.requests()
        if not requests:
            self._error("Select at least one item to load.")
            return
        self.load_button.setEnabled(False)
        self._info(f"Fetching {len(requests)} item(s)…")
        self._run(lambda: self.model.prepare(requests), lambda errors: self._finish_load(requests, errors))

    def _finish_load(self, requests: list[LoadRequest], errors: dict[str, str]) -> None:
        report: LoadReport = self.model.load(requests, skip=errors)
        self.mark_loaded()
        if report.ok:
            self._info(report.summary())
        else:
            self._error(report.summary())
        self.loaded.emit(report)


def _titled(title: str, widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
    box = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QtWidgets.QLabel(f"<b>{title}</b>"))
    layout.addWidget(widget)
    return box


Window = LoaderWindow  # what splice.tools.show opens

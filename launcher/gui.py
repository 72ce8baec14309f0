"""The launcher window (qtpy: PySide6 or PyQt): project → shot → task → app, the shot's
workspace state, and Launch.

``splice launcher`` opens it; :class:`LauncherWindow` is a plain ``QWidget`` a studio can
embed. Launching resolves exactly as ``splice launch`` does (:func:`splice.launcher.launch.
prepare`, then :func:`~splice.launcher.launch.start`); an error is shown in the status line
and nothing starts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qtpy import QtCore, QtGui, QtWidgets

from ..errors import SpliceError
from .apps import Apps
from .config import Config, project_config, studio_config
from .context import resolve_context, tasks_of
from .discovery import Discovery
from .launch import Started, prepare, start, watch
from .workspaces import WorkspaceState, state, workspace_path, workspaces_root

_ROLE = QtCore.Qt.ItemDataRole.UserRole


class LauncherWindow(QtWidgets.QWidget):
    """Pick a project, a shot (any space), a task and an app; see the workspace; launch."""

    launched = QtCore.Signal(object)  # Started
    failed = QtCore.Signal(str)  # the error's message

    def __init__(
        self,
        client: Any,
        config_paths: Sequence[Path | str] = (),
        discovery: Discovery | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.config_paths = list(config_paths)
        self.discovery = discovery
        self.studio: Config = studio_config(self.config_paths)
        self.started: list[Started] = []
        self.busy = False
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._launched)
        self._bridge.failed.connect(self._failed)
        self.setWindowTitle("splice launcher")
        self.resize(980, 520)

        self.projects = QtWidgets.QListWidget()
        self.spaces = QtWidgets.QTreeWidget()
        self.spaces.setHeaderLabels(["Shot / space"])
        self.tasks = QtWidgets.QListWidget()
        self.apps = QtWidgets.QListWidget()
        columns = QtWidgets.QHBoxLayout()
        for title, widget in (
            ("Project", self.projects),
            ("Shot", self.spaces),
            ("Task", self.tasks),
            ("App", self.apps),
        ):
            box = QtWidgets.QVBoxLayout()
            label = QtWidgets.QLabel(f"<b>{title}</b>")
            box.addWidget(label)
            box.addWidget(widget)
            columns.addLayout(box, 2 if widget is self.spaces else 1)

        self.ws_path = QtWidgets.QLabel("-")
        self.ws_path.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ws_state = QtWidgets.QLabel("-")
        self.ws_packages = QtWidgets.QLabel("-")
        panel = QtWidgets.QGroupBox("Workspace")
        form = QtWidgets.QFormLayout(panel)
        form.addRow("Folder", self.ws_path)
        form.addRow("State", self.ws_state)
        form.addRow("Packages", self.ws_packages)

        self.launch_button = QtWidgets.QPushButton("Launch")
        self.launch_button.setEnabled(False)
        self.launch_button.setMinimumHeight(36)
        self.status = QtWidgets.QLabel("Pick a project, a shot, a task and an app.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(panel, 3)
        right = QtWidgets.QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.launch_button)
        bottom.addLayout(right, 1)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

        self.projects.currentItemChanged.connect(lambda *_: self._project_changed())
        self.spaces.currentItemChanged.connect(lambda *_: self._space_changed())
        self.tasks.currentItemChanged.connect(lambda *_: self._update_button())
        self.apps.currentItemChanged.connect(lambda *_: self._update_button())
        self.launch_button.clicked.connect(self.launch)
        self.refresh()

    # -- what is selected ------------------------------------------------------------
    @property
    def project(self) -> str | None:
        item = self.projects.currentItem()
        return item.text() if item else None

    @property
    def space(self) -> str | None:
        item = self.spaces.currentItem()
        return item.data(0, _ROLE) if item else None

    @property
    def task(self) -> str | None:
        item = self.tasks.currentItem()
        return item.text() if item else None

    @property
    def app(self) -> tuple[str, str] | None:
        item = self.apps.currentItem()
        return tuple(item.data(_ROLE)) if item else None  # type: ignore[return-value]

    def select(
        self,
        project: str,
        space: str | None = None,
        task: str | None = None,
        app: str | None = None,
        version: str | None = None,
    ) -> None:
        """Select by name (what a click on each list does)."""
        _pick(self.projects, lambda i: i.text() == project)
        if space:
            found = self._space_items().get(space)
            if found is None:
                raise KeyError(f"no space {space} in the tree")
            self.spaces.setCurrentItem(found)
        if task:
            _pick(self.tasks, lambda i: i.text() == task)
        if app:
            _pick(
                self.apps,
                lambda i: i.data(_ROLE)[0] == app and (version is None or i.data(_ROLE)[1] == version),
            )

    # -- filling the lists -------------------------------------------------------------
    def refresh(self) -> None:
        self.projects.clear()
        for project in sorted(self.client.get_projects(), key=lambda p: p.name):
            self.projects.addItem(project.name)

    def _project_config(self) -> Config:
        if not self.project:
            return self.studio
        metadata = self.client.get_project(self.project).metadata
        return project_config(self.studio, metadata, {"root": metadata.get("root", ""), "app": ""})

    def _project_changed(self) -> None:
        self.spaces.clear()
        self.tasks.clear()
        self.apps.clear()
        if not self.project:
            return
        project = self.client.get_project(self.project)
        items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        for space in sorted(project.get_spaces(recursive=True), key=lambda s: str(s.kref)):
            kref = str(space.kref)
            parent = items.get(kref.rsplit("/", 1)[0])
            item = QtWidgets.QTreeWidgetItem([space.name])
            item.setData(0, _ROLE, kref)
            if parent is None:
                self.spaces.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[kref] = item
        self.spaces.expandAll()
        config = self._project_config()
        apps = Apps(config, self.discovery)
        for name in apps.names():
            label = str(config.apps[name].get("label", name))
            for version in apps.versions(name):
                item = QtWidgets.QListWidgetItem(f"{label} {version.version}")
                item.setData(_ROLE, [name, version.version])
                item.setToolTip(version.executable)
                if not version.exists:
                    item.setFlags(item.flags() & ~QtCore.Qt.ItemFlag.ItemIsEnabled)
                    item.setToolTip(f"{version.executable} is missing")
                self.apps.addItem(item)
        self._update_button()

    def _space_items(self) -> dict[str, QtWidgets.QTreeWidgetItem]:
        out = {}
        iterator = QtWidgets.QTreeWidgetItemIterator(self.spaces)
        while iterator.value():
            item = iterator.value()
            out[item.data(0, _ROLE)] = item
            iterator += 1
        return out

    def _space_changed(self) -> None:
        self.tasks.clear()
        if self.space:
            try:
                for task in tasks_of(self.client, self.space, self._project_config().tasks):
                    self.tasks.addItem(task)
            except SpliceError as exc:
                self._error(str(exc))
        self.show_workspace()
        self._update_button()

    def _update_button(self) -> None:
        ready = bool(self.space and self.task and self.app) and not self.busy
        self.launch_button.setEnabled(ready)
        if ready:
            app, version = self.app  # type: ignore[misc]
            self.launch_button.setText(f"Launch {app} {version}")
        else:
            self.launch_button.setText("Launch")

    # -- the workspace panel -----------------------------------------------------------
    def workspace_state(self) -> WorkspaceState | None:
        if not self.space:
            return None
        config = self._project_config()
        tasks = tasks_of(self.client, self.space, config.tasks)
        ctx = resolve_context(self.client, self.space, self.task or (tasks[0] if tasks else ""), tasks)
        path = workspace_path(workspaces_root(config.workspace), ctx)
        return state(path, ctx.requirements)

    def show_workspace(self) -> None:
        try:
            now = self.workspace_state()
        except SpliceError as exc:
            self._error(str(exc))
            return
        if now is None:
            return
        self.ws_path.setText(str(now.path))
        if not now.exists:
            self.ws_state.setText("not made yet (made on the first launch)")
        else:
            flags = [
                "exists",
                "locked" if now.locked else "not locked",
                f"stale: {now.reason}" if now.stale else "up to date",
            ]
            self.ws_state.setText(" · ".join(flags))
        self.ws_packages.setText(f"{len(now.packages)}: {', '.join(now.packages)}" if now.packages else "0")

    # -- launching ---------------------------------------------------------------------
    def launch(self) -> None:
        """Prepare and start the selected app in a worker thread (making the workspace may
        take a while); :attr:`launched` or :attr:`failed` tells the outcome."""
        if not (self.space and self.task and self.app) or self.busy:
            return
        app, version = self.app
        space, task = self.space, self.task
        self.busy = True
        self.launch_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(f"Preparing {app} {version} in {space} ({task})…")

        def job() -> None:
            try:
                launch = prepare(
                    self.client,
                    space,
                    task,
                    app,
                    version,
                    config_paths=self.config_paths,
                    discovery=self.discovery,
                )
                started = start(launch)
                watch(started)  # an app that cannot start is reported here, not lost
                self._bridge.done.emit(started)
            except SpliceError as exc:
                self._bridge.failed.emit(str(exc))
            except Exception as exc:  # shown, never lost in a thread
                self._bridge.failed.emit(f"{type(exc).__name__}: {exc}")

        threading.Thread(target=job, name="splice-launch", daemon=True).start()

    def _launched(self, started: Started) -> None:
        self.busy = False
        self.started.append(started)
        self.status.setStyleSheet("")
        self.status.setText(
            f"Started {started.launch.app} {started.launch.version} (pid {started.pid}) · log: {started.log}"
        )
        self.show_workspace()
        self._update_button()
        self.launched.emit(started)

    def _failed(self, message: str) -> None:
        self.busy = False
        self._error(message)
        self._update_button()
        self.failed.emit(message)

    def _error(self, message: str) -> None:
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(message)


class _Bridge(QtCore.QObject):
    """Carries a worker thread's outcome to the window's thread (queued signals)."""

    done = QtCore.Signal(object)
    failed = QtCore.Signal(str)


def _pick(widget: QtWidgets.QListWidget, test: Any) -> None:
    for row in range(widget.count()):
        item = widget.item(row)
        if test(item):
            widget.setCurrentItem(item)
            return
    names = [widget.item(r).text() for r in range(widget.count())]
    raise KeyError(f"nothing to select; the list holds {names}")


def run(client: Any, config_paths: Sequence[Path | str] = ()) -> int:
    """Open the window and run Qt until it is closed."""
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    window = LauncherWindow(client, config_paths)
    window.show()
    return int(app.exec())


def screenshot(widget: QtWidgets.QWidget, path: Path | str) -> Path:
    """Save what ``widget`` shows as a PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(os.fspath(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


__all__ = ["LauncherWindow", "QtGui", "run", "screenshot"]

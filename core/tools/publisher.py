"""The Publisher window: the scene's instances (checked: published), the plug-ins by stage
with each check's state after a run and its log, the failures with their fix and a Repair
button, Validate and Publish, a comment for the revisions, and a status line.

```python
window = splice.tools.show("publisher", host, client, plugins_dir=adapter.PLUGINS_DIR)
```

pyblish touches the scene, so a run happens on the UI thread (DCC APIs are main-thread only);
the window processes its events after each plug-in, so it keeps painting while a run goes on.
Nothing raises into the host: what went wrong is in the failures list and the status line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qtpy import QtCore, QtGui, QtWidgets

from .common import COLOURS, StatusLine, error_text
from .publisher_model import FAILED, NOT_RUN, PASSED, STAGES, InstanceRow, PluginRow, PublisherModel

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host
    from ..pipeline.publish import CheckResult, PublishReport

__all__ = ["PublisherWindow", "Window"]

STATE_COLOURS = {PASSED: COLOURS["current"], FAILED: COLOURS["error"], NOT_RUN: "#757575"}
STATE_MARKS = {PASSED: "✓ passed", FAILED: "✗ failed", NOT_RUN: "· not run"}
CHECKED, UNCHECKED = QtCore.Qt.CheckState.Checked, QtCore.Qt.CheckState.Unchecked
ROLE = QtCore.Qt.ItemDataRole.UserRole


class PublisherWindow(QtWidgets.QWidget):
    """splice · Publisher for ``host``, publishing into ``client``'s store."""

    finished = QtCore.Signal(object)  # the PublishReport of a Validate or Publish
    failed = QtCore.Signal(str)  # an error shown in the status line

    def __init__(
        self,
        host: Host,
        client: Client,
        parent: QtWidgets.QWidget | None = None,
        plugins_dir: str | Path | None = None,
    ) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.host, self.client = host, client
        self.model = PublisherModel(host, client, plugins_dir)
        self.busy = False
        self._plugins: dict[str, PluginRow] = {}
        self.setWindowTitle(f"splice · Publisher ({host.name})")
        self.resize(1040, 640)

        self.instances = QtWidgets.QTreeWidget()
        self.instances.setHeaderLabels(["Instance", "Kind", "Item", "Representations"])
        self.instances.setRootIsDecorated(False)
        self.instances.setToolTip("Checked instances are published; uncheck one to leave it out")
        self.instances.itemChanged.connect(self._instance_toggled)

        self.plugins = QtWidgets.QTreeWidget()
        self.plugins.setHeaderLabels(["Plug-in", "State"])
        self.plugins.setColumnWidth(0, 240)
        self.plugins.itemSelectionChanged.connect(self._show_log)
        self.log = QtWidgets.QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Select a plug-in to see what it said in the last run")

        self.failures = QtWidgets.QTreeWidget()
        self.failures.setHeaderLabels(["Check", "On", "What is wrong", "Fix"])
        self.failures.setRootIsDecorated(False)
        self.failures.setWordWrap(True)
        self.failures.setColumnWidth(0, 250)
        self.failures.setColumnWidth(1, 80)
        self.failures.setColumnWidth(2, 330)
        self.repair_button = QtWidgets.QPushButton("Repair")
        self.repair_button.setToolTip("Run the repairs of the failed checks that have one, then publish")
        self.repair_button.clicked.connect(lambda: self.publish(repair=True))

        self.comment = QtWidgets.QLineEdit()
        self.comment.setPlaceholderText("Comment for the revision(s): what changed")
        self.validate_button = QtWidgets.QPushButton("Validate")
        self.validate_button.setToolTip("Collect and validate only: nothing is written")
        self.validate_button.clicked.connect(self.validate)
        self.publish_button = QtWidgets.QPushButton("Publish")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(lambda: self.publish())
        self.progress = QtWidgets.QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 1)
        self.progress.setVisible(False)  # shown while a run goes on
        self.status = StatusLine()

        def boxed(title: str, *widgets: QtWidgets.QWidget) -> QtWidgets.QWidget:
            box = QtWidgets.QWidget()
            lay = QtWidgets.QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QtWidgets.QLabel(f"<b>{title}</b>"))
            for w in widgets:
                lay.addWidget(w, 1 if isinstance(w, QtWidgets.QAbstractScrollArea) else 0)
            return box

        top = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        top.addWidget(boxed("Instances", self.instances))
        top.addWidget(boxed("Plug-ins", self.plugins))
        top.addWidget(boxed("Log", self.log))
        top.setSizes([380, 340, 320])
        repair_row = QtWidgets.QHBoxLayout()
        repair_row.addStretch(1)
        repair_row.addWidget(self.repair_button)
        failures = boxed("Failures", self.failures)
        failures.layout().addLayout(repair_row)
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(failures)
        split.setSizes([360, 200])
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(QtWidgets.QLabel("Comment"))
        bottom.addWidget(self.comment, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.validate_button)
        bottom.addWidget(self.publish_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.refresh()

    # -- what the artist sees -------------------------------------------------------------
    def refresh(self) -> None:
        """Read the scene's instances and the plug-ins again (states of the last run)."""
        try:
            rows = self.model.instances()
            stages = self.model.plugins()
        except Exception as exc:
            self._error(error_text(exc))
            return
        self._show_instances(rows)
        self._show_plugins(stages)
        self._update_buttons()
        if not self.status.text():
            active = sum(r.active for r in rows)
            self.status.info(f"{len(rows)} instance(s), {active} to publish")

    def instance_names(self, active: bool | None = None) -> list[str]:
        out = []
        for i in range(self.instances.topLevelItemCount()):
            item = self.instances.topLevelItem(i)
            if active is None or (item.checkState(0) == CHECKED) == active:
                out.append(item.text(0))
        return out

    def instance_item(self, name: str) -> QtWidgets.QTreeWidgetItem:
        for i in range(self.instances.topLevelItemCount()):
            if self.instances.topLevelItem(i).text(0) == name:
                return self.instances.topLevelItem(i)
        raise KeyError(name)

    def plugin_item(self, label: str) -> QtWidgets.QTreeWidgetItem:
        """The plug-ins tree's row of the plug-in labelled ``label`` (or named so)."""
        for s in range(self.plugins.topLevelItemCount()):
            stage = self.plugins.topLevelItem(s)
            for p in range(stage.childCount()):
                child = stage.child(p)
                if label in (child.text(0), child.data(0, ROLE)):
                    return child
        raise KeyError(label)

    def state_of(self, label: str) -> str:
        return self._plugins[self.plugin_item(label).data(0, ROLE)].state

    def failure_rows(self) -> list[tuple[str, str, str, str]]:
        return [
            tuple(self.failures.topLevelItem(i).text(c) for c in range(4))  # type: ignore[misc]
            for i in range(self.failures.topLevelItemCount())
        ]

    def _show_instances(self, rows: list[InstanceRow]) -> None:
        self.instances.blockSignals(True)
        try:
            self.instances.clear()
            for row in rows:
                item = QtWidgets.QTreeWidgetItem([row.name, row.kind, row.item, row.representations])
                item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, CHECKED if row.active else UNCHECKED)
                item.setToolTip(0, f"{row.item}" + (f"\ncomment: {row.comment}" if row.comment else ""))
                self.instances.addTopLevelItem(item)
            for c in range(3):
                self.instances.resizeColumnToContents(c)
        finally:
            self.instances.blockSignals(False)

    def _show_plugins(self, stages: dict[str, list[PluginRow]]) -> None:
        selected = self._selected_plugin()
        self._plugins = {}
        self.plugins.clear()
        for stage in STAGES:
            rows = stages.get(stage, [])
            head = QtWidgets.QTreeWidgetItem([stage.capitalize(), ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(head.flags() & ~QtCore.Qt.ItemFlag.ItemIsSelectable)
            states = {r.state for r in rows}
            state = FAILED if FAILED in states else PASSED if states == {PASSED} else NOT_RUN
            self._paint(head, state)
            self.plugins.addTopLevelItem(head)
            for row in rows:
                self._plugins[row.plugin] = row
                child = QtWidgets.QTreeWidgetItem([row.label, ""])
                child.setData(0, ROLE, row.plugin)
                child.setToolTip(0, row.plugin)
                self._paint(child, row.state)
                head.addChild(child)
                if row.plugin == selected:
                    child.setSelected(True)
        self.plugins.expandAll()
        self._show_log()

    def _paint(self, item: QtWidgets.QTreeWidgetItem, state: str) -> None:
        item.setText(1, STATE_MARKS[state])
        item.setForeground(1, QtGui.QBrush(QtGui.QColor(STATE_COLOURS[state])))

    def _selected_plugin(self) -> str | None:
        items = self.plugins.selectedItems()
        return items[0].data(0, ROLE) if items else None

    def _show_log(self) -> None:
        name = self._selected_plugin()
        row = self._plugins.get(name) if name else None
        self.log.setPlainText(row.log_text() if row is not None else "")

    def _show_failures(self, report: PublishReport) -> None:
        self.failures.clear()
        for check in report.failures:
            texts = [check.label, check.instance or "—", check.message or "", check.fix or ""]
            item = QtWidgets.QTreeWidgetItem(texts)
            for c, text in enumerate(texts):
                item.setToolTip(c, text)
            item.setForeground(0, QtGui.QBrush(QtGui.QColor(COLOURS["error"])))
            if check.repairable:
                item.setText(0, f"{check.label} (repairable)")
            self.failures.addTopLevelItem(item)

    def _update_buttons(self) -> None:
        idle = not self.busy
        report = self.model.report
        repairable = report is not None and any(c.repairable for c in report.failures)
        self.repair_button.setEnabled(idle and repairable)
        self.validate_button.setEnabled(idle)
        self.publish_button.setEnabled(idle)
        self.instances.setEnabled(idle)
        self.comment.setEnabled(idle)

    def _error(self, message: str) -> None:
        self.status.error(message)
        self.failed.emit(message)

    # -- actions (on the UI thread: they touch the scene) --------------------------------
    def _instance_toggled(self, item: QtWidgets.QTreeWidgetItem, column: int) -> None:
        if column != 0 or self.busy:
            return
        name, active = item.text(0), item.checkState(0) == CHECKED
        try:
            self.model.set_active(name, active)
        except Exception as exc:
            self._error(error_text(exc))
            self.refresh()
            return
        self.status.info(f"{name} will {'' if active else 'not '}be published")

    def _progress(self, check: CheckResult) -> None:
        """After each plug-in: show its state and let the window paint."""
        try:
            row = self._plugins.get(check.plugin)
            if row is not None:
                item = self.plugin_item(check.plugin)
                was = item.text(1)
                failed = not check.success or was == STATE_MARKS[FAILED]
                self._paint(item, FAILED if failed else PASSED)
            self.progress.setValue(min(self.progress.value() + 1, self.progress.maximum()))
            self.status.info(f"{check.stage.capitalize()}: {check.label}…")
            QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        except Exception:  # painting must never break the run
            pass

    def _run(
        self, what: str, work: Callable[[], PublishReport], done: Callable[[PublishReport], str]
    ) -> None:
        if self.busy:
            self.status.info("Busy: wait for the current run to end")
            return
        self.busy = True
        self._update_buttons()
        self.failures.clear()
        for name in self._plugins:
            self._paint(self.plugin_item(name), NOT_RUN)
        self.progress.setRange(0, max(len(self._plugins), 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.info(f"{what}…")
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        report: Any = None
        try:
            report = work()
            text = done(report)
        except Exception as exc:  # never into the host
            text = ""
            self._error(error_text(exc))
        finally:
            self.busy = False
            self.progress.setVisible(False)
            self.refresh()
        if report is None:
            return
        self._show_failures(report)
        if report.success:
            self.status.info(text)
        else:
            self._error(text)
        self.finished.emit(report)

    def validate(self) -> None:
        """Collect and validate: every check's state, nothing written."""

        def done(report: PublishReport) -> str:
            if report.success:
                return f"Validation passed: {len(report.checks)} check(s); nothing was written"
            return (
                report.to_text(repair_hint="click Repair")
                .splitlines()[0]
                .replace("Nothing was published", "Validation failed")
            )

        self._run("Validating", lambda: self.model.validate(self._progress), done)

    def publish(self, repair: bool = False) -> None:
        """Publish the checked instances (with the comment); ``repair``: repair first."""
        comment = self.comment.text()

        def done(report: PublishReport) -> str:
            if report.success:
                repaired = f" (repaired: {', '.join(report.repaired)})" if report.repaired else ""
                krefs = ", ".join(report.revisions)
                return f"Published {len(report.revisions)} revision(s): {krefs}{repaired}"
            return report.to_text(repair_hint="click Repair").splitlines()[0]

        what = "Repairing, then publishing" if repair else "Publishing"
        self._run(what, lambda: self.model.publish(comment, repair=repair, progress=self._progress), done)


Window = PublisherWindow

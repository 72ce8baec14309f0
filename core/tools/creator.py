"""The Creator window: mark what is selected for publishing as an instance of a kind.

```python
window = splice.tools.show("creator", host, client)
```

The kinds this host publishes, a name checked as it is typed (the item kref it will make, or
in red why it cannot), the chosen kind's representations as checkboxes (none checked: all of
them), "Use selection" with the members it takes, and Create, enabled only when all of that
is valid. Nothing raises into the host: what went wrong is in the status line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qtpy import QtCore, QtWidgets

from .common import COLOURS, StatusLine, error_text, guarded
from .creator_model import CreatorModel

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host, Instance

__all__ = ["CreatorWindow", "Window"]


class CreatorWindow(QtWidgets.QWidget):
    """splice · Creator for ``host``; ``offered``: kind → representations (default: the
    host's adapter's ``KIND_REPRESENTATIONS``)."""

    created = QtCore.Signal(object)  # the Instance made by Create

    def __init__(
        self,
        host: Host,
        client: Client | None = None,
        parent: QtWidgets.QWidget | None = None,
        offered: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.host, self.client = host, client
        self.status = StatusLine()
        self.model = CreatorModel(host, client, offered)
        self.setWindowTitle(f"splice · Creator ({host.name})")
        self.resize(520, 300)

        self.kind = QtWidgets.QComboBox()
        self.kind.addItems(self.model.kinds())
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.name = QtWidgets.QLineEdit()
        self.name.setPlaceholderText("name: letters, digits, '_' and '-', starting with a letter")
        self.name.textChanged.connect(lambda _text: self.validate())
        self.name.returnPressed.connect(self._return_pressed)
        self.preview = QtWidgets.QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)

        self.representations_box = QtWidgets.QGroupBox("Representations (none checked: all of them)")
        self._reps_layout = QtWidgets.QHBoxLayout(self.representations_box)
        self.representation_boxes: dict[str, QtWidgets.QCheckBox] = {}
        self.no_representations = QtWidgets.QLabel("none to choose: it publishes what its content writes")
        self._reps_layout.addWidget(self.no_representations)
        self._reps_layout.addStretch(1)  # the checkboxes go before it, left-aligned

        self.use_selection = QtWidgets.QCheckBox("Use selection")
        self.use_selection.setChecked(True)
        self.use_selection.setToolTip("The selected objects become the instance's members")
        self.use_selection.toggled.connect(lambda _on: self.validate())
        self.members = QtWidgets.QLabel()
        self.members.setWordWrap(True)
        refresh = QtWidgets.QPushButton("Refresh selection")
        refresh.clicked.connect(self.validate)

        self.create_button = QtWidgets.QPushButton("Create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)

        form = QtWidgets.QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Name", self.name)
        form.addRow("Item", self.preview)
        selection_row = QtWidgets.QHBoxLayout()
        selection_row.addWidget(self.use_selection)
        selection_row.addStretch(1)
        selection_row.addWidget(refresh)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.representations_box)
        layout.addLayout(selection_row)
        layout.addWidget(self.members)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._kind_changed(self.kind.currentText())
        self.status.info(f"{len(self.model.kinds())} kind(s) this host publishes: choose one and name it")

    # -- what the artist sees -------------------------------------------------------------
    def representations(self) -> list[str]:
        """The checked representations (empty: every one the kind offers)."""
        return [name for name, box in self.representation_boxes.items() if box.isChecked()]

    def set_representations(self, names: Sequence[str]) -> None:
        for name, box in self.representation_boxes.items():
            box.setChecked(name in names)

    def _kind_changed(self, kind: str) -> None:
        for box in self.representation_boxes.values():
            self._reps_layout.removeWidget(box)
            box.deleteLater()
        self.representation_boxes = {}
        offered = self.model.representations(kind)
        for name in offered:
            box = QtWidgets.QCheckBox(name)
            box.setToolTip(f"publish the {kind} as {name}")
            box.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum, QtWidgets.QSizePolicy.Policy.Fixed)
            self._reps_layout.insertWidget(self._reps_layout.count() - 1, box)
            self.representation_boxes[name] = box
        self.no_representations.setVisible(not offered)
        self.validate()

    def validate(self) -> bool:
        """Check kind, name and selection now: show the kref or the error; enable Create."""
        try:
            preview = self.model.preview(self.kind.currentText(), self.name.text())
            selection = self.model.selection() if self.use_selection.isChecked() else []
        except Exception as exc:
            self._error(error_text(exc))
            self.create_button.setEnabled(False)
            return False
        colour = COLOURS["current"] if preview.ok else COLOURS["error"]
        self.preview.setStyleSheet(f"color: {colour};")
        self.preview.setText(preview.text if self.name.text().strip() or not preview.ok else "")
        if not self.use_selection.isChecked():
            self.members.setStyleSheet("")
            self.members.setText("Members: none (the instance starts empty)")
            ok = preview.ok
        elif selection:
            self.members.setStyleSheet("")
            self.members.setText(f"Members: {', '.join(selection)}")
            ok = preview.ok
        else:
            self.members.setStyleSheet(f"color: {COLOURS['error']};")
            self.members.setText("Members: nothing is selected; select what it publishes, then Refresh")
            ok = False
        self.create_button.setEnabled(ok)
        return ok

    def _error(self, text: str) -> None:
        self.status.error(text)

    def _return_pressed(self) -> None:
        if self.create_button.isEnabled():
            self.create()

    # -- Create ----------------------------------------------------------------------------
    def create(self) -> Instance | None:
        """Create the instance; the status line says what it publishes, or what went wrong."""
        instance: list[Instance] = []

        @guarded(self._error)
        def run() -> None:
            instance.append(
                self.model.create(
                    self.kind.currentText(),
                    self.name.text(),
                    self.representations(),
                    self.use_selection.isChecked(),
                )
            )

        run()
        if not instance:
            self.validate()
            return None
        self.status.info(self.model.message)
        self.created.emit(instance[0])
        self.validate()  # the name is taken now
        return instance[0]


Window = CreatorWindow

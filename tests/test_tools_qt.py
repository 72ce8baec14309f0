"""The Qt binding the artist tools run on keeps Python's objects alive.

PySide6 6.12.0 drops a reference to ``None`` on every ``QTableWidget.setItem`` and
``setRowCount``: on Python 3.11 (Blender's, Houdini's) a Scene Inventory refreshed often
enough deallocates ``None`` and takes the application down. pyproject pins the binding
below it; this test fails on a binding with the bug (Python 3.12 made ``None`` immortal,
so there the count cannot tell and the crash cannot happen).
"""

from __future__ import annotations

import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
QtWidgets = pytest.importorskip("qtpy.QtWidgets")

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")


def test_filling_a_table_keeps_none_alive(qapp: object) -> None:
    table = QtWidgets.QTableWidget(0, 3)
    before = sys.getrefcount(None)
    for _ in range(200):
        table.setRowCount(10)
        for row in range(10):
            table.setItem(row, 1, QtWidgets.QTableWidgetItem("x"))
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"the Qt binding dropped {lost} references to None in 2,200 calls"

"""What every splice tool window shares (qtpy: PySide6 or PySide2). A small, stable API:

- ``application() -> QApplication``: the running one (a DCC's), else a new one.
- ``run_in_thread(owner, work, done, failed=None)``: run ``work()`` in a worker thread, so the
  host's UI never freezes, then call ``done(result)`` — or ``failed(message)`` when ``work``
  raised — back on the UI thread. Returns the :class:`threading.Thread` (already started).
  ``owner`` is the widget the result belongs to; nothing is delivered once it is deleted.
- ``error_text(exc) -> str``: an exception as one line for an artist (a splice error's own
  message; otherwise ``Type: message``, its traceback logged).
- ``guarded(report)``: a decorator for slots: an exception becomes ``report(error_text(exc))``
  instead of escaping into the host's event loop.
- ``OneAtATime``: a window's actions one at a time (``_run`` / ``_failed``), off the UI thread.
- ``StatusLine``: a QLabel with ``info(text)``, ``error(text)`` and ``is_error``.
- ``screenshot(widget, path) -> Path``: what ``widget`` shows, as a PNG.
- ``follow_store_state(window, client)``: on a replica of a studio server, the window's title
  says when it is not plainly online (``Loader — offline · 20 writes queued``).
- ``COLOURS``: the state colours every tool uses (``current``, ``outdated``, ``missing``,
  ``no-match``, ``pinned``, ``error``) as ``#rrggbb``.

The tools never raise into the host: work runs through ``run_in_thread`` and slots through
``guarded``, and both end in the window's status line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from qtpy import QtCore, QtWidgets

from ..errors import SpliceError

__all__ = [
    "COLOURS",
    "OneAtATime",
    "StatusLine",
    "application",
    "error_text",
    "follow_store_state",
    "guarded",
    "run_in_thread",
    "screenshot",
]

log = logging.getLogger("splice.tools")
T = TypeVar("T")

COLOURS = {
    "current": "#2e7d32",
    "outdated": "#ef6c00",
    "missing": "#c62828",
    "no-match": "#8e24aa",
    "pinned": "#1565c0",
    "error": "#c62828",
}


def application() -> QtWidgets.QApplication:
    """The running QApplication (a DCC's own), else a new one."""
    app = QtWidgets.QApplication.instance()
    return app if app is not None else QtWidgets.QApplication([])  # type: ignore[return-value]


def error_text(exc: BaseException) -> str:
    """``exc`` as one line an artist can act on (a bug's traceback goes to the log)."""
    if isinstance(exc, SpliceError):
        return str(exc)
    log.error("splice tool failed", exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


class _Bridge(QtCore.QObject):
    """Lives in the UI thread; its signals, emitted by a worker, reach its slots there (queued)."""

    done = QtCore.Signal(object)
    failed = QtCore.Signal(str)

    def __init__(
        self, owner: QtCore.QObject, done: Callable[[Any], None], failed: Callable[[str], None] | None
    ) -> None:
        super().__init__(owner)  # parented: made in the owner's thread, deleted with it
        self._done, self._failed = done, failed
        self.done.connect(self._on_done)
        self.failed.connect(self._on_failed)

    @QtCore.Slot(object)
    def _on_done(self, result: Any) -> None:
        try:
            self._done(result)
        finally:
            self.deleteLater()

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        try:
            if self._failed is not None:
                self._failed(message)
            else:
                log.warning("splice tool: %s", message)
        finally:
            self.deleteLater()


def run_in_thread(
    owner: QtCore.QObject,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[str], None] | None = None,
) -> threading.Thread:
    """Run ``work()`` off the UI thread; ``done(result)`` / ``failed(message)`` run on it."""
    bridge = _Bridge(owner, done, failed)

    def job() -> None:
        try:
            result = work()
        except Exception as exc:  # shown in the window, never lost in a thread
            message = error_text(exc)
            try:
                bridge.failed.emit(message)
            except RuntimeError:  # the window is gone
                log.warning("splice tool: %s", message)
            return
        with contextlib.suppress(RuntimeError):  # the window is gone
            bridge.done.emit(result)

    thread = threading.Thread(target=job, name="splice-tool", daemon=True)
    thread.start()
    return thread


def guarded(report: Callable[[str], None]) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Decorate a slot so that an exception is reported, never raised into the event loop."""

    def decorate(slot: Callable[..., Any]) -> Callable[..., None]:
        @wraps(slot)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                slot(*args, **kwargs)
            except Exception as exc:
                report(error_text(exc))

        return run

    return decorate


class StatusLine(QtWidgets.QLabel):
    """One line at the bottom of a tool: what happened, or what went wrong (in red)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_error = False

    def info(self, text: str) -> None:
        self.is_error = False
        self.setStyleSheet("")
        self.setText(text)

    def error(self, text: str) -> None:
        self.is_error = True
        self.setStyleSheet(f"color: {COLOURS['error']};")
        self.setText(text)


class OneAtATime:
    """A window's actions one at a time: ``_run(message, work, done)`` runs ``work`` off the UI
    thread (refused while one runs), ``done(result)`` back on it; a failure ends the run and is
    shown. The window has ``busy``, ``status`` (a :class:`StatusLine`), ``_update_buttons()``
    and a ``failed`` signal; ``done`` sets ``busy`` back when its work is over."""

    busy: bool
    status: StatusLine
    failed: Any

    def _update_buttons(self) -> None:
        raise NotImplementedError

    def _run(self, message: str, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.busy:
            self.status.info("Busy: wait for the current action to end")
            return
        self.busy = True
        self._update_buttons()
        self.status.info(message)
        run_in_thread(self, work, guarded(self._failed)(done), self._failed)  # type: ignore[arg-type]

    def _failed(self, message: str) -> None:
        self.busy = False
        self._update_buttons()
        self.status.error(message)
        self.failed.emit(message)


STATE_EVERY_MS = 2000
"""How often a window looks at its replica's state (local: no round trip)."""


def follow_store_state(window: QtWidgets.QWidget, client: Any) -> QtCore.QTimer | None:
    """Keep ``window``'s title saying how its store is when that is a replica that is not
    plainly online (``offline · 20 writes queued``, ``online · 1 refused``): before an artist
    trusts a list or publishes. None for a store that is not a replica."""
    status = getattr(getattr(client, "backend", None), "sync_status", None)
    if status is None:
        return None
    base = window.windowTitle()

    def update() -> None:
        try:
            summary = status().summary
        except Exception:  # a replica closing under the window: the title stays as it was
            return
        window.setWindowTitle(base if summary == "online" else f"{base} — {summary}")

    timer = QtCore.QTimer(window)
    timer.timeout.connect(update)
    timer.start(STATE_EVERY_MS)
    update()
    return timer


def screenshot(widget: QtWidgets.QWidget, path: Path | str) -> Path:
    """Save what ``widget`` shows as a PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(os.fspath(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path

"""Thumbnails: a small PNG of the scene, captured once per publish and stored as the
``thumbnail`` artifact of every revision the publish makes.

- :data:`SIZE`: the size hosts capture at (width, height).
- :func:`capture(host, path) <capture>`: ``host.capture_thumbnail(path)`` that never raises:
  ``(path, "")`` when a PNG was written, else ``(None, reason)`` — the host's
  ``thumbnail_note`` (``"headless: no viewport"``), or what went wrong.
- :func:`through(host, capture_viewport, path) <through>`: an adapter's ``capture_thumbnail``
  over its DCC interface's ``capture_viewport(path, width, height)``, which raises
  ``RuntimeError(why)`` when the DCC has no viewport.
- :func:`write_png` / :func:`png_size`: a PNG written and read with the standard library only
  (``zlib``, ``struct``), for hosts that draw their own picture (the in-memory ones) and to
  check what a DCC wrote.

The publish plug-ins are ``splice/pipeline/plugins/publish/thumbnail.py``. Nothing here
imports Qt or a DCC.
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ARTIFACT", "SIZE", "capture", "png_size", "through", "write_png"]

log = logging.getLogger(__name__)

ARTIFACT = "thumbnail"
"""The artifact name a revision's thumbnail is stored under."""
SIZE = (320, 180)
"""The size hosts capture thumbnails at (16:9, small: it is stored with every revision)."""
_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Pixel = Callable[[int, int], tuple[int, int, int]]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def write_png(path: str | os.PathLike[str], width: int, height: int, pixel: Pixel) -> Path:
    """Write an 8-bit RGB PNG of ``width`` × ``height`` whose colour at (x, y) is ``pixel(x, y)``."""
    if width < 1 or height < 1:
        raise ValueError(f"a PNG is at least 1×1 pixels, not {width}×{height}")
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0: the row as it is
        for x in range(width):
            rows.extend(bytes(max(0, min(255, int(c))) for c in pixel(x, y)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, deflate, no interlace
    data = _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
    target = Path(path)
    target.write_bytes(data + _chunk(b"IEND", b""))
    return target


def png_size(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """The (width, height) of the PNG at ``path``; None when it is not a PNG (or unreadable)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def capture(host: Any, path: str | os.PathLike[str]) -> tuple[Path | None, str]:
    """Ask ``host`` for a thumbnail at ``path``: ``(the PNG, "")``, or ``(None, why not)``.

    Never raises: a thumbnail is a nicety, and a publish must not fail for want of one.
    """
    target = Path(path)
    method = getattr(host, "capture_thumbnail", None)
    if method is None:
        return None, f"the {getattr(host, 'name', '?')} host cannot capture thumbnails"
    try:
        written = method(target)
    except Exception as exc:  # a DCC's error: the reason, and the traceback in the log
        log.warning("capturing a thumbnail failed", exc_info=True)
        return None, f"{type(exc).__name__}: {exc}"
    if written is None:
        note = getattr(host, "thumbnail_note", "") or f"the {host.name} host captured none"
        return None, str(note)
    written = Path(written)
    if png_size(written) is None:
        return None, f"{written} is not a PNG image"
    return written, ""


def through(
    host: Any, capture_viewport: Callable[[str, int, int], None], path: str | os.PathLike[str]
) -> Path | None:
    """``capture_viewport(path, width, height)`` of a DCC interface at :data:`SIZE`: the PNG's
    path, or None with ``host.thumbnail_note`` saying why (the interface's RuntimeError: batch
    mode, no viewer…)."""
    target = Path(path)
    try:
        capture_viewport(os.fspath(target), *SIZE)
    except RuntimeError as exc:  # what a DCC raises when it cannot (and the interfaces' own "no viewport")
        host.thumbnail_note = str(exc) or f"{host.name} could not capture its viewport"
        return None
    host.thumbnail_note = ""
    return target

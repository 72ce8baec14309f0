"""Finding USD's Python bindings: ``usd-core`` (the ``usd`` extra), or the DCC's own.

Blender bundles ``pxr`` in its Python; ``bpy`` as a module keeps it in a folder that is
not on ``sys.path``, so when ``bpy`` is loaded that folder is tried too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from .errors import UsdUnavailableError

HINT = "install the usd extra (pip install 'splice[usd]': usd-core) or run inside a DCC that ships USD"


def _blender_site() -> list[str]:
    bpy = sys.modules.get("bpy")
    where = getattr(bpy, "__file__", None) if bpy is not None else None
    if not where:
        return []
    # bpy/4.5/scripts/modules/bpy/__init__.py → bpy/4.5/python/lib/python3.X/site-packages
    version_dir = Path(where).resolve().parents[3]
    found = sorted(version_dir.glob("python/lib/python3*/site-packages"))
    return [str(p) for p in found if (p / "pxr").is_dir()]


def modules() -> tuple[ModuleType, ModuleType]:
    """``(Sdf, UsdUtils)``; :class:`UsdUnavailableError` when there are none."""
    try:
        from pxr import Sdf, UsdUtils
    except ImportError:
        extra = [p for p in _blender_site() if p not in sys.path]
        if not extra:
            raise UsdUnavailableError(f"USD's Python bindings (pxr) are not installed: {HINT}") from None
        sys.path.extend(extra)
        try:
            from pxr import Sdf, UsdUtils
        except ImportError as exc:
            why = f"USD's Python bindings (pxr) cannot be imported ({exc})"
            raise UsdUnavailableError(f"{why}: {HINT}") from None
    return Sdf, UsdUtils

"""Maya names for what splice loads: namespaces must match ``[A-Za-z_][A-Za-z0-9_]*``.

Item and namespace names in splice may hold ``-``, ``.`` or non-ASCII letters, which
Maya refuses in a namespace (``cmds.file(reference=True, namespace=…)`` fails or renames
silently). :func:`maya_name` maps any text to a valid name; :func:`unique_namespace`
keeps it free in the scene.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from typing import Protocol

__all__ = ["maya_name", "unique_namespace"]


class _Namespaces(Protocol):
    def namespace_exists(self, namespace: str, /) -> bool: ...


def maya_name(text: str) -> str:
    """A valid Maya name for ``text``: accents dropped (``é`` → ``e``), every other character
    outside ``[A-Za-z0-9_]`` an ``_``, a leading digit prefixed with ``_``. Text left with no
    letter or digit (``日本``) becomes ``ns_<crc32>``, so different texts stay different."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9_]", "_", ascii_text)
    if not re.search(r"[A-Za-z0-9]", name):
        return f"ns_{zlib.crc32(text.encode('utf-8')):08x}"
    return f"_{name}" if name[0].isdigit() else name


def unique_namespace(api: _Namespaces, base: str) -> str:
    """``maya_name(base)``, or ``…_2``, ``…_3``: the first namespace not yet in use."""
    first = maya_name(base)
    namespace, number = first, 1
    while api.namespace_exists(namespace):
        number += 1
        namespace = f"{first}_{number}"
    return namespace

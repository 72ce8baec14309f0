"""Krefs ↔ distribution names: one-to-one, and stable under PEP 503 normalisation.

An item kref ``kref://show/env/kitchen/table.model`` is the distribution
``show-env-kitchen-table-model``: its segments (project, spaces, item name, kind)
joined by ``-``. pip and uv fold case and treat runs of ``-``, ``_``, ``.`` as one
``-`` (PEP 503), so inside a segment only ``a-z`` and ``0-9`` stand for
themselves and everything else is escaped with ``q``:

=========  ======================  =====================================
character  written                 example
=========  ======================  =====================================
``q``      ``qq``                  ``queen`` → ``qqueen``
``_``      ``qu``                  ``hero_robot`` → ``heroqurobot``
``-``      ``qd``                  ``hero-robot`` → ``heroqdrobot``
``.``      ``qp``                  ``table.v2`` (item name) → ``tableqpv2``
``A``–``Z`` ``qc`` + lower case     ``Hero`` → ``qchero``
other      ``qx`` + hex + ``q``    ``é`` → ``qxe9q``
=========  ======================  =====================================

The first segment is the project, the last the kind, the one before it the item
name, the ones between the spaces: so every name maps back to exactly one kref
(:func:`kref_of`). The asset's Python module is ``splice_assets.<name with _>``.
"""

from __future__ import annotations

import re

from ..kref import Kref, check_item_name, check_kind, check_name, to_kref
from .errors import PackageNameError

MODULE_PACKAGE = "splice_assets"
_PLAIN = re.compile(r"[a-z0-9]")
_ESCAPES = {"q": "qq", "_": "qu", "-": "qd", ".": "qp"}
_UNESCAPES = {"q": "q", "u": "_", "d": "-", "p": "."}
_NORMALIZE = re.compile(r"[-_.]+")


def _encode(segment: str) -> str:
    out = []
    for ch in segment:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _PLAIN.match(ch):
            out.append(ch)
        elif "A" <= ch <= "Z":
            out.append("qc" + ch.lower())
        else:
            out.append(f"qx{ord(ch):x}q")
    return "".join(out)


def _decode(segment: str, name: str) -> str:
    out = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch != "q":
            out.append(ch)
            i += 1
            continue
        code = segment[i + 1 : i + 2]
        if code in _UNESCAPES:
            out.append(_UNESCAPES[code])
            i += 2
        elif code == "c" and re.match(r"[a-z]", segment[i + 2 : i + 3]):
            out.append(segment[i + 2].upper())
            i += 3
        elif code == "x":
            end = segment.find("q", i + 2)
            digits = segment[i + 2 : end] if end > 0 else ""
            if not re.fullmatch(r"[0-9a-f]{2,6}", digits) or int(digits, 16) > 0x10FFFF:
                raise PackageNameError(f"{name!r}: bad escape 'qx{digits}q' in segment {segment!r}")
            out.append(chr(int(digits, 16)))
            i = end + 1
        else:
            raise PackageNameError(
                f"{name!r}: bad escape {segment[i : i + 2]!r} in segment {segment!r} "
                "(allowed: qq, qu, qd, qp, qc<letter>, qx<hex>q)"
            )
    return "".join(out)


def normalize(name: str) -> str:
    """PEP 503 normalisation (what pip and uv compare)."""
    return _NORMALIZE.sub("-", name).lower()


def dist_name(kref: Kref | str) -> str:
    """The distribution name of an item (any revision, tag or artifact part is ignored)."""
    k = to_kref(kref)
    if not k.is_item:
        raise PackageNameError(
            f"{k} is not an item kref: only items are packages (kref://project/…/name.kind)"
        )
    segments = [k.project, *k.spaces, k.item_name or "", k.kind or ""]
    return "-".join(_encode(s) for s in segments)


def kref_of(name: str) -> Kref:
    """The item kref a distribution name stands for (any PEP 503 spelling)."""
    if not isinstance(name, str) or not name:
        raise PackageNameError(f"a distribution name must be a non-empty string, not {name!r}")
    norm = normalize(name)
    segments = norm.split("-")
    if len(segments) < 3 or not all(segments):
        raise PackageNameError(
            f"{name!r} is not an asset package name: it needs project-…-item-kind (at least 3 segments)"
        )
    project, *spaces, item, kind = (_decode(s, name) for s in segments)
    try:
        check_name(project, "project name")
        for space in spaces:
            check_name(space, "space name")
        check_item_name(item)
        check_kind(kind)
    except Exception as exc:
        raise PackageNameError(f"{name!r} maps to no kref: {exc}") from None
    kref = Kref("kref://" + "/".join([project, *spaces, f"{item}.{kind}"]))
    if dist_name(kref) != norm:  # a non-canonical escape (e.g. 'qx61q' for 'a')
        raise PackageNameError(f"{name!r} is not the canonical name of {kref}: {dist_name(kref)!r}")
    return kref


def is_asset_name(name: str) -> bool:
    try:
        kref_of(name)
    except PackageNameError:
        return False
    return True


def module_name(kref_or_name: Kref | str) -> str:
    """The import name of the asset's code: ``splice_assets.show_env_table_model``
    (``_`` first when the name starts with a digit; a name never starts with ``_``)."""
    text = str(kref_or_name)
    name = (dist_name(text) if text.startswith("kref://") else normalize(text)).replace("-", "_")
    return f"{MODULE_PACKAGE}.{'_' + name if name[:1].isdigit() else name}"

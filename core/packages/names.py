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

from ..errors import ValidationError
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


# -- what an index takes: PEP 508 project names, PEP 427 wheel file names ------------------------
MAX_PROJECT_NAME = 200  # leaves room for "-<version>-<tags>.whl" in a 255-byte file name
MAX_FILENAME = 255  # NAME_MAX of the common file systems
_PROJECT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")  # PEP 508, ASCII only
_WHEEL_PROJECT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?\Z")  # '-' is written '_'
_BUILD_TAG = re.compile(r"^[0-9][A-Za-z0-9_.]*\Z")
_TAG = re.compile(r"^[A-Za-z0-9_.]+\Z")
_SDIST = (".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:80] + "…")


def check_project_name(name: object) -> str:
    """The PEP 503 normalised form of a PEP 508 project name; anything else is refused."""
    if not isinstance(name, str) or len(name) > MAX_PROJECT_NAME or not _PROJECT.match(name):
        shown = _shown(name) if isinstance(name, str) else type(name).__name__
        raise PackageNameError(
            f"project name {shown} is not a PEP 508 name: ASCII letters, digits, '.', '_' and '-', "
            f"starting and ending with a letter or digit, at most {MAX_PROJECT_NAME} characters"
        )
    return normalize(name)


def check_filename(filename: object, what: str = "file name") -> str:
    """A plain file name: 1 to 255 characters, no control characters, '/' or '\\', no leading '.'."""
    if not isinstance(filename, str):
        raise ValidationError(f"{what} must be a string, not {type(filename).__name__}")
    if not 0 < len(filename.encode("utf-8", "replace")) <= MAX_FILENAME:
        raise ValidationError(f"{what} {_shown(filename)} must be 1 to {MAX_FILENAME} bytes long")
    if re.search(r"[\x00-\x1f\x7f/\\]", filename) or filename.startswith("."):
        raise ValidationError(
            f"{what} {_shown(filename)} must be a plain file name: no '/', '\\' or control "
            "characters, not starting with '.'"
        )
    return filename


def parse_wheel_filename(filename: object) -> tuple[str, str]:
    """``(normalised project name, version)`` of a wheel file name
    (``name-version[-build]-python-abi-platform.whl``, PEP 427 / 491); anything else, an sdist
    included, is refused with the reason."""
    from packaging.version import InvalidVersion, Version

    name = check_filename(filename, "wheel file name")
    if name.endswith(_SDIST):
        raise ValidationError(f"{_shown(name)} is a source distribution: the index takes wheels only (.whl)")
    if not name.endswith(".whl"):
        raise ValidationError(f"{_shown(name)} is not a wheel file name: it must end in .whl")
    parts = name[: -len(".whl")].split("-")
    if len(parts) not in (5, 6):
        raise ValidationError(
            f"{_shown(name)} is not a wheel file name: name-version[-build]-python-abi-platform.whl "
            f"(5 or 6 parts separated by '-', not {len(parts)})"
        )
    project, version, *tags = parts
    if len(project) > MAX_PROJECT_NAME or not _WHEEL_PROJECT.match(project):
        raise PackageNameError(
            f"{_shown(name)}: project {_shown(project)} is not a PEP 508 name as a wheel writes it: "
            f"ASCII letters, digits, '.' and '_', starting and ending with a letter or digit, at most "
            f"{MAX_PROJECT_NAME} characters"
        )
    try:
        Version(version)
    except InvalidVersion:
        raise ValidationError(f"{_shown(name)}: version {_shown(version)} is not a PEP 440 version") from None
    if len(tags) == 4 and not _BUILD_TAG.match(tags.pop(0)):
        raise ValidationError(f"{_shown(name)}: the build tag must start with a digit (PEP 427)")
    if not all(_TAG.match(t) for t in tags):
        raise ValidationError(
            f"{_shown(name)}: the python, abi and platform tags are ASCII letters, digits, '_' and '.'"
        )
    return normalize(project), version


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

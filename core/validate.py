"""Checks of what callers hand the SDK, before anything reaches an engine."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

from .errors import ValidationError

EDGE_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{0,49}\Z")
LOCATION_SCHEMES = ("file", "smb", "nfs", "s3", "gs")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_KEY = 256
MAX_VALUE = 65536
# The largest whole number every engine stores (SQLite INTEGER, PostgreSQL bigint): revision
# numbers, depths, limits and cursors beyond it are refused here, not by the database.
MAX_INT = 2**63 - 1


def metadata(value: object, what: str = "metadata") -> dict[str, str]:
    """A copy of a ``{str: str}`` map; ``None`` is an empty one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be a dict of str to str, not {type(value).__name__}")
    out = {}
    for key, val in value.items():
        out[attribute_key(key, what)] = attribute_value(val, f"{what}[{key!r}]")
    return out


def attribute_key(key: object, what: str = "metadata") -> str:
    if not isinstance(key, str):
        raise ValidationError(f"{what} keys must be strings, not {type(key).__name__}")
    if not key or len(key) > MAX_KEY or _CONTROL.search(key):
        raise ValidationError(
            f"{what} key {key!r} is not allowed: 1 to {MAX_KEY} characters, no control characters"
        )
    return key


def attribute_value(value: object, what: str = "value") -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"{what} must be a string, not {type(value).__name__} (metadata holds strings: "
            f"write str({value!r}))"
        )
    if len(value) > MAX_VALUE:
        raise ValidationError(f"{what} is {len(value)} characters long; at most {MAX_VALUE}")
    return value


def edge_type(value: object) -> str:
    if not isinstance(value, str) or not EDGE_TYPE.match(value):
        raise ValidationError(
            f"edge type {value!r} is not allowed: upper-case letters, digits and '_', starting "
            "with a letter, at most 50 (e.g. DEPENDS_ON)"
        )
    return value


def location(value: object) -> str:
    """An artifact location: a URI of a known storage scheme or an absolute path."""
    if not isinstance(value, str):
        raise ValidationError(f"location must be a string, not {type(value).__name__}")
    if _CONTROL.search(value) or not value.strip():
        raise ValidationError(f"location {value!r} is empty or holds control characters")
    match = _SCHEME.match(value)
    if match:
        scheme = match.group(1).lower()
        if scheme not in LOCATION_SCHEMES or len(value) == len(match.group(0)):
            raise ValidationError(
                f"location {value!r}: scheme {scheme!r} is not allowed; use "
                + ", ".join(f"{s}://" for s in LOCATION_SCHEMES)
                + " or an absolute path"
            )
        return value
    if value.startswith("/") or value.startswith("\\\\") or _WINDOWS_DRIVE.match(value):
        return value
    raise ValidationError(
        f"location {value!r} is neither a URI ("
        + ", ".join(f"{s}://" for s in LOCATION_SCHEMES)
        + ") nor an absolute path"
    )


def positive_int(value: object, what: str, *, allow_none: bool = False) -> int | None:
    """A whole number from 1 to :data:`MAX_INT` (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise ValidationError(f"{what} must be a whole number from 1 to {MAX_INT}, not {brief(value)}")
    return value


def seconds(value: object, what: str = "timeout", *, allow_none: bool = True) -> float | None:
    """A finite number of seconds >= 0 (``None``, when allowed, means no limit)."""
    if value is None and allow_none:
        return None
    number = -1.0
    if not isinstance(value, bool) and isinstance(value, (int, float)):
        with contextlib.suppress(OverflowError):  # an int past any float stays refused
            number = float(value)
    if not 0 <= number < float("inf"):  # NaN too
        never = " or None (no limit)" if allow_none else ""
        raise ValidationError(f"{what} must be a finite number of seconds >= 0{never}, not {brief(value)}")
    return number


def brief(value: object) -> str:
    """``repr`` of a value, cut short: a number of a million digits is no message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{what} must be True or False, not {value!r}")
    return value


def text(value: object, what: str, *, max_len: int = 4096) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be a string, not {type(value).__name__}")
    if len(value) > max_len:
        raise ValidationError(f"{what} is {len(value)} characters long; at most {max_len}")
    return value

"""SemVer versions of asset packages and their one mapping to PEP 440.

An asset version is ``MAJOR.MINOR.MICRO`` with an optional pre-release suffix
``alpha``, ``beta`` or ``rc`` and a number (seed 001's ``major.minor.micro[.suffix]``).
Input may be written ``1.2.3-rc.1``, ``1.2.3-rc1``, ``1.2.3.rc1`` or ``1.2.3rc1``;
``a``/``b`` are read as ``alpha``/``beta``; a missing number is 0. The canonical
SemVer form is ``1.2.3-rc.1``; its PEP 440 form is ``1.2.3rc1``:

==================  ===========
SemVer (canonical)  PEP 440
==================  ===========
``1.2.3``           ``1.2.3``
``1.2.3-alpha.2``   ``1.2.3a2``
``1.2.3-beta.0``    ``1.2.3b0``
``1.2.3-rc.1``      ``1.2.3rc1``
==================  ===========

The mapping is one-to-one on canonical forms and keeps the order (alpha < beta
< rc < release in both). What is refused, and why (each measured with pip and uv):

- a numeric suffix (``1.2.3-1``): PEP 440 reads it as a *post*-release, after
  ``1.2.3``, where SemVer puts it before;
- any other word (``1.2.3-hotfix``, ``-dev``): invalid in PEP 440, or (``dev``)
  ordered differently by the two standards;
- a fourth number (``1.2.3.4``): ``==1.2.3`` would not select it, so a
  concrete pin could never take a fix;
- build metadata (``+build``), epochs, leading zeros: no index accepts or
  orders them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .errors import VersionError

PreKind = Literal["alpha", "beta", "rc"]
PRE_KINDS: tuple[PreKind, ...] = ("alpha", "beta", "rc")
_PEP440_PRE = {"alpha": "a", "beta": "b", "rc": "rc"}
_ALIASES = {"a": "alpha", "alpha": "alpha", "b": "beta", "beta": "beta", "rc": "rc"}
_NUM = r"(?:0|[1-9][0-9]*)"
_SEMVER = re.compile(
    rf"^(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<micro>{_NUM})"
    rf"(?:[-.]?(?P<kind>alpha|beta|rc|a|b)(?:\.?(?P<pre>{_NUM}))?)?\Z"
)
_RELEASE = re.compile(r"^[0-9]+(?:\.[0-9]+)*")
RULE = "MAJOR.MINOR.MICRO with an optional suffix alpha, beta or rc and a number (1.2.3, 1.2.3-rc.1)"


@dataclass(frozen=True, slots=True, order=False)
class SemVer:
    """One asset version. ``str()`` gives the canonical SemVer form."""

    major: int
    minor: int
    micro: int
    pre_kind: PreKind | None = None
    pre_number: int = 0

    @property
    def is_prerelease(self) -> bool:
        return self.pre_kind is not None

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.micro)

    def sort_key(self) -> tuple:
        pre = (1, 0, 0) if self.pre_kind is None else (0, PRE_KINDS.index(self.pre_kind), self.pre_number)
        return (*self.release, *pre)

    def __lt__(self, other: SemVer) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: SemVer) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: SemVer) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: SemVer) -> bool:
        return self.sort_key() >= other.sort_key()

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.micro}"
        return base if self.pre_kind is None else f"{base}-{self.pre_kind}.{self.pre_number}"

    def to_pep440(self) -> str:
        """The PEP 440 form: ``1.2.3rc1``."""
        base = f"{self.major}.{self.minor}.{self.micro}"
        return base if self.pre_kind is None else f"{base}{_PEP440_PRE[self.pre_kind]}{self.pre_number}"

    def bump(self, part: str | None = None, suffix: str | None = None) -> SemVer:
        """The next version: ``part`` is ``major``, ``minor`` or ``micro`` (a pre-release
        of that part is finished first: 1.3.0-rc.1 → minor → 1.3.0); ``suffix``
        (``rc1``, ``beta.2``) makes the result a pre-release. The result is always newer."""
        if part not in (None, "major", "minor", "micro"):
            raise VersionError(f"bump part {part!r} is not allowed: major, minor or micro")
        if part is None and suffix is None:
            raise VersionError("bump needs a part (major, minor, micro), a suffix (rc1), or both")
        major, minor, micro = self.release
        finishing = self.pre_kind is not None and suffix is None
        if part == "major":
            if not (finishing and minor == 0 and micro == 0):
                major, minor, micro = major + 1, 0, 0
        elif part == "minor":
            if not (finishing and micro == 0):
                major, minor, micro = major, minor + 1, 0
        elif part == "micro" and not finishing:
            micro += 1
        result = SemVer(major, minor, micro)
        if suffix is not None:
            kind, number = _parse_suffix(suffix)
            result = SemVer(major, minor, micro, kind, number)
        if not result > self:
            raise VersionError(f"bumping {self} to {result} would not make a newer version")
        return result


def _parse_suffix(text: str) -> tuple[PreKind, int]:
    match = re.fullmatch(rf"[-.]?(alpha|beta|rc|a|b)(?:\.?({_NUM}))?", text or "")
    if match is None:
        raise VersionError(f"suffix {text!r} is not allowed: alpha, beta or rc with a number (rc1, beta.2)")
    return _ALIASES[match.group(1)], int(match.group(2) or 0)  # type: ignore[return-value]


def parse_semver(text: object) -> SemVer:
    """Read a version as users write it; raise :class:`VersionError` naming the problem."""
    if isinstance(text, SemVer):
        return text
    if not isinstance(text, str):
        raise VersionError(f"a version must be a string, not {type(text).__name__}")
    match = _SEMVER.match(text)
    if match is not None:
        kind = match["kind"]
        return SemVer(
            int(match["major"]),
            int(match["minor"]),
            int(match["micro"]),
            _ALIASES[kind] if kind else None,  # type: ignore[arg-type]
            int(match["pre"] or 0),
        )
    raise VersionError(f"version {text!r} is not allowed: {_why(text)}; use {RULE}")


def _why(text: str) -> str:
    if "+" in text:
        return "build metadata ('+…') is not allowed (indexes refuse local versions)"
    if "!" in text:
        return "epochs ('N!') are not allowed"
    release = _RELEASE.match(text)
    if release is None:
        return "it does not start with MAJOR.MINOR.MICRO"
    parts = release.group(0).split(".")
    if any(len(p) > 1 and p.startswith("0") for p in parts):
        return "numbers may not have leading zeros"
    if len(parts) < 3:
        return f"it has {len(parts)} number(s), three are needed"
    if len(parts) > 3:
        return "a fourth number is not allowed (==1.2.3 would not select 1.2.3.1)"
    rest = text[release.end() :].lstrip("-.")
    if rest.isdigit():
        return (
            f"a numeric suffix ('-{rest}') is read by pip and uv as a post-release, AFTER "
            f"{release.group(0)}, where SemVer puts it before"
        )
    return f"suffix {rest!r} is not one of alpha, beta, rc"


def to_pep440(version: SemVer | str) -> str:
    """SemVer → PEP 440: ``1.2.3-rc.1`` → ``1.2.3rc1``."""
    return parse_semver(version).to_pep440()


def from_pep440(text: str) -> SemVer:
    """PEP 440 → SemVer, for versions that an asset version maps to (any PEP 440
    spelling: ``1.2.3RC1``, ``1.2.3-rc.1``); others raise :class:`VersionError`."""
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(text)
    except InvalidVersion:
        raise VersionError(f"{text!r} is not a PEP 440 version") from None
    if v.epoch or v.post is not None or v.dev is not None or v.local or len(v.release) != 3:
        raise VersionError(f"PEP 440 version {text!r} maps to no asset version: use {RULE}")
    kind: PreKind | None = None
    number = 0
    if v.pre is not None:
        kind = {"a": "alpha", "b": "beta", "rc": "rc"}[v.pre[0]]  # type: ignore[assignment]
        number = v.pre[1]
    return SemVer(*v.release, kind, number)

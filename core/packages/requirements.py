"""Requirements of a revision on other assets (by kref) or on external Python packages.

::

    kref://show/props/table.model                  abstract: any version (push)
    kref://show/props/table.model>=1.2.3,<2.0      bounded (semi-push)
    kref://show/props/table.model==3.2.1           concrete (pull)
    numpy>=1.26                                    an external package (PEP 508)

Rules (decided against what pip and uv do):

- versions in asset specifiers are SemVer (:mod:`.versions`); bounds may be
  shortened (``<2.0``, ``<2``) and must be releases: a pre-release in a bound makes
  pip and uv choose different versions, so only ``==`` may name one (both then
  install exactly it). With no ``==`` on a pre-release, neither tool installs one.
- operators: ``==``, ``!=``, ``>=``, ``<=``, ``>``, ``<``, ``~=``; no ``===`` and
  no wildcards.
- requirements belong to groups: ``default`` (always installed) and any other
  (``build``, ``edit``, ``export`` or a user's own), which become the wheel's extras.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..kref import Kref
from .errors import RequirementError, VersionError
from .names import dist_name, is_asset_name, kref_of
from .versions import parse_semver

DEFAULT_GROUP = "default"
SEED_GROUPS = ("build", "edit", "export")
Kind = Literal["abstract", "bounded", "concrete", "external"]
_GROUP = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_CLAUSE = re.compile(r"^\s*(==|!=|>=|<=|~=|>|<)\s*([^\s,=<>!~]+)\s*\Z")
_BOUND = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*)){0,2}\Z")
_KREF_SPLIT = re.compile(r"^(kref://[^<>=!~\s\[;]+)\s*(.*)\Z", re.S)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement: on an asset (``kref`` set) or an external package (``name``)."""

    name: str  # the distribution name (PEP 503 normalised for assets)
    specifier: str  # PEP 440 clauses, comma-separated, or ""
    kref: Kref | None = None
    marker: str = ""  # external only: a PEP 508 environment marker

    @property
    def kind(self) -> Kind:
        if self.kref is None:
            return "external"
        if not self.specifier:
            return "abstract"
        clauses = self.specifier.split(",")
        return "concrete" if len(clauses) == 1 and clauses[0].startswith("==") else "bounded"

    def to_pep508(self, extra: str | None = None) -> str:
        """The line a wheel's ``Requires-Dist`` holds."""
        markers = [m for m in (self.marker, f'extra == "{extra}"' if extra else "") if m]
        if len(markers) == 2:
            markers[0] = f"({markers[0]})"
        return f"{self.name}{self.specifier}" + (f"; {' and '.join(markers)}" if markers else "")

    def __str__(self) -> str:
        """The canonical text: a kref and SemVer clauses, or the PEP 508 line."""
        if self.kref is None:
            return self.to_pep508()
        return f"{self.kref}{_semver_clauses(self.specifier)}"

    def contains(self, version: str) -> bool:
        """Whether a PEP 440 version satisfies the specifier; a pre-release only when
        pinned with ``==`` (what pip and uv both install)."""
        from packaging.specifiers import SpecifierSet
        from packaging.version import Version

        v = Version(version)
        if v.is_prerelease:
            pins = [c[2:] for c in self.specifier.split(",") if c.startswith("==")]
            return any(Version(p) == v for p in pins)
        return SpecifierSet(self.specifier).contains(v, prereleases=False)


def _semver_clauses(specifier: str) -> str:
    if not specifier:
        return ""
    out = []
    for clause in specifier.split(","):
        op, version = _CLAUSE.match(clause).groups()  # type: ignore[union-attr]
        if op in ("==", "!="):
            from .versions import from_pep440

            version = str(from_pep440(version))
        out.append(op + version)
    return ",".join(out)


def _asset_specifier(text: str, where: str) -> str:
    if not text:
        return ""
    clauses = []
    for raw in text.split(","):
        match = _CLAUSE.match(raw)
        if match is None:
            raise RequirementError(
                f"{where}: clause {raw.strip()!r} is not allowed: use ==, !=, >=, <=, >, < or ~= "
                "followed by a version (e.g. >=1.2.3,<2.0)"
            )
        op, version = match.groups()
        if op in ("==", "!="):
            try:
                clauses.append(op + parse_semver(version).to_pep440())
            except VersionError as exc:
                raise RequirementError(f"{where}: {exc}") from None
            continue
        if not _BOUND.match(version):
            hint = (
                "a pre-release in a bound makes pip and uv choose differently: pin it with =="
                if re.search(r"[a-z]", version)
                else "write 1 to 3 numbers without leading zeros"
            )
            raise RequirementError(f"{where}: bound {op}{version} is not allowed: {hint}")
        if op == "~=" and "." not in version:
            raise RequirementError(f"{where}: ~={version} needs at least two numbers (~=1.2)")
        clauses.append(op + version)
    return ",".join(clauses)


def parse_requirement(text: object) -> Requirement:
    """Read one requirement; raise :class:`RequirementError` naming what is wrong."""
    if isinstance(text, Requirement):
        return text
    if not isinstance(text, str) or not text.strip():
        raise RequirementError(f"a requirement must be a non-empty string, not {text!r}")
    text = text.strip()
    if text.startswith("kref://") and "?" in text:
        raise RequirementError(
            f"requirement {text!r}: name an item (kref://project/…/name.kind) and put versions "
            "after it (==1.2.3, >=1.2,<2); revisions, tags and artifacts are not requirements"
        )
    match = _KREF_SPLIT.match(text)
    if match is not None:
        try:
            kref = Kref(match.group(1))
        except Exception as exc:
            raise RequirementError(f"requirement {text!r}: {exc}") from None
        if not kref.is_item or kref.revision is not None or kref.tag is not None or kref.artifact:
            raise RequirementError(
                f"requirement {text!r}: name an item (kref://project/…/name.kind) and put versions "
                "after it (==1.2.3, >=1.2,<2); revisions, tags and artifacts are not requirements"
            )
        return Requirement(dist_name(kref), _asset_specifier(match.group(2), f"requirement {text!r}"), kref)
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Pep508

    try:
        req = Pep508(text)
    except InvalidRequirement as exc:
        raise RequirementError(
            f"requirement {text!r} is neither kref://…[SPECIFIER] nor a PEP 508 requirement: {exc}"
        ) from None
    if req.url:
        raise RequirementError(f"requirement {text!r}: direct URLs are not allowed; publish to a repo")
    if is_asset_name(req.name):  # an asset named by its distribution name
        return parse_requirement(f"{kref_of(req.name)}{_semver_clauses_from(str(req.specifier), text)}")
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    spec = ",".join(sorted(str(s) for s in req.specifier))
    return Requirement(f"{req.name}{extras}", spec, None, str(req.marker) if req.marker else "")


def _semver_clauses_from(specifier: str, text: str) -> str:
    out = []
    for clause in filter(None, specifier.split(",")):
        op, version = _CLAUSE.match(clause).groups()  # type: ignore[union-attr]
        if op in ("==", "!="):
            from .versions import from_pep440

            try:
                version = str(from_pep440(version))
            except VersionError as exc:
                raise RequirementError(f"requirement {text!r}: {exc}") from None
        out.append(op + version)
    return ",".join(out)


def check_group(name: object) -> str:
    if not isinstance(name, str) or not _GROUP.match(name):
        raise RequirementError(
            f"group {name!r} is not allowed: lower-case letters and digits, words joined by '-' "
            f"(default, {', '.join(SEED_GROUPS)} or your own)"
        )
    return name


Groups = dict[str, list[Requirement]]


def parse_groups(value: Mapping[str, Iterable[object]] | Iterable[object] | None) -> Groups:
    """Requirements by group from ``{"default": [...], "build": [...]}`` or a plain list
    (the default group). Sorted, without duplicates; one item once per group."""
    if value is None:
        return {}
    if isinstance(value, str):
        raise RequirementError("requirements must be a list or a {group: [requirements]} map, not a string")
    groups: Mapping[str, Iterable[object]] = value if isinstance(value, Mapping) else {DEFAULT_GROUP: value}
    out: Groups = {}
    for group, reqs in groups.items():
        check_group(group)
        if isinstance(reqs, str):
            raise RequirementError(f"group {group!r} must hold a list of requirements, not a string")
        parsed = sorted({str(r): r for r in map(parse_requirement, reqs)}.values(), key=str)
        names = [r.name for r in parsed]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise RequirementError(
                f"group {group!r} names {twice} more than once: join the clauses in one requirement"
            )
        if parsed:
            out[group] = parsed
    return dict(sorted(out.items()))


def dumps_groups(groups: Groups) -> str:
    """Canonical JSON of requirements by group (what a revision stores)."""
    return json.dumps(
        {g: [str(r) for r in reqs] for g, reqs in sorted(groups.items())},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def loads_groups(text: str | None) -> Groups:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        raise RequirementError(f"stored requirements are not JSON: {text[:80]!r}") from None
    return parse_groups(data)

"""Assets as Python packages (seed 001): every item revision can also be a real wheel.

- :mod:`.versions`: SemVer versions and their PEP 440 form;
- :mod:`.names`: krefs ↔ distribution names;
- :mod:`.requirements`: abstract / bounded / concrete requirements, by group;
- :mod:`.spec`: a revision's version and requirements (kept in its metadata);
- :mod:`.build`: a revision → a wheel (hatchling through ``build``);
- :mod:`.repos`: folder repos with a PEP 503 ``simple/`` index, named repos;
- :mod:`.workspace`, :mod:`.lock`: uv workspaces and their lock files;
- :mod:`.impact`: which dependents take a new version.

See ``docs/packages.md``. Heavy imports (packaging, build, uv) happen in functions.
"""

from __future__ import annotations

from .errors import (
    BuildError,
    PackageNameError,
    PublishedVersionError,
    RepoError,
    RequirementError,
    ResolutionError,
    ToolError,
    UnknownRepoError,
    VersionError,
    WorkspaceError,
)
from .names import dist_name, kref_of, module_name
from .requirements import Requirement, parse_groups, parse_requirement
from .spec import PackageInfo, package_info, set_package, version_of, versions_of
from .versions import SemVer, from_pep440, parse_semver, to_pep440

__all__ = [
    "BuildError",
    "PackageInfo",
    "PackageNameError",
    "PublishedVersionError",
    "RepoError",
    "Requirement",
    "RequirementError",
    "ResolutionError",
    "SemVer",
    "ToolError",
    "UnknownRepoError",
    "VersionError",
    "WorkspaceError",
    "dist_name",
    "from_pep440",
    "kref_of",
    "module_name",
    "package_info",
    "parse_groups",
    "parse_requirement",
    "parse_semver",
    "set_package",
    "to_pep440",
    "version_of",
    "versions_of",
]

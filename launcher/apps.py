"""Apps and their versions: configured ones (TOML) and installed ones (discovery).

An app (``[apps.blender]``) has a label, the splice host adapter it bootstraps
(``host``), arguments, environment, hooks, and versions. A configured version names
its executable per OS (``linux`` / ``windows`` / ``darwin``) and may add arguments and
environment; with ``discover = true`` the installed versions found in the app's usual
places are versions too. A configured version without an executable for this OS takes
the installed one of the same version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .discovery import Discovery, version_key, version_matches
from .errors import AppNotFoundError


@dataclass
class AppVersion:
    """One version of an app, ready to start: its executable, arguments and environment."""

    app: str
    version: str
    executable: str
    host: str | None = None
    label: str = ""
    args: list[str] = field(default_factory=list)
    env: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (where, env table), in order
    hooks: list[str] = field(default_factory=list)
    source: str = "config"  # "config" or the place discovery found it in
    python: str | None = None  # its embedded Python: "3.11" or an interpreter's path (configured)

    @property
    def exists(self) -> bool:
        return os.path.isfile(self.executable)

    def describe(self) -> str:
        return f"{self.version} ({self.executable}{'' if self.exists else ', missing'})"


class Apps:
    """The apps of a configuration, with their versions on ``discovery``'s OS."""

    def __init__(self, config: Config, discovery: Discovery | None = None) -> None:
        self.config = config
        self.discovery = discovery or Discovery()

    @property
    def system(self) -> str:
        return self.discovery.system

    def names(self) -> list[str]:
        return sorted(self.config.apps)

    def spec(self, name: str) -> dict[str, Any]:
        apps = self.config.apps
        if name not in apps:
            raise AppNotFoundError(
                f"unknown app {name!r}: the configured apps are {', '.join(sorted(apps)) or 'none'} "
                f"(configuration: {', '.join(self.config.sources)})"
            )
        return dict(apps[name])

    def versions(self, name: str) -> list[AppVersion]:
        """Every version of ``name``, newest first: configured ones (even with a missing
        executable, so that the error can name it) and, with ``discover``, installed ones."""
        spec = self.spec(name)
        host = spec.get("host")
        found = self.discovery.find(host or name) if spec.get("discover", False) else []
        out: list[AppVersion] = []
        configured = dict(spec.get("versions", {}))
        for version, vspec in configured.items():
            executable = vspec.get(self.system)
            source = "config"
            if not executable:
                match = next((f for f in found if f.version == version), None)
                if match is None:
                    continue  # not on this OS, and not installed
                executable, source = match.executable, match.place
            out.append(self._version(name, spec, str(version), os.path.expanduser(executable), vspec, source))
        taken = {v.version for v in out}
        for f in found:
            if f.version not in taken:
                taken.add(f.version)
                out.append(self._version(name, spec, f.version, f.executable, {}, f.place))
        return sorted(out, key=lambda v: version_key(v.version), reverse=True)

    def _version(
        self, name: str, spec: dict, version: str, executable: str, vspec: dict, source: str
    ) -> AppVersion:
        env = [(f"apps.{name}.env", dict(spec.get("env", {})))]
        if vspec.get("env"):
            env.append((f"apps.{name}.versions.{version}.env", dict(vspec["env"])))
        return AppVersion(
            app=name,
            version=version,
            executable=executable,
            host=spec.get("host"),
            label=str(spec.get("label", name)),
            args=[*spec.get("args", []), *vspec.get("args", [])],
            env=env,
            hooks=list(spec.get("hooks", [])),
            source=source,
            python=vspec.get("python") or spec.get("python"),
        )

    def resolve(self, name: str, version: str | None = None) -> AppVersion:
        """The version to start: ``version`` (exact, or its newest X.Y.* match), else the newest
        one whose executable exists. Errors name what exists and every place looked in."""
        versions = self.versions(name)
        if version:
            matches = [v for v in versions if version_matches(version, v.version)]
            if not matches:
                have = ", ".join(v.describe() for v in versions) or "none"
                raise AppNotFoundError(
                    f"{name} {version} is neither configured nor installed: "
                    f"versions found: {have}. {self._looked(name)}"
                )
            present = [v for v in matches if v.exists]
            if not present:
                raise AppNotFoundError(
                    f"{name} {version}: the executable is missing: "
                    + ", ".join(f"{v.executable} (from {v.source})" for v in matches)
                )
            return present[0]
        present = [v for v in versions if v.exists]
        if present:
            return present[0]
        if versions:
            raise AppNotFoundError(
                f"{name}: no configured executable exists on {self.system}: "
                + ", ".join(f"{v.version} → {v.executable}" for v in versions)
                + f". {self._looked(name)}"
            )
        raise AppNotFoundError(f"{name} was not found on {self.system}. {self._looked(name)}")

    def _looked(self, name: str) -> str:
        spec = self.spec(name)
        where = self.discovery.places(spec.get("host") or name) if spec.get("discover", False) else []
        configured = ", ".join(sorted(spec.get("versions", {}))) or "none"
        looked = "; ".join(where) if where else "nowhere (discover = false)"
        return (
            f"Looked in: {looked}. Configured versions: {configured} "
            f'(add [apps.{name}.versions."X.Y"] {self.system} = "/path/to/executable" '
            f"to {self.config.sources[-1] if self.config.sources else 'the configuration'})"
        )

"""The launcher's errors: each names what was wrong and what exists, and registers its ``code``
(standard library only: the wire imports it to decode them)."""

from __future__ import annotations

from ..errors import NotFoundError, SpliceError, ValidationError


class ConfigError(ValidationError):
    """A launcher configuration (TOML) that cannot be read or has a wrong value."""

    code = "launcher_config"


class AppNotFoundError(NotFoundError):
    """An unknown app or version, or an executable that is not there."""

    code = "app_not_found"


class LaunchError(SpliceError):
    """A launch refused before anything started (a pre-launch hook, a workspace, a process)."""

    code = "launch_failed"

"""The launcher's configuration: TOML layers merged into one table.

Layers, each merged over the one before (tables key by key; any other value is
replaced): the built-in ``apps.toml`` → the studio files (``$SPLICE_APPS``, paths
separated by ``os.pathsep``, or ``--config``) → the project's override (project
metadata ``launcher.config``: a TOML file; ``launcher.toml``: TOML text). Each layer is
checked on its own against :mod:`.schema` (its errors name the layer's file and key).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_CONFIG = Path(__file__).with_name("apps.toml")
ENV_VAR = "SPLICE_APPS"
PROJECT_FILE_KEY = "launcher.config"
PROJECT_TEXT_KEY = "launcher.toml"


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        import tomli  # type: ignore[import-not-found]
    except ImportError:
        raise ConfigError(
            "the launcher reads TOML: on Python 3.10 install tomli (pip install tomli), or use 3.11+"
        ) from None
    return tomli


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """``text`` as a table; a syntax error names ``source`` and the line."""
    toml = _toml()
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None


def read_toml(path: Path | str) -> dict[str, Any]:
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"launcher configuration {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read launcher configuration {path}: {exc.strerror or exc}") from None
    return parse_toml(text, str(path))


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged into a copy of ``base``: tables key by key, other values replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class Config:
    """The merged configuration and the sources it came from, in order."""

    data: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def layer(self, data: Mapping[str, Any], source: str) -> Config:
        _check(data, source)
        return Config(merge(self.data, data), [*self.sources, source])

    @property
    def apps(self) -> dict[str, dict[str, Any]]:
        return dict(self.data.get("apps", {}))

    @property
    def tasks(self) -> list[str]:
        return [str(t) for t in self.data.get("tasks", [])]

    @property
    def workspace(self) -> dict[str, Any]:
        return dict(self.data.get("workspace", {}))

    @property
    def runtime(self) -> dict[str, Any]:
        return dict(self.data.get("runtime", {}))

    @property
    def env(self) -> dict[str, Any]:
        return dict(self.data.get("env", {}))

    @property
    def hooks(self) -> list[str]:
        return [str(h) for h in self.data.get("hooks", [])]


def studio_config(paths: Sequence[Path | str] = (), environ: Mapping[str, str] | None = None) -> Config:
    """The built-in defaults, then ``$SPLICE_APPS``'s files, then ``paths``."""
    env = os.environ if environ is None else environ
    config = Config().layer(read_toml(DEFAULT_CONFIG), str(DEFAULT_CONFIG))
    files = [p for p in env.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    for path in [*files, *paths]:
        config = config.layer(read_toml(path), str(Path(path).expanduser()))
    return config


def project_config(config: Config, metadata: Mapping[str, str], variables: Mapping[str, str]) -> Config:
    """``config`` with the project's override (metadata ``launcher.config`` / ``launcher.toml``)."""
    from .environment import expand

    file = metadata.get(PROJECT_FILE_KEY, "").strip()
    if file:
        path = expand(file, variables, {}, f"project metadata {PROJECT_FILE_KEY}")
        config = config.layer(read_toml(path), path)
    text = metadata.get(PROJECT_TEXT_KEY, "")
    if text.strip():
        config = config.layer(
            parse_toml(text, f"project metadata {PROJECT_TEXT_KEY}"), f"project metadata {PROJECT_TEXT_KEY}"
        )
    return config


# -- checks: a wrong value is named with its source and key ---------------------------
SCHEMA = "splice.launcher.schema:LauncherConfig"


def _check(data: Mapping[str, Any], source: str) -> None:
    """A layer against :class:`splice.launcher.schema.LauncherConfig` (a layer checked
    before, with the same content, is not checked again: see :mod:`splice.documents`)."""
    from ..documents import check

    check(SCHEMA, data, source, ConfigError, remember=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a layer (``docs/schemas/launcher.json``), for a studio's editor."""
    from ..documents import json_schema as schema_of

    return schema_of(SCHEMA)

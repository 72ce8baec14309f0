"""Composing an environment: variable expansion, path-list merging, host bootstrap paths.

A configuration's ``env`` table holds, per variable, either a string (set, after
expansion) or ``{ set = "…", prepend = [...], append = [...] }``: path lists are split on
``os.pathsep``, merged, and de-duplicated (the first occurrence stays). In values,
``{name}`` is a launch variable (``{root}``, ``{project}``, ``{space}``, ``{task}``,
``{app}``, ``{version}``, ``{workspace}``) and ``$VAR`` / ``${VAR}`` the environment built
so far (an unset variable expands to nothing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

_TOKEN = re.compile(r"\$\{(\w+)\}|\$(\w+)|\{(\w+)\}")


def expand(text: str, variables: Mapping[str, str], env: Mapping[str, str], where: str) -> str:
    """``{name}`` from ``variables``, then ``$VAR`` / ``${VAR}`` from ``env``."""

    def one(match: re.Match[str]) -> str:
        if match.group(3) is None:
            return env.get(match.group(1) or match.group(2), "")
        name = match.group(3)
        if name not in variables:
            raise ConfigError(
                f"{where}: unknown variable {{{name}}} in {text!r}; "
                f"known: {', '.join('{' + k + '}' for k in sorted(variables))}"
            )
        value = variables[name]
        if value is None or value == "":
            raise ConfigError(
                f"{where}: {{{name}}} is not set for this context (in {text!r})"
                + (": set the project's metadata root=/path" if name == "root" else "")
            )
        return str(value)

    return _TOKEN.sub(one, text)


def split_paths(value: str | None, sep: str = os.pathsep) -> list[str]:
    return [p for p in (value or "").split(sep) if p]


def _key(path: str) -> str:
    return os.path.normcase(os.path.normpath(path)) if path not in ("&", "") else path


def merge_paths(front: Iterable[str], existing: Iterable[str], back: Iterable[str] = ()) -> list[str]:
    """``front`` + ``existing`` + ``back``, each path once (its first place wins)."""
    out: list[str] = []
    seen: set[str] = set()
    for path in [*front, *existing, *back]:
        key = _key(path)
        if path and key not in seen:
            seen.add(key)
            out.append(path)
    return out


class EnvBuilder:
    """An environment being composed over ``base``; :meth:`changes` is what splice set."""

    def __init__(
        self, base: Mapping[str, str], variables: Mapping[str, str] | None = None, sep: str = os.pathsep
    ) -> None:
        self.base = dict(base)
        self.env = dict(base)
        self.variables = dict(variables or {})
        self.sep = sep

    def set(self, name: str, value: str) -> None:
        self.env[name] = value

    def unset(self, name: str) -> None:
        self.env.pop(name, None)

    def prepend(self, name: str, paths: Iterable[str], last: str | None = None) -> None:
        """Put ``paths`` first in the list ``name``; ``last`` (Houdini's ``&``) stays at the end."""
        merged = merge_paths([str(p) for p in paths], split_paths(self.env.get(name), self.sep))
        self._store(name, merged, last)

    def append(self, name: str, paths: Iterable[str], last: str | None = None) -> None:
        merged = merge_paths([], split_paths(self.env.get(name), self.sep), [str(p) for p in paths])
        self._store(name, merged, last)

    def _store(self, name: str, paths: list[str], last: str | None) -> None:
        if last is not None:
            paths = [p for p in paths if p != last] + [last]
        self.env[name] = self.sep.join(paths)

    def apply(self, table: Mapping[str, Any], where: str) -> None:
        """Apply a configuration ``env`` table (see the module's documentation)."""
        for name, value in table.items():
            here = f"{where}.{name}"
            if isinstance(value, str):
                self.set(name, expand(value, self.variables, self.env, here))
                continue
            last = "&" if name == "HOUDINI_PATH" else None
            if "set" in value:
                self.set(name, expand(value["set"], self.variables, self.env, here))
            if value.get("prepend"):
                self.prepend(
                    name, [expand(v, self.variables, self.env, here) for v in value["prepend"]], last
                )
            if value.get("append"):
                self.append(name, [expand(v, self.variables, self.env, here) for v in value["append"]], last)

    def changes(self) -> dict[str, str]:
        """The variables splice set or changed (their final values)."""
        return {k: v for k, v in sorted(self.env.items()) if self.base.get(k) != v}

    def removed(self) -> list[str]:
        return sorted(k for k in self.base if k not in self.env)


# -- hosts ----------------------------------------------------------------------------
def host_dir(host: str) -> Path | None:
    """The folder of ``splice.hosts.<host>`` (found without importing the adapter)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(f"splice.hosts.{host}")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def host_bootstrap(
    builder: EnvBuilder, host: str, version: str = "", runtime: Path | None = None, cache: Path | None = None
) -> None:
    """The start-up paths of splice's adapter for ``host`` (nothing for an app without one):
    the adapter's folder in splice's ``runtime`` for the app (else the launcher's own).
    ``version``: the app's (Blender's user scripts folder depends on it)."""
    folder = runtime / "splice" / "hosts" / host if runtime is not None else host_dir(host)
    if folder is None or not folder.is_dir():
        return
    if host == "blender":
        from .userscripts import artist_scripts, merged_scripts

        if cache is None:
            from platformdirs import user_cache_dir

            cache = Path(user_cache_dir("splice", appauthor=False)) / "launcher"
        artist = artist_scripts(version, builder.env)
        builder.set("BLENDER_USER_SCRIPTS", str(merged_scripts(folder / "scripts", artist, cache)))
    elif host == "maya":
        builder.prepend("PYTHONPATH", [str(folder / "startup")])
    elif host == "houdini":
        builder.prepend("HOUDINI_PATH", [str(folder / "startup")], last="&")
    elif host == "nuke":
        builder.prepend("NUKE_PATH", [str(folder / "startup")])
    builder.append("PYBLISHPLUGINPATH", [str(folder / "plugins" / "publish")])
    builder.append("SPLICE_LOADER_PATH", [str(folder / "plugins" / "load")])

"""The launcher's configuration as pydantic models: what a TOML layer may hold.

Every layer (the built-in ``apps.toml``, a studio file, a project's override) is checked
against :class:`LauncherConfig` on its own, before it is merged (:mod:`.config`), so an
error names the layer's file. Imported only to check a layer not seen before, or to
write the JSON Schema (``docs/schemas/launcher.json``; :func:`.config.json_schema`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from ..documents import CLOSED, Allowed, unset
from ..packages.schema import RepoTable

Strings = Annotated[list[str], Allowed("a list of strings")]
PYTHON = 'a version ("3.11") or an interpreter\'s path'


class Table(BaseModel):
    """A TOML table: unknown keys and wrong types are refused, nothing is coerced."""

    model_config = CLOSED


class PathList(Table):
    """``{ set = "…", prepend = [...], append = [...] }``: a path list (split on
    ``os.pathsep``) set, then the new entries put first or last, each kept once."""

    set: Annotated[str, Allowed("a string")] = unset("the value to start from (else the environment's)")
    prepend: Strings = Field(default_factory=list, description="entries put first")
    append: Strings = Field(default_factory=list, description="entries put last")


def _env_kind(value: Any) -> str | None:
    return "value" if isinstance(value, str) else "paths" if isinstance(value, dict) else None


EnvValue = Annotated[
    Union[Annotated[str, Tag("value")], Annotated[PathList, Tag("paths")]],  # noqa: UP007 (tags)
    Discriminator(_env_kind),
    Allowed("a string or a table with set / prepend / append"),
]
Env = Annotated[
    dict[str, EnvValue],
    Allowed("a table of VARIABLE = value"),
    Field(
        description='VARIABLE = "value" (sets it; {root}, {project}, $VAR… expand) or '
        "VARIABLE = { set, prepend, append } (a path list)"
    ),
]
Executable = Annotated[str, Allowed("the executable's path (a string)")]


class AppVersion(Table):
    """``[apps.NAME.versions."X.Y"]``: one version's executable per OS, and what it adds."""

    linux: Executable = unset("the executable on Linux")
    windows: Executable = unset("the executable on Windows")
    darwin: Executable = unset("the executable on macOS")
    args: Strings = Field(default_factory=list, description="arguments after the app's own")
    env: Env = Field(default_factory=dict)
    python: Annotated[str, Allowed(PYTHON)] = unset(
        "the Python this version embeds: a version (3.11) or an interpreter's path"
    )


class App(Table):
    """``[apps.NAME]``: an app, the splice host it bootstraps, and its versions."""

    label: str = unset("the name shown (default: NAME)")
    host: str = unset("the splice.hosts adapter whose bootstrap paths are added (blender, maya, …)")
    discover: bool = Field(False, description="installed versions (found in the app's usual places) count")
    args: Strings = Field(default_factory=list, description="arguments of every version ({root}… expand)")
    hooks: Strings = Field(default_factory=list, description='pre-launch hooks: "module:function"')
    env: Env = Field(default_factory=dict)
    python: Annotated[str, Allowed(PYTHON)] = unset(
        "the Python the app embeds: a version (3.11) or an interpreter's path"
    )
    versions: Annotated[
        dict[str, Annotated[AppVersion, Allowed("a table (linux / windows / darwin, args, env)")]],
        Allowed('a table of [apps.NAME.versions."X.Y"] tables'),
    ] = Field(default_factory=dict, description="configured versions by version number")


class Workspace(Table):
    """``[workspace]``: where the shots' workspaces live and what they install from."""

    root: str = unset("the workspaces' folder (default: $SPLICE_WORKSPACES, else the per-user data folder)")
    install_from: Annotated[list[str], Allowed("a list of repo names, paths or URLs")] = Field(
        default_factory=lambda: ["blessed"], description="the repos a shot's packages install from"
    )
    repos: RepoTable = Field(
        default_factory=dict, description="repo names, over $SPLICE_REPOS and the user's repos.json"
    )


class Runtime(Table):
    """``[runtime]``: where splice's runtime for a DCC's Python gets its wheels."""

    root: str = unset("the runtimes' folder (default: <user cache>/splice/runtimes)")
    index_url: str = unset("the package index (default: PyPI)")
    find_links: Annotated[list[str], Allowed("a list of folders or URLs")] = Field(
        default_factory=list, description="folders (or URLs) of the studio's wheels"
    )
    no_index: Annotated[bool, Allowed("true or false")] = Field(
        False, description="only find_links: no index at all"
    )
    prebuilt: str = unset("a runtime the studio ships, used as it is ({python} expands to 3.11…)")
    platform: str = unset("the DCC's platform when it is not this machine's (uv's --python-platform)")
    qt: Annotated[
        Literal["auto", "pyside6", "qtpy", "none"], Allowed('"auto", "pyside6", "qtpy" or "none"')
    ] = Field(
        "auto",
        description="Qt for the artist tools: auto (qtpy; PySide6 too for an app that ships no Qt, "
        "Blender), pyside6 (qtpy and PySide6), qtpy (qtpy alone), none",
    )


class LauncherConfig(Table):
    """One layer of the launcher's configuration (``apps.toml``, ``$SPLICE_APPS``,
    ``--config``, project metadata ``launcher.config`` / ``launcher.toml``)."""

    model_config = ConfigDict(**CLOSED, title="splice launcher configuration")

    tasks: Strings = Field(default_factory=list, description="a shot's tasks when its metadata names none")
    hooks: Strings = Field(
        default_factory=list, description='pre-launch hooks of every app: "module:function"'
    )
    env: Env = Field(default_factory=dict)
    workspace: Annotated[Workspace, Allowed("a table")] = Field(default_factory=Workspace)
    runtime: Annotated[Runtime, Allowed("a table")] = Field(default_factory=Runtime)
    apps: Annotated[
        dict[str, Annotated[App, Allowed("a table")]], Allowed("a table of [apps.NAME] tables")
    ] = Field(default_factory=dict, description="the apps by name")

"""Workfiles: the versioned scene files an artist saves while working in a context.

A context (project, space, task) has a work folder; its scene files are named by a studio
template and numbered ``v001``, ``v002``… Nothing here imports Qt or a DCC:

- :func:`work_area` — where a context's workfiles go and how they are named: the root is
  ``$SPLICE_WORK_ROOT``, else the project's metadata ``workfiles.root``, else the artist's
  ``Documents/splice/work``; the template is the project's metadata ``workfiles.template``,
  else :data:`DEFAULT_TEMPLATE`. Its fields are :data:`FIELDS`.
- :func:`list_workfiles` — the files of a work folder the template names, newest first, with
  who saved each and when (the sidecar ``.splice/<file>.json`` beside it, else the file's
  owner and time), skipping every other file.
- :func:`save_next` — save the scene as the next free version: the file is created
  exclusively first, so two artists saving at once get two versions, never one overwritten.
- :func:`open_workfile`, :func:`switch_context` and :func:`unsaved_changes`.

Publishing a workfile is the publisher's job, not this module's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, ValidationError
from ..kref import Kref
from .interface import Context, Host

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "ROOT_ENV",
    "ROOT_KEY",
    "TEMPLATE_KEY",
    "Template",
    "WorkArea",
    "Workfile",
    "check_context",
    "extension",
    "list_workfiles",
    "next_version",
    "open_workfile",
    "save_next",
    "sidecar_path",
    "switch_context",
    "unsaved_changes",
    "work_area",
]

ROOT_ENV = "SPLICE_WORK_ROOT"
ROOT_KEY = "workfiles.root"
TEMPLATE_KEY = "workfiles.template"
DEFAULT_TEMPLATE = "{root}/{project}/{space}/work/{task}/{name}_{task}_v{version:03d}.{ext}"
FIELDS = {
    "root": "the work root ($SPLICE_WORK_ROOT, the project's workfiles.root, or ~/Documents/splice/work)",
    "project": "the project's name",
    "space": "the space's path in the project (shots/sq010/sh010)",
    "name": "the space's own name (sh010)",
    "task": "the task (animation)",
    "host": "the application (maya)",
    "user": "who saves (the store's user)",
    "version": "the version number, in the file name only ({version:03d} → 007)",
    "ext": "the application's scene extension, without the dot (ma)",
}
"""The fields a template may use, and what each holds."""
SIDECAR_DIR = ".splice"
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")  # a value that is one path segment
_VERSION_SPEC = re.compile(r"^0?[1-9]?d?\Z")
_MAX_TRIES = 1000  # versions tried past the highest one before giving up


def _allowed() -> str:
    return ", ".join("{" + name + "}" for name in FIELDS)


@dataclass(frozen=True)
class Template:
    """A workfile template: a path with ``{field}``\\ s, ``{version}`` and ``{ext}`` in its file name.

    ``Template(text)`` raises :class:`ValidationError` naming the allowed fields when ``text``
    uses another, or has no ``{version}`` / ``{ext}`` in its last segment.
    """

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValidationError(f"a workfile template must be a non-empty string, not {self.text!r}")
        folder, _, name = self.text.replace("\\", "/").rpartition("/")
        if not folder or not name:
            raise ValidationError(
                f"workfile template {self.text!r} must be a folder and a file name ({DEFAULT_TEMPLATE})"
            )
        for part, where in ((folder, "folder"), (name, "file name")):
            for field_name, spec in self._fields(part):
                if field_name == "version" and where == "folder":
                    raise ValidationError(
                        f"workfile template {self.text!r}: {{version}} goes in the file name"
                    )
                if field_name == "version" and not _VERSION_SPEC.match(spec):
                    raise ValidationError(
                        f"workfile template {self.text!r}: {{version:{spec}}} is not a number format;"
                        " use {version} or {version:03d}"
                    )
                if field_name != "version" and spec:
                    raise ValidationError(f"workfile template {self.text!r}: only {{version}} takes a format")
        names = [f for f, _ in self._fields(name)]
        if names.count("version") != 1 or "ext" not in names:
            raise ValidationError(
                f"workfile template {self.text!r}: its file name needs {{version}} once and {{ext}}"
                f" ({DEFAULT_TEMPLATE}); fields: {_allowed()}"
            )

    def fields(self) -> list[tuple[str, str]]:
        """Every ``(field, format)`` the template uses, in order."""
        return self._fields(self.text)

    def _fields(self, text: str) -> list[tuple[str, str]]:
        found = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise ValidationError(f"workfile template {self.text!r} cannot be read: {exc}") from None
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            if conversion:
                bad = f"{{{name}!{conversion}}}"
                raise ValidationError(f"workfile template {self.text!r}: {bad} takes no '!' conversion")
            if name not in FIELDS:
                raise ValidationError(
                    f"workfile template {self.text!r}: unknown field {{{name}}}; fields: {_allowed()}"
                )
            found.append((name, spec or ""))
        return found

    @property
    def _parts(self) -> tuple[str, str]:
        folder, _, name = self.text.replace("\\", "/").rpartition("/")
        return folder, name

    def folder(self, values: Mapping[str, str]) -> Path:
        """The work folder for these field values."""
        return Path(self._parts[0].format_map(dict(values)))

    def file_name(self, values: Mapping[str, str], version: int) -> str:
        return self._parts[1].format_map({**values, "version": version})

    def version_of(self, file_name: str, values: Mapping[str, str]) -> int | None:
        """The version a file name of this template carries; None for any other name."""
        pattern = ""
        for literal, name, _spec, _conv in string.Formatter().parse(self._parts[1]):
            pattern += re.escape(literal)
            if name == "version":
                pattern += r"(?P<version>\d+)"
            elif name is not None:
                pattern += re.escape(str(values[name]))
        match = re.fullmatch(pattern, file_name)
        return int(match.group("version")) if match else None


@dataclass(frozen=True)
class WorkArea:
    """Where a context's workfiles are and how they are named."""

    context: Context
    template: Template
    values: Mapping[str, str]  # every field but version
    root_from: str = ""  # where the root came from (for messages)

    @property
    def folder(self) -> Path:
        return self.template.folder(self.values)

    def path(self, version: int) -> Path:
        return self.folder / self.template.file_name(self.values, version)

    def version_of(self, path: str | os.PathLike[str]) -> int | None:
        """The version of ``path`` when it is a workfile of this area, else None."""
        target = Path(path)
        if os.path.normcase(os.path.abspath(target.parent)) != os.path.normcase(os.path.abspath(self.folder)):
            return None
        return self.template.version_of(target.name, self.values)


@dataclass(frozen=True)
class Workfile:
    """One workfile: its path and version, and who saved it, when, and why."""

    path: Path
    version: int
    artist: str
    time: datetime  # aware (UTC)
    comment: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name


def extension(host: Host) -> str:
    """The scene extension ``host`` saves, without the dot: the open file's when it is one the
    host saves (``.mb``, ``.hipnc``), else the host's first (``scene_suffixes``); a host that
    declares none (MemoryHost) saves JSON."""
    suffixes = [s.lower() for s in getattr(host, "scene_suffixes", ()) or ()]
    current = host.current_file()
    if current is not None and current.suffix.lower() in suffixes:
        return current.suffix.lower()[1:]
    return suffixes[0][1:] if suffixes else "json"


def _checked_context(context: Context) -> tuple[str, Kref, str]:
    if not isinstance(context, Context):
        raise ValidationError(f"context must be a Context, not {type(context).__name__}")
    if context.project is None or context.space is None or not context.task:
        raise ValidationError(
            f"workfiles need a project, a space and a task; the context has project={context.project!r},"
            f" space={context.space!r}, task={context.task!r}: switch to one first"
        )
    return context.project, Kref(context.space), context.task


def _segment(value: str, what: str) -> str:
    if not _SAFE.match(value):
        raise ValidationError(
            f"{what} {value!r} cannot be part of a file name: use letters, digits, '_', '-' and '.',"
            " starting with a letter or digit"
        )
    return value


def _root(metadata: Mapping[str, str], environ: Mapping[str, str]) -> tuple[Path, str]:
    if environ.get(ROOT_ENV, "").strip():
        raw, where = environ[ROOT_ENV].strip(), f"${ROOT_ENV}"
    elif metadata.get(ROOT_KEY, "").strip():
        raw, where = metadata[ROOT_KEY].strip(), f"the project's metadata {ROOT_KEY}"
    else:
        from platformdirs import user_documents_dir

        return Path(user_documents_dir()) / "splice" / "work", "the default (Documents/splice/work)"
    root = Path(raw).expanduser()
    if not root.is_absolute():
        raise ValidationError(f"the work root {raw!r} (from {where}) must be an absolute path")
    return root, where


def work_area(
    client: Client,
    context: Context,
    host: Host,
    *,
    user: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> WorkArea:
    """Where ``context``'s workfiles are (reads the project from the store: call it off the UI
    thread). The space must exist; a bad template or root raises ValidationError."""
    check_context(client, context)
    project_name, space, task = _checked_context(context)
    project = client.get_project(project_name)
    metadata = dict(project.metadata)
    env = os.environ if environ is None else environ
    root, where = _root(metadata, env)
    text = metadata.get(TEMPLATE_KEY, "").strip() or DEFAULT_TEMPLATE
    try:
        template = Template(text)
    except ValidationError as exc:
        custom = metadata.get(TEMPLATE_KEY, "").strip()
        source = f"the project's metadata {TEMPLATE_KEY}" if custom else "the default"
        raise ValidationError(f"{exc} (from {source})") from None
    if user is None:
        user = getattr(getattr(client, "backend", None), "actor", "") or _login()
    values = {
        "root": root.as_posix(),
        "project": project_name,
        "space": "/".join(space.spaces),
        "name": space.spaces[-1],
        "task": task,
        "host": host.name,
        "user": user,
        "ext": extension(host),
    }
    for used in {name for name, _spec in template.fields()} & {"task", "host", "user", "ext"}:
        _segment(values[used], used)  # free text: it must stay one segment of a path
    area = WorkArea(context, template, values, where)
    if not area.folder.is_absolute():
        raise ValidationError(
            f"workfile template {text!r} makes the relative folder {area.folder}: start it with {{root}}"
        )
    return area


def _login() -> str:
    from ..client import default_user

    return default_user()


# -- listing -----------------------------------------------------------------------------
def sidecar_path(path: Path) -> Path:
    """Where splice keeps who saved ``path``, when and why."""
    return path.parent / SIDECAR_DIR / f"{path.name}.json"


def _owner(path: Path) -> str:
    try:
        import pwd

        return pwd.getpwuid(path.stat().st_uid).pw_name
    except (ImportError, KeyError, OSError):  # Windows, an unknown uid
        return ""


def _read(path: Path, version: int) -> Workfile:
    info: Any = {}
    # saved outside splice (or the sidecar was lost): the file's own owner and time
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    if not isinstance(info, dict):
        info = {}
    stamp = None
    if isinstance(info.get("time"), str):
        try:
            stamp = datetime.fromisoformat(info["time"])
        except ValueError:
            stamp = None
    if stamp is None or stamp.tzinfo is None:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    artist = info.get("artist") if isinstance(info.get("artist"), str) else _owner(path)
    comment = info.get("comment") if isinstance(info.get("comment"), str) else ""
    context = info.get("context") if isinstance(info.get("context"), dict) else {}
    return Workfile(path, version, artist, stamp, comment, context)


def list_workfiles(area: WorkArea) -> list[Workfile]:
    """The area's workfiles, newest version first; files the template does not name are skipped."""
    try:
        entries = list(os.scandir(area.folder))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        if not entry.is_file():
            continue
        version = area.template.version_of(entry.name, area.values)
        if version is None:
            continue
        try:
            found.append(_read(Path(entry.path), version))
        except OSError:  # removed while listing
            continue
    return sorted(found, key=lambda w: (w.version, w.name), reverse=True)


def next_version(area: WorkArea) -> int:
    """One more than the highest version in the folder (1 in an empty one)."""
    return max((w.version for w in list_workfiles(area)), default=0) + 1


# -- saving, opening, switching ---------------------------------------------------------
def _reserve(area: WorkArea) -> tuple[Path, int]:
    """Create the next free version's file exclusively: another saver never gets the same one."""
    area.folder.mkdir(parents=True, exist_ok=True)
    version = next_version(area)
    for _ in range(_MAX_TRIES):
        path = area.path(version)
        try:
            with open(path, "x"):
                pass
        except FileExistsError:  # someone else took it (or a file not listed): the next one
            version += 1
            continue
        return path, version
    raise ValidationError(f"no free workfile version in {area.folder} after {_MAX_TRIES} tries")


def _write_sidecar(path: Path, info: Mapping[str, Any]) -> None:
    target = sidecar_path(path)
    target.parent.mkdir(exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(dict(info), indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)


def save_next(host: Host, area: WorkArea, comment: str = "") -> Workfile:
    """Save ``host``'s scene as the next free version of ``area`` (the scene takes the area's
    context first); returns the new workfile. Runs on the host's (UI) thread: it saves the scene.
    A failed save leaves no file behind and the scene's context unchanged."""
    if not isinstance(comment, str):
        raise ValidationError(f"comment must be a string, not {type(comment).__name__}")
    path, version = _reserve(area)
    before = host.get_context()
    stamp = datetime.now(timezone.utc)
    info = {
        "artist": area.values["user"],
        "time": stamp.isoformat(),
        "comment": comment.strip(),
        "context": area.context.to_dict(),
        "host": area.values["host"],
        "version": version,
    }
    try:
        _write_sidecar(path, info)
        if before != area.context:
            host.set_context(area.context)
        saved = host.save_file(path)
    except Exception:
        if host.get_context() != before:
            host.set_context(before)
        for leftover in (path, sidecar_path(path)):  # ours: reserved exclusively above
            leftover.unlink(missing_ok=True)
        raise
    return Workfile(Path(saved), version, info["artist"], stamp, info["comment"], info["context"])


def unsaved_changes(host: Host) -> bool | None:
    """Whether the scene has unsaved changes: the host's ``has_unsaved_changes()`` when it has
    one, else None (it cannot tell)."""
    query = getattr(host, "has_unsaved_changes", None)
    if not callable(query):
        return None
    return bool(query())


def open_workfile(host: Host, path: str | os.PathLike[str], area: WorkArea | None = None) -> Path:
    """Open the workfile at ``path`` in ``host``. A scene that carries no space takes ``area``'s
    context (a file saved outside splice), so what is loaded and published next is in context."""
    target = Path(path)
    if not target.is_file():
        raise NotFoundError(f"no workfile at {target}")
    host.open_file(target)
    if area is not None and host.get_context().space is None:
        host.set_context(area.context)
    return target


def check_context(client: Client, context: Context) -> Context:
    """``context``, when its project and space exist in the store and it has a task (a store
    call: off the UI thread); else NotFoundError / ValidationError naming what is wrong."""
    project, space, task = _checked_context(context)
    _segment(task, "task")
    try:
        client.get_project(project)
    except NotFoundError:
        names = sorted(p.name for p in client.get_projects())
        known = ", ".join(names) or "none"
        raise NotFoundError(f"there is no project {project!r}; projects: {known}") from None
    try:
        client.get_space(space)
    except NotFoundError:
        raise NotFoundError(f"there is no space {space} in the store: pick one of {project}'s") from None
    return context


def switch_context(host: Host, client: Client, context: Context) -> Context:
    """Make ``context`` the scene's, after :func:`check_context`. Nothing changes when it raises."""
    host.set_context(check_context(client, context))
    return context

"""The :class:`Host` protocol every DCC adapter implements, and its plain records.

The records are frozen dataclasses of plain data that round-trip through JSON
(``to_dict`` / ``from_dict``), so a host can keep them in its scene however it
likes (Blender custom properties, Maya attributes, a JSON file) and give the
same values back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import ValidationError
from ..kref import Kref, check_kind, check_name

__all__ = ["Container", "Context", "Host", "Instance"]


def _text(value: object, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        allowed = "a non-empty string or None" if optional else "a non-empty string"
        raise ValidationError(f"{what} must be {allowed}, not {value!r}")
    return value


def _data(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError(f"{what} must be a mapping with string keys, not {type(value).__name__}")
    return dict(value)


def _fields(cls: type, raw: object, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"a {cls.__name__} record must be a mapping, not {type(raw).__name__}")
    unknown = set(raw) - allowed
    missing = required - set(raw)
    if unknown or missing:
        raise ValidationError(
            f"bad {cls.__name__} record: unknown keys {sorted(unknown)}, missing keys {sorted(missing)};"
            f" allowed: {sorted(allowed)}"
        )
    return dict(raw)


@dataclass(frozen=True)
class Context:
    """Where the artist works: a project, a space (a shot or an asset, by kref) and a task."""

    project: str | None = None
    space: str | None = None
    task: str | None = None

    def __post_init__(self) -> None:
        if self.project is not None:
            check_name(self.project, "project")
        if self.space is not None:
            space = Kref(_text(self.space, "space") or "")
            if not space.is_space or space.project != (self.project or space.project):
                raise ValidationError(f"space must be a space kref of project {self.project!r}, not {space}")
            object.__setattr__(self, "space", str(space))
        _text(self.task, "task", optional=True)

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "space": self.space, "task": self.task}

    @classmethod
    def from_dict(cls, raw: object) -> Context:
        return cls(**_fields(cls, raw, {"project", "space", "task"}, set()))


@dataclass(frozen=True)
class Container:
    """Content loaded into a scene, remembering what it came from.

    ``kref`` is the kref of the loaded revision (``…/hero.model?r=3``); ``loader``
    the name of the loader that built it; ``representation`` the artifact it
    loaded; ``name`` and ``namespace`` identify it in the scene (``key``); ``data``
    is free-form JSON data the loader keeps with it.
    """

    name: str
    kref: str
    loader: str
    representation: str
    namespace: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _text(self.name, "container name")
        _text(self.loader, "container loader")
        _text(self.representation, "container representation")
        if not isinstance(self.namespace, str):
            raise ValidationError(f"container namespace must be a string, not {self.namespace!r}")
        k = Kref(_text(self.kref, "container kref") or "")
        if not k.is_item or k.revision is None or k.tag is not None or k.time is not None:
            raise ValidationError(f"a container's kref must pin one revision (…/item.kind?r=N), not {k}")
        object.__setattr__(self, "kref", str(k))
        object.__setattr__(self, "data", _data(self.data, "container data"))

    @property
    def key(self) -> str:
        """The container's identity in the scene: ``namespace:name`` (or ``name``)."""
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def item_kref(self) -> Kref:
        """The item the loaded revision belongs to."""
        return Kref(self.kref).base

    @property
    def revision(self) -> int:
        """The number of the loaded revision."""
        number = Kref(self.kref).revision
        assert number is not None  # checked in __post_init__
        return number

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "namespace": self.namespace,
            "kref": self.kref,
            "loader": self.loader,
            "representation": self.representation,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: object) -> Container:
        allowed = {"name", "namespace", "kref", "loader", "representation", "data"}
        return cls(**_fields(cls, raw, allowed, {"name", "kref", "loader", "representation"}))


@dataclass(frozen=True)
class Instance:
    """Scene content marked for publishing as a revision of ``item`` (an item kref) of ``kind``."""

    name: str
    kind: str
    item: str
    options: Mapping[str, Any] = field(default_factory=dict)
    active: bool = True

    def __post_init__(self) -> None:
        _text(self.name, "instance name")
        check_kind(self.kind)
        k = Kref(_text(self.item, "instance item") or "")
        if not k.is_item or k.base != k or k.kind != self.kind:
            raise ValidationError(f"an instance's item must be an item kref of kind {self.kind!r}, not {k}")
        object.__setattr__(self, "item", str(k))
        object.__setattr__(self, "options", _data(self.options, "instance options"))
        if not isinstance(self.active, bool):
            raise ValidationError(f"instance active must be True or False, not {self.active!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "item": self.item,
            "options": dict(self.options),
            "active": self.active,
        }

    @classmethod
    def from_dict(cls, raw: object) -> Instance:
        allowed = {"name", "kind", "item", "options", "active"}
        return cls(**_fields(cls, raw, allowed, {"name", "kind", "item"}))


@runtime_checkable
class Host(Protocol):
    """What a DCC adapter implements; everything else in splice is written against it.

    Containers are identified by :attr:`Container.key`, instances by their name.
    Methods that look one up raise :class:`splice.errors.NotFoundError` when it is
    missing, and change nothing when they raise.

    Optional (not part of the runtime check, so a host without it is still a Host):
    ``has_unsaved_changes() -> bool``, whether the scene changed since it was last saved or
    opened (Maya's ``file -q -modified``). Tools that replace the scene (Workfiles' Open) ask
    the artist first when it says True; a host without it cannot tell, and they do not ask.
    """

    @property
    def name(self) -> str:
        """The host's name as loaders and pyblish plugins list it (``blender``, ``maya``…)."""
        ...

    @property
    def version(self) -> str:
        """The DCC's version, recorded in published revisions' metadata."""
        ...

    # -- context ----------------------------------------------------------
    def get_context(self) -> Context:
        """The current project, space and task."""
        ...

    def set_context(self, context: Context) -> None:
        """Make ``context`` the current one (kept with the scene)."""
        ...

    # -- the scene file -----------------------------------------------------
    def current_file(self) -> Path | None:
        """The path of the open scene file, ``None`` for an unsaved scene."""
        ...

    def save_file(self, path: str | Path | None = None) -> Path:
        """Save the scene (to ``path``, or where it was opened from) and return the path."""
        ...

    def open_file(self, path: str | Path) -> None:
        """Open the scene file at ``path``, replacing the current scene."""
        ...

    # -- containers ---------------------------------------------------------
    def ls_containers(self) -> list[Container]:
        """Every container in the scene, in a stable order."""
        ...

    def write_container(self, container: Container) -> Container:
        """Write ``container`` into the scene (replacing the one with the same key)."""
        ...

    def read_container(self, key: str) -> Container:
        """The container with this key."""
        ...

    def remove_container(self, key: str) -> None:
        """Remove the container with this key (the record; the loader removes the content)."""
        ...

    # -- instances ----------------------------------------------------------
    def list_instances(self) -> list[Instance]:
        """Every instance marked for publishing, in a stable order."""
        ...

    def create_instance(self, instance: Instance) -> Instance:
        """Mark content for publishing; a name already used raises AlreadyExistsError."""
        ...

    def update_instance(self, instance: Instance) -> Instance:
        """Replace the instance of the same name."""
        ...

    def remove_instance(self, name: str) -> None:
        """Unmark the instance of this name."""
        ...

    # -- selection ----------------------------------------------------------
    def get_selection(self) -> list[str]:
        """The names of the selected scene content."""
        ...

    def set_selection(self, names: list[str]) -> None:
        """Select exactly ``names``."""
        ...

    # -- thumbnails -----------------------------------------------------------
    def capture_thumbnail(self, path: Path) -> Path | None:
        """Write a small PNG of the scene (the viewport, or a render; about
        :data:`splice.pipeline.thumbnails.SIZE`) to ``path`` and return its path; ``None``
        when this host cannot (headless: no viewport), with the reason in the host's
        ``thumbnail_note``. Publishing stores it as each new revision's ``thumbnail``."""
        ...

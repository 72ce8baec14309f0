"""The Workfiles tool's model, with no Qt in it: the context's workfiles, Save next version,
Open and Switch context, over :mod:`splice.pipeline.workfiles`.

The view calls :meth:`WorkfilesModel.refresh`, :meth:`spaces` and :meth:`check` off the UI
thread (they read the store and the work folder) and :meth:`save_next`, :meth:`open` and
:meth:`apply` on it (they change the scene: DCCs are not thread-safe). Save and Open use the
work area of the last refresh, so they make no store call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..kref import Kref
from ..pipeline import workfiles
from ..pipeline.interface import Context

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host

__all__ = ["COLUMNS", "Listing", "Row", "WorkfilesModel"]

COLUMNS = ("Version", "File", "Artist", "Time", "Comment")
TASKS_KEY = "tasks"  # the launcher's: a comma list on a space, a parent space or the project
DEFAULT_TASKS = ("modeling", "rigging", "lookdev", "layout", "animation", "fx", "lighting", "comp")


@dataclass(frozen=True)
class Row:
    """One workfile as the table shows it."""

    workfile: workfiles.Workfile
    current: bool  # the scene open in the host

    @property
    def path(self) -> Path:
        return self.workfile.path

    def cells(self) -> tuple[str, ...]:
        """See :data:`COLUMNS`; the time is the artist's local time."""
        w = self.workfile
        return (
            f"v{w.version:03d}",
            w.name,
            w.artist,
            w.time.astimezone().strftime("%Y-%m-%d %H:%M"),
            w.comment,
        )


@dataclass(frozen=True)
class Listing:
    """What a refresh found: the work area, its workfiles (newest first) and the tasks offered."""

    area: workfiles.WorkArea
    rows: tuple[Row, ...]
    tasks: tuple[str, ...]

    @property
    def next_path(self) -> Path:
        """Where Save next version would save now."""
        return self.area.path(max((r.workfile.version for r in self.rows), default=0) + 1)


class WorkfilesModel:
    """Workfiles of ``host``'s context in ``client``'s store; ``environ``: for ``$SPLICE_WORK_ROOT``."""

    def __init__(self, host: Host, client: Client, environ: Mapping[str, str] | None = None) -> None:
        self.host = host
        self.client = client
        self.environ = environ
        self.listing: Listing | None = None

    # -- reads (off the UI thread) -------------------------------------------------------
    def context(self) -> Context:
        return self.host.get_context()

    def refresh(self, context: Context, current: Path | None) -> Listing:
        """The workfiles of ``context`` (``current``: the open scene's path, highlighted)."""
        area = workfiles.work_area(self.client, context, self.host, environ=self.environ)
        here = _normal(current)
        rows = tuple(Row(w, _normal(w.path) == here) for w in workfiles.list_workfiles(area))
        self.listing = Listing(area, rows, tuple(self.tasks(context)))
        return self.listing

    def spaces(self, project: str) -> list[str]:
        """Every space of ``project`` (krefs, in tree order)."""
        found = self.client.get_project(project).get_spaces(recursive=True)
        return sorted(str(s.kref) for s in found)

    def tasks(self, context: Context) -> list[str]:
        """The tasks offered for ``context``'s space: metadata ``tasks`` on the space, its nearest
        parent or the project (as the launcher reads it), else :data:`DEFAULT_TASKS`; the
        context's own task is always among them."""
        offered: list[str] = list(DEFAULT_TASKS)
        if context.project and context.space:
            project = self.client.get_project(context.project)
            chain = [project.metadata]
            path = str(project.kref)
            for segment in Kref(context.space).spaces:
                path += "/" + segment
                chain.append(self.client.get_space(path).metadata)
            for metadata in chain:  # top down: the nearest that names tasks wins
                text = metadata.get(TASKS_KEY, "").strip()
                if text:
                    offered = [t.strip() for t in text.replace("\n", ",").split(",") if t.strip()]
        if context.task and context.task not in offered:
            offered.insert(0, context.task)
        return offered

    def check(self, project: str, space: str, task: str) -> Context:
        """The context picked in the window, checked against the store (nothing changes)."""
        task = (task or "").strip()
        if not space:
            raise ValidationError(f"pick a space of {project} to switch to")
        if not task:
            raise ValidationError("type or pick a task to switch to")
        return workfiles.check_context(self.client, Context(project, space, task))

    # -- the scene (on the UI thread) -------------------------------------------------------
    def _area(self) -> workfiles.WorkArea:
        if self.listing is None:
            raise ValidationError("the workfiles are not listed yet: Refresh first")
        if self.listing.area.context != self.host.get_context():
            raise ValidationError("the scene's context changed since the list was made: Refresh first")
        return self.listing.area

    def save_next(self, comment: str = "") -> workfiles.Workfile:
        """Save the scene as the next free version of the listed context."""
        return workfiles.save_next(self.host, self._area(), comment)

    def open(self, path: Path | str) -> Path:
        """Open the workfile ``path`` (it must be one of the listed context's)."""
        area = self.listing.area if self.listing is not None else None
        return workfiles.open_workfile(self.host, path, area)

    def unsaved_changes(self) -> bool | None:
        return workfiles.unsaved_changes(self.host)

    def apply(self, context: Context) -> Context:
        """Make the checked ``context`` the scene's (the next refresh lists its workfiles)."""
        self.host.set_context(context)
        return context


def _normal(path: Path | str | None) -> str | None:
    return None if path is None else os.path.normcase(os.path.abspath(path))

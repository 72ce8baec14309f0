"""A launch context: a space of the store (a shot, an asset…) and a task.

Where things live, in the store's metadata:

- ``tasks`` (comma list) on the space, else on its nearest parent space that has it,
  else on the project, else the configuration's ``tasks`` (modeling, rigging, lookdev,
  layout, animation, fx, lighting, comp).
- ``packages``: the asset packages the context needs (requirements: ``kref://…`` with
  an optional version range, or distribution names), one per line or a JSON list, on
  the project and on any space down to the context's; all are taken, a lower one
  replacing a higher one's requirement on the same package.
- ``root`` on the project: the ``{root}`` of variable expansion.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFoundError, ValidationError
from ..kref import Kref

TASKS_KEY = "tasks"
PACKAGES_KEY = "packages"
ROOT_KEY = "root"


@dataclass(frozen=True)
class Context:
    """A validated context: the space's kref, the task, and what the store says about them."""

    project: str
    space: str  # kref://project/space/…
    task: str
    tasks: tuple[str, ...]
    requirements: tuple[str, ...] = ()
    project_metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def root(self) -> str:
        return self.project_metadata.get(ROOT_KEY, "")

    @property
    def path(self) -> tuple[str, ...]:
        return Kref(self.space).spaces


def parse_list(text: str) -> list[str]:
    """A JSON list, else comma- or newline-separated values (blank and ``#`` lines skipped)."""
    text = text.strip()
    if text.startswith("["):
        try:
            values = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"not a JSON list: {text!r} ({exc})") from None
        return [str(v).strip() for v in values if str(v).strip()]
    return [
        v.strip() for v in text.replace(",", "\n").splitlines() if v.strip() and not v.strip().startswith("#")
    ]


def parse_requirements(text: str) -> list[str]:
    """Requirements: a JSON list, else one per line (commas belong to version ranges)."""
    text = text.strip()
    if text.startswith("["):
        return parse_list(text)
    return [v.strip() for v in text.splitlines() if v.strip() and not v.strip().startswith("#")]


def _space_chain(client: Any, kref: Kref) -> list:
    """The project and every space from the top down to ``kref``; errors name what exists."""
    try:
        project = client.get_project(kref.project)
    except NotFoundError:
        names = sorted(p.name for p in client.get_projects())
        raise NotFoundError(
            f"unknown context {kref}: there is no project {kref.project!r}; "
            f"projects: {', '.join(names) or 'none'}"
        ) from None
    chain = [project]
    current = Kref(f"kref://{kref.project}")
    for segment in kref.spaces:
        current = current.child(segment)
        try:
            chain.append(client.get_space(current))
        except NotFoundError:
            parent = chain[-1]
            children = sorted(s.name for s in parent.get_spaces())
            raise NotFoundError(
                f"unknown context {kref}: {parent.kref} has no space {segment!r}; "
                f"its spaces: {', '.join(children) or 'none'}"
            ) from None
    return chain


def tasks_of(client: Any, space: str, default_tasks: Sequence[str] = ()) -> list[str]:
    """The tasks of a space (its metadata, a parent's, the project's, else ``default_tasks``)."""
    tasks = list(default_tasks)
    for node in _space_chain(client, Kref(space)):
        if node.metadata.get(TASKS_KEY, "").strip():
            tasks = parse_list(node.metadata[TASKS_KEY])
    return tasks


def resolve_context(
    client: Any,
    space: str,
    task: str,
    default_tasks: Sequence[str] | Callable[[Mapping[str, str]], Sequence[str]] = (),
) -> Context:
    """Check that ``space`` is a space of the store and ``task`` one of its tasks.
    ``default_tasks`` may be a function of the project's metadata (its configuration)."""
    try:
        kref = Kref(space)
    except ValidationError as exc:
        raise ValidationError(
            f"the context must be a space kref (kref://show/shots/sq010/sh010): {exc}"
        ) from None
    if not kref.is_space:
        raise ValidationError(
            f"the context must be a space kref like kref://{kref.project}/shots/sq010/sh010, not {kref}"
        )
    chain = _space_chain(client, kref)
    defaults = default_tasks(chain[0].metadata) if callable(default_tasks) else default_tasks
    tasks: list[str] = list(defaults)
    for node in chain:  # top down: the nearest one that names tasks wins
        if node.metadata.get(TASKS_KEY, "").strip():
            tasks = parse_list(node.metadata[TASKS_KEY])
    if not task or task not in tasks:
        where = next(
            (str(n.kref) for n in reversed(chain) if n.metadata.get(TASKS_KEY, "").strip()),
            "the launcher configuration",
        )
        raise NotFoundError(
            f"unknown task {task!r} for {kref}: its tasks are {', '.join(tasks) or 'none'} (from {where}; "
            f"set metadata {TASKS_KEY}=a,b,c on the space or project to change them)"
        )
    requirements: dict[str, str] = {}
    for node in chain:
        text = node.metadata.get(PACKAGES_KEY, "")
        if text.strip():
            for req in parse_requirements(text):
                requirements[_req_key(req)] = req
    return Context(
        project=kref.project,
        space=str(kref),
        task=task,
        tasks=tuple(tasks),
        requirements=tuple(requirements.values()),
        project_metadata=dict(chain[0].metadata),
    )


def _req_key(requirement: str) -> str:
    try:
        from ..packages.names import normalize
        from ..packages.requirements import parse_requirement

        return normalize(parse_requirement(requirement).name)
    except Exception:  # a bad requirement is reported by the workspace, with uv's words
        return requirement

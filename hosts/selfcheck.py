"""The check a studio runs once inside Maya, Houdini or Nuke: create, publish, load, update.

Each adapter's ``selfcheck.run()`` builds its host over the real application and calls
:func:`run`, which goes the artist's way through the adapter — an instance of the
selection, a publish with the adapter's plug-ins, a load of that revision with its
loader, a second publish and an update to it — then removes what it made. Every step is
timed and reported; a failing step stops the check and says why. By default it works in
a scratch store (an embedded SQLite file in a temporary folder), never the studio's.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PROJECT", "SPACE", "SelfCheckReport", "Step", "run"]

PROJECT, SPACE, NAME = "splice_selfcheck", "checks", "spliceSelfcheck"


@dataclass
class Step:
    """One step of the check: ``ok`` None when it did not run (an earlier step failed)."""

    name: str
    ok: bool | None = None
    detail: str = ""
    seconds: float = 0.0


@dataclass
class SelfCheckReport:
    host: str
    version: str
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    def to_text(self) -> str:
        marks = {True: "✓", False: "✗", None: "-"}
        lines = [f"splice self-check in {self.host} {self.version}: {'passed' if self.ok else 'FAILED'}"]
        lines += [f"  {marks[s.ok]} {s.name:<8} {s.seconds:6.2f} s  {s.detail}" for s in self.steps]
        return "\n".join(lines)


def run(
    host: Any,
    kind: str,
    plugins_dir: Path,
    loaders_dir: Path,
    representation: str | None = None,
    *,
    options: Mapping[str, Any] | None = None,
    client: Any = None,
    keep: bool = False,
) -> SelfCheckReport:
    """Check ``host`` with the selected nodes as the content of a ``kind`` instance; load
    back ``representation`` (the revision's default when None). ``client``: the store to
    publish to (a scratch one when None); ``keep``: leave the instance and container."""
    from splice.pipeline import Context

    report = SelfCheckReport(host.name, host.version)
    state: dict[str, Any] = {"client": client}
    before = host.get_context()
    steps: list[tuple[str, Callable[[], str]]] = [
        ("context", lambda: _context(host, state)),
        ("create", lambda: _create(host, kind, options, state)),
        ("publish", lambda: _publish(host, plugins_dir, state, "r1")),
        ("load", lambda: _load(host, loaders_dir, representation, state)),
        ("update", lambda: _update(host, plugins_dir, state)),
    ]
    if not keep:
        steps.append(("clean up", lambda: _clean_up(host, state)))
    for name, action in steps:
        step = Step(name)
        report.steps.append(step)
        if not all(s.ok for s in report.steps[:-1]):
            continue  # skipped: an earlier step failed
        started = time.perf_counter()
        try:
            step.detail, step.ok = action(), True
        except Exception as exc:  # the report says what failed, in the application's console
            step.detail, step.ok = f"{type(exc).__name__}: {exc}", False
        step.seconds = time.perf_counter() - started
    if not keep:
        host.set_context(before if before.project else Context())
    if client is None and state["client"] is not None:
        state["client"].close()  # the scratch store's
    return report


def _context(host: Any, state: dict[str, Any]) -> str:
    import splice
    from splice.errors import AlreadyExistsError
    from splice.pipeline import Context

    if state["client"] is None:
        folder = Path(tempfile.mkdtemp(prefix="splice-selfcheck-"))
        state["client"] = splice.Client.open(f"sqlite:///{folder / 'selfcheck.db'}", user="selfcheck")
    client = state["client"]
    with contextlib.suppress(AlreadyExistsError):  # a studio store checked before
        client.create_project(PROJECT).create_space(SPACE)
    host.set_context(Context(project=PROJECT, space=f"kref://{PROJECT}/{SPACE}", task="selfcheck"))
    return f"project {PROJECT}, space {SPACE}"


def _create(host: Any, kind: str, options: Mapping[str, Any] | None, state: dict[str, Any]) -> str:
    from splice.pipeline import create

    members = host.get_selection()
    if not members:
        raise RuntimeError("select what to publish first (see docs/dcc-adapters.md, the self-check)")
    if NAME in {i.name for i in host.list_instances()}:
        host.remove_instance(NAME)
    state["instance"] = create(host, kind, NAME, options=dict(options or {}))
    return f"{kind} instance {NAME} of {members}"


def _publish(host: Any, plugins_dir: Path, state: dict[str, Any], label: str) -> str:
    from splice.pipeline.publish import publish

    result = publish(host, state["client"], paths=[plugins_dir])
    if not result.success or len(result.revisions) != 1:
        raise RuntimeError(result.to_text())
    state[label] = result.revisions[0]
    return result.revisions[0]


def _load(host: Any, loaders_dir: Path, representation: str | None, state: dict[str, Any]) -> str:
    from splice.pipeline import load, loaders_for

    state["loaders"] = loaders_for(loaders_dir)
    container = load(host, state["r1"], representation, loaders=state["loaders"], client=state["client"])
    state["container"] = container.key
    return f"{container.key} by {container.loader} ({container.representation})"


def _update(host: Any, plugins_dir: Path, state: dict[str, Any]) -> str:
    from splice.constants import LATEST
    from splice.pipeline import inventory

    _publish(host, plugins_dir, state, "r2")
    container = inventory.update(host, state["client"], state["container"], LATEST, state["loaders"])
    if host.read_container(container.key).revision != 2:
        raise RuntimeError(f"{container.key} is still at revision {container.revision} after the update")
    return f"{container.key} now at revision {container.revision}"


def _clean_up(host: Any, state: dict[str, Any]) -> str:
    from splice.pipeline import inventory

    inventory.remove(host, state["container"], state["loaders"])
    host.remove_instance(NAME)
    return "the container and the instance are removed"

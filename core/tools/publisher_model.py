"""What the Publisher shows and does, with no Qt in it: the scene's instances (on/off), the
pyblish plug-ins by stage, and Validate / Publish runs that return a :class:`PublishReport`.

Validate collects and validates only (nothing is extracted or written); Publish runs every
stage (optionally repairing first) through :func:`splice.pipeline.publish.publish`. Both touch
the scene, so they run on the caller's thread (a DCC's UI thread); ``progress`` is called after
each plug-in ran (the view processes its events there). Neither raises for what goes wrong
while publishing: the report says what failed and how to fix it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyblish.api

from ..pipeline import publish as pub
from ..pipeline.publish import CheckResult, PublishReport

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host, Instance

__all__ = ["STAGES", "InstanceRow", "PluginRow", "PublisherModel"]

STAGES = tuple(name for name, _, _ in pub.STAGES)  # collect, validate, extract, integrate
PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"
Progress = Callable[[CheckResult], None]


@dataclass(frozen=True)
class InstanceRow:
    """One instance of the scene as the Publisher lists it."""

    name: str
    kind: str
    item: str
    representations: str  # the ``representations`` option, or "all"
    active: bool
    comment: str = ""

    @classmethod
    def of(cls, instance: Instance) -> InstanceRow:
        wanted = instance.options.get("representations")
        shown = ", ".join(str(r) for r in wanted) if isinstance(wanted, (list, tuple)) and wanted else "all"
        comment = instance.options.get("comment")
        return cls(instance.name, instance.kind, instance.item, shown, instance.active, str(comment or ""))


@dataclass(frozen=True)
class PluginRow:
    """One plug-in, in its stage, with its state in the last run."""

    stage: str
    plugin: str  # the class name (CheckResult.plugin)
    label: str
    state: str = NOT_RUN  # passed, failed, not run
    checks: tuple[CheckResult, ...] = ()

    def log_text(self) -> str:
        """What the plug-in said in the last run, per instance: its log, and what failed."""
        if not self.checks:
            return f"{self.label}: not run"
        lines = []
        for check in self.checks:
            on = check.instance or "the context"
            lines.append(f"{'✓' if check.success else '✗'} {self.label} on {on}")
            lines += [f"    {line}" for line in check.log]
            if check.message:
                lines.append(f"    {check.message}")
            if check.fix:
                lines.append(f"    Fix: {check.fix}")
        return "\n".join(lines)


def _stage_of(plugin: type) -> str:
    order = float(getattr(plugin, "order", 0))
    index = min(max(round(order), 0), len(STAGES) - 1)
    return STAGES[index]


@contextlib.contextmanager
def _progress(progress: Progress | None) -> Iterator[None]:
    """Call ``progress(check)`` after each plug-in pyblish runs (its ``pluginProcessed``)."""
    if progress is None:
        yield
        return

    def processed(result: dict[str, Any]) -> None:
        plugin = result["plugin"]
        progress(pub.check_result(_stage_of(plugin), result))

    pyblish.api.register_callback("pluginProcessed", processed)
    try:
        yield
    finally:
        pyblish.api.deregister_callback("pluginProcessed", processed)


class PublisherModel:
    """The Publisher over ``host`` and ``client``; ``plugins_dir``: the host adapter's plug-ins
    (by default its ``PLUGINS_DIR``, when the host is a registered adapter)."""

    def __init__(self, host: Host, client: Client, plugins_dir: str | Path | None = None) -> None:
        self.host = host
        self.client = client
        self.plugins_dir = Path(plugins_dir) if plugins_dir is not None else _adapter_plugins(host)
        self.report: PublishReport | None = None

    @property
    def paths(self) -> list[Path]:
        return [self.plugins_dir] if self.plugins_dir is not None else []

    # -- instances -----------------------------------------------------------------------
    def instances(self) -> list[InstanceRow]:
        return [InstanceRow.of(i) for i in self.host.list_instances()]

    def _instance(self, name: str) -> Instance:
        for instance in self.host.list_instances():
            if instance.name == name:
                return instance
        from ..errors import NotFoundError

        raise NotFoundError(f"no instance {name!r} in the scene")

    def set_active(self, name: str, active: bool) -> InstanceRow:
        """Turn an instance on or off (written to the scene: its ``active``)."""
        instance = self._instance(name)
        if instance.active != active:
            instance = self.host.update_instance(dataclasses.replace(instance, active=active))
        return InstanceRow.of(instance)

    def set_comment(self, comment: str) -> None:
        """Write ``comment`` into every active instance's ``options["comment"]`` (the revision's)."""
        comment = comment.strip()
        if not comment:
            return
        for instance in self.host.list_instances():
            if instance.active and instance.options.get("comment") != comment:
                options = {**instance.options, "comment": comment}
                self.host.update_instance(dataclasses.replace(instance, options=options))

    # -- plug-ins ------------------------------------------------------------------------
    def plugins(self) -> dict[str, list[PluginRow]]:
        """Every plug-in that runs for this host, by stage, with its state in the last run."""
        with pub.registered_host(self.host):
            found = pub.discover_plugins(self.paths)
        checks = self.report.checks if self.report is not None else []
        stages: dict[str, list[PluginRow]] = {stage: [] for stage in STAGES}
        for plugin in sorted(found, key=lambda p: float(getattr(p, "order", 0))):
            mine = tuple(c for c in checks if c.plugin == plugin.__name__)
            state = NOT_RUN if not mine else PASSED if all(c.success for c in mine) else FAILED
            stage = _stage_of(plugin)
            stages[stage].append(PluginRow(stage, plugin.__name__, pub.plugin_label(plugin), state, mine))
        return stages

    # -- runs ----------------------------------------------------------------------------
    def validate(self, progress: Progress | None = None) -> PublishReport:
        """Collect and validate only: nothing is extracted, nothing written."""
        with _progress(progress):
            report = pub.publish(self.host, self.client, paths=self.paths, stop_after="validate")
        self.report = report
        return report

    def publish(
        self, comment: str = "", repair: bool = False, progress: Progress | None = None
    ) -> PublishReport:
        """Publish the active instances (after writing ``comment`` into them; repairing first
        with ``repair``)."""
        try:
            self.set_comment(comment)
        except Exception as exc:
            failure = pub.failure_result("comment", "splice comment", exc, "the comment could not be set")
            report = PublishReport(getattr(self.host, "name", "?"), None, [failure], stopped_at="comment")
        else:
            with _progress(progress):
                report = pub.publish(self.host, self.client, paths=self.paths, repair=repair)
        self.report = report
        return report


def _adapter_plugins(host: Host) -> Path | None:
    """The plug-ins folder of the adapter registered under the host's name, if any."""
    try:
        from ..pipeline.adapters import adapter

        folder = adapter(host.name).plugins_dir
    except Exception:
        return None
    return Path(folder) if folder is not None else None

"""Publishing with pyblish: collect → validate → extract → integrate, and a report an
artist can act on.

:func:`publish` runs pyblish-base's own machinery (plug-in discovery from paths and
``PYBLISHPLUGINPATH``, orders, families, hosts, targets) over the core plug-ins in
``splice/host/plugins/publish`` and the host adapter's. It runs the four stages one at
a time and stops at the first stage with a failure, so a failed check extracts and
writes nothing. The core integrator writes every instance's revision in ONE
transaction; see :mod:`splice.host.plugins.publish.integrate`.

Validators fail by raising :class:`PublishValidationError` with a ``fix``; one that can
repair defines ``repair(cls, instance)`` and lists :class:`RepairAction`.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyblish.api
import pyblish.util

from ..errors import ValidationError
from .interface import Host

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "CORE_PLUGINS",
    "CheckResult",
    "PublishReport",
    "PublishValidationError",
    "RepairAction",
    "discover_plugins",
    "publish",
    "repair",
]

CORE_PLUGINS = Path(__file__).parent / "plugins" / "publish"
STAGES = (
    ("collect", pyblish.api.CollectorOrder, pyblish.util.collect),
    ("validate", pyblish.api.ValidatorOrder, pyblish.util.validate),
    ("extract", pyblish.api.ExtractorOrder, pyblish.util.extract),
    ("integrate", pyblish.api.IntegratorOrder, pyblish.util.integrate),
)


class PublishValidationError(Exception):
    """A check failed: ``message`` says what is wrong with what, ``fix`` what to do about it."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class RepairAction(pyblish.api.Action):
    """Run the failed plug-in's ``repair(instance)`` on each instance it failed on."""

    label = "Repair"
    on = "failed"
    icon = "wrench"

    def process(self, context: pyblish.api.Context, plugin: type) -> None:
        for instance in _failed_instances(context, plugin):
            plugin.repair(instance)


def _failed_instances(context: pyblish.api.Context, plugin: type) -> list[Any]:
    out = []
    for result in context.data.get("results", []):
        instance = result["instance"]
        failed = result["plugin"] is plugin and result["error"] is not None
        if failed and instance is not None and instance not in out:
            out.append(instance)
    return out


@dataclass(frozen=True)
class CheckResult:
    """One plug-in run: on the context (``instance`` None) or one instance."""

    stage: str
    plugin: str
    label: str
    instance: str | None
    success: bool
    message: str | None = None
    fix: str | None = None
    repairable: bool = False
    log: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "plugin": self.plugin,
            "label": self.label,
            "instance": self.instance,
            "success": self.success,
            "message": self.message,
            "fix": self.fix,
            "repairable": self.repairable,
            "log": list(self.log),
        }


@dataclass
class PublishReport:
    """What a publish did: every check, the first failing stage, the revisions written."""

    host: str
    scene: str | None
    checks: list[CheckResult] = field(default_factory=list)
    revisions: list[str] = field(default_factory=list)
    stopped_at: str | None = None  # the stage that failed; None when everything ran
    repaired: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.stopped_at is None and all(c.success for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "host": self.host,
            "scene": self.scene,
            "stopped_at": self.stopped_at,
            "revisions": list(self.revisions),
            "repaired": list(self.repaired),
            "failures": [c.to_dict() for c in self.failures],
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_text(self) -> str:
        """The report as an artist reads it: what failed on what, and how to fix it."""
        where = f" ({self.scene})" if self.scene else ""
        if self.success:
            lines = [f"Published {len(self.revisions)} revision(s) from {self.host}{where}:"]
            lines += [f"  {kref}" for kref in self.revisions]
            if self.repaired:
                lines.append("Repaired first: " + ", ".join(self.repaired))
            return "\n".join(lines)
        failures = self.failures
        lines = [
            f"Nothing was published from {self.host}{where}: {len(failures)} check(s) failed"
            f" at {self.stopped_at or 'the end'}."
        ]
        for check in failures:
            on = f" on {check.instance}" if check.instance else ""
            lines.append(f"\n✗ {check.label}{on}")
            lines.append(f"  {check.message}")
            if check.fix:
                lines.append(f"  Fix: {check.fix}")
            if check.repairable:
                lines.append("  Repairable: run the publish with repair (splice publish --repair).")
        return "\n".join(lines)


def discover_plugins(paths: Iterable[str | Path] = ()) -> list[type]:
    """The core plug-ins, those in ``paths``, and pyblish's registered ones and those on
    ``PYBLISHPLUGINPATH``, as pyblish discovers them."""
    folders = [str(CORE_PLUGINS), *(str(p) for p in paths), *pyblish.api.plugin_paths()]
    seen: list[str] = []
    for folder in folders:
        if folder not in seen:
            seen.append(folder)
    return pyblish.api.discover(paths=seen)


def _can_repair(plugin: type) -> bool:
    """Whether the plug-in defines its own ``repair`` (pyblish's base classes carry an old one)."""
    return any("repair" in vars(cls) for cls in plugin.__mro__ if not cls.__module__.startswith("pyblish"))


def _label(plugin: type) -> str:
    return getattr(plugin, "label", None) or plugin.__name__


def _check(stage: str, result: dict[str, Any]) -> CheckResult:
    plugin = result["plugin"]
    error = result["error"]
    instance = result["instance"]
    message = fix = None
    if error is not None:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        fix = getattr(error, "fix", None)
        if not isinstance(error, (PublishValidationError, ValidationError)):
            tb = getattr(error, "formatted_traceback", None) or "".join(traceback.format_exception(error))
            message = f"{type(error).__name__}: {message}\n{tb.strip()}" if tb else message
    return CheckResult(
        stage=stage,
        plugin=plugin.__name__,
        label=_label(plugin),
        instance=None if instance is None else str(instance.name),
        success=error is None,
        message=message,
        fix=fix,
        repairable=error is not None and _can_repair(plugin),
        log=tuple(r.getMessage() for r in result.get("records", ())),
    )


def _run(
    host: Host,
    client: Client,
    plugins: Sequence[type],
    targets: Sequence[str] | None,
    stop_after: str | None = None,
) -> tuple[PublishReport, pyblish.api.Context]:
    context = pyblish.api.Context()
    context.data["splice.host"] = host
    context.data["splice.client"] = client
    current = host.current_file()
    report = PublishReport(host=host.name, scene=None if current is None else str(current))
    try:
        for stage, _, run in STAGES:
            seen = len(context.data.get("results", []))
            with contextlib.redirect_stdout(sys.stderr):  # pyblish.util prints each error
                run(context, plugins, targets=list(targets) if targets else None)
            results = context.data.get("results", [])[seen:]
            report.checks += [_check(stage, r) for r in results]
            if any(r["error"] is not None for r in results):
                report.stopped_at = stage
                break
            if stage == stop_after:
                break
        report.revisions = list(context.data.get("splice.published", []))
    finally:
        staging = context.data.get("stagingRoot")
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
    return report, context


@contextlib.contextmanager
def _registered(host: Host) -> Iterator[None]:
    """The host's name registered with pyblish (discovery filters plug-ins by host) while
    publishing, and deregistered after unless it was registered before (an installed host)."""
    if host.name in pyblish.api.registered_hosts():
        yield
        return
    pyblish.api.register_host(host.name)
    try:
        yield
    finally:
        pyblish.api.deregister_host(host.name)


def publish(
    host: Host,
    client: Client | None = None,
    *,
    paths: Iterable[str | Path] = (),
    targets: Sequence[str] | None = None,
    repair: bool = False,
) -> PublishReport:
    """Publish the host's active instances; returns the report (never raises for a failed
    check: the report says what failed and how to fix it).

    ``paths``: folders of the adapter's plug-ins (added to the core ones and
    ``PYBLISHPLUGINPATH``); ``targets``: pyblish targets (default ``["default"]``);
    ``repair``: first run the repairs of the validators that fail, then publish.
    """
    from .. import default_client

    c = client or default_client()
    with _registered(host):
        plugins = discover_plugins(paths)
        repaired = _repair(host, c, plugins, targets) if repair else []
        report, _ = _run(host, c, plugins, targets)
    report.repaired = repaired
    return report


def _repair(host: Host, client: Client, plugins: Sequence[type], targets: Sequence[str] | None) -> list[str]:
    _, context = _run(host, client, plugins, targets, stop_after="validate")
    done = []
    for plugin in plugins:
        if not _can_repair(plugin):
            continue
        for instance in _failed_instances(context, plugin):
            plugin.repair(instance)
            done.append(f"{_label(plugin)} on {instance.name}")
    return done


def repair(
    host: Host,
    client: Client | None = None,
    *,
    paths: Iterable[str | Path] = (),
    targets: Sequence[str] | None = None,
) -> list[str]:
    """Collect and validate, then run ``repair`` of every failing validator that has one on
    the instances it failed on; returns what was repaired (``"<check> on <instance>"``)."""
    from .. import default_client

    with _registered(host):
        return _repair(host, client or default_client(), discover_plugins(paths), targets)

"""Publishing with pyblish: collect → validate → extract → integrate, and a report an
artist can act on.

:func:`publish` runs pyblish-base's own machinery (plug-in discovery from paths and
``PYBLISHPLUGINPATH``, orders, families, hosts, targets) over the core plug-ins in
``splice/host/plugins/publish`` and the host adapter's. It runs the four stages one at
a time and stops at the first stage with a failure, so a failed check extracts and
writes nothing. The core integrator writes every instance's revision in ONE
transaction; see :mod:`splice.pipeline.plugins.publish.integrate`.

Validators fail by raising :class:`PublishValidationError` with a ``fix``; one that can
repair defines ``repair(cls, instance)`` and lists :class:`RepairAction`.

:func:`publish` never raises for what goes wrong while publishing: an exception in a
plug-in (pyblish catches those), a plug-in file that cannot be imported, a repair that
raises, a host or store that fails outside the plug-ins — each becomes a failure in the
report, with nothing written, and its traceback goes to the log.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyblish.api
import pyblish.util

from ..engines.replica_errors import QueuedWriteError
from ..errors import SpliceError, ValidationError
from .interface import Host

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "CORE_PLUGINS",
    "CheckResult",
    "PublishReport",
    "PublishValidationError",
    "RepairAction",
    "check_result",
    "discover_plugins",
    "failure_result",
    "plugin_label",
    "publish",
    "registered_host",
    "repair",
    "wants_representation",
]

log = logging.getLogger(__name__)
CLI_REPAIR_HINT = "run the publish with repair (splice publish --repair)"

CORE_PLUGINS = Path(__file__).parent / "plugins" / "publish"
STAGES = (
    ("collect", pyblish.api.CollectorOrder, pyblish.util.collect),
    ("validate", pyblish.api.ValidatorOrder, pyblish.util.validate),
    ("extract", pyblish.api.ExtractorOrder, pyblish.util.extract),
    ("integrate", pyblish.api.IntegratorOrder, pyblish.util.integrate),
)


class PublishValidationError(SpliceError):
    """A check failed: ``message`` says what is wrong with what, ``fix`` what to do about it."""

    code = "publish_validation"
    status = 422

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
    traceback: str | None = None  # an unexpected exception's (a bug, a missing module); not for the artist

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
            "traceback": self.traceback,
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
    queued: list[str] = field(default_factory=list)  # offline: writes queued for the server's return

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
            "queued": list(self.queued),
            "failures": [c.to_dict() for c in self.failures],
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_text(self, repair_hint: str = CLI_REPAIR_HINT) -> str:
        """The report as an artist reads it: what failed on what, and how to fix it.

        ``repair_hint`` says how to publish with repair where the artist reads this (a DCC's
        menu entry; by default the command line's ``--repair``)."""
        where = f" ({self.scene})" if self.scene else ""
        if self.success and self.queued:
            lines = [f"Queued (offline): will publish when the server is back, from {self.host}{where}:"]
            return "\n".join(lines + [f"  {what}" for what in self.queued])
        if self.success:
            lines = [f"Published {len(self.revisions)} revision(s) from {self.host}{where}:"]
            lines += [f"  {kref}" for kref in self.revisions]
            if self.repaired:
                lines.append("Repaired first: " + ", ".join(self.repaired))
            return "\n".join(lines)
        failures = self.failures
        named = ", ".join(f"{c.label} on {c.instance}" if c.instance else c.label for c in failures[:3])
        more = f" and {len(failures) - 3} more" if len(failures) > 3 else ""
        lines = [  # the first line says what failed: a DCC's status bar shows only it
            f"Nothing was published from {self.host}{where}: {len(failures)} check(s) failed"
            f" at {self.stopped_at or 'the end'}: {named}{more}."
        ]
        for check in failures:
            on = f" on {check.instance}" if check.instance else ""
            lines.append(f"\n✗ {check.label}{on}")
            lines.append(f"  {check.message}")
            if check.fix:
                lines.append(f"  Fix: {check.fix}")
            if check.repairable:
                lines.append(f"  Repairable: {repair_hint}.")
            if check.traceback:
                lines.append("  (an unexpected error: its full traceback is in the log)")
        return "\n".join(lines)


def discover_plugins(paths: Iterable[str | Path] = ()) -> list[type]:
    """The core plug-ins, those in ``paths``, and pyblish's registered ones and those on
    ``PYBLISHPLUGINPATH``, as pyblish discovers them (a file that cannot be imported is
    skipped: :func:`publish` reports it)."""
    return _discover(paths)[0]


class _SkippedFiles(logging.Handler):
    """pyblish's discovery logs, and skips, a plug-in file that raises when imported
    (``Skipped: "name" (error)``): keep those records to report them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.skipped: list[tuple[str, BaseException]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if str(record.msg).startswith("Skipped:") and len(args) == 2 and isinstance(args[1], BaseException):
            self.skipped.append((str(args[0]), args[1]))


def _discover(paths: Iterable[str | Path]) -> tuple[list[type], list[CheckResult]]:
    """The plug-ins, and a failure for each plug-in file that could not be imported."""
    from .registry import registered_plugin_paths

    extra = [*paths, *registered_plugin_paths(), *pyblish.api.plugin_paths()]
    folders = list(dict.fromkeys([str(CORE_PLUGINS), *(str(p) for p in extra)]))
    handler = _SkippedFiles()
    logger = logging.getLogger("pyblish.plugin")
    logger.addHandler(handler)
    try:
        plugins = pyblish.api.discover(paths=folders)
    finally:
        logger.removeHandler(handler)
    broken = []
    for module, error in handler.skipped:
        files = [str(p) for folder in folders if (p := Path(folder) / f"{module}.py").is_file()]
        where = " or ".join(files) or module
        broken.append(
            failure_result(
                "discover",
                f"plug-in file {module}.py",
                error,
                f"the plug-in file {where} cannot be loaded",
                fix="fix or remove that file (a missing module: install it where this application's "
                "Python finds it); nothing is published while a plug-in is missing",
            )
        )
    return plugins, broken


def failure_result(
    stage: str, label: str, error: BaseException, what: str, fix: str | None = None
) -> CheckResult:
    """A failure outside pyblish's plug-in runs: its message for the artist, its traceback
    logged and kept in the report."""
    tb = "".join(traceback.format_exception(error)).strip()
    log.error("splice publish: %s\n%s", what, tb)
    return CheckResult(
        stage=stage,
        plugin=label,
        label=label,
        instance=None,
        success=False,
        message=f"{what}: {type(error).__name__}: {error}",
        fix=fix,
        traceback=tb,
    )


def _can_repair(plugin: type) -> bool:
    """Whether the plug-in defines its own ``repair`` (pyblish's base classes carry an old one)."""
    return any("repair" in vars(cls) for cls in plugin.__mro__ if not cls.__module__.startswith("pyblish"))


def plugin_label(plugin: type) -> str:
    """What a check is called in a report: its ``label``, else its class name."""
    return getattr(plugin, "label", None) or plugin.__name__


def check_result(stage: str, result: dict[str, Any]) -> CheckResult:
    """One pyblish result (a plug-in's run on the context or an instance) as a report's check."""
    plugin = result["plugin"]
    error = result["error"]
    instance = result["instance"]
    message = fix = tb = None
    if isinstance(error, QueuedWriteError):  # offline: the write is queued, not failed
        message, error = str(error), None
    if error is not None:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        fix = getattr(error, "fix", None)
        if not isinstance(error, (PublishValidationError, ValidationError)):  # a bug, a missing module…
            tb = getattr(error, "formatted_traceback", None) or "".join(traceback.format_exception(error))
            tb = tb.strip()
            message = f"{type(error).__name__}: {message}"
    return CheckResult(
        stage=stage,
        plugin=plugin.__name__,
        label=plugin_label(plugin),
        instance=None if instance is None else str(instance.name),
        success=error is None,
        message=message,
        fix=fix,
        repairable=error is not None and _can_repair(plugin),
        log=tuple(r.getMessage() for r in result.get("records", ())),
        traceback=tb or None,
    )


def _scene(host: Host) -> str | None:
    """The scene file for the report's title; a host that cannot say is reported by the collector."""
    try:
        current = host.current_file()
    except Exception:
        log.debug("the host could not name its scene file", exc_info=True)
        return None
    return None if current is None else str(current)


def _run(
    host: Host,
    client: Client,
    plugins: Sequence[type],
    targets: Sequence[str] | None,
    stop_after: str | None = None,
) -> tuple[PublishReport, pyblish.api.Context]:
    context = pyblish.api.Context()
    context.data["splice.pipeline"] = host
    context.data["splice.client"] = client
    report = PublishReport(host=host.name, scene=_scene(host))
    try:
        for stage, _, run in STAGES:
            seen = len(context.data.get("results", []))
            try:
                with contextlib.redirect_stdout(sys.stderr):  # pyblish.util prints each error
                    run(context, plugins, targets=list(targets) if targets else None)
            except Exception as exc:  # pyblish catches plug-ins' errors; this is around them
                what = f"pyblish failed while at {stage}"
                report.checks.append(failure_result(stage, f"pyblish {stage}", exc, what))
            results = context.data.get("results", [])[seen:]
            report.checks += [check_result(stage, r) for r in results]
            if not all(c.success for c in report.checks):
                report.stopped_at = stage
                break
            if stage == stop_after:
                break
        report.revisions = list(context.data.get("splice.published", []))
        report.queued = [
            f"write #{r['error'].write.id}: {r['error'].write.what}"
            for r in context.data.get("results", [])
            if isinstance(r["error"], QueuedWriteError) and r["error"].write is not None
        ]
    finally:
        staging = context.data.get("stagingRoot")
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
    return report, context


@contextlib.contextmanager
def registered_host(host: Host) -> Iterator[None]:
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
    stop_after: str | None = None,
) -> PublishReport:
    """Publish the host's active instances; returns the report and never raises for what
    goes wrong while publishing (a failed check, a plug-in that raises or cannot be
    imported, a repair that raises, the store): the report says what failed and how to fix it.

    ``paths``: folders of the adapter's plug-ins (added to the core ones and
    ``PYBLISHPLUGINPATH``); ``targets``: pyblish targets (default ``["default"]``);
    ``repair``: first run the repairs of the validators that fail, then publish;
    ``stop_after``: a stage to stop after (``"validate"``: check only, nothing written).
    """
    if stop_after is not None and stop_after not in [name for name, _, _ in STAGES]:
        raise ValidationError(
            f"stop_after must be one of {', '.join(n for n, _, _ in STAGES)}, not {stop_after!r}"
        )
    from . import current

    stage = "connect"
    try:
        c = client or current.client()
        with registered_host(host):
            stage = "discover"
            plugins, broken = _discover(paths)
            if broken:  # a missing validator or integrator must not publish around its absence
                return PublishReport(host.name, _scene(host), checks=broken, stopped_at="discover")
            stage = "repair"
            repaired, failures = _repair(host, c, plugins, targets) if repair else ([], [])
            if failures:
                scene = _scene(host)
                return PublishReport(host.name, scene, failures, stopped_at="repair", repaired=repaired)
            stage = "publish"
            report, _ = _run(host, c, plugins, targets, stop_after=stop_after)
    except Exception as exc:  # outside the plug-ins: the host, the store, splice itself
        failure = failure_result(stage, f"splice {stage}", exc, f"the publish failed at {stage}")
        return PublishReport(getattr(host, "name", "?"), None, [failure], stopped_at=stage)
    report.repaired = repaired
    return report


def _repair(
    host: Host, client: Client, plugins: Sequence[type], targets: Sequence[str] | None
) -> tuple[list[str], list[CheckResult]]:
    """Run the failing validators' repairs; what was repaired, and the repairs that raised."""
    _, context = _run(host, client, plugins, targets, stop_after="validate")
    done: list[str] = []
    failures: list[CheckResult] = []
    for plugin in plugins:
        if not _can_repair(plugin):
            continue
        for instance in _failed_instances(context, plugin):
            what = f"{plugin_label(plugin)} on {instance.name}"
            try:
                plugin.repair(instance)
            except Exception as exc:
                failure = failure_result(
                    "repair",
                    plugin_label(plugin),
                    exc,
                    f"the repair of {what} failed",
                    fix="fix it by hand, as the check says, then publish again",
                )
                failures.append(replace(failure, instance=str(instance.name)))
            else:
                done.append(what)
    return done, failures


def repair(
    host: Host,
    client: Client | None = None,
    *,
    paths: Iterable[str | Path] = (),
    targets: Sequence[str] | None = None,
) -> list[str]:
    """Collect and validate, then run ``repair`` of every failing validator that has one on
    the instances it failed on; returns what was repaired (``"<check> on <instance>"``).
    A repair that raises raises :class:`PublishValidationError` saying which, after the others ran."""
    from . import current

    with registered_host(host):
        done, failures = _repair(host, client or current.client(), discover_plugins(paths), targets)
    if failures:
        raise PublishValidationError(failures[0].message or "a repair failed", fix=failures[0].fix)
    return done


def wants_representation(instance: Any, name: str) -> bool:
    """Whether an extractor writes representation ``name`` for a pyblish ``instance``: yes,
    unless the instance's ``representations`` option lists others (the Create dialogs set it)."""
    wanted = (instance.data.get("options") or {}).get("representations")
    return not wanted or name in wanted

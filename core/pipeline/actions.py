"""The actions of every DCC's splice menu — Create, Load, Publish (with or without repair),
Inventory, Update all — on the installed host, and the one place a failure becomes a message.

Each adapter's ``menu.py`` (Blender: ``ui.py``) keeps what is its DCC's own (the menu, the
dialogs, ``tell(title, text, severity)``: its way of showing a result) and runs every menu
entry through :func:`run` (or the :func:`guarded` decorator): a splice error shows its
message (which says what to do); any other exception shows a short message naming what
failed and where, with its traceback logged (``console`` says where the artist finds it).
Nothing raises out of a menu callback.

The actions themselves raise; they work on :func:`splice.pipeline.current.current` and its
store, :func:`splice.pipeline.current.client` (or ``client``); pyblish and the store are
imported only when an action runs.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, ParamSpec, Protocol, TypeVar

from ..constants import LATEST
from ..errors import SpliceError, ValidationError
from .current import client as host_client
from .current import current

if TYPE_CHECKING:
    from ..client import Client
    from .interface import Container, Host, Instance
    from .inventory import InventoryEntry
    from .publish import PublishReport

__all__ = [
    "MENU",
    "REPAIR_HINT",
    "Severity",
    "Tell",
    "create",
    "guarded",
    "inventory",
    "load",
    "publish",
    "run",
    "update_all",
]

log = logging.getLogger(__name__)

Severity = Literal["info", "warning", "error"]

MENU = ("Create…", "Load…", "Publish", "Publish (repair first)", "Inventory", "Update all")
"""The entries of every DCC's splice menu, in order (labels; each adapter maps them to its functions)."""
REPAIR_HINT = "choose splice › Publish (repair first) in the menu"
"""How an artist publishes with repair in a DCC: what a publish report's repair hint says there."""

P = ParamSpec("P")
T = TypeVar("T")


class Tell(Protocol):
    """``tell(title, text, severity)``: show the artist an action's result or failure
    (``title``: ``load``, ``publish``…; ``severity``: ``info``, ``warning`` or ``error``)."""

    def __call__(self, title: str, text: str, severity: Severity = "info", /) -> None: ...


# -- never a traceback in the artist's face ---------------------------------------------------


def run(title: str, tell: Tell, action: Callable[[], T], *, console: str = "the console") -> T | None:
    """``action()``; any exception becomes a message to the artist and ``None``.

    A :class:`~splice.errors.SpliceError` shows its own message; anything else (a bug, a
    missing module, the DCC refusing a call) a short message naming the exception and the
    code that raised it, its traceback logged to ``console`` (where the artist finds it:
    Maya's Script Editor, Blender's system console…).
    """
    try:
        return action()
    except SpliceError as exc:
        log.info("splice %s: %s", title, exc)
        _show(tell, title, str(exc))
    except Exception as exc:
        log.error("splice %s failed", title, exc_info=exc)  # no handler configured: stderr
        _show(tell, title, _unexpected(title, exc, console))
    return None


def guarded(
    title: str, tell: Tell, console: str = "the console"
) -> Callable[[Callable[P, T]], Callable[P, T | None]]:
    """Decorate a menu callback so that it runs through :func:`run` (it never raises)."""

    def wrap(action: Callable[P, T]) -> Callable[P, T | None]:
        @functools.wraps(action)
        def menu_entry(*args: P.args, **kwargs: P.kwargs) -> T | None:
            return run(title, tell, functools.partial(action, *args, **kwargs), console=console)

        return menu_entry

    return wrap


def _unexpected(title: str, exc: BaseException, console: str) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (in {Path(where[0].filename).name}:{where[0].lineno}, {where[0].name})" if where else ""
    text = str(exc)
    text = text if len(text) <= 300 else text[:300] + "…"
    return (
        f"splice {title} failed: {type(exc).__name__}: {text}{at}.\n"
        f"This is not something you did: the full traceback is in {console}; send it to your pipeline team."
    )


def _show(tell: Tell, title: str, text: str) -> None:
    try:
        tell(title, text, "error")
    except Exception:  # the DCC's own dialog failed: the message still reaches the console
        log.error("splice %s: could not show the message", title, exc_info=True)
        print(f"splice {title}: {text}", file=sys.stderr)


# -- the actions --------------------------------------------------------------------------------


def create(
    kind: str,
    name: str,
    tell: Tell,
    *,
    offered: Mapping[str, Sequence[str]],
    representations: str | Sequence[str] = (),
    use_selection: bool = True,
    host: Host | None = None,
) -> Instance:
    """Mark the selection for publishing as instance ``name`` of ``kind``.

    ``offered`` is what the host can publish: the representations of each kind, from its
    extractors (an empty list: the content decides, e.g. a Nuke Write node's file type).
    ``representations`` (names, or one string of them separated by blanks or commas; empty:
    every one the kind offers) must be among the kind's. With ``use_selection`` the members
    are the selection, and an empty selection is refused; without, the instance starts empty.
    Everything is checked before the scene changes. ``host``: the installed one by default.
    """
    from .creators import create as mark

    host = host or current()
    kind, name = (kind or "").strip(), (name or "").strip()
    options = creation_options(host, kind, name, offered, representations, use_selection)
    instance = mark(host, kind, name, options=options)
    wanted = options.get("representations") or offered[kind]
    as_what = ", ".join(wanted) or "what its content writes"  # type: ignore[arg-type]
    tell("create", f"{instance.name} will publish {instance.item} ({as_what})", "info")
    return instance


def creation_options(
    host: Host,
    kind: str,
    name: str,
    offered: Mapping[str, Sequence[str]],
    representations: str | Sequence[str] = (),
    use_selection: bool = True,
) -> dict[str, object]:
    """:func:`create`'s checks, in its order, and the instance options they give (raises a
    ValidationError saying what to change; changes nothing). The Creator window previews
    with it."""
    if kind not in offered:
        raise ValidationError(
            f"{host.name} cannot publish {kind or 'that kind'!r}: choose one of {', '.join(offered)}"
        )
    if not name:
        raise ValidationError(
            f"give the {kind} a name (letters, digits, '_' and '-', starting with a letter)"
        )
    wanted = _names(representations)
    allowed = list(offered[kind])
    unknown = [r for r in wanted if r not in allowed]
    if unknown:
        can = f"can be published as {', '.join(allowed)}" if allowed else "publishes what its content writes"
        raise ValidationError(
            f"a {kind} in {host.name} {can}, not {', '.join(unknown)}: "
            + ("choose among those" if allowed else "leave representations empty")
        )
    options: dict[str, object] = {"members": []}  # without the selection: it starts empty, and says so
    if use_selection:
        selection = host.get_selection()
        if not selection:
            raise ValidationError(
                f"nothing is selected: select what the {kind} {name!r} publishes, then Create"
            )
        options["members"] = selection
    if wanted:
        options["representations"] = wanted
    return options


def _names(value: str | Sequence[str]) -> list[str]:
    """Representation names from a dialog: a list, or one string separated by blanks or commas."""
    raw = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)
    return list(dict.fromkeys(n.strip() for n in raw if n and n.strip()))


def load(
    kref: str | None,
    loaders_dir: Path,
    tell: Tell,
    client: Client | None = None,
    *,
    representation: str | None = None,
    namespace: str | None = None,
) -> Container | None:
    """Load ``kref`` (as typed: surrounding blanks are ignored; empty: nothing) through the
    loader of ``loaders_dir`` (and ``$SPLICE_LOADER_PATH``) that serves it."""
    from .loading import load as load_kref
    from .loading import loaders_for

    kref = (kref or "").strip()
    if not kref:
        return None
    container = load_kref(
        current(),
        kref,
        (representation or "").strip() or None,
        loaders=loaders_for(loaders_dir),
        namespace=(namespace or "").strip() or None,
        client=client or host_client(),
    )
    tell("load", f"loaded {container.kref} as {container.key}", "info")
    return container


def publish(
    plugins_dir: Path,
    tell: Tell,
    client: Client | None = None,
    *,
    repair: bool = False,
    repair_hint: str = REPAIR_HINT,
) -> PublishReport:
    """Publish the scene's instances with splice's plug-ins and those of ``plugins_dir``
    (``repair``: run the failing checks' repairs first); the report is told as an error when
    nothing was published, its repair hint saying what to click (``repair_hint``)."""
    from .publish import publish as run_publish

    report = run_publish(current(), client, paths=[plugins_dir], repair=repair)  # None: the host's
    tell("publish", report.to_text(repair_hint), "info" if report.success else "error")
    return report


def inventory(tell: Tell, noun: str = "scene", client: Client | None = None) -> list[InventoryEntry]:
    """Tell each container's status against the latest revision (one round trip)."""
    from . import inventory as inv

    entries = inv.check(current(), client or host_client(), LATEST)
    lines = [f"{e.container.key}: {e.status} (r{e.current} → {e.wanted})" for e in entries]
    outdated = any(e.status != "current" for e in entries)
    tell("inventory", "\n".join(lines) or f"no containers in the {noun}", "warning" if outdated else "info")
    return entries


def update_all(loaders_dir: Path, tell: Tell, client: Client | None = None) -> list[Container]:
    """Update every outdated container to its latest revision through its loader."""
    from . import inventory as inv
    from .loading import loaders_for

    written = inv.update_all(current(), client or host_client(), LATEST, loaders_for(loaders_dir))
    keys = ", ".join(c.key for c in written)
    tell("update all", f"updated {len(written)}: {keys}" if written else "everything is up to date", "info")
    return written

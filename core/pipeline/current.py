"""The host installed in this process (one per DCC session), and the context the launcher gave it.

A DCC's bootstrap (Blender's startup script, Maya's ``userSetup.py``…) calls
:func:`install` (or :func:`install_from_env`) once; tools, menus and pyblish plugins
then reach the host with :func:`current` and its store with :func:`client`: the client
given to :func:`install`, else one opened from ``$SPLICE_URL`` on first use (and closed
with the host's session: :func:`uninstall`, or the next :func:`install`). The launcher
passes the artist's context in ``SPLICE_CONTEXT`` (a space kref) and ``SPLICE_TASK``;
:func:`context_from_env` reads them, :func:`apply_env_context` gives them to a (new) scene.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

from ..errors import NotFoundError, ValidationError
from ..kref import Kref
from .interface import Context, Host

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "apply_env_context",
    "client",
    "context_from_env",
    "current",
    "install",
    "install_from_env",
    "is_installed",
    "uninstall",
]

H = TypeVar("H", bound=Host)

_installed: Host | None = None
_client: Client | None = None  # the installed host's store
_own_client = False  # opened here on first use (closed with the session), not given


def install(host: Host, client: Client | None = None) -> Host:
    """Make ``host`` this process's host (replacing one installed before) with ``client`` as
    its store (None: one opened from ``$SPLICE_URL`` when first needed), and register its
    name with pyblish when pyblish is importable, so host-filtered plugins run."""
    global _installed, _client, _own_client
    if not isinstance(host, Host):
        raise ValidationError(f"install needs a splice.pipeline.Host, not {type(host).__name__}")
    _close_own_client()
    try:
        import pyblish.api
    except ImportError:  # publishing is optional where only loading is used
        pass
    else:
        if _installed is not None and _installed.name != host.name:
            pyblish.api.deregister_host(_installed.name)
        pyblish.api.register_host(host.name)
    _installed, _client, _own_client = host, client, False
    return host


def _close_own_client() -> None:
    global _client, _own_client
    if _own_client and _client is not None:
        _client.close()
    _client, _own_client = None, False


def client() -> Client:
    """The installed host's store: the client given to :func:`install`, else one opened from
    ``$SPLICE_URL`` (or the per-user store) on first use. NotFoundError when no host is installed."""
    global _client, _own_client
    if _installed is None:
        raise NotFoundError(
            "no splice host is installed in this process, so no store either: pass client=…, "
            "or install the host (splice.pipeline.install(host, client=…))"
        )
    if _client is None or (_own_client and _client.closed):
        from ..client import Client

        _client, _own_client = Client.open(), True
    return _client


def uninstall() -> None:
    """Forget the installed host (its pyblish registration, and the client opened for it)."""
    global _installed
    _close_own_client()
    if _installed is not None:
        try:
            import pyblish.api
        except ImportError:
            pass
        else:
            pyblish.api.deregister_host(_installed.name)
    _installed = None


def is_installed() -> bool:
    return _installed is not None


def current() -> Host:
    """The installed host; NotFoundError when no DCC bootstrap (or test) installed one."""
    if _installed is None:
        raise NotFoundError(
            "no splice host is installed in this process; a DCC's splice bootstrap (or "
            "splice.pipeline.install(host)) installs one"
        )
    return _installed


def context_from_env(environ: Mapping[str, str] | None = None) -> Context:
    """The context the launcher set: ``SPLICE_CONTEXT`` (a space kref, or a bare project
    kref) and ``SPLICE_TASK``; an empty Context when neither is set."""
    env = os.environ if environ is None else environ
    raw = env.get("SPLICE_CONTEXT", "").strip()
    task = env.get("SPLICE_TASK", "").strip() or None
    if not raw:
        return Context(task=task)
    try:
        kref = Kref(raw)
    except ValidationError as exc:
        raise ValidationError(f"SPLICE_CONTEXT must be a project or space kref: {exc}") from None
    if kref.is_space:
        return Context(project=kref.project, space=str(kref), task=task)
    if kref.is_project:
        return Context(project=kref.project, task=task)
    raise ValidationError(f"SPLICE_CONTEXT must be a project or space kref, not {kref}")


def apply_env_context(host: Host, environ: Mapping[str, str] | None = None) -> Context | None:
    """Give ``host``'s scene the launcher's context when it set one (a project or a task);
    returns it, or None when there is none. DCC bootstraps call it for each new scene."""
    return _apply(host, context_from_env(environ))


def install_from_env(host: H, environ: Mapping[str, str] | None = None, client: Client | None = None) -> H:
    """:func:`install` ``host`` (with ``client``) and give its scene the launcher's context, when set.

    A bad ``SPLICE_CONTEXT`` raises ValidationError before anything is installed."""
    context = context_from_env(environ)
    install(host, client)
    _apply(host, context)
    return host


def _apply(host: Host, context: Context) -> Context | None:
    if context.project is None and context.task is None:
        return None
    host.set_context(context)
    return context

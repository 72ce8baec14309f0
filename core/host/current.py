"""The host installed in this process (one per DCC session), and the context the launcher gave it.

A DCC's bootstrap (Blender's startup script, Maya's ``userSetup.py``…) calls
:func:`install` (or :func:`install_from_env`) once; tools, menus and pyblish plugins
then reach the host with :func:`current`. The launcher passes the artist's context in
``SPLICE_CONTEXT`` (a space kref) and ``SPLICE_TASK``; :func:`context_from_env` reads
them, :func:`apply_env_context` gives them to a (new) scene.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypeVar

from ..errors import NotFoundError, ValidationError
from ..kref import Kref
from .interface import Context, Host

__all__ = [
    "apply_env_context",
    "context_from_env",
    "current",
    "install",
    "install_from_env",
    "is_installed",
    "uninstall",
]

H = TypeVar("H", bound=Host)

_installed: Host | None = None


def install(host: Host) -> Host:
    """Make ``host`` this process's host (replacing one installed before) and register its
    name with pyblish when pyblish is importable, so host-filtered plugins run."""
    global _installed
    if not isinstance(host, Host):
        raise ValidationError(f"install needs a splice.host.Host, not {type(host).__name__}")
    try:
        import pyblish.api
    except ImportError:  # publishing is optional where only loading is used
        pass
    else:
        if _installed is not None and _installed.name != host.name:
            pyblish.api.deregister_host(_installed.name)
        pyblish.api.register_host(host.name)
    _installed = host
    return host


def uninstall() -> None:
    """Forget the installed host (and its pyblish registration)."""
    global _installed
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
            "splice.host.install(host)) installs one"
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


def install_from_env(host: H, environ: Mapping[str, str] | None = None) -> H:
    """:func:`install` ``host`` and give its scene the launcher's context, when set.

    A bad ``SPLICE_CONTEXT`` raises ValidationError before anything is installed."""
    context = context_from_env(environ)
    install(host)
    _apply(host, context)
    return host


def _apply(host: Host, context: Context) -> Context | None:
    if context.project is None and context.task is None:
        return None
    host.set_context(context)
    return context

"""Check the Houdini adapter inside Houdini, once: select a geometry object (or a SOP), then run

    from splice.hosts.houdini import selfcheck; print(selfcheck.run().to_text())

in the Python Shell or ``hython``. It publishes the selection as a model (``.bgeo.sc`` and
Alembic through an Alembic ROP), loads the Alembic back (an Alembic SOP), publishes again
and updates it (:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as check

from . import LOADERS_DIR, PLUGINS_DIR, host

if TYPE_CHECKING:
    from splice.client import Client

    from .api import HoudiniScene

__all__ = ["run"]


def run(api: HoudiniScene | None = None, client: Client | None = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``hou`` (or ``api``); ``client``: a store, else a scratch one."""
    return check(host(api), "model", PLUGINS_DIR, LOADERS_DIR, "abc", client=client, keep=keep)

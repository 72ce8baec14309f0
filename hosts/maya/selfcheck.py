"""Check the Maya adapter inside Maya, once: select a transform with geometry, then run

    from splice.hosts.maya import selfcheck; print(selfcheck.run().to_text())

in the Script Editor (Python) or ``mayapy``. It publishes the selection as a model (``.ma``
and Alembic), references the Alembic back, publishes again and updates the reference
(:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as check

from . import LOADERS_DIR, PLUGINS_DIR, host

if TYPE_CHECKING:
    from splice.client import Client

    from .api import MayaScene

__all__ = ["run"]


def run(api: MayaScene | None = None, client: Client | None = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``maya.cmds`` (or ``api``); ``client``: a store, else a scratch one."""
    return check(host(api), "model", PLUGINS_DIR, LOADERS_DIR, "abc", client=client, keep=keep)

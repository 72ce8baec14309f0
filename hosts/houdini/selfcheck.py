"""Check the Houdini adapter inside Houdini, once: select a geometry object (or a SOP), then run

    from splice.hosts.houdini import selfcheck; print(selfcheck.run().to_text())

in the Python Shell or ``hython``. It publishes the selection as a model (``.bgeo.sc`` and
Alembic through an Alembic ROP), loads the Alembic back (an Alembic SOP), publishes again
and updates it (:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import Any

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as _run

from . import LOADERS_DIR, PLUGINS_DIR
from .api import HoudiniScene

__all__ = ["run"]


def run(api: HoudiniScene | None = None, client: Any = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``hou`` (or ``api``); ``client``: a store, else a scratch one."""
    from .pipeline import HoudiniHost
    from .real import HouScene  # imports Houdini only when run

    host = HoudiniHost(HouScene() if api is None else api)
    return _run(
        host,
        kind="model",
        plugins_dir=PLUGINS_DIR,
        loaders_dir=LOADERS_DIR,
        representation="abc",
        client=client,
        keep=keep,
    )

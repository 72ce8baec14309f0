"""Check the Maya adapter inside Maya, once: select a transform with geometry, then run

    from splice.hosts.maya import selfcheck; print(selfcheck.run().to_text())

in the Script Editor (Python) or ``mayapy``. It publishes the selection as a model (``.ma``
and Alembic), references the Alembic back, publishes again and updates the reference
(:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import Any

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as _run

from . import LOADERS_DIR, PLUGINS_DIR
from .api import MayaScene

__all__ = ["run"]


def run(api: MayaScene | None = None, client: Any = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``maya.cmds`` (or ``api``); ``client``: a store, else a scratch one."""
    from .pipeline import MayaHost
    from .real import CmdsScene  # imports Maya only when run

    host = MayaHost(CmdsScene() if api is None else api)
    return _run(
        host,
        kind="model",
        plugins_dir=PLUGINS_DIR,
        loaders_dir=LOADERS_DIR,
        representation="abc",
        client=client,
        keep=keep,
    )

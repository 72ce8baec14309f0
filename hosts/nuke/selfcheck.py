"""Check the Nuke adapter inside Nuke, once: select a Write node with an input, then run

    from splice.hosts.nuke import selfcheck; print(selfcheck.run().to_text())

in the Script Editor or ``nuke -t``. It publishes the Write's render of the current frame
(the Write's ``file`` is put back), loads the frames as a Read node, publishes again and
updates the Read (:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import Any

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as _run

from . import LOADERS_DIR, PLUGINS_DIR
from .api import NukeScript

__all__ = ["run"]


def run(api: NukeScript | None = None, client: Any = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``nuke`` (or ``api``); ``client``: a store, else a scratch one."""
    from .pipeline import NukeHost
    from .real import NukeApi  # imports Nuke only when run

    host = NukeHost(NukeApi() if api is None else api)
    frame = host.api.current_frame()
    options = {"frameStart": frame, "frameEnd": frame}
    return _run(
        host,
        kind="render",
        plugins_dir=PLUGINS_DIR,
        loaders_dir=LOADERS_DIR,
        options=options,
        client=client,
        keep=keep,
    )

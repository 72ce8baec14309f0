"""Check the Nuke adapter inside Nuke, once: select a Write node with an input, then run

    from splice.hosts.nuke import selfcheck; print(selfcheck.run().to_text())

in the Script Editor or ``nuke -t``. It publishes the Write's render of the current frame
(the Write's ``file`` is put back), loads the frames as a Read node, publishes again and
updates the Read (:mod:`splice.hosts.selfcheck`), in a scratch store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splice.hosts.selfcheck import SelfCheckReport
from splice.hosts.selfcheck import run as check

from . import LOADERS_DIR, PLUGINS_DIR, host

if TYPE_CHECKING:
    from splice.client import Client

    from .api import NukeScript

__all__ = ["run"]


def run(api: NukeScript | None = None, client: Client | None = None, keep: bool = False) -> SelfCheckReport:
    """Run the check over ``nuke`` (or ``api``); ``client``: a store, else a scratch one."""
    nuke = host(api)
    frame = nuke.api.current_frame()
    options = {"frameStart": frame, "frameEnd": frame}
    return check(nuke, "render", PLUGINS_DIR, LOADERS_DIR, options=options, client=client, keep=keep)

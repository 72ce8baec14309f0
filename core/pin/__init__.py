"""One pin manifest: what a render used, exactly, reproducible on a farm node, in a DCC and
in USD alike (docs/pin.md).

::

    import splice, splice.pin

    client = splice.connect()
    manifest = splice.pin.make(client, [splice.pin.from_scene("sh010.scene")])
    splice.pin.write(manifest, "sh010.pin.json")
    splice.pin.verify(splice.pin.read("sh010.pin.json"), client)   # refuses deleted revisions
    splice.pin.diff(old, new).lines()                               # what changed between renders

``$SPLICE_PIN=FILE`` makes :func:`splice.pipeline.load` resolve through a manifest
(:func:`splice.pin.select.pinned`). Plain Python: ``import splice`` never imports this,
and pydantic is needed only for :mod:`splice.pin.schema`.
"""

from __future__ import annotations

from .check import Report, check, verify
from .diff import Diff, diff
from .errors import PinChangedError, PinManifestError, PinnedRevisionError, UnpinnedKrefError
from .make import make
from .manifest import FORMAT, Entry, Manifest, read, write
from .select import PIN_ENV, Pins, from_env, pinned
from .sources import Source, detect, from_kref, from_scene, from_usd, from_workspace

__all__ = [
    "FORMAT",
    "PIN_ENV",
    "Diff",
    "Entry",
    "Manifest",
    "PinChangedError",
    "PinManifestError",
    "PinnedRevisionError",
    "Pins",
    "Report",
    "Source",
    "UnpinnedKrefError",
    "check",
    "detect",
    "diff",
    "from_env",
    "from_kref",
    "from_scene",
    "from_usd",
    "from_workspace",
    "make",
    "pinned",
    "read",
    "verify",
    "write",
]

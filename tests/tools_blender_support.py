"""Helpers of the tests that open the artist tools inside Blender (the ``bpy`` module and a
launched Blender under Xvfb): a show whose assets an artist would browse, and a display.

- :func:`seed_assets`: items of several kinds in ``kref://show/assets``, each with a few
  revisions (tags, artists, comments) whose files are stored in the project's folder store
  through :mod:`splice.files` — what the Loader lists in a studio.
- :class:`Xvfb`: a virtual X display on a free number (``Xvfb -displayfd``: the server
  writes its number once it accepts connections, so nothing waits on a guess).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import splice
import splice.files
from splice.errors import NotFoundError

ASSETS = "kref://show/assets"
# (item, kind, [(artist, comment, tags) per revision], representations)
CATALOGUE = [
    ("crate", "model", [("jane", "blockout", []), ("jane", "bevels, UVs", ["approved"])], ["blend", "abc"]),
    ("lamp", "model", [("omar", "first pass", ["approved"])], ["blend"]),
    (
        "barrel",
        "model",
        [("omar", "blockout", []), ("li", "dents", []), ("li", "final", ["approved"])],
        ["blend"],
    ),
    ("rock_large", "model", [("li", "scan cleanup", ["approved"])], ["blend", "usd"]),
    ("wood", "texture", [("sam", "4k diffuse", ["approved"])], ["image"]),
    ("rust", "texture", [("sam", "tileable", [])], ["image"]),
    ("studio_hdri", "look", [("sam", "3 lights", ["approved"])], ["blend"]),
    ("hero_rig", "rig", [("kai", "controls", []), ("kai", "facial", ["approved"])], ["blend"]),
]
SUFFIX = {"blend": ".blend", "abc": ".abc", "usd": ".usd", "image": ".png"}


def seed_assets(client: splice.Client, files: Path, root: Path) -> list[str]:
    """The assets of :data:`CATALOGUE` in ``show`` (made when missing, its folder store
    ``files``); the krefs of the items made."""
    try:
        show = client.get_project("show")
    except NotFoundError:
        show = client.create_project("show", metadata={"files.store": str(files)})
    try:
        assets = client.get_space(ASSETS)
    except NotFoundError:
        assets = show.create_space("assets")
    made = []
    scratch = root / "seed"
    scratch.mkdir(parents=True, exist_ok=True)
    for name, kind, revisions, representations in CATALOGUE:
        item = assets.create_item(name, kind)
        for number, (artist, comment, tags) in enumerate(revisions, start=1):
            revision = item.create_revision(metadata={"artist": artist, "comment": comment, "task": "model"})
            for rep in representations:
                path = scratch / f"{name}_r{number}{SUFFIX[rep]}"
                path.write_bytes(f"{name} r{number} {rep}\n".encode())
                splice.files.store(revision, rep, path)
            for tag in tags:
                revision.tag(tag)
        made.append(str(item.kref))
    return made


class Xvfb:
    """An X server in memory, on the first free display number; ``stop()`` ends it."""

    def __init__(self, log: Path, size: str = "1600x900x24") -> None:
        if shutil.which("Xvfb") is None:
            pytest.skip("needs Xvfb (apt-get install xvfb)")
        read, write = os.pipe()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp", "-noreset"],
                pass_fds=[write],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        os.close(write)
        number = b""
        with os.fdopen(read, "rb") as pipe:  # Xvfb writes "N\n" once it serves display :N
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk:
                    break
                number += chunk
        if not number.strip():
            self.stop()
            pytest.fail(f"Xvfb did not start:\n{log.read_text(errors='replace')}", pytrace=False)
        self.display = f":{number.decode().strip()}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

"""``has_unsaved_changes()``: whether the scene changed since it was last saved or opened, which
Workfiles asks before Open replaces the scene. For MemoryHost, each in-memory DCC interface and
each ``real.py`` over its stub-checked fake module: a new, saved or opened scene has none; a
context, a load (container), a creator (instance) or content change makes one; a save or an
open clears it; selecting is no change. Blender: in a real Blender with a window (Debian's
Blender on Xvfb) and in ``bpy`` as a module (background: Blender cannot tell)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dcc_fake_hou
import dcc_fake_maya
import dcc_fake_nuke
import pytest
from blender_support import requires_bpy, run_blender
from host_support import TEXTURE, make_show

import splice
import splice.pipeline
from splice.pipeline import Container, Context, Instance, MemoryHost
from splice.pipeline import workfiles as wf

HERO = "kref://show/assets/hero.model"
CONTEXT = Context("show", "kref://show/assets", "model")


def test_memory_host_tracks_what_a_save_keeps(
    client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    show = make_show(client, tmp_path, monkeypatch)
    host = MemoryHost()
    assert host.has_unsaved_changes() is False and wf.unsaved_changes(host) is False
    host.set_context(CONTEXT)
    assert host.has_unsaved_changes()
    scene = host.save_file(tmp_path / "scene.json")
    assert host.has_unsaved_changes() is False

    splice.pipeline.load(host, f"{TEXTURE}?t=latest", loaders=show.loaders, client=show.client)
    assert host.has_unsaved_changes()  # content and a container
    host.save_file()
    assert not host.has_unsaved_changes()
    splice.pipeline.create(host, "model", "hero", options={"members": []})
    assert host.has_unsaved_changes()
    host.save_file()
    host.set_selection(["hero"])
    assert not host.has_unsaved_changes()  # selecting changes no scene

    host.content["hero"] = {"faces": 6}
    assert host.has_unsaved_changes() and wf.unsaved_changes(host) is True
    del host.content["hero"]
    assert not host.has_unsaved_changes()  # undone by hand: nothing to lose
    host.content["hero"] = {"faces": 6}
    host.open_file(scene)
    assert not host.has_unsaved_changes() and "hero" not in host.content


# -- the DCC adapters: in memory, and real.py over the checked fake modules ----------------


@dataclass
class Scene:
    """A host over one DCC interface, and how to change its content as an artist would."""

    host: Any
    suffix: str
    add_content: Callable[[str], object]
    violations: Callable[[], list[Any]] = list


def _memory(name: str) -> Scene:
    if name == "maya":
        from splice.hosts.maya.memory_api import MemoryMaya
        from splice.hosts.maya.pipeline import MayaHost

        maya = MemoryMaya()
        return Scene(MayaHost(maya), ".ma", maya.add_node)
    if name == "houdini":
        from splice.hosts.houdini.memory_api import MemoryHoudini
        from splice.hosts.houdini.pipeline import HoudiniHost

        hou = MemoryHoudini()
        return Scene(HoudiniHost(hou), ".hip", lambda n: hou.add_node(f"/obj/{n}"))
    from splice.hosts.nuke.memory_api import MemoryNuke
    from splice.hosts.nuke.pipeline import NukeHost

    nuke = MemoryNuke()
    return Scene(NukeHost(nuke), ".nk", nuke.add_node)


@pytest.fixture
def real(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    """real.py's interface of ``request.param`` over its stub-checked fake module."""
    name = request.param
    if name == "maya":
        from splice.hosts.maya.pipeline import MayaHost
        from splice.hosts.maya.real import CmdsScene

        with dcc_fake_maya.installed(monkeypatch) as maya:
            yield Scene(MayaHost(CmdsScene()), ".ma", maya.add, lambda: maya.stubs.violations)
    elif name == "houdini":
        from splice.hosts.houdini.pipeline import HoudiniHost
        from splice.hosts.houdini.real import HouScene

        with dcc_fake_hou.installed(monkeypatch) as hou:
            add = lambda n: hou.add(f"/obj/{n}", "geo")  # noqa: E731
            yield Scene(HoudiniHost(HouScene()), ".hip", add, lambda: hou.stubs.violations)
    else:
        from splice.hosts.nuke.pipeline import NukeHost
        from splice.hosts.nuke.real import NukeApi

        with dcc_fake_nuke.installed(monkeypatch) as nuke:
            yield Scene(NukeHost(NukeApi()), ".nk", lambda n: nuke.add("Blur"), lambda: nuke.stubs.violations)


def _round_trip(scene: Scene, folder: Path) -> None:
    host = scene.host
    assert host.has_unsaved_changes() is False  # a new scene
    host.set_context(CONTEXT)
    assert host.has_unsaved_changes() is True
    saved = host.save_file(folder / f"scene{scene.suffix}")
    assert host.has_unsaved_changes() is False

    host.write_container(Container("hero", f"{HERO}?r=1", "ModelLoader", "abc", "chars"))  # a load
    assert host.has_unsaved_changes() is True
    host.save_file()
    assert host.has_unsaved_changes() is False
    host.create_instance(Instance("heroModel", "model", HERO))  # the Creator
    assert host.has_unsaved_changes() is True
    host.save_file()
    host.set_selection([host.instance_node("heroModel")])
    assert host.has_unsaved_changes() is False  # selecting changes no scene

    scene.add_content("body")  # the artist models
    assert host.has_unsaved_changes() is True and wf.unsaved_changes(host) is True
    host.open_file(saved)  # discards it
    assert host.has_unsaved_changes() is False
    assert [c.key for c in host.ls_containers()] == ["chars:hero"]
    host.remove_container("chars:hero")  # the Scene Inventory's remove
    assert host.has_unsaved_changes() is True
    assert scene.violations() == []


@pytest.mark.parametrize("name", ["maya", "houdini", "nuke"])
def test_in_memory_dcc_interfaces_track_changes(name: str, tmp_path: Path) -> None:
    scene = _memory(name)
    assert scene.host.api.modified is False
    _round_trip(scene, tmp_path)
    assert scene.host.api.modified is True


@pytest.mark.parametrize("real", ["maya", "houdini", "nuke"], indirect=True)
def test_real_interfaces_ask_the_application(real: Scene, tmp_path: Path) -> None:
    _round_trip(real, tmp_path)


def test_maya_asks_file_query_modified(monkeypatch: pytest.MonkeyPatch) -> None:
    from splice.hosts.maya.real import CmdsScene

    with dcc_fake_maya.installed(monkeypatch) as maya:
        api = CmdsScene()
        maya.modified = True
        assert api.is_modified() is True
        maya.modified = False
        assert api.is_modified() is False
        assert maya.stubs.violations == []


def test_a_marked_host_whose_interface_cannot_tell_says_there_may_be_changes() -> None:
    from splice.hosts.maya.memory_api import MemoryMaya
    from splice.hosts.maya.pipeline import MayaHost

    host = MayaHost(MemoryMaya())
    host.api.is_modified = None  # an interface without the query: ask rather than lose work
    assert host.has_unsaved_changes() is True


# -- Blender ------------------------------------------------------------------------------------


@pytest.mark.slow
@requires_bpy
def test_blender_in_background_cannot_tell_but_tracks_splice_edits(tmp_path: Path) -> None:
    out = run_blender(
        f"""
        from splice.hosts.blender import pipeline
        host = BlenderHost(quiet=True)
        r = {{"fresh": host.has_unsaved_changes(), "dirty": bpy.data.is_dirty}}
        host.save_file(TMP / "a.blend")
        r["edits_after_save"] = pipeline._splice_edits
        host.write_container(Container("hero", "{HERO}?r=1", "BlendLinkLoader", "blend", "chars"))
        r["edits_after_load"] = pipeline._splice_edits
        host.open_file(TMP / "a.blend")
        r["edits_after_open"] = pipeline._splice_edits
        host.set_context(Context("show", "kref://show/assets", "model"))
        bpy.ops.wm.save_mainfile()  # Blender's own save: no handler without a window (see below)
        r["edits_after_blender_save"] = pipeline._splice_edits
        r["background"] = host.has_unsaved_changes()
        emit(r)
        """,
        tmp_path,
    )
    # bpy.data.is_dirty is cleared by the window manager's notifiers: none run without a window
    assert out["fresh"] is True and out["dirty"] is True and out["background"] is True
    assert out["edits_after_save"] is False and out["edits_after_load"] is True
    assert out["edits_after_open"] is False
    # no save_post handler in the background (the answer is True anyway, and the bpy module hangs
    # at exit with a Python handler left in it): the windowed test below covers Blender's saves
    assert out["edits_after_blender_save"] is True


BLENDER = "/usr/bin/blender"

# Runs in a windowed Blender, one step per timer tick so that Blender's event loop (its
# notifiers, which keep bpy.data.is_dirty) runs between the steps.
IN_WINDOW = r"""
import json, os, site, sys, traceback
import bpy

site.addsitedir(os.environ["SPLICE_TEST_SITE"])  # splice from the test's environment
TMP = os.environ["SPLICE_TEST_TMP"]
OUT, STEPS = {}, []


def tick():
    try:
        STEPS.pop(0)()
    except Exception:
        OUT["error"] = traceback.format_exc()
        STEPS.clear()
    if not STEPS:
        with open(os.path.join(TMP, "out.json"), "w") as fh:
            json.dump(OUT, fh)
        os._exit(0)
    return 0.2


def new():
    from splice.hosts.blender.pipeline import BlenderHost
    from splice.pipeline import Container

    global host, Container_
    host, Container_ = BlenderHost(), Container
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.wm.save_as_mainfile(filepath=os.path.join(TMP, "shot.blend"))


def open_it():
    OUT["saved"] = host.has_unsaved_changes()
    host.open_file(os.path.join(TMP, "shot.blend"))


def add_object():
    OUT["opened"] = host.has_unsaved_changes()
    # an artist's edit: an operator run as the UI runs it, with its undo step (undo=True)
    bpy.ops.mesh.primitive_cube_add("EXEC_DEFAULT", True)


def save():
    OUT["added"] = host.has_unsaved_changes()
    host.save_file()


def load():
    OUT["saved_again"] = host.has_unsaved_changes()
    host.write_container(Container_("hero", "kref://show/assets/hero.model?r=1", "L", "blend"))


def blender_save():
    OUT["loaded"] = host.has_unsaved_changes()
    bpy.ops.wm.save_mainfile()  # File > Save


def last():
    OUT["blender_saved"] = host.has_unsaved_changes()


STEPS[:] = [new, open_it, add_object, save, load, blender_save, last]
bpy.app.timers.register(tick, first_interval=0.5, persistent=True)  # survives the file loads
"""


@pytest.mark.slow
@pytest.mark.skipif(
    not (os.access(BLENDER, os.X_OK) and shutil.which("Xvfb")),
    reason="needs Debian's blender and Xvfb (apt-get install blender xvfb)",
)
def test_blender_with_a_window_asks_its_dirty_flag(tmp_path: Path) -> None:
    from tools_blender_support import Xvfb

    script = tmp_path / "in_window.py"
    script.write_text(textwrap.dedent(IN_WINDOW), encoding="utf-8")
    site = next(
        p for p in sys.path if p.endswith("site-packages") and Path(p, "splice-0.1.0.dist-info").is_dir()
    )
    display = Xvfb(tmp_path / "xvfb.log")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE_")}
        env.update(DISPLAY=display.display, SPLICE_TEST_TMP=str(tmp_path), SPLICE_TEST_SITE=site)
        proc = subprocess.run(
            [BLENDER, "--factory-startup", "--python", str(script)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        display.stop()
    result = tmp_path / "out.json"
    assert result.is_file(), f"Blender exited {proc.returncode}:\n{(proc.stdout + proc.stderr)[-4000:]}"
    out = json.loads(result.read_text())
    assert "error" not in out, out.get("error")
    assert out == {
        "saved": False,
        "opened": False,  # a .blend just opened
        "added": True,  # a cube added
        "saved_again": False,
        "loaded": True,  # a container written through the data API, which Blender does not flag
        "blender_saved": False,  # File > Save clears splice's edits too
    }


@pytest.fixture
def client(tmp_path: Path) -> Iterator[splice.Client]:
    c = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="ana")
    yield c
    c.close()

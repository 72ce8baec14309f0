"""Thumbnails at publish: captured once by the host (a real PNG), stored as each new
revision's ``thumbnail`` artifact in the publish's transaction; a host that cannot capture
(headless) or whose capture fails publishes all the same and logs why. The Maya, Houdini
and Nuke adapters capture through their in-memory DCC interfaces; Blender's ``bpy`` module
(background mode) skips with its note."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest
from blender_support import requires_bpy, run_blender
from host_support import HERO, Show, make_show, scene_with_hero

import splice
import splice.files
from splice.pipeline import MemoryHost, publish, thumbnails
from splice.pipeline.memory import PLUGINS_DIR


@pytest.fixture
def show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    client = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")  # a real SQLite store
    yield make_show(client, tmp_path, monkeypatch)
    client.close()


def _checks(report: publish.PublishReport, label: str) -> list[str]:
    return [line for c in report.checks if c.label == label for line in c.log]


def assert_png(path: str | Path, size: tuple[int, int] = thumbnails.SIZE) -> None:
    """A whole, valid PNG: signature, IHDR of ``size``, chunks whose CRCs hold, pixels that inflate."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        crc = int.from_bytes(data[at + 8 + length : at + 12 + length], "big")
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = int.from_bytes(chunks[0][1][:4], "big"), int.from_bytes(chunks[0][1][4:8], "big")
    assert (width, height) == size
    pixels = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    assert len(pixels) == height * (1 + 3 * width)


# -- the core: MemoryHost ---------------------------------------------------------------------
def test_a_publish_stores_the_hosts_thumbnail_on_the_revision(show: Show) -> None:
    host = scene_with_hero(show)
    host.viewport = True
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    revision = show.client.get_revision(f"{HERO}?r=1")
    names = sorted(a.name for a in revision.get_artifacts())
    assert names == ["json", "thumbnail"] and revision.default_artifact == "json"  # the content stays default
    thumb = revision.get_artifact("thumbnail")
    assert (thumb.metadata["role"], thumb.metadata["width"], thumb.metadata["height"]) == (
        "thumbnail",
        "320",
        "180",
    )
    [pulled] = splice.files.pull(f"{revision.kref}&a=thumbnail", to=show.root / "pulled", client=show.client)
    assert_png(pulled)
    assert any("thumbnail captured: 320×180" in line for line in _checks(report, "Thumbnail"))


def test_one_capture_serves_every_instance_and_each_gets_it(show: Show) -> None:
    host = scene_with_hero(show)
    host.viewport = True
    host.content["rock"] = {"mesh": "rock"}
    splice.pipeline.create(host, "model", "rock", options={"members": ["rock"]})
    calls: list[Path] = []
    capture = host.capture_thumbnail
    host.capture_thumbnail = lambda path: calls.append(path) or capture(path)  # type: ignore[method-assign]
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    assert len(calls) == 1
    hashes = {
        show.client.get_revision(k).get_artifact("thumbnail").metadata["content_hash"]
        for k in report.revisions
    }
    assert len(report.revisions) == 2 and len(hashes) == 1  # one object in the store, two artifacts


def test_a_headless_host_publishes_without_one_and_says_why(show: Show) -> None:
    host = scene_with_hero(show)  # MemoryHost: no viewport unless asked
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    revision = show.client.get_revision(report.revisions[0])
    assert [a.name for a in revision.get_artifacts()] == ["json"]
    assert "thumbnail skipped: headless: no viewport" in _checks(report, "Thumbnail")


def test_a_capture_that_raises_or_writes_no_png_is_a_log_line(show: Show) -> None:
    host = scene_with_hero(show)

    def broken(path: Path) -> Path:
        raise RuntimeError("the GPU is gone")

    host.capture_thumbnail = broken  # type: ignore[method-assign]
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success, report.to_text()
    assert "thumbnail skipped: RuntimeError: the GPU is gone" in _checks(report, "Thumbnail")

    def not_png(path: Path) -> Path:
        Path(path).write_text("not an image")
        return Path(path)

    host.capture_thumbnail = not_png  # type: ignore[method-assign]
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success and [
        a.name for a in show.client.get_revision(report.revisions[0]).get_artifacts()
    ] == ["json"]
    assert any(line.endswith("is not a PNG image") for line in _checks(report, "Thumbnail"))


def test_an_instance_can_opt_out_and_validate_captures_nothing(show: Show) -> None:
    host = MemoryHost()
    host.set_context(splice.pipeline.Context("show", "kref://show/assets", "modeling"))
    host.viewport = True
    host.content["hero"] = {"mesh": "cube"}
    splice.pipeline.create(host, "model", "hero", options={"members": ["hero"], "thumbnail": False})
    calls: list[Path] = []
    capture = host.capture_thumbnail
    host.capture_thumbnail = lambda path: calls.append(path) or capture(path)  # type: ignore[method-assign]
    assert publish.publish(host, show.client, paths=[PLUGINS_DIR], stop_after="validate").success
    assert calls == []  # checking a scene captures nothing
    report = publish.publish(host, show.client, paths=[PLUGINS_DIR])
    assert report.success and calls == []
    assert [a.name for a in show.client.get_revision(report.revisions[0]).get_artifacts()] == ["json"]


def test_marked_hosts_default_is_none_with_a_note(tmp_path: Path) -> None:
    from test_host_marked import DictHost, DictScene

    host = DictHost(DictScene())
    assert host.capture_thumbnail(tmp_path / "t.png") is None
    assert thumbnails.capture(host, tmp_path / "t.png") == (None, "dict does not capture thumbnails")


def test_write_png_is_read_back(tmp_path: Path) -> None:
    path = thumbnails.write_png(tmp_path / "a.png", 7, 3, lambda x, y: (x * 30, y * 80, 300))
    assert_png(path, (7, 3)) or thumbnails.png_size(path) == (7, 3)
    assert thumbnails.png_size(tmp_path / "missing.png") is None
    with pytest.raises(ValueError):
        thumbnails.write_png(tmp_path / "b.png", 0, 3, lambda x, y: (0, 0, 0))


# -- the DCC adapters over their in-memory interfaces ------------------------------------------
def _dccs() -> dict[str, Any]:
    from splice.hosts.houdini.memory_api import MemoryHoudini
    from splice.hosts.houdini.pipeline import HoudiniHost
    from splice.hosts.maya.memory_api import MemoryMaya
    from splice.hosts.maya.pipeline import MayaHost
    from splice.hosts.nuke.memory_api import MemoryNuke
    from splice.hosts.nuke.pipeline import NukeHost

    return {
        "maya": (MayaHost, MemoryMaya),
        "houdini": (HoudiniHost, MemoryHoudini),
        "nuke": (NukeHost, MemoryNuke),
    }


@pytest.mark.parametrize("name", ["maya", "houdini", "nuke"])
def test_dcc_hosts_capture_through_their_interface(name: str, tmp_path: Path) -> None:
    host_type, api_type = _dccs()[name]
    api = api_type()
    host = host_type(api)
    assert host.capture_thumbnail(tmp_path / "batch.png") is None  # batch mode: no viewport
    assert "no viewport" in host.thumbnail_note and not (tmp_path / "batch.png").exists()

    api.interactive = True
    written = host.capture_thumbnail(tmp_path / "shot.png")
    assert written == tmp_path / "shot.png"
    assert_png(written)
    assert host.thumbnail_note == ""
    [call] = [c for c in api.calls if c[0] == "capture_viewport"]
    assert call[1:] == (str(tmp_path / "shot.png"), *thumbnails.SIZE)


@requires_bpy
def test_blender_in_background_skips_with_its_note(tmp_path: Path) -> None:
    result = run_blender(
        """
        from splice.pipeline import thumbnails
        host = BlenderHost(quiet=True)
        path = Path(os.environ["SPLICE_TEST_OUT"]) / "thumb.png"
        written, reason = thumbnails.capture(host, path)
        emit({"written": written, "reason": reason, "note": host.thumbnail_note, "exists": path.exists(),
              "background": bpy.app.background})
        """,
        tmp_path,
        env={"SPLICE_TEST_OUT": str(tmp_path)},
    )
    assert result == {
        "written": None,
        "reason": "headless: no viewport",
        "note": "headless: no viewport",
        "exists": False,
        "background": True,
    }


# -- the real adapters' calls, checked against the DCCs' stubs (maya-stubs, hou-stubs, nuke-stubs)
def test_maya_playblasts_one_frame_to_the_png(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys
    import types

    import dcc_fake_maya
    from dcc_stubs import fake_module

    from splice.hosts.maya.pipeline import MayaHost
    from splice.hosts.maya.real import CmdsScene

    class GuiCmds(dcc_fake_maya.FakeCmds):  # an interactive Maya: a viewport to playblast
        batch = False

        def about(self, **flags: Any) -> Any:
            return self.batch if flags.get("batch") else super().about(**flags)

        def currentTime(self, *args: Any, **flags: Any) -> int:
            return 1001

        def playblast(self, **flags: Any) -> str:
            thumbnails.write_png(flags["completeFilename"], *flags["widthHeight"], lambda x, y: (9, 9, 9))
            return flags["completeFilename"]

    stubs = dcc_fake_maya.cmds_stubs()
    stubs.reset()
    state = GuiCmds(stubs)
    maya = types.ModuleType("maya")
    maya.cmds = fake_module("maya.cmds", stubs, state)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "maya", maya)
    monkeypatch.setitem(sys.modules, "maya.cmds", maya.cmds)  # type: ignore[attr-defined]

    host = MayaHost(CmdsScene())
    written = host.capture_thumbnail(tmp_path / "shot.png")
    assert written == tmp_path / "shot.png" and thumbnails.png_size(written) == thumbnails.SIZE
    [call] = stubs.called("playblast")
    assert call.kwargs["frame"] == [1001] and call.kwargs["format"] == "image"
    assert call.kwargs["viewer"] is False and call.kwargs["showOrnaments"] is False
    assert call.kwargs["completeFilename"] == (tmp_path / "shot.png").as_posix()
    state.batch = True  # mayapy
    assert host.capture_thumbnail(tmp_path / "batch.png") is None
    assert host.thumbnail_note == "batch mode (mayapy): no viewport"
    assert len(stubs.called("playblast")) == 1 and stubs.violations == []


def test_houdini_and_nuke_without_a_ui_say_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import dcc_fake_hou
    import dcc_fake_nuke

    from splice.hosts.houdini.pipeline import HoudiniHost
    from splice.hosts.houdini.real import HouScene
    from splice.hosts.nuke.pipeline import NukeHost
    from splice.hosts.nuke.real import NukeApi

    with dcc_fake_hou.installed(monkeypatch) as hou:
        hou.isUIAvailable = lambda: False  # hython
        host = HoudiniHost(HouScene())
        assert host.capture_thumbnail(tmp_path / "h.png") is None
        assert host.thumbnail_note == "hython has no UI: no viewport" and hou.stubs.violations == []
    with dcc_fake_nuke.installed(monkeypatch) as nuke:
        nuke.GUI = False  # nuke -t
        host = NukeHost(NukeApi())
        assert host.capture_thumbnail(tmp_path / "n.png") is None
        assert host.thumbnail_note == "no active Viewer (nuke -t has none)" and nuke.stubs.violations == []

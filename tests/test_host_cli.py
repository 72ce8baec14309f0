"""``splice publish | load | inventory`` on scene files, headless (MemoryHost scenes), through
:func:`splice.cli.main` and once as a real ``splice`` process, as a farm runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from host_support import HERO, TEXTURE, Show, make_show

import splice
import splice.pipeline
from splice.cli import main


@pytest.fixture
def show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    client = splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")
    show = make_show(client, tmp_path, monkeypatch)
    monkeypatch.setenv("SPLICE_LOADER_PATH", str(tmp_path / "loaders"))
    return show


def _scene(show: Show, members: list[str] | None = None) -> Path:
    """A saved scene that loaded the texture and marks ``hero`` as a model instance."""
    host = show.host()
    splice.pipeline.load(host, TEXTURE, client=show.client)
    host.content["hero"] = {"mesh": "cube"}
    splice.pipeline.create(
        host, "model", "hero", options={"members": ["hero"] if members is None else members}
    )
    return host.save_file(show.root / "hero.scene")


def _run(show: Show, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """The exit code and stdout (stderr too for text; with --json, stdout only: it must parse)."""
    code = main(["--db", f"sqlite:///{show.root / 'store.db'}", "--user", "tester", *argv])
    out, err = capsys.readouterr()
    return code, out if "--json" in argv else out + err


def test_publish_a_scene_headless(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    scene = _scene(show)
    code, out = _run(show, capsys, "publish", str(scene))
    assert code == 0, out
    assert out.splitlines() == [f"Published 1 revision(s) from memory ({scene}):", f"  {HERO}?r=1"]
    revision = show.client.get_revision(f"{HERO}?r=1")
    assert revision.metadata["scene"] == str(scene)
    assert [str(e.target_kref) for e in revision.get_edges()] == [f"{TEXTURE}?r=1"]


def test_a_failed_check_exits_1_with_the_fix_and_json(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    scene = _scene(show, members=[])
    code, out = _run(show, capsys, "publish", str(scene))
    assert code == 1
    assert "✗ Instance has members on hero" in out and "Fix: add content to the instance" in out
    code, out = _run(show, capsys, "--json", "publish", str(scene))
    report = json.loads(out)
    assert code == 1 and report["stopped_at"] == "validate" and report["failures"][0]["repairable"]
    assert show.client.get_item(TEXTURE)  # the store still has only what it had
    assert not [i for i in show.client.search(kind="model")]


def test_repair_saves_the_repaired_scene(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    host = show.host()
    host.open_file(_scene(show, members=[]))
    host.set_selection(["hero"])
    scene = host.save_file()
    code, out = _run(show, capsys, "publish", str(scene), "--repair")
    assert code == 0, out
    assert "Repaired first: Instance has members on hero" in out
    saved = splice.pipeline.MemoryHost()
    saved.open_file(scene)
    assert saved.list_instances()[0].options["members"] == ["hero"]


def test_load_and_inventory_update_a_scene_file(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    scene = _scene(show)
    assert _run(show, capsys, "publish", str(scene))[0] == 0
    assert _run(show, capsys, "publish", str(scene))[0] == 0  # hero r2
    shot = show.host()
    shot.save_file(show.root / "shot.scene")
    code, out = _run(show, capsys, "load", str(show.root / "shot.scene"), f"{HERO}?r=1")
    assert code == 0 and out.startswith(f"hero_01:hero  {HERO}?r=1  (JsonLoader, json)"), out
    code, out = _run(show, capsys, "--json", "inventory", str(show.root / "shot.scene"))
    [entry] = json.loads(out)["entries"]
    assert (entry["status"], entry["current"], entry["wanted"]) == ("outdated", 1, 2)
    code, out = _run(show, capsys, "inventory", str(show.root / "shot.scene"), "--update")
    assert code == 0 and "updated 1: hero_01:hero" in out
    reopened = splice.pipeline.MemoryHost()
    reopened.open_file(show.root / "shot.scene")
    assert reopened.read_container("hero_01:hero").revision == 2


def test_unknown_host_names_the_registered_ones(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(show, capsys, "publish", str(_scene(show)), "--host", "houdini9")
    assert code == 1 and "no host adapter 'houdini9'; registered: [" in out and "'memory'" in out


def test_the_scene_file_names_its_application(show: Show, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(show, capsys, "inventory", str(show.root / "notes.txt"))
    assert code == 1 and "cannot tell which application opens" in out and ".blend (blender)" in out
    assert "--host {blender,houdini,maya,memory,nuke}" in out
    code, out = _run(show, capsys, "load", str(show.root / "shot.ma"), HERO)
    assert code == 1 and "host 'maya' cannot open scenes here" in out and "mayapy -m splice" in out
    assert not (show.root / "shot.ma").exists()


def test_a_blend_without_bpy_says_what_to_install(
    show: Show, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "bpy", None)  # this Python has no Blender module
    monkeypatch.delitem(sys.modules, "splice.hosts.blender.pipeline", raising=False)
    code, out = _run(show, capsys, "publish", str(show.root / "shot.blend"))
    assert code == 1 and "host 'blender' cannot open scenes here" in out
    assert "pip install 'splice[blender]'" in out and "Traceback" not in out


def test_publish_as_a_farm_process(show: Show) -> None:
    scene = _scene(show)
    env = {**os.environ, "SPLICE_URL": f"sqlite:///{show.root / 'store.db'}"}
    proc = subprocess.run(
        [sys.executable, "-m", "splice", "--json", "publish", str(scene)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["revisions"] == [f"{HERO}?r=1"]


def test_stdout_to_stderr_moves_c_level_writes_too(capfd: pytest.CaptureFixture[str]) -> None:
    """What an exporter writes to file descriptor 1 from C must not reach stdout under --json."""
    from splice.cli.scenes import stdout_to_stderr

    print("before", flush=True)
    with stdout_to_stderr():
        os.write(1, b"AbcExport: written by C\n")
        print("a Python print")
    print('{"json": true}')
    out, err = capfd.readouterr()
    assert out == 'before\n{"json": true}\n'
    assert "AbcExport: written by C" in err and "a Python print" in err
    with stdout_to_stderr(enabled=False):  # without --json, stdout stays stdout
        os.write(1, b"plain\n")
    assert capfd.readouterr().out == "plain\n"


def test_json_commands_print_only_json_when_a_plugin_writes_to_fd_1(
    show: Show, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = show.root / "noisy_plugins"
    folder.mkdir()
    (folder / "extract_noisy.py").write_text(
        "import os\nimport pyblish.api\n\n"
        "class ExtractNoisy(pyblish.api.InstancePlugin):\n"
        "    order = pyblish.api.ExtractorOrder\n"
        "    def process(self, instance):\n"
        "        os.write(1, b'exporter chatter on fd 1\\n')\n"
        "        print('exporter chatter from Python')\n"
    )
    monkeypatch.setenv("PYBLISHPLUGINPATH", str(folder))
    scene = _scene(show)
    db = f"sqlite:///{show.root / 'store.db'}"
    code = main(["--db", db, "--user", "tester", "--json", "publish", str(scene)])
    out, err = capfd.readouterr()
    assert code == 0 and json.loads(out)["revisions"] == [f"{HERO}?r=1"]
    assert "exporter chatter on fd 1" in err and "exporter chatter from Python" in err

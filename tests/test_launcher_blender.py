"""A real DCC through the launcher: Debian's Blender started in the background with the
shot's environment; from inside Blender a script records what splice sees."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from launcher_support import SHOT, isolate, make_studio, wait_for_json
from packages_support import published_snapshot as build_snapshot

import splice
from splice.launcher.launch import prepare, start

BLENDER = "/usr/bin/blender"
STARTUP = (
    Path(splice.__file__).parent.parent / "hosts" / "blender" / "scripts" / "startup" / "splice_startup.py"
)

pytestmark = pytest.mark.skipif(
    not (os.path.exists(BLENDER) and os.access(BLENDER, os.X_OK)),
    reason="Debian's blender is not installed (.ci/run installs it: apt-get install blender)",
)

PROBE = """
import json, os, sys
out = {"python": sys.version, "env_context": os.environ.get("SPLICE_CONTEXT")}
try:
    import splice, splice.pipeline
    from splice.pipeline.current import current
    out["splice"] = splice.__file__
    out["installed"] = splice.pipeline.is_installed()
    if out["installed"]:
        host = current()
        out["name"] = host.name
        out["version"] = host.version
        out["context"] = host.get_context().to_dict()
    import splice_assets.show_env_kitchen_model as kitchen
    out["kitchen"] = kitchen.KREF
    import bpy
    out["bpy"] = bpy.app.version_string
except Exception as exc:
    out["error"] = repr(exc)
with open(os.environ["PROBE_OUT"] + ".tmp", "w") as f:
    json.dump(out, f)
os.replace(os.environ["PROBE_OUT"] + ".tmp", os.environ["PROBE_OUT"])
"""


@pytest.fixture(scope="session")
def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(tmp_path_factory)


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.mark.parametrize(
    "pythonpath",
    [
        pytest.param(True, id="PYTHONPATH"),
        # official Blender builds ignore PYTHONPATH: splice's start-up adds SPLICE_PYTHONPATH itself
        pytest.param(False, id="like-an-official-build"),
    ],
)
def test_blender_starts_in_the_shot_with_the_splice_host_installed(
    published_snapshot: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    uv_cache: Path,
    pythonpath: bool,
) -> None:
    isolate(monkeypatch, tmp_path, uv_cache)
    client = make_studio(published_snapshot, tmp_path)
    config = tmp_path / "studio.toml"
    config.write_text(f"""
[workspace]
root = "{tmp_path / "workspaces"}"
repos = {{ blessed = "{tmp_path / "repos" / "blessed"}" }}
[apps.blender]
args = ["-b"]  # not --factory-startup: it skips the user scripts (splice's start-up)
""")
    # Blender's own user folders stay out of the test
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    out = tmp_path / "inside.json"
    monkeypatch.setenv("PROBE_OUT", str(out))
    launch = prepare(
        client, SHOT, "animation", "blender", config_paths=[config], extra_args=["--python", str(probe)]
    )
    client.close()
    assert launch.executable in (BLENDER, shutil.which("blender"))
    assert launch.env["SPLICE_PYTHONPATH"].split(os.pathsep)[-1] in launch.env["PYTHONPATH"]
    if not pythonpath:
        del launch.env["PYTHONPATH"]
        monkeypatch.delenv("PYTHONPATH", raising=False)
    started = start(launch)
    try:
        assert started.process.wait(timeout=180) == 0, started.log.read_text()
    finally:
        if started.process.poll() is None:
            started.process.kill()
    inside = wait_for_json(out, timeout=10)
    log = started.log.read_text()
    assert "error" not in inside, f"{inside.get('error')}\n{log}"
    assert inside["python"].startswith("3.11"), inside
    assert inside["splice"].endswith(os.path.join("splice", "__init__.py"))
    assert inside["kitchen"] == "kref://show/env/kitchen.model?r=3"  # the shot's workspace
    assert inside["env_context"] == SHOT
    assert STARTUP.exists()
    assert inside["installed"] is True, log
    assert inside["name"] == "blender"
    assert inside["version"].startswith(inside["bpy"].split()[0][:3])
    assert inside["context"] == {"project": "show", "space": SHOT, "task": "animation"}

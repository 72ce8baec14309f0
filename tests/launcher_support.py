"""Helpers of the launcher tests: a show with shots in a real SQLite store whose asset
packages are published in real folder repos, a studio configuration, and fake apps:
real executables that write what they were started with (environment, argv, cwd, and
what they can import) to a JSON file."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest
from packages_support import KITCHEN, copy_snapshot, store

import splice

SHOT = "kref://show/shots/sq010/sh010"
OTHER_SHOT = "kref://show/shots/sq010/sh020"

FAKE_APP = """#!{python}
import json, os, sys
found = {{}}
try:
    import splice_assets.show_env_kitchen_model as kitchen
    found["kitchen"] = kitchen.KREF
except ImportError as exc:
    found["kitchen"] = None
try:
    import splice
    found["splice"] = splice.__file__
except ImportError:
    found["splice"] = None
out = {{"env": dict(os.environ), "argv": sys.argv, "cwd": os.getcwd(), "imports": found,
       "pid": os.getpid(), "sid": os.getsid(0) if hasattr(os, "getsid") else None,
       "stdin": os.path.realpath("/proc/self/fd/0") if os.path.exists("/proc/self/fd/0") else None}}
with open({out!r} + ".tmp", "w") as f:
    json.dump(out, f)
os.replace({out!r} + ".tmp", {out!r})
print("fake app ran", flush=True)
"""


def fake_app(folder: Path, name: str = "fakeapp") -> Path:
    """An executable (a Python script) that writes ``<name>.json`` beside itself. It runs
    with the launcher's environment and python3 from the system (not the test venv)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    python = fake_app_python()
    script.write_text(FAKE_APP.format(python=python, out=str(script) + ".json"))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def fake_app_python() -> str:
    """The fake app's own Python: the system's, as a DCC embeds its own."""
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def wait_for_json(path: Path, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file():
            return json.loads(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written within {timeout} s")


def write_config(tmp_path: Path, app: Path, extra: str = "") -> Path:
    """A studio configuration: the fake app as ``fake`` 1.0 (host blender) and 2.0, and
    ``mayafake`` (host maya), workspaces under tmp_path, the blessed repo."""
    config = tmp_path / "studio.toml"
    config.write_text(f"""
[workspace]
root = "{tmp_path / "workspaces"}"
install_from = ["blessed"]
repos = {{ blessed = "{tmp_path / "repos" / "blessed"}" }}

[apps.fake]
label = "Fake"
host = "blender"
python = "{fake_app_python()}"
args = ["--from-config"]
[apps.fake.versions."1.0"]
linux = "{app}"
darwin = "{app}"
[apps.fake.versions."2.0"]
linux = "{app}"
darwin = "{app}"
args = ["--v2"]
env = {{ FAKE_VERSION = "two" }}

[apps.mayafake]
host = "maya"
python = "{fake_app_python()}"
[apps.mayafake.versions."2025"]
linux = "{app}"
darwin = "{app}"
{extra}
""")
    return config


def make_studio(snapshot: Path, tmp_path: Path) -> splice.Client:
    """A copy of the packages tests' published show, with shots: sh010 needs the kitchen
    (metadata ``packages``), sh020 nothing; the project's root is ``tmp_path/projects/show``."""
    copy_snapshot(snapshot, tmp_path)
    client = store(tmp_path)
    show = client.get_project("show")
    show.set_metadata({"root": str(tmp_path / "projects" / "show")})
    sq010 = show.create_space("shots").create_space("sq010")
    sq010.create_space("sh010", metadata={"packages": KITCHEN})
    sq010.create_space("sh020")
    return client


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, uv_cache: Path) -> None:
    """No splice settings from the outside; logs and uv's cache in test folders."""
    for key in list(os.environ):
        if key.startswith("SPLICE_") or key in (
            "PYTHONPATH",
            "PYBLISHPLUGINPATH",
            "HOUDINI_PATH",
            "NUKE_PATH",
        ):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SPLICE_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("UV_CACHE_DIR", str(uv_cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    # splice's import folder and the probed versions: shared by the session, out of the home folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(uv_cache.with_name("xdg-cache")))

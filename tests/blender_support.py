"""Running scenarios in a real Blender: the ``bpy`` module (4.5, Python 3.11) in a subprocess.

``bpy`` is one Blender per process, with global state no test could undo, so the pytest
process never imports it: :func:`run_blender` writes a scenario script, runs it with
``sys.executable`` (a fresh Blender, an empty factory scene) and returns the JSON the script
passed to ``emit``. Each run gets its own store: ``SPLICE_URL`` (SQLite in ``tmp_path``),
``SPLICE_FILE_STORE`` and ``SPLICE_FILE_CACHE`` (folders in ``tmp_path``); several runs
with one ``tmp_path`` share them, like several artists' Blenders share a studio's store.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

HAS_BPY = importlib.util.find_spec("bpy") is not None  # finds it without importing Blender
requires_bpy = pytest.mark.skipif(
    not HAS_BPY, reason="needs Blender as a Python module: pip install 'splice[blender]' (bpy 4.5, Py 3.11)"
)
blender = [pytest.mark.slow, requires_bpy]
"""Marks of a real-Blender test (``pytestmark = blender``)."""

RESULT = "SPLICE-TEST-RESULT:"

PRELUDE = '''
import json, os, sys
from pathlib import Path


def _exit_on_error(kind, value, tb):  # bpy can hang in its exit clean-up: leave at once
    import traceback

    traceback.print_exception(kind, value, tb)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


sys.excepthook = _exit_on_error

import bpy

FACTORY = os.environ.get("SPLICE_TEST_FACTORY", "1") == "1"
if FACTORY:
    bpy.ops.wm.read_factory_settings(use_empty=True)

import splice
from splice.errors import AlreadyExistsError, NotFoundError, SpliceError, ValidationError
from splice.pipeline import Container, Context, Host, Instance
from splice.hosts.blender import LOADERS_DIR, PLUGINS_DIR
from splice.hosts.blender.pipeline import BlenderHost

TMP = Path(os.environ["SPLICE_TEST_TMP"])


def emit(value):
    print(os.environ["SPLICE_TEST_RESULT"] + json.dumps(value, default=str), flush=True)


def raises(exc_type, fn, *args, **kwargs):
    """The message of the exc_type fn raises (AssertionError when it raises nothing)."""
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        return str(exc)
    raise AssertionError(f"{fn} did not raise {exc_type.__name__}")


def cube(name, collection=None, size=1.0, location=(0.0, 0.0, 0.0)):
    """A mesh cube object (made with the data API, no operator)."""
    import bmesh

    mesh = bpy.data.meshes.new(name + "_mesh")
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=size)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    obj.location = location
    (collection or bpy.context.scene.collection).objects.link(obj)
    return obj


def plugins(*names):
    """The pyblish plug-ins of the Blender adapter, by class name."""
    import pyblish.api
    import pyblish.plugin

    pyblish.api.register_host("blender")  # as splice.pipeline.current.install(BlenderHost()) does
    found = {p.__name__: p for p in pyblish.plugin.discover(paths=[str(PLUGINS_DIR)])}
    return [found[n] for n in names]


def pyblish_instance(host, name, staging):
    """A pyblish instance made as the core's collectors make it (the host contract)."""
    import pyblish.api

    context = pyblish.api.Context()
    context.data["splice.pipeline"] = host
    record = next(i for i in host.list_instances() if i.name == name)
    instance = context.create_instance(record.name)
    staging = Path(staging)
    staging.mkdir(parents=True, exist_ok=True)
    instance.data.update(
        family=record.kind, families=[record.kind], kind=record.kind, item=record.item,
        options=dict(record.options), stagingDir=str(staging), representations=[],
    )
    instance.data["splice.instance"] = record
    return instance


def process(plugin, instance):
    """Run one plug-in on one instance; the error it raised (message, fix) or None."""
    try:
        plugin().process(instance)
    except Exception as exc:
        return {"type": type(exc).__name__, "message": str(exc), "fix": getattr(exc, "fix", None)}
    return None
'''


def blender_env(tmp_path: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a scenario: this one without splice's variables, the store, file
    store and cache in ``tmp_path``, then ``env`` (an empty value removes a variable)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SPLICE_", "PYBLISH"))}
    base.update(
        SPLICE_URL=f"sqlite:///{tmp_path / 'store.db'}",
        SPLICE_USER="tester",
        SPLICE_FILE_STORE=str(tmp_path / "files"),
        SPLICE_FILE_CACHE=str(tmp_path / "cache"),
        SPLICE_TEST_TMP=str(tmp_path),
        SPLICE_TEST_RESULT=RESULT,
        PYTHONUNBUFFERED="1",
    )
    for key, value in (env or {}).items():
        if value:
            base[key] = value
        else:
            base.pop(key, None)
    return base


def run_cli(args: list[str], tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``splice ARGS`` (``python -m splice``) in the scenario environment of ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-m", "splice", *args],
        env=blender_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_blender(script: str, tmp_path: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Any:
    """Run ``script`` (after :data:`PRELUDE`) in a fresh Blender; the value it ``emit``-ted.

    ``env`` adds to (or, with an empty string, removes from) the environment; the store
    and file-store variables point into ``tmp_path``.
    """
    runs = sorted(tmp_path.glob("blender_run_*.py"))
    path = tmp_path / f"blender_run_{len(runs):02d}.py"
    # os._exit: bpy can hang in its exit clean-up after UI classes were registered
    epilogue = "\nsys.stdout.flush()\nsys.stderr.flush()\nos._exit(0)\n"
    path.write_text(PRELUDE + "\n" + textwrap.dedent(script) + epilogue, encoding="utf-8")
    base = blender_env(tmp_path, env)
    proc = subprocess.run(
        [sys.executable, str(path)], env=base, cwd=tmp_path, capture_output=True, text=True, timeout=timeout
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stdout + "\n" + proc.stderr).splitlines()[-60:])
        pytest.fail(f"Blender scenario {path.name} failed (exit {proc.returncode}):\n{tail}", pytrace=False)
    return json.loads(lines[-1][len(RESULT) :])


PUBLISH_HERO = """
from splice.pipeline import current, create, inventory, load, loaders_for
from splice.pipeline.publish import publish

client = splice.connect()


def ensure_assets():
    try:
        client.get_space("kref://show/assets")
    except NotFoundError:
        client.create_project("show").create_space("assets")


def publish_hero(parts, representations=("blend", "abc", "usd", "gltf"), scene="hero", name="hero"):
    \"\"\"A fresh scene with the cubes ``parts`` ({name: (size, z)}) published as <name>.model,
    repairing what the validators can (the cubes are placed with unapplied transforms).\"\"\"
    ensure_assets()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    host = BlenderHost()
    host.set_context(Context(project="show", space="kref://show/assets", task="model"))
    for part, (size, z) in parts.items():
        cube(part, size=size, location=(0.0, 0.0, z))
    create(host, "model", name, options={"members": list(parts), "representations": list(representations)})
    host.save_file(TMP / f"{scene}.blend")
    report = publish(host, client, paths=[PLUGINS_DIR], repair=True)
    assert report.success, report.to_text()
    return report
"""

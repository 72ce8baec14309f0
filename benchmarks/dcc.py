"""``python -m benchmarks.dcc``: what splice costs inside a real DCC (Debian's Blender 3.4).

- ``startup``: Blender started headless until it quits (``-b --python-expr`` that exits),
  bare (no splice, an empty user scripts folder) and as ``splice launch`` starts it (its
  runtime, the merged user scripts folder, splice's start-up module installing the host,
  the menu and the context). The rounds alternate bare and splice, so load on the machine
  hits both alike. Goal: splice adds < 0.3 s (median). Toolkit's Houdini start-up hang and
  AYON's double-loaded Maya scenes are what artists complain about.
- ``publish``: inside one launched Blender, the splice menu's Publish of a small model
  (a .blend of a few objects) timed from the click to the revision committed, beside the
  export alone (``bpy.data.libraries.write`` of the same collection: what the extractor
  does). The rounds each make a new revision.
- ``tools``: each artist tool opened by the splice menu's entry (``bpy.ops.splice.tool``)
  until its window is painted, then closed; rounds of every tool. The first open of a
  session starts Qt (imports PySide6, makes the QApplication) and is shown apart from the
  opens after it. Measured in the ``bpy`` module (4.5, Qt offscreen) and, when Xvfb is
  installed, in a Blender 3.4 launched on a virtual display (its runtime's PySide6, Qt's
  events pumped by splice's timer in Blender's own loop). Goal: opening any window adds
  < 0.5 s inside the host (the p95 of the opens, and the first one).

p50 / p95 / max of each are printed; ``--json FILE`` writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import MS, fmt, percentile

BLENDER = "/usr/bin/blender"
GOAL_ADDED_S = 0.3
GOAL_TOOL_OPEN_S = 0.5
QUIT = ["-b", "--python-expr", "import sys; sys.exit(0)"]

PUBLISH_SCRIPT = """
import json, os, tempfile, time
import bpy
from splice.pipeline import create
from splice.pipeline.current import current
host = current()
for i in range(4):
    bpy.ops.mesh.primitive_uv_sphere_add(location=(i * 2.0, 0, 0))
    bpy.context.active_object.name = f"part{i}_GEO"
bpy.data.objects["Cube"].name = "body_GEO"
bpy.ops.object.select_all(action="SELECT")
bpy.ops.object.transform_apply(location=True, rotation=True, scale=True)  # as a modeller delivers
members = ["body_GEO"] + [f"part{i}_GEO" for i in range(4)]
create(host, "model", "crate", options={"members": members, "representations": ["blend"]})
host.save_file(os.environ["BENCH_SCENE"])
rounds = int(os.environ["BENCH_ROUNDS"])
click, export = [], []
collection = bpy.data.collections["crate"]
for _ in range(rounds + 1):  # the first is a warm-up
    t0 = time.perf_counter()
    assert bpy.ops.splice.publish() == {"FINISHED"}
    click.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        bpy.data.libraries.write(os.path.join(tmp, "crate.blend"), {collection}, path_remap="ABSOLUTE",
                                 fake_user=True)
        export.append(time.perf_counter() - t0)
with open(os.environ["BENCH_OUT"], "w") as f:
    json.dump({"click": click[1:], "export": export[1:]}, f)
"""


TOOLS_SCRIPT = """
import json, os, sys, time
import bpy


def measure(rounds):
    from splice.tools import _open, hosting

    opens = []  # [round, tool, seconds from the click to the painted window]
    for r in range(rounds + 1):
        for name, _label in hosting.tool_entries():
            t0 = time.perf_counter()
            assert bpy.ops.splice.tool(tool=name) == {"FINISHED"}  # the first one imports Qt
            from qtpy import QtWidgets

            QtWidgets.QApplication.instance().processEvents()  # shown and painted
            opens.append([r, name, time.perf_counter() - t0])
            _open[name].close()
            QtWidgets.QApplication.instance().processEvents()
    with open(os.environ["BENCH_OUT"], "w") as f:
        json.dump(opens, f)


ROUNDS = int(os.environ["BENCH_ROUNDS"])
if os.environ.get("BENCH_MODULE") == "1":  # the bpy module: no event loop, run at once
    bpy.ops.wm.read_factory_settings(use_empty=True)
    import splice.hosts.blender

    splice.hosts.blender.install()
    measure(ROUNDS)
    sys.stdout.flush()
    os._exit(0)

TICKS = []


def heartbeat():
    TICKS.append(time.perf_counter())
    del TICKS[:-10]
    return 0.02


def later():  # once Blender's first (software GL) draws are done: its loop turns freely
    if len(TICKS) < 10 or max(b - a for a, b in zip(TICKS, TICKS[1:])) > 0.1:
        return 0.05
    measure(ROUNDS)
    bpy.ops.wm.quit_blender()
    return None


bpy.context.preferences.view.show_splash = False
bpy.app.timers.register(heartbeat, first_interval=0.0, persistent=True)
bpy.app.timers.register(later, first_interval=0.5, persistent=True)
"""


def _studio(root: Path) -> tuple[Any, Path]:
    import splice

    client = splice.connect(f"sqlite:///{root / 'bench.db'}", user="bench")
    show = client.create_project("bench", metadata={"files.store": str(root / "files")})
    show.create_space("assets")
    config = root / "studio.toml"
    config.write_text(f'[workspace]\nroot = "{root / "workspaces"}"\n[apps.blender]\nargs = []\n')
    return client, config


def _seed(client: Any) -> None:
    """The assets a Loader lists: 40 items, two revisions each."""
    assets = client.get_space("kref://bench/assets")
    for i in range(40):
        item = assets.create_item(f"asset{i:02d}", ("model", "texture", "rig")[i % 3])
        for n in range(2):
            item.create_revision(metadata={"artist": "bench", "comment": f"pass {n + 1}"})


def _xvfb(log: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """A virtual X display on a free number (None: no Xvfb); Xvfb names it once it serves."""
    if shutil.which("Xvfb") is None:
        return None
    read, write = os.pipe()
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x900x24", "-nolisten", "tcp"],
            pass_fds=[write],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        number = pipe.readline().strip()
    if not number:
        server.terminate()
        return None
    return server, f":{number.decode()}"


def _tool_stats(opens: list[list[Any]]) -> dict[str, Any]:
    first = opens[0]
    later = [s for r, _name, s in opens if r > 0]
    per_tool = {name: s for r, name, s in opens if r == 0}
    return {
        "first": {"tool": first[1], "s": first[2]},
        "first_of_each": per_tool,
        "opens": _stats(later),
        "passed": first[2] < GOAL_TOOL_OPEN_S and percentile(later, 95) < GOAL_TOOL_OPEN_S,
    }


def tools(root: Path, rounds: int) -> dict[str, Any]:
    """The tools' opening times in the bpy module and (with Xvfb) in a launched Blender."""
    from splice.launcher.launch import prepare, start

    client, config = _studio(root)
    _seed(client)
    script = root / "tools.py"
    script.write_text(TOOLS_SCRIPT)
    out: dict[str, Any] = {"goal_s": GOAL_TOOL_OPEN_S}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SPLICE_", "QT_"))}
    env = {
        **base,
        "SPLICE_URL": f"sqlite:///{root / 'bench.db'}",
        "SPLICE_CONTEXT": "kref://bench/assets",
        "SPLICE_TASK": "lookdev",
        "QT_QPA_PLATFORM": "offscreen",
        "BENCH_MODULE": "1",
        "BENCH_ROUNDS": str(rounds),
        "BENCH_OUT": str(root / "module.json"),
    }
    subprocess.run(  # stderr: Qt offscreen's notes on what it cannot do (raise a window…)
        [sys.executable, str(script)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    out["bpy_module"] = _tool_stats(json.loads((root / "module.json").read_text()))
    display = _xvfb(root / "xvfb.log")
    if display is not None:
        server, name = display
        saved = {k: os.environ.get(k) for k in ("DISPLAY", "QT_QPA_PLATFORM", "BENCH_OUT", "BENCH_ROUNDS")}
        os.environ.update(
            DISPLAY=name,
            QT_QPA_PLATFORM="xcb",
            BENCH_OUT=str(root / "launched.json"),
            BENCH_ROUNDS=str(rounds),
        )
        try:
            args = ["--python-exit-code", "1", "--python", str(script)]
            launch = prepare(
                client, "kref://bench/assets", "lookdev", "blender", config_paths=[config], extra_args=args
            )
            started = start(launch, root / "logs")
            if started.process.wait(timeout=600) != 0 or not (root / "launched.json").is_file():
                log = started.log.read_text(errors="replace")[-3000:]
                raise SystemExit(f"the launched Blender opening the tools failed:\n{log}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        out["launched"] = _tool_stats(json.loads((root / "launched.json").read_text()))
    client.close()
    return out


def _stats(seconds: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(seconds, 50),
        "p95": percentile(seconds, 95),
        "max": max(seconds),
        "n": len(seconds),
    }


def _timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def startup(root: Path, rounds: int) -> dict[str, Any]:
    from splice.launcher.launch import prepare

    client, config = _studio(root)
    launch = prepare(
        client, "kref://bench/assets", "modeling", "blender", config_paths=[config], extra_args=QUIT
    )
    client.close()
    bare_env = {k: v for k, v in os.environ.items() if not k.startswith(("SPLICE_", "PYTHON", "BLENDER_"))}
    bare_env["BLENDER_USER_SCRIPTS"] = str(root / "empty-scripts")  # no add-ons of anyone's
    bare, spliced = [], []
    _timed([launch.executable, *QUIT], bare_env)  # warm the disk cache for both
    _timed(launch.argv, launch.env)
    for _ in range(rounds):
        bare.append(_timed([launch.executable, *QUIT], bare_env))
        spliced.append(_timed(launch.argv, launch.env))
    added = [s - b for s, b in zip(spliced, bare, strict=True)]
    return {
        "app": f"blender {launch.version} ({launch.executable})",
        "bare": _stats(bare),
        "splice": _stats(spliced),
        "added_p50": percentile(spliced, 50) - percentile(bare, 50),
        "added_pairs": _stats(added),
        "goal_added_s": GOAL_ADDED_S,
        "passed": percentile(spliced, 50) - percentile(bare, 50) < GOAL_ADDED_S,
    }


def publish(root: Path, rounds: int) -> dict[str, Any]:
    from splice.launcher.launch import prepare, start

    client, config = _studio(root)
    script = root / "publish.py"
    script.write_text(PUBLISH_SCRIPT)
    os.environ.update(
        BENCH_OUT=str(root / "publish.json"), BENCH_SCENE=str(root / "crate.blend"), BENCH_ROUNDS=str(rounds)
    )
    args = ["-b", "--python-exit-code", "1", "--python", str(script)]
    launch = prepare(
        client, "kref://bench/assets", "modeling", "blender", config_paths=[config], extra_args=args
    )
    started = start(launch, root / "logs")
    if started.process.wait(timeout=600) != 0:
        raise SystemExit(f"the publishing Blender failed:\n{started.log.read_text(errors='replace')[-3000:]}")
    times = json.loads((root / "publish.json").read_text())
    revisions = len(client.get_item("kref://bench/assets/crate.model").get_revisions())
    client.close()
    return {"click": _stats(times["click"]), "export": _stats(times["export"]), "revisions": revisions}


def _ms(stats: dict[str, float]) -> str:
    return "  ".join(f"{k} {fmt(stats[k] * 1000, MS)}" for k in ("p50", "p95", "max"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dcc", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    if not os.access(BLENDER, os.X_OK):
        print(f"benchmarks.dcc: {BLENDER} is not installed (apt-get install blender)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="splice-bench-dcc-") as tmp:
        root = Path(tmp)
        os.environ["SPLICE_LOG_DIR"] = str(root / "logs")
        os.environ["HOME"] = str(root / "home")  # the artist's own Blender folders stay out
        s = startup(root / "startup", args.rounds)
        p = publish(root / "publish", args.rounds)
        t = tools(root / "tools", args.rounds)
        shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"dcc: {s['app']}, {args.rounds} rounds, load {load:.2f}, {os.cpu_count()} cores")
    print(f"  start-up, bare          {_ms(s['bare'])}")
    print(f"  start-up, with splice   {_ms(s['splice'])}")
    verdict = "PASS" if s["passed"] else "FAIL"
    print(
        f"  added by splice         {s['added_p50'] * 1000:.0f} ms (p50 of each; pairs: "
        f"p95 {s['added_pairs']['p95'] * 1000:.0f} ms, max {s['added_pairs']['max'] * 1000:.0f} ms)"
        f"   goal < {GOAL_ADDED_S * 1000:.0f} ms  {verdict}"
    )
    print(f"  Publish clicked → committed  {_ms(p['click'])}   ({p['revisions']} revisions)")
    print(f"  the export alone             {_ms(p['export'])}")
    ratio = p["click"]["p50"] / p["export"]["p50"] if p["export"]["p50"] else float("inf")
    print(f"  publish / export             {ratio:.1f}x (p50)")
    for where, title in (("bpy_module", "bpy 4.5 module, offscreen"), ("launched", "launched Blender, Xvfb")):
        if where not in t:
            print(f"  tools in a {title}: not measured (needs Xvfb: apt-get install xvfb)")
            continue
        figures = t[where]
        verdict = "PASS" if figures["passed"] else "FAIL"
        print(
            f"  tool window opens ({title})  {_ms(figures['opens'])}   first (Qt starts: "
            f"{figures['first']['tool']}) {figures['first']['s'] * 1000:.0f} ms"
            f"   goal < {GOAL_TOOL_OPEN_S * 1000:.0f} ms  {verdict}"
        )
    passed = s["passed"] and all(t[w]["passed"] for w in ("bpy_module", "launched") if w in t)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"startup": s, "publish": p, "tools": t, "load": load}, indent=2)
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

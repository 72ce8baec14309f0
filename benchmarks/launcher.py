"""``python -m benchmarks.launcher``: from a context to the DCC process started, workspace warm.

- ``launch``: :func:`splice.launcher.launch.prepare` (configuration, context and task
  checked in the store, app found, the shot's workspace checked up to date, environment
  composed, hooks) then :func:`~splice.launcher.launch.start` (a detached process with its
  log), median over ``--rounds``; beside a bare ``subprocess.Popen`` of the same executable
  with the same arguments. Goal: < 1 s (a Rez resolve alone takes a median 1.09 s on 2 vCPU).
- ``cli``: the same through ``splice launch`` in a new process (Python start-up included),
  until it returns with the pid and the log.

The shot needs ``--packages`` asset packages (built and published to a folder repo first,
not timed). The app is Debian's ``/usr/bin/blender`` (``-b --python-expr`` that quits) when
installed, else ``/bin/true``; every started process is waited for outside the timing.
Needs the packages extra (``pip install 'splice[packages]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_S = 1.0
SHOT = "kref://bench/shots/sq010/sh010"


def _studio(root: Path, packages: int) -> tuple[Any, Path]:
    """A store with ``packages`` published props that the shot needs; the config file."""
    import splice
    from splice.packages import set_package
    from splice.packages.publish import publish
    from splice.packages.repos import FolderRepo

    client = splice.connect(f"sqlite:///{root / 'bench.db'}", user="bench")
    project = client.create_project("bench")
    props = project.create_space("props")
    repo = FolderRepo("blessed", root / "repos" / "blessed")
    reqs = []
    for i in range(packages):
        rev = props.create_item(f"prop{i:02d}", "model").create_revision()
        set_package(rev, "1.0.0")
        publish(rev, repo)
        reqs.append(f"kref://bench/props/prop{i:02d}.model")
    shots = project.create_space("shots").create_space("sq010")
    shots.create_space("sh010", metadata={"packages": "\n".join(reqs)})
    config = root / "studio.toml"
    config.write_text(f'[workspace]\nroot = "{root / "workspaces"}"\nrepos = {{ blessed = "{repo.path}" }}\n')
    return client, config


def _app() -> tuple[str, list[str]]:
    if os.access("/usr/bin/blender", os.X_OK):
        return "blender", ["-b", "--python-expr", "import sys; sys.exit(0)"]
    return "true", []


def run(packages: int, rounds: int) -> dict[str, Any]:
    from splice.launcher.launch import prepare, start

    app, args = _app()
    with tempfile.TemporaryDirectory(prefix="splice-bench-launcher-") as tmp:
        root = Path(tmp)
        os.environ["SPLICE_LOG_DIR"] = str(root / "logs")
        os.environ["UV_CACHE_DIR"] = str(root / "uv-cache")  # the first launch is really cold
        client, config = _studio(root, packages)
        if app == "true":
            with open(config, "a") as f:
                f.write(
                    f'[apps.true]\n[apps.true.versions."1"]\nlinux = "{shutil.which("true")}"\n'
                    f'darwin = "{shutil.which("true")}"\n'
                )
        t0 = time.perf_counter()
        first = prepare(client, SHOT, "animation", app, config_paths=[config], extra_args=args)
        cold = time.perf_counter() - t0
        start(first).process.wait()

        launch_s, popen_s = [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            started = start(prepare(client, SHOT, "animation", app, config_paths=[config], extra_args=args))
            launch_s.append(time.perf_counter() - t0)
            started.process.wait()
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                first.argv,
                env=first.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            popen_s.append(time.perf_counter() - t0)
            proc.wait()

        cli_s = []
        cli = [
            sys.executable,
            "-m",
            "splice",
            "--db",
            str(root / "bench.db"),
            "launch",
            app,
            "--context",
            SHOT,
            "--task",
            "animation",
            "--config",
            str(config),
            "--json",
            "--watch",  # the timing ends when splice launch returns, not when the app quits
            "0",
            "--args",
            *args,
        ]
        for _ in range(rounds):
            t0 = time.perf_counter()
            out = subprocess.run(cli, capture_output=True, text=True, check=True)
            cli_s.append(time.perf_counter() - t0)
            pid = json.loads(out.stdout)["pid"]
            _wait_pid(pid)
        client.close()
    launch, popen, cli_med = statistics.median(launch_s), statistics.median(popen_s), statistics.median(cli_s)
    return {
        "app": f"{first.app} {first.version} ({first.executable})",
        "packages": packages,
        "rounds": rounds,
        "cold_seconds": cold,
        "launch_seconds": launch,
        "popen_seconds": popen,
        "cli_seconds": cli_med,
        "goal_seconds": GOAL_S,
        "passed": launch < GOAL_S,
    }


def _wait_pid(pid: int, timeout: float = 120.0) -> None:
    """Wait for a process this one did not start (the CLI's detached child)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.launcher", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--packages", type=int, default=10, help="asset packages the shot needs (default 10)")
    parser.add_argument("--rounds", type=int, default=7, help="launches timed, median (default 7)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    if args.packages < 0 or args.rounds < 1:
        parser.error("--packages must be >= 0 and --rounds >= 1")
    r = run(args.packages, args.rounds)
    print(
        f"launcher: {r['app']}, a shot of {r['packages']} asset packages, median of {r['rounds']}, "
        f"load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores"
    )
    print(
        f"  launch (warm)  {r['launch_seconds'] * 1000:.0f} ms   "
        f"bare Popen {r['popen_seconds'] * 1000:.1f} ms   "
        f"(goal < {GOAL_S:g} s)  {'PASS' if r['passed'] else 'FAIL'}"
    )
    print(f"  splice launch  {r['cli_seconds'] * 1000:.0f} ms  (a new process, Python start-up included)")
    print(f"  first launch   {r['cold_seconds']:.2f} s  (the workspace made: uv venv + install + lock)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 1 if args.strict and not r["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks.packages``: a workspace of 50 asset packages from a folder repo.

One asset (``bench/shots/sh010.layout``) requires 49 others; all 50 are built by
splice and published to a folder repo (``simple/`` index). Then, in the same run
and on the same repo:

- splice: ``Workspace.add([sh010])`` into a fresh workspace (its inputs venv is
  made beforehand, untimed), with a cold uv cache (a new, empty one) and a warm one;
- bare uv: ``uv pip install --index-url file://…/simple NAME`` into a fresh venv,
  cold and warm;
- pip: ``pip install --index-url file://…/simple NAME`` into a fresh venv (its cache
  warm, no configuration: ``PIP_CONFIG_FILE=/dev/null``).

Goals: warm < 0.5 s and within 1.5x of bare uv; cold < 2 s; >= 10x faster than pip.
Each time is the median of ``--rounds`` rounds.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _setup(root: Path, count: int) -> tuple[str, str]:
    """Build and publish ``count`` packages; return (index URL, top package name)."""
    import splice
    from splice.packages import dist_name, set_package
    from splice.packages.build import build_revision
    from splice.packages.repos import FolderRepo

    client = splice.connect(f"sqlite:///{root / 'store.db'}", user="bench")
    project = client.create_project("bench")
    assets = project.create_space("assets")
    revisions = []
    for i in range(count - 1):
        rev = assets.create_item(f"a{i:03d}", "model").create_revision()
        rev.create_artifact("mesh", f"/mnt/bench/a{i:03d}.abc", metadata={"sha256": f"{i:064x}"})
        set_package(rev, "1.0.0")
        revisions.append(rev)
    top = project.create_space("shots").create_item("sh010", "layout").create_revision()
    set_package(top, "1.0.0", [str(r.item_kref) for r in revisions])
    revisions.append(top)
    repo = FolderRepo("blessed", root / "blessed")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        wheels = list(pool.map(lambda r: build_revision(r, root / "dist"), revisions))
    for rev, wheel in zip(revisions, wheels, strict=True):
        repo.publish(wheel, str(rev.kref), rev.number)
    client.close()
    return repo.index_url, dist_name(top.item_kref)


def _uv() -> str:
    from splice.packages.installer import uv_bin

    return uv_bin()


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update(UV_CACHE_DIR=str(cache), PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {proc.stderr[-2000:]}")


def _median(rounds: int, prepare: Callable[[int], object], timed: Callable[[object], None]) -> float:
    times = []
    for i in range(rounds):
        state = prepare(i)
        started = time.perf_counter()
        timed(state)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(count: int = 50, rounds: int = 3, with_pip: bool = True) -> dict:
    from splice.packages.workspace import Workspace

    root = Path(tempfile.mkdtemp(prefix="splice-bench-packages-"))
    saved = {k: os.environ.get(k) for k in ("UV_CACHE_DIR", "SPLICE_REPOS", "XDG_CONFIG_HOME")}
    try:
        started = time.perf_counter()
        url, top = _setup(root, count)
        setup_s = time.perf_counter() - started
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        os.environ.pop("SPLICE_REPOS", None)
        repo_path = str(root / "blessed")
        warm_cache = root / "cache-warm"
        counter = iter(range(10_000))

        def fresh_cache() -> Path:
            return root / f"cache-cold-{next(counter)}"

        def splice_prepare(cache: Path) -> Workspace:
            os.environ["UV_CACHE_DIR"] = str(cache)
            return Workspace.create(root / f"ws-{next(counter)}", {"blessed": repo_path})

        def splice_add(ws: object) -> None:
            ws.add([top])  # type: ignore[attr-defined]

        def uv_prepare(cache: Path, seed: bool = False) -> tuple[str, dict[str, str]]:
            env = _env(cache)
            path = root / f"venv-{next(counter)}"
            _run(
                [
                    _uv(),
                    "venv",
                    "--quiet",
                    "--python",
                    sys.executable,
                    *(["--seed"] if seed else []),
                    str(path),
                ],
                env,
            )
            return str(path / "bin" / "python"), env

        def uv_install(state: object) -> None:
            python, env = state  # type: ignore[misc]
            _run([_uv(), "pip", "install", "--quiet", "--python", python, "--index-url", url, top], env)

        def pip_install(state: object) -> None:
            python, env = state  # type: ignore[misc]
            _run([python, "-m", "pip", "install", "--quiet", "--index-url", url, top], env)

        # one warm-up fills the warm cache (and pip's)
        splice_add(splice_prepare(warm_cache))
        figures = {
            "splice_warm": _median(rounds, lambda i: splice_prepare(warm_cache), splice_add),
            "uv_warm": _median(rounds, lambda i: uv_prepare(warm_cache), uv_install),
            "splice_cold": _median(rounds, lambda i: splice_prepare(fresh_cache()), splice_add),
            "uv_cold": _median(rounds, lambda i: uv_prepare(fresh_cache()), uv_install),
        }
        if with_pip:
            pip_cache = root / "pip-cache"
            os.environ["PIP_CACHE_DIR"] = str(pip_cache)

            def pip_prepare(i: int) -> tuple[str, dict[str, str]]:
                python, env = uv_prepare(warm_cache, seed=True)
                return python, {**env, "PIP_CACHE_DIR": str(pip_cache)}

            pip_install(pip_prepare(0))  # warm pip's cache
            figures["pip_warm"] = _median(rounds, pip_prepare, pip_install)
            os.environ.pop("PIP_CACHE_DIR", None)
        return {"packages": count, "rounds": rounds, "setup_s": setup_s, "seconds": figures}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)


def report(result: dict) -> tuple[list[str], bool]:
    s = result["seconds"]
    checks = [
        ("warm", s["splice_warm"], "< 0.500 s", s["splice_warm"] < 0.5, "bare uv warm", s["uv_warm"]),
        ("cold", s["splice_cold"], "< 2.000 s", s["splice_cold"] < 2.0, "bare uv cold", s["uv_cold"]),
        (
            "warm vs uv",
            s["splice_warm"] / s["uv_warm"],
            "<= 1.5x",
            s["splice_warm"] <= 1.5 * s["uv_warm"],
            "",
            0,
        ),
    ]
    if "pip_warm" in s:
        speedup = s["pip_warm"] / s["splice_warm"]
        checks.append(("vs pip", speedup, ">= 10x faster", speedup >= 10, "pip (warm cache)", s["pip_warm"]))
    lines = [
        f"workspace of {result['packages']} asset packages from a folder repo "
        f"(median of {result['rounds']} rounds; setup: build + publish {result['setup_s']:.1f} s)",
        "",
        f"{'figure':<12} {'value':>10}  {'goal':<14} {'':<4}  baseline",
    ]
    passed = True
    for name, value, goal, ok, base_name, base in checks:
        passed &= ok
        shown = f"{value:.3f} s" if goal.endswith(" s") else f"{value:.2f}x"
        baseline = f"{base_name} {base:.3f} s" if base_name else ""
        lines.append(f"{name:<12} {shown:>10}  {goal:<14} {'PASS' if ok else 'FAIL':<4}  {baseline}")
    return lines, passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.packages", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--packages", type=int, default=50, help="asset packages in the workspace (default 50)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per figure (default 3)")
    parser.add_argument("--no-pip", action="store_true", help="leave pip out")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    result = measure(args.packages, args.rounds, not args.no_pip)
    lines, passed = report(result)
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps({**result, "passed": passed}, indent=2))
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())

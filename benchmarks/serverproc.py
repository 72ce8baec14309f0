"""Servers and client processes for ``python -m benchmarks.server``.

:class:`Server` runs ``splice serve`` in a subprocess on 127.0.0.1 (a free port)
and makes its tenant and token with the server's own admin tooling (``splice
tenant add``, ``splice token create``, which edit the control store). The
functions at the bottom run in client processes (a ``spawn`` pool): each opens
its own connection (its own ``requests.Session``), waits for a common start time
and reports what it did. :func:`run_wrk` drives the load generator ``wrk`` (Debian's
``wrk``) instead, so that the server's throughput is not capped by Python clients.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from splice.server.local import HOST, LocalServer


def splice_cli(*args: str, timeout: float = 60.0) -> str:
    """Run ``python -m splice ARGS`` (the server's admin tooling); its stdout."""
    env = {k: v for k, v in os.environ.items() if k not in ("SPLICE_URL", "SPLICE_TOKEN")}
    done = subprocess.run([sys.executable, "-m", "splice", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"splice {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class Server(LocalServer):
    """``splice serve`` on 127.0.0.1 and a free port; tenants made with the server's own CLI."""

    def cli_tenant(self, tenant: str, user: str = "bench", role: str = "admin") -> str:
        """Add ``tenant`` and a token for ``user`` with ``role`` on every project: the token."""
        where = ("--db", self.db, "--data-dir", str(self.data_dir))  # PostgreSQL: its control store
        splice_cli("tenant", "add", tenant, *where)
        out = splice_cli("token", "create", "--user", user, "--tenant", tenant, "--role", role,
                         "--label", "benchmarks", *where, "--json")
        return json.loads(out)["token"]


# -- client processes ---------------------------------------------------------------------
def _wait_until(start_at: float) -> None:
    pause = start_at - time.time()
    if pause > 0:
        time.sleep(pause)


def hit(task: tuple[str, str, str, list[str], float, float]) -> dict[str, Any]:
    """One client of the throughput figure: ``kind`` "resolve" (one kref per request, through
    ``splice.connect(url)``) or "health" (bare GET /health on the same session), as fast as it
    can from ``start_at`` for ``seconds``. Returns how many it did and when."""
    import splice

    kind, url, token, krefs, start_at, seconds = task
    client = splice.connect(url, token=token, user="bench")
    session = client.backend._session
    health = url + "/health"
    resolve = client.resolve
    krefs = krefs or [""]
    n = len(krefs)
    done = 0
    _wait_until(start_at)
    started = time.time()
    stop = started + seconds
    if kind == "health":
        while time.time() < stop:
            session.get(health, timeout=10).raise_for_status()
            done += 1
    else:
        while time.time() < stop:
            resolve(krefs[done % n])
            done += 1
    ended = time.time()
    client.close()
    return {"pid": os.getpid(), "done": done, "started": started, "ended": ended}


def publish(task: tuple[str, str | None, str, int, float]) -> dict[str, Any]:
    """One client of the concurrent-publish figure: ``count`` publishes (one
    ``batch_create_revisions`` of one revision each) into ``item``; the numbers it got."""
    import splice

    url, token, item, count, start_at = task
    options = {"token": token} if token else {}
    client = splice.connect(url, user="bench", **options)
    numbers = []
    _wait_until(start_at)
    started = time.time()
    for i in range(count):
        rev = client.batch_create_revisions([{"item": item, "metadata": {"pid": str(os.getpid()),
                                                                          "i": str(i)}}])[0]
        numbers.append(rev.number)
    ended = time.time()
    client.close()
    return {"pid": os.getpid(), "numbers": numbers, "started": started, "ended": ended}


def warm(_: object = None) -> int:
    """Import what the clients need, so the pool's start-up is not timed."""
    import splice.engines.remote  # noqa: F401

    time.sleep(0.2)  # so that each process of the pool takes one
    return os.getpid()


# -- wrk ------------------------------------------------------------------------------------
WRK_THREADS, WRK_CONNECTIONS = 2, 16
_WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('SPLICE_WRK {"requests":%d,"duration_us":%d,"socket_errors":%d,'
    .. '"status_errors":%d,"p50_us":%d,"p99_us":%d}\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""
_WRK_POST = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local bodies = {%(bodies)s}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n %% #bodies) + 1])
end
"""


def wrk_missing() -> str | None:
    return None if shutil.which("wrk") else "wrk is not installed (apt-get install wrk)"


def wrk_script(folder: Path, name: str, token: str | None = None, bodies: list[str] | None = None) -> Path:
    """A wrk Lua script: GET (no ``bodies``) or POST of ``bodies`` in turn with the token; it
    prints its summary as one ``SPLICE_WRK {json}`` line."""
    text = _WRK_DONE
    if bodies:
        if any("]==]" in b for b in bodies):
            raise ValueError("a body holds ']==]'")
        quoted = ",".join(f"[==[{b}]==]" for b in bodies)  # Lua long strings: no escapes
        text = _WRK_POST % {"token": token, "bodies": quoted} + text
    path = folder / f"{name}.lua"
    path.write_text(text)
    return path


def run_wrk(url: str, script: Path, seconds: float, threads: int = WRK_THREADS,
            connections: int = WRK_CONNECTIONS) -> dict[str, Any]:
    """``wrk`` on ``url`` (127.0.0.1 only) for ``seconds`` (whole, at least 1): requests/s and
    its summary (requests, socket and non-2xx errors, latency p50/p99 in ms)."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"wrk runs against {HOST} only, not {url}")
    secs = max(1, round(seconds))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{secs}s", "--timeout", "5s", "-s", str(script), url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SPLICE_WRK ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}")
    got = json.loads(line.split(" ", 1)[1])
    seconds_run = got["duration_us"] / 1e6
    return {"rate": got["requests"] / seconds_run, "requests": got["requests"], "seconds": seconds_run,
            "socket_errors": got["socket_errors"], "status_errors": got["status_errors"],
            "p50_ms": got["p50_us"] / 1000, "p99_ms": got["p99_us"] / 1000,
            "threads": threads, "connections": connections}

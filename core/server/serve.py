"""``splice serve``: first start, then uvicorn.

Several ``splice serve`` on one PostgreSQL database (on one machine or several) are one
service: they share the tenant stores and the control store (users, tokens, roles) in
that database, writers of a store commit one after another whichever server they came
through, and each committed event wakes the event streams of every server
(``LISTEN``/``NOTIFY``). Each can stop (SIGTERM) without loss: requests in flight finish,
event streams end cleanly (:mod:`.shutdown`) and their clients resume from their cursor.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from . import shutdown
from .config import CONFIG_ENV, ServerConfig, is_sqlite, safe_url
from .control import open_control
from .protocol import NoDelayHTTPProtocol

PROTOCOL = "splice.server.serve:ClosingHTTPProtocol"  # uvicorn's `http` (an import string: workers too)
GRACEFUL_SECONDS = 30  # a request still running this long after SIGTERM is cancelled


class ClosingHTTPProtocol(NoDelayHTTPProtocol):
    """uvicorn's HTTP protocol with ``TCP_NODELAY``, ending event streams when shutdown begins."""

    def shutdown(self) -> None:
        shutdown.begin()
        super().shutdown()


def first_start(config: ServerConfig, out: TextIO = sys.stdout) -> str | None:
    """Create the first admin when the control store has no user, and print its token once."""
    control = open_control(config)
    try:
        imported = getattr(control, "imported", None)
        if imported:
            rows = ", ".join(f"{n} {table}" for table, n in imported.items())
            print(f"splice: took in the control store {config.control_path} ({rows})", file=out)
        token = control.bootstrap()
    finally:
        control.close()
    if token is not None:
        print("splice: first start: created tenant 'default' and user 'admin' (admin role).", file=out)
        print(f"splice: admin token (shown once, keep it safe): {token}", file=out, flush=True)
    return token


def serve(config: ServerConfig, out: TextIO = sys.stdout) -> int:
    """Run the server until interrupted."""
    import uvicorn

    first_start(config, out)
    workers = config.workers
    if workers > 1 and is_sqlite(config.db):
        print(
            "splice: SQLite stores are served by one worker (--workers ignored); use "
            "--db postgresql://… for several",
            file=out,
            flush=True,
        )
        workers = 1
    where = config.control_path if is_sqlite(config.db) else "schema 'control' of the --db database"
    print(
        f"splice: serving {safe_url(config.db)} on http://{config.host}:{config.port} "
        f"(control store {where})",
        file=out,
        flush=True,
    )
    options = {
        "host": config.host,
        "port": config.port,
        "log_level": "warning",
        "http": PROTOCOL,
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }
    if workers == 1:
        from .app import create_app

        uvicorn.run(create_app(config), **options)
    else:
        os.environ[CONFIG_ENV] = config.to_env()
        uvicorn.run("splice.server.app:app_from_env", factory=True, workers=workers, **options)
    return 0

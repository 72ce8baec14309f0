"""``splice serve``: first start, then uvicorn."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from .config import CONFIG_ENV, ServerConfig, is_sqlite, safe_url
from .control import ControlStore


def first_start(config: ServerConfig, out: TextIO = sys.stdout) -> str | None:
    """Create the first admin when the control store has no user, and print its token once."""
    control = ControlStore(config.control_path)
    try:
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
    print(
        f"splice: serving {safe_url(config.db)} on http://{config.host}:{config.port} "
        f"(control store {config.control_path})",
        file=out,
        flush=True,
    )
    from .protocol import NAME as HTTP_PROTOCOL  # TCP_NODELAY on every connection (see there)

    if workers == 1:
        from .app import create_app

        uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="warning",
                    http=HTTP_PROTOCOL)
    else:
        os.environ[CONFIG_ENV] = config.to_env()
        uvicorn.run(
            "splice.server.app:app_from_env",
            factory=True,
            workers=workers,
            host=config.host,
            port=config.port,
            log_level="warning",
            http=HTTP_PROTOCOL,
        )
    return 0

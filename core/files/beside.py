"""Remote-store transfers run beside a DCC, in a Python that has dvc.

A DCC's Python gets splice's light runtime (no dvc: a hundred packages that would slow
its start and could shadow its own libraries). When a project's store is a dvc remote
(S3, SSH, cloud…), :mod:`splice.files.odb` hands each transfer to this module run as
``$SPLICE_TOOLS_PYTHON -m splice.files.beside`` — the launcher sets that to its own
Python, which has ``splice[files]``. One JSON request on stdin, one JSON answer on
stdout; an error comes back as its message, raised here as :class:`FileStoreError`.
The objects move between the remote and the local cache, which both processes share.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .errors import FileStoreError

TOOLS_PYTHON = "SPLICE_TOOLS_PYTHON"
_TIMEOUT = 24 * 3600  # a transfer of a whole plate over a slow link may take hours


def call(op: str, **request: Any) -> dict[str, Any]:
    """Run ``op`` (``missing``, ``transfer``) beside this process; its answer."""
    from .odb import IN_BESIDE

    python = os.environ.get(TOOLS_PYTHON, "").strip()
    if not python:
        raise FileStoreError(
            f"this Python ({sys.executable}, {sys.version.split()[0]}) has no dvc to reach a remote "
            f"file store: start the app with `splice launch`, or set {TOOLS_PYTHON} to a Python "
            "that has splice[files] (pip install 'splice[files]')"
        )
    # the tools Python has its own libraries: the DCC's import path must not shadow them
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env[IN_BESIDE] = "1"
    try:
        proc = subprocess.run(
            [python, "-m", "splice.files.beside"],
            input=json.dumps({"op": op, **request}),
            capture_output=True,
            text=True,
            env=env,
            timeout=_TIMEOUT,
        )
    except OSError as exc:
        raise FileStoreError(f"{TOOLS_PYTHON}={python} cannot be run: {exc.strerror or exc}") from None
    try:
        answer = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
    except ValueError:
        answer = {}
    if proc.returncode != 0 or "error" in answer or not answer:
        message = answer.get("error") or proc.stderr.strip()[-2000:] or f"exit status {proc.returncode}"
        raise FileStoreError(f"{message} (run by {python} beside this application)")
    return answer


def serve(request: dict[str, Any]) -> dict[str, Any]:
    """Do one request (in the tools Python)."""
    from . import odb

    op = request.get("op")
    if op == "missing":
        store = odb.from_description(request["store"])
        return {"missing": sorted(odb.missing(store, request["oids"]))}
    if op == "transfer":
        src, dest = odb.from_description(request["src"]), odb.from_description(request["dest"])
        return {"transferred": odb.transfer(src, dest, request["oid"])}
    raise FileStoreError(f"unknown request {op!r} (allowed: missing, transfer)")


def main() -> int:
    from ..errors import SpliceError

    try:
        answer = serve(json.loads(sys.stdin.read()))
    except (SpliceError, ValueError, KeyError, TypeError) as exc:
        print(json.dumps({"error": str(exc) or type(exc).__name__}))
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Running uv: install sources from repos, and failures turned into clear errors.

uv reads neither ``pip.conf`` nor ``PIP_*`` variables; splice always passes the
sources itself: the repos' indexes (the first as ``--index-url``, which also
keeps the public index out), the workspace's ``external_packages/`` as
``--find-links``, and the public index only when asked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .errors import ResolutionError, ToolError
from .names import is_asset_name, kref_of
from .repos import Repo

PUBLIC_INDEX = "https://pypi.org/simple/"


def uv_bin() -> str:
    """The uv executable: the ``uv`` package's, else one on ``PATH``."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found:
            return found
    raise ToolError("uv is not installed: pip install 'splice[packages]' (or put uv on PATH)")


def source_args(repos: Sequence[Repo], find_links: Sequence[Path] = (), public: bool = False) -> list[str]:
    """uv/pip options naming exactly these sources."""
    args: list[str] = []
    urls = [r.index_url for r in repos]
    if public:
        urls.append(PUBLIC_INDEX)
    if urls:
        args += ["--index-url", urls[0]]
        for url in urls[1:]:
            args += ["--extra-index-url", url]
    else:
        args.append("--no-index")
    for folder in find_links:
        if Path(folder).is_dir():
            args += ["--find-links", str(folder)]
    return args


def uv_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_INDEX", "UV_EXTRA_INDEX", "PIP_"))}
    env.setdefault("UV_NO_PROGRESS", "1")
    return env


def run_uv(args: Sequence[str], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``uv ARGS``; a failed resolution raises :class:`ResolutionError` with uv's
    chain of requirements, names shown as krefs."""
    proc = subprocess.run(
        [uv_bin(), *args], capture_output=True, text=True, cwd=cwd, env=uv_env(), timeout=600
    )
    if proc.returncode != 0:
        text = re.sub(r"(?m)^error: ", "", proc.stderr.strip() or proc.stdout.strip())
        chain = [line.strip() for line in text.splitlines() if line.strip()]
        if "No solution found" in text or "not found in the" in text or "unsatisfiable" in text:
            explained = with_krefs(text)
            raise ResolutionError(f"{what}: the requirements cannot all be met:\n{explained}", chain)
        raise ToolError(f"{what}: uv failed ({proc.returncode}):\n{text}")
    return proc


_DIST = re.compile(r"\b[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,}\b")


def with_krefs(text: str) -> str:
    """``show-props-table-model`` → ``show-props-table-model (kref://show/props/table.model)``."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(0)
        if name.count("-") >= 2 and is_asset_name(name):
            return f"{name} ({kref_of(name)})"
        return name

    return _DIST.sub(sub, text)

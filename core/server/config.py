"""Where a server keeps its stores: the tenant stores and the control store."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

CONFIG_ENV = "SPLICE_SERVER_CONFIG"  # how `splice serve --workers N` hands the config to workers
MIB = 1024 * 1024


def is_sqlite(url: str) -> bool:
    """A plain path or a ``sqlite:`` URL (anything without another ``scheme://``)."""
    return url.startswith("sqlite:") or "://" not in url


def sqlite_file(url: str) -> Path:
    """The path a SQLite URL or plain path names."""
    from ..engines.sqlite import sqlite_path

    return sqlite_path(url)


def sqlite_is_dir(url: str) -> bool:
    """A SQLite ``--db`` names a directory of tenant stores unless it is (or looks like) a file."""
    path = sqlite_file(url)
    if path.is_file():
        return False
    return path.is_dir() or path.suffix == ""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("splice", appauthor=False)) / "server"


@dataclass(frozen=True)
class ServerConfig:
    """``db``: the base store URL (a SQLite directory or file, or ``postgresql://…``);
    ``data_dir``: the control store (``control.db``) and, for SQLite, ``tenants/``."""

    db: str
    data_dir: str
    host: str = "127.0.0.1"
    port: int = 8765
    workers: int = 1
    max_body: int = 16 * MIB
    heartbeat: float = 5.0  # seconds between SSE comments on an idle stream
    max_open_stores: int = 64

    @classmethod
    def resolve(cls, db: str | None = None, data_dir: str | None = None, **kw: object) -> ServerConfig:
        """Fill in the defaults: no ``db`` means SQLite stores in the data dir."""
        if db is None:
            base = Path(data_dir) if data_dir else default_data_dir()
            return cls(db=str(base.resolve()), data_dir=str(base.resolve()), **kw)  # type: ignore[arg-type]
        if is_sqlite(db):
            path = sqlite_file(db).resolve()
            folder = path if sqlite_is_dir(db) else path.parent
            db = "sqlite:///" + str(path) if db.startswith("sqlite:") else str(path)
            return cls(db=db, data_dir=str(Path(data_dir).resolve() if data_dir else folder), **kw)  # type: ignore[arg-type]
        return cls(db=db, data_dir=str(Path(data_dir).resolve() if data_dir else default_data_dir()), **kw)  # type: ignore[arg-type]

    @property
    def control_path(self) -> Path:
        return Path(self.data_dir) / "control.db"

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServerConfig:
        text = os.environ.get(CONFIG_ENV)
        if not text:
            raise RuntimeError(f"{CONFIG_ENV} is not set: start workers with `splice serve`")
        return cls(**json.loads(text))


def safe_url(url: str) -> str:
    """``url`` without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


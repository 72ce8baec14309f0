"""The server's configuration (a pydantic model): where it keeps its stores (the tenant
stores and the control store), where it listens, its limits."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..documents import CLOSED, Allowed, validate
from ..errors import ValidationError

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


class ServerConfig(BaseModel):
    """``db``: the base store URL (a SQLite directory or file, or ``postgresql://…``);
    ``data_dir``: packages/ and, for SQLite, the control store (``control.db``) and ``tenants/``
    (with PostgreSQL the control store is in the database: :func:`~.control.open_control`).

    Made from ``splice serve``'s options, or read from ``$SPLICE_SERVER_CONFIG`` (JSON, how
    ``--workers N`` hands it to the workers; an ASGI server of your own may set it and
    serve ``splice.server.app:app_from_env``). The JSON Schema is ``docs/schemas/server.json``."""

    model_config = ConfigDict(**CLOSED, frozen=True, title="splice server configuration")

    db: Annotated[str, StringConstraints(min_length=1), Allowed("a store URL or folder")] = Field(
        description="the base store: a folder of SQLite tenant stores, a .db file, or postgresql://…"
    )
    data_dir: Annotated[str, StringConstraints(min_length=1), Allowed("a folder")] = Field(
        description="packages/, and with SQLite the control store (control.db)"
    )
    host: str = Field("127.0.0.1", description="the address to listen on")
    port: Annotated[int, Field(ge=0, le=65535), Allowed("a port number (0 to 65535)")] = Field(
        8765, description="the port to listen on"
    )
    workers: Annotated[int, Field(ge=1), Allowed("a number of processes (1 or more)")] = Field(
        1, description="uvicorn worker processes (more than 1 only with PostgreSQL)"
    )
    max_body: Annotated[int, Field(ge=1), Allowed("a number of bytes (1 or more)")] = Field(
        16 * MIB, description="the largest request body, in bytes"
    )
    heartbeat: Annotated[float, Field(gt=0), Allowed("a number of seconds (more than 0)")] = Field(
        5.0, description="seconds between SSE comments on an idle event stream"
    )
    max_open_stores: Annotated[int, Field(ge=1), Allowed("a number of stores (1 or more)")] = Field(
        64, description="tenant stores kept open at once"
    )

    @classmethod
    def of(cls, values: Mapping[str, Any], where: str = "server configuration") -> ServerConfig:
        """``values`` checked: an error names ``where``, the key and what is allowed."""
        return validate(cls, dict(values), where, ValidationError)

    @classmethod
    def resolve(cls, db: str | None = None, data_dir: str | None = None, **kw: Any) -> ServerConfig:
        """Fill in the defaults: no ``db`` means SQLite stores in the data dir."""
        if db is None:
            base = Path(data_dir) if data_dir else default_data_dir()
            return cls.of({"db": str(base.resolve()), "data_dir": str(base.resolve()), **kw})
        if is_sqlite(db):
            path = sqlite_file(db).resolve()
            folder = path if sqlite_is_dir(db) else path.parent
            db = "sqlite:///" + str(path) if db.startswith("sqlite:") else str(path)
        else:
            folder = default_data_dir()
        return cls.of({"db": db, "data_dir": str(Path(data_dir).resolve() if data_dir else folder), **kw})

    @property
    def control_path(self) -> Path:
        """The SQLite control store (with PostgreSQL: the one taken in when the database's is empty)."""
        return Path(self.data_dir) / "control.db"

    def to_env(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_env(cls) -> ServerConfig:
        text = os.environ.get(CONFIG_ENV)
        if not text:
            raise RuntimeError(f"{CONFIG_ENV} is not set: start workers with `splice serve`")
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"${CONFIG_ENV} is not valid JSON: {exc}") from None
        return cls.of(data, f"${CONFIG_ENV}")


def safe_url(url: str) -> str:
    """``url`` without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))

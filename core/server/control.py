"""The control store: tenants, users, hashed API tokens and role grants.

Where it lives follows the store (:func:`open_control`):

- SQLite deployments: a small SQLite file, ``<data dir>/control.db``. Several workers
  (and several servers on one machine, sharing the data dir) share it through WAL.
- PostgreSQL deployments: the ``control`` schema of the ``--db`` database
  (:mod:`.control_pg`), so that every ``splice serve`` on that database, on any
  machine, knows the same users and tokens: one service.

Both are :class:`BaseControlStore`; only connections and the dialect differ.

Tokens are ``spl_`` + ``secrets.token_urlsafe(32)`` (256 random bits). Only their
SHA-256 is stored: a slow password hash protects guessable secrets, but a 256-bit
random token cannot be guessed, so one fast hash is enough and keeps each request cheap.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AlreadyExistsError, NotFoundError, ValidationError
from ..times import now_stamp

if TYPE_CHECKING:
    from .config import ServerConfig

TOKEN_PREFIX = "spl_"
ROLES = ("viewer", "artist", "supervisor", "admin")
ALL_PROJECTS = "*"
DEFAULT_TENANT = "default"
_TENANT = re.compile(r"^[a-z][a-z0-9_]{0,47}\Z")  # also a PostgreSQL schema suffix
_USER = re.compile(r"^[\w][\w.@+-]{0,127}\Z")
_PROJECT = re.compile(r"^(?:\*|[^\W][\w-]{0,127})\Z")
_TOUCH_EVERY = 60.0  # seconds between last-used updates of one token

TABLES = ("tenants", "users", "tokens", "grants")  # in the order their references need
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id {user_id}, tenant TEXT NOT NULL REFERENCES tenants(name), name TEXT NOT NULL,
    created_at TEXT NOT NULL, UNIQUE (tenant, name));
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '', service INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
    last_used_at TEXT, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS grants (
    user_id INTEGER NOT NULL REFERENCES users(id), project TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (user_id, project));
"""


def check_tenant(name: object) -> str:
    if not isinstance(name, str) or not _TENANT.match(name):
        raise ValidationError(
            f"tenant name {name!r} is not allowed: lower-case ASCII letters, digits and '_', "
            "starting with a letter (at most 48)"
        )
    return name


def check_user(name: object) -> str:
    if not isinstance(name, str) or not _USER.match(name):
        raise ValidationError(
            f"user name {name!r} is not allowed: letters, digits, '_', '.', '@', '+' and '-' (at most 128)"
        )
    return name


def check_role(role: object) -> str:
    if role not in ROLES:
        raise ValidationError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


def check_project(project: object) -> str:
    if not isinstance(project, str) or not _PROJECT.match(project):
        raise ValidationError(f"project {project!r} must be a project name or '*' (every project)")
    return project


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: a token's user, in one tenant, with its grants."""

    tenant: str
    user: str
    token_id: str
    service: bool
    roles: dict[str, str] = field(default_factory=dict)  # project (or '*') -> role
    actor: str = ""  # who writes: the user, or the X-Splice-Act-As name

    @property
    def is_admin(self) -> bool:
        return self.roles.get(ALL_PROJECTS) == "admin"


@dataclass(frozen=True)
class TokenInfo:
    id: str
    user: str
    label: str
    service: bool
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


def schema_statements(user_id: str) -> list[str]:
    """The control store's tables, ``user_id`` the dialect's auto-numbered key."""
    return [sql.strip() for sql in _SCHEMA.format(user_id=user_id).split(";") if sql.strip()]


class BaseControlStore:
    """The control store's logic, written once in '?' SQL both dialects take. A subclass
    gives connections: ``_read()`` (one statement or several, no transaction needed) and
    ``_write()`` (one transaction, reentrant: bootstrap's steps commit together), the
    dialect's ``_touch_sql``. Every write transaction is serialized (SQLite's ``BEGIN
    IMMEDIATE``, a PostgreSQL advisory lock), so a check before an insert holds."""

    where = ""  # where it lives, for printing

    def __init__(self) -> None:
        self._local = threading.local()
        self._touched: dict[str, float] = {}

    def _read(self) -> Any:
        raise NotImplementedError

    def _write(self) -> Any:
        raise NotImplementedError

    def _touch_sql(self, sql: str, params: tuple[Any, ...]) -> None:
        """Run an advisory update (last use) without waiting for other writers."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- tenants and users --------------------------------------------------------------
    def add_tenant(self, name: str) -> None:
        check_tenant(name)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM tenants WHERE name = ?", (name,)).fetchone() is not None:
                raise AlreadyExistsError(f"tenant {name!r} already exists")
            conn.execute("INSERT INTO tenants VALUES (?, ?)", (name, now_stamp()))

    def list_tenants(self) -> list[str]:
        with self._read() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM tenants ORDER BY name").fetchall()]

    def _tenant_exists(self, conn: Any, tenant: str) -> None:
        if conn.execute("SELECT 1 FROM tenants WHERE name = ?", (tenant,)).fetchone() is None:
            raise NotFoundError(f"tenant {tenant!r} does not exist (create it with `splice tenant add`)")

    def add_user(self, tenant: str, name: str) -> None:
        check_user(name)
        with self._write() as conn:
            self._tenant_exists(conn, tenant)
            # checked first: a PostgreSQL transaction cannot go on after a failed statement
            if (
                conn.execute("SELECT 1 FROM users WHERE tenant = ? AND name = ?", (tenant, name)).fetchone()
                is not None
            ):
                raise AlreadyExistsError(f"user {name!r} already exists in tenant {tenant!r}")
            conn.execute(
                "INSERT INTO users (tenant, name, created_at) VALUES (?, ?, ?)", (tenant, name, now_stamp())
            )

    def list_users(self, tenant: str) -> list[dict[str, object]]:
        with self._read() as conn:
            self._tenant_exists(conn, tenant)
            users = conn.execute(
                "SELECT id, name, created_at FROM users WHERE tenant = ? ORDER BY name", (tenant,)
            ).fetchall()
            return [
                {"name": name, "created_at": created, "roles": self._grants(conn, uid)}
                for uid, name, created in users
            ]

    def has_users(self) -> bool:
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def _user_id(self, conn: Any, tenant: str, name: str) -> int:
        row = conn.execute("SELECT id FROM users WHERE tenant = ? AND name = ?", (tenant, name)).fetchone()
        if row is None:
            raise NotFoundError(f"user {name!r} does not exist in tenant {tenant!r}")
        return row[0]

    @staticmethod
    def _grants(conn: Any, user_id: int) -> dict[str, str]:
        return dict(conn.execute("SELECT project, role FROM grants WHERE user_id = ?", (user_id,)).fetchall())

    # -- roles ---------------------------------------------------------------------------
    def grant(self, tenant: str, user: str, role: str, project: str = ALL_PROJECTS) -> None:
        check_role(role)
        check_project(project)
        with self._write() as conn:
            uid = self._user_id(conn, tenant, user)
            conn.execute(
                "INSERT INTO grants VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, project) DO UPDATE SET role = excluded.role",
                (uid, project, role),
            )

    def revoke_role(self, tenant: str, user: str, project: str = ALL_PROJECTS) -> bool:
        check_project(project)
        with self._write() as conn:
            uid = self._user_id(conn, tenant, user)
            return (
                conn.execute("DELETE FROM grants WHERE user_id = ? AND project = ?", (uid, project)).rowcount
                > 0
            )

    # -- tokens ----------------------------------------------------------------------------
    def create_token(self, tenant: str, user: str, label: str = "", service: bool = False) -> tuple[str, str]:
        """A new token of ``user``: ``(id, secret)``. The secret is shown once and not kept."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = "tok_" + secrets.token_hex(6)
        with self._write() as conn:
            uid = self._user_id(conn, tenant, user)
            conn.execute(
                "INSERT INTO tokens (id, user_id, hash, label, service, created_at) VALUES (?,?,?,?,?,?)",
                (token_id, uid, token_hash(secret), label, int(service), now_stamp()),
            )
        return token_id, secret

    def revoke_token(self, token_or_id: str, tenant: str | None = None) -> str:
        """Revoke by id (``tok_…``) or by the secret itself; ``tenant`` limits where to look.
        Returns the id."""
        key = "hash" if token_or_id.startswith(TOKEN_PREFIX) else "id"
        value = token_hash(token_or_id) if key == "hash" else token_or_id
        with self._write() as conn:
            row = conn.execute(
                f"SELECT t.id, u.tenant FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.{key} = ?",
                (value,),
            ).fetchone()
            if row is None or (tenant is not None and row[1] != tenant):
                raise NotFoundError(f"no token {token_or_id[:12]!r}… in this tenant")
            conn.execute(
                "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", (now_stamp(), row[0])
            )
            return row[0]

    def list_tokens(self, tenant: str, user: str | None = None) -> list[TokenInfo]:
        sql = (
            "SELECT t.id, u.name, t.label, t.service, t.created_at, t.last_used_at, t.revoked_at"
            " FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.tenant = ?"
        )
        args: list[object] = [tenant]
        if user is not None:
            sql += " AND u.name = ?"
            args.append(user)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY t.created_at, t.id", args).fetchall()
        return [TokenInfo(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    def authenticate(self, secret: str) -> Principal | None:
        """The principal of a live token, or ``None`` (unknown or revoked)."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        with self._read() as conn:  # the token and its user's grants in one statement (one round trip)
            rows = conn.execute(
                "SELECT t.id, t.service, u.name, u.tenant, g.project, g.role FROM tokens t"
                " JOIN users u ON u.id = t.user_id LEFT JOIN grants g ON g.user_id = u.id"
                " WHERE t.hash = ? AND t.revoked_at IS NULL",
                (token_hash(secret),),
            ).fetchall()
        if not rows:
            return None
        token_id, service, name, tenant = rows[0][:4]
        roles = {project: role for *_, project, role in rows if project is not None}
        self._touch(token_id)
        return Principal(tenant, name, token_id, bool(service), roles, name)

    def _touch(self, token_id: str) -> None:
        """Record the last use, at most once a minute per token, and never wait for it."""
        now = time.monotonic()
        if now - self._touched.get(token_id, -_TOUCH_EVERY) < _TOUCH_EVERY:
            return
        self._touched[token_id] = now
        self._touch_sql("UPDATE tokens SET last_used_at = ? WHERE id = ?", (now_stamp(), token_id))

    # -- first start ------------------------------------------------------------------------
    def bootstrap(self) -> str | None:
        """With no user at all: tenant ``default``, user ``admin`` (admin everywhere) and its
        token, returned once. ``None`` when users exist already. One transaction: of
        servers starting together on one control store, one makes the admin."""
        with self._write():
            if self.has_users():
                return None
            if DEFAULT_TENANT not in self.list_tenants():
                self.add_tenant(DEFAULT_TENANT)
            self.add_user(DEFAULT_TENANT, "admin")
            self.grant(DEFAULT_TENANT, "admin", "admin")
            return self.create_token(DEFAULT_TENANT, "admin", label="first start")[1]


class ControlStore(BaseControlStore):
    """The SQLite control store at ``path`` (created on first use)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.where = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._conn()
        for statement in schema_statements("INTEGER PRIMARY KEY"):  # IF NOT EXISTS: safe for several
            conn.execute(statement)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        yield self._conn()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        if self._local.depth:  # inside a write already: part of it
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            self._local.depth = 0
        conn.execute("COMMIT")

    def _touch_sql(self, sql: str, params: tuple[Any, ...]) -> None:
        conn = self._conn()
        try:
            conn.execute("PRAGMA busy_timeout = 50")
            conn.execute(sql, params)
        except sqlite3.OperationalError:
            pass  # busy: last-used is advisory
        finally:
            conn.execute("PRAGMA busy_timeout = 30000")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def open_control(config: ServerConfig) -> BaseControlStore:
    """The control store of a server: in its PostgreSQL database (schema ``control``) when
    ``--db`` is PostgreSQL, so every server on that database shares it; else the SQLite file
    in the data dir. A PostgreSQL one empty at first takes in the data dir's ``control.db``."""
    from .config import is_sqlite

    if is_sqlite(config.db):
        return ControlStore(config.control_path)
    from .control_pg import PgControlStore

    return PgControlStore(config.db, legacy=config.control_path)

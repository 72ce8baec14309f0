"""The schema in SQLite's dialect, and its in-place upgrades.

``PRAGMA user_version`` holds the number of migrations applied. Opening a
store applies the missing ones, each in its own transaction; a store newer
than this splice is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3

from ..errors import SchemaError
from . import schema

DIALECT = {
    "pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "int": "INTEGER",
    "text": "TEXT",
    "without_rowid": "WITHOUT ROWID",
}
MIGRATIONS: tuple[tuple[str, ...], ...] = tuple(schema.render(m, **DIALECT) for m in schema.MIGRATIONS)
SCHEMA_VERSION = schema.SCHEMA_VERSION


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the store at ``conn`` up to ``target``; return the version it had."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise SchemaError(
            f"this store has schema version {found}, newer than this splice knows "
            f"({SCHEMA_VERSION}); upgrade splice to open it"
        )
    for version in range(found, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            if conn.execute("PRAGMA user_version").fetchone()[0] <= version:
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found

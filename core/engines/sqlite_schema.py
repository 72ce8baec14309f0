"""The SQLite schema, as numbered migrations applied in place.

``PRAGMA user_version`` holds the number of migrations applied. Opening a
store applies the missing ones, each in its own transaction; a store newer
than this splice is refused rather than guessed at. Never edit a migration
that has shipped: add the next one.
"""

from __future__ import annotations

import sqlite3

from ..errors import SchemaError

MIGRATIONS: tuple[str, ...] = (
    # 1: the graph. Ids are AUTOINCREMENT: tag history and idempotency results keep ids
    # of deleted rows, and a reused id would hand that history to a stranger.
    """
    CREATE TABLE projects (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL
    );
    -- path: 'project/space/…' (the kref without scheme); parent_path: its project or space
    CREATE TABLE spaces (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id INTEGER NOT NULL REFERENCES projects(id),
        path TEXT NOT NULL UNIQUE,
        parent_path TEXT NOT NULL,
        name TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL
    );
    CREATE INDEX spaces_parent ON spaces(parent_path);
    CREATE TABLE items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id INTEGER NOT NULL REFERENCES projects(id),
        path TEXT NOT NULL UNIQUE,
        parent_path TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL,
        deprecated INTEGER NOT NULL DEFAULT 0,
        last_number INTEGER NOT NULL DEFAULT 0  -- numbers are never reused
    );
    CREATE INDEX items_parent ON items(parent_path);
    CREATE INDEX items_kind ON items(kind);
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id INTEGER NOT NULL REFERENCES items(id),
        number INTEGER NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL,
        published INTEGER NOT NULL DEFAULT 0,
        deprecated INTEGER NOT NULL DEFAULT 0,
        default_artifact TEXT,
        UNIQUE (item_id, number)
    );
    CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        revision_id INTEGER NOT NULL REFERENCES revisions(id),
        name TEXT NOT NULL,
        location TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL,
        UNIQUE (revision_id, name)
    );
    -- the tags now: one revision per (item, tag)
    CREATE TABLE tags (
        item_id INTEGER NOT NULL REFERENCES items(id),
        tag TEXT NOT NULL,
        revision_id INTEGER NOT NULL REFERENCES revisions(id),
        PRIMARY KEY (item_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX tags_revision ON tags(revision_id);
    -- every tag and untag ever (ids only grow; rows are never changed)
    CREATE TABLE tag_history (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL,
        revision_id INTEGER NOT NULL,
        revision_number INTEGER NOT NULL,
        tag TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('tagged', 'untagged')),
        at TEXT NOT NULL,
        author TEXT NOT NULL
    );
    CREATE INDEX tag_history_lookup ON tag_history(item_id, tag, at);
    CREATE INDEX tag_history_revision ON tag_history(revision_id, tag);
    CREATE TABLE edges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL REFERENCES revisions(id),
        target_id INTEGER NOT NULL REFERENCES revisions(id),
        edge_type TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL,
        UNIQUE (source_id, target_id, edge_type)
    );
    CREATE INDEX edges_target ON edges(target_id, source_id);
    -- each change is one revision of the bundle item; member_kref survives the member
    CREATE TABLE bundle_changes (
        id INTEGER PRIMARY KEY,
        bundle_item_id INTEGER NOT NULL REFERENCES items(id),
        revision_number INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('added', 'removed')),
        member_item_id INTEGER NOT NULL,
        member_kref TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        author TEXT NOT NULL
    );
    CREATE INDEX bundle_changes_bundle ON bundle_changes(bundle_item_id, member_item_id);
    CREATE INDEX bundle_changes_member ON bundle_changes(member_item_id);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        routing_key TEXT NOT NULL,
        kref TEXT NOT NULL,
        action TEXT NOT NULL,
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE consumer_groups (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    );
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 2: "the newest revision at time T" without a tag reads this index
    """
    CREATE INDEX revisions_item_created ON revisions(item_id, created_at);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


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
            now = conn.execute("PRAGMA user_version").fetchone()[0]
            if now > version:
                conn.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    """Split a script into statements (SQLite itself decides where each one ends)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out

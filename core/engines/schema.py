"""The schema of splice's SQL engines, once, as numbered migrations.

Each migration is a template: ``$pk`` (an id that is never reused), ``$int``
(a 64-bit integer), ``$text`` (text that sorts byte by byte: paths and
timestamps are compared as text) and ``$without_rowid`` are filled in by each
engine's dialect (:func:`render`). The engine records how many migrations a
store has had and applies the missing ones in place. Never edit a migration
that has shipped: add the next one.
"""

from __future__ import annotations

from string import Template

MIGRATIONS: tuple[str, ...] = (
    # 1: the graph. Ids are AUTOINCREMENT: tag history and idempotency results keep ids
    # of deleted rows, and a reused id would hand that history to a stranger.
    """
    CREATE TABLE projects (
        id $pk,
        name $text NOT NULL UNIQUE,
        description $text NOT NULL DEFAULT '',
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL
    );
    -- path: 'project/space/…' (the kref without scheme); parent_path: its project or space
    CREATE TABLE spaces (
        id $pk,
        project_id $int NOT NULL REFERENCES projects(id),
        path $text NOT NULL UNIQUE,
        parent_path $text NOT NULL,
        name $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL
    );
    CREATE INDEX spaces_parent ON spaces(parent_path);
    CREATE TABLE items (
        id $pk,
        project_id $int NOT NULL REFERENCES projects(id),
        path $text NOT NULL UNIQUE,
        parent_path $text NOT NULL,
        name $text NOT NULL,
        kind $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL,
        deprecated $int NOT NULL DEFAULT 0,
        last_number $int NOT NULL DEFAULT 0  -- numbers are never reused
    );
    CREATE INDEX items_parent ON items(parent_path);
    CREATE INDEX items_kind ON items(kind);
    CREATE TABLE revisions (
        id $pk,
        item_id $int NOT NULL REFERENCES items(id),
        number $int NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL,
        published $int NOT NULL DEFAULT 0,
        deprecated $int NOT NULL DEFAULT 0,
        default_artifact $text,
        UNIQUE (item_id, number)
    );
    CREATE TABLE artifacts (
        id $pk,
        revision_id $int NOT NULL REFERENCES revisions(id),
        name $text NOT NULL,
        location $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL,
        UNIQUE (revision_id, name)
    );
    -- the tags now: one revision per (item, tag)
    CREATE TABLE tags (
        item_id $int NOT NULL REFERENCES items(id),
        tag $text NOT NULL,
        revision_id $int NOT NULL REFERENCES revisions(id),
        PRIMARY KEY (item_id, tag)
    ) $without_rowid;
    CREATE INDEX tags_revision ON tags(revision_id);
    -- every tag and untag ever (ids only grow; rows are never changed)
    CREATE TABLE tag_history (
        id $pk,
        item_id $int NOT NULL,
        revision_id $int NOT NULL,
        revision_number $int NOT NULL,
        tag $text NOT NULL,
        action $text NOT NULL CHECK (action IN ('tagged', 'untagged')),
        at $text NOT NULL,
        author $text NOT NULL
    );
    CREATE INDEX tag_history_lookup ON tag_history(item_id, tag, at);
    CREATE INDEX tag_history_revision ON tag_history(revision_id, tag);
    CREATE TABLE edges (
        id $pk,
        source_id $int NOT NULL REFERENCES revisions(id),
        target_id $int NOT NULL REFERENCES revisions(id),
        edge_type $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL,
        UNIQUE (source_id, target_id, edge_type)
    );
    CREATE INDEX edges_target ON edges(target_id, source_id);
    -- each change is one revision of the bundle item; member_kref survives the member
    CREATE TABLE bundle_changes (
        id $pk,
        bundle_item_id $int NOT NULL REFERENCES items(id),
        revision_number $int NOT NULL,
        action $text NOT NULL CHECK (action IN ('added', 'removed')),
        member_item_id $int NOT NULL,
        member_kref $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}',
        created_at $text NOT NULL,
        author $text NOT NULL
    );
    CREATE INDEX bundle_changes_bundle ON bundle_changes(bundle_item_id, member_item_id);
    CREATE INDEX bundle_changes_member ON bundle_changes(member_item_id);
    CREATE TABLE events (
        id $pk,
        routing_key $text NOT NULL,
        kref $text NOT NULL,
        action $text NOT NULL,
        at $text NOT NULL,
        author $text NOT NULL,
        metadata $text NOT NULL DEFAULT '{}'
    );
    CREATE TABLE consumer_groups (
        name $text PRIMARY KEY,
        position $int NOT NULL
    );
    CREATE TABLE idempotency (
        key $text PRIMARY KEY,
        digest $text NOT NULL,
        result $text NOT NULL,
        created_at $text NOT NULL
    );
    """,
    # 2: "the newest revision at time T" without a tag reads this index
    """
    CREATE INDEX revisions_item_created ON revisions(item_id, created_at);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def render(migration: str, **dialect: str) -> list[str]:
    """The statements of one migration in a dialect (``pk``, ``int``, ``text``, ``without_rowid``)."""
    script = Template(migration).substitute(dialect)
    return [s.strip() for s in _split(script) if s.strip()]


def _split(script: str) -> list[str]:
    """Statements end at ';' outside comments (the schema has no string literals holding ';')."""
    out, current = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        current.append(code)
        if code.rstrip().endswith(";"):
            out.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    out.append("\n".join(current))
    return out

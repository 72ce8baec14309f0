"""The embedded store's schema versions, in-place upgrades, and how connect() finds a store."""

from __future__ import annotations

import sqlite3
import sys
import types
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

import splice
import splice.client
from splice.engines.sqlite import SQLiteBackend, sqlite_path
from splice.engines.sqlite_schema import MIGRATIONS, SCHEMA_VERSION, migrate
from splice.errors import EngineError, SchemaError, ValidationError

STAMP = "2024-06-01T12:00:00.000000Z"


@pytest.fixture(autouse=True)
def _forget_default_client() -> Iterator[None]:
    """connect() makes the module-level default (closing the one before): forget it afterwards."""
    yield
    splice.disconnect()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _version(path: Path) -> int:
    conn = _raw(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _objects(path: Path) -> set[tuple[str, str]]:
    conn = _raw(path)
    try:
        return {
            (t, n) for t, n in conn.execute("SELECT type, name FROM sqlite_master")
            if not n.startswith("sqlite_")
        }
    finally:
        conn.close()


def test_schema_version_is_the_number_of_migrations() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1


def test_a_new_store_is_at_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    client = splice.connect(f"sqlite:///{path}", user="tester")
    client.create_project("show")
    client.close()
    assert _version(path) == len(MIGRATIONS)
    # opening it again changes nothing
    splice.connect(f"sqlite:///{path}", user="tester").close()
    assert _version(path) == len(MIGRATIONS)


def _legacy_store(path: Path) -> None:
    """A store written by a splice that knew only migration 1, with some data in it."""
    conn = _raw(path)
    assert migrate(conn, target=1) == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.executescript(f"""
        BEGIN;
        INSERT INTO projects (id, name, description, metadata, created_at, author)
            VALUES (1, 'legacy', 'an old show', '{{"studio":"acme"}}', '{STAMP}', 'old');
        INSERT INTO spaces (id, project_id, path, parent_path, name, metadata, created_at, author)
            VALUES (1, 1, 'legacy/chars', 'legacy', 'chars', '{{}}', '{STAMP}', 'old');
        INSERT INTO items (id, project_id, path, parent_path, name, kind, metadata, created_at,
                           author, deprecated, last_number)
            VALUES (1, 1, 'legacy/chars/hero.model', 'legacy/chars', 'hero', 'model', '{{}}',
                    '{STAMP}', 'old', 0, 1);
        INSERT INTO revisions (id, item_id, number, metadata, created_at, author, published,
                               deprecated, default_artifact)
            VALUES (1, 1, 1, '{{"artist":"jane"}}', '{STAMP}', 'old', 0, 0, 'mesh');
        INSERT INTO artifacts (id, revision_id, name, location, metadata, created_at, author)
            VALUES (1, 1, 'mesh', '/mnt/legacy/hero.fbx', '{{}}', '{STAMP}', 'old');
        INSERT INTO tags (item_id, tag, revision_id) VALUES (1, 'latest', 1), (1, 'approved', 1);
        INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)
            VALUES (1, 1, 1, 'latest', 'tagged', '{STAMP}', 'old'),
                   (1, 1, 1, 'approved', 'tagged', '{STAMP}', 'old');
        INSERT INTO events (routing_key, kref, action, at, author, metadata)
            VALUES ('project.created', 'kref://legacy', 'created', '{STAMP}', 'old', '{{}}');
        COMMIT;
    """)
    conn.close()


@pytest.mark.skipif(len(MIGRATIONS) < 2, reason="only one migration: nothing to upgrade from")
def test_an_older_store_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "legacy.db"
    _legacy_store(path)
    assert _version(path) == 1

    client = splice.connect(f"sqlite:///{path}", user="tester")
    try:
        assert _version(path) == len(MIGRATIONS)
        project = client.get_project("legacy")
        assert (project.description, project.metadata) == ("an old show", {"studio": "acme"})
        assert [s.kref for s in project.get_spaces()] == ["kref://legacy/chars"]
        item = client.get_item("kref://legacy/chars/hero.model")
        rev = item.get_latest_revision()
        assert rev is not None and rev.number == 1 and rev.metadata == {"artist": "jane"}
        assert sorted(rev.tags) == ["approved", "latest"]
        assert client.resolve("kref://legacy/chars/hero.model?t=approved") == "/mnt/legacy/hero.fbx"
        assert item.get_revision_by_time("202406011300", "approved").number == 1
        assert [(e.routing_key, e.kref) for e in client.event_stream(from_beginning=True, timeout=0)
                ] == [("project.created", "kref://legacy")]
        # and it works as a store of today
        assert item.create_revision().number == 2
        assert client.resolve("kref://legacy/chars/hero.model?t=approved") == "/mnt/legacy/hero.fbx"
    finally:
        client.close()

    # the upgraded store has exactly the tables and indexes of a new one
    fresh = tmp_path / "fresh.db"
    splice.connect(f"sqlite:///{fresh}", user="tester").close()
    assert _objects(path) == _objects(fresh)


def test_migrate_reports_the_version_it_found(tmp_path: Path) -> None:
    conn = _raw(tmp_path / "m.db")
    try:
        assert migrate(conn, target=1) == 0
        assert migrate(conn) == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert migrate(conn) == len(MIGRATIONS)
    finally:
        conn.close()


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    client = splice.connect(f"sqlite:///{path}", user="tester")
    client.create_project("show")
    client.close()
    newer = len(MIGRATIONS) + 1
    conn = _raw(path)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()

    with pytest.raises(SchemaError) as info:
        splice.connect(f"sqlite:///{path}", user="tester")
    message = str(info.value)
    assert str(newer) in message and str(len(MIGRATIONS)) in message
    assert "upgrade" in message.lower()
    # refused, not touched
    assert _version(path) == newer
    conn = _raw(path)
    try:
        assert conn.execute("SELECT name FROM projects").fetchall() == [("show",)]
    finally:
        conn.close()


# -- where connect() looks -------------------------------------------------------------


def test_connect_without_url_uses_splice_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'from_env.db'}"
    monkeypatch.setenv("SPLICE_URL", url)
    client = splice.connect(user="tester")
    try:
        assert client.backend.url == url
        client.create_project("show")
    finally:
        client.close()
    assert (tmp_path / "from_env.db").exists()
    again = splice.connect(url, user="tester")
    try:
        assert [p.name for p in again.get_projects()] == ["show"]
    finally:
        again.close()


def test_splice_url_may_be_a_plain_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain" / "store.db"
    monkeypatch.setenv("SPLICE_URL", str(path))
    client = splice.connect(user="tester")
    try:
        client.create_project("show")
    finally:
        client.close()
    assert path.exists() and _version(path) == len(MIGRATIONS)


@pytest.mark.skipif(sys.platform == "win32", reason="per-user folder comes from APPDATA there")
def test_connect_without_url_or_env_uses_a_per_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPLICE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    client = splice.connect(user="tester")
    try:
        client.create_project("show")
        url = client.backend.url
    finally:
        client.close()
    assert url.startswith("sqlite:")
    path = sqlite_path(url)
    assert path.name == "splice.db"
    assert path.exists()
    assert str(tmp_path) in url, f"{url} is not in the per-user folders under {tmp_path}"
    if sys.platform.startswith("linux"):
        assert str(tmp_path / "xdg") in url
    assert "splice" in path.parent.name.lower()


def test_module_functions_connect_by_themselves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'implicit.db'}"
    monkeypatch.setenv("SPLICE_URL", url)
    monkeypatch.setenv("SPLICE_USER", "implicit-user")
    splice.disconnect()
    project = splice.create_project("show")
    try:
        assert project.author == "implicit-user"
        assert splice.default_client().backend.url == url
        assert [p.name for p in splice.get_projects()] == ["show"]
    finally:
        splice.disconnect()


@pytest.mark.parametrize("url", ["nosuchdb://host/db", "ftp://nas/store", "Weird+Scheme://x"])
def test_unknown_schemes_are_refused_naming_the_scheme(url: str) -> None:
    with pytest.raises(EngineError) as info:
        splice.connect(url, user="tester")
    scheme = url.split("://", 1)[0].lower()
    assert scheme in str(info.value).lower()
    assert "splice.engines" in str(info.value)


def test_non_string_url_is_refused() -> None:
    with pytest.raises(splice.errors.ValidationError, match="url"):
        splice.connect(42)  # type: ignore[arg-type]


def test_engines_are_found_by_scheme_through_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A studio's engine, registered in the ``splice.engines`` group, serves its scheme."""
    store = tmp_path / "studio.db"

    class StudioBackend(SQLiteBackend):
        def __init__(self, url: str, actor: str, **options) -> None:
            assert url.startswith("studiodb://")
            super().__init__(f"sqlite:///{store}", actor, **options)
            self.url = url

    module = types.ModuleType("splice_test_studio_engine")
    module.StudioBackend = StudioBackend  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    real = metadata.entry_points

    def entry_points(**params):
        found = list(real(**params))
        if params.get("group") == "splice.engines":
            found.append(metadata.EntryPoint(
                name="studiodb", value=f"{module.__name__}:StudioBackend", group="splice.engines"))
        return found

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    client = splice.connect("studiodb://render-farm/main", user="tester")
    try:
        assert isinstance(client.backend, StudioBackend)
        client.create_project("show")
        assert client.get_project("show").kref == "kref://show"
    finally:
        client.close()
    assert store.exists()


# -- PostgreSQL: the same migrations, kept in the schema's splice_schema table ---------------
def _pg_schema(pg_base_url: str, version: int) -> str:
    """A schema of the test database at ``version``, with one project in it; its URL."""
    import uuid

    import psycopg

    from splice.engines import schema
    from splice.engines.postgres import DIALECT

    name = f"up_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_base_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
        conn.execute(f'SET search_path TO "{name}"')
        conn.execute("CREATE TABLE splice_schema (version BIGINT NOT NULL)")
        conn.execute("INSERT INTO splice_schema VALUES (%s)", (version,))
        for migration in schema.MIGRATIONS[: min(version, schema.SCHEMA_VERSION)]:
            for statement in schema.render(migration, **DIALECT):
                conn.execute(statement)
        if version >= 1:
            conn.execute(
                "INSERT INTO projects (name, description, metadata, created_at, author)"
                " VALUES ('old', '', '{}', '2024-01-01T00:00:00.000000Z', 'someone')"
            )
    return f"{pg_base_url}?schema={name}"


def _pg_version(url: str) -> int:
    import psycopg

    from splice.engines.postgres import split_url

    conninfo, name = split_url(url)
    with psycopg.connect(conninfo) as conn:
        return conn.execute(f'SELECT version FROM "{name}".splice_schema').fetchone()[0]


@pytest.mark.skipif(len(MIGRATIONS) < 2, reason="only one migration: nothing to upgrade from")
def test_postgresql_store_is_upgraded_in_place(pg_base_url: str) -> None:
    url = _pg_schema(pg_base_url, 1)
    with splice.connect(url, user="tester") as client:
        assert [p.name for p in client.get_projects()] == ["old"]
        client.get_project("old").create_item("hero", "model").create_revision()
    assert _pg_version(url) == len(MIGRATIONS)


def test_postgresql_store_newer_than_splice_is_refused(pg_base_url: str) -> None:
    url = _pg_schema(pg_base_url, len(MIGRATIONS) + 1)
    with pytest.raises(SchemaError, match="newer than this splice"):
        splice.connect(url, user="tester")
    assert _pg_version(url) == len(MIGRATIONS) + 1


def test_postgresql_bad_schema_name_is_refused(pg_base_url: str) -> None:
    with pytest.raises(ValidationError, match="schema 'Bad-Name'"):
        splice.connect(f"{pg_base_url}?schema=Bad-Name", user="tester")

"""Two ``splice serve`` processes on one PostgreSQL database behave as one service.

Real processes: two servers (their own ports and data dirs) on a fresh database of the
session's throwaway cluster (``pg_support``), reached over HTTP by the remote engine.
Users and tokens live in the database's ``control`` schema, so both know them; a publish
through one is seen at once by subscribers of the other (``LISTEN``/``NOTIFY``); writers
through both get gapless numbers; either server can stop (SIGTERM) while writers run
without losing an acknowledged write or an event. Latency and throughput figures are in
``python -m benchmarks.two_servers``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

import splice
from splice.errors import AuthenticationError, EngineError
from splice.records import Event
from splice.server.local import LocalServer

pytestmark = pytest.mark.slow  # two server processes on PostgreSQL

pytest.importorskip("uvicorn")

WRITERS = 8  # split between the two servers
ITEM = "kref://show/assets/hero.model"


@contextmanager
def fresh_database(pg_base_url: str) -> Iterator[str]:
    """A new database of the session's cluster (its own control schema), dropped after."""
    import psycopg

    name = f"two_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(pg_base_url)._replace(path="/" + name))
    finally:
        with psycopg.connect(pg_base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def database(pg_base_url: str) -> Iterator[str]:
    with fresh_database(pg_base_url) as url:
        yield url


@pytest.fixture(scope="module")
def servers(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LocalServer, LocalServer]]:
    """Servers A and B (started from this thread: a server ends with the thread that made it)."""
    a = LocalServer(tmp_path_factory.mktemp("server-a"), db=database)
    b = LocalServer(tmp_path_factory.mktemp("server-b"), db=database)
    a.first_output, b.first_output = a.start(), b.start()  # type: ignore[attr-defined]
    yield a, b
    a.stop()
    b.stop()


@pytest.fixture
def token(servers: tuple[LocalServer, LocalServer]) -> str:
    """An admin token of a fresh tenant, made in A's control store (the database's)."""
    a, _ = servers
    if a.proc is None:  # a test stopped it
        a.start()
    return a.new_tenant()[1]


def connect(server: LocalServer, token: str) -> splice.Client:
    return splice.Client.open(server.url, token=token, user="admin")  # not the default: several at once


def make_item(client: splice.Client) -> None:
    client.create_project("show", "two servers").create_space("assets").create_item("hero", "model")


def follow(stream: Iterator[Event], count: int) -> tuple[list[Event], threading.Thread]:
    """Read ``count`` events of ``stream`` in a thread (it ends early only on the stream's
    idle timeout): the list they land in, and the thread to join."""
    seen: list[Event] = []

    def run() -> None:
        for event in stream:
            seen.append(event)
            if len(seen) == count:
                return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return seen, thread


def check_stream(seen: list[Event], numbers: int, where: str) -> None:
    """Every revision 1..numbers seen once, cursors in commit order."""
    got = [e.metadata["number"] for e in seen]
    assert sorted(got) == list(range(1, numbers + 1)), f"{where}: events of numbers {sorted(got)}"
    cursors = [int(e.cursor) for e in seen]
    assert cursors == sorted(set(cursors)), f"{where}: cursors out of order or repeated"


def check_numbers(client: splice.Client, count: int) -> list[dict[str, str]]:
    revisions = client.backend.list_revisions(splice.Kref(ITEM))
    assert [r.number for r in revisions] == list(range(1, count + 1))
    return [r.metadata for r in revisions]


# -- one control store ----------------------------------------------------------------------
def test_one_first_admin_and_one_control_store(servers: tuple[LocalServer, LocalServer]) -> None:
    printed = [s.first_output for s in servers]  # type: ignore[attr-defined]
    assert ["admin token" in out for out in printed] == [True, False], printed
    assert all("schema 'control'" in out for out in printed)


def test_servers_starting_together_make_one_first_admin(pg_base_url: str) -> None:
    """The first start's check and its writes are one transaction under the control lock."""
    from splice.server.control_pg import PgControlStore

    with fresh_database(pg_base_url) as url:
        stores = [PgControlStore(url) for _ in range(4)]
        try:
            start = threading.Barrier(len(stores))

            def first_start(store: PgControlStore) -> str | None:
                start.wait()
                return store.bootstrap()

            with ThreadPoolExecutor(len(stores)) as pool:
                tokens = list(pool.map(first_start, stores))
            assert sum(t is not None for t in tokens) == 1, tokens
            assert [u["name"] for u in stores[0].list_users("default")] == ["admin"]
        finally:
            for store in stores:
                store.close()


def test_an_empty_database_takes_in_the_sqlite_control_store(pg_base_url: str, tmp_path: Path) -> None:
    """Upgrading a PostgreSQL deployment that kept users in the data dir's control.db."""
    from splice.server.control import ControlStore
    from splice.server.control_pg import PgControlStore

    old = ControlStore(tmp_path / "control.db")
    old.add_tenant("acme")
    old.add_user("acme", "jane")
    old.grant("acme", "jane", "artist", "show")
    _, secret = old.create_token("acme", "jane", "laptop")
    revoked = old.create_token("acme", "jane")[1]
    old.revoke_token(revoked)
    old.close()
    with fresh_database(pg_base_url) as url:
        store = PgControlStore(url, legacy=tmp_path / "control.db")
        try:
            assert store.imported == {"tenants": 1, "users": 1, "tokens": 2, "grants": 1}
            jane = store.authenticate(secret)
            assert jane is not None and (jane.tenant, jane.user, jane.roles) == (
                "acme",
                "jane",
                {"show": "artist"},
            )
            assert store.authenticate(revoked) is None
            store.add_user("acme", "bob")  # new ids go on after the ones taken in
            assert [u["name"] for u in store.list_users("acme")] == ["bob", "jane"]
        finally:
            store.close()
        again = PgControlStore(url, legacy=tmp_path / "control.db")  # not empty now: nothing taken
        assert again.imported == {}
        again.close()


def test_the_admin_cli_edits_the_databases_control_store(
    servers: tuple[LocalServer, LocalServer],
) -> None:
    """`splice token create --db postgresql://…` on any machine: both servers accept the token."""
    a, b = servers
    tenant = "cli" + uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if k not in ("SPLICE_URL", "SPLICE_TOKEN")}
    cli = [sys.executable, "-m", "splice"]
    subprocess.run([*cli, "tenant", "add", tenant, "--db", a.db], check=True, env=env, capture_output=True)
    made = subprocess.run(
        [
            *cli,
            "token",
            "create",
            "--user",
            "jane",
            "--tenant",
            tenant,
            "--role",
            "artist",
            "--db",
            a.db,
            "--json",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    secret = json.loads(made.stdout)["token"]
    for server in (a, b):
        jane = splice.Client.open(server.url, token=secret, user="jane")
        assert jane.backend.token_user == "jane"
        jane.close()


def test_a_token_made_on_one_server_works_on_the_other_and_a_revoke_on_all(
    servers: tuple[LocalServer, LocalServer], token: str
) -> None:
    a, b = servers
    made = requests.post(
        f"{a.url}/api/v1/admin/tokens/create",
        json={"user": "admin", "label": "made on A"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["result"]
    on_b = connect(b, made["token"])
    assert on_b.backend.token_user == "admin"
    on_b.create_project("made_on_a", "")
    assert [p.name for p in connect(a, token).get_projects()] == ["made_on_a"]

    revoked = requests.post(
        f"{b.url}/api/v1/admin/tokens/revoke",
        json={"token": made["id"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert revoked.status_code == 200
    for server in (a, b):  # at once, on both: nothing is cached
        with pytest.raises(AuthenticationError, match="unknown or revoked"):
            connect(server, made["token"])


# -- events and numbers across servers -------------------------------------------------------
def test_a_publish_through_one_server_is_seen_on_the_others_stream(
    servers: tuple[LocalServer, LocalServer], token: str
) -> None:
    a, b = servers
    writer = connect(a, token)
    make_item(writer)
    stream = connect(b, token).event_stream("revision.created", timeout=30)
    seen, thread = follow(stream, 1)
    made = writer.batch_create_revisions([{"item": ITEM, "metadata": {"via": "A"}}])[0]
    thread.join(35)
    assert [(e.routing_key, e.kref.uri) for e in seen] == [("revision.created", made.kref.uri)]
    assert seen[0].author == "admin"


def test_writers_through_both_servers_get_gapless_numbers_and_every_event_once(
    servers: tuple[LocalServer, LocalServer], token: str
) -> None:
    a, b = servers
    make_item(connect(a, token))
    per_writer = 15
    total = WRITERS * per_writer
    followers = [
        follow(connect(s, token).event_stream("revision.created", timeout=60), total) for s in servers
    ]
    start = threading.Barrier(WRITERS)

    def write(index: int) -> list[int]:
        client = connect((a, b)[index % 2], token)
        start.wait()
        return [
            client.batch_create_revisions([{"item": ITEM, "metadata": {"w": str(index), "i": str(i)}}])[
                0
            ].number
            for i in range(per_writer)
        ]

    with ThreadPoolExecutor(WRITERS) as pool:
        numbers = [n for got in pool.map(write, range(WRITERS)) for n in got]
    assert sorted(numbers) == list(range(1, total + 1))  # gapless, no duplicates
    check_numbers(connect(b, token), total)
    for (seen, thread), where in zip(followers, "AB", strict=True):
        thread.join(60)
        check_stream(seen, total, f"subscriber of {where}")
    assert [e.cursor for e in followers[0][0]] == [e.cursor for e in followers[1][0]]


# -- stopping one server -----------------------------------------------------------------------
def test_stopping_a_server_while_writers_run_loses_nothing(
    servers: tuple[LocalServer, LocalServer], token: str
) -> None:
    """SIGTERM to A while half the writers go through it: each write is acknowledged and
    present once, or fails with EngineError, and is then retried through B with its
    idempotency key. Writers through B never fail. A's subscriber, resumed from its cursor
    once A is back, has seen every event once."""
    a, b = servers
    make_item(connect(b, token))
    per_writer = 30
    total = WRITERS * per_writer
    followers = [
        follow(connect(s, token).event_stream("revision.created", timeout=90), total) for s in servers
    ]
    acknowledged: list[str] = []
    failures: list[tuple[str, Exception]] = []
    progress = threading.Condition()

    def write(index: int) -> None:
        clients = [connect((a, b)[index % 2], token), connect(b, token)]  # home server, then B
        for i in range(per_writer):
            key = f"w{index}-{i}"
            spec = [{"item": ITEM, "metadata": {"key": key}}]
            while True:
                try:
                    clients[0].batch_create_revisions(spec, idempotency_key=key)
                    break
                except EngineError as exc:  # the server went away: retry elsewhere, same key
                    with progress:
                        failures.append((clients[0].backend.url, exc))
                    clients = clients[1:]
                    assert clients, f"writer {index} failed through B: {exc}"
            with progress:
                acknowledged.append(key)
                progress.notify_all()

    def ran(condition: Callable[[], bool]) -> None:
        with progress:
            assert progress.wait_for(condition, timeout=120)

    with ThreadPoolExecutor(WRITERS) as pool:
        done = [pool.submit(write, i) for i in range(WRITERS)]
        ran(lambda: len(acknowledged) >= total // 4)
        assert a.proc is not None
        a.proc.terminate()  # SIGTERM: in-flight requests finish, streams end, A exits by itself
        a.proc.wait(timeout=25)
        a.proc = None
        ran(lambda: len(acknowledged) >= total // 2)  # writers carry on through B meanwhile
        a.start()
        for future in done:
            future.result()

    assert sorted(acknowledged) == sorted(f"w{w}-{i}" for w in range(WRITERS) for i in range(per_writer))
    keys = [m["key"] for m in check_numbers(connect(a, token), total)]
    assert sorted(keys) == sorted(acknowledged)  # each acknowledged write present once
    assert failures, "A stopped before any writer noticed: nothing was tested"
    for url, exc in failures:
        assert url == a.url, f"a write through B failed: {exc}"
        assert "did not answer" in str(exc) or "HTTP 503" in str(exc), exc
    for (seen, thread), where in zip(followers, "AB", strict=True):
        thread.join(90)
        check_stream(seen, total, f"subscriber of {where}")


def test_a_stopped_server_ends_its_event_streams(
    servers: tuple[LocalServer, LocalServer], token: str, tmp_path: Path
) -> None:
    """An open event stream does not hold a server up: SIGTERM ends it cleanly and the
    server exits on its own (not killed after the grace period)."""
    a, _ = servers
    response = requests.get(
        f"{a.url}/api/v1/events", headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=30
    )
    lines = response.iter_lines()
    assert next(lines).startswith(b"event: open")
    assert a.proc is not None
    a.proc.terminate()
    assert a.proc.wait(timeout=10) is not None
    a.proc = None
    assert list(lines)[-1:] in ([], [b""])  # the response ended properly, not cut

"""The studio graph in PostgreSQL: the cached SQLite store, copied into a splice schema.

splice creates the schema (``splice.connect(URL?schema=NAME)``), so the tables,
indexes and constraints are exactly its own. Then, in one transaction:

1. the schema's foreign keys, unique constraints and secondary indexes are
   dropped (their definitions kept: ``pg_get_constraintdef``, ``pg_indexes``);
   primary keys stay; the tables are truncated;
2. every table's rows are streamed from the SQLite file with ``COPY … FROM
   STDIN (FREEZE)`` (psycopg's ``cursor.copy``): the same ids, the columns both
   share; FREEZE (allowed after the TRUNCATE in the same transaction) writes
   them frozen and all-visible, so no VACUUM has to visit them later;
3. the indexes and constraints are created again from their definitions (one
   sort each, and one validating join per foreign key, instead of a check per
   row), and each identity sequence is moved past its table's largest id
   (``setval(pg_get_serial_sequence(…), max(id))``) so splice's next insert
   gets a fresh id;

then ``VACUUM (ANALYZE)``: statistics for the planner, and nothing left for
autovacuum to do while the figures are measured.

The schema is named by the graph's cache key (``bench_studio_r…_schemaN``). On
a server that outlives the run (``--pg URL``) a schema whose row counts match
the SQLite file's, table by table, is used as it is (the check is a few
``COUNT(*)``: about a second at the full size). A throwaway cluster starts
empty, so there the graph is loaded on every run and the time it took is
printed (full size: about 35 s on 2 quiet cores).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .engines import PgServer
from .studio_graph import StudioGraph, cache_name

SKIP = {"splice_schema"}  # splice's own bookkeeping: written by splice.connect


def schema_name(graph: StudioGraph) -> str:
    return "bench_" + cache_name(graph.revisions, graph.edges, graph.seed).replace("-", "_").lower()


def _sqlite_counts(path: Path, tables: list[str]) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] if t in present else 0
                for t in tables}
    finally:
        conn.close()


def _tables(conn, schema: str) -> list[str]:
    """splice's tables in ``schema``, in the order they were created."""
    return [r[0] for r in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.oid", (schema,)
    ) if r[0] not in SKIP]


def _pg_counts(conn, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def load(server: PgServer, graph: StudioGraph, log: Callable[[str], None] = print) -> tuple[str, str, float]:
    """splice's URL of ``graph`` in PostgreSQL, how it got there, and the seconds that took."""
    import splice

    schema = schema_name(graph)
    started = time.perf_counter()
    if not server.throwaway:
        with server.connect() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
            ).fetchone()
            if exists:
                tables = _tables(conn, schema)
                conn.execute(f'SET search_path TO "{schema}"')
                if tables and _pg_counts(conn, tables) == _sqlite_counts(graph.path, tables):
                    checked = time.perf_counter() - started
                    how = f"cached schema {schema} (row counts checked in {checked:.1f}s)"
                    log(f"  postgresql: {how}")
                    return server.url(schema), how, 0.0
        log(f"  postgresql: schema {schema} missing or incomplete: loading it")
    server.drop(schema)
    splice.connect(server.url(schema), user="bench").close()  # splice makes the schema
    with server.connect(schema, autocommit=False) as conn:
        conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
        conn.execute("SET LOCAL synchronous_commit = off")
        tables = _tables(conn, schema)
        rows = _copy_rows(conn, schema, tables, graph.path)
        conn.commit()
    copied = time.perf_counter() - started
    with server.connect(schema) as conn:  # statistics; and autovacuum finds nothing to do mid-run
        conn.execute("VACUUM (ANALYZE) " + ", ".join(f'"{t}"' for t in tables))
    seconds = time.perf_counter() - started
    counts = ", ".join(f"{t} {n:,}" for t, n in rows.items() if n)
    how = (f"loaded with COPY in {seconds:.1f}s (rows and indexes {copied:.1f}s,"
           f" VACUUM ANALYZE {seconds - copied:.1f}s)")
    log(f"  postgresql: {how}: {counts}")
    return server.url(schema), how, seconds


def _copy_rows(conn, schema: str, tables: list[str], path: Path) -> dict[str, int]:
    """Drop constraints and indexes, COPY every table, make them again; rows copied per table."""
    names = tuple(tables)
    constraints = conn.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE n.nspname = %s AND c.contype IN ('f', 'u') ORDER BY c.contype, c.oid",
        (schema,),
    ).fetchall()  # foreign keys first ('f' < 'u'): they lean on the unique ones
    for table, name, _, _ in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    indexes = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = %s"
        " AND i.indexname NOT IN (SELECT conname FROM pg_constraint c JOIN pg_namespace n"
        " ON n.oid = c.connamespace WHERE n.nspname = %s AND c.contype = 'p')",
        (schema, schema),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')

    # emptied in this transaction, so COPY may write the rows frozen and all-visible
    conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    try:
        for table in tables:
            columns = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = %s ORDER BY ordinal_position", (schema, table))]
            have = {r[1] for r in source.execute(f'PRAGMA table_info("{table}")')}
            columns = [c for c in columns if c in have]
            if not columns:
                copied[table] = 0
                continue
            listed = ", ".join(f'"{c}"' for c in columns)
            n = 0
            cursor = source.execute(f'SELECT {listed} FROM "{table}"')
            with conn.cursor().copy(f'COPY "{table}" ({listed}) FROM STDIN (FREEZE)') as copy:
                write = copy.write_row
                while batch := cursor.fetchmany(10_000):
                    for row in batch:
                        write(row)
                    n += len(batch)
            copied[table] = n
    finally:
        source.close()

    for _, sql in indexes:
        conn.execute(sql)
    for table, name, definition, _ in reversed(constraints):  # unique ones first, then foreign keys
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for table in names:
        serial = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{schema}"."{table}"',)
                              ).fetchone()[0] if _has_id(conn, schema, table) else None
        if serial and copied.get(table):
            conn.execute(f'SELECT setval(%s, (SELECT max(id) FROM "{table}"))', (serial,))
    return copied


def _has_id(conn, schema: str, table: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
        " AND column_name = 'id'", (schema, table)
    ).fetchone() is not None

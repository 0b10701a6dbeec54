"""Destroyed keys removed from the database's files, not only from its live rows: durable, checkpointed, vacuumed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from .view_store import Cursor, ViewStore

READER_WAIT_MS = 2000
"""How long the SQLite checkpoint waits for other connections' reads to end before saying what is left."""
LOCK_WAIT = 10
"""Seconds `VACUUM FULL lifecycle_keys` waits for older transactions to end, then for its lock, before leaving
the table to the operator."""


def synchronous(cursor: Cursor, dialect: str) -> None:
    """A PostgreSQL transaction that writes keys commits durably (the view store's connection does not)."""
    if dialect == "postgres":
        cursor.execute("SET LOCAL synchronous_commit TO on")


@contextmanager
def durable(store: ViewStore) -> Iterator[Cursor]:
    """A transaction that is on disk when it commits (the view store's own commits may trail after a crash)."""
    sqlite = store.dialect == "sqlite"
    if sqlite:
        store.connection().execute("PRAGMA synchronous=FULL")
    try:
        with store.transaction() as cursor:
            synchronous(cursor, store.dialect)
            yield cursor
    finally:
        if sqlite:
            store.connection().execute("PRAGMA synchronous=NORMAL")


def scrub(store: ViewStore) -> list[str]:
    """Remove old copies of rows just overwritten from the store's files; what is left for the operator, said."""
    if store.database.kind == "sqlite":
        return _checkpoint(store)
    if store.database.kind == "postgres":
        return _vacuum(store)
    return []


def _checkpoint(store: ViewStore) -> list[str]:
    """Copy the WAL into the database (its freed space zeroed by secure_delete) and truncate it to nothing."""
    conn = store.connection()
    conn.execute(f"PRAGMA busy_timeout={READER_WAIT_MS}")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute("PRAGMA busy_timeout=30000")
    if not busy:
        return []
    path = store.database.path
    return [
        f"another connection is reading {path}: its write-ahead log {path}-wal still holds old pages with the "
        f"destroyed keys; when no other lifecycle command runs, run: sqlite3 {path} 'PRAGMA wal_checkpoint(TRUNCATE)'"
    ]


def _vacuum(store: ViewStore) -> list[str]:
    """Rewrite lifecycle_keys (VACUUM FULL), so no dead row version with a destroyed key stays in its pages."""
    table = f'"{store.database.schema}".lifecycle_keys'
    command = f"VACUUM FULL {table}"
    owner = store.query("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = ?::regclass",
                        (table,))  # fmt: skip
    if not owner or not owner[0][0]:
        return [f"not the owner of {table}: its pages keep the destroyed keys until its owner runs: {command}"]
    import psycopg

    conn = store.connection()
    conn.autocommit = True
    try:
        conn.execute(f"SET lock_timeout TO '{LOCK_WAIT}s'")
        erased = conn.execute("SELECT clock_timestamp()").fetchone()[0]
        deadline = time.monotonic() + LOCK_WAIT
        while conn.execute(OLDER, (erased,)).fetchall() and time.monotonic() < deadline:
            time.sleep(0.1)  # an older transaction (an autoanalyze too) may see the old rows: VACUUM would keep them
        conn.execute(command)
        older = [str(row[0]) for row in conn.execute(OLDER, (erased,)).fetchall()]
    except psycopg.errors.LockNotAvailable:
        return [f"{table} was busy for {LOCK_WAIT} s: its pages keep the destroyed keys until someone runs: {command}"]
    finally:
        conn.execute("RESET lock_timeout")
        conn.autocommit = False
    if older:
        return [
            f"transactions older than the erasure still run in this database (pids {', '.join(older)}): the row "
            f"versions with the destroyed keys they may still see were kept; once they end, run: {command}"
        ]
    return []


OLDER = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) AND xact_start < %s ORDER BY xact_start"
)
"""The other sessions of this database whose snapshot may predate the erasure: VACUUM keeps what they can see."""

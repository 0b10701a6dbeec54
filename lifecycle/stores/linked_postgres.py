"""PostgreSQL's recorder with the hash chain written under its table lock; the lock released before the flush.

Kept apart from stores/linked.py so that a SQLite or in-memory store never imports psycopg."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL

from .linked import rows
from .links import LINKS, META, Linker, create_statements
from .stored import SQLITE_LOG


class LinkedPostgresRecorder(PostgresApplicationRecorder):
    """PostgreSQL's recorder; every insert links its events under the table lock of the same transaction.

    eventsourcing's `LOCK TABLE ... IN EXCLUSIVE MODE` makes the commit order the order of notification ids, and the
    chain needs the link before; both stay. What changes is how long the lock is held: the transaction commits
    without waiting for its WAL to reach the disk (`synchronous_commit` off, set for it alone), which releases the
    lock at once; then, outside the lock, `insert_events` returns only once that WAL is on disk (`durable`), where
    concurrent writers share one flush (PostgreSQL's group commit). The chain's last link is read in the same round
    trip as the insert (queued after the lock, before the insert)."""

    def __init__(self, datastore: PostgresDatastore, events_table_name: str = SQLITE_LOG) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = f'"{datastore.schema}".' if datastore.schema else ""
        self.linker = Linker("%s", schema + LINKS, schema + META)
        self.lock_table_statements = [SQL(ASYNC_COMMIT), *self.lock_table_statements]
        self._last = threading.local()

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            for statement in create_statements(self.linker.table, self.linker.meta, postgres=True):
                curs.execute(statement.encode())

    def insert_events(self, *args: Any, **kwargs: Any) -> Any:  # (stored events)
        ids = super().insert_events(*args, **kwargs)
        if ids:  # events were inserted (none: nothing to wait for)
            durable(self.datastore, self.linker.meta)
        return ids

    def settle(self) -> None:
        """Return once every event another session can see is on disk (see `durable`)."""
        durable(self.datastore, self.linker.meta)

    def _notify_channel(self, *args: Any, **kwargs: Any) -> None:  # (cursor); after LOCK, before the INSERT
        super()._notify_channel(*args, **kwargs)
        self._last.cursor = args[0].connection.cursor()
        self._last.cursor.execute(self.linker.last_link.encode())  # answered with the insert, under the lock

    def _fetch_ids_after_insert_events(self, *args: Any, **kwargs: Any) -> Any:  # (cursor, stored events)
        ids = super()._fetch_ids_after_insert_events(*args, **kwargs)
        self.linker.link_after(args[0], self._last.cursor.fetchone(), rows(ids, args[1]))
        return ids


ASYNC_COMMIT = "SET LOCAL synchronous_commit TO off"
"""The insert's commit does not wait for the disk (under the table lock); `durable` waits for it after."""
FLUSH = "SELECT pg_logical_emit_message(true, 'lifecycle', '')"
"""A transaction that writes one WAL record and commits as the server's `synchronous_commit` says (on by default):
PostgreSQL then flushes the WAL up to it, so every commit before it (the insert's) is on disk when it returns. Any role
may run it unless a DBA revoked it: then FALLBACK, which does the same through a row of the chain's own table (one
writer at a time there)."""
FALLBACK = "UPDATE {meta} SET value = value WHERE name = 'key'"


def durable(datastore: PostgresDatastore, meta: str = META) -> None:
    """Return once every transaction this process committed is on disk (one flush shared by concurrent writers)."""
    with datastore.get_connection() as conn:
        if not getattr(datastore, "lifecycle_fallback", False):
            try:
                conn.execute(FLUSH)
                return
            except psycopg.errors.InsufficientPrivilege:
                datastore.lifecycle_fallback = True  # type: ignore[attr-defined]
        conn.execute(FALLBACK.format(meta=meta).encode())

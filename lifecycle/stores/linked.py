"""eventsourcing's recorders with the hash chain written in the transaction that inserts the events."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg.sql import SQL

from .links import LINKS, META, Linker, Row, create_statements
from .stored import SQLITE_LOG


def rows(ids: Sequence[int] | None, events: Sequence[StoredEvent]) -> list[Row]:
    """The chain's rows of events just inserted with these notification ids (in insertion order)."""
    pairs = sorted(zip(ids or (), events, strict=True), key=lambda pair: pair[0])
    return [Row(i, UUID(str(s.originator_id)).hex, s.originator_version, s.topic, bytes(s.state)) for i, s in pairs]


class LinkedSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite's recorder; every insert links its events in the same transaction."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = SQLITE_LOG) -> None:
        super().__init__(datastore, events_table_name)
        self.linker = Linker()

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *create_statements()]

    def _insert_events(self, *args: Any, **kwargs: Any) -> Any:  # (cursor, stored events)
        ids = super()._insert_events(*args, **kwargs)
        self.linker.link(args[0], rows(ids, args[1]))
        return ids


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


def settled(recorder: Any) -> None:
    """Return once every event another session can see is on disk: on PostgreSQL, whose inserts commit before
    their flush (see `durable`), what an anchor records must not be lost by a crash; elsewhere nothing to do."""
    if isinstance(recorder, LinkedPostgresRecorder):
        durable(recorder.datastore, recorder.linker.meta)


class LinkedMemoryRecorder(POPOApplicationRecorder):
    """The in-memory recorder; its links are kept in an in-memory SQLite table beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.links = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        for statement in create_statements():
            self.links.execute(statement)
        self.linker = Linker()
        self._link_lock = threading.Lock()

    def _insert_events(self, *args: Any, **kwargs: Any) -> Any:  # (stored events)
        with self._link_lock:
            ids = super()._insert_events(*args, **kwargs)
            self.linker.link(self.links.cursor(), rows(ids, args[0]))
            return ids


class MemoryFactory(POPOFactory):
    """eventsourcing's in-memory persistence with the linked recorder."""

    def application_recorder(self) -> ApplicationRecorder:
        return LinkedMemoryRecorder()


SQLITE_RECORDER = f"{__name__}:LinkedSQLiteRecorder"
POSTGRES_RECORDER = f"{__name__}:LinkedPostgresRecorder"
MEMORY_FACTORY = f"{__name__}:MemoryFactory"

"""eventsourcing's recorders with the hash chain written in the transaction that inserts the events."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

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
    """PostgreSQL's recorder; every insert links its events under the table lock of the same transaction."""

    def __init__(self, datastore: PostgresDatastore, events_table_name: str = SQLITE_LOG) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = f'"{datastore.schema}".' if datastore.schema else ""
        self.linker = Linker("%s", schema + LINKS, schema + META)

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            for statement in create_statements(self.linker.table, self.linker.meta, postgres=True):
                curs.execute(statement.encode())

    def _fetch_ids_after_insert_events(self, *args: Any, **kwargs: Any) -> Any:  # (cursor, stored events)
        ids = super()._fetch_ids_after_insert_events(*args, **kwargs)
        self.linker.link(args[0], rows(ids, args[1]))
        return ids


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

"""eventsourcing's recorders with the hash chain written in the transaction that inserts the events."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from .links import Linker, Row, create_statements
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


def settled(recorder: Any) -> None:
    """Return once every event another session can see is on disk: on PostgreSQL, whose inserts commit before
    their flush (stores/linked_postgres.py), what an anchor records must not be lost by a crash; elsewhere nothing
    to do."""
    settle = getattr(recorder, "settle", None)
    if settle is not None:
        settle()


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
MEMORY_FACTORY = f"{__name__}:MemoryFactory"

"""Views fed from the notification log in batches; each batch and its position commit together."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.application import Application
from orjson import loads

from .storage import Cursor, ViewStore

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
POSITIONS = (
    "CREATE TABLE IF NOT EXISTS lifecycle_positions ("
    "view TEXT PRIMARY KEY, position BIGINT NOT NULL, schema INTEGER NOT NULL)"
)


class Record:
    """One notification as views read it: who, which version, which event, and its JSON fields.

    `raw` is the event's state exactly as stored; `data` is decoded from it when a view first asks
    (the hash chain never does)."""

    __slots__ = ("_data", "id", "originator_id", "raw", "topic", "version")

    def __init__(self, id: int, originator_id: str, version: int, topic: str, raw: bytes) -> None:  # noqa: A002
        self.id, self.originator_id, self.version, self.topic, self.raw = id, originator_id, version, topic, raw
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        """The event's fields as stored (JSON)."""
        if self._data is None:
            self._data = loads(self.raw)
        return self._data


def micros(value: Any) -> int | None:
    """Microseconds since the epoch of a stored or live moment (None stays None)."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value["_data_"]
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return int((value - EPOCH) // MICROSECOND)


class View(Protocol):
    """A projection: its tables, how a batch of records changes them, and how to empty them."""

    name: str
    schema: int
    """The layout of the view's tables; a store holding another layout is dropped and rebuilt."""

    def create(self, cursor: Cursor) -> None: ...

    def drop(self, cursor: Cursor) -> None: ...

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None: ...

    def clear(self, cursor: Cursor) -> None: ...


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Batches allocate many short-lived dicts that form no cycles: skip the collector's passes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@runtime_checkable
class SQLiteView(View, Protocol):
    """A view that can also take a range of SQLite's log table in SQL, without Python per event."""

    def apply_sqlite(self, cursor: Cursor, table: str, after: int, upto: int) -> None: ...


def sqlite_micros(text: str) -> str:
    """SQL for microseconds since the epoch of an ISO 8601 date-time with offset (exact)."""
    return (
        f"(unixepoch({text}) * 1000000 + CASE WHEN substr({text}, 20, 1) = '.' "
        f"THEN CAST(substr({text}, 21, 6) AS INTEGER) ELSE 0 END)"
    )


class Moved(Exception):
    """Another process advanced the view while this batch was being applied."""


class Projector:
    """Keeps one view up to date with an application's notification log."""

    def __init__(self, app: Application[Any], store: ViewStore, view: View, batch_size: int = 10_000) -> None:
        self.app, self.store, self.view, self.batch_size = app, store, view, batch_size
        with store.transaction() as cursor:
            cursor.execute(POSITIONS)
            cursor.execute("SELECT schema FROM lifecycle_positions WHERE view = ?", (view.name,))
            found = cursor.fetchone()
            if found is not None and found[0] != view.schema:  # tables of another layout: start again
                view.drop(cursor)
                cursor.execute("DELETE FROM lifecycle_positions WHERE view = ?", (view.name,))
            if found is None or found[0] != view.schema:
                cursor.execute("INSERT INTO lifecycle_positions VALUES (?, 0, ?)", (view.name, view.schema))
            view.create(cursor)

    def position(self) -> int:
        """The id of the last notification the view has taken in."""
        rows = self.store.query("SELECT position FROM lifecycle_positions WHERE view = ?", (self.view.name,))
        return int(rows[0][0])

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every notification recorded since the view's position; returns how many."""
        with _no_cycle_collection():
            return self._catch_up(progress)

    def _catch_up(self, progress: Callable[[int], None] | None) -> int:
        if self.store.events_table and isinstance(self.view, SQLiteView):
            return self._catch_up_in_sqlite(self.view, progress)
        done = 0
        position = self.position()
        while True:
            records = self.read(position)
            if not records:
                return done
            try:
                self._commit(position, records[-1].id, records)
            except Moved:
                position = self.position()
                continue
            position = records[-1].id
            done += len(records)
            if progress:
                progress(len(records))

    def _catch_up_in_sqlite(self, view: SQLiteView, progress: Callable[[int], None] | None) -> int:
        """Let SQLite read the log and write the view in one statement per batch and table."""
        done, table = 0, self.store.events_table
        while True:
            with self.store.transaction() as cursor:  # BEGIN IMMEDIATE: one projector at a time
                cursor.execute("SELECT position FROM lifecycle_positions WHERE view = ?", (view.name,))
                after = int(cursor.fetchone()[0])
                cursor.execute(
                    f"SELECT COUNT(*), MAX(rowid) FROM (SELECT rowid FROM {table} WHERE rowid > ? "
                    "ORDER BY rowid LIMIT ?)",
                    (after, self.batch_size),
                )
                count, upto = cursor.fetchone()
                if not count:
                    return done
                view.apply_sqlite(cursor, table, after, upto)
                cursor.execute("UPDATE lifecycle_positions SET position = ? WHERE view = ?", (upto, view.name))
            done += count
            if progress:
                progress(count)

    def read(self, position: int) -> list[Record]:
        """The next batch of the notification log after `position`."""
        if self.store.events_table:  # SQLite: the log's own table, without building objects
            rows = self.store.query(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.store.events_table} "
                "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (position, self.batch_size),
            )
            return [Record(r[0], r[1], r[2], r[3], r[4]) for r in rows]
        notifications = self.app.recorder.select_notifications(
            start=position, limit=self.batch_size, inclusive_of_start=False
        )
        return [
            Record(n.id, UUID(str(n.originator_id)).hex, n.originator_version, n.topic, n.state) for n in notifications
        ]

    def _commit(self, old: int, new: int, records: Sequence[Record]) -> None:
        with self.store.transaction() as cursor:
            cursor.execute(
                "UPDATE lifecycle_positions SET position = ? WHERE view = ? AND position = ?",
                (new, self.view.name, old),
            )
            if cursor.rowcount != 1:
                raise Moved
            self.view.apply(cursor, records)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the view and take in the whole log again."""
        with self.store.transaction() as cursor:
            self.view.clear(cursor)
            cursor.execute("UPDATE lifecycle_positions SET position = 0 WHERE view = ?", (self.view.name,))
        return self.catch_up(progress)

"""Views fed from the notification log in batches; each batch and its position commit together."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

from eventsourcing.application import Application

from ..stores.stored import SQLITE_COUNT, SQLITE_READ, Record, notification_records, records
from ..stores.view_store import Cursor, ReadOnlyStore, ViewStore

POSITIONS = (
    "CREATE TABLE IF NOT EXISTS lifecycle_positions ("
    "view TEXT PRIMARY KEY, position BIGINT NOT NULL, schema INTEGER NOT NULL)"
)


class View(Protocol):
    """A projection: its tables, how a batch of records changes them, and how to empty them."""

    name: str
    schema: int
    """The layout of the view's tables; a store holding another layout is dropped and rebuilt. A new table or
    index needs a new number: a PostgreSQL store whose row names this layout runs no DDL for the view."""

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

    def apply_sqlite(self, cursor: Cursor, after: int, upto: int) -> None: ...


class Moved(Exception):
    """Another process advanced the view while this batch was being applied."""


class Projector:
    """Keeps one view up to date with an application's notification log."""

    def __init__(self, app: Application[Any], store: ViewStore, view: View, batch_size: int = 10_000) -> None:
        self.app, self.store, self.view, self.batch_size = app, store, view, batch_size
        if store.read_only:
            return  # read as it is: no DDL, no catching up (see catch_up)
        if store.creating or self._layout() != view.schema:
            with store.creation():  # on PostgreSQL one process at a time makes (or remakes) tables
                self._create()

    def _layout(self) -> int | None:
        """The layout of the view's tables in the store (its row of lifecycle_positions), None before any."""
        rows = self.store.query("SELECT schema FROM lifecycle_positions WHERE view = ?", (self.view.name,))
        return int(rows[0][0]) if rows else None

    def _create(self) -> None:
        """Make the view's tables, or drop and make them again when the store holds another layout."""
        view = self.view
        with self.store.transaction() as cursor:
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
        """Apply every notification recorded since the view's position; returns how many (none on a read-only
        store: the view answers as it is, and a warning says once how far it is behind the log)."""
        if self.store.read_only:
            self._behind()
            return 0
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
        """Let SQLite read the log and write the view in one statement per batch and table (a view already up to
        date is told by a read, which takes no write lock)."""
        done = 0
        if not self.store.query(SQLITE_COUNT, (self.position(), 1))[0][0]:
            return done
        while True:
            with self.store.transaction() as cursor:  # BEGIN IMMEDIATE: one projector at a time
                cursor.execute("SELECT position FROM lifecycle_positions WHERE view = ?", (view.name,))
                after = int(cursor.fetchone()[0])
                cursor.execute(SQLITE_COUNT, (after, self.batch_size))
                count, upto = cursor.fetchone()
                if not count:
                    return done
                view.apply_sqlite(cursor, after, upto)
                cursor.execute("UPDATE lifecycle_positions SET position = ? WHERE view = ?", (upto, view.name))
            done += count
            if progress:
                progress(count)

    def _behind(self) -> None:
        """On a read-only store: warn once when the view has not taken in every recorded event (refused when its
        tables have another version's layout: they cannot be read, nor rebuilt)."""
        last = self.app.recorder.max_notification_id() or 0
        rows = self.store.query("SELECT position, schema FROM lifecycle_positions WHERE view = ?", (self.view.name,))
        if rows and rows[0][1] != self.view.schema:
            raise ReadOnlyStore(
                f"the store is read-only ({self.store.read_only}) and its {self.view.name} view has the layout of "
                f"another version ({rows[0][1]}; this one reads {self.view.schema}): open it writable once, with any "
                "command, to rebuild the view"
            )
        position = int(rows[0][0]) if rows else 0
        if position < last:
            self.store.warn_once(
                self.view.name,
                f"the store is read-only and its {self.view.name} view has taken in {position} of {last} recorded "
                "events: it answers as of then (a command that records, on a writable store, brings it up to date)",
            )

    def read(self, position: int) -> list[Record]:
        """The next batch of the notification log after `position`."""
        if self.store.events_table:  # SQLite: the log's own table, without building objects
            return records(self.store.query(SQLITE_READ, (position, self.batch_size)))
        notifications = self.app.recorder.select_notifications(
            start=position, limit=self.batch_size, inclusive_of_start=False
        )
        return notification_records(notifications)

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

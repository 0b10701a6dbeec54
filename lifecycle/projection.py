"""Views fed from the notification log in batches; each batch and its position commit together."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from eventsourcing.application import Application
from orjson import loads

from .storage import Cursor, ViewStore

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
POSITIONS = "CREATE TABLE IF NOT EXISTS lifecycle_positions (view TEXT PRIMARY KEY, position BIGINT NOT NULL)"


@dataclass(frozen=True, slots=True)
class Record:
    """One notification as views read it: who, which version, which event, and its JSON fields."""

    id: int
    originator_id: str
    version: int
    topic: str
    data: dict[str, Any]


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

    def create(self, cursor: Cursor) -> None: ...

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


class Moved(Exception):
    """Another process advanced the view while this batch was being applied."""


class Projector:
    """Keeps one view up to date with an application's notification log."""

    def __init__(self, app: Application[Any], store: ViewStore, view: View, batch_size: int = 10_000) -> None:
        self.app, self.store, self.view, self.batch_size = app, store, view, batch_size
        with store.transaction() as cursor:
            cursor.execute(POSITIONS)
            cursor.execute(
                "INSERT INTO lifecycle_positions VALUES (?, 0) ON CONFLICT (view) DO NOTHING",
                (view.name,),
            )
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
        done = 0
        position = self.position()
        while True:
            records = self._read(position)
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

    def _read(self, position: int) -> list[Record]:
        """The next batch of the notification log after `position`."""
        if self.store.events_table:  # SQLite: the log's own table, without building objects
            rows = self.store.query(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.store.events_table} "
                "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (position, self.batch_size),
            )
            return [Record(r[0], r[1], r[2], r[3], loads(r[4])) for r in rows]
        notifications = self.app.recorder.select_notifications(
            start=position, limit=self.batch_size, inclusive_of_start=False
        )
        return [
            Record(n.id, str(n.originator_id), n.originator_version, n.topic, loads(n.state)) for n in notifications
        ]

    def _commit(self, old: int, new: int, records: Sequence[Record]) -> None:
        with self.store.transaction() as cursor:
            cursor.execute(
                "UPDATE lifecycle_positions SET position = ? WHERE view = ? AND position = ?",
                (new, self.view.name, old),
            )
            if getattr(cursor, "rowcount", 1) != 1:
                raise Moved
            self.view.apply(cursor, records)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the view and take in the whole log again."""
        with self.store.transaction() as cursor:
            self.view.clear(cursor)
            cursor.execute("UPDATE lifecycle_positions SET position = 0 WHERE view = ?", (self.view.name,))
        return self.catch_up(progress)

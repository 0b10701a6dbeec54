"""Views fed from the notification log in batches; each batch and its position commit together."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from eventsourcing.application import Application

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


class Moved(Exception):
    """Another process advanced the view while this batch was being applied."""


class Projector:
    """Keeps one view up to date with an application's notification log."""

    def __init__(self, app: Application[Any], store: ViewStore, view: View, batch_size: int = 2000) -> None:
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
        done = 0
        position = self.position()
        while True:
            notifications = self.app.recorder.select_notifications(
                start=position, limit=self.batch_size, inclusive_of_start=False
            )
            if not notifications:
                return done
            records = [
                Record(n.id, str(n.originator_id), n.originator_version, n.topic, json.loads(n.state))
                for n in notifications
            ]
            try:
                self._commit(position, notifications[-1].id, records)
            except Moved:
                position = self.position()
                continue
            position = notifications[-1].id
            done += len(notifications)
            if progress:
                progress(len(notifications))

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

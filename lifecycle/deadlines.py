"""The index of pending deadlines: one row per complaint that has one, ordered by when it lapses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from .storage import Cursor

EPOCH = datetime(1970, 1, 1).astimezone()


def micros(moment: datetime) -> int:
    """Microseconds since the epoch: a sortable integer for an aware moment."""
    return int(moment.timestamp() * 1_000_000)


class DeadlineView:
    """Complaints with a pending deadline, kept from each event's `deadline`."""

    name = "deadlines"

    def create(self, cursor: Cursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS lifecycle_deadlines ("
            "complaint_id TEXT PRIMARY KEY, reference TEXT NOT NULL, "
            "deadline TEXT NOT NULL, lapses_at BIGINT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS lifecycle_deadlines_by_time ON lifecycle_deadlines (lapses_at)")

    def apply(self, cursor: Cursor, events: Sequence[DomainEventProtocol[Any]]) -> None:
        latest: dict[str, Any] = {}
        references: dict[str, str] = {}
        for event in events:
            if hasattr(event, "deadline"):
                latest[str(event.originator_id)] = event.deadline
            if hasattr(event, "reference"):
                references[str(event.originator_id)] = event.reference
        for complaint_id, deadline in latest.items():
            if deadline is None:
                cursor.execute("DELETE FROM lifecycle_deadlines WHERE complaint_id = ?", (complaint_id,))
                continue
            cursor.execute(
                "INSERT INTO lifecycle_deadlines VALUES (?, COALESCE(?, ''), ?, ?) "
                "ON CONFLICT (complaint_id) DO UPDATE SET deadline = excluded.deadline, "
                "lapses_at = excluded.lapses_at",
                (complaint_id, references.get(complaint_id), deadline.name, micros(deadline.lapses_at)),
            )

    def clear(self, cursor: Cursor) -> None:
        cursor.execute("DELETE FROM lifecycle_deadlines")


def due_sql() -> str:
    """Complaints whose deadline lapses by a moment, earliest first."""
    return "SELECT complaint_id FROM lifecycle_deadlines WHERE lapses_at <= ? ORDER BY lapses_at, complaint_id LIMIT ?"


def as_uuid(value: str) -> UUID:
    """A complaint id read back from the index."""
    return UUID(value)

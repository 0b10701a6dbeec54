"""The index of pending deadlines: one row per complaint that has one, ordered by when it lapses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from ..stores.stored import SQLITE_BATCH, Record, micros, sql_field, sqlite_micros
from ..stores.view_store import Cursor, ViewStore
from .report.names import of_business

DUE = "SELECT complaint_id FROM lifecycle_deadlines WHERE lapses_at <= ? ORDER BY lapses_at, complaint_id LIMIT ?"


class DeadlineView:
    """Complaints with a pending deadline, kept from each event's `deadline` (a paused one is not pending)."""

    name = "deadlines"
    schema = 2

    def create(self, cursor: Cursor) -> None:
        """The index table, ordered by lapse time."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS lifecycle_deadlines ("
            "complaint_id TEXT PRIMARY KEY, deadline TEXT NOT NULL, lapses_at BIGINT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS lifecycle_deadlines_by_time ON lifecycle_deadlines (lapses_at)")

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None:
        """Keep the latest deadline of each complaint in the batch."""
        latest: dict[str, Any] = {}
        for record in records:
            if "deadline" in record.data:
                latest[record.originator_id] = record.value("deadline")
        gone = [(cid,) for cid, deadline in latest.items() if deadline is None or deadline.get("paused_at")]
        kept = [(cid, d["name"], micros(d["lapses_at"])) for cid, d in latest.items() if d and not d.get("paused_at")]
        if gone:
            cursor.executemany("DELETE FROM lifecycle_deadlines WHERE complaint_id = ?", gone)
        if kept:
            cursor.executemany(
                "INSERT INTO lifecycle_deadlines VALUES (?, ?, ?) ON CONFLICT (complaint_id) "
                "DO UPDATE SET deadline = excluded.deadline, lapses_at = excluded.lapses_at",
                kept,
            )

    def apply_sqlite(self, cursor: Cursor, after: int, upto: int) -> None:
        """The same as `apply`, written by SQLite from its own log table: each complaint's last event decides."""
        last = f"SELECT complaint_id, MAX(version), s FROM ({SQLITE_BATCH}) GROUP BY complaint_id"
        deadline, paused = sql_field("s", "deadline"), sql_field("s", "deadline", "paused_at")
        cursor.execute(
            f"DELETE FROM lifecycle_deadlines WHERE complaint_id IN (SELECT complaint_id FROM ({last}) "
            f"WHERE {deadline} IS NULL OR {paused} IS NOT NULL)",
            (after, upto),
        )
        lapses = sqlite_micros(sql_field("s", "deadline", "lapses_at"))
        cursor.execute(
            f"INSERT INTO lifecycle_deadlines SELECT complaint_id, {sql_field('s', 'deadline', 'name')}, {lapses} "
            f"FROM ({last}) WHERE {deadline} IS NOT NULL AND {paused} IS NULL ON CONFLICT (complaint_id) "
            "DO UPDATE SET deadline = excluded.deadline, lapses_at = excluded.lapses_at",
            (after, upto),
        )

    def drop(self, cursor: Cursor) -> None:
        """Remove the table."""
        cursor.execute("DROP TABLE IF EXISTS lifecycle_deadlines")

    def clear(self, cursor: Cursor) -> None:
        """Empty the index."""
        cursor.execute("DELETE FROM lifecycle_deadlines")


def due(store: ViewStore, lapses_by: datetime, limit: int, business: str | None = None) -> list[UUID]:
    """The complaints whose deadline lapses by `lapses_by`, soonest first (of one business, in any spelling)."""
    if business is None:
        return [UUID(row[0]) for row in store.query(DUE, (micros(lapses_by), limit))]
    condition, spellings = of_business(store, business)
    rows = store.query(
        "SELECT d.complaint_id FROM lifecycle_deadlines d JOIN report_complaints c ON c.complaint_id = d.complaint_id "
        f"WHERE d.lapses_at <= ? AND {condition} ORDER BY d.lapses_at, d.complaint_id LIMIT ?",
        (micros(lapses_by), *spellings, limit),
    )
    return [UUID(row[0]) for row in rows]

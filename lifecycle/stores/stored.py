"""The one module that knows how events are stored: eventsourcing's JSON shape and its tables.

A stored event is a row (originator id, version, topic, state) whose state is the event's fields as
JSON; values JSON does not know are objects `{"_type_": name, "_data_": value}` written by a
registered transcoding. SQLite keeps the notification log in `stored_events` (rowid = notification
id, originator ids as 32 hex digits); PostgreSQL and memory are read through eventsourcing's recorder.
Everything else in the project asks this module, so the shape is written down once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from orjson import dumps, loads

from .compact import packed, plain
from .links import Linker, Row

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
SQLITE_LOG = "stored_events"
"""eventsourcing's SQLite table of events; its rowid is the notification id."""
RECORDED = "timestamp"
"""The field eventsourcing gives every event: when it was recorded."""
TYPED = frozenset({"at", "deadline", RECORDED, "text", "consumer", "desired_outcome"})
"""The top-level fields of the complaint's events that a transcoding writes as `{"_type_", "_data_"}`."""


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
            self._data = loads(plain(self.raw))
        return self._data

    @property
    def json(self) -> bytes:
        """The event's state as JSON (decompressed when it was stored compressed)."""
        return plain(self.raw)

    def value(self, name: str) -> Any:
        """A field with its transcoding's wrapper taken off (None when absent)."""
        return unwrap(self.data.get(name))


def unwrap(value: Any) -> Any:
    """The data of a transcoded value; other values as they are."""
    return value["_data_"] if isinstance(value, dict) and "_data_" in value else value


def typed(value: Any, name: str) -> Any:
    """The data of a value its transcoding `name` wrote (None when the value is of another kind)."""
    if isinstance(value, dict) and value.get("_type_") == name:
        return value.get("_data_")
    return None


def micros(value: Any) -> int | None:
    """Microseconds since the epoch of a stored or live moment (None stays None)."""
    if value is None:
        return None
    value = unwrap(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return int((value - EPOCH) // MICROSECOND)


def moment(value: int) -> datetime:
    """The UTC moment of microseconds since the epoch (how views keep times)."""
    return EPOCH + value * MICROSECOND


def sql_field(column: str, name: str, *inner: str) -> str:
    """SQLite SQL for a field of the JSON text in `column` (and a key inside it), wrapper taken off."""
    path = "$." + name + ("._data_" if name in TYPED else "") + "".join(f".{key}" for key in inner)
    return f"json_extract({column}, '{path}')"


def sqlite_micros(text: str) -> str:
    """SQL for microseconds since the epoch of an ISO 8601 date-time with offset (exact: the whole seconds are
    read without the fraction, which unixepoch() would round, `23:59:59.999999` up to the next second)."""
    fraction = f"substr({text}, 20, 1) = '.'"
    whole = f"unixepoch(CASE WHEN {fraction} THEN substr({text}, 1, 19) || substr({text}, 27) ELSE {text} END)"
    return f"({whole} * 1000000 + CASE WHEN {fraction} THEN CAST(substr({text}, 21, 6) AS INTEGER) ELSE 0 END)"


SQLITE_BATCH = (
    "WITH batch AS MATERIALIZED (SELECT originator_id AS complaint_id, originator_version AS version, topic, "
    f"lifecycle_json(state) AS s FROM {SQLITE_LOG} WHERE rowid > ? AND rowid <= ?) SELECT * FROM batch"
)
"""The SQLite log between two notification ids (after, upto], in views' words: complaint_id (hex), version,
topic and the state as JSON text `s` (read its fields with `sql_field("s", ...)`), each state decompressed
once (`lifecycle_json`, registered on the views' connection: stores/compact.py)."""


SQLITE_READ = (
    f"SELECT rowid, originator_id, originator_version, topic, state FROM {SQLITE_LOG} "
    "WHERE rowid > ? ORDER BY rowid LIMIT ?"
)
"""The next batch of the SQLite log, without building eventsourcing's objects."""
SQLITE_COUNT = (
    f"SELECT COUNT(*), MAX(rowid) FROM (SELECT rowid FROM {SQLITE_LOG} WHERE rowid > ? ORDER BY rowid LIMIT ?)"
)
"""How many notifications follow a position (up to a limit), and the last one's id."""


def records(rows: Iterable[Sequence[Any]]) -> list[Record]:
    """Records of rows read by SQLITE_READ."""
    return [Record(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def notification_records(notifications: Iterable[Any]) -> list[Record]:
    """Records of eventsourcing notifications (PostgreSQL, memory)."""
    return [Record(n.id, UUID(str(n.originator_id)).hex, n.originator_version, n.topic, n.state) for n in notifications]


def members(state: bytes, drop: Iterable[str] = ()) -> tuple[dict[str, Any], bytes]:
    """A stored state's fields without `drop` and the recording time: decoded, and as JSON members."""
    fields = loads(plain(state))
    for name in (*drop, RECORDED):
        fields.pop(name, None)
    return fields, dumps(fields)[1:-1]


def member(name: str, encoded: bytes) -> bytes:
    """One JSON member: a field's name and its encoded value."""
    return b'"' + name.encode() + b'":' + encoded


def joined(values: Mapping[str, bytes]) -> bytes:
    """Encoded values as JSON members, comma-separated."""
    return b",".join(member(name, value) for name, value in values.items())


def plain_members(values: dict[str, Any]) -> bytes:
    """Values JSON knows (texts, dicts, None), as JSON members."""
    return dumps(values)[1:-1]


def closing(recorded: bytes) -> bytes:
    """What ends every stored state of one write: the recording time (already encoded) and the brace."""
    return b"," + member(RECORDED, recorded) + b"}"


def event_rows(
    complaint_id: str, events: Iterable[tuple[str, bytes]], first: bytes, end: bytes
) -> list[tuple[str, int, str, bytes]]:
    """A new complaint's rows (id, version, topic, state), each state put together from its JSON members,
    the first event's further members `first` (with their leading comma), and the `closing`."""
    rows = []
    for version, (topic, body) in enumerate(events, start=1):
        rows.append((complaint_id, version, topic, b"{" + body + (first if version == 1 else b"") + end))
    return rows


def last_state(state: bytes) -> str:
    """The `state` field of a stored event (the complaint's state after it)."""
    return str(loads(plain(state))["state"])


class EventTable:
    """eventsourcing's table of events, for bulk work: what exists, and inserting rows built elsewhere."""

    def __init__(self, recorder: Any, store: Any) -> None:
        self.recorder, self.store = recorder, store
        self.sqlite = bool(store.events_table)
        self.table: str | None = getattr(recorder, "events_table_name", None)
        self.linker = Linker()

    def last_events(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        """For the complaints that exist (ids in hex): their last version and state."""
        found: dict[str, tuple[int, str]] = {}
        if self.table is None:  # in memory: ask the recorder
            for complaint_id in ids:
                events = self.recorder.select_events(UUID(complaint_id), desc=True, limit=1)
                if events:
                    found[complaint_id] = (events[0].originator_version, last_state(events[0].state))
            return found
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            keys = chunk if self.sqlite else [UUID(i) for i in chunk]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.query(
                f"SELECT originator_id, originator_version, state FROM {self.table} "
                f"WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version DESC",
                keys,
            )
            for originator_id, version, state in rows:
                complaint_id = UUID(str(originator_id)).hex
                if complaint_id not in found:
                    found[complaint_id] = (int(version), last_state(state))
        return found

    def filings(self, ids: list[str]) -> dict[str, bytes]:
        """For the complaints that exist (ids in hex): the stored state of their first event."""
        if self.table is None:  # in memory: ask the recorder
            firsts = {i: self.recorder.select_events(UUID(i), lte=1) for i in ids}
            return {i: plain(events[0].state) for i, events in firsts.items() if events}
        found: dict[str, bytes] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.query(
                f"SELECT originator_id, state FROM {self.table} WHERE originator_id IN ({marks}) "
                "AND originator_version = 1",
                chunk if self.sqlite else [UUID(i) for i in chunk],
            )
            found.update((UUID(str(originator_id)).hex, plain(state)) for originator_id, state in rows)
        return found

    def insert(self, rows: list[tuple[str, int, str, bytes]]) -> None:
        """Insert (complaint id in hex, version, topic, state) rows in one transaction, linked into the hash chain;
        a row another writer recorded meanwhile raises eventsourcing's IntegrityError and inserts none."""
        rows = [(complaint_id, version, topic, packed(state)) for complaint_id, version, topic, state in rows]
        if self.sqlite:  # rowids (notification ids) follow the largest: the chain's positions are known
            try:
                with self.store.transaction() as cursor:
                    cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {self.table}")
                    after = int(cursor.fetchone()[0])
                    cursor.executemany(
                        f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
                        "VALUES (?, ?, ?, ?)",
                        rows,
                    )
                    self.linker.link(cursor, [Row(after + n, *row) for n, row in enumerate(rows, start=1)])
            except sqlite3.IntegrityError as error:  # a version another writer recorded: as eventsourcing says it
                raise IntegrityError(str(error)) from error
            return
        self.recorder.insert_events([StoredEvent(UUID(i), v, t, s) for i, v, t, s in rows])

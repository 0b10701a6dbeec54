"""What the chain does not cover by itself: view rows against the log, and keys against the sealed data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag

from ..stores.database import resolve
from ..stores.keys import PERSONAL, KeyStore, Sealed, open_sealed
from ..stores.stored import Record, typed
from ..stores.view_store import ViewStore
from .chain import Finding
from .deadlines import DeadlineView
from .report.view import ReportView

TABLES = (
    ("report_complaints", "complaint_id", "the complaint's row in the report view"),
    ("report_steps", "complaint_id, version", "the event's row in the report view"),
    ("lifecycle_deadlines", "complaint_id", "the complaint's row in the deadline index"),
)
"""The views' tables, the key of their rows, and what a row stands for."""


class ViewCheck:
    """The views rebuilt in memory from the records a scan reads, then compared row by row with the store's."""

    def __init__(self, batch: int = 5_000) -> None:
        self.memory = ViewStore(resolve("memory://"))
        self.views = (ReportView(), DeadlineView())
        self.pending: list[Record] = []
        self.batch = batch
        self.positions: dict[tuple[str, int], int] = {}
        self.head = 0
        self.stopped: str | None = None
        """Why the views could not be rebuilt from the log (then they are not compared)."""
        self.last: dict[str, int] = {}
        with self.memory.transaction() as cursor:
            for view in self.views:
                view.create(cursor)

    def take(self, record: Record) -> None:
        """One more record of the log."""
        if self.stopped:
            return
        self.pending.append(record)
        self.positions[(record.originator_id, record.version)] = self.head = record.id
        self.last[record.originator_id] = record.version
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Apply the records taken so far."""
        if self.pending and not self.stopped:
            try:
                with self.memory.transaction() as cursor:
                    for view in self.views:
                        view.apply(cursor, self.pending)
            except Exception as error:  # noqa: BLE001 - an edited event need not decode; the chain names it
                first, last = self.pending[0].id, self.pending[-1].id
                self.stopped = f"views not compared: an event between positions {first} and {last} does not decode "
                self.stopped += f"({type(error).__name__}: {error})"
            self.pending = []

    def compare(self, store: ViewStore) -> list[Finding]:
        """Rows the log implies that the store lacks or holds otherwise (first per table)."""
        self.flush()
        found: list[Finding] = []
        if self.stopped:
            return found
        for table, key, what in TABLES:
            mine = {_key(row, key): row for row in self.memory.query(f"SELECT * FROM {table}")}
            theirs = {_key(row, key): row for row in store.query(f"SELECT * FROM {table}")}
            wrong = [k for k, row in mine.items() if tuple(theirs.get(k, ())) != tuple(row)]
            wrong += [k for k in theirs if k not in mine and self._settled(k)]
            if wrong:
                found.append(self._finding(min(wrong, key=self._position), what, wrong))
        self.memory.close()
        return found

    def _settled(self, key: tuple[Any, ...]) -> bool:
        """True when the row belongs to what the log held when read (not to a writer since)."""
        return key[0] in self.last and (len(key) == 1 or key[1] <= self.last[key[0]])

    def _position(self, key: tuple[Any, ...]) -> int:
        version = key[1] if len(key) > 1 else self.last.get(key[0], 0)
        return self.positions.get((key[0], version), self.head + 1)  # a row of no event read: past the end

    def _finding(self, key: tuple[Any, ...], what: str, wrong: Sequence[Any]) -> Finding:
        version = key[1] if len(key) > 1 else self.last.get(key[0])
        more = f" ({len(wrong) - 1} more rows)" if len(wrong) > 1 else ""
        reason = f"{what} is missing or differs from the log{more}: a view was edited (`lifecycle rebuild` redoes it)"
        return Finding(self._position(key), key[0], version, reason)


def _key(row: Sequence[Any], key: str) -> tuple[Any, ...]:
    return tuple(row[: key.count(",") + 1])


class KeyCheck:
    """Each complaint's sealed personal data still opens under its stored key (a replaced key does not)."""

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys
        self.findings: list[Finding] = []

    def take(self, record: Record) -> None:
        """Open what `record` seals, if anything."""
        if self.findings or b'"sealed"' not in record.json:
            return
        for name in PERSONAL:
            value = typed(record.data.get(name), "sealed")
            if value is None:
                continue
            key = self.keys.key(record.originator_id)
            if key is None:
                return  # erased
            try:
                open_sealed(key, Sealed(value), record.originator_id)
            except (InvalidTag, ValueError):
                reason = "its personal data no longer opens under its stored key: the key was replaced"
                self.findings.append(Finding(record.id, record.originator_id, record.version, reason))
                return

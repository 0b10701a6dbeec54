"""Tamper evidence: every recorded event linked into a hash chain, and `verify` to recompute it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..stores.stored import Record
from ..stores.view_store import Cursor
from .projector import Projector

GENESIS = "0" * 64


def digest(record: Record) -> str:
    """SHA-256 over what never changes in a stored event: its complaint, version, topic and state bytes."""
    head = f"{record.originator_id}\x1f{record.version}\x1f{record.topic}\x1f".encode()
    return hashlib.sha256(head + bytes(record.raw)).hexdigest()


def link(previous: str, event_digest: str) -> str:
    """The chain's next link."""
    return hashlib.sha256(f"{previous}{event_digest}".encode()).hexdigest()


class ChainView:
    """One link per notification, in notification order."""

    name = "chain"
    schema = 1

    def create(self, cursor: Cursor) -> None:
        """The chain table."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS lifecycle_chain (id BIGINT PRIMARY KEY, complaint_id TEXT NOT NULL, "
            "version INTEGER NOT NULL, digest TEXT NOT NULL, link TEXT NOT NULL)"
        )

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None:
        """Extend the chain from its last link."""
        cursor.execute("SELECT link FROM lifecycle_chain ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
        previous = row[0] if row else GENESIS
        rows = []
        for record in records:
            event_digest = digest(record)
            previous = link(previous, event_digest)
            rows.append((record.id, record.originator_id, record.version, event_digest, previous))
        cursor.executemany("INSERT INTO lifecycle_chain VALUES (?, ?, ?, ?, ?)", rows)

    def drop(self, cursor: Cursor) -> None:
        """Remove the table."""
        cursor.execute("DROP TABLE IF EXISTS lifecycle_chain")

    def clear(self, cursor: Cursor) -> None:
        """Empty the chain (only `rebuild` does this: it accepts the log as it is now)."""
        cursor.execute("DELETE FROM lifecycle_chain")


@dataclass(frozen=True)
class Broken:
    """The first link that does not hold: which complaint and version, and why."""

    complaint_id: str
    version: int
    reason: str


def _log(projector: Projector) -> Iterator[Record]:
    position = 0
    while batch := projector.read(position):
        yield from batch
        position = batch[-1].id


def _links(projector: Projector) -> Iterator[tuple[Any, ...]]:
    after = 0
    while rows := projector.store.query(
        "SELECT id, complaint_id, version, digest, link FROM lifecycle_chain WHERE id > ? ORDER BY id LIMIT 10000",
        (after,),
    ):
        yield from rows
        after = rows[-1][0]


def verify(projector: Projector) -> tuple[int, Broken | None]:
    """Recompute every link from the stored events; the count checked and the first broken link."""
    previous, checked = GENESIS, 0
    events, links = _log(projector), _links(projector)
    record, row = next(events, None), next(links, None)
    while record is not None or row is not None:
        if row is None:
            assert record is not None
            return checked, Broken(record.originator_id, record.version, "event recorded outside the chain")
        if record is None or row[0] < record.id:
            return checked, Broken(row[1], row[2], "event missing from the store")
        if record.id < row[0]:
            return checked, Broken(record.originator_id, record.version, "event recorded outside the chain")
        if (record.originator_id, record.version) != (row[1], row[2]):
            return checked, Broken(row[1], row[2], f"event moved: found version {record.version} of another place")
        if digest(record) != row[3]:
            return checked, Broken(row[1], row[2], "event changed after it was recorded")
        previous = link(previous, row[3])
        if previous != row[4]:
            return checked, Broken(row[1], row[2], "chain link changed")
        checked += 1
        record, row = next(events, None), next(links, None)
    return checked, None

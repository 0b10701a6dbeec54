"""Many complaints read at once: their events in one query per page, their keys in one more, personal data opened.

What reads every complaint (`export`) goes a page of complaints at a time, so what it holds is bounded by the
page, not by the store; each complaint's events come in version order, as `repository.get` would give them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from .keys import ERASED, PERSONAL, KeyStore, Sealed, open_sealed
from .view_store import ViewStore

CHUNK = 500
"""Complaint ids per `IN (...)` list: well inside every driver's limit on parameters."""


class EventPages:
    """The events of many complaints, decoded, their personal data opened with keys fetched together."""

    def __init__(self, recorder: Any, store: ViewStore, mapper: Mapper[Any], keys: KeyStore) -> None:
        self.recorder, self.store, self.key_store = recorder, store, keys
        self.table: str | None = getattr(recorder, "events_table_name", None)
        """The events' table (SQLite, PostgreSQL); None in memory, where the recorder is asked per complaint."""
        self.plain: Mapper[Any] = Mapper(mapper.transcoder, mapper.compressor, mapper.cipher)
        """The store's mapper without its key lookups: sealed values stay sealed until `opened`."""

    def events(self, complaint_ids: Sequence[str]) -> dict[str, list[Any]]:
        """Each complaint's domain events (ids in hex), in version order; personal data opened, or marked erased."""
        found: dict[str, list[Any]] = {i: [] for i in complaint_ids}
        for start in range(0, len(complaint_ids), CHUNK):
            chunk = list(complaint_ids[start : start + CHUNK])
            keys = self.key_store.existing(chunk)
            for stored in self._stored(chunk):
                complaint_id = cast(UUID, stored.originator_id).hex
                found[complaint_id].append(opened(self.plain.to_domain_event(stored), keys.get(complaint_id)))
        return found

    def _stored(self, chunk: list[str]) -> list[StoredEvent]:
        """The stored events of these complaints, each complaint's in version order."""
        uuids = {i: UUID(i) for i in chunk}
        if self.table is None:
            return [e for u in uuids.values() for e in self.recorder.select_events(u)]
        sqlite = self.store.dialect == "sqlite"
        marks = ", ".join("?" for _ in chunk)
        rows = self.store.query(
            f"SELECT originator_id, originator_version, topic, state FROM {self.table} "
            f"WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version",
            chunk if sqlite else list(uuids.values()),
        )
        if sqlite:  # ids as stored: 32 hex digits
            return [StoredEvent(uuids[r[0]], r[1], r[2], r[3]) for r in rows]
        return [StoredEvent(r[0], r[1], r[2], bytes(r[3])) for r in rows]


def opened(event: Any, key: bytes | None) -> Any:
    """The event with its sealed personal fields opened under `key`, or marked erased without one (as the
    store's mapper does, event by event)."""
    state = vars(event)
    for name in PERSONAL:
        value = state.get(name)
        if isinstance(value, Sealed):
            state[name] = ERASED if key is None else open_sealed(key, value, event.originator_id.hex)
    return event

"""The bulk write path, contained: events of many complaints stored from the stored form of a sample's.

The aggregate records a sample complaint; the mapper turns its events into stored events; what
varies from complaint to complaint (times, deadlines, filing facts, the sealed text) is taken out,
and the rest is kept as JSON members that later complaints of the same shape share. An integration
test holds this path to the aggregate's, stored event by stored event, field by field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from orjson import loads

from .keys import KeyStore, seal
from .stored import EventTable, closing, event_rows, joined, member, members, plain_members
from .view_store import ViewStore

VARYING = ("at", "deadline")
"""The fields every event of a shape takes from its own complaint."""


@dataclass(frozen=True)
class StoredShape:
    """One event of a sample, as stored, without what varies: its topic and constant fields."""

    topic: str
    fields: Mapping[str, Any]
    """The constant fields, decoded."""
    rest: bytes
    """The constant fields as JSON members, without braces."""


@dataclass(slots=True)
class NewComplaint:
    """A complaint to store: its id (hex), each event's topic and JSON parts, and its personal text."""

    complaint_id: str
    events: Sequence[tuple[str, bytes]]
    """Each event's topic and its JSON members (without braces, recording time or sealed text)."""
    text: str | None


class FastPath:
    """Shapes from a sample's events, the parts that fill them, and the insert of whole complaints."""

    def __init__(self, mapper: Any, keys: KeyStore, recorder: Any, tables: ViewStore) -> None:
        self.mapper, self.keys = mapper, keys
        self.table = EventTable(recorder, tables)

    def shapes(self, events: Iterable[Any], filing_facts: Sequence[str]) -> list[StoredShape]:
        """The stored form of `events` (a new complaint's, first the filing) without what varies."""
        shapes = []
        for number, event in enumerate(events):
            stored = self.mapper.to_stored_event(event)
            varying = (*VARYING, *filing_facts, "text") if number == 0 else VARYING
            fields, rest = members(stored.state, drop=varying)
            shapes.append(StoredShape(stored.topic, fields, rest))
        return shapes

    def encode(self, value: Any) -> bytes:
        """A value as JSON exactly as the application's transcoder writes it."""
        return bytes(self.mapper.transcoder.encode(value))

    def encoded(self, values: Mapping[str, Any]) -> bytes:
        """Values as JSON members, each encoded as the application's transcoder writes it."""
        return joined({name: self.encode(value) for name, value in values.items()})

    def timed(self, at: datetime, deadline: bytes) -> bytes:
        """The members every event takes from its complaint: its time and the deadline it sets (encoded)."""
        return joined({"at": self.encode(at), "deadline": deadline})

    @staticmethod
    def members(*parts: bytes) -> bytes:
        """JSON members put together (none empty)."""
        return b",".join(parts)

    @staticmethod
    def facts(values: dict[str, Any]) -> bytes:
        """A filing's own facts (texts, dicts, None) as JSON members."""
        return plain_members(values)

    def last_events(self, complaint_ids: list[str]) -> dict[str, tuple[int, str]]:
        """For the complaints that exist (ids in hex): their last version and state."""
        return self.table.last_events(complaint_ids)

    def filed_with(self, complaint_ids: list[str], name: str, value: Any) -> set[str]:
        """The complaints (ids in hex) whose filing (their first event) stores `name` as `value` (encoded)."""
        wanted = loads(self.encode(value))
        return {i for i, state in self.table.filings(complaint_ids).items() if members(state)[0].get(name) == wanted}

    def append(self, complaints: Sequence[NewComplaint]) -> int:
        """Store new complaints' events in one transaction, the text sealed under each one's key."""
        keys = self.keys.keys_for([c.complaint_id for c in complaints if c.text])
        end = closing(self.encode(datetime.now(UTC)))
        rows: list[tuple[str, int, str, bytes]] = []
        for c in complaints:
            sealed = c.text and seal(keys[c.complaint_id], c.text, c.complaint_id)
            rows += event_rows(c.complaint_id, c.events, b"," + member("text", self.encode(sealed)), end)
        self.table.insert(rows)
        return len(rows)

"""Templates per outcome: one row through the aggregate, the rest filled in on the store's fast path.

Rows of one outcome (see mapping.Outcome: response, timely, disputed, how `sent` is known, overdue at
import) share their events: the first row of each outcome goes through the Complaint aggregate; later
rows fill in its stored shapes with their own times, deadlines and filing facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from hashlib import sha1
from typing import Any

from ...domain.complaint import NAMESPACE
from ...domain.errors import InvalidInput
from ...domain.planned import seen
from ...domain.rules import CLOCK
from ...stores.fast_path import FastPath, NewComplaint, StoredShape
from .export import ExportRow
from .mapping import ADVANCE, CLOCK_SLOTS, NO_COMPANY, Moments, Outcome, Reading, commands, file_row, reading

FILING_FACTS = ("reference", "business", "complaint_type", "details")
"""What a filing takes from its own row as plain values (besides its time and its sealed narrative)."""
KNOWN_UNTIL = "known_until"
"""What a filing takes from its export, encoded: the moment the export knows the history up to."""


@dataclass(frozen=True)
class EventShape:
    """One event of a template: its stored shape, where its time comes from, the state it leaves."""

    stored: StoredShape
    event: str | None
    """The name a generic event carries (None for events with a class of their own)."""
    slot: str
    state: str
    flags: bool
    """The clock's flag of a lapsed expectation (`overdue`): it sets no deadline."""


@dataclass(slots=True)
class Prepared:
    """One row's complaint, ready to store, and the state it ends in."""

    reading: Reading
    complaint_id: str
    """The complaint's id as 32 hex digits."""
    complaint: NewComplaint
    final_state: str

    @property
    def row(self) -> ExportRow:
        """The export row."""
        return self.reading.row


class Templates:
    """Per outcome, the events the aggregate recorded for its first row; rows filled in from them."""

    def __init__(self, fast: FastPath, moments: Moments) -> None:
        self.fast, self.moments, self.profile = fast, moments, moments.profile
        self.shapes: dict[Outcome, tuple[EventShape, ...]] = {}
        self.deadlines: dict[tuple[Any, ...], bytes] = {}
        self.timings: dict[tuple[Any, ...], tuple[bytes, list[tuple[str, bytes]]]] = {}
        self.known: dict[datetime, bytes] = {}

    def shape(self, read: Reading) -> tuple[EventShape, ...]:
        """The shapes of a row's outcome, made from a sample row through the aggregate when first needed."""
        found = self.shapes.get(read.outcome)
        if found is None:
            sample = replace(read.row, company="x", product="x", narrative=None, details={})
            events: Sequence[Any] = file_row(sample, self.moments).collect_events()  # refused rows make no template
            slots = _slots(events, commands(read))
            stored = self.fast.shapes(events, (*FILING_FACTS, KNOWN_UNTIL))
            found = self.shapes[read.outcome] = tuple(
                EventShape(s, s.fields.get("event"), slot, e.state, getattr(e, "window", None) is not None)
                for e, s, slot in zip(events, stored, slots, strict=True)
            )
        return found

    def prepare(self, row: ExportRow) -> Prepared:
        """A row's events from its outcome's template, with its own times, deadlines and filing facts."""
        read = reading(row, self.moments)
        shapes = self.shape(read)
        first, later = self._timed(read, shapes)
        facts = {
            "reference": row.reference,
            "business": row.company or NO_COMPANY,
            "complaint_type": row.product,
            "details": read.details,
        }
        known = self.known.get(read.known_until)
        if known is None:
            known = self.known[read.known_until] = self.fast.encoded({KNOWN_UNTIL: read.known_until})
        filed = shapes[0].stored
        events = [(filed.topic, self.fast.members(first, self.fast.facts(facts), known, filed.rest)), *later]
        complaint_id = complaint_hex(row.reference)
        return Prepared(read, complaint_id, NewComplaint(complaint_id, events, row.narrative), shapes[-1].state)

    def _timed(self, read: Reading, shapes: tuple[EventShape, ...]) -> tuple[bytes, list[tuple[str, bytes]]]:
        """The filing's time and deadline as stored, and every later event whole (topic and members): what
        rows received and sent on the same days, known up to the same day, with the same outcome share;
        order and withdrawn events checked."""
        row = read.row
        key = (row.received, row.sent, read.known_until, read.outcome)
        found = self.timings.get(key)
        if found is None:
            if len(self.timings) > 100_000:  # bounded: distinct (received, sent, as-of, outcome) only
                self.timings.clear()
            slots = read.slots
            sent = self.profile.calendar.local_date(slots["sent"])
            timed, last = [], None
            for shape in shapes:
                at = slots[shape.slot]
                if last is not None and at < last:
                    raise InvalidInput(f"the row's moments are out of order: {shape.slot} at {at}, before {last}")
                last = at
                name = shape.event
                if name is not None and (day := self.profile.refuses(name, at)) is not None:
                    raise InvalidInput(f"'{name}' is not accepted from {day}, and this one would be on {at.date()}")
                on = self.profile.calendar.local_date(at)
                timed.append(self.fast.timed(at, self._deadline(shape, on, sent, read.known_until)))
            later = [
                (s.stored.topic, self.fast.members(t, s.stored.rest))
                for s, t in zip(shapes[1:], timed[1:], strict=True)
            ]
            found = self.timings[key] = (timed[0], later)
        return found

    def _deadline(self, shape: EventShape, on: date, sent: date, known: datetime) -> bytes:
        """The deadline an event entering its state on `on` sets, as the clock can enforce it, encoded (cached)."""
        key = (shape.state, shape.flags, on, sent, known)
        if key not in self.deadlines:
            deadline = None if shape.flags else self.profile.deadline(shape.state, on, {"sent": sent})
            self.deadlines[key] = self.fast.encode(seen(deadline, known))
        return self.deadlines[key]


def _slots(events: Sequence[Any], steps: list[Any]) -> list[str]:
    """Which of a row's moments each event of the sample took its time from: the filing the received day,
    each clock event its window's lapse, every other event its command's slot (in order)."""
    told = iter(step.slot for step in steps if step.event != ADVANCE)
    return ["received", *(CLOCK_SLOTS[_name(e)] if e.actor == CLOCK else next(told) for e in events[1:])]


def _name(event: Any) -> str:
    """An event's name: a generic event's own, else its class's."""
    return str(getattr(event, "event", None) or type(event).name)


NAMESPACE_BYTES = NAMESPACE.bytes


def complaint_hex(reference: str) -> str:
    """`Complaint.create_id(reference).hex`, without building a UUID (a third of a row's cost otherwise)."""
    digest = bytearray(sha1(NAMESPACE_BYTES + reference.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return digest.hex()

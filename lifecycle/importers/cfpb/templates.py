"""Templates per outcome: one row through the aggregate, the rest filled in on the store's fast path.

Rows of one outcome (response, timely, disputed) share their events: the first row of each outcome
goes through the Complaint aggregate; later rows fill in its stored shapes with their own times,
deadlines and filing facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from hashlib import sha1
from typing import Any

from ...domain.complaint import NAMESPACE
from ...domain.errors import InvalidInput
from ...stores.fast_path import FastPath, NewComplaint, StoredShape
from .export import ExportRow
from .mapping import NO_COMPANY, Moments, commands, file_row, outcome

FILING_FACTS = ("reference", "business", "complaint_type", "details")
"""What a filing takes from its own row (besides its time and its sealed narrative)."""


@dataclass(frozen=True)
class EventShape:
    """One event of a template: its stored shape, where its time comes from, the state it leaves."""

    stored: StoredShape
    event: str | None
    """The name a generic event carries (None for events with a class of their own)."""
    slot: str
    state: str


@dataclass(slots=True)
class Prepared:
    """One row's complaint, ready to store, and the state it ends in."""

    row: ExportRow
    complaint_id: str
    """The complaint's id as 32 hex digits."""
    complaint: NewComplaint
    final_state: str


class Templates:
    """Per outcome, the events the aggregate recorded for its first row; rows filled in from them."""

    def __init__(self, fast: FastPath, moments: Moments) -> None:
        self.fast, self.moments, self.profile = fast, moments, moments.profile
        self.shapes: dict[tuple[str, bool, bool], tuple[EventShape, ...]] = {}
        self.deadlines: dict[tuple[str, date, date], bytes] = {}
        self.timings: dict[tuple[Any, ...], tuple[bytes, list[tuple[str, bytes]]]] = {}

    def shape(self, row: ExportRow) -> tuple[EventShape, ...]:
        """The shapes of a row's outcome, made from a sample row through the aggregate when first needed."""
        key = outcome(row)
        found = self.shapes.get(key)
        if found is None:
            sample = ExportRow(row.line, row.reference, row.received, row.sent, "x", "x", *key[:2], row.disputed, None)
            events: Sequence[Any] = file_row(sample, self.moments).collect_events()  # refused rows make no template
            slots = self.moments.slots(sample)
            known = [(s.slot, slots[s.slot]) for s in commands(sample, self.moments) if s.slot in ("by", "lapse")]
            found = self.shapes[key] = tuple(
                EventShape(stored, stored.fields.get("event"), _slot(number, event, known), event.state)
                for number, (event, stored) in enumerate(
                    zip(events, self.fast.shapes(events, FILING_FACTS), strict=True)
                )
            )
        return found

    def prepare(self, row: ExportRow) -> Prepared:
        """A row's events from its outcome's template, with its own times, deadlines and filing facts."""
        shapes = self.shape(row)
        timed = self._timed(row, shapes)
        facts = {
            "reference": row.reference,
            "business": row.company or NO_COMPANY,
            "complaint_type": row.product,
            "details": row.details or None,
        }
        filed = shapes[0].stored
        first, later = timed
        events = [(filed.topic, self.fast.members(first, self.fast.facts(facts), filed.rest)), *later]
        complaint_id = complaint_hex(row.reference)
        return Prepared(row, complaint_id, NewComplaint(complaint_id, events, row.narrative), shapes[-1].state)

    def _timed(self, row: ExportRow, shapes: tuple[EventShape, ...]) -> tuple[bytes, list[tuple[str, bytes]]]:
        """The filing's time and deadline as stored, and every later event whole (topic and members): what
        rows received and sent on the same days with the same outcome share; order and withdrawn events checked."""
        key = (row.received, row.sent, *outcome(row))
        found = self.timings.get(key)
        if found is None:
            if len(self.timings) > 100_000:  # bounded: distinct (received, sent, outcome) only
                self.timings.clear()
            slots = self.moments.slots(row)
            timed, last = [], None
            for shape in shapes:
                at = slots[shape.slot]
                if last is not None and at < last:
                    raise InvalidInput(f"sent to the company on {row.sent}, before it was received on {row.received}")
                last = at
                name = shape.event
                if name is not None and (day := self.profile.refuses(name, at)) is not None:
                    raise InvalidInput(f"'{name}' is not accepted from {day}, and this one would be on {at.date()}")
                timed.append(
                    self.fast.timed(at, self._deadline(shape.state, self.profile.calendar.local_date(at), row.sent))
                )
            later = [
                (s.stored.topic, self.fast.members(t, s.stored.rest))
                for s, t in zip(shapes[1:], timed[1:], strict=True)
            ]
            found = self.timings[key] = (timed[0], later)
        return found

    def _deadline(self, state: str, on: date, sent: date) -> bytes:
        """The deadline a state entered on `on` gives, encoded as stored (cached)."""
        key = (state, on, sent)
        if key not in self.deadlines:
            self.deadlines[key] = self.fast.encode(self.profile.deadline(state, on, {"sent": sent}))
        return self.deadlines[key]


def _slot(number: int, event: Any, known: list[tuple[str, Any]]) -> str:
    """Which of a row's moments an event of the sample took its time from."""
    if number == 0:
        return "received"
    if event.timing == "day":
        return "sent"
    return next(slot for slot, at in known if at == event.at)


NAMESPACE_BYTES = NAMESPACE.bytes


def complaint_hex(reference: str) -> str:
    """`Complaint.create_id(reference).hex`, without building a UUID (a third of a row's cost otherwise)."""
    digest = bytearray(sha1(NAMESPACE_BYTES + reference.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return digest.hex()

"""What an export row tells: the steps after filing, with the moments the row knows, checked by the rules.

The exports carry the day a complaint was received and sent, the company's response and whether it
was timely, but no time of response. Each row is therefore recorded as: filed (day only), sent (day
only), then the response marked `by` the end of the 15-day window when timely, or `after` it (the
clock's lapse recorded first) when not; "Untimely response" is that lapse alone; a dispute comes
last with no time of its own. The rule table of the `cfpb` profile checks every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ...domain.cfpb import CFPB, CLOSINGS
from ...domain.complaint import Complaint
from ...domain.errors import InvalidInput
from ...domain.profile import Profile
from .export import ExportRow

NO_COMPANY = "(company not in export)"
UNTIMELY = "Untimely response"
ADVANCE = "advance"
"""Not an event: the command that lets the clock record what lapses by its time."""


@dataclass(frozen=True)
class Command:
    """One step an export row tells, with the time known for it."""

    event: str
    at: datetime
    timing: str | None
    slot: str
    """Which of the row's known moments `at` is: received, sent, by (window's end) or lapse."""


class Moments:
    """The known moments of a row (start of received and sent days, end of the response window), cached."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.starts: dict[date, datetime] = {}
        self.windows: dict[date, tuple[datetime, datetime]] = {}

    def start(self, day: date) -> datetime:
        """The start of `day` (the day is all a row knows of when it was received or sent)."""
        found = self.starts.get(day)
        if found is None:
            found = self.starts[day] = self.profile.calendar.start_of(day)
        return found

    def window(self, sent: date) -> tuple[datetime, datetime]:
        """The last moment of the response window of a complaint sent on `sent`, and when it lapses."""
        found = self.windows.get(sent)
        if found is None:
            deadline = self.profile.deadline("sent", sent)
            assert deadline is not None, "the cfpb profile gives `sent` a response window"
            found = self.windows[sent] = (self.profile.calendar.end_of(deadline.due_on), deadline.lapses_at)
        return found

    def slots(self, row: ExportRow) -> dict[str, datetime]:
        """The moments a row knows, by name."""
        by, lapse = self.window(row.sent)
        return {"received": self.start(row.received), "sent": self.start(row.sent), "by": by, "lapse": lapse}


def outcome(row: ExportRow) -> tuple[str, bool, bool]:
    """What decides a row's events: the response, the timely flag and a dispute."""
    return row.response, row.timely, row.disputed == "Yes"


RESPONSES = {CFPB.rules.label(state): state for state in (*CLOSINGS, "in_progress")}


def commands(row: ExportRow, moments: Moments) -> list[Command]:
    """The steps after filing that a row tells; a row that contradicts itself is refused."""
    slots = moments.slots(row)
    steps = [Command("sent", slots["sent"], "day", "sent")]
    if row.response == UNTIMELY:
        if row.timely:
            raise InvalidInput(f"'{UNTIMELY}' marked timely: the row contradicts itself")
        steps.append(Command(ADVANCE, slots["lapse"], None, "lapse"))
        answered = None
    else:
        event = RESPONSES.get(row.response)
        if event is None:
            raise InvalidInput(f"unknown company response {row.response!r}; known: {', '.join(RESPONSES)}, {UNTIMELY}")
        slot = "by" if row.timely else "lapse"
        answered = Command(event, slots[slot], "by" if row.timely else "after", slot)
        steps.append(answered)
    if row.disputed == "Yes":
        if answered is None:
            raise InvalidInput(f"a dispute of an '{UNTIMELY}': there is no response to dispute")
        steps.append(Command("disputed", answered.at, "unknown", answered.slot))
    return steps


def file_row(row: ExportRow, moments: Moments) -> Complaint:
    """The reference path: a row through the Complaint aggregate and the rule table."""
    complaint = Complaint.file(
        moments.profile,
        row.reference,
        row.company or NO_COMPANY,
        row.product,
        moments.start(row.received),
        text=row.narrative,
        timing="day",
        details=row.details or None,
    )
    for step in commands(row, moments):
        apply(complaint, step, moments.profile)
    return complaint


def apply(complaint: Complaint, step: Command, profile: Profile) -> None:
    """Record one command on the aggregate."""
    if step.event == ADVANCE:
        complaint.advance(profile, step.at)
    else:
        complaint.record(profile, step.event, step.at, timing=step.timing)

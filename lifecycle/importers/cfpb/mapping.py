"""What an export row tells: the steps after filing, with the moments the row knows, checked by the rules.

The exports carry the day a complaint was received and sent, the company's response and whether it
was timely, but no time of response. Each row is therefore recorded as: filed (day only), sent (day
only), then the response marked `by` the end of the 15-day window when timely, or `after` it (the
clock's lapse recorded first) when not; "Untimely response" is that lapse alone; a dispute comes
last with no time of its own. The rule table of the `cfpb` profile checks every row.

An export is a snapshot: it knows the history up to its day (`as_of`), so the filing records that day's
end as `known_until`, no response is placed after it, the lapses known by then are recorded (an `In
progress` row whose 60-day window ended gets its `overdue`), and the clock records nothing later. What
a published row says that the history cannot hold as it stands is recorded as near to it as the rules
allow and flagged (`quirks` in the filing's details): see `reading`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from ...domain.complaint import Complaint
from ...domain.errors import InvalidInput
from ...domain.planned import NOBODY, Who
from ...domain.profile import Profile
from ...profiles import CFPB
from .export import ExportRow

NO_COMPANY = "(company not in export)"
UNTIMELY = "Untimely response"
IN_PROGRESS = "In progress"
ADVANCE = "advance"
"""Not an event: the command that lets the clock record what lapses by its time."""
DISPUTES_END = dict(CFPB.withdrawn)["disputed"]
"""The day from which the CFPB took no disputes (domain brief, section 2: the column reads N/A after it)."""
LAST_DISPUTE_DAY = date.fromordinal(DISPUTES_END.toordinal() - 1)
"""The last day it took them: a dispute is dated by its end at the latest."""
CLOCK_SLOTS = {"response_deadline_lapsed": "lapse", "overdue": "final"}
"""Which of a row's moments each clock event takes: the 15-day window's lapse, the 60-day window's."""


@dataclass(frozen=True)
class Command:
    """One step an export row tells, with the time known for it."""

    event: str
    at: datetime
    timing: str | None
    slot: str
    """Which of the row's known moments `at` is: sent, by (the response), lapse, known (see `Reading.slots`)."""


class Outcome(NamedTuple):
    """What decides a row's events (rows that share it share their events' shapes)."""

    response: str
    timely: bool
    """As recorded: an 'Untimely response' is never timely."""
    disputed: bool
    """A dispute is recorded (published Yes, and the history can hold it)."""
    sent_unknown: bool
    """The published sent day is before the received day: `sent` is kept at the filing, its time unknown."""
    overdue: bool
    """An 'In progress' row whose 60-day window ended by the export's day: `overdue` is recorded."""


class Moments:
    """The known moments of a row (starts and ends of days, ends of the response windows), cached; and who
    records the rows' events."""

    def __init__(self, profile: Profile, who: Who = NOBODY) -> None:
        self.profile, self.who = profile, who
        self.now = datetime.now(UTC)
        """When the import runs: a row's days must be plausible by then (the profile's `dates`)."""
        self.starts: dict[date, datetime] = {}
        self.ends: dict[date, datetime] = {}
        self.windows: dict[date, tuple[datetime, datetime, datetime]] = {}

    def start(self, day: date) -> datetime:
        """The start of `day` (the day is all a row knows of when it was received or sent)."""
        found = self.starts.get(day)
        if found is None:
            found = self.starts[day] = self.profile.calendar.start_of(day)
        return found

    def end(self, day: date) -> datetime:
        """The last moment of `day` (an export knows the history up to the end of its day)."""
        found = self.ends.get(day)
        if found is None:
            found = self.ends[day] = self.profile.calendar.end_of(day)
        return found

    def window(self, sent: date) -> tuple[datetime, datetime, datetime]:
        """For a complaint sent on `sent`: the last moment of its response window, when that lapses, and when
        the 60-day window for a final response after an interim one lapses."""
        found = self.windows.get(sent)
        if found is None:
            response = self.profile.deadline("sent", sent)
            final = self.profile.deadline("in_progress", sent, {"sent": sent})
            assert response is not None and final is not None, "the cfpb profile gives both windows"
            found = self.windows[sent] = (self.end(response.due_on), response.lapses_at, final.lapses_at)
        return found


RESPONSES = {
    CFPB.rules.label(state): state for state in (*CFPB.rules.closing, "in_progress") if state != "untimely_response"
}


def shown(row: ExportRow, moments: Moments) -> date:
    """The newest day a row shows: received, sent, or, when it says the company was late, the day its
    response window lapsed (the export cannot be older than a lapse it reports)."""
    newest = max(row.received, row.sent)  # also the day `sent` is recorded on (never before receipt)
    if not row.timely or row.response == UNTIMELY:
        newest = max(newest, moments.profile.calendar.local_date(moments.window(newest)[1]))
    return newest


@dataclass(frozen=True)
class Reading:
    """A row as the history can hold it: its outcome, its known moments, and what had to be flagged."""

    row: ExportRow
    outcome: Outcome
    slots: dict[str, datetime]
    """received, sent, by (a timely response), lapse (the response window's), final (the 60-day window's
    lapse) and known (the end of the export's day: `known_until`)."""
    quirks: tuple[str, ...]

    @property
    def known_until(self) -> datetime:
        """Where the export knows the history up to."""
        return self.slots["known"]

    @property
    def details(self) -> dict[str, str] | None:
        """The filing's details: the row's, with its quirks flagged."""
        if not self.quirks:
            return self.row.details or None
        return {**self.row.details, "quirks": "; ".join(self.quirks)}


def reading(row: ExportRow, moments: Moments) -> Reading:
    """What a row tells as the history can hold it; a row that cannot be held at all is refused.

    Flagged, not refused: a sent day before the received day (PROVENANCE.md: a known quirk), an 'Untimely
    response' marked timely (recorded as the lapse: the response the company never gave), a dispute the
    rules cannot take (no response to dispute, or none before disputes ended) and a short row (export.read)."""
    quirks = list(row.quirks)
    for day in (row.received, row.sent):
        if day is not None:
            moments.profile.plausible(moments.start(day), moments.now)
    if row.response != UNTIMELY and row.response not in RESPONSES:
        raise InvalidInput(f"unknown company response {row.response!r}; known: {', '.join(RESPONSES)}, {UNTIMELY}")
    newest = shown(row, moments)
    as_of = row.as_of or newest
    if newest > as_of:
        raise InvalidInput(f"the row shows {newest}, after the day the export knows the history up to ({as_of})")
    sent = row.sent
    if row.sent < row.received:
        sent = row.received
        quirks.append(
            f"sent to the company on {row.sent}, before it was received on {row.received}: "
            "'sent' recorded at the filing, its time unknown"
        )
    timely = row.timely and row.response != UNTIMELY
    if row.timely and not timely:
        quirks.append(f"'{UNTIMELY}' marked timely: recorded as the lapse of the response window")
    known = moments.end(as_of)
    by, lapse, final = moments.window(sent)
    disputed = row.disputed == "Yes" and not _undisputable(row, quirks, moments.start(sent) if timely else lapse)
    if timely:
        by = min(by, known, moments.end(LAST_DISPUTE_DAY) if disputed else known)
    start = moments.start(row.received)
    slots = {"received": start, "sent": moments.start(sent), "by": by, "lapse": lapse, "final": final, "known": known}
    outcome = Outcome(row.response, timely, disputed, sent != row.sent, row.response == IN_PROGRESS and final <= known)
    return Reading(row, outcome, slots, tuple(quirks))


def _undisputable(row: ExportRow, quirks: list[str], earliest: datetime) -> bool:
    """True, with the reason flagged, when a published dispute cannot be recorded: no response to dispute,
    an interim one (the table disputes closings only), or none that could come before disputes ended."""
    if row.response == UNTIMELY:
        reason = "there is no response to dispute"
    elif row.response == IN_PROGRESS:
        reason = "an interim response is not disputed"
    elif CFPB.refuses("disputed", earliest) is not None:
        reason = f"the response came no earlier than {earliest.date()}, and disputes ended on {DISPUTES_END}"
    else:
        return False
    quirks.append(f"disputed, not recorded: {reason}")
    return True


def commands(read: Reading) -> list[Command]:
    """The steps after filing that a row tells, ending with the lapses known by the export's day."""
    slots, outcome = read.slots, read.outcome
    steps = [Command("sent", slots["sent"], "unknown" if outcome.sent_unknown else "day", "sent")]
    if outcome.response == UNTIMELY:
        steps.append(Command(ADVANCE, slots["lapse"], None, "lapse"))
    else:
        slot = "by" if outcome.timely else "lapse"
        steps.append(Command(RESPONSES[outcome.response], slots[slot], "by" if outcome.timely else "after", slot))
        if outcome.disputed:
            steps.append(Command("disputed", slots[slot], "unknown", slot))
    steps.append(Command(ADVANCE, slots["known"], None, "known"))
    return steps


def file_row(row: ExportRow, moments: Moments) -> Complaint:
    """The reference path: a row through the Complaint aggregate and the rule table."""
    read = reading(row, moments)
    complaint = Complaint.file(
        moments.profile,
        row.reference,
        row.company or NO_COMPANY,
        row.product,
        read.slots["received"],
        text=row.narrative,
        timing="day",
        details=read.details,
        known_until=read.known_until,
        who=moments.who,
    )
    for step in commands(read):
        apply(complaint, step, moments.profile, moments.who)
    return complaint


def apply(complaint: Complaint, step: Command, profile: Profile, who: Who = NOBODY) -> None:
    """Record one command on the aggregate."""
    if step.event == ADVANCE:
        complaint.advance(profile, step.at, who)
    else:
        complaint.record(profile, step.event, step.at, timing=step.timing, who=who)

"""`import cfpb`: each export row becomes the events its columns tell, written in batches, idempotently.

The exports carry the day a complaint was received and sent, the company's response and whether it
was timely, but no time of response. Each row is therefore recorded as: filed (day only), sent (day
only), then the response marked `by` the end of the 15-day window when timely, or `after` it (the
clock's lapse recorded first) when not; "Untimely response" is that lapse alone; a dispute comes
last with no time of its own. The rule table of the `cfpb` profile checks every row.

Speed: the first row of each outcome (response, timely, disputed) runs through the Complaint
aggregate and the application's mapper; its events become a template that later rows of the same
outcome fill in (times, deadlines, filing facts) without building aggregates. A test holds the
two paths to the same events for every outcome in the bundled exports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from hashlib import sha1
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent

from .cfpb_export import BadRow, Dates, ExportRow, read
from .domain.cfpb import CFPB, CLOSINGS
from .domain.complaint import NAMESPACE, Complaint
from .domain.errors import InvalidInput, LifecycleError
from .domain.profile import Profile
from .personal import seal

NO_COMPANY = "(company not in export)"
UNTIMELY = "Untimely response"
CLOCK = "advance"
"""A command that lets the clock record what lapses by its time."""
BATCH = 2_000
FILED_VARIABLE = ("reference", "business", "complaint_type", "text", "details")


@dataclass(frozen=True)
class Command:
    """One step an export row tells, with the time known for it."""

    event: str
    at: datetime
    timing: str | None
    slot: str
    """Which of the row's known moments `at` is: received, sent, by (window's end) or lapse."""


@dataclass
class ImportResult:
    """What an import did."""

    files: int = 0
    rows: int = 0
    filed: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    bad: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "files": self.files,
            "rows": self.rows,
            "filed": self.filed,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "events": self.events,
            "bad_rows": len(self.bad),
            "bad": [str(b) for b in self.bad],
            "seconds": round(self.seconds, 3),
        }


class Moments:
    """The known moments of a row (start of received and sent days, end of the response window), cached."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.starts: dict[date, datetime] = {}
        self.windows: dict[date, datetime] = {}

    def start(self, day: date) -> datetime:
        found = self.starts.get(day)
        if found is None:
            found = self.starts[day] = self.profile.calendar.start_of(day)
        return found

    def lapse(self, sent: date) -> datetime:
        """When the response window of a complaint sent on `sent` lapses."""
        found = self.windows.get(sent)
        if found is None:
            deadline = self.profile.deadline("sent", sent)
            assert deadline is not None, "the cfpb profile gives `sent` a response window"
            found = self.windows[sent] = deadline.lapses_at
        return found

    def slots(self, row: ExportRow) -> dict[str, datetime]:
        lapse = self.lapse(row.sent)
        return {
            "received": self.start(row.received),
            "sent": self.start(row.sent),
            "by": lapse - timedelta(microseconds=1),
            "lapse": lapse,
        }


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
        steps.append(Command(CLOCK, slots["lapse"], None, "lapse"))
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
    if step.event == CLOCK:
        complaint.advance(profile, step.at)
    else:
        complaint.record(profile, step.event, step.at, timing=step.timing)


@dataclass(frozen=True)
class EventShape:
    """One event of a template: its topic, its constant fields, where its time comes from, its state."""

    topic: str
    event: str | None
    """The name a generic event carries (None for events with a class of their own)."""
    slot: str
    state: str
    filed: bool
    rest: bytes
    """The constant fields as JSON members, without braces: what every row of this outcome shares."""


class Templates:
    """Per outcome, the events the aggregate recorded for its first row, as fillable shapes."""

    def __init__(self, mapper: Any, moments: Moments) -> None:
        self.mapper, self.moments = mapper, moments
        self.shapes: dict[tuple[str, bool, bool], tuple[EventShape, ...]] = {}
        self.deadlines: dict[tuple[str, date, date], bytes] = {}

    def shape(self, row: ExportRow) -> tuple[EventShape, ...]:
        key = outcome(row)
        found = self.shapes.get(key)
        if found is None:
            sample = ExportRow(row.line, row.reference, row.received, row.sent, "x", "x", *key[:2], row.disputed, None)
            complaint = file_row(sample, self.moments)  # raises for a row the rules refuse: no template
            slots = self.moments.slots(sample)
            steps = commands(sample, self.moments)
            shapes = []
            event: Any
            for number, event in enumerate(complaint.collect_events()):
                stored = self.mapper.to_stored_event(event)
                base = orjson.loads(stored.state)
                filed = number == 0
                for name in ("timestamp", "at", "deadline", *(FILED_VARIABLE if filed else ())):
                    base.pop(name, None)
                if filed:
                    slot = "received"
                elif event.timing == "day":
                    slot = "sent"
                else:
                    slot = next(s.slot for s in steps if slots[s.slot] == event.at and s.slot in ("by", "lapse"))
                rest = orjson.dumps(base)[1:-1]
                shapes.append(EventShape(stored.topic, base.get("event"), slot, event.state, filed, rest))
            found = self.shapes[key] = tuple(shapes)
        return found

    def deadline(self, state: str, on: date, sent: date) -> bytes:
        """The deadline a state gives, as the mapper stores it (cached)."""
        key = (state, on, sent)
        if key not in self.deadlines:
            self.deadlines[key] = self.encode(self.moments.profile.deadline(state, on, {"sent": sent}))
        return self.deadlines[key]

    def encode(self, value: Any) -> bytes:
        """A value as JSON exactly as the application's transcoder writes it."""
        return bytes(self.mapper.transcoder.encode(value))


@dataclass
class Prepared:
    """One row's events, ready to store."""

    row: ExportRow
    complaint_id: str
    """The complaint's id as 32 hex digits (eventsourcing's SQLite form)."""
    events: list[tuple[str, bytes]]
    """Topic and JSON members of each event, still without the time it is recorded (and the sealed text)."""
    final_state: str


class Importer:
    """Imports CFPB exports into a Lifecycle application."""

    def __init__(self, app: Any, batch_size: int = BATCH) -> None:
        self.app, self.profile, self.batch_size = app, CFPB, batch_size
        self.moments = Moments(self.profile)
        self.templates = Templates(app.mapper, self.moments)
        self.dates = Dates()
        self.log = EventLog(app, self.templates.encode)
        self.timings: dict[tuple[Any, ...], list[bytes]] = {}

    def run(
        self,
        paths: Sequence[Path],
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        """Import every file; rows already imported record nothing; views catch up at the end."""
        result = ImportResult()
        started = time.perf_counter()
        for path in paths:
            result.files += 1
            first_bad = len(result.bad)
            batch: list[ExportRow] = []
            for item in read(path, self.dates, progress):
                result.rows += 1
                if isinstance(item, BadRow):
                    result.bad.append(item)
                    continue
                batch.append(item)
                if len(batch) >= self.batch_size:
                    self._batch(path, batch, result)
                    batch = []
                    if on_batch:
                        on_batch(result)
            if batch:
                self._batch(path, batch, result)
            result.bad[first_bad:] = sorted(result.bad[first_bad:], key=lambda bad: bad.line)
        self.app.chain.catch_up()
        self.app.report_view.catch_up()
        self.app.deadline_index.catch_up()
        result.seconds = time.perf_counter() - started
        return result

    def _batch(self, path: Path, rows: list[ExportRow], result: ImportResult) -> None:
        prepared: list[Prepared] = []
        for row in rows:
            try:
                prepared.append(self.prepare(row))
            except LifecycleError as error:
                result.bad.append(BadRow(str(path), row.line, str(error)))
        unique: dict[str, Prepared] = {}
        later: list[Prepared] = []
        for p in prepared:  # the same complaint twice in one batch: the later row is an update
            if p.complaint_id in unique:
                later.append(p)
            else:
                unique[p.complaint_id] = p
        existing = self.log.last_events(list(unique))
        new = [p for i, p in unique.items() if i not in existing]
        for complaint_id, (version, state) in existing.items():
            p = unique[complaint_id]
            if version == len(p.events) and state == p.final_state:
                result.unchanged += 1
            else:
                self._update(path, p, result)
        if new:
            result.events += self.log.append(new)
            result.filed += len(new)
        for p in later:
            self._update(path, p, result)

    def prepare(self, row: ExportRow) -> Prepared:
        """A row's events from its outcome's template, with its own times, deadlines and filing facts.

        Each event is JSON text put together from parts (the constant members of the template, the
        cached time and deadline, the filing facts); `EventLog.append` adds the recording time."""
        shapes = self.templates.shape(row)
        timed = self._timed(row, shapes)
        events = []
        for shape, moment in zip(shapes, timed, strict=True):
            if shape.filed:
                facts = orjson.dumps(
                    {
                        "reference": row.reference,
                        "business": row.company or NO_COMPANY,
                        "complaint_type": row.product,
                        "details": row.details or None,
                    }
                )
                body = b"".join((moment, facts[1:-1], b",", shape.rest))
            else:
                body = b"".join((moment, shape.rest))
            events.append((shape.topic, body))
        return Prepared(row, complaint_hex(row.reference), events, shapes[-1].state)

    def _timed(self, row: ExportRow, shapes: tuple[EventShape, ...]) -> list[bytes]:
        """Each event's time and deadline as stored, checked for order and withdrawn events (cached)."""
        key = (row.received, row.sent, *outcome(row))
        found = self.timings.get(key)
        if found is None:
            if len(self.timings) > 100_000:  # bounded: distinct (received, sent, outcome) only
                self.timings.clear()
            slots = self.moments.slots(row)
            found, last = [], None
            for shape in shapes:
                at = slots[shape.slot]
                if last is not None and at < last:
                    raise InvalidInput(f"sent to the company on {row.sent}, before it was received on {row.received}")
                last = at
                name = shape.event
                if name is not None and (day := self.profile.refuses(name, at)) is not None:
                    raise InvalidInput(f"'{name}' is not accepted from {day}, and this one would be on {at.date()}")
                deadline = self.templates.deadline(shape.state, at.date(), row.sent)
                found.append(b'{"at":' + self.templates.encode(at) + b',"deadline":' + deadline + b",")
            self.timings[key] = found
        return found

    def _update(self, path: Path, p: Prepared, result: ImportResult) -> None:
        """A complaint already recorded: add what the row tells that its history lacks, or report the clash."""
        try:
            complaint: Complaint = self.app.repository.get(UUID(p.complaint_id))
            have = {step.event for step in self.app.history(p.row.reference)}
            for step in commands(p.row, self.moments):
                name = "response_deadline_lapsed" if step.event == CLOCK else step.event
                if name in have:
                    continue
                at = max(step.at, complaint.last_at)
                timing = step.timing if at == step.at else "after"
                apply(complaint, Command(step.event, at, timing, step.slot), self.profile)
            pending = complaint.collect_events()
        except LifecycleError as error:
            result.bad.append(BadRow(str(path), p.row.line, f"does not follow from what is recorded: {error}"))
            return
        if not pending:
            result.unchanged += 1
            return
        self.app.save(*pending)
        result.updated += 1
        result.events += len(pending)


class EventLog:
    """Direct access to the event store for bulk import: what exists, and appending new complaints."""

    def __init__(self, app: Any, encode: Callable[[Any], bytes]) -> None:
        self.app, self.encode = app, encode
        self.views = app.views
        self.sqlite = bool(app.views.events_table)
        self.table = getattr(app.recorder, "events_table_name", None)

    def last_events(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        """For the complaints that exist (ids in hex): their last version and state."""
        found: dict[str, tuple[int, str]] = {}
        if self.table is None:  # in memory: ask the recorder
            for complaint_id in ids:
                events = self.app.recorder.select_events(UUID(complaint_id), desc=True, limit=1)
                if events:
                    found[complaint_id] = (events[0].originator_version, orjson.loads(events[0].state)["state"])
            return found
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            keys = chunk if self.sqlite else [UUID(i) for i in chunk]
            marks = ", ".join("?" for _ in chunk)
            rows = self.views.query(
                f"SELECT originator_id, originator_version, state FROM {self.table} "
                f"WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version DESC",
                keys,
            )
            for originator_id, version, state in rows:
                complaint_id = UUID(str(originator_id)).hex
                if complaint_id not in found:
                    found[complaint_id] = (int(version), orjson.loads(bytes(state))["state"])
        return found

    def append(self, prepared: list[Prepared]) -> int:
        """Store new complaints' events in one transaction; personal text sealed under each one's key."""
        sealed = [p for p in prepared if p.row.narrative]
        keys = self.app.keys.keys_for([p.complaint_id for p in sealed])
        recorded = b',"timestamp":' + self.encode(datetime.now(UTC)) + b"}"
        rows = []
        for p in prepared:
            text = p.row.narrative
            secret = self.encode(text and seal(keys[p.complaint_id], text, p.complaint_id))
            topic, body = p.events[0]
            rows.append((p.complaint_id, 1, topic, b"".join((body, b',"text":', secret, recorded))))
            for version, (topic, body) in enumerate(p.events[1:], start=2):
                rows.append((p.complaint_id, version, topic, body + recorded))
        if self.sqlite:
            with self.views.transaction() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                    rows,
                )
        else:
            self.app.recorder.insert_events([StoredEvent(UUID(i), v, t, s) for i, v, t, s in rows])
        return len(rows)


NAMESPACE_BYTES = NAMESPACE.bytes


def complaint_hex(reference: str) -> str:
    """`Complaint.create_id(reference).hex`, without building a UUID (a third of a row's cost otherwise)."""
    digest = bytearray(sha1(NAMESPACE_BYTES + reference.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return digest.hex()


def check(paths: Iterable[Path]) -> None:
    """Refuse, before anything is recorded, a file that is missing or not a CFPB export."""
    for path in paths:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        for _ in read(path):  # reading the header is enough: it raises for a file that is not an export
            break


def import_files(app: Any, paths: Iterable[Path], **options: Any) -> ImportResult:
    """Import CFPB exports into `app`; see Importer."""
    return Importer(app).run(list(paths), **options)

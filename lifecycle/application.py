"""The Lifecycle application: file complaints, record their steps, advance the clock, read them back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, Mapper, RecordConflictError

from .audit import AuditEntry, audit
from .chain import ChainView, verify
from .deadlines import DUE, DeadlineView
from .domain.complaint import Complaint
from .domain.errors import DuplicateComplaint, InvalidInput, LifecycleError, UnknownComplaint
from .domain.profile import Deadline, Profile, parse_time
from .domain.profiles import PROFILES
from .personal import KeyStore, SealedAsText, SealingMapper
from .projection import Projector, micros
from .references import ReferenceSequence
from .reporting import Report, ReportView, build, end_of
from .storage import ViewStore, resolve
from .transcodings import DateAsISO, DeadlineAsDict

Moment = datetime | date | str
RETRIES = 5


class ConcurrentChange(LifecycleError):
    """Another writer kept changing the complaint; the command was not recorded."""


@dataclass(frozen=True)
class Step:
    """One entry of a complaint's history."""

    version: int
    event: str
    at: datetime
    recorded_at: datetime
    actor: str
    state_before: str | None
    state_after: str
    text: str | None
    facts: Mapping[str, Any]
    timing: str | None = None
    """None when `at` is exact; else how much of it is known: see domain.complaint.TIMINGS."""


@dataclass(frozen=True)
class Summary:
    """What a complaint is now."""

    reference: str
    profile: str
    business: str
    complaint_type: str
    filed_at: datetime
    last_at: datetime
    state: str
    status: str | None
    closed: bool
    deadline: Deadline | None


class Lifecycle(Application[UUID]):
    """The engine: complaints as event-sourced aggregates run by their profile's rule table."""

    name = "Lifecycle"

    def __init__(
        self,
        db: str | None = None,
        profiles: Mapping[str, Profile] | None = None,
        default_profile: str = "bbb",
    ) -> None:
        self.database = resolve(db)
        self.views = ViewStore(self.database)
        self.views.connection()  # creates the PostgreSQL schema before eventsourcing connects
        self.keys = KeyStore(self.views)
        self.sequence = ReferenceSequence(self.views)
        super().__init__(env=self.database.env)
        self.profiles = dict(profiles or PROFILES)
        if default_profile not in self.profiles:
            raise InvalidInput(f"unknown profile {default_profile!r}")
        self.default_profile = default_profile
        self.deadline_index = Projector(self, self.views, DeadlineView())
        self.report_view = Projector(self, self.views, ReportView())
        self.chain = Projector(self, self.views, ChainView())

    def construct_mapper(self) -> Mapper[UUID]:
        """A mapper that seals personal data under the complaint's key."""
        return SealingMapper(self.construct_transcoder(), self.keys)

    def erase(self, reference: str | None = None, consumer: str | None = None) -> int:
        """Make one complaint's, or one consumer's, personal data unreadable everywhere; returns keys destroyed."""
        if (reference is None) == (consumer is None):
            raise InvalidInput("erase one complaint (reference) or one consumer, not both or neither")
        if reference is not None:
            self.get(reference)  # unknown references are an error, not a silent no-op
            return self.keys.erase([Complaint.create_id(reference).hex])
        return self.keys.erase(consumer=consumer)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(SealedAsText())
        transcoder.register(DateAsISO())
        transcoder.register(DeadlineAsDict())

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save, then link the new events into the hash chain at once."""
        recordings = super().save(*objs, **kwargs)
        self.chain.catch_up()
        return recordings

    def verify(self) -> tuple[int, str | None]:
        """Recompute the hash chain; the number of links checked and the first broken one, described."""
        checked, broken = verify(self.chain)
        if broken is None:
            return checked, None
        with suppress(Exception):  # a damaged store may not decode: then the id names the complaint
            self.report_view.catch_up()
        rows = self.views.query(
            "SELECT reference FROM report_complaints WHERE complaint_id = ?", (broken.complaint_id,)
        )
        name = rows[0][0] if rows else broken.complaint_id
        return checked, f"complaint {name} version {broken.version}: {broken.reason}"

    def close(self) -> None:
        """Release the database connections."""
        self.views.close()
        super().close()

    # --- commands -------------------------------------------------------------------

    def file(
        self,
        business: str,
        complaint_type: str,
        at: Moment,
        reference: str | None = None,
        profile: str | None = None,
        consumer: str | None = None,
        text: str | None = None,
        desired_outcome: str | None = None,
    ) -> str:
        """File a complaint; returns its reference (generated like C-000123 when not given)."""
        chosen = self.profile(profile or self.default_profile)
        moment = chosen.instant(at)
        chosen.check_type(complaint_type)  # before a number is taken
        for _ in range(RETRIES):
            ref = reference or self.sequence.next()
            complaint = Complaint.file(chosen, ref, business, complaint_type, moment, consumer, text, desired_outcome)
            try:
                self.save(complaint)
                return ref
            except RecordConflictError:  # the reference exists: given, it is a duplicate; generated, take the next
                if reference:
                    raise DuplicateComplaint(reference) from None
        raise ConcurrentChange(f"could not generate a free reference in {RETRIES} tries")

    def forward(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The bureau sends the complaint to the business."""
        self.record(reference, "forwarded", at, text)

    def respond(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The business responds (a late response re-opens an Unanswered complaint)."""
        self.record(reference, "responded", at, text)

    def reject(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The consumer rejects the business's answer."""
        self.record(reference, "rejected", at, text)

    def accept(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The consumer accepts the business's answer."""
        self.record(reference, "accepted", at, text)

    def mark_unlocatable(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The bureau could not locate the business."""
        self.record(reference, "unlocatable", at, text)

    def review(self, reference: str, at: Moment, good_faith: bool, text: str | None = None) -> None:
        """Bureau staff record whether the business made a good-faith effort."""
        self.record(reference, "reviewed", at, text, good_faith=good_faith)

    def decline(self, reference: str, at: Moment, text: str | None = None) -> None:
        """The bureau declines the complaint as outside its scope."""
        self.record(reference, "declined", at, text)

    def record(self, reference: str, event_name: str, at: Moment, text: str | None = None, **facts: Any) -> None:
        """Record any event the complaint's profile defines; refused events record nothing."""
        self._change(reference, lambda c, p: c.record(p, event_name, p.instant(at), text, **facts))

    def advance(self, to: Moment, references: Sequence[str] | None = None, batch_size: int = 500) -> int:
        """Record every deadline that lapses up to `to` (on all complaints, or those named); returns how many."""
        moment = self.profile(self.default_profile).instant(to)
        if references is not None:
            return sum(self._change(r, lambda c, p: c.advance(p, moment)) for r in references)
        recorded = 0
        self.deadline_index.catch_up()
        while ids := self._due(moment, batch_size):
            complaints: list[Complaint] = [self.repository.get(i) for i in ids]
            counts = [c.advance(self.profile(c.profile), moment) for c in complaints]
            if not any(counts):  # the index and the aggregates disagree: never spin on it
                raise RuntimeError(f"deadline index out of step for {[c.reference for c in complaints][:5]}")
            try:
                self.save(*complaints)
                recorded += sum(counts)
            except RecordConflictError:  # another writer moved one of them: one at a time
                for complaint in complaints:
                    recorded += self._change(complaint.reference, lambda c, p: c.advance(p, moment))
            self.deadline_index.catch_up()
        return recorded

    def _change(self, reference: str, act: Callable[[Complaint, Profile], Any]) -> Any:
        """Load, act, save; on a version conflict load again and retry."""
        for _ in range(RETRIES):
            with self.keys.cached():
                complaint = self.get(reference)
                result = act(complaint, self.profile(complaint.profile))
                try:
                    self.save(complaint)
                    return result
                except RecordConflictError:
                    continue
        raise ConcurrentChange(f"complaint {reference}: changed by another writer {RETRIES} times; not recorded")

    # --- queries --------------------------------------------------------------------

    def profile(self, name: str) -> Profile:
        """A profile by name."""
        try:
            return self.profiles[name]
        except KeyError:
            raise InvalidInput(f"unknown profile {name!r}; known: {', '.join(self.profiles)}") from None

    def get(self, reference: str) -> Complaint:
        """The complaint with this reference."""
        try:
            complaint: Complaint = self.repository.get(Complaint.create_id(reference))
        except AggregateNotFoundError:
            raise UnknownComplaint(reference) from None
        return complaint

    def exists(self, reference: str) -> bool:
        """True when a complaint has this reference."""
        return bool(self.recorder.select_events(Complaint.create_id(reference), limit=1))

    def summary(self, reference: str) -> Summary:
        """State, published status and pending deadline of a complaint."""
        c = self.get(reference)
        rules = self.profile(c.profile).rules
        return Summary(
            c.reference,
            c.profile,
            c.business,
            c.complaint_type,
            c.filed_at,
            c.last_at,
            c.state,
            rules.status(c.state),
            rules.is_final(c.state),
            c.deadline,
        )

    def state(self, reference: str) -> str:
        """The complaint's state."""
        return self.get(reference).state

    def status(self, reference: str) -> str | None:
        """The published status, or None while open or when declined."""
        return self.summary(reference).status

    def pending_deadlines(self, reference: str) -> list[Deadline]:
        """The deadlines pending on the complaint (at most one in the built-in profiles)."""
        deadline = self.get(reference).deadline
        return [deadline] if deadline else []

    def allowed(self, reference: str) -> list[str]:
        """The events a caller may record on the complaint now."""
        c = self.get(reference)
        return self.profile(c.profile).rules.allowed(c.state)

    def history(self, reference: str, as_of: Moment | None = None) -> list[Step]:
        """Every event of the complaint in order (up to `as_of`), with the state before and after it."""
        steps: list[Step] = []
        before: str | None = None
        e: Any
        complaint_id = Complaint.create_id(reference)
        version = None if as_of is None else self._version_at(reference, complaint_id, as_of)
        if version == 0:
            return []
        with self.keys.cached():
            events = list(self.events.get(complaint_id, lte=version))
        for e in events:
            payload = {k: v for k, v in vars(e).items() if k not in HIDDEN}
            after = payload.pop("state")
            name = payload.pop("event", None) or getattr(type(e), "name", "") or "filed"
            nested = payload.pop("facts", None) or {}  # a generic event keeps its facts in one field
            facts = {**{k: v for k, v in payload.items() if k not in SHOWN}, **nested}
            steps.append(
                Step(
                    e.originator_version,
                    name,
                    e.at,
                    e.timestamp,
                    e.actor,
                    before,
                    after,
                    getattr(e, "text", None),
                    facts,
                    getattr(e, "timing", None),
                )
            )
            before = after
        if not steps:
            raise UnknownComplaint(reference)
        return steps

    def report(self, business: str | None = None, as_of: Moment | None = None, years: int | None = 3) -> Report:
        """Business profile figures as of a moment (a date means the end of that day; default now), over the
        complaints filed in the `years` before it (None: every complaint filed by then)."""
        if years is not None and years < 1:
            raise InvalidInput(f"a report window is at least 1 year, not {years}")
        self.report_view.catch_up()
        moment = datetime.now(UTC) if as_of is None else self._moment(as_of)
        return build(self.views, self.profiles, moment, business, years)

    def _version_at(self, reference: str, complaint_id: UUID, as_of: Moment) -> int:
        """The complaint's last version in effect at `as_of`, from the index of effective times."""
        self.report_view.catch_up()
        if not self.exists(reference):
            raise UnknownComplaint(reference)
        rows = self.views.query(
            "SELECT MAX(version) FROM report_steps WHERE complaint_id = ? AND at <= ?",
            (complaint_id.hex, micros(self._moment(as_of))),
        )
        return int(rows[0][0] or 0)

    def _moment(self, value: Moment, day_ends: bool = True) -> datetime:
        """A moment; a bare date means the end of that day (or its start) in the default profile's zone."""
        profile = self.profile(self.default_profile)
        if isinstance(value, str):
            value = parse_time(value)
        if isinstance(value, datetime) or not day_ends:
            return profile.instant(value)
        return end_of(value, profile)

    def audit(self, limit: int = 100, **filters: Any) -> list[AuditEntry]:
        """Events across complaints matching `filters` (business, complaint_type, event, actor, status,
        since, until), newest first."""
        self.report_view.catch_up()
        for key in ("since", "until"):
            if filters.get(key) is not None:  # a bare date: since its start, until its end
                filters[key] = self._moment(filters[key], day_ends=key == "until")
        return audit(self.views, self.profiles, limit=limit, **filters)

    def references(self) -> list[str]:
        """Every complaint's reference, in filing order."""
        self.report_view.catch_up()
        return [r[0] for r in self.views.query("SELECT reference FROM report_complaints ORDER BY filed_at, reference")]

    def due(self, until: Moment, limit: int = 1000) -> list[str]:
        """References of complaints with a deadline lapsing by `until`, from the deadline index."""
        self.deadline_index.catch_up()
        moment = self.profile(self.default_profile).instant(until)
        return [self.repository.get(i).reference for i in self._due(moment, limit)]

    def _due(self, moment: datetime, limit: int) -> list[UUID]:
        return [UUID(row[0]) for row in self.views.query(DUE, (micros(moment), limit))]


HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic"}
SHOWN = {"at", "actor", "text", "deadline", "timing"}

"""Commands: file complaints, record their events, let the clock record what lapses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.persistence import RecordConflictError

from ..domain.complaint import Complaint
from ..domain.errors import DuplicateComplaint, InvalidInput
from ..domain.planned import Who
from ..domain.profile import Profile
from ..stores.mapper import SealingMapper
from ..views.deadlines import due
from .engine import RETRIES, ConcurrentChange, Engine, Moment

FOREVER = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
"""Past every deadline: where a scenario's end advances its complaints to."""


def clock(complaint: Complaint, profile: Profile, moment: datetime, who: Who) -> Counter[str]:
    """Let the clock record what lapses on `complaint` up to `moment`, counted by event."""
    return Counter(complaint.advance(profile, moment, who))


class Commands(Engine):
    """Every way a complaint changes; each one loads, acts and saves, and a refused one records nothing."""

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Refuse on a read-only store before anything is written (ReadOnlyStore), else the engine's save (the keys
        of a bulk save looked up at once)."""
        self.tables.writable()
        with self.keys.cached():
            if len(objs) > 1 and isinstance(self.mapper, SealingMapper):
                self.mapper.prefetch(objs)
            return super().save(*objs, **kwargs)

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
        by: str | None = None,
    ) -> str:
        """File a complaint; returns its reference (generated like C-000123 when not given); `by`: who records it."""
        chosen = self.profile(self.use(profile) if profile else self.default_profile)
        moment, who = self.at(chosen, at), self.who(by, "file")
        chosen.check_type(complaint_type)  # before a number is taken
        if (reference is not None and not reference.strip()) or not business.strip():
            raise InvalidInput("a complaint needs a reference and a business")  # refused before a number is taken
        for _ in range(RETRIES):
            ref = reference or self.stores.sequence.next()
            complaint = Complaint.file(
                chosen, ref, business, complaint_type, moment, consumer, text, desired_outcome, who=who
            )
            try:
                self.save(complaint)
                return ref
            except RecordConflictError:  # the reference exists: given, it is a duplicate; generated, take the next
                if reference:
                    raise DuplicateComplaint(reference) from None
        raise ConcurrentChange(f"could not generate a free reference in {RETRIES} tries")

    def forward(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The bureau sends the complaint to the business."""
        self.record(reference, "forwarded", at, text, by=by)

    def respond(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The business responds (a late response re-opens an Unanswered complaint)."""
        self.record(reference, "responded", at, text, by=by)

    def reject(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The consumer rejects the business's answer."""
        self.record(reference, "rejected", at, text, by=by)

    def accept(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The consumer accepts the business's answer."""
        self.record(reference, "accepted", at, text, by=by)

    def mark_unlocatable(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The bureau could not locate the business."""
        self.record(reference, "unlocatable", at, text, by=by)

    def review(
        self, reference: str, at: Moment, good_faith: bool, text: str | None = None, by: str | None = None
    ) -> None:
        """Bureau staff record whether the business made a good-faith effort."""
        self.record(reference, "reviewed", at, text, by=by, good_faith=good_faith)

    def decline(self, reference: str, at: Moment, text: str | None = None, by: str | None = None) -> None:
        """The bureau declines the complaint as outside its scope."""
        self.record(reference, "declined", at, text, by=by)

    def record(
        self, reference: str, event_name: str, at: Moment, text: str | None = None, by: str | None = None, **facts: Any
    ) -> None:
        """Record any event the complaint's profile defines (`by`: who records it); refused events record nothing."""
        who = self.who(by, "record")
        self.change(reference, lambda c, p: c.record(p, event_name, self.at(p, at), text, who=who, **facts))

    def advance(
        self, to: Moment | None, references: Sequence[str] | None = None, batch_size: int = 500, by: str | None = None
    ) -> int:
        """Record every deadline that lapses up to `to` (on all complaints, or those named); returns how many.

        `to=None` (only with `references`): every deadline that will ever lapse, as a scenario's end does."""
        return sum(self.advance_by_kind(to, references, batch_size, by).values())

    def advance_by_kind(
        self,
        to: Moment | None,
        references: Sequence[str] | None = None,
        batch_size: int = 500,
        by: str | None = None,
        dry_run: bool = False,
    ) -> Counter[str]:
        """What `advance` records (or, with `dry_run`, would record), counted by event."""
        if to is None and references is None:
            raise InvalidInput("advance needs a time to advance to")
        if not dry_run:
            self.tables.writable()  # refused on a read-only store even when nothing lapses
        moment, who = FOREVER if to is None else self.moment(to), self.who(by, "advance")
        if dry_run:
            return self.lapsing(moment, references)
        if references is not None:
            return sum((self.change(r, lambda c, p: clock(c, p, moment, who)) for r in references), Counter())
        recorded: Counter[str] = Counter()
        index = self.projections.deadlines
        index.catch_up()
        while ids := due(self.tables, moment, batch_size):
            complaints: list[Complaint] = [self.repository.get(i) for i in ids]
            counts = [clock(c, self.profile(c.profile), moment, who) for c in complaints]
            if not any(counts):  # the index and the aggregates disagree: never spin on it
                raise RuntimeError(f"deadline index out of step for {[c.reference for c in complaints][:5]}")
            try:
                self.save(*complaints)
                recorded += sum(counts, Counter())
            except RecordConflictError:  # another writer moved one of them: one at a time
                for complaint in complaints:
                    recorded += self.change(complaint.reference, lambda c, p: clock(c, p, moment, who))
            index.catch_up()
        self.tables.analyze(sum(recorded.values()), self.recorder.max_notification_id() or 0)
        return recorded

    def lapsing(self, moment: datetime, references: Sequence[str] | None = None) -> Counter[str]:
        """What advancing to `moment` would record, counted by event; nothing is recorded."""
        if references is None:
            self.projections.deadlines.catch_up()
            complaints: Iterable[Complaint] = (self.repository.get(i) for i in due(self.tables, moment, 2**62))
        else:
            complaints = (self.get(r) for r in references)
        return Counter(step.event for c in complaints for step in c.lapses(self.profile(c.profile), moment))

"""Commands: file complaints, record their events, let the clock record what lapses, erase personal data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import RecordConflictError

from ..domain.complaint import Complaint
from ..domain.errors import DuplicateComplaint, InvalidInput
from ..views.deadlines import due
from .engine import RETRIES, ConcurrentChange, Engine, Moment


class Commands(Engine):
    """Every way a complaint changes; each one loads, acts and saves, and a refused one records nothing."""

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
        chosen = self.profile(self.use(profile) if profile else self.default_profile)
        moment = chosen.instant(at)
        chosen.check_type(complaint_type)  # before a number is taken
        for _ in range(RETRIES):
            ref = reference or self.stores.sequence.next()
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
        self.change(reference, lambda c, p: c.record(p, event_name, p.instant(at), text, **facts))

    def advance(self, to: Moment, references: Sequence[str] | None = None, batch_size: int = 500) -> int:
        """Record every deadline that lapses up to `to` (on all complaints, or those named); returns how many."""
        moment = self.moment(to)
        if references is not None:
            return sum(self.change(r, lambda c, p: c.advance(p, moment)) for r in references)
        recorded = 0
        index = self.projections.deadlines
        index.catch_up()
        while ids := due(self.tables, moment, batch_size):
            complaints: list[Complaint] = [self.repository.get(i) for i in ids]
            counts = [c.advance(self.profile(c.profile), moment) for c in complaints]
            if not any(counts):  # the index and the aggregates disagree: never spin on it
                raise RuntimeError(f"deadline index out of step for {[c.reference for c in complaints][:5]}")
            try:
                self.save(*complaints)
                recorded += sum(counts)
            except RecordConflictError:  # another writer moved one of them: one at a time
                for complaint in complaints:
                    recorded += self.change(complaint.reference, lambda c, p: c.advance(p, moment))
            index.catch_up()
        return recorded

    def erase(self, reference: str | None = None, consumer: str | None = None) -> int:
        """Make one complaint's, or one consumer's, personal data unreadable everywhere; returns keys destroyed."""
        if (reference is None) == (consumer is None):
            raise InvalidInput("erase one complaint (reference) or one consumer, not both or neither")
        if reference is not None:
            self.get(reference)  # unknown references are an error, not a silent no-op
            return self.keys.erase([Complaint.create_id(reference).hex])
        return self.keys.erase(consumer=consumer)

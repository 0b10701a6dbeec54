"""The Complaint aggregate: every step an event, every command checked against the rule table."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import InvalidInput, OutOfOrder
from .planned import NOBODY, Planned, Who, check_timing, checked, entered_days, seen, state_window
from .profile import Deadline, Profile
from .rules import CLOCK
from .windows import after_lapse, next_window

NAMESPACE = uuid5(NAMESPACE_URL, "https://lifecycle.invalid/complaint")


class Complaint(Aggregate):
    """One complaint: its filing facts, its state and its pending deadline."""

    @staticmethod
    def create_id(reference: str) -> UUID:
        """The id is derived from the reference, so a reference finds its complaint directly."""
        return uuid5(NAMESPACE, reference)

    @event("Filed")
    def __init__(
        self,
        reference: str,
        profile: str,
        business: str,
        complaint_type: str,
        at: datetime,
        state: str,
        deadline: Deadline | None,
        consumer: str | None,
        text: str | None,
        desired_outcome: str | None,
        actor: str = "consumer",
        timing: str | None = None,
        details: dict[str, str] | None = None,
        known_until: datetime | None = None,
        by: str | None = None,
    ) -> None:
        self.reference, self.profile, self.business, self.complaint_type = reference, profile, business, complaint_type
        self.filed_at = self.last_at = at
        self.state, self.entered, self.deadline, self.details = state, {state: at}, deadline, details
        self.consumer, self.text, self.desired_outcome = consumer, text, desired_outcome
        self.overdue: str | None = None
        self.known_until = known_until

    class Step(Aggregate.Event):
        """A step of the lifecycle: it moves the complaint to `state` with a new deadline."""

        at: datetime
        actor: str
        text: str | None
        state: str
        deadline: Deadline | None
        timing: str | None
        """None when `at` is exact; else how much of it is known (see TIMINGS)."""
        by: str | None
        """Who recorded it: an operator or a system; the clock's steps name the run (None before 0.2)."""
        name: ClassVar[str] = ""

        def apply(self, aggregate: Any) -> None:
            """Assign the state, the deadline, when the state was entered and the time of the last event."""
            aggregate.state = self.state
            aggregate.deadline = self.deadline
            aggregate.entered = {**aggregate.entered, self.state: self.at}
            aggregate.last_at = self.at

    class Occurred(Step):
        """An event of a profile's table with no class of its own: its name and facts are data."""

        event: str
        facts: dict[str, Any]

    class Overdue(Step):
        """An expected window lapsed: the complaint is flagged overdue and stays where it is."""

        window: str
        name = "overdue"

        def apply(self, aggregate: Any) -> None:
            """Assign the step, and the window the complaint is overdue on."""
            super().apply(aggregate)
            aggregate.overdue = self.window

    class Observed(Step):
        """A later export saw the complaint: its history is known up to `known_until`; state and window kept."""

        known_until: datetime
        name = "observed"

        def apply(self, aggregate: Any) -> None:
            """Assign the window and how far the history is known; no state was entered (`entered` stays)."""
            aggregate.state = self.state
            aggregate.deadline = self.deadline
            aggregate.last_at = self.at
            aggregate.known_until = self.known_until

    class Forwarded(Step):
        """The bureau sent the complaint to the business (or the clock did, when it was due)."""

        name = "forwarded"

    class Responded(Step):
        """The business responded."""

        name = "responded"

    class Reopened(Responded):
        """A late business response re-opened a closed complaint."""

        name = "reopened"

    class Rejected(Step):
        """The consumer rejected the business's answer."""

        name = "rejected"

    class Accepted(Step):
        """The consumer accepted the business's answer."""

        name = "accepted"

    class Unlocatable(Step):
        """The bureau could not locate the business."""

        name = "unlocatable"

    class Declined(Step):
        """The bureau declined the complaint as outside its scope."""

        name = "declined"

    class Reviewed(Step):
        """Bureau staff judged whether the business made a good-faith effort."""

        good_faith: bool
        name = "reviewed"

    class ResponseDeadlineLapsed(Step):
        """The business's response window lapsed: a second notice goes out."""

        name = "response_deadline_lapsed"

    class SecondNoticeLapsed(Step):
        """The second notice lapsed without a response."""

        name = "second_notice_lapsed"

    class ReplyDeadlineLapsed(Step):
        """The consumer's reply window lapsed in silence."""

        name = "reply_deadline_lapsed"

    class SecondResponseDeadlineLapsed(Step):
        """The business's second-response window lapsed."""

        name = "second_response_deadline_lapsed"

    class ReviewDeadlineLapsed(Step):
        """The staff review window lapsed with no finding."""

        name = "review_deadline_lapsed"

    @classmethod
    def file(
        cls,
        profile: Profile,
        reference: str,
        business: str,
        complaint_type: str,
        at: datetime,
        consumer: str | None = None,
        text: str | None = None,
        desired_outcome: str | None = None,
        timing: str | None = None,
        details: dict[str, str] | None = None,
        known_until: datetime | None = None,
        who: Who = NOBODY,
    ) -> Complaint:
        """File a complaint in the initial state with its first window (`known_until`: how far a snapshot knows)."""
        if not reference.strip() or not business.strip():
            raise InvalidInput("a complaint needs a reference and a business")
        profile.check_type(complaint_type)
        check_timing(timing)
        state = profile.rules.initial
        filed_on = profile.calendar.local_date(at)
        return cls(
            reference=reference,
            profile=profile.name,
            business=business,
            complaint_type=complaint_type,
            at=at,
            state=state,
            deadline=seen(profile.deadline(state, filed_on, complaint_type=complaint_type, at=at), known_until),
            consumer=consumer,
            text=text,
            desired_outcome=desired_outcome,
            timing=timing,
            details=details,
            known_until=known_until,
            by=who.by,
        )

    def record(
        self,
        profile: Profile,
        name: str,
        at: datetime,
        text: str | None = None,
        timing: str | None = None,
        who: Who = NOBODY,
        **facts: Any,
    ) -> None:
        """Record `name` at `at`, after every deadline that lapses by then; all or nothing."""
        check_timing(timing)
        plan = self.lapses(profile, at)
        state = plan[-1].state if plan else self.state
        if at < self.last_at:
            raise OutOfOrder(self.reference, name, at, self.last_at)
        rule, facts = checked(profile, self.reference, state, name, at, facts)
        actor = profile.rules.actors.get(name, "bureau")
        entries = entered_days(profile, self.entered, plan)
        current = plan[-1].deadline if plan else self.deadline
        window = next_window(profile, current, rule.dest, name, at, entries, self.complaint_type, facts, self.reference)
        deadline = seen(window, self.known_until)
        plan.append(Planned(rule.recorded_as or name, at, actor, rule.dest, deadline))
        self._apply(plan, text, facts, timing, who)

    def advance(self, profile: Profile, to: datetime, who: Who = NOBODY) -> list[str]:
        """Record every deadline that lapses up to `to`, in time order; returns the events recorded."""
        plan = self.lapses(profile, to)
        self._apply(plan, None, {}, None, who)
        return [step.event for step in plan]

    def observe(self, profile: Profile, known_until: datetime, who: Who = NOBODY) -> None:
        """A later snapshot knows the history up to `known_until`: record it at the last event, window re-seen."""
        if self.known_until is None or known_until <= self.known_until:
            return
        at = self.last_at
        window = self.deadline or state_window(profile, self.state, self.entered, self.overdue, self.complaint_type)
        deadline = seen(window, known_until, after=at)
        observed = Planned("observed", at, "bureau", self.state, deadline, {"known_until": known_until})
        self._apply([observed], None, {}, None, who)

    def lapses(self, profile: Profile, to: datetime) -> list[Planned]:
        """The clock's steps up to `to` (never after `known_until`), computed without changing the complaint."""
        plan: list[Planned] = []
        to = min(to, self.known_until) if self.known_until is not None else to
        state, deadline = self.state, self.deadline
        while deadline is not None and deadline.paused_at is None and deadline.lapses_at <= to:
            rule = profile.rules.rule_for(state, deadline.event, {})
            if rule is None:  # a table that gives a state a deadline it cannot lapse
                break
            when = max(deadline.lapses_at, plan[-1].at if plan else self.last_at)  # one set already lapsed: at once
            if profile.flags(deadline.name):  # an expectation lapses once, into a flag, and no window follows
                plan.append(Planned(deadline.event, when, CLOCK, rule.dest, None, {"window": deadline.name}))
                break
            entries = entered_days(profile, self.entered, plan)
            following = seen(after_lapse(profile, rule.dest, deadline, entries, self.complaint_type), self.known_until)
            plan.append(Planned(deadline.event, when, CLOCK, rule.dest, following))
            state, deadline = rule.dest, following
        return plan

    def _apply(
        self, plan: list[Planned], text: str | None, facts: dict[str, Any], timing: str | None, who: Who
    ) -> None:
        for number, step in enumerate(plan, start=1):
            last = number == len(plan)
            cls = EVENT_CLASSES.get(step.event, Complaint.Occurred)
            extra: dict[str, Any] = {**step.facts, **facts} if last else step.facts
            if cls is Complaint.Occurred:
                extra = {"event": step.event, "facts": extra}
            self.trigger_event(
                cls,
                at=step.at,
                actor=step.actor,
                text=text if last else None,
                state=step.state,
                deadline=step.deadline,
                timing=timing if last else None,
                by=who.of(step.actor),
                **extra,
            )


EVENT_CLASSES: dict[str, type[Complaint.Step]] = {
    cls.name: cls
    for cls in vars(Complaint).values()
    if isinstance(cls, type) and issubclass(cls, Complaint.Step) and cls.name
}

"""What a command plans before it records: the steps, and how much of an event's time is known."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import IllegalEvent, InvalidInput
from .profile import Deadline, Profile
from .rules import CLOCK, Rule

TIMINGS = {
    "day": "only the day is known: `at` is the start of that day",
    "by": "the time is not known: the event happened by `at`",
    "after": "the time is not known: the event happened after `at`",
    "unknown": "the time is not known at all: `at` only keeps the event after the ones before it",
}


@dataclass(frozen=True)
class Planned:
    """A step a command will record: its event, time, actor, target state and next deadline."""

    event: str
    at: datetime
    actor: str
    state: str
    deadline: Deadline | None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Who:
    """Who records: an operator or a system (`by`), and the run the clock's steps are recorded by (`via`)."""

    by: str | None = None
    via: str | None = None

    def of(self, actor: str) -> str | None:
        """The `by` of a step: the principal, and for the clock's steps the run that recorded them."""
        if actor != CLOCK or not self.via:
            return self.by
        return f"{self.by} via {self.via}" if self.by else self.via


NOBODY = Who()


def check_timing(timing: str | None) -> None:
    """Refuse a timing that is not one of TIMINGS."""
    if timing is not None and timing not in TIMINGS:
        raise InvalidInput(f"unknown timing {timing!r}; known: {', '.join(TIMINGS)}")


def seen(deadline: Deadline | None, known_until: datetime | None, after: datetime | None = None) -> Deadline | None:
    """`deadline` as the clock can enforce it: None when it lapses after `known_until` (a snapshot's history
    ends there, so the clock cannot know whether it was met) or, when given, not after `after`."""
    if deadline is None or (known_until is not None and deadline.lapses_at > known_until):
        return None
    return None if after is not None and deadline.lapses_at <= after else deadline


def entered_days(profile: Profile, entered: Mapping[str, datetime], plan: Iterable[Planned]) -> dict[str, date]:
    """The day a complaint last entered each state, counting steps planned but not yet recorded."""
    entries = {state: profile.calendar.local_date(at) for state, at in entered.items()}
    for step in plan:
        entries[step.state] = profile.calendar.local_date(step.at)
    return entries


def state_window(
    profile: Profile, state: str, entered: Mapping[str, datetime], overdue: str | None, complaint_type: str | None
) -> Deadline | None:
    """The window `state` gives, as a command entering it computes it (none for a flag that lapsed: `overdue`)."""
    entries = entered_days(profile, entered, [])
    deadline = profile.deadline(state, entries[state], entries, complaint_type=complaint_type, at=entered[state])
    return None if deadline is None or deadline.name == overdue else deadline


def checked(
    profile: Profile, reference: str, state: str, name: str, at: datetime, facts: Mapping[str, Any]
) -> tuple[Rule, dict[str, Any]]:
    """The row `name` takes from `state` at `at`, and the facts it records; refused as the profile says."""
    if name not in profile.rules.events:
        allowed = ", ".join(profile.rules.allowed(state)) or "nothing (the complaint is closed)"
        raise InvalidInput(f"complaint {reference} is {state}: no event {name!r} in {profile.name}; allowed: {allowed}")
    if name not in profile.rules.allowed(state):
        raise IllegalEvent(reference, state, name, profile.rules.allowed(state))
    takes = {*profile.rules.guards(name), *(f for r in profile.rules.rules if r.event == name for f, _ in r.marks)}
    takes |= {"days"} if any(w.extend == name for w in profile.deadlines) else set()
    for fact in sorted(set(facts) - takes):
        taken = ", ".join(sorted(takes)) or "none"
        raise InvalidInput(f"complaint {reference}: '{name}' takes no {fact} (its facts: {taken})")
    for guard in profile.rules.guards(name):
        if not isinstance(facts.get(guard), bool):
            raise InvalidInput(f"complaint {reference}: '{name}' needs {guard}: true|false")
    rule = profile.rules.rule_for(state, name, facts)
    if rule is None or name not in profile.rules.allowed(state):
        raise IllegalEvent(reference, state, name, profile.rules.allowed(state))
    withdrawn = profile.refuses(name, at)
    if withdrawn is not None:
        raise IllegalEvent(reference, state, name, profile.rules.allowed(state), f"not accepted from {withdrawn}")
    for fact, value in rule.marks:
        if facts.get(fact, value) != value:
            raise InvalidInput(f"complaint {reference}: '{name}' in {state} records {fact}: {value}")
    return rule, {**facts, **dict(rule.marks)}

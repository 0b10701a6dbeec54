"""What an event does to the window running: pause it, resume it with the time it had left, extend it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from .errors import InvalidInput
from .profile import Deadline, DeadlineRule, Profile


def next_window(
    profile: Profile,
    current: Deadline | None,
    dest: str,
    event: str,
    at: datetime,
    entries: Mapping[str, date],
    complaint_type: str | None,
    facts: Mapping[str, Any],
    reference: str = "",
) -> Deadline | None:
    """The deadline after `event` moves a complaint to `dest` at `at`, given the one running (`current`).

    A pause, resume or extension event of the running window acts on it; a state whose window is the one
    running continues it (a self-loop neither restarts nor loses an extension); a paused window is kept
    through states without a window of their own until a final state ends it; any other state gets its own."""
    rule = profile.window_named(current.name, complaint_type) if current is not None else None
    if current is not None and rule is not None:
        acted = _act(profile, rule, current, event, at, facts, reference, entries.get(rule.counted_from or rule.state))
        if acted is not None:
            return acted
    window = profile.window(dest, complaint_type)
    if current is not None and window is not None and window.name == current.name:
        return current
    if current is not None and current.paused_at is not None and window is None and not profile.rules.is_final(dest):
        return current
    return profile.deadline(dest, profile.calendar.local_date(at), entries, complaint_type=complaint_type, at=at)


def after_lapse(
    profile: Profile, dest: str, lapsed: Deadline, entries: Mapping[str, date], complaint_type: str | None
) -> Deadline | None:
    """The window of `dest` when the clock moves a complaint there: counted from the lapsed window's last day."""
    return profile.deadline(dest, lapsed.due_on, entries, complaint_type=complaint_type, at=lapsed.lapses_at)


def _act(
    profile: Profile,
    rule: DeadlineRule,
    current: Deadline,
    event: str,
    at: datetime,
    facts: Mapping[str, Any],
    reference: str,
    started: date | None,
) -> Deadline | None:
    """The running window after `event` pauses, resumes or extends it; None when the event does none of these."""
    if event in rule.pause and current.paused_at is None:
        return replace(current, paused_at=at, started=current.started or started)
    if event in rule.resume and current.paused_at is not None:
        return resumed(profile, rule, current, at)
    if event == rule.extend:
        return extended(profile, rule, current, facts.get("days"), reference, event)
    return None


def resumed(profile: Profile, rule: DeadlineRule, current: Deadline, at: datetime) -> Deadline:
    """`current`, paused, restarted at `at` with the time it had left when it paused."""
    assert current.paused_at is not None
    calendar = profile.calendar
    if rule.unit == "business_hours":
        left = calendar.business_time_between(current.paused_at, current.lapses_at)
        lapses_at = calendar.add_business_time(max(at, current.paused_at), left)
        held = round(calendar.business_time_between(current.lapses_at, lapses_at) / 3600)
        due_on = calendar.local_date(lapses_at)
        return replace(current, due_on=due_on, lapses_at=lapses_at, paused_at=None, held=current.held + held)
    paused_on, resumed_on = calendar.local_date(current.paused_at), calendar.local_date(at)
    if rule.unit == "business_days":
        left = calendar.business_days_between(paused_on, current.due_on)
        due_on = calendar.add_business_days(resumed_on, left)
        held = calendar.business_days_between(current.due_on, due_on)
    else:
        due_on = current.due_on + (resumed_on - paused_on)
        held = (due_on - current.due_on).days
    return replace(current, due_on=due_on, lapses_at=calendar.after(due_on), paused_at=None, held=current.held + held)


def extended(
    profile: Profile, rule: DeadlineRule, current: Deadline, days: Any, reference: str, event: str
) -> Deadline:
    """`current` lengthened by `days` units, refused beyond the window's bound."""
    unit = rule.unit.replace("_", " ")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise InvalidInput(f"complaint {reference}: '{event}' needs days: the {unit} it extends {rule.name} by")
    if current.extended + days > rule.extend_max:
        left = rule.extend_max - current.extended
        raise InvalidInput(
            f"complaint {reference}: '{event}' extends {rule.name} by at most {rule.extend_max} {unit} in all "
            f"({left} left), not {days}"
        )
    longer = profile.count(rule, current.due_on, days, at=current.lapses_at)
    return replace(current, due_on=longer.due_on, lapses_at=longer.lapses_at, extended=current.extended + days)

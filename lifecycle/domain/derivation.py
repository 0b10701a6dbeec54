"""How a deadline was derived, in words: its start, length, the days it skipped, its pauses and extensions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from .calendar import clock_text
from .profile import Deadline, Profile


def derivation(
    profile: Profile, deadline: Deadline, complaint_type: str | None, entered: Mapping[str, datetime]
) -> list[str]:
    """The steps from the window's rule to `deadline`: one line each, the last one the date it is due."""
    rule = profile.window_named(deadline.name, complaint_type)
    if rule is None:
        return [f"{deadline.name}: due {deadline.due_on}"]
    unit = rule.unit.replace("_", " ")
    counted = rule.counted_from or rule.state
    begun = entered.get(counted) or entered.get(profile.rules.initial)
    start = deadline.started or (profile.calendar.local_date(begun) if begun else None)
    filed = entered.get(profile.rules.initial)
    length = rule.length(profile.calendar.local_date(filed) if filed else None)
    exact = begun if unit == "business hours" and not deadline.started else None
    origin = f" from {shown(profile, exact) if exact else start} (entering {counted})"
    lines = [f"{rule.name}: {length} {unit}{origin}" + (f", for {complaint_type}" if rule.types else "")]
    if rule.versions and length != rule.days:
        lines.append(f"the length in effect for complaints received on {start if filed is None else filed.date()}")
    if start is not None and unit != "days":
        lines.extend(_skipped(profile, start, deadline.due_on))
    if deadline.held:
        lines.append(f"paused: {deadline.held} {unit} added when it resumed (the time left was kept)")
    if deadline.paused_at is not None:
        lines.append(f"paused since {shown(profile, deadline.paused_at)}: it does not lapse until resumed")
    if deadline.extended:
        lines.append(f"extended by {deadline.extended} {unit} (at most {rule.extend_max})")
    lines.append(f"due {deadline.due_on}, lapses {shown(profile, deadline.lapses_at)}")
    return lines


def _skipped(profile: Profile, start: date, due_on: date) -> list[str]:
    """The days a business count passed over: weekends and public holidays by name."""
    calendar = profile.calendar
    days = calendar.skipped_days(start, due_on)
    if not days:
        return []
    named = [f"{day} {calendar.holiday_name(day) or day.strftime('%a')}" for day in days]
    return [f"skipped {len(days)} days that are not business days: {', '.join(named)}"]


def shown(profile: Profile, moment: datetime) -> str:
    """A moment for people, in the profile's named zone: `2024-03-07 00:00 EST`."""
    return clock_text(moment.astimezone(profile.calendar.zone))

"""One way to show time: the profile's named zone for people, UTC ISO 8601 beside the zone's name for machines."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from ...domain.calendar import clock_text, iso_utc, whole_day


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone of that name."""
    return ZoneInfo(name)


def utc(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z (microseconds only when there are some), or None."""
    return None if moment is None else iso_utc(moment)


def local(moment: datetime | str, zone_name: str, timing: str | None = None) -> str:
    """For people: `2024-03-04 09:15 EST` in the zone (`moment` may be as `utc` wrote it); the day alone when
    only the day is known; `by`/`after` marks when the time is partial."""
    here = in_zone(moment, zone_name)
    day_only = timing == "day" or (timing is not None and whole_day(here))
    shown = here.date().isoformat() if day_only else clock_text(here)
    if timing in ("by", "after"):
        return f"{timing} {shown}"
    return f"{shown} (time unknown)" if timing == "unknown" else shown


def day(value: date | None) -> str | None:
    """A day as ISO 8601, or None."""
    return None if value is None else value.isoformat()


def moment_text(moment: datetime | str, zone_name: str) -> str:
    """A moment given as a bound (a report's "as of", a window's start) for people: `the end of 2024-05-01`,
    `the start of 2021-05-02`, or `2024-05-01 09:15 EDT`, in the zone."""
    here = in_zone(moment, zone_name)
    if not whole_day(here):
        return clock_text(here)
    return f"the {'start' if here.hour == 0 else 'end'} of {here.date().isoformat()} ({here:%Z})"


def in_zone(moment: datetime | str, zone_name: str) -> datetime:
    """`moment` (or its text as `utc` wrote it) in the named zone."""
    found = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return found.astimezone(zone(zone_name))

"""One way to show time: the profile's named zone for people, UTC ISO 8601 beside the zone's name for machines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from ...domain.calendar import whole_day


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone of that name."""
    return ZoneInfo(name)


def utc(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z (microseconds only when there are some), or None."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local(moment: datetime, zone_name: str, timing: str | None = None) -> str:
    """For people: `2024-03-04 09:15 EST` in the zone; the day alone when only the day is known; `by`/`after`
    marks when the time is partial."""
    here = moment.astimezone(zone(zone_name))
    day_only = timing == "day" or (timing is not None and whole_day(here))
    shown = here.date().isoformat() if day_only else here.strftime("%Y-%m-%d %H:%M %Z")
    if timing in ("by", "after"):
        return f"{timing} {shown}"
    return f"{shown} (time unknown)" if timing == "unknown" else shown


def day(value: date | None) -> str | None:
    """A day as ISO 8601, or None."""
    return None if value is None else value.isoformat()

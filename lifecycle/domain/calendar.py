"""Business days and local days of a profile's country and time zone; the one owner of day boundaries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays


class BusinessCalendar:
    """Weekdays that are not public holidays, from the maintained `holidays` package."""

    def __init__(self, country: str, timezone: str, subdivision: str | None = None) -> None:
        self.country, self.timezone, self.subdivision = country, timezone, subdivision

    @cached_property
    def zone(self) -> ZoneInfo:
        """The profile's time zone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def holidays(self) -> holidays.HolidayBase:
        """The public holidays of the country (years are filled in on demand)."""
        return holidays.country_holidays(self.country, subdiv=self.subdivision)

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday."""
        return day.weekday() < 5 and day not in self.holidays

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day`."""
        while count > 0:
            day += timedelta(days=1)
            count -= self.is_business_day(day)
        return day

    def local_date(self, moment: datetime) -> date:
        """The day `moment` falls on in the profile's time zone."""
        return moment.astimezone(self.zone).date()

    def start_of(self, day: date) -> datetime:
        """Midnight at the start of `day` in the profile's time zone."""
        return datetime.combine(day, time(0), tzinfo=self.zone)

    def after(self, day: date) -> datetime:
        """The first moment after `day`: when a window that ends on `day` lapses."""
        return self.start_of(day + timedelta(days=1))

    def end_of(self, day: date) -> datetime:
        """The last moment of `day`: what a date given as an end (`--as-of`, `until`) means."""
        return self.after(day) - timedelta(microseconds=1)

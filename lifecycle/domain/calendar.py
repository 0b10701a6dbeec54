"""Business days and local days of a profile's country and time zone; the one owner of day boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_NINE = time(9)
_FIVE = time(17)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to that month's last day (Aug 31 + 6 = Feb 28)."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = index + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - _ONE_DAY).day))


def iso_utc(moment: datetime) -> str:
    """UTC ISO 8601 ending in Z (microseconds only when there are some): how every JSON output gives a time."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def clock_text(moment: datetime) -> str:
    """A moment for people, as its zone tells it: `2024-03-04 09:15 EST`."""
    return f"{moment:%Y-%m-%d %H:%M %Z}"


def whole_day(moment: datetime) -> bool:
    """True when a local time stands for a day's start or its end (the last microsecond), not a clock reading."""
    local = moment.time().replace(tzinfo=None)
    return local in (time(0), time(23, 59, 59, 999999))


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC, where aware datetimes subtract by elapsed time; a naive one is refused."""
    if moment.utcoffset() is None:
        raise ValueError(f"business time needs an aware datetime, not {moment}")
    return moment.astimezone(UTC)


class BusinessCalendar:
    """Weekdays that are not public holidays, from the maintained `holidays` package, open `opens`..`closes` local."""

    def __init__(
        self, country: str, timezone: str, subdivision: str | None = None, *, opens: time = _NINE, closes: time = _FIVE
    ) -> None:
        if opens >= closes or opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError(f"working hours must be naive local times with opens < closes, not {opens}..{closes}")
        self.country, self.timezone, self.subdivision = country, timezone, subdivision
        self.opens, self.closes = opens, closes

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

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday on `day`, or None when there is none."""
        name = self.holidays.get(day)
        return None if name is None else str(name)

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day`."""
        while count > 0:
            day += timedelta(days=1)
            count -= self.is_business_day(day)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """How many business days d have start < d <= end: the inverse of `add_business_days`."""
        return max(0, (end - start).days) - len(self.skipped_days(start, end))

    def skipped_days(self, start: date, end: date) -> list[date]:
        """The weekends and public holidays d with start < d <= end, in order: why a deadline moved."""
        skipped, day = [], start
        while day < end:
            day += _ONE_DAY
            if not self.is_business_day(day):
                skipped.append(day)
        return skipped

    def _working_hours(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing moments (UTC) of `day`, or None when it is not a business day."""
        if not self.is_business_day(day):
            return None
        opening = datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC)
        return opening, datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC)

    def add_business_time(self, start: datetime, seconds: int) -> datetime:
        """The moment `seconds` of working time after `start` (a count ending at closing time ends there)."""
        if seconds < 0:
            raise ValueError(f"cannot add negative business time: {seconds}")
        if seconds == 0:
            return start
        moment, remaining, day = _utc(start), timedelta(seconds=seconds), self.local_date(start)
        while True:
            hours = self._working_hours(day)
            if hours is not None:
                begin, closing = max(moment, hours[0]), hours[1]
                if begin < closing:
                    if remaining <= closing - begin:
                        return (begin + remaining).astimezone(self.zone)
                    remaining -= closing - begin
            day += _ONE_DAY

    def add_business_hours(self, start: datetime, hours: int) -> datetime:
        """The moment `hours` working hours after `start`."""
        return self.add_business_time(start, hours * 3600)

    def business_time_between(self, start: datetime, end: datetime) -> int:
        """Whole seconds of working time in [start, end): the inverse of `add_business_time`."""
        begin, finish = _utc(start), _utc(end)
        total, day, last = timedelta(0), self.local_date(start), self.local_date(end)
        while begin < finish and day <= last:
            hours = self._working_hours(day)
            if hours is not None:
                total += max(timedelta(0), min(finish, hours[1]) - max(begin, hours[0]))
            day += _ONE_DAY
        return total // _ONE_SECOND

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

"""A profile: a rule table plus the deadlines, calendar and complaint types of one body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from .calendar import BusinessCalendar, add_months
from .errors import InvalidInput
from .rules import RuleTable


@dataclass(frozen=True)
class Deadline:
    """A pending deadline: the event the clock records when it lapses, and when."""

    name: str
    event: str
    due_on: date
    """The last day of the window, in the profile's time zone."""
    lapses_at: datetime
    """The end of `due_on` (or, in business hours, the moment the hours run out): when the clock records `event`."""
    extended: int = 0
    """Units (days, business days or hours) added by extension events."""
    paused_at: datetime | None = None
    """While the window is paused: since when (it does not lapse until resumed with the time left)."""
    held: int = 0
    """Units the window was pushed back by pauses, once resumed."""
    started: date | None = None
    """The day the count began, kept from a window's first pause on (its state is entered again on resuming)."""


UNITS = ("days", "business_days", "business_hours", "months")
"""How a window counts: calendar days, business days, business hours (working hours of business days), months."""


@dataclass(frozen=True)
class DeadlineRule:
    """The window a state gives: `days` in `unit` counted from entering it or `counted_from`."""

    state: str
    name: str
    lapse: str
    days: int
    """The length in `unit` (a legacy name: business hours and months are counted here too)."""
    counted_from: str | None = None
    """The state whose (last) entry starts the count; None: the state this window belongs to."""
    flags: bool = False
    """An expectation, not a limit: the lapse records the complaint as overdue and leaves its state as it is."""
    unit: str = "days"
    """One of UNITS."""
    types: frozenset[str] = frozenset()
    """The complaint types this window is for (empty: every type no other window of the state names)."""
    versions: tuple[tuple[date, int], ...] = ()
    """(effective from, length): complaints received on or after the day get that length instead of `days`."""
    pause: frozenset[str] = frozenset()
    """Events that stop the window's clock (the time left is kept)."""
    resume: frozenset[str] = frozenset()
    """Events that restart a paused window with the time it had left."""
    extend: str | None = None
    """An event that lengthens the window by the `days` it carries, ..."""
    extend_max: int = 0
    """... up to this many units in all."""

    def length(self, filed_on: date | None) -> int:
        """The window's length for a complaint received on `filed_on` (the latest version in effect then)."""
        days = self.days
        for since, length in self.versions:
            if filed_on is not None and filed_on >= since:
                days = length
        return days


@dataclass(frozen=True)
class Habit:
    """A business typically responds when at least `share` of its complaints filed in the last `months`, whose
    response window has ended, got a first response within it; fewer than `minimum` such complaints: unknown."""

    share: float = 0.8
    months: int = 12
    minimum: int = 5

    def text(self, window: str) -> str:
        """The rule in words."""
        return (
            f"a business typically responds when at least {self.share * 100:g}% of its complaints filed in the last "
            f"{self.months} months got a first response within the {window} window ({self.minimum} at least to say)"
        )


@dataclass(frozen=True)
class Profile:
    """Everything a body's lifecycle needs; every number is a setting."""

    name: str
    title: str
    rules: RuleTable
    deadlines: tuple[DeadlineRule, ...]
    complaint_types: tuple[str, ...]
    country: str
    timezone: str
    subdivision: str | None = None
    response_window: str = "response"
    """The deadline a first response must beat to count as timely."""
    responses: frozenset[str] = frozenset({"responded", "reopened"})
    """The events that are the business's response (the first one counts for timeliness)."""
    withdrawn: tuple[tuple[str, date], ...] = ()
    """Events no longer accepted from a day on, e.g. `(("disputed", date(2017, 4, 24)),)`."""
    options: Mapping[str, str] = field(default_factory=dict)
    """Choices that change the rule table itself, e.g. `{"second_response": "on_request"}`."""
    table: Callable[..., RuleTable] | None = field(default=None, repr=False, compare=False)
    """Builds the rule table from `options` (None: the table takes no options)."""
    working_hours: tuple[time, time] | None = None
    """When business hours are counted, on business days, in the profile's time zone (None: the calendar's 9 to 5)."""
    earliest: date = date(1990, 1, 1)
    """The earliest plausible day of an event or a question (earlier ones are refused as typing mistakes)."""
    ahead_days: int = 366
    """How many days past today an event or a question may lie."""
    habit: Habit = Habit()
    """The rule that says whether a business typically responds."""
    relief: frozenset[str] = frozenset()
    """Closing states whose outcome is in the consumer's favour."""
    disputes: frozenset[str] = frozenset()
    """Events by which a consumer contests the business's answer."""
    calendar: BusinessCalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hours = dict(zip(("opens", "closes"), self.working_hours or (), strict=False))
        calendar = BusinessCalendar(self.country, self.timezone, self.subdivision, **hours)
        object.__setattr__(self, "calendar", calendar)

    @cached_property
    def _windows_by_state(self) -> dict[str, list[DeadlineRule]]:
        found: dict[str, list[DeadlineRule]] = {}
        for rule in self.deadlines:
            found.setdefault(rule.state, []).append(rule)
        return found

    def settings(self) -> dict[str, int]:
        """The profile's windows by name, in their units."""
        return {rule.name: rule.days for rule in self.deadlines}

    def configure(self, name: str | None = None, **settings: int | str) -> Profile:
        """A copy with some windows or options changed, e.g. `configure(response=10, second_response="always")`.

        A window given a length has it for every complaint (its dated versions are dropped)."""
        options = {k: str(v) for k, v in settings.items() if k in self.options}
        days = {k: v for k, v in settings.items() if k not in self.options}
        unknown = set(days) - set(self.settings())
        if unknown:
            raise InvalidInput(f"profile {self.name} has no deadline or option {', '.join(sorted(unknown))}")
        for key, value in days.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(f"profile {self.name}: {key} must be a number of days, not {value!r}")
        deadlines = tuple(
            replace(rule, days=int(days[rule.name]), versions=()) if rule.name in days else rule
            for rule in self.deadlines
        )
        changed = replace(self, name=name or self.name, deadlines=deadlines)
        if options:
            assert self.table is not None, "a profile with options has a table builder"
            merged = {**self.options, **options}
            changed = replace(changed, options=merged, rules=self.table(**merged))
        return changed

    def flags(self, deadline: str) -> bool:
        """True when the window named `deadline` only flags the complaint overdue when it lapses."""
        return any(rule.flags for rule in self.deadlines if rule.name == deadline)

    @cached_property
    def _chosen(self) -> dict[tuple[str, str, str | None], DeadlineRule | None]:
        return {}

    def window(self, state: str, complaint_type: str | None = None) -> DeadlineRule | None:
        """The window `state` gives a complaint of `complaint_type`: the one naming the type, else the general one."""
        key = ("state", state, complaint_type)
        if key not in self._chosen:
            rules = self._windows_by_state.get(state, [])
            self._chosen[key] = _pick(rules, complaint_type)
        return self._chosen[key]

    def window_named(self, name: str, complaint_type: str | None = None) -> DeadlineRule | None:
        """The window called `name` for a complaint of `complaint_type`."""
        key = ("name", name, complaint_type)
        if key not in self._chosen:
            rules = [r for r in self.deadlines if r.name == name]
            self._chosen[key] = _pick(rules, complaint_type) or (rules[0] if rules else None)
        return self._chosen[key]

    def deadline(
        self,
        state: str,
        entered_on: date,
        entries: Mapping[str, date] | None = None,
        *,
        complaint_type: str | None = None,
        at: datetime | None = None,
    ) -> Deadline | None:
        """The deadline a complaint gets on entering `state` on `entered_on` (at `at`, for business hours), or None.

        `entries` gives the day the complaint last entered earlier states, for windows counted from them; the
        entry to the initial state is the day it was received, which picks a window's version."""
        rule = self.window(state, complaint_type)
        if rule is None:
            return None
        start = entered_on
        if rule.counted_from is not None and rule.counted_from != state:
            start = (entries or {}).get(rule.counted_from, entered_on)
            at = None
        filed_on = (entries or {}).get(self.rules.initial, entered_on)
        return self.count(rule, start, rule.length(filed_on), at)

    def count(self, rule: DeadlineRule, start: date, length: int, at: datetime | None = None) -> Deadline:
        """The deadline of `rule` when `length` units are counted from `start` (from `at` in business hours)."""
        unit = rule.unit
        if unit == "business_hours":
            lapses_at = self.calendar.add_business_hours(at or self.calendar.start_of(start), length)
            return Deadline(rule.name, rule.lapse, self.calendar.local_date(lapses_at), lapses_at)
        if unit == "business_days":
            due_on = self.calendar.add_business_days(start, length)
        elif unit == "months":
            due_on = add_months(start, length)
        else:
            due_on = start + timedelta(days=length)
        return Deadline(rule.name, rule.lapse, due_on, self.calendar.after(due_on))

    def response_due(self, filed_on: date, complaint_type: str | None = None) -> datetime | None:
        """When the response window of a complaint filed on `filed_on` ends."""
        rule = self.window_named(self.response_window, complaint_type)
        if rule is None:
            return None
        deadline = self.deadline(rule.state, filed_on, complaint_type=complaint_type)
        return deadline.lapses_at if deadline else None

    def instant(self, value: datetime | date | str, end: bool = False) -> datetime:
        """An aware moment: a date means the start of that day in the profile's time zone (its end if `end`)."""
        if isinstance(value, str):
            value = parse_time(value)
        if not isinstance(value, date):
            raise InvalidInput(f"not a date, a date-time or an ISO 8601 text: {value!r}")
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.calendar.zone)
        return self.calendar.end_of(value) if end else self.calendar.start_of(value)

    def plausible(self, moment: datetime, now: datetime) -> datetime:
        """`moment`, when it lies between `earliest` and `ahead_days` past `now`; refused otherwise."""
        latest, day = self.calendar.local_date(now) + timedelta(days=self.ahead_days), self.calendar.local_date(moment)
        if not self.earliest <= day <= latest:
            raise InvalidInput(
                f"{day.isoformat()} is outside the plausible dates of profile {self.name}: "
                f"{self.earliest} to {latest} (the profile's `dates` setting)"
            )
        return moment

    def refuses(self, event: str, at: datetime) -> date | None:
        """The day from which `event` is no longer accepted, when `at` is on or after it."""
        for name, day in self.withdrawn:
            if name == event and at >= self.calendar.start_of(day):
                return day
        return None

    def check_type(self, complaint_type: str) -> None:
        """Refuse a complaint type the profile does not know (a profile with no list takes any)."""
        if not complaint_type.strip():
            raise InvalidInput(f"a {self.name} complaint needs a type")
        if self.complaint_types and complaint_type not in self.complaint_types:
            raise InvalidInput(
                f"unknown complaint type {complaint_type!r} for profile {self.name}; "
                f"known: {', '.join(self.complaint_types)}"
            )


def _pick(rules: list[DeadlineRule], complaint_type: str | None) -> DeadlineRule | None:
    """The rule naming `complaint_type`, else the one for every type."""
    typed = next((r for r in rules if complaint_type in r.types), None) if complaint_type else None
    return typed or next((r for r in rules if not r.types), None)


def parse_time(text: str) -> datetime | date:
    """An ISO 8601 date or date-time; anything else is refused."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise InvalidInput(f"not an ISO 8601 date or date-time: {text!r}") from None

"""A profile: a rule table plus the deadlines, calendar and complaint types of one body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property

from .calendar import BusinessCalendar
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
    """The end of `due_on`: the moment the clock records `event`."""


@dataclass(frozen=True)
class DeadlineRule:
    """The window a state gives: `days` (calendar or business) counted from entering it or `counted_from`."""

    state: str
    name: str
    lapse: str
    days: int
    business_days: bool = False
    counted_from: str | None = None
    """The state whose (last) entry starts the count; None: the state this window belongs to."""
    flags: bool = False
    """An expectation, not a limit: the lapse records the complaint as overdue and leaves its state as it is."""


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
    calendar: BusinessCalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "calendar", BusinessCalendar(self.country, self.timezone, self.subdivision))

    @cached_property
    def _deadline_by_state(self) -> dict[str, DeadlineRule]:
        return {rule.state: rule for rule in self.deadlines}

    def settings(self) -> dict[str, int]:
        """The profile's windows by name, in days."""
        return {rule.name: rule.days for rule in self.deadlines}

    def configure(self, name: str | None = None, **settings: int | str) -> Profile:
        """A copy with some windows or options changed, e.g. `configure(response=10, second_response="always")`."""
        options = {k: str(v) for k, v in settings.items() if k in self.options}
        days = {k: v for k, v in settings.items() if k not in self.options}
        unknown = set(days) - set(self.settings())
        if unknown:
            raise InvalidInput(f"profile {self.name} has no deadline or option {', '.join(sorted(unknown))}")
        for key, value in days.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(f"profile {self.name}: {key} must be a number of days, not {value!r}")
        deadlines = tuple(replace(rule, days=int(days.get(rule.name, rule.days))) for rule in self.deadlines)
        changed = replace(self, name=name or self.name, deadlines=deadlines)
        if options:
            assert self.table is not None, "a profile with options has a table builder"
            merged = {**self.options, **options}
            changed = replace(changed, options=merged, rules=self.table(**merged))
        return changed

    def flags(self, deadline: str) -> bool:
        """True when the window named `deadline` only flags the complaint overdue when it lapses."""
        return any(rule.flags for rule in self.deadlines if rule.name == deadline)

    def deadline(self, state: str, entered_on: date, entries: Mapping[str, date] | None = None) -> Deadline | None:
        """The deadline a complaint gets on entering `state` on `entered_on`, or None.

        `entries` gives the day the complaint last entered earlier states, for windows counted from them."""
        rule = self._deadline_by_state.get(state)
        if rule is None:
            return None
        start = entered_on
        if rule.counted_from is not None and rule.counted_from != state:
            start = (entries or {}).get(rule.counted_from, entered_on)
        if rule.business_days:
            due_on = self.calendar.add_business_days(start, rule.days)
        else:
            due_on = start + timedelta(days=rule.days)
        lapses_at = self.calendar.after(due_on)
        return Deadline(rule.name, rule.lapse, due_on, lapses_at)

    def response_due(self, filed_on: date) -> datetime | None:
        """When the response window of a complaint filed on `filed_on` ends."""
        rule = next((r for r in self.deadlines if r.name == self.response_window), None)
        if rule is None:
            return None
        deadline = self.deadline(rule.state, filed_on)
        return deadline.lapses_at if deadline else None

    def instant(self, value: datetime | date | str, end: bool = False) -> datetime:
        """An aware moment: a date means the start of that day in the profile's time zone (its end if `end`)."""
        if isinstance(value, str):
            value = parse_time(value)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.calendar.zone)
        return self.calendar.end_of(value) if end else self.calendar.start_of(value)

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


def parse_time(text: str) -> datetime | date:
    """An ISO 8601 date or date-time; anything else is refused."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"not an ISO 8601 date or date-time: {text!r}") from None

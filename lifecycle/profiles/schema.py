"""The profile file format: a pydantic schema of a body's states, rows, actors and windows."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from ..domain.profile import UNITS


class Strict(BaseModel):
    """Unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_attribute_docstrings=True)


def _listed(value: Any) -> Any:
    """A single name where a list is expected is a list of one."""
    return [value] if isinstance(value, str) else value


Names = Annotated[
    list[str],
    BeforeValidator(_listed),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]
"""A name, or a list of names."""


class RowSpec(Strict):
    """One row of the rule table: `event` moves a complaint `from` one of some states `to` another."""

    event: str = Field(min_length=1)
    from_: Names = Field(alias="from", min_length=1)
    """The state or states the row leaves from (a list makes one row per state, in order)."""
    to: str = Field(min_length=1)
    guard: str | None = Field(None, pattern=r"^(not )?[a-z_][a-z0-9_]*$")
    """A fact the event must carry: `name` (true) or `not name` (false)."""
    recorded_as: str | None = None
    """The event name recorded when it differs from the command (a late response is recorded as reopened)."""
    marks: dict[str, bool | int | str] = Field(default_factory=dict)
    """Facts the row records on the event, e.g. `{timely: false}`."""
    when: dict[str, str] = Field(default_factory=dict)
    """Options the row needs, e.g. `{second_response: always}`: the row is in the table only then."""


class VersionSpec(Strict):
    """A window's length for complaints received on or after a day."""

    effective_from: date
    length: int = Field(ge=0)


class ExtensionSpec(Strict):
    """An event that lengthens the window by the `days` it carries, up to `max` in all (in the window's unit)."""

    event: str
    max: int = Field(ge=1)


class WindowSpec(Strict):
    """A deadline: a state's window of `days`, `business_days`, `business_hours` or `months`."""

    name: str = Field(min_length=1)
    state: str
    lapse: str
    """The clock's event when the window lapses."""
    days: int | None = Field(None, ge=0)
    business_days: int | None = Field(None, ge=0)
    business_hours: int | None = Field(None, ge=0)
    months: int | None = Field(None, ge=0)
    counted_from: str | None = Field(None, alias="from")
    """The state whose (last) entry starts the count (default: entering `state`)."""
    flags: bool = False
    """An expectation: the lapse flags the complaint overdue and leaves its state as it is."""
    types: Names = Field(default_factory=list)
    """The complaint types the window is for; without: every other type."""
    versions: list[VersionSpec] = Field(default_factory=list)
    """Other lengths from a day on (complaints received on or after it), oldest first."""
    pause: Names = Field(default_factory=list)
    resume: Names = Field(default_factory=list)
    extend: ExtensionSpec | None = None

    @model_validator(mode="after")
    def _one_unit(self) -> WindowSpec:
        given = [unit for unit in UNITS if getattr(self, unit) is not None]
        if len(given) != 1:
            raise ValueError(f"a window gives exactly one of {', '.join(UNITS)} (found {', '.join(given) or 'none'})")
        return self

    @property
    def unit(self) -> str:
        """The one unit given."""
        return next(unit for unit in UNITS if getattr(self, unit) is not None)

    @property
    def length(self) -> int:
        """The length in that unit."""
        value = getattr(self, self.unit)
        assert isinstance(value, int)
        return value


class OptionSpec(Strict):
    """A choice that changes the rule table: rows say `when: {option: choice}`."""

    default: str
    choices: list[str] = Field(min_length=1)
    about: str | None = None

    @model_validator(mode="after")
    def _default_chosen(self) -> OptionSpec:
        if self.default not in self.choices:
            raise ValueError(f"default {self.default!r} is not one of the choices {', '.join(self.choices)}")
        return self


class WorkingHours(Strict):
    """When business hours are counted on business days, local time ("09:00" to "17:00")."""

    opens: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _in_order(self) -> WorkingHours:
        if self.opens >= self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")
        return self


class DatesSpec(Strict):
    """The plausible dates of events and questions: anything outside is refused as a typing mistake."""

    earliest: date = date(1990, 1, 1)
    ahead_days: int = Field(default=366, ge=0, le=3660)
    """How many days past today."""


class HabitSpec(Strict):
    """The response-habit rule: a business typically responds when, of its complaints filed in the last `months`
    whose response window has ended, at least `share` got a first response within it (`minimum` such
    complaints needed to say)."""

    share: float = Field(default=0.8, gt=0, le=1)
    months: int = Field(default=12, ge=1, le=120)
    minimum: int = Field(default=5, ge=1)


class ProfileSpec(Strict):
    """A profile file: everything a body's lifecycle needs, as data."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    about: str | None = None
    """Where the rules come from (the sources, for an auditor)."""
    country: str = Field(min_length=2)
    subdivision: str | None = None
    timezone: str
    working_hours: WorkingHours | None = None
    dates: DatesSpec = Field(default_factory=DatesSpec)
    habit: HabitSpec = Field(default_factory=HabitSpec)
    vocabulary: str = "status"
    """What the body calls its published outcomes."""
    initial: str
    states: list[str] = Field(min_length=1)
    closing: dict[str, str] = Field(min_length=1)
    """Closing state -> the outcome published for it."""
    unpublished: list[str] = Field(default_factory=list)
    confirmed: list[str] = Field(default_factory=list)
    """Closing states in which the consumer confirmed the resolution."""
    relief: list[str] = Field(default_factory=list)
    """Closing states whose outcome is in the consumer's favour (relief, an upheld complaint)."""
    disputes: list[str] = Field(default_factory=list)
    """Events by which a consumer contests the business's answer (a dispute, a rejection, a referral)."""
    labels: dict[str, str] = Field(default_factory=dict)
    actors: dict[str, list[str]] = Field(min_length=1)
    """Who records which events: consumer, business, bureau, clock (or any other name) -> events."""
    rows: list[RowSpec] = Field(min_length=1)
    windows: list[WindowSpec] = Field(default_factory=list)
    response_window: str | None = None
    """The window a first response must beat to count as timely."""
    responses: list[str] = Field(default_factory=lambda: ["responded", "reopened"])
    """The events that are the business's response."""
    withdrawn: dict[str, date] = Field(default_factory=dict)
    """Events no longer accepted from a day on."""
    complaint_types: list[str] = Field(default_factory=list)
    """The complaint types (none: any type is taken)."""
    options: dict[str, OptionSpec] = Field(default_factory=dict)

"""The scenario file format: a pydantic schema, YAML loading with line numbers, and the checks a schema cannot make."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ..domain.errors import LifecycleError
from ..domain.profile import Profile, parse_time
from ..domain.profiles import configured, configured_name
from ..profiles import PROFILES, is_file
from ..profiles.files import load as load_profile
from ..profiles.lines import FileError, keys, line, validated

Moment = date | datetime


class ScenarioError(FileError):
    """A file that is not a valid scenario: names the file, the line where known, and what is wrong."""


def _moment(value: Any) -> Moment:
    """A YAML date, date-time or ISO text; an impossible date is refused."""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        return parse_time(value.strip())
    raise ValueError(f"not a date or date-time: {value!r}")


class Strict(BaseModel):
    """Unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class EventSpec(Strict):
    """One event a complaint goes through."""

    at: Moment
    event: str
    text: str | None = None
    good_faith: bool | None = None
    days: int | None = Field(None, ge=1)
    """What an extension event carries: the units it lengthens the window by."""
    refused: bool = False
    """True when the engine must refuse this event."""

    _moment = field_validator("at", mode="before")(_moment)

    def facts(self) -> dict[str, Any]:
        """The facts the event carries besides its time and text."""
        facts: dict[str, Any] = {} if self.good_faith is None else {"good_faith": self.good_faith}
        return facts if self.days is None else {**facts, "days": self.days}


class Expectation(Strict):
    """What the complaint must be when the replay ends, and on given days."""

    status: str | None = None
    state: str | None = None
    overdue: str | None = None
    """The expected window the complaint ends overdue on (a flag, not a closing)."""
    on: dict[date, str] = Field(default_factory=dict)

    @field_validator("on", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_moment(k): v for k, v in value.items()}
        return value


class ComplaintSpec(Strict):
    """One complaint of a scenario."""

    id: str = Field(min_length=1)
    business: str = Field(min_length=1)
    type: str
    filed: Moment
    consumer: str | None = None
    text: str | None = None
    desired_outcome: str | None = None
    events: list[EventSpec] = Field(default_factory=list)
    expect: Expectation | None = None
    _line: int | None = PrivateAttr(None)
    """Where the complaint starts in its file (set by `check`), for errors the engine raises on replay."""

    _moment = field_validator("filed", mode="before")(_moment)

    @property
    def line(self) -> int | None:
        """The line the complaint starts on in its file, when read from one."""
        return self._line


class Scenario(Strict):
    """A scenario file: complaints replayed under one profile."""

    name: str = Field(min_length=1)
    description: str | None = None
    profile: str = Field("bbb", validation_alias=AliasChoices("profile", "policy"))
    """The profile of every complaint in the file: a name, or a profile file relative to this one (`policy`, its
    older name, is still read)."""
    settings: dict[str, int | str] = Field(default_factory=dict)
    """Windows (days) and options of the profile changed for this file, e.g. `{second_response: always}`."""
    until: Moment | None = None
    complaints: list[ComplaintSpec] = Field(min_length=1)
    _until_line: int | None = PrivateAttr(None)

    _moment = field_validator("until", mode="before")(_moment)

    @property
    def until_line(self) -> int | None:
        """The line of `until` in the file (else the file's first), for an end the engine refuses."""
        return self._until_line

    @property
    def profile_name(self) -> str:
        """The profile the complaints run under: the named one, with this file's settings."""
        return configured_name(self.profile, self.settings)


def load(path: Path | str, profiles: Mapping[str, Profile] = PROFILES) -> Scenario:
    """Read and validate one scenario file; raises ScenarioError naming the file and line."""
    path = Path(path)
    scenario, node = validated(Scenario, path, ScenarioError, "a scenario is a mapping with 'name' and 'complaints'")
    if is_file(scenario.profile):
        profiles = {**profiles, **_own_profile(scenario, path, node, profiles)}
    check(scenario, path, node, profiles)
    return scenario


def _own_profile(scenario: Scenario, path: Path, node: Any, profiles: Mapping[str, Profile]) -> dict[str, Profile]:
    """The profile file a scenario names (relative to the scenario), made known to `profiles` when it is a dict."""
    try:
        profile = load_profile(path.parent / scenario.profile)
    except FileError as error:
        raise ScenarioError(path, f"profile: {error}", line(node, ("profile",))) from None
    scenario.profile = profile.name
    if isinstance(profiles, dict):
        profiles[profile.name] = profile
    return {profile.name: profile}


def check(scenario: Scenario, path: Path, node: Any, profiles: Mapping[str, Profile]) -> None:
    """What the schema cannot say: known profile, types, events and states; unique ids; time order."""
    profile = profiles.get(scenario.profile)
    if profile is None:
        given = keys(node)
        key = "policy" if "policy" in given and "profile" not in given else "profile"
        message = f"{key}: unknown profile {scenario.profile!r}; known: {', '.join(profiles)}"
        raise ScenarioError(path, message, line(node, (key,)))
    try:
        profile = configured(profile, scenario.settings)
    except LifecycleError as error:
        raise ScenarioError(path, f"settings: {error}", line(node, ("settings",))) from None
    checker = _Checker(path, node, profile)
    seen: set[str] = set()
    scenario._until_line = line(node, ("until",))
    for i, c in enumerate(scenario.complaints):
        c._line = line(node, ("complaints", i))
        if c.id in seen:
            checker.fail(f"complaints.{i}.id: duplicate complaint id {c.id!r}", "complaints", i, "id")
        seen.add(c.id)
        checker.complaint(i, c)


class _Checker:
    """The checks of one complaint of a scenario against its profile; the first failure names its line."""

    def __init__(self, path: Path, node: Any, profile: Profile) -> None:
        self.path, self.node, self.profile, self.rules = path, node, profile, profile.rules

    def fail(self, message: str, *loc: str | int) -> None:
        raise ScenarioError(self.path, message, line(self.node, loc))

    def complaint(self, i: int, c: ComplaintSpec) -> None:
        """Its type, its events in time order, and what it expects."""
        types = self.profile.complaint_types
        if types and c.type not in types:
            known = ", ".join(types)
            self.fail(
                f"complaints.{i}.type: unknown complaint type {c.type!r}; known: {known}", "complaints", i, "type"
            )
        previous = self.profile.instant(c.filed)
        for j, e in enumerate(c.events):
            previous = self.event(i, j, e, previous)
        if c.expect:
            self.expectation(i, c.expect)

    def event(self, i: int, j: int, e: EventSpec, previous: datetime) -> datetime:
        """A known event with the facts its rows need, not earlier than the one before it."""
        where = ("complaints", i, "events", j)
        events = self.rules.events
        if e.event not in events:
            known = ", ".join(events)
            self.fail(f"complaints.{i}.events.{j}.event: unknown event {e.event!r}; known: {known}", *where, "event")
        for guard in self.rules.guards(e.event):
            if e.facts().get(guard) is None:
                self.fail(f"complaints.{i}.events.{j}: '{e.event}' needs {guard}: true|false", *where)
        at = self.profile.instant(e.at)
        if at < previous:
            self.fail(f"complaints.{i}.events.{j}.at: {e.at} is earlier than the event before it", *where, "at")
        return at

    def expectation(self, i: int, expect: Expectation) -> None:
        """Known statuses and states."""
        statuses = set(self.rules.closing.values())
        if expect.status is not None and expect.status not in statuses:
            known = ", ".join(sorted(statuses))
            message = f"complaints.{i}.expect.status: unknown status {expect.status!r}; known: {known}"
            self.fail(message, "complaints", i, "expect", "status")
        flagged = [d.name for d in self.profile.deadlines if d.flags]
        if expect.overdue is not None and expect.overdue not in flagged:
            known = ", ".join(flagged) or "none in this profile"
            message = f"complaints.{i}.expect.overdue: {expect.overdue!r} is not a window that flags; known: {known}"
            self.fail(message, "complaints", i, "expect", "overdue")
        for state in [expect.state, *expect.on.values()]:
            if state is not None and state not in self.rules.states:
                known = ", ".join(self.rules.states)
                self.fail(f"complaints.{i}.expect: unknown state {state!r}; known: {known}", "complaints", i, "expect")


def find(paths: Sequence[Path | str]) -> list[Path]:
    """Scenario files under `paths` (folders searched recursively for *.yaml and *.yml), sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file()))
        else:
            found.append(p)
    return found

"""Replay scenarios through the engine and check their expectations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..application import HistoryEntry, Lifecycle
from ..domain.calendar import iso_utc
from ..domain.errors import LifecycleError
from .format import ComplaintSpec, EventSpec, Scenario, ScenarioError


@dataclass
class ComplaintResult:
    """How one complaint ended against what its scenario expects."""

    id: str
    state: str
    status: str | None
    expected: dict[str, Any]
    failures: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**asdict(self), "passed": self.passed}


@dataclass
class FileResult:
    """The outcome of one scenario file."""

    path: str
    name: str | None
    complaints: list[ComplaintResult] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "path": self.path,
            "name": self.name,
            "error": self.error,
            "complaints": [c.as_dict() for c in self.complaints],
        }


def replay(app: Lifecycle, scenario: Scenario, path: Path | str) -> FileResult:
    """File every complaint and record every event in time order, advance the clock, check; all or nothing: a
    file the engine refuses (a filing, its end) records nothing (it is rehearsed in memory first)."""
    taken = [c.id for c in scenario.complaints if app.exists(c.id)]
    if taken:
        raise LifecycleError(f"{path}: complaint {taken[0]!r} already exists in the store")
    rehearse(app, scenario, path)
    return _replay(app, scenario, path)


def rehearse(app: Lifecycle, scenario: Scenario, path: Path | str) -> None:
    """Replay the file in memory with `app`'s profiles: what the engine refuses raises ScenarioError (naming the
    file, the line and the complaint) before anything is recorded in `app`'s store."""
    scratch = Lifecycle("memory://", profiles=app.profiles, default_profile=app.default_profile, by=app.by)
    scratch.run = app.run
    try:
        _replay(scratch, scenario, path)
    finally:
        scratch.close()


def _replay(app: Lifecycle, scenario: Scenario, path: Path | str) -> FileResult:
    """The replay itself; a refused filing or end raises ScenarioError (events refused are failures)."""
    profile = app.profile(scenario.profile_name)
    actions: list[tuple[datetime, ComplaintSpec, EventSpec | None]] = []
    for c in scenario.complaints:
        actions.append((profile.instant(c.filed), c, None))
        actions.extend((profile.instant(e.at), c, e) for e in c.events)
    failures: dict[str, list[str]] = {c.id: [] for c in scenario.complaints}
    for at, c, e in sorted(actions, key=lambda action: action[0]):
        if e is not None:
            failures[c.id].extend(_record(app, c.id, at, e))
            continue
        try:
            app.file(c.business, c.type, at, c.id, scenario.profile_name, c.consumer, c.text, c.desired_outcome)
        except LifecycleError as error:
            raise ScenarioError(path, f"complaint {c.id!r}: {error}", c.line) from None
    try:
        app.advance(scenario.until, references=[c.id for c in scenario.complaints])  # None: every window's end
    except LifecycleError as error:
        raise ScenarioError(path, f"until: {error}", scenario.until_line) from None
    result = FileResult(str(path), scenario.name)
    for c in scenario.complaints:
        result.complaints.append(_check(app, c, failures[c.id]))
    return result


def _record(app: Lifecycle, reference: str, at: datetime, e: EventSpec) -> list[str]:
    try:
        app.record(reference, e.event, at, e.text, **e.facts())
    except LifecycleError as error:
        return [] if e.refused else [f"{e.event} at {e.at} was refused: {error}"]
    return [f"{e.event} at {e.at} was recorded, but the scenario expects it refused"] if e.refused else []


def _check(app: Lifecycle, c: ComplaintSpec, failures: list[str]) -> ComplaintResult:
    summary = app.summary(c.id)
    history = app.history(c.id)
    expected: dict[str, Any] = {}
    if c.expect:
        expected = c.expect.model_dump(exclude_none=True, exclude_defaults=True)
        expected["on"] = {d.isoformat(): s for d, s in c.expect.on.items()}
        if not expected["on"]:
            del expected["on"]
        if c.expect.status is not None and summary.status != c.expect.status:
            failures.append(f"status is {summary.status or 'none (' + summary.state + ')'}, expected {c.expect.status}")
        if c.expect.state is not None and summary.state != c.expect.state:
            failures.append(f"state is {summary.state}, expected {c.expect.state}")
        if c.expect.overdue is not None and summary.overdue != c.expect.overdue:
            failures.append(f"overdue is {summary.overdue or 'none'}, expected {c.expect.overdue}")
        profile = app.profile(summary.profile)
        for day, state in c.expect.on.items():
            actual = state_on(history, profile.calendar.after(day))
            if actual != state:
                failures.append(f"on {day} the state is {actual}, expected {state}")
    result = ComplaintResult(c.id, summary.state, summary.status, expected, failures)
    if failures:
        zone = app.profile(summary.profile).timezone
        result.timeline = [
            {
                "at": iso_utc(s.at),
                "zone": zone,
                "event": s.event,
                "actor": s.actor,
                "by": s.by,
                "state_after": s.state_after,
            }
            for s in history
        ]
    return result


def state_on(history: list[HistoryEntry], before: datetime) -> str | None:
    """The state after the last step earlier than `before` (the end of a day)."""
    state = None
    for step in history:
        if step.at < before:
            state = step.state_after
    return state


def describe(expected: dict[str, Any]) -> str:
    """An expectation in a few words."""
    if not expected:
        return "no expectation"
    parts = [f"{k} {v}" for k, v in expected.items() if k != "on"]
    parts += [f"{s} on {d}" for d, s in expected.get("on", {}).items()]
    return ", ".join(parts)

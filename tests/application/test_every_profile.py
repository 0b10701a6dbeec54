"""Model-based tests that every bundled profile file gets for free: each simple path, and random walks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle.domain.complaint import Complaint
from lifecycle.domain.errors import LifecycleError
from lifecycle.domain.profile import Profile
from lifecycle.domain.rules import CLOCK, Rule, simple_paths
from lifecycle.profiles import PROFILES, bundled_files
from lifecycle.profiles.files import load

BUNDLED = {path.stem: load(path) for path in bundled_files()}
FILED = date(2016, 3, 1)
"""Before any withdrawn event's day (cfpb disputes end 2017-04-24)."""
CASES = [
    pytest.param(name, path, id=f"{name}:" + "-".join(r.event + (f"[{r.guard}]" if r.guard else "") for r in path))
    for name, profile in BUNDLED.items()
    for path in simple_paths(profile.rules)
]


def kind(profile: Profile) -> str:
    return profile.complaint_types[0] if profile.complaint_types else "General"


def facts_for(profile: Profile, rule: Rule) -> dict[str, Any]:
    """What the row needs: its guard's fact, and days for an extension."""
    facts: dict[str, Any] = {}
    if rule.guard:
        facts[rule.guard.removeprefix("not ")] = not rule.guard.startswith("not ")
    if any(w.extend == rule.event for w in profile.deadlines):
        facts["days"] = 1
    return facts


def take(profile: Profile, complaint: Complaint, rule: Rule) -> None:
    """Drive one row: the clock's rows by advancing to the pending deadline, the others as commands."""
    if profile.rules.actors.get(rule.event) == CLOCK:
        deadline = complaint.deadline
        assert deadline is not None and deadline.event == rule.event, (complaint.state, deadline, rule)
        assert len(complaint.advance(profile, deadline.lapses_at)) == 1
        return
    complaint.record(profile, rule.event, complaint.last_at + timedelta(minutes=1), **facts_for(profile, rule))


def test_every_bundled_profile_is_known_by_its_file_name() -> None:
    assert set(BUNDLED) >= {"bbb", "cfpb"} and all(PROFILES[name].name == name for name in BUNDLED)


@pytest.mark.parametrize(("name", "path"), CASES)
def test_every_simple_path_of_every_bundled_profile_replays(name: str, path: tuple[Rule, ...]) -> None:
    profile = BUNDLED[name]
    complaint = Complaint.file(profile, "P-1", "Shop", kind(profile), profile.instant(FILED))
    for rule in path:
        version = complaint.version
        take(profile, complaint, rule)
        assert complaint.state == rule.dest
        assert complaint.version == version + 1
    assert profile.rules.is_final(complaint.state)
    names = [getattr(e, "event", None) or getattr(type(e), "name", "") for e in complaint.collect_events()[1:]]
    assert names == [r.recorded_as or r.event for r in path]


@pytest.mark.parametrize("name", sorted(BUNDLED))
@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 24 * 40), st.booleans()), max_size=25))
def test_random_walks_keep_every_profile_consistent(name: str, steps: list[tuple[int, int, bool]]) -> None:
    """Random commands (allowed or not) and clock moves: refused ones change nothing, time never goes back,
    every step is a row of the table, and the events rebuild the same complaint."""
    profile, rules = BUNDLED[name], BUNDLED[name].rules
    complaint = Complaint.file(profile, "P-1", "Shop", kind(profile), profile.instant(FILED))
    now = complaint.filed_at
    for choice, hours, by_clock in steps:
        now += timedelta(hours=hours)
        if by_clock:
            complaint.advance(profile, now)
            continue
        event = rules.events[choice % len(rules.events)]
        before = (complaint.version, complaint.state, complaint.deadline)
        facts: dict[str, Any] = {fact: bool(choice % 2) for fact in rules.guards(event)}
        if any(w.extend == event for w in profile.deadlines):
            facts["days"] = 1 + choice % 3
        try:
            complaint.record(profile, event, now, **facts)
        except LifecycleError:
            assert (complaint.version, complaint.state, complaint.deadline) == before  # not even the lapses
        assert complaint.state in rules.states
    events = complaint.collect_events()
    times = [getattr(e, "at", None) or complaint.filed_at for e in events]
    assert times == sorted(times)
    states = [rules.initial, *(getattr(e, "state") for e in events[1:])]  # noqa: B009 (untyped events)
    for before_state, e, after_state in zip(states[:-1], events[1:], states[1:], strict=True):
        name_ = getattr(e, "event", None) or getattr(type(e), "name", "")
        if name_ == "observed":
            continue
        assert any(
            (r.recorded_as or r.event) == name_ and r.source == before_state and r.dest == after_state
            for r in rules.rules
        ), (before_state, name_, after_state)
    rebuilt: Any = None
    for e in events:
        rebuilt = e.mutate(rebuilt)
    assert rebuilt is not None and (rebuilt.state, rebuilt.deadline, rebuilt.version) == (
        complaint.state,
        complaint.deadline,
        complaint.version,
    )

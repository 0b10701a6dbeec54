"""Model-based: random commands and clock moves against the store and a live aggregate kept beside it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule

from lifecycle import Lifecycle, LifecycleError
from lifecycle.application.commands import FOREVER
from lifecycle.domain.complaint import Complaint
from lifecycle.profiles import BBB

RULES = BBB.rules

COMMANDS = [e for e in RULES.events if RULES.actors[e] != "clock"]
START = BBB.instant("2024-01-01")


class ComplaintMachine(RuleBasedStateMachine):
    """The store and the live aggregates must agree after every step."""

    references = Bundle("references")

    @initialize()
    def start(self) -> None:
        self.app = Lifecycle("memory://")
        self.now = START
        self.live: dict[str, Complaint] = {}

    def teardown(self) -> None:
        self.app.close()

    @rule(target=references, business=st.sampled_from(["A", "B"]), kind=st.sampled_from(BBB.complaint_types))
    def file(self, business: str, kind: str) -> str:
        ref = self.app.file(business, kind, self.now)
        self.live[ref] = self.app.get(ref)
        return ref

    @rule(
        ref=references,
        event=st.sampled_from(COMMANDS),
        good_faith=st.booleans(),
        hours=st.integers(min_value=0, max_value=24 * 20),
    )
    def command(self, ref: str, event: str, good_faith: bool, hours: int) -> None:
        self.now += timedelta(hours=hours)
        facts: dict[str, Any] = {"good_faith": good_faith} if event == "reviewed" else {}
        stored_before = self.app.get(ref)
        try:
            self.app.record(ref, event, self.now, None, **facts)
        except LifecycleError:
            after = self.app.get(ref)
            assert (after.version, after.state, after.deadline) == (
                stored_before.version,
                stored_before.state,
                stored_before.deadline,
            )
            live = self.live[ref]
            try:  # the live aggregate refuses it too, and stays as it was
                live.record(BBB, event, self.now, None, **facts)
            except LifecycleError:
                pass
            else:
                raise AssertionError(f"the live aggregate accepted {event} that the application refused")
            return
        self.live[ref].record(BBB, event, self.now, None, **facts)

    @rule(days=st.integers(min_value=0, max_value=40))
    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)
        self.app.advance(self.now)
        for complaint in self.live.values():
            complaint.advance(BBB, self.now)

    @invariant()
    def reloaded_equals_live(self) -> None:
        for ref, live in self.live.items():
            stored = self.app.get(ref)
            assert (stored.version, stored.state, stored.deadline, stored.last_at) == (
                live.version,
                live.state,
                live.deadline,
                live.last_at,
            )
            assert stored.state in RULES.states

    @precondition(lambda self: bool(self.live))
    @rule()
    def everything_closes_past_every_deadline(self) -> None:
        self.app.advance(None, references=list(self.live))
        for ref, complaint in self.live.items():
            complaint.advance(BBB, FOREVER)
            assert RULES.status(self.app.state(ref)) in set(RULES.closing.values()) or (
                self.app.state(ref) == "declined"
            )
            assert self.app.pending_deadlines(ref) == []
        self.now = max(c.last_at for c in self.live.values())  # the last lapse: later steps start there


ComplaintMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestComplaintMachine = ComplaintMachine.TestCase

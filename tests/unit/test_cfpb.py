"""The cfpb profile on the Complaint aggregate: every path, every refusal, timeliness, windows, disputes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import pytest

from lifecycle.domain.complaint import Complaint
from lifecycle.domain.errors import IllegalEvent, InvalidInput
from lifecycle.domain.profile import Deadline
from lifecycle.domain.rules import CLOCK, Rule, simple_paths
from lifecycle.profiles import CFPB

RULES = CFPB.rules
CLOSINGS = [state for state in RULES.closing if state != "untimely_response"]

FILED = CFPB.instant(date(2016, 3, 1))
PATHS = simple_paths(RULES)


def new() -> Complaint:
    return Complaint.file(CFPB, "CFPB-1", "Example Bank", "Mortgage", FILED)


def take(complaint: Complaint, rule: Rule) -> None:
    if RULES.actors[rule.event] == CLOCK:
        assert complaint.deadline is not None and complaint.deadline.event == rule.event
        assert len(complaint.advance(CFPB, complaint.deadline.lapses_at)) == 1
        return
    complaint.record(CFPB, rule.event, complaint.last_at + timedelta(hours=1))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: "-".join(r.event for r in p))
def test_every_simple_path_reaches_its_state_and_records_what_the_row_marks(path: tuple[Rule, ...]) -> None:
    complaint = new()
    for rule in path:
        take(complaint, rule)
        assert complaint.state == rule.dest
    assert RULES.is_final(complaint.state)
    events = cast("list[Complaint.Step]", complaint.collect_events()[1:])  # every event after Filed is a Step
    assert [getattr(e, "event", None) or type(e).name for e in events] == [r.event for r in path]
    for event, rule in zip(events, path, strict=True):
        assert dict(getattr(event, "facts", {})) == dict(rule.marks)


def test_the_table_has_paths_to_every_closing() -> None:
    assert {p[-1].dest for p in PATHS} == {*CLOSINGS, "untimely_response", "routed"}


@pytest.mark.parametrize("state", RULES.states)
def test_every_forbidden_event_is_refused_and_records_nothing(state: str) -> None:
    complaint = new()
    if state != RULES.initial:
        path = next(p for p in PATHS if state in [r.dest for r in p])
        for rule in path[: [r.dest for r in path].index(state) + 1]:
            take(complaint, rule)
    complaint.collect_events()
    for event_name in [e for e in RULES.events if e not in RULES.allowed(state)]:
        with pytest.raises(IllegalEvent):
            complaint.record(CFPB, event_name, complaint.last_at)
        assert complaint.collect_events() == [] and complaint.state == state


def test_fifteen_calendar_days_from_sending_then_untimely_and_a_late_response_is_not_timely() -> None:
    complaint = new()
    complaint.record(CFPB, "sent", CFPB.instant(date(2016, 3, 2)))
    assert complaint.deadline is not None and complaint.deadline.due_on == date(2016, 3, 17)
    complaint.record(CFPB, "closed_with_explanation", CFPB.instant(date(2016, 3, 20)))
    events = complaint.collect_events()
    lapse, late = cast(Complaint.Step, events[-2]), cast(Complaint.Occurred, events[-1])
    assert lapse.state == "untimely_response" and lapse.at == CFPB.instant(date(2016, 3, 18))
    assert late.facts == {"timely": False} and complaint.state == "closed_with_explanation"


def test_an_interim_response_leaves_sixty_days_from_sending() -> None:
    complaint = new()
    complaint.record(CFPB, "sent", CFPB.instant(date(2016, 3, 2)))
    complaint.record(CFPB, "in_progress", CFPB.instant(date(2016, 3, 10)))
    assert complaint.deadline is not None and complaint.deadline.name == "final_response"
    assert complaint.deadline.due_on == date(2016, 3, 2) + timedelta(days=60)
    assert complaint.advance(CFPB, CFPB.instant(date(2016, 6, 1))) == ["overdue"]
    assert (complaint.state, complaint.overdue, pending(complaint)) == ("in_progress", "final_response", None)


def pending(complaint: Complaint) -> Deadline | None:
    """The complaint's pending deadline (read afresh: an earlier assert narrowed the attribute)."""
    return complaint.deadline


def test_a_missed_final_response_flags_overdue_and_changes_no_published_fact() -> None:
    complaint = new()
    complaint.record(CFPB, "sent", CFPB.instant(date(2016, 3, 2)))
    complaint.record(CFPB, "in_progress", CFPB.instant(date(2016, 3, 10)))
    complaint.advance(CFPB, CFPB.instant(date(2030, 1, 1)))
    assert complaint.advance(CFPB, CFPB.instant(date(2031, 1, 1))) == []  # an expectation lapses once
    complaint.record(CFPB, "closed_with_explanation", CFPB.instant(date(2031, 2, 1)))
    steps = cast("list[Complaint.Step]", complaint.collect_events()[1:])
    overdue = steps[2]
    assert isinstance(overdue, Complaint.Overdue) and overdue.window == "final_response"
    assert overdue.at == CFPB.calendar.after(date(2016, 3, 2) + timedelta(days=60))
    assert (
        complaint.state == "closed_with_explanation" and CFPB.rules.status(complaint.state) == "Closed with explanation"
    )
    assert all(CFPB.rules.status(state) not in BBB_STATUSES for state in CFPB.rules.states)


BBB_STATUSES = {"Resolved", "Unresolved", "Answered", "Unanswered", "Unpursuable"}


def test_routed_complaints_are_never_published() -> None:
    complaint = new()
    complaint.record(CFPB, "routed", CFPB.instant(date(2016, 3, 2)))
    assert CFPB.rules.is_final(complaint.state) and CFPB.rules.status(complaint.state) is None


def test_the_rule_decides_timeliness_and_a_contradicting_fact_is_refused() -> None:
    complaint = new()
    complaint.record(CFPB, "sent", FILED)
    with pytest.raises(InvalidInput, match="records timely: True"):
        complaint.record(CFPB, "closed", FILED, timely=False)
    assert complaint.state == "sent"


def test_disputes_are_refused_from_2017_04_24() -> None:
    complaint = Complaint.file(CFPB, "CFPB-2", "Example Bank", "Mortgage", CFPB.instant(date(2017, 4, 1)))
    complaint.record(CFPB, "sent", CFPB.instant(date(2017, 4, 1)))
    complaint.record(CFPB, "closed", CFPB.instant(date(2017, 4, 5)))
    complaint.record(CFPB, "disputed", CFPB.instant(date(2017, 4, 23)))
    with pytest.raises(IllegalEvent, match="not accepted from 2017-04-24"):
        complaint.record(CFPB, "disputed", CFPB.instant(date(2017, 4, 24)))
    assert complaint.state == "closed"


def test_any_product_is_a_type_but_not_an_empty_one() -> None:
    with pytest.raises(InvalidInput):
        Complaint.file(CFPB, "CFPB-3", "Example Bank", " ", FILED)


def snapshot(known_until: date) -> Complaint:
    """A complaint from an export known up to the end of `known_until`: sent 2016-03-02, In progress by 03-10."""
    complaint = Complaint.file(
        CFPB, "CFPB-4", "Example Bank", "Mortgage", FILED, known_until=CFPB.instant(known_until, end=True)
    )
    complaint.record(CFPB, "sent", CFPB.instant(date(2016, 3, 2)))
    complaint.record(CFPB, "in_progress", CFPB.instant(date(2016, 3, 10)))
    return complaint


def test_a_snapshot_holds_no_deadline_past_its_day_and_the_clock_records_nothing_after_it() -> None:
    complaint = snapshot(date(2016, 3, 20))
    assert complaint.known_until == CFPB.instant(date(2016, 3, 20), end=True)
    assert complaint.deadline is None  # the 60 days end 2016-05-01, after what the snapshot knows
    assert complaint.lapses(CFPB, CFPB.instant(date(2030, 1, 1))) == []
    assert complaint.advance(CFPB, CFPB.instant(date(2030, 1, 1))) == []
    live = Complaint.file(CFPB, "CFPB-5", "Example Bank", "Mortgage", FILED)
    assert live.known_until is None


def test_a_snapshot_records_the_lapses_it_knows_and_stops_at_its_day() -> None:
    complaint = Complaint.file(
        CFPB, "CFPB-6", "Example Bank", "Mortgage", FILED, known_until=CFPB.instant(date(2016, 3, 10), end=True)
    )
    complaint.record(CFPB, "sent", CFPB.instant(date(2016, 3, 1)))
    assert complaint.deadline is None  # the 15 days end 2016-03-16
    assert [p.event for p in complaint.lapses(CFPB, CFPB.instant(date(2016, 4, 1)))] == []
    known = snapshot(date(2016, 6, 1))
    assert known.deadline is not None and known.deadline.name == "final_response"
    assert [(p.event, p.at) for p in known.lapses(CFPB, CFPB.instant(date(2030, 1, 1)))] == [
        ("overdue", CFPB.instant(date(2016, 5, 2)))
    ]


def test_a_later_snapshot_is_observed_with_the_window_the_state_gives_and_only_once() -> None:
    complaint = snapshot(date(2016, 3, 20))
    entered = dict(complaint.entered)
    complaint.collect_events()
    complaint.observe(CFPB, CFPB.instant(date(2016, 3, 20), end=True))  # the same day: nothing
    complaint.observe(CFPB, CFPB.instant(date(2016, 6, 1), end=True))
    [observed] = cast("list[Complaint.Observed]", complaint.collect_events())
    assert isinstance(observed, Complaint.Observed) and observed.at == complaint.last_at == CFPB.instant(
        date(2016, 3, 10)
    )
    assert observed.deadline is not None and observed.deadline.due_on == date(2016, 5, 1)
    assert (complaint.state, complaint.entered, complaint.known_until) == (
        "in_progress",
        entered,
        CFPB.instant(date(2016, 6, 1), end=True),
    )
    assert complaint.advance(CFPB, CFPB.instant(date(2030, 1, 1))) == ["overdue"]  # the overdue it now knows
    complaint.observe(CFPB, CFPB.instant(date(2017, 1, 1), end=True))
    assert cast("list[Complaint.Step]", complaint.collect_events())[-1].deadline is None  # a flag lapses once
    assert complaint.advance(CFPB, CFPB.instant(date(2030, 1, 1))) == []
    live = new()
    live.observe(CFPB, CFPB.instant(date(2016, 6, 1)))  # a complaint the engine runs live is never a snapshot
    assert len(live.collect_events()) == 1

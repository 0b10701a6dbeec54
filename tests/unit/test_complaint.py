"""The Complaint aggregate on its own: every path, every refusal, reopening and time order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

import pytest

from lifecycle.domain.complaint import Complaint
from lifecycle.domain.errors import IllegalEvent, InvalidInput, OutOfOrder
from lifecycle.domain.rules import CLOCK, Rule, simple_paths
from lifecycle.profiles import BBB

RULES = BBB.rules

FILED = BBB.instant(date(2024, 3, 4))
PATHS = simple_paths(RULES)


class Recorded(Protocol):
    """What every event of a complaint carries, Filed included (the library types them as bare events)."""

    at: datetime
    actor: str


def recorded(complaint: Complaint) -> Sequence[Recorded]:
    """The complaint's pending events, as `collect_events()` returns them."""
    return cast("Sequence[Recorded]", complaint.collect_events())


def new() -> Complaint:
    return Complaint.file(BBB, "C-1", "Shop", "Billing Issues", FILED, consumer="J. Doe")


def take(complaint: Complaint, rule: Rule) -> None:
    """Drive one row: the clock's rows by advancing to the deadline, the others as commands."""
    deadline = complaint.deadline
    if RULES.actors[rule.event] == CLOCK:
        assert deadline is not None and deadline.event == rule.event
        assert len(complaint.advance(BBB, deadline.lapses_at)) == 1
        return
    facts: dict[str, Any] = {"good_faith": not rule.guard.startswith("not ")} if rule.guard else {}
    complaint.record(BBB, rule.event, complaint.last_at + timedelta(hours=1), "text", **facts)


def reach(state: str) -> Complaint:
    """A complaint in `state`, by the first simple path that passes it."""
    complaint = new()
    if state == RULES.initial:
        return complaint
    for path in PATHS:
        dests = [r.dest for r in path]
        if state in dests:
            for rule in path[: dests.index(state) + 1]:
                take(complaint, rule)
            assert complaint.state == state
            return complaint
    raise AssertionError(f"no path reaches {state}")


@pytest.mark.parametrize(
    "path", PATHS, ids=lambda p: "-".join(r.event + (f"[{r.guard}]" if r.guard else "") for r in p)
)
def test_every_simple_path_reaches_its_closing_state(path: tuple[Rule, ...]) -> None:
    complaint = new()
    for rule in path:
        version = complaint.version
        take(complaint, rule)
        assert complaint.state == rule.dest
        assert complaint.version == version + 1
    assert RULES.is_final(complaint.state)
    assert complaint.deadline is None
    events = complaint.collect_events()
    assert type(events[0]).__name__ == "Filed" and len(events) == len(path) + 1
    expected_names = [r.recorded_as or r.event for r in path]
    assert [getattr(e, "event", None) or getattr(type(e), "name", "") for e in events[1:]] == expected_names


@pytest.mark.parametrize("state", RULES.states)
def test_every_forbidden_event_is_refused_and_records_nothing(state: str) -> None:
    complaint = reach(state)
    complaint.collect_events()
    before = (complaint.state, complaint.version, complaint.deadline, complaint.last_at)
    forbidden = [e for e in RULES.events if e not in RULES.allowed(state)]
    assert forbidden
    for event_name in forbidden:
        with pytest.raises(IllegalEvent) as refused:
            complaint.record(BBB, event_name, complaint.last_at, good_faith=True)
        assert refused.value.state == state and refused.value.reference == "C-1"
        assert list(refused.value.allowed) == RULES.allowed(state)
        assert (complaint.state, complaint.version, complaint.deadline, complaint.last_at) == before
        assert complaint.collect_events() == []


def test_a_refusal_after_a_lapse_records_neither() -> None:
    complaint = reach("awaiting_consumer")
    complaint.collect_events()
    late = complaint.last_at + timedelta(days=40)  # the reply window lapsed: answered
    with pytest.raises(IllegalEvent, match="is answered: 'responded' is not allowed"):
        complaint.record(BBB, "responded", late)
    assert complaint.state == "awaiting_consumer" and complaint.collect_events() == []


def test_a_late_accept_moves_answered_to_resolved_after_the_lapse() -> None:
    complaint = reach("awaiting_consumer")
    complaint.collect_events()
    complaint.record(BBB, "accepted", complaint.last_at + timedelta(days=40))
    names = [getattr(e, "event", None) or getattr(type(e), "name", "") for e in complaint.collect_events()]
    assert names == ["reply_deadline_lapsed", "accepted_late"] and BBB.rules.status(complaint.state) == "Resolved"


def test_a_late_reject_reopens_the_staff_decision_and_no_finding_leaves_it_answered() -> None:
    complaint = reach("awaiting_consumer")
    complaint.record(BBB, "rejected", complaint.last_at + timedelta(days=40))
    assert complaint.state == "under_review"
    complaint.advance(BBB, complaint.last_at + timedelta(days=30))
    assert complaint.state == "answered"


def test_a_first_rejection_waits_for_the_bureau_which_may_request_a_second_response() -> None:
    complaint = reach("awaiting_consumer")
    complaint.record(BBB, "rejected", complaint.last_at + timedelta(days=1))
    assert complaint.state == "awaiting_bureau"
    complaint.record(BBB, "second_response_requested", complaint.last_at + timedelta(days=1))
    assert complaint.state == "awaiting_business_second"
    always = BBB.configure(second_response="always")
    other = reach("awaiting_consumer")
    other.record(always, "rejected", other.last_at + timedelta(days=1))
    assert other.state == "awaiting_business_second"
    with pytest.raises(InvalidInput, match="second_response must be one of"):
        BBB.configure(second_response="sometimes")


def test_a_response_on_days_29_to_33_after_filing_reopens_nothing_by_default() -> None:
    for day in range(29, 34):
        complaint = new()
        complaint.record(BBB, "responded", FILED + timedelta(days=day))
        names = [type(e).__name__ for e in complaint.collect_events()]
        assert names == ["Filed", "Forwarded", "ResponseDeadlineLapsed", "Responded"], day


def test_a_late_response_reopens_an_unanswered_complaint() -> None:
    complaint = new()
    complaint.advance(BBB, FILED + timedelta(days=40))
    assert complaint.state == "unanswered"
    complaint.record(BBB, "responded", FILED + timedelta(days=41), "Sorry we are late")
    events = recorded(complaint)
    assert [type(e).__name__ for e in events] == [
        "Filed",
        "Forwarded",
        "ResponseDeadlineLapsed",
        "SecondNoticeLapsed",
        "Reopened",
    ]
    assert isinstance(events[-1], Complaint.Responded)
    assert events[1].actor == CLOCK and events[-1].actor == "business"
    assert complaint.state == "awaiting_consumer"


def test_lapses_are_recorded_in_time_order_with_the_chained_windows() -> None:
    complaint = new()
    complaint.advance(BBB, FILED + timedelta(days=100))
    at = [(type(e).__name__, e.at.date().isoformat()) for e in recorded(complaint)]
    assert at == [
        ("Filed", "2024-03-04"),
        ("Forwarded", "2024-03-07"),  # end of Wed 6: two business days
        ("ResponseDeadlineLapsed", "2024-03-19"),  # end of day 14 after filing
        ("SecondNoticeLapsed", "2024-04-09"),  # 21 more days
    ]


def test_events_out_of_time_order_are_refused() -> None:
    complaint = reach("awaiting_consumer")
    with pytest.raises(OutOfOrder):
        complaint.record(BBB, "accepted", complaint.last_at - timedelta(seconds=1))


def test_a_review_needs_a_finding() -> None:
    complaint = reach("under_review")
    with pytest.raises(InvalidInput, match="good_faith"):
        complaint.record(BBB, "reviewed", complaint.last_at)


def test_a_complaint_type_the_profile_does_not_know_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown complaint type"):
        Complaint.file(BBB, "C-1", "Shop", "Weather", FILED)


def test_the_id_is_derived_from_the_reference() -> None:
    assert new().id == Complaint.create_id("C-1") != Complaint.create_id("C-2")


def test_every_event_carries_actor_time_and_text() -> None:
    complaint = reach("resolved")
    for e in recorded(complaint):
        assert e.actor in {"consumer", "business", "bureau", CLOCK}
        assert isinstance(e.at, datetime)
        assert hasattr(e, "text")


def test_a_configured_profile_changes_the_windows() -> None:
    short = BBB.configure(response=3, second_notice=2)
    complaint = Complaint.file(short, "C-1", "Shop", "Billing Issues", FILED)
    complaint.advance(short, FILED + timedelta(days=30))
    assert complaint.state == "unanswered"
    assert complaint.last_at.date() == date(2024, 3, 10)  # 3 days, then 2 more, each ending at midnight
    with pytest.raises(InvalidInput):
        BBB.configure(nonsense=1)

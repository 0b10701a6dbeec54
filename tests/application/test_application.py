"""The Lifecycle application on in-memory storage: the library API as an embedding developer uses it."""

from __future__ import annotations

from datetime import date

import pytest

from lifecycle import Lifecycle
from lifecycle.domain.errors import DuplicateComplaint, IllegalEvent, InvalidInput, UnknownComplaint


def test_generated_references_count_up(app: Lifecycle) -> None:
    refs = [app.file("Shop", "Billing Issues", "2024-03-04") for _ in range(3)]
    assert refs == ["C-000001", "C-000002", "C-000003"]
    assert app.file("Shop", "Billing Issues", "2024-03-04", reference="mine") == "mine"
    assert app.file("Shop", "Billing Issues", "2024-03-04") == "C-000004"


def test_a_reference_can_be_filed_once(app: Lifecycle) -> None:
    app.file("Shop", "Billing Issues", "2024-03-04", reference="r1")
    with pytest.raises(DuplicateComplaint):
        app.file("Other", "Billing Issues", "2024-03-05", reference="r1")
    assert app.get("r1").business == "Shop"


def test_an_unknown_reference_is_a_domain_error(app: Lifecycle) -> None:
    with pytest.raises(UnknownComplaint, match="'nope'"):
        app.respond("nope", "2024-03-04")
    with pytest.raises(UnknownComplaint):
        app.history("nope")


def test_an_illegal_event_names_the_complaint_state_event_and_what_is_allowed(app: Lifecycle) -> None:
    ref = app.file("Shop", "Billing Issues", "2024-03-04")
    app.respond(ref, "2024-03-05")
    with pytest.raises(IllegalEvent) as refused:
        app.review(ref, "2024-03-06", good_faith=False)
    assert str(refused.value) == (
        f"complaint {ref} is awaiting_consumer: 'reviewed' is not allowed; allowed now: accepted, rejected"
    )
    assert len(app.history(ref)) == 2


def test_a_refused_command_records_no_lapse_either(app: Lifecycle) -> None:
    ref = app.file("Shop", "Billing Issues", "2024-03-04")
    with pytest.raises(IllegalEvent):
        app.accept(ref, "2024-05-01")  # by then the complaint is Unanswered
    assert [s.event for s in app.history(ref)] == ["filed"]


def test_state_status_and_pending_deadline(app: Lifecycle) -> None:
    ref = app.file("Shop", "Billing Issues", "2024-03-04")
    app.respond(ref, "2024-03-05", "We refunded you.")
    assert app.state(ref) == "awaiting_consumer" and app.status(ref) is None
    [deadline] = app.pending_deadlines(ref)
    assert (deadline.name, deadline.due_on) == ("reply", date(2024, 3, 19))
    assert app.allowed(ref) == ["accepted", "rejected"]
    app.accept(ref, "2024-03-06")
    assert app.status(ref) == "Resolved" and app.pending_deadlines(ref) == []
    assert app.summary(ref).closed


def test_history_has_times_actors_states_and_text(app: Lifecycle) -> None:
    ref = app.file("Shop", "Billing Issues", "2024-03-04", consumer="J. Doe", text="Broken")
    app.respond(ref, "2024-03-05T10:30:00-05:00", "We refunded you.")
    app.advance("2024-04-01")
    steps = app.history(ref)
    assert [(s.event, s.actor, s.state_before, s.state_after) for s in steps] == [
        ("filed", "consumer", None, "received"),
        ("responded", "business", "received", "awaiting_consumer"),
        ("reply_deadline_lapsed", "clock", "awaiting_consumer", "answered"),
    ]
    assert steps[1].text == "We refunded you." and steps[1].at.hour == 10
    assert steps[0].facts["consumer"] == "J. Doe"
    assert all(s.recorded_at.tzinfo is not None for s in steps)
    assert [s.version for s in steps] == [1, 2, 3]


def test_advance_closes_only_what_is_due_using_the_deadline_index(app: Lifecycle) -> None:
    early = app.file("Shop", "Billing Issues", "2024-03-04")
    late = app.file("Shop", "Billing Issues", "2024-06-01")
    assert app.due("2024-03-06") == []
    assert app.due("2024-03-07") == [early]
    recorded = app.advance("2024-04-15")
    assert recorded == 3
    assert app.status(early) == "Unanswered" and app.state(late) == "received"
    assert app.due("2024-04-15") == []
    assert app.advance("2024-04-15") == 0


def test_advance_on_named_complaints_only(app: Lifecycle) -> None:
    one = app.file("Shop", "Billing Issues", "2024-03-04")
    two = app.file("Shop", "Billing Issues", "2024-03-04")
    assert app.advance("2024-04-15", references=[one]) == 3
    assert app.state(one) == "unanswered" and app.state(two) == "received"


def test_unknown_profile_and_type(app: Lifecycle) -> None:
    with pytest.raises(InvalidInput, match="unknown profile"):
        app.file("Shop", "Billing Issues", "2024-03-04", profile="nope")
    with pytest.raises(InvalidInput, match="unknown complaint type"):
        app.file("Shop", "Weather", "2024-03-04")
    with pytest.raises(InvalidInput, match="ISO 8601"):
        app.file("Shop", "Billing Issues", "2024-02-30")


def test_operators_can_run_a_configured_profile() -> None:
    from lifecycle.profiles import BBB

    app = Lifecycle("memory://", profiles={"quick": BBB.configure("quick", reply=1)}, default_profile="quick")
    ref = app.file("Shop", "Billing Issues", "2024-03-04")
    app.respond(ref, "2024-03-05")
    app.advance("2024-03-07")
    assert app.status(ref) == "Answered"


def test_the_three_published_cases_reach_their_published_statuses(app: Lifecycle) -> None:
    filed = "2023-11-18"  # a Saturday
    id_check = app.file("Published Retailer", "Product Issues", filed)
    app.respond(id_check, "2023-11-20", "ID check needed before refund")
    refund = app.file("Published Retailer", "Service or Repair Issues", filed)
    app.respond(refund, "2023-12-17", "Refund check issued")
    app.accept(refund, "2023-12-19")
    proof = app.file("Published Retailer", "Service or Repair Issues", filed)
    app.respond(proof, "2023-11-21", "Asks for identity proof")
    app.reject(proof, "2023-11-28")
    app.advance("2024-03-01")
    assert [app.status(r) for r in (id_check, refund, proof)] == ["Answered", "Resolved", "Answered"]
    assert "reopened" not in [s.event for s in app.history(refund)]  # day 29: within the second notice

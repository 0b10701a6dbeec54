"""The rule table of the bbb profile: consistent, closing everywhere, and queried through one Machine."""

from lifecycle.domain.rules import CLOCK, simple_paths
from lifecycle.profiles import BBB

RULES = BBB.rules


def test_every_row_names_known_states_and_an_actor() -> None:
    for rule in RULES.rules:
        assert rule.source in RULES.states and rule.dest in RULES.states
        assert rule.event in RULES.actors


def test_the_five_published_statuses_and_the_unpublished_declined() -> None:
    assert sorted(RULES.closing.values()) == [
        "Answered",
        "Resolved",
        "Unanswered",
        "Unpursuable",
        "Unresolved",
    ]
    assert RULES.status("declined") is None and RULES.is_final("declined")
    assert RULES.status("awaiting_consumer") is None and not RULES.is_final("awaiting_consumer")


def test_every_open_state_has_a_deadline_whose_lapse_the_table_allows() -> None:
    with_deadline = {d.state: d.lapse for d in BBB.deadlines}
    for state in RULES.states:
        if RULES.is_final(state):
            assert state not in with_deadline or state == "unanswered"
        else:
            assert RULES.rule_for(state, with_deadline[state], {}) is not None, state


def test_allowed_hides_the_clocks_events_from_callers() -> None:
    assert RULES.allowed("awaiting_consumer") == ["accepted", "rejected"]
    assert "reply_deadline_lapsed" in RULES.allowed("awaiting_consumer", by_clock=True)
    assert all(RULES.actors[e] != CLOCK for s in RULES.states for e in RULES.allowed(s))


def test_the_review_guard_chooses_the_closing_state() -> None:
    good = RULES.rule_for("under_review", "reviewed", {"good_faith": True})
    bad = RULES.rule_for("under_review", "reviewed", {"good_faith": False})
    assert good is not None and good.dest == "answered"
    assert bad is not None and bad.dest == "unresolved"
    assert RULES.rule_for("awaiting_consumer", "reviewed", {"good_faith": True}) is None


def test_a_late_response_is_recorded_as_a_reopen() -> None:
    rule = RULES.rule_for("unanswered", "responded", {})
    assert rule is not None and rule.recorded_as == "reopened" and rule.dest == "awaiting_consumer"


def test_simple_paths_end_in_final_states_and_never_revisit() -> None:
    paths = simple_paths(RULES)
    assert {rule for path in paths for rule in path} == set(RULES.rules)  # every row is on some path
    for path in paths:
        states = [RULES.initial, *(r.dest for r in path)]
        assert len(states) == len(set(states))
        assert RULES.is_final(path[-1].dest)
    reached = {path[-1].dest for path in paths}
    assert reached == set(RULES.closing) | {"declined"}


def test_one_shared_machine_without_models() -> None:
    assert RULES.machine.models == []
    assert set(RULES.machine.states) == set(RULES.states)

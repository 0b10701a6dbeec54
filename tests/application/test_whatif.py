"""What if: stored complaints re-run in memory under another profile, compared; the store is only read."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lifecycle import Lifecycle
from lifecycle.application.whatif import LATE, TIMELY, UNDETERMINED, Compared, Run, compare, rerun, whatif
from lifecycle.domain.complaint import Complaint
from lifecycle.domain.profile import Profile


def by_reference(app: Lifecycle, profile: str, as_of: str | None = None) -> dict[str, Compared]:
    return {c.reference: c for c in whatif(app, profile, as_of).complaints}


def cfpb_answered(app: Lifecycle, reference: str, answered: str, response: str = "closed_with_explanation") -> None:
    """A cfpb complaint received and sent on 2024-03-01 (day 0), answered on an exact day."""
    app.file("Example Bank", "Mortgage", "2024-03-01", reference=reference, profile="cfpb")
    app.record(reference, "sent", "2024-03-01")
    app.record(reference, response, answered)


def test_a_response_on_day_12_becomes_late_under_a_10_day_window_and_one_on_day_8_stays_timely(
    app: Lifecycle,
) -> None:
    cfpb_answered(app, "day-12", "2024-03-13")
    cfpb_answered(app, "day-8", "2024-03-09")
    cfpb_answered(app, "day-20", "2024-03-21", "closed_with_monetary_relief")
    found = by_reference(app, "cfpb:response=10")
    day12, day8, day20 = found["day-12"], found["day-8"], found["day-20"]
    assert day12.before == Run("Closed with explanation", TIMELY, 0, 0)
    assert day12.after == Run("Closed with explanation", LATE, 1, 2)  # due on day 10: two days late
    assert day12.changed and day12.after is not None and day12.after.timely is False
    assert day8.before == day8.after == Run("Closed with explanation", TIMELY, 0, 0) and not day8.changed
    assert day20.before == Run("Closed with monetary relief", LATE, 1, 5)  # day 15 was the last day
    assert day20.after == Run("Closed with monetary relief", LATE, 1, 10)
    totals = whatif(app, "cfpb:response=10").totals()
    assert totals == {
        "compared": 3,
        "changed": 2,
        "changed_outcome": 0,
        "became_late": 1,
        "became_timely": 0,
        "undetermined": 0,
        "late": 2,
        "timely": 1,
        "refused": 0,
        "skipped": 0,
    }


def test_a_longer_window_makes_a_late_response_timely(app: Lifecycle) -> None:
    cfpb_answered(app, "day-20", "2024-03-21")
    [compared] = whatif(app, "cfpb:response=30").complaints
    assert compared.before.timeliness == LATE and compared.after == Run("Closed with explanation", TIMELY, 0, 0)
    assert whatif(app, "cfpb:response=30").totals()["became_timely"] == 1


def test_a_complaint_that_never_answered_is_late_without_days(app: Lifecycle) -> None:
    app.file("Example Bank", "Mortgage", "2024-03-01", reference="silent", profile="cfpb")
    app.record("silent", "sent", "2024-03-01")
    app.advance("2024-04-30")
    [compared] = whatif(app, "cfpb:response=10").complaints
    assert compared.before == compared.after == Run("Untimely response", LATE, 1, None)


def bbb_complaint(app: Lifecycle, reference: str, *steps: tuple[str, str]) -> None:
    """A bbb complaint filed 2024-03-04 and forwarded the next day, then `steps` (event, day)."""
    app.file("Example Retail", "Product Issues", "2024-03-04", reference=reference)
    app.forward(reference, "2024-03-05")
    for event, day in steps:
        app.record(reference, event, day)


def test_a_bbb_outcome_changes_under_a_shorter_reply_window(app: Lifecycle) -> None:
    bbb_complaint(app, "quiet", ("responded", "2024-03-06"))  # the consumer's 14 days end on 2024-03-20
    before_reply = by_reference(app, "bbb:reply=7", as_of="2024-03-18")["quiet"]
    assert before_reply.before == Run(None, TIMELY, 0, 0)  # still awaiting the consumer on 2024-03-18
    assert before_reply.after == Run("Answered", TIMELY, 1, 0)  # 7 days ended on 2024-03-13
    totals = whatif(app, "bbb:reply=7", as_of="2024-03-18").totals()
    assert (totals["compared"], totals["changed_outcome"], totals["became_late"]) == (1, 1, 0)


def test_a_bbb_response_becomes_late_under_a_shorter_response_window(app: Lifecycle) -> None:
    bbb_complaint(app, "slow", ("responded", "2024-03-15"), ("accepted", "2024-03-16"))
    [compared] = whatif(app, "bbb:response=7").complaints
    assert compared.before == Run("Resolved", TIMELY, 0, 0)
    assert compared.after == Run("Resolved", LATE, 1, 4)  # due 2024-03-11, answered 2024-03-15


def test_an_event_the_new_profile_refuses_is_reported_not_raised(app: Lifecycle) -> None:
    bbb_complaint(app, "gone", ("unlocatable", "2024-03-24"))  # in the second notice, under bbb
    bbb_complaint(app, "fine", ("responded", "2024-03-06"), ("accepted", "2024-03-07"))
    found = by_reference(app, "bbb:second_notice=3")
    gone = found["gone"]
    assert gone.before.status == "Unpursuable" and gone.after is None and gone.changed
    assert gone.refused == (
        "complaint gone is unanswered: 'unlocatable' is not allowed; allowed now: responded"
    )  # the second notice lapsed on 2024-03-21
    assert not found["fine"].changed
    assert whatif(app, "bbb:second_notice=3").totals()["refused"] == 1


def test_complaints_of_another_base_profile_are_skipped(app: Lifecycle) -> None:
    cfpb_answered(app, "cfpb-1", "2024-03-05")
    bbb_complaint(app, "bbb-1", ("responded", "2024-03-06"))
    result = whatif(app, "cfpb:response=10")
    assert [c.reference for c in result.complaints] == ["cfpb-1"] and result.skipped == 1
    assert whatif(app, "bbb").totals()["skipped"] == 1


def test_the_store_is_unchanged(app: Lifecycle) -> None:
    cfpb_answered(app, "day-12", "2024-03-13")
    bbb_complaint(app, "gone", ("unlocatable", "2024-03-24"))
    bbb_complaint(app, "quiet", ("responded", "2024-03-06"))

    def log() -> list[tuple[Any, ...]]:
        notifications = app.recorder.select_notifications(0, 1000, inclusive_of_start=False)
        return [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state)) for n in notifications]

    before = log()
    for profile in ("cfpb:response=10", "bbb:second_notice=3", "bbb:reply=7"):
        whatif(app, profile, as_of="2025-01-01")
    assert log() == before and len(before) == 10
    assert app.state("quiet") == "awaiting_consumer"  # the bbb:reply=7 run closed it in memory only


def test_an_unknown_profile_is_refused(app: Lifecycle) -> None:
    with pytest.raises(ValueError, match="unknown profile 'nosuch'"):
        whatif(app, "nosuch")


# Partial times, on the aggregate: imported CFPB responses carry `by` or `after`, never an exact time.

SENT = date(2016, 3, 1)


def imported(cfpb: Profile, response: str, at_day: date, timing: str, known: date) -> list[Any]:
    """A cfpb complaint as the import records it: filed and sent on SENT (day only), then `response` at the
    end of `at_day` (`by`) or the start of it (`after`), the clock run to the end of `known`."""
    calendar = cfpb.calendar
    complaint = Complaint.file(
        cfpb,
        "CFPB-1",
        "Example Bank",
        "Mortgage",
        calendar.start_of(SENT),
        timing="day",
        known_until=calendar.end_of(known),
    )
    complaint.record(cfpb, "sent", calendar.start_of(SENT), timing="day")
    moment = calendar.end_of(at_day) if timing == "by" else calendar.start_of(at_day)
    complaint.record(cfpb, response, moment, timing=timing)
    complaint.advance(cfpb, calendar.end_of(known))
    return list(complaint.collect_events())


@pytest.fixture
def profiles(app: Lifecycle) -> tuple[Profile, Profile]:
    return app.profile("cfpb"), app.profile("cfpb:response=10")


def test_a_response_known_only_by_day_15_is_undetermined_under_10_days_never_late(
    profiles: tuple[Profile, Profile],
) -> None:
    cfpb, ten = profiles
    events = imported(cfpb, "closed_with_explanation", SENT + timedelta(days=15), "by", date(2016, 6, 1))
    compared = compare(events, cfpb, ten)
    assert compared.before == Run("Closed with explanation", TIMELY, 0, 0)
    assert compared.after == Run("Closed with explanation", UNDETERMINED, 1, None)
    assert compared.after is not None and compared.after.timely is None


def test_a_response_by_a_moment_before_the_new_lapse_stays_timely(profiles: tuple[Profile, Profile]) -> None:
    cfpb, ten = profiles
    # the export's day was day 9, so the response came by its end: before the 10 days ended
    events = imported(cfpb, "in_progress", SENT + timedelta(days=9), "by", SENT + timedelta(days=9))
    assert compare(events, cfpb, ten).after == Run(None, TIMELY, 0, 0)
    events = imported(cfpb, "closed", SENT + timedelta(days=10), "by", date(2016, 6, 1))  # by the end of day 10
    assert compare(events, cfpb, ten).after == Run("Closed", TIMELY, 0, 0)


def test_a_response_after_the_lapse_is_late_and_after_an_earlier_moment_undetermined(
    profiles: tuple[Profile, Profile],
) -> None:
    cfpb, ten = profiles
    late = imported(cfpb, "closed_with_explanation", SENT + timedelta(days=16), "after", date(2016, 6, 1))
    compared = compare(late, cfpb, ten)
    assert compared.before == Run("Closed with explanation", LATE, 1, 1)  # at least a day after day 15
    assert compared.after == Run("Closed with explanation", LATE, 1, 6)  # at least six after day 10
    twenty = app_profile_with(cfpb, 20)
    assert compare(late, cfpb, twenty).after == Run("Closed with explanation", UNDETERMINED, 0, None)


def app_profile_with(cfpb: Profile, days: int) -> Profile:
    return cfpb.configure(f"cfpb:response={days}", response=days)


def test_a_later_snapshot_is_observed_in_the_rerun(profiles: tuple[Profile, Profile]) -> None:
    cfpb, _ = profiles
    calendar = cfpb.calendar
    complaint = Complaint.file(
        cfpb,
        "CFPB-2",
        "Example Bank",
        "Mortgage",
        calendar.start_of(SENT),
        known_until=calendar.end_of(date(2016, 3, 5)),
    )
    complaint.record(cfpb, "sent", calendar.start_of(SENT), timing="day")
    complaint.record(cfpb, "in_progress", calendar.end_of(date(2016, 3, 5)), timing="by")
    complaint.observe(cfpb, calendar.end_of(date(2016, 6, 30)))
    complaint.advance(cfpb, calendar.end_of(date(2016, 6, 30)))
    events = list(complaint.collect_events())
    assert [getattr(e, "event", None) or type(e).__name__ for e in events][-2:] == ["Observed", "Overdue"]
    shorter = cfpb.configure("cfpb:final_response=30", final_response=30)
    replayed = rerun(events, shorter, calendar.end_of(date(2016, 6, 30)))
    overdue = replayed[-1]
    assert type(overdue).__name__ == "Overdue" and calendar.local_date(overdue.at) == date(2016, 4, 1)
    assert compare(events, cfpb, shorter).after == Run(None, TIMELY, 1, 0)


def test_another_version_of_a_profile_file_is_compared_like_its_configured_name(app: Lifecycle, tmp_path: Path) -> None:
    """A copy of cfpb.yaml with a 10-day response window (same name: another version of the same profile)."""
    from lifecycle.profiles import BUNDLED

    text = (BUNDLED / "cfpb.yaml").read_text(encoding="utf-8")
    changed = text.replace("{name: response, state: sent, days: 15,", "{name: response, state: sent, days: 10,")
    assert changed != text
    version = tmp_path / "cfpb-10.yaml"
    version.write_text(changed, encoding="utf-8")
    cfpb_answered(app, "day-12", "2024-03-13")
    cfpb_answered(app, "day-8", "2024-03-09")
    from_file = by_reference(app, str(version))
    assert from_file == by_reference(app, "cfpb:response=10")
    assert from_file["day-12"].after == Run("Closed with explanation", LATE, 1, 2)
    assert app.profile("cfpb").deadlines[0].days == 15  # the file was read, not made the store's cfpb

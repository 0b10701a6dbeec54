"""Days to first response as exact as the times allow, and the response-habit rule, on hand-made numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lifecycle.domain.profile import Habit
from lifecycle.profiles import PROFILES
from lifecycle.stores.stored import micros
from lifecycle.views.report.days import DAY, Elapsed
from lifecycle.views.report.habits import NOT_TYPICAL, TYPICAL, UNKNOWN, Habits, months_before

START = datetime(2024, 3, 1, 14, 0, tzinfo=UTC)


def at(days: float) -> int:
    return micros(START + timedelta(days=days)) or 0


def test_exact_days_count_the_hours_and_day_only_times_count_whole_days() -> None:
    elapsed = Elapsed()
    elapsed.add(at(0), None, at(1.5), None, UTC)
    elapsed.add(at(0), "day", at(2.9), None, UTC)  # filed on a day only: 3 days later by the calendar
    elapsed.add(at(0), None, at(0.2), "day", UTC)  # the same day
    figures = elapsed.figures()
    assert list(elapsed.known) == [1.5, 3.0, 0.0]
    assert figures["days_basis"] == {"exact": 1, "day": 2, "at_most": 0, "after": 0}
    assert figures["median_days_to_response"] == 1.5 and figures["median_days_at_most"] is None
    assert elapsed.headline() == (1.5, "day")


def test_responses_known_only_by_a_bound_give_an_upper_bound_never_a_blank() -> None:
    elapsed = Elapsed()
    for _ in range(3):
        elapsed.add(at(0), "day", at(15), "by", UTC)
    elapsed.add(at(0), "day", at(16), "after", UTC)
    figures = elapsed.figures()
    assert figures["median_days_to_response"] is None  # no response's days are known
    assert figures["median_days_at_most"] == 15.0  # the true median is at most this
    assert figures["p90_days_at_most"] is None  # it falls on the late one: no bound
    assert figures["days_basis"] == {"exact": 0, "day": 0, "at_most": 3, "after": 1}
    assert elapsed.headline() == (15.0, "at most")
    histogram = figures["response_days_histogram"]
    assert isinstance(histogram, dict) and histogram and not any(histogram.values())  # bounds are not days


def test_no_response_no_figure() -> None:
    assert Elapsed().headline() == (None, None) and Elapsed().figures()["median_days_to_response"] is None
    assert DAY == 86_400_000_000


def habit_of(timely: list[bool], days_ago: int, rule: Habit) -> dict[str, object]:
    now = datetime(2025, 6, 30, 23, 0, tzinfo=UTC)
    habits = Habits(now)
    for i, flag in enumerate(timely):
        habits.add(micros(now - timedelta(days=days_ago)) or 0, "bbb", flag, ("Acme", 0, f"C-{i}"))
    profile = PROFILES["bbb"]
    return habits.habit({"bbb": replace(profile, habit=rule)})


def test_the_habit_line_follows_the_profile_rule_at_its_threshold() -> None:
    rule = Habit(share=0.8, months=12, minimum=5)
    assert habit_of([True] * 4 + [False], 30, rule)["line"] == TYPICAL  # 80%: at the threshold
    assert habit_of([True] * 3 + [False] * 2, 30, rule)["line"] == NOT_TYPICAL
    assert habit_of([True] * 4, 30, rule)["line"] == UNKNOWN  # fewer than 5 to judge
    assert habit_of([True] * 5, 400, rule)["line"] == UNKNOWN  # older than 12 months
    assert habit_of([True] * 5, 400, Habit(0.8, 24, 5))["line"] == TYPICAL  # a longer look-back
    found = habit_of([True, True, False], 30, Habit(0.5, 12, 1))
    assert found["line"] == TYPICAL and found["judged"] == 3 and found["share"] == 2 / 3
    assert "at least 50%" in str(found["rule"]) and "12 months" in str(found["rule"])


def test_months_before_clamps_to_the_month_end() -> None:
    assert months_before(datetime(2024, 3, 31, 5, tzinfo=UTC), 1) == datetime(2024, 2, 29, 5, tzinfo=UTC)
    assert months_before(datetime(2024, 1, 15, tzinfo=UTC), 12) == datetime(2023, 1, 15, tzinfo=UTC)

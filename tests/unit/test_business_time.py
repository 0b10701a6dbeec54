"""Business hours and business days counted by hand: weekends, public holidays, closing times and clock changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lifecycle.domain.calendar import BusinessCalendar, add_months

US = BusinessCalendar("US", "America/New_York")
UK = BusinessCalendar("GB", "Europe/London", "ENG")
AU = BusinessCalendar("AU", "Australia/Sydney", "NSW")
NEW_YORK, LONDON, SYDNEY = ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")
HOUR = 3600


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in New York."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment written in UTC, to pin the offset a result carries."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- United States, America/New_York, 09:00-17:00 -------------------------------------------------------------------


def test_72_business_hours_over_a_weekend_and_thanksgiving() -> None:
    start = ny(2024, 11, 21, 10)  # Thursday 10:00 EST
    # Thu 21: 10-17 = 7 (7); Fri 22: 8 (15); Sat 23, Sun 24 closed; Mon 25: 8 (23); Tue 26: 8 (31); Wed 27: 8 (39);
    # Thu 28 Thanksgiving closed; Fri 29: 8 (47); Sat 30, Sun Dec 1 closed; Mon 2: 8 (55); Tue 3: 8 (63);
    # Wed 4: 8 (71); Thu Dec 5: 1 more hour -> 10:00 EST
    due = US.add_business_hours(start, 72)
    assert due == ny(2024, 12, 5, 10)
    assert due.tzinfo == NEW_YORK
    assert US.add_business_time(start, 72 * HOUR) == ny(2024, 12, 5, 10)
    assert US.business_time_between(start, ny(2024, 12, 5, 10)) == 72 * HOUR


def test_a_start_given_in_utc_is_counted_in_the_calendar_zone() -> None:
    # 15:00Z on Thursday 2024-11-21 is 10:00 EST: the same 72 hours as above, answered in New York time
    due = US.add_business_hours(utc(2024, 11, 21, 15), 72)
    assert due == ny(2024, 12, 5, 10)
    assert due.tzinfo == NEW_YORK


def test_a_start_on_a_saturday_counts_from_monday_opening() -> None:
    # Saturday 2024-06-08 11:00 -> counting starts Monday 2024-06-10 09:00; 3 hours -> 12:00 EDT
    assert US.add_business_hours(ny(2024, 6, 8, 11), 3) == ny(2024, 6, 10, 12)


def test_a_start_after_closing_counts_from_the_next_opening() -> None:
    # Tuesday 2024-06-11 18:30 is after 17:00 -> Wednesday 06-12 09:00 + 2 hours = 11:00
    assert US.add_business_hours(ny(2024, 6, 11, 18, 30), 2) == ny(2024, 6, 12, 11)
    # exactly at closing: nothing left that day -> Wednesday 09:00 + 1 hour = 10:00
    assert US.add_business_hours(ny(2024, 6, 11, 17), 1) == ny(2024, 6, 12, 10)


def test_a_start_before_opening_counts_from_that_mornings_opening() -> None:
    # Wednesday 2024-06-12 07:00 -> 09:00 + 1 hour = 10:00
    assert US.add_business_hours(ny(2024, 6, 12, 7), 1) == ny(2024, 6, 12, 10)


def test_a_count_ending_at_closing_time_ends_there_not_at_the_next_opening() -> None:
    # Monday 2024-06-10 15:00 + 2 hours = 17:00 the same day (not Tuesday 09:00)
    assert US.add_business_hours(ny(2024, 6, 10, 15), 2) == ny(2024, 6, 10, 17)
    # a whole day from Tuesday's opening: 09:00 + 8 hours = Tuesday 17:00
    assert US.add_business_hours(ny(2024, 6, 11, 9), 8) == ny(2024, 6, 11, 17)
    # 30 minutes from 16:30 = 17:00
    assert US.add_business_time(ny(2024, 6, 11, 16, 30), 1800) == ny(2024, 6, 11, 17)


def test_zero_business_time_returns_the_start_unchanged() -> None:
    saturday = ny(2024, 6, 8, 11)
    assert US.add_business_time(saturday, 0) is saturday


def test_business_time_across_the_end_of_daylight_saving() -> None:
    # Clocks go back at 02:00 on Sunday 2024-11-03. Fri 11-01 15:00 EDT: 2 hours to closing (2);
    # Sat 2, Sun 3 closed; Mon 11-04 09:00-17:00 EST: 8 (10) -> Monday 17:00 EST = 22:00Z (UTC-5)
    due = US.add_business_hours(ny(2024, 11, 1, 15), 10)
    assert due == ny(2024, 11, 4, 17)
    assert due.astimezone(UTC) == utc(2024, 11, 4, 22)
    assert due.utcoffset() == timedelta(hours=-5)
    # Fri 11-01 09:00 EDT .. Mon 11-04 17:00 EST: 8 + 8 = 16 hours (elapsed time is 81 hours, wall clock 80)
    assert US.business_time_between(ny(2024, 11, 1, 9), ny(2024, 11, 4, 17)) == 16 * HOUR
    # Fri closing .. Mon opening holds no working time at all
    assert US.business_time_between(ny(2024, 11, 1, 17), ny(2024, 11, 4, 9)) == 0


def test_business_time_across_the_start_of_daylight_saving() -> None:
    # Clocks go forward at 02:00 on Sunday 2024-03-10. Fri 03-08 13:00 EST: 4 hours (4); Sat 9, Sun 10 closed;
    # Mon 03-11 09:00-17:00 EDT: 8 (12) -> Monday 17:00 EDT = 21:00Z (UTC-4)
    due = US.add_business_hours(ny(2024, 3, 8, 13), 12)
    assert due == ny(2024, 3, 11, 17)
    assert due.astimezone(UTC) == utc(2024, 3, 11, 21)
    assert due.utcoffset() == timedelta(hours=-4)
    # Fri 16:00 EST: 1 hour; Mon 09:00-10:00 EDT: 1 hour -> 2 hours; and back again
    assert US.business_time_between(ny(2024, 3, 8, 16), ny(2024, 3, 11, 10)) == 2 * HOUR
    assert US.add_business_time(ny(2024, 3, 8, 16), 2 * HOUR).astimezone(UTC) == utc(2024, 3, 11, 14)


def test_business_time_between_across_a_weekend_and_a_holiday() -> None:
    start, end = ny(2024, 11, 27, 14), ny(2024, 12, 2, 11)
    # Wed 27 14:00-17:00: 3; Thu 28 Thanksgiving: 0; Fri 29: 8; Sat 30, Sun 1: 0; Mon 2 09:00-11:00: 2 -> 13 hours
    assert US.business_time_between(start, end) == 13 * HOUR
    # the inverse: 13 hours from Wednesday 14:00 land on Monday 11:00
    assert US.add_business_time(start, 13 * HOUR) == ny(2024, 12, 2, 11)


def test_business_time_between_ends_outside_working_hours_and_within_one_day() -> None:
    # Sat 2024-11-23 12:00 .. Mon 11-25 09:30: only Monday 09:00-09:30 = 1800 seconds
    assert US.business_time_between(ny(2024, 11, 23, 12), ny(2024, 11, 25, 9, 30)) == 1800
    # Tue 2024-11-26 10:15 .. 12:45 = 2 h 30 min = 9000 seconds
    assert US.business_time_between(ny(2024, 11, 26, 10, 15), ny(2024, 11, 26, 12, 45)) == 9000
    # Mon 2024-11-25 16:00 .. 20:00: only 16:00-17:00 counts
    assert US.business_time_between(ny(2024, 11, 25, 16), ny(2024, 11, 25, 20)) == HOUR
    # an end at or before the start holds nothing
    assert US.business_time_between(ny(2024, 11, 26, 12), ny(2024, 11, 26, 12)) == 0
    assert US.business_time_between(ny(2024, 11, 26, 12), ny(2024, 11, 26, 10)) == 0


def test_custom_working_hours() -> None:
    mornings = BusinessCalendar("US", "America/New_York", opens=time(8, 30), closes=time(12))
    # Fri 2024-06-07 11:00: 1 hour to 12:00; Mon 06-10 08:30 + 1 hour = 09:30
    assert mornings.add_business_hours(ny(2024, 6, 7, 11), 2) == ny(2024, 6, 10, 9, 30)
    # Fri 11:00-12:00 = 1 h; Mon 08:30-12:00 = 3.5 h -> 4.5 h = 16200 s
    assert mornings.business_time_between(ny(2024, 6, 7, 11), ny(2024, 6, 10, 13)) == 16200
    assert (US.opens, US.closes) == (time(9), time(17))


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar("US", "America/New_York", opens=time(17), closes=time(9))
    with pytest.raises(ValueError):
        US.add_business_time(ny(2024, 6, 10, 10), -1)
    with pytest.raises(ValueError):
        US.add_business_time(datetime(2024, 6, 10, 10), 60)


# --- United Kingdom, England, Europe/London ------------------------------------------------------------------------


def test_15_business_days_over_christmas_and_new_year() -> None:
    # after Fri 2024-12-20: Sat 21, Sun 22 off; Mon 23 (1), Tue 24 (2); Wed 25 Christmas, Thu 26 Boxing Day off;
    # Fri 27 (3); Sat 28, Sun 29 off; Mon 30 (4), Tue 31 (5); Wed Jan 1 New Year's Day off; Thu 2 (6), Fri 3 (7);
    # Sat 4, Sun 5 off; Mon 6 .. Fri 10 (8..12); Sat 11, Sun 12 off; Mon 13 (13), Tue 14 (14), Wed 15 (15)
    assert UK.add_business_days(date(2024, 12, 20), 15) == date(2025, 1, 15)
    assert UK.business_days_between(date(2024, 12, 20), date(2025, 1, 15)) == 15


def test_business_days_between_counts_the_days_after_the_start_up_to_the_end() -> None:
    assert UK.business_days_between(date(2024, 12, 20), date(2025, 1, 14)) == 14  # one before Wed 15
    assert UK.business_days_between(date(2024, 12, 20), date(2024, 12, 26)) == 2  # Mon 23, Tue 24
    assert UK.business_days_between(date(2024, 12, 24), date(2024, 12, 26)) == 0  # Christmas, Boxing Day
    assert UK.business_days_between(date(2024, 12, 21), date(2024, 12, 23)) == 1  # Sat -> Mon 23
    assert UK.add_business_days(date(2024, 12, 21), 1) == date(2024, 12, 23)
    assert UK.business_days_between(date(2024, 12, 23), date(2024, 12, 23)) == 0
    assert UK.business_days_between(date(2025, 1, 15), date(2024, 12, 20)) == 0


def test_skipped_days_explain_the_christmas_deadline() -> None:
    assert UK.skipped_days(date(2024, 12, 20), date(2025, 1, 15)) == [
        date(2024, 12, 21),  # Saturday
        date(2024, 12, 22),  # Sunday
        date(2024, 12, 25),  # Christmas Day
        date(2024, 12, 26),  # Boxing Day
        date(2024, 12, 28),  # Saturday
        date(2024, 12, 29),  # Sunday
        date(2025, 1, 1),  # New Year's Day
        date(2025, 1, 4),  # Saturday
        date(2025, 1, 5),  # Sunday
        date(2025, 1, 11),  # Saturday
        date(2025, 1, 12),  # Sunday
    ]  # 26 calendar days - 15 business days = 11
    assert UK.skipped_days(date(2024, 12, 20), date(2024, 12, 20)) == []
    assert UK.skipped_days(date(2025, 1, 6), date(2025, 1, 10)) == []  # Tue 7 .. Fri 10


def test_holiday_names() -> None:
    assert UK.holiday_name(date(2024, 12, 25)) == "Christmas Day"
    assert UK.holiday_name(date(2024, 12, 26)) == "Boxing Day"
    assert UK.holiday_name(date(2025, 1, 1)) == "New Year's Day"
    assert UK.holiday_name(date(2024, 12, 24)) is None  # Christmas Eve is not a bank holiday
    assert UK.holiday_name(date(2024, 12, 21)) is None  # a plain Saturday
    assert US.holiday_name(date(2024, 11, 28)) == "Thanksgiving Day"


def test_uk_business_hours_across_the_end_of_british_summer_time() -> None:
    # Clocks go back at 02:00 on Sunday 2024-10-27. Fri 10-25 16:00 BST: 1 hour; Mon 10-28 09:00 GMT + 1 hour
    # = 10:00 GMT = 10:00Z
    due = UK.add_business_hours(datetime(2024, 10, 25, 16, tzinfo=LONDON), 2)
    assert due == datetime(2024, 10, 28, 10, tzinfo=LONDON)
    assert due.astimezone(UTC) == utc(2024, 10, 28, 10)


# --- Australia, New South Wales, Australia/Sydney ------------------------------------------------------------------


def test_one_business_day_over_australia_day_observed_on_monday() -> None:
    # after Fri 2025-01-24: Sat 25, Sun 26 (Australia Day) off; Mon 27 the public holiday for it off; Tue 28 (1)
    assert AU.add_business_days(date(2025, 1, 24), 1) == date(2025, 1, 28)
    assert AU.business_days_between(date(2025, 1, 24), date(2025, 1, 28)) == 1
    assert AU.skipped_days(date(2025, 1, 24), date(2025, 1, 28)) == [
        date(2025, 1, 25),
        date(2025, 1, 26),
        date(2025, 1, 27),
    ]
    assert AU.holiday_name(date(2025, 1, 27)) == "Australia Day"


def test_au_business_hours_across_the_end_of_daylight_saving() -> None:
    # Clocks go back at 03:00 AEDT on Sunday 2025-04-06. Fri 04-04 15:00 AEDT (04:00Z): 2 hours (2);
    # Sat 5, Sun 6 closed; Mon 04-07 09:00-17:00 AEST: 8 (10) -> Monday 17:00 AEST = 07:00Z (UTC+10)
    start = datetime(2025, 4, 4, 15, tzinfo=SYDNEY)
    assert start.astimezone(UTC) == utc(2025, 4, 4, 4)
    due = AU.add_business_hours(start, 10)
    assert due == datetime(2025, 4, 7, 17, tzinfo=SYDNEY)
    assert due.astimezone(UTC) == utc(2025, 4, 7, 7)
    assert due.utcoffset() == timedelta(hours=10)
    # Fri 09:00 AEDT .. Mon 17:00 AEST: 8 + 8 = 16 hours
    assert AU.business_time_between(datetime(2025, 4, 4, 9, tzinfo=SYDNEY), due) == 16 * HOUR


def test_au_business_hours_over_easter() -> None:
    # Thu 2025-04-17 16:00: 1 hour; Good Friday 18, Easter Saturday 19, Sunday 20, Easter Monday 21 closed;
    # Tue 04-22 09:00 + 2 hours = 11:00
    assert AU.add_business_hours(datetime(2025, 4, 17, 16, tzinfo=SYDNEY), 3) == datetime(
        2025, 4, 22, 11, tzinfo=SYDNEY
    )


# --- add_months -----------------------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_of_the_month() -> None:
    assert add_months(date(2024, 3, 15), 1) == date(2024, 4, 15)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)  # over the year end
    assert add_months(date(2024, 10, 31), 2) == date(2024, 12, 31)  # December has 31 days
    assert add_months(date(2024, 5, 20), 0) == date(2024, 5, 20)
    assert add_months(date(2024, 5, 20), 36) == date(2027, 5, 20)


def test_add_months_clamps_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)  # 2025 is not a leap year
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # 2024 is a leap year
    assert add_months(date(2024, 1, 31), 3) == date(2024, 4, 30)  # April has 30 days
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)  # backwards too

"""Business days from the holidays package, and the forwarding deadline they move."""

from dataclasses import replace
from datetime import date

from lifecycle.domain.calendar import BusinessCalendar
from lifecycle.domain.complaint import Complaint
from lifecycle.profiles import BBB

US = BusinessCalendar("US", "America/New_York")


def forwarding_due(filed: date) -> date:
    complaint = Complaint.file(BBB, "x", "Shop", "Product Issues", BBB.instant(filed))
    assert complaint.deadline is not None and complaint.deadline.name == "forwarding"
    return complaint.deadline.due_on


def test_weekends_and_public_holidays_are_not_business_days() -> None:
    assert US.is_business_day(date(2023, 11, 22))
    assert not US.is_business_day(date(2023, 11, 23))  # Thanksgiving
    assert not US.is_business_day(date(2023, 11, 25))  # Saturday
    assert not US.is_business_day(date(2024, 7, 4))


def test_forwarding_on_ordinary_weekdays() -> None:
    assert forwarding_due(date(2024, 6, 3)) == date(2024, 6, 5)  # Mon -> Wed


def test_forwarding_moved_by_a_weekend() -> None:
    assert forwarding_due(date(2024, 6, 7)) == date(2024, 6, 11)  # Fri -> Tue
    assert forwarding_due(date(2023, 11, 18)) == date(2023, 11, 21)  # Sat -> Tue


def test_forwarding_moved_by_a_public_holiday() -> None:
    assert forwarding_due(date(2023, 11, 22)) == date(2023, 11, 27)  # Wed, Thanksgiving Thu -> Mon
    assert forwarding_due(date(2024, 12, 24)) == date(2024, 12, 27)  # Christmas Day skipped


def test_the_deadline_lapses_when_its_last_day_ends_in_the_profile_zone() -> None:
    complaint = Complaint.file(BBB, "x", "Shop", "Product Issues", BBB.instant(date(2024, 6, 3)))
    assert complaint.deadline is not None
    lapses = complaint.deadline.lapses_at
    assert lapses.isoformat() == "2024-06-06T00:00:00-04:00"


def test_another_country_uses_its_own_holidays() -> None:
    uk = replace(BBB, country="GB", subdivision="ENG", timezone="Europe/London")
    complaint = Complaint.file(uk, "x", "Shop", "Product Issues", uk.instant(date(2024, 8, 23)))
    assert complaint.deadline is not None
    assert complaint.deadline.due_on == date(2024, 8, 28)  # Fri; Mon 26 is the August bank holiday

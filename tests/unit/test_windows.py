"""Windows that pause, resume with the time they had left, extend within a bound and count business hours.

Every expected date is counted by hand in the comments (US calendar, America/New_York, 09:00-17:00)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lifecycle.domain.complaint import Complaint
from lifecycle.domain.derivation import derivation
from lifecycle.domain.errors import InvalidInput
from lifecycle.domain.profile import Profile
from lifecycle.profiles.files import load

HELPDESK: Profile = load(Path(__file__).parents[1] / "data" / "profiles" / "helpdesk.yaml")
NY = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    """A New York wall-clock moment."""
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def filed(kind: str, moment: str) -> Complaint:
    return Complaint.file(HELPDESK, f"H-{kind}-{moment}", "Shop", kind, at(moment))


def test_72_business_hours_skip_the_weekend_and_thanksgiving() -> None:
    # Thu 11-21 10:00-17:00 7h, Fri 8 (15), Mon 25 (23), Tue (31), Wed (39), Thu 28 Thanksgiving skipped,
    # Fri 29 (47), Mon 12-02 (55), Tue (63), Wed (71), Thu 12-05 09:00 + 1h = 10:00 (72)
    c = filed("General", "2024-11-21T10:00")
    assert c.deadline is not None and c.deadline.lapses_at == at("2024-12-05T10:00")
    assert c.deadline.due_on == date(2024, 12, 5)
    c.advance(HELPDESK, at("2024-12-05T09:59"))
    assert c.state == "open"
    c.advance(HELPDESK, at("2024-12-05T10:00"))
    assert c.state == "escalated"


def test_business_hours_across_the_end_of_daylight_saving_and_veterans_day() -> None:
    # Fri 11-01 (EDT) 8h, Mon 11-04 (EST) 16, Tue 24, Wed 32, Thu 40, Fri 48, Mon 11-11 Veterans Day skipped,
    # Tue 12 56, Wed 64, Thu 11-14 72 at 17:00 EST
    c = filed("General", "2024-11-01T09:00")
    assert c.deadline is not None and c.deadline.lapses_at == at("2024-11-14T17:00")
    assert c.deadline.lapses_at.utcoffset() == at("2024-11-14T17:00").utcoffset()  # EST, -05:00


def test_a_pause_keeps_the_business_hours_left_and_resumes_with_them() -> None:
    # filed Thu 11-21 10:00; paused Mon 11-25 12:00 after 7 + 8 + 3 = 18h: 54h left.
    # resumed Mon 12-02 16:00: Mon 1h (53 left), Tue 12-03 (45), Wed (37), Thu (29), Fri (21), Mon 12-09 (13),
    # Tue (5), Wed 12-11 09:00 + 5h = 14:00. Business hours the pause held: Mon 25 12-17 5, Tue 8, Wed 8,
    # (Thanksgiving), Fri 8, Mon 12-02 9-16 7 = 36.
    c = filed("General", "2024-11-21T10:00")
    c.record(HELPDESK, "asked_customer", at("2024-11-25T12:00"))
    assert c.state == "waiting_on_customer" and c.deadline is not None
    assert c.deadline.paused_at == at("2024-11-25T12:00")
    assert c.advance(HELPDESK, at("2024-12-20T00:00")) == []  # a paused window never lapses
    c.record(HELPDESK, "customer_replied", at("2024-12-02T16:00"))
    assert c.state == "open" and c.deadline is not None and c.deadline.paused_at is None
    assert c.deadline.lapses_at == at("2024-12-11T14:00")
    assert c.deadline.held == 36
    c.advance(HELPDESK, at("2024-12-11T14:00"))
    assert c.state == "escalated"


def test_a_pause_of_business_days_over_christmas() -> None:
    # 5 business days from Fri 12-20: Mon 23, Tue 24, (Wed 25 Christmas), Thu 26, Fri 27, Mon 12-30: due 12-30.
    # paused Tue 12-24: left = 12-26, 12-27, 12-30 = 3. resumed Thu 2025-01-02: Fri 01-03, Mon 06, Tue 01-07.
    # held: business days after 12-30 up to 01-07: 12-31, (01-01 New Year), 01-02, 01-03, 01-06, 01-07 = 5.
    c = filed("Billing", "2024-12-20T11:00")
    assert c.deadline is not None and c.deadline.due_on == date(2024, 12, 30)
    c.record(HELPDESK, "asked_customer", at("2024-12-24T10:00"))
    c.record(HELPDESK, "customer_replied", at("2025-01-02T10:00"))
    assert c.deadline is not None and c.deadline.due_on == date(2025, 1, 7)
    assert c.deadline.lapses_at == at("2025-01-08T00:00") and c.deadline.held == 5


def test_a_pause_of_calendar_days_across_the_start_of_daylight_saving() -> None:
    # 10 days from 2024-03-01: due 03-11. Paused 03-05 with 6 days left (03-11 - 03-05), resumed 03-08: due 03-14,
    # lapsing at midnight 03-15 EDT (clocks went forward 03-10): 04:00 UTC.
    c = filed("Other", "2024-03-01T09:00")
    assert c.deadline is not None and c.deadline.due_on == date(2024, 3, 11)
    c.record(HELPDESK, "asked_customer", at("2024-03-05T09:00"))
    c.record(HELPDESK, "customer_replied", at("2024-03-08T15:00"))
    assert c.deadline is not None and c.deadline.due_on == date(2024, 3, 14)
    assert c.deadline.lapses_at == datetime(2024, 3, 15, 4, 0, tzinfo=ZoneInfo("UTC"))
    assert c.deadline.held == 3


def test_a_version_of_a_window_applies_to_complaints_received_from_its_day() -> None:
    # "Other" is 10 days, 7 for complaints received from 2025-01-01
    assert filed("Other", "2024-12-31T12:00").deadline == filed("Other", "2024-12-31T12:00").deadline
    before, after = filed("Other", "2024-12-31T12:00"), filed("Other", "2025-01-01T12:00")
    assert before.deadline is not None and before.deadline.due_on == date(2025, 1, 10)
    assert after.deadline is not None and after.deadline.due_on == date(2025, 1, 8)


def test_an_extension_carries_its_hours_and_is_refused_beyond_the_bound() -> None:
    # due Thu 12-05 10:00 (first test); extended by 16 business hours: Thu 10-17 7, Fri 12-06 8 (15),
    # Mon 12-09 09:00 + 1h = 10:00
    c = filed("General", "2024-11-21T10:00")
    c.record(HELPDESK, "extended", at("2024-11-22T11:00"), days=16)
    assert c.deadline is not None and c.deadline.lapses_at == at("2024-12-09T10:00") and c.deadline.extended == 16
    events = len(c.collect_events())
    with pytest.raises(InvalidInput, match="at most 16 business hours in all \\(0 left\\), not 1"):
        c.record(HELPDESK, "extended", at("2024-11-22T12:00"), days=1)
    with pytest.raises(InvalidInput, match="needs days"):
        c.record(HELPDESK, "extended", at("2024-11-22T12:00"))
    assert events == 2 and not c.collect_events()  # refused: nothing more pending
    assert c.deadline is not None and c.deadline.extended == 16


def test_the_derivation_names_the_start_the_skipped_days_the_pause_and_the_due_day() -> None:
    c = filed("Billing", "2024-12-20T11:00")
    c.record(HELPDESK, "asked_customer", at("2024-12-24T10:00"))
    c.record(HELPDESK, "customer_replied", at("2025-01-02T10:00"))
    assert c.deadline is not None
    lines = derivation(HELPDESK, c.deadline, c.complaint_type, c.entered)
    assert lines[0] == "sla: 5 business days from 2024-12-20 (entering open), for Billing"
    assert "2024-12-25 Christmas Day" in lines[1] and "2025-01-01 New Year's Day" in lines[1]
    assert "2024-12-21 Sat" in lines[1] and "2025-01-05 Sun" in lines[1]
    assert lines[2] == "paused: 5 business days added when it resumed (the time left was kept)"
    assert lines[-1] == "due 2025-01-07, lapses 2025-01-08 00:00 EST"

"""Reports across profiles: each body's own outcomes, overdue flags, unpublished complaints, the record window."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.domain.errors import InvalidInput
from lifecycle.views.report.figures import Report, build

BBB_STATUSES = ["Resolved", "Unresolved", "Answered", "Unanswered", "Unpursuable"]
CFPB_RESPONSES = [
    "Closed with explanation",
    "Closed with monetary relief",
    "Closed with non-monetary relief",
    "Closed",
    "Closed with relief",
    "Closed without relief",
    "Untimely response",
]


def cfpb(app: Lifecycle, business: str, filed: str, *events: tuple[str, str]) -> str:
    """A cfpb complaint with its events, each (day, event)."""
    ref = app.file(business, "Mortgage", filed, profile="cfpb")
    for at, event in events:
        app.record(ref, event, at)
    return ref


def windowed(app: Lifecycle, as_of: str, window: str) -> Report:
    """The report under one definition of its window, built from the view as `Lifecycle.report` does."""
    app.projections.report.catch_up()
    return build(app.tables, app.profiles, app.moment(as_of, end=True), None, 3, window, "America/New_York")


def test_cfpb_figures_use_the_company_responses_and_never_the_bbb_statuses(app: Lifecycle) -> None:
    cfpb(app, "Example Bank", "2024-01-02", ("2024-01-02", "sent"), ("2024-01-05", "closed_with_explanation"))
    cfpb(app, "Example Bank", "2024-01-02", ("2024-01-03", "sent"))  # never responds: Untimely response
    cfpb(app, "Example Bank", "2024-01-02", ("2024-01-03", "routed"))  # another agency's: never published
    cfpb(app, "Example Bank", "2024-01-02", ("2024-01-03", "sent"), ("2024-01-04", "in_progress"))
    app.advance("2024-02-15")
    report = app.report(as_of="2024-02-15")
    [bank] = report.businesses
    assert bank.vocabularies == {"company response": CFPB_RESPONSES} == report.total.vocabularies
    counts = {"Open": 1, "Closed with explanation": 1, "Untimely response": 1}
    assert bank.by_status == {**dict.fromkeys(CFPB_RESPONSES, 0), **counts}
    assert list(bank.by_status) == ["Open", *CFPB_RESPONSES]
    assert not set(BBB_STATUSES) & {*bank.by_status, *bank.by_month["2024-01"], *bank.by_state}
    assert (bank.complaints, bank.unpublished, bank.declined) == (3, 1, 1)
    assert bank.resolution_share is None  # company responses say nothing the consumer confirmed


def test_a_report_across_profiles_says_which_vocabulary_each_outcome_belongs_to(app: Lifecycle) -> None:
    resolved = app.file("Example Retail", "Product Issues", "2024-01-08")
    app.respond(resolved, "2024-01-10")
    app.accept(resolved, "2024-01-12")
    answered = app.file("Example Retail", "Billing Issues", "2024-01-08")
    app.respond(answered, "2024-01-10")
    declined = app.file("Example Retail", "Billing Issues", "2024-01-08")
    app.decline(declined, "2024-01-09")
    cfpb(app, "Example Bank", "2024-01-02", ("2024-01-02", "sent"), ("2024-01-05", "closed_with_monetary_relief"))
    app.advance("2024-03-31")
    report = app.report(as_of="2024-03-31")
    bank, retail = report.businesses
    assert retail.vocabularies == {"status": BBB_STATUSES} and list(retail.by_status) == ["Open", *BBB_STATUSES]
    assert bank.vocabularies == {"company response": CFPB_RESPONSES}
    assert report.total.vocabularies == {"status": BBB_STATUSES, "company response": CFPB_RESPONSES}
    assert list(report.total.by_status) == ["Open", *BBB_STATUSES, *CFPB_RESPONSES]
    assert report.total.by_status["Closed with monetary relief"] == 1 and report.total.by_status["Answered"] == 1
    assert retail.resolution_share == report.total.resolution_share == 0.5  # the cfpb closing is not counted
    assert report.total.unpublished == report.total.declined == 1


def test_overdue_counts_open_complaints_flagged_by_the_moment(store: Lifecycle) -> None:
    app = store
    stays = cfpb(app, "Slow Servicer", "2018-05-01", ("2018-05-01", "sent"), ("2018-05-10", "in_progress"))
    closes = cfpb(app, "Slow Servicer", "2018-05-01", ("2018-05-01", "sent"), ("2018-05-10", "in_progress"))
    app.advance("2018-08-01")
    app.record(closes, "closed_with_explanation", "2018-08-15")
    before, flagged, after = (app.report(as_of=day).total for day in ("2018-06-29", "2018-07-15", "2018-08-31"))
    assert (before.overdue, flagged.overdue, after.overdue) == (0, 2, 1)
    assert [o["overdue"] for o in before.open] == [None, None]
    assert [o["overdue"] for o in flagged.open] == ["final_response", "final_response"]
    assert [o["reference"] for o in after.open] == [stays] and app.state(stays) == "in_progress"
    assert after.by_status["Open"] == 1 and after.by_status["Closed with explanation"] == 1


def test_the_window_counts_complaints_filed_in_it_or_closed_in_it(app: Lifecycle) -> None:
    recent = app.file("Acme Retail", "Product Issues", "2024-06-03")  # filed and closed in the window
    app.advance("2024-08-01", references=[recent])
    closed_in = app.file("Acme Retail", "Product Issues", "2021-12-01")  # filed before, closed in it
    app.advance("2022-03-01", references=[closed_in])
    app.file("Acme Retail", "Product Issues", "2021-06-01")  # filed before, still open
    old = app.file("Acme Retail", "Product Issues", "2020-01-06")  # filed and closed before it
    app.advance("2020-06-01", references=[old])
    assert app.status(closed_in) == app.status(old) == app.status(recent) == "Unanswered"
    filed, closed = windowed(app, "2024-12-31", "filed"), windowed(app, "2024-12-31", "closed")
    assert (filed.window, closed.window, filed.total.window, closed.total.window) == ("filed", "closed") * 2
    assert (filed.total.complaints, closed.total.complaints) == (1, 3)
    assert closed.total.by_status["Open"] == 1 and closed.total.by_status["Unanswered"] == 2
    assert filed.total.since == closed.total.since and filed.as_dict()["window"] == "filed"
    assert windowed(app, "2024-12-31", "filed").as_dict() == app.report(as_of="2024-12-31").as_dict()
    with pytest.raises(InvalidInput, match="window"):
        windowed(app, "2024-12-31", "opened")


def test_a_configured_profile_is_rebuilt_from_the_name_its_complaints_carry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/store.db"
    writer = Lifecycle(url)
    quick = writer.file("Acme Retail", "Product Issues", "2024-01-08", profile="bbb:response=5")
    writer.respond(quick, "2024-01-11")
    slow = writer.file("Acme Retail", "Product Issues", "2024-01-08", profile="bbb:response=5")
    writer.respond(slow, "2024-01-16")  # day 8: late under a 5-day window, in time under the default 14
    writer.close()
    reader = Lifecycle(url)  # knows only the built-in profiles
    try:
        total = reader.report(as_of="2024-01-31").total
    finally:
        reader.close()
    assert total.timely_counts == {"Yes": 1, "No": 1} and total.vocabularies == {"status": BBB_STATUSES}

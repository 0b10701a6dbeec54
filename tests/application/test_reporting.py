"""Report figures equal a deliberately simple fold over each complaint's history."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from lifecycle import InvalidInput, Lifecycle
from lifecycle.scenarios.format import find, load
from lifecycle.scenarios.replay import replay
from lifecycle.views.report.figures import Figures
from tests.generated import populate

NEW_YORK = ZoneInfo("America/New_York")
BBB_CLOSING = {
    "resolved": "Resolved",
    "unresolved": "Unresolved",
    "answered": "Answered",
    "unanswered": "Unanswered",
    "unpursuable": "Unpursuable",
}
CFPB_CLOSING = {
    "closed_with_explanation": "Closed with explanation",
    "closed_with_monetary_relief": "Closed with monetary relief",
    "closed_with_non_monetary_relief": "Closed with non-monetary relief",
    "closed": "Closed",
    "closed_with_relief": "Closed with relief",
    "closed_without_relief": "Closed without relief",
    "untimely_response": "Untimely response",
}
FCA_CLOSING = {
    "resolved_summary": "Resolved by summary resolution communication",
    "upheld": "Final response: upheld",
    "rejected": "Final response: rejected",
    "referred": "Referred to the Financial Ombudsman",
    "summary_time_barred": "Resolved by summary resolution communication",
    "upheld_time_barred": "Final response: upheld",
    "rejected_time_barred": "Final response: rejected",
}
ASIC_CLOSING = {
    "resolved": "IDR response: resolved",
    "rejected": "IDR response: rejected",
    "referred": "Referred to AFCA",
    "resolved_time_barred": "IDR response: resolved",
    "rejected_time_barred": "IDR response: rejected",
}
CLOSING = {"bbb": BBB_CLOSING, "cfpb": CFPB_CLOSING, "fca-disp": FCA_CLOSING, "asic-rg271": ASIC_CLOSING}
"""Each profile's published outcomes (a configured profile, `bbb:...`, publishes its base's)."""
LABELS = {
    "fca-disp": {
        "received": "Received (summary resolution possible)",
        "investigating": "Investigating (final response due)",
        "referrable": "No final response in time (may refer to the ombudsman)",
        "summary_time_barred": "Resolved by summary resolution communication; referral time expired",
        "upheld_time_barred": "Final response: upheld; referral time expired",
        "rejected_time_barred": "Final response: rejected; referral time expired",
    },
    "asic-rg271": {
        "received": "Received (acknowledgement due)",
        "unacknowledged": "Not acknowledged within one business day",
        "investigating": "Acknowledged (IDR response due)",
        "delayed": "IDR delay notification sent (may go to AFCA)",
        "response_overdue": "No IDR response in time (may go to AFCA)",
        "resolved_time_barred": "IDR response: resolved; AFCA time limit expired",
        "rejected_time_barred": "IDR response: rejected; AFCA time limit expired",
    },
}
"""State labels that are neither the published outcome nor the state's name in words."""
UNPUBLISHED = {"declined", "routed"}
RESPONSES = {
    "bbb": {"responded", "reopened"},
    "cfpb": {"in_progress", *CFPB_CLOSING},
    "fca-disp": {"summary_resolution", "upheld", "rejected"},
    "asic-rg271": {"resolved", "rejected"},
}
LAPSES = {
    "bbb": "response_deadline_lapsed",
    "cfpb": "response_deadline_lapsed",
    "fca-disp": "final_response_lapsed",
    "asic-rg271": "idr_response_lapsed",
}
VOCABULARY = {"bbb": "status", "cfpb": "company response", "fca-disp": "outcome", "asic-rg271": "IDR outcome"}
LONDON, SYDNEY = ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")


def window_end(base: str, kind: str, filed: datetime) -> datetime:
    """When the response window of a complaint ends, counted by hand (no extension, no pause)."""
    if base == "fca-disp":
        day = filed.astimezone(LONDON).date()
        if kind in ("Payment services", "Electronic money"):
            bank_holidays, left = holidays.country_holidays("GB", subdiv="ENG"), 15
            while left:
                day += timedelta(days=1)
                left -= day.weekday() < 5 and day not in bank_holidays
        else:
            day += timedelta(days=56)
        return datetime(day.year, day.month, day.day, tzinfo=LONDON) + timedelta(days=1)
    if base == "asic-rg271":
        day = filed.astimezone(SYDNEY).date()
        rg271 = day >= datetime(2021, 10, 5).date()
        if kind in ("Hardship", "Default notice"):
            length = 21
        elif kind in ("Superannuation", "Traditional trustee"):
            length = 45 if rg271 else 90
        else:
            length = 30 if rg271 else 45
        day += timedelta(days=length + 1)
        return datetime(day.year, day.month, day.day, tzinfo=SYDNEY)
    local_day = filed.astimezone(NEW_YORK).date() + timedelta(days=15)
    return datetime(local_day.year, local_day.month, local_day.day, tzinfo=NEW_YORK)


def fold(app: Lifecycle, refs: list[str], moment: datetime, business: str | None) -> dict[str, object]:
    """The figures, computed straight from app.history with no shared code."""
    three, one = moment.replace(year=moment.year - 3), moment.replace(year=moment.year - 1)
    total = closed_12m = unpublished = responded = confirmable = resolved = reopens = overdue = 0
    timeliness = {"Yes": 0, "No": 0}
    states: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    vocabularies: dict[str, list[str]] = {}
    days: list[float] = []
    open_refs = set()
    for ref in refs:
        steps = [s for s in app.history(ref) if s.at <= moment]
        if not steps or (business and steps[0].facts["business"].lower() != business.lower()):
            continue
        base = steps[0].facts["profile"].partition(":")[0]
        closing = CLOSING[base]
        vocabularies.setdefault(VOCABULARY[base], list(dict.fromkeys(closing.values())))
        state, last = steps[-1].state_after, steps[-1].at
        if state in UNPUBLISHED:
            unpublished += 1
            continue
        if state in closing and one < last <= moment:
            closed_12m += 1
        filed = steps[0].at
        if filed <= three:
            continue
        total += 1
        statuses[closing.get(state, "Open")] += 1
        types[steps[0].facts["complaint_type"]] += 1
        states[LABELS.get(base, {}).get(state) or closing.get(state) or state.replace("_", " ").capitalize()] += 1
        reopens += sum(s.event == "reopened" for s in steps)
        if state in closing and base == "bbb":
            confirmable += 1
            resolved += state == "resolved"
        elif state not in closing:
            open_refs.add(ref)
            overdue += any(s.event == "overdue" for s in steps)
        answers = [s for s in steps if s.event in RESPONSES[base]]
        if answers:
            responded += 1
            end = window_end(base, steps[0].facts["complaint_type"], filed)
            timely = answers[0].facts.get("timely", answers[0].at < end)
            timeliness["Yes" if timely else "No"] += 1
            days.append((answers[0].at - filed).total_seconds() / 86400)
        elif any(s.event == LAPSES[base] for s in steps):
            timeliness["No"] += 1
    days.sort()
    return {
        "complaints": total,
        "closed_12m": closed_12m,
        "unpublished": unpublished,
        "declined": unpublished,
        "overdue": overdue,
        "by_status": {k: v for k, v in statuses.items() if v},
        "vocabularies": dict(sorted(vocabularies.items(), key=lambda v: v[0] != "status")),
        "by_type": dict(types),
        "response_rate": responded / total if total else None,
        "median_days_to_response": statistics.median(days) if days else None,
        "p90_days_to_response": days[math.ceil(0.9 * len(days)) - 1] if days else None,
        "timely_share": timeliness["Yes"] / sum(timeliness.values()) if sum(timeliness.values()) else None,
        "timely_counts": timeliness,
        "by_state": dict(states),
        "resolution_share": resolved / confirmable if confirmable else None,
        "reopen_count": reopens,
        "open": open_refs,
    }


def reported(figures: Figures) -> dict[str, object]:
    d = figures.as_dict()
    d["by_status"] = {k: v for k, v in d["by_status"].items() if v}
    d["open"] = {o["reference"] for o in d["open"]}
    return {
        k: d[k]
        for k in (
            "complaints",
            "closed_12m",
            "unpublished",
            "declined",
            "overdue",
            "by_status",
            "vocabularies",
            "by_type",
            "response_rate",
            "median_days_to_response",
            "p90_days_to_response",
            "timely_share",
            "timely_counts",
            "by_state",
            "resolution_share",
            "reopen_count",
            "open",
        )
    }


def approx(d: dict[str, object]) -> dict[str, object]:
    return {k: pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for k, v in d.items()}


def check_all(app: Lifecycle, refs: list[str], dates: list[str]) -> int:
    checked = 0
    for day in dates:
        report = app.report(as_of=day)
        moment = datetime.fromisoformat(report.as_of)
        assert reported(report.total) == approx(fold(app, refs, moment, None))
        for figures in report.businesses:
            assert reported(figures) == approx(fold(app, refs, moment, figures.business)), (day, figures.business)
            checked += 1
    return checked


def test_figures_of_the_bundled_scenarios_equal_a_fold_over_history(app: Lifecycle) -> None:
    refs = []
    for path in find(["scenarios"]):
        scenario = load(path)
        replay(app, scenario, path)
        refs += [c.id for c in scenario.complaints]
    dates = [
        "2018-06-30",
        "2018-07-15",
        "2020-01-01",
        "2023-11-30",
        "2024-03-20",
        "2024-06-30",
        "2026-12-31",
        "2027-06-01",
    ]
    assert check_all(app, refs, dates) > 20


def test_figures_of_a_generated_store_equal_a_fold_over_history(app: Lifecycle) -> None:
    refs = populate(app, 400)
    report = app.report(as_of="2024-06-30")
    assert report.total.complaints > 100 and report.total.reopen_count > 0 and report.total.open
    assert 0 < (report.total.timely_share or 0) < 1
    check_all(app, refs, ["2023-03-01", "2023-10-15", "2024-06-30", "2025-02-01", "2026-05-01"])


def test_a_business_filter_and_an_unknown_business(app: Lifecycle) -> None:
    populate(app, 40)
    one = app.report(business="Cedar Bank", as_of="2025-12-31")
    assert [b.business for b in one.businesses] == ["Cedar Bank"] and one.total.complaints == one.businesses[
        0
    ].complaints
    with pytest.raises(InvalidInput, match="no business 'Nobody' in the store$"):
        app.report(business="Nobody", as_of="2025-12-31")


def test_as_of_now_by_default(app: Lifecycle) -> None:
    app.file("Acme Retail", "Billing Issues", datetime.now(UTC) - timedelta(days=1))
    report = app.report()
    assert report.total.complaints == 1 and report.total.by_status["Open"] == 1

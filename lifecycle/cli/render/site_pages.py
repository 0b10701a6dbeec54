"""A business's page of the report site: its figures in words, its charts' data and its listed complaints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...domain.profile import Profile
from ...stores.stored import moment
from ...views.report.fields import OPEN, Figures
from ...views.report.figures import Report
from ...views.report.listing import Listed
from .report import WINDOW_WORDS, change, colours, days, median, share
from .times import in_zone, local

ISSUES = 15
"""Issues shown on a page: the most frequent."""


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = map(int, first.split("-"))
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def facts(f: Figures) -> list[tuple[str, str]]:
    """A business's figures in words, as its page shows them."""
    window = WINDOW_WORDS.get(f.window, f.window)
    basis, timely = f.days_basis, f.timely_counts
    return [
        *([("also spelled", "; ".join(f.aliases))] if f.aliases else []),
        (f"complaints {window}" + (f" since {f.since[:10]}" if f.since else ""), f"{f.complaints:,}"),
        ("filed in the last 12 months / the 12 before", f"{f.last_12m:,} / {f.prior_12m:,} ({change(f.change)})"),
        ("closed, last 12 months", f"{f.closed_12m:,}"),
        *((f"outcomes ({vocabulary})", ", ".join(names)) for vocabulary, names in f.vocabularies.items()),
        ("open", f"{len(f.open):,}"),
        ("overdue (open, an expected window lapsed)", f"{f.overdue:,}"),
        ("not published (declined, routed elsewhere)", f"{f.unpublished:,}"),
        ("response rate", share(f.response_rate)),
        ("timely first responses", share(f.timely_share)),
        (
            "timely: yes / no (late or none in time)",
            f"{timely.get('Yes', 0):,} / {timely.get('No', 0):,}",
        ),
        ("no response when the window ended", share(f.unanswered_share)),
        ("relief (closings in the consumer's favour)", share(f.relief_share)),
        ("consumer-confirmed among closed (where consumers confirm)", share(f.resolution_share)),
        ("disputed by the consumer", f"{f.disputes:,}"),
        ("median days to first response", median(f)),
        (
            "median / 90th percentile of the known days",
            f"{days(f.median_days_to_response)} / {days(f.p90_days_to_response)}",
        ),
        ("at most, counting bounded responses", f"{days(f.median_days_at_most)} / {days(f.p90_days_at_most)}"),
        (
            "days known: exact / whole days / at most / after the window",
            " / ".join(f"{basis.get(k, 0):,}" for k in ("exact", "day", "at_most", "after")),
        ),
        ("re-opened by a late response", f"{f.reopen_count:,}"),
    ]


def monthly(f: Figures, report: Report) -> tuple[list[str], dict[str, list[int]]]:
    """The business's months (its first filing to the report's month, every one) and its counts by outcome."""
    last = in_zone(report.as_of, report.zone).strftime("%Y-%m")
    months = month_range(min(f.by_month, default=last), last)
    outcomes = [s for s in f.by_status if any(f.by_month.get(m, {}).get(s) for m in months)]
    return months, {s: [f.by_month.get(m, {}).get(s, 0) for m in months] for s in outcomes}


def breakdowns(f: Figures) -> list[dict[str, Any]]:
    """The bar charts: outcomes, states, types, sub-types, issues, days to first response."""
    outcome = " / ".join(f.vocabularies) or "status"
    subs = [(f"{t}: {s}", n) for t, c in f.by_sub_type.items() for s, n in c.items()]
    basis = f.days_basis
    bounded = [("by the window's end (time unknown)", basis.get("at_most", 0))]
    bounded += [("after the window (time unknown)", basis.get("after", 0))]
    note = None
    if basis.get("at_most") or basis.get("after"):
        note = (
            f"{basis.get('at_most', 0):,} responses are known only as made by the end of their window and "
            f"{basis.get('after', 0):,} only as made after it: they count as at most that many days, or more."
        )
    return [
        {"id": "by-status", "title": f"By {outcome}", "items": list(f.by_status.items()), "coloured": True},
        {"id": "by-state", "title": "By state", "items": list(f.by_state.items())},
        {"id": "by-type", "title": "By type", "items": sorted(f.by_type.items(), key=lambda i: -i[1])},
        {"id": "by-sub-type", "title": "By sub-type", "items": sorted(subs, key=lambda i: -i[1])},
        {"id": "by-issue", "title": f"By issue (top {ISSUES})", "items": list(f.by_issue.items())[:ISSUES]},
        {
            "id": "days",
            "title": "Days from filing to first response",
            "items": [*f.response_days_histogram.items(), *(b for b in bounded if b[1])],
            "note": note,
        },
    ]


def complaint(c: Listed, profile: Profile, open_entry: dict[str, Any] | None) -> dict[str, Any]:
    """One listed complaint and its redacted history (the view's steps: nothing personal)."""
    rules, zone = profile.rules, profile.timezone
    state = c.steps[-1].state if c.steps else ""
    status = "not published" if state in rules.unpublished else rules.status(state) or OPEN
    return {
        "reference": c.reference,
        "filed": in_zone(moment(c.filed_at), zone).date().isoformat(),
        "type": c.complaint_type,
        "state": rules.label(state),
        "status": status,
        "overdue": (open_entry or {}).get("overdue"),
        "due": (open_entry or {}).get("due_on"),
        "steps": [
            {
                "version": s.version,
                "at": local(moment(s.at), zone, s.timing),
                "event": s.event,
                "state": rules.label(s.state),
                "actor": s.actor,
                "by": s.by,
                "deadline": f"{s.deadline} due {s.due_on}" if s.deadline else None,
            }
            for s in c.steps
        ],
    }


def in_order(f: Figures, listed: list[Listed]) -> list[Listed]:
    """The business's listed complaints: open ones (soonest due first), then the latest filed."""
    found = {c.reference: c for c in listed}
    opened = [found.pop(o["reference"]) for o in f.open if o["reference"] in found]
    return opened + sorted(found.values(), key=lambda c: (-c.filed_at, c.reference))


def business_page(
    key: int, f: Figures, report: Report, listed: list[Listed], profile: Callable[[str], Profile], latest: int
) -> dict[str, Any]:
    """Everything a business's page shows."""
    months, counts = monthly(f, report)
    habit = f.habit or {}
    opened = {o["reference"]: o for o in f.open}
    shown = in_order(f, listed)
    return {
        "id": key,
        "business": f.business or "All businesses",
        "aliases": f.aliases,
        "habit": {
            "line": habit.get("line"),
            "rule": habit.get("rule"),
            "share": habit.get("share"),
            "judged": habit.get("judged"),
        },
        "facts": facts(f),
        "months": months,
        "monthly": counts,
        "colours": colours(f.by_status),
        "breakdowns": breakdowns(f),
        "complaints_title": (
            f"Open and overdue complaints, and the {latest} latest filed"
            if key
            else "Complaints are listed on each business's page"
        ),
        "complaints": [complaint(c, profile(c.profile), opened.get(c.reference)) for c in shown],
    }

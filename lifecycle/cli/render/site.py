"""A report as a static site: an index comparing every business, a page per business, each listed complaint's
history; data in classic scripts so it opens from file:// with no server and no network."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ...domain.profile import Profile
from ...views.report.figures import Figures, Report
from ...views.report.listing import Listed
from .report import window_text
from .site_pages import business_page, month_range
from .times import in_zone, moment_text

STATIC = Path(__file__).resolve().parents[2] / "site"
"""The page, its script and its style, copied as they are."""
STATIC_FILES = ("index.html", "app.js", "app.css")
COLUMNS = (
    ("business", "Business", "name"),
    ("complaints", "Complaints", "count"),
    ("spark", "Per month", "spark"),
    ("last_12m", "Last 12 months", "count"),
    ("change", "Change", "change"),
    ("timely_share", "Timely", "share"),
    ("relief_share", "Relief", "share"),
    ("unanswered_share", "No response", "share"),
    ("disputes", "Disputes", "count"),
    ("median_days", "Median days", "days"),
    ("open", "Open", "count"),
    ("overdue", "Overdue", "count"),
    ("habit", "Habit", "text"),
)
"""The comparison table's columns: key, heading, how the page formats it."""
NOTE = (
    "Counts use the effective times of events; no personal data is shown. Days to first response are exact "
    "where both times are known, whole days between the days (marked 'day') where only a day is, and a bound "
    "(marked ≤) where a response is known only as made by its window's end, as in CFPB exports. Relief: "
    "closings in the consumer's favour among closed complaints; no response: none when the window ended; "
    "change: complaints filed in the last 12 months against the 12 before."
)


def literal(value: Any) -> str:
    """`value` as a JavaScript literal for a classic script (JSON is one; `</` is escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def sections(report: Report) -> Iterator[tuple[int, Figures]]:
    """Each page's id and figures: the whole store (0), every business, the complaints naming no company."""
    yield 0, report.total
    yield from enumerate(report.businesses, start=1)
    if report.unattributed:
        yield len(report.businesses) + 1, report.unattributed


def row(key: int, f: Figures, months: list[str]) -> dict[str, Any]:
    """A business's line in the comparison table."""
    counts = [sum(f.by_month.get(m, {}).values()) for m in months]
    start = next((i for i, c in enumerate(counts) if c), len(counts))
    return {
        "id": key,
        "business": f.business or "All businesses",
        "aliases": f.aliases,
        "profiles": f.profiles,
        "types": list(f.by_type),
        **{k: getattr(f, k) for k in ("complaints", "last_12m", "prior_12m", "change", "closed_12m", "overdue")},
        **{k: getattr(f, k) for k in ("response_rate", "timely_share", "relief_share", "unanswered_share")},
        "disputes": f.disputes,
        "open": len(f.open),
        "median_days": f.median_days,
        "days_basis": f.median_days_basis,
        "habit": (f.habit or {}).get("line"),
        "spark": [start, *counts[start:]],
    }


def heading(report: Report) -> dict[str, Any]:
    """The index's data: what the report is, its months, its filters' choices and its rows."""
    when = in_zone(report.as_of, report.zone)
    first = min(report.total.by_month, default=when.strftime("%Y-%m"))
    months = month_range(first, when.strftime("%Y-%m"))
    return {
        "title": "Complaint report",
        "as_of_text": f"as of {moment_text(report.as_of, report.zone)}",
        "window_text": window_text(report),
        "note": NOTE,
        "months": months,
        "profiles": sorted({p for _, f in sections(report) for p in f.profiles}),
        "types": sorted(report.total.by_type),
        "columns": [{"key": k, "label": label, "kind": kind} for k, label, kind in COLUMNS],
        "rows": [row(key, f, months) for key, f in sections(report) if key],
        "total": row(0, report.total, months),
    }


def write_site(
    out: Path, report: Report, listing: dict[str, Listed], profile: Callable[[str], Profile], latest: int
) -> int:
    """Write the site into the folder `out` (made if missing; an earlier site's files replaced, its pages removed);
    returns the pages written."""
    (out / "b").mkdir(parents=True, exist_ok=True)
    for stale in (out / "b").glob("*.js"):  # an earlier site's pages: none may outlive it
        stale.unlink()
    for name in STATIC_FILES:
        shutil.copyfile(STATIC / name, out / name)
    data = f"window.LIFECYCLE = {{businesses: {{}}, report: {literal(heading(report))}}};\n"
    (out / "data.js").write_text(data, encoding="utf-8")
    by_business: dict[str, list[Listed]] = {}
    for complaint in listing.values():
        by_business.setdefault(complaint.business, []).append(complaint)
    pages = 0
    for key, f in sections(report):
        listed = [] if key == 0 else [c for name in (f.business, *f.aliases) for c in by_business.get(name or "", ())]
        page = business_page(key, f, report, listed, profile, latest)
        (out / "b" / f"{key}.js").write_text(f"LIFECYCLE.loaded({literal(page)});\n", encoding="utf-8")
        pages += 1
    return pages

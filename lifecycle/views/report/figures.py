"""Business profile figures: complaints as they stood at a moment folded into counts, shares and days."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...domain.calendar import iso_utc
from ...domain.errors import InvalidInput
from ...domain.profile import Profile
from ...stores.stored import micros
from ...stores.view_store import ViewStore
from .names import NO_COMPANY, businesses, known_spellings
from .query import AsOf, Known, as_of, business_names

OPEN = "Open"
DAY = 86_400_000_000


@dataclass
class Figures:
    """What a business profile shows, as of a moment."""

    business: str | None
    as_of: str
    since: str | None = None
    """The start of the window (`years` before `as_of`); None: every complaint filed by `as_of`."""
    window: str = "filed"
    """`filed`: complaints filed since `since`; `closed`: complaints open at `as_of` or closed since `since`."""
    aliases: list[str] = field(default_factory=list)
    """The other spellings of the business's name (case and spaces aside, they name the same business)."""
    complaints: int = 0
    closed_12m: int = 0
    unpublished: int = 0
    """Complaints in a final state never published (a bbb complaint declined, a cfpb complaint routed)."""
    declined: int = 0
    """The same count as `unpublished`, under its first name."""
    overdue: int = 0
    """Complaints open at `as_of` flagged overdue by then (an expected window, e.g. a final response, lapsed)."""
    by_status: dict[str, int] = field(default_factory=dict)
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    """What each body calls its published outcomes (`status`, `company response`) -> its `by_status` keys."""
    by_type: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    """Complaints by the state they were in, by its label (for `cfpb`: the company's response as published)."""
    timely_counts: dict[str, int] = field(default_factory=dict)
    """Yes: first response within the window; No: a late first response, or none by the window's end."""
    response_rate: float | None = None
    median_days_to_response: float | None = None
    p90_days_to_response: float | None = None
    timely_share: float | None = None
    resolution_share: float | None = None
    """Consumer-confirmed closings among the closed complaints of profiles that have them (None: no such one)."""
    reopen_count: int = 0
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    response_days_histogram: dict[str, int] = field(default_factory=dict)
    open: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


BUCKETS = (
    (0, 1, "<1"),
    (1, 2, "1-2"),
    (2, 4, "2-4"),
    (4, 7, "4-7"),
    (7, 14, "7-14"),
    (14, 30, "14-30"),
    (30, 60, "30-60"),
    (60, math.inf, "60+"),
)


def histogram(days: Sequence[float]) -> dict[str, int]:
    """Counts of days to first response in fixed buckets (lower bound included)."""
    return {label: sum(low <= d < high for d in days) for low, high, label in BUCKETS}


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted `values`."""
    if not values:
        return None
    return values[max(0, math.ceil(share * len(values)) - 1)]


class Tally:
    """Running counts of the complaints of one profile section, folded into Figures at the end."""

    def __init__(self, out: Figures) -> None:
        self.out = out
        self.profiles: dict[str, Profile] = {}
        """The profiles of the section's complaints: their outcomes are listed, counted or not."""
        self.statuses: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        self.timeliness: Counter[str] = Counter({"Yes": 0, "No": 0})
        self.months: dict[str, Counter[str]] = defaultdict(Counter)
        self.responded = self.confirmable = self.confirmed = 0
        self.days: list[float] = []

    def add(self, row: AsOf, profile: Profile, status: str | None) -> None:
        """Count one complaint in the window."""
        out, rules = self.out, profile.rules
        out.complaints += 1
        label = status or OPEN
        self.statuses[label] += 1
        self.types[row.complaint_type] += 1
        self.states[rules.label(row.state)] += 1
        filed_local = datetime.fromtimestamp(row.filed_at / 1_000_000, UTC).astimezone(profile.calendar.zone)
        self.months[filed_local.strftime("%Y-%m")][label] += 1
        out.reopen_count += row.reopens
        if status and rules.confirmed:
            self.confirmable += 1
            self.confirmed += row.state in rules.confirmed
        if row.first_response is not None:
            self.responded += 1
            on_time = row.first_timely
            if on_time is None:
                on_time = row.response_due is not None and row.first_response < row.response_due
            self.timeliness["Yes" if on_time else "No"] += 1
            if row.first_timing is None:  # an import that knew no time gives no elapsed days
                self.days.append((row.first_response - row.filed_at) / DAY)
        elif row.lapsed:
            self.timeliness["No"] += 1
        if not rules.is_final(row.state):
            out.overdue += row.overdue is not None
            out.open.append(
                {
                    "reference": row.reference,
                    "state": row.state,
                    "deadline": row.deadline,
                    "due_on": row.due_on,
                    "overdue": row.overdue,
                }
            )

    def vocabularies(self) -> dict[str, list[str]]:
        """Each vocabulary of the section's profiles (in profile name order) -> its outcomes, in table order."""
        found: dict[str, list[str]] = {}
        for name in sorted(self.profiles):
            rules = self.profiles[name].rules
            names = found.setdefault(rules.vocabulary, [])
            names += [s for s in dict.fromkeys(rules.closing.values()) if s not in names]
        return found

    def finish(self) -> Figures:
        """The figures: counts as dicts, shares, days to first response."""
        out, days, timeliness = self.out, sorted(self.days), self.timeliness
        out.vocabularies = self.vocabularies()
        keys = dict.fromkeys([OPEN, *(s for names in out.vocabularies.values() for s in names)])
        out.by_status, out.by_type = {k: self.statuses[k] for k in keys}, dict(sorted(self.types.items()))
        out.by_state, out.timely_counts = dict(sorted(self.states.items())), dict(timeliness)
        out.by_month = {m: dict(c) for m, c in sorted(self.months.items())}
        out.response_days_histogram = histogram(days)
        out.response_rate = self.responded / out.complaints if out.complaints else None
        out.median_days_to_response = statistics.median(days) if days else None
        out.p90_days_to_response = nearest_rank(days, 0.9)
        judged = timeliness["Yes"] + timeliness["No"]
        out.timely_share = timeliness["Yes"] / judged if judged else None
        out.resolution_share = self.confirmed / self.confirmable if self.confirmable else None
        out.open.sort(key=lambda o: (o["due_on"] or "", o["reference"] or ""))
        return out


WINDOWS = ("filed", "closed")
"""What the `years` window counts: complaints filed in it, or open or closed in it (36 months from closing)."""


def figures(
    rows: Iterable[AsOf],
    moment: datetime,
    profiles: Mapping[str, Profile],
    business: str | None,
    years: int | None = 3,
    window: str = "filed",
) -> Figures:
    """Fold complaints as they stood at `moment` into one profile's figures (in the last `years`, see WINDOWS)."""
    t = micros(moment) or 0
    since = None if years is None else years_before(moment, years)
    since_window, since_12m = micros(since) if since else None, micros(years_before(moment, 1)) or 0
    out = Figures(business, iso_utc(moment), iso_utc(since) if since else None, window)
    tally = Tally(out)
    for row in rows:
        profile = profiles[row.profile]
        tally.profiles.setdefault(row.profile, profile)
        if row.state in profile.rules.unpublished:
            out.unpublished += 1
            continue
        status = profile.rules.status(row.state)
        if status and since_12m < row.changed_at <= t:
            out.closed_12m += 1
        if window == "closed":
            counted = since_window is None or not status or row.changed_at > since_window
        else:
            counted = since_window is None or row.filed_at > since_window
        if counted:
            tally.add(row, profile, status)
    out.declined = out.unpublished
    return tally.finish()


@dataclass
class Report:
    """Figures per business, for complaints naming no company, and for the whole store, as of one moment."""

    as_of: str
    businesses: list[Figures]
    total: Figures
    unattributed: Figures | None = None
    """The complaints whose export named no company: in `total`, never listed as a business."""
    window: str = "filed"
    zone: str = "UTC"
    """The time zone the report's moments are shown in (the default profile's)."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: `businesses` is a list of objects."""
        return {
            "as_of": self.as_of,
            "zone": self.zone,
            "window": self.window,
            "businesses": [b.as_dict() for b in self.businesses],
            "unattributed": self.unattributed.as_dict() if self.unattributed else None,
            "total": self.total.as_dict(),
        }


def build(
    store: ViewStore,
    profiles: Mapping[str, Profile],
    moment: datetime,
    business: str | None,
    years: int | None = 3,
    window: str = "filed",
    zone: str = "UTC",
) -> Report:
    """The report for one business (its name in any case and spacing) or all, from the view.

    `years` (None: every complaint filed by `moment`) and `window` (see WINDOWS) say which complaints count."""
    if window not in WINDOWS:
        raise InvalidInput(f"a report window is one of {', '.join(WINDOWS)}, not {window!r}")
    known = Known(profiles)
    spellings = None if business is None else known_spellings(business_names(store), business)
    rows = as_of(store, known, moment, spellings)
    found, unattributed = businesses(rows)
    listed = []
    for group in found:
        listed.append(figures(group.rows, moment, known, group.name, years, window))
        listed[-1].aliases = group.aliases
    apart = figures(unattributed, moment, known, NO_COMPANY, years, window) if unattributed else None
    total = figures(rows, moment, known, None, years, window)
    return Report(total.as_of, listed, total, apart, window, zone)

"""What a business profile shows: the figures' fields, as of a moment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

OPEN = "Open"


@dataclass
class Figures:
    """What a business profile shows, as of a moment."""

    business: str | None
    as_of: str
    since: str | None = None
    """The start of the window (`years` before `as_of`); None: every complaint filed by `as_of`."""
    window: str = "filed"
    """`filed`: complaints filed since `since`; `closed`: complaints open at `as_of` or closed since `since`."""
    profiles: list[str] = field(default_factory=list)
    """The profiles the complaints follow, by name."""
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
    by_sub_type: dict[str, dict[str, int]] = field(default_factory=dict)
    """Complaints by type, then by the sub-type the filing names (CFPB: sub-product), where it names one."""
    by_issue: dict[str, int] = field(default_factory=dict)
    """Complaints by the issue the filing names, where it names one, most first."""
    response_rate: float | None = None
    median_days_to_response: float | None = None
    """Over the responses whose days are known (`days_basis` exact or day); None: none is."""
    p90_days_to_response: float | None = None
    median_days_at_most: float | None = None
    """Where some responses are known only as made by a moment: a bound on the median over every response."""
    p90_days_at_most: float | None = None
    days_basis: dict[str, int] = field(default_factory=dict)
    """How the first responses' days are known: exact, day (whole days), at_most (a bound), after (no bound)."""
    median_days: float | None = None
    """The one figure comparisons show: `median_days_at_most` where any response is only bounded, else the median."""
    median_days_basis: str | None = None
    """`exact`, `day` or `at most`."""
    timely_share: float | None = None
    resolution_share: float | None = None
    """Consumer-confirmed closings among the closed complaints of profiles that have them (None: no such one)."""
    relief_share: float | None = None
    """Closings in the consumer's favour (the profiles' `relief`) among the closed complaints of such profiles."""
    unanswered_share: float | None = None
    """Complaints with no response at all when their response window ended, among those whose window ended."""
    disputes: int = 0
    """Complaints the consumer contested by the moment (the profiles' `disputes` events)."""
    last_12m: int = 0
    """Complaints filed in the 12 months up to the moment (any window), ..."""
    prior_12m: int = 0
    """... and in the 12 months before those."""
    change: float | None = None
    """`last_12m` against `prior_12m` (0.25: a quarter more; None: none before)."""
    habit: dict[str, Any] = field(default_factory=dict)
    """Whether the business typically responds, by its profile's rule (`line`, `rule`, `share`, `judged`)."""
    reopen_count: int = 0
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    response_days_histogram: dict[str, int] = field(default_factory=dict)
    """Known days (exact or whole days) in buckets; the bounded ones are counted in `days_basis`."""
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

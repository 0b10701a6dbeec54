"""Business profile figures: complaints as they stood at a moment folded into counts, shares and days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...domain.calendar import iso_utc
from ...domain.errors import InvalidInput
from ...domain.profile import Profile
from ...stores.stored import micros
from ...stores.view_store import ViewStore
from .fields import Figures, years_before
from .habits import Habits
from .names import NO_COMPANY, businesses, known_spellings
from .query import AsOf, Known, as_of, business_names, filing_span
from .tally import Tally, on_time

__all__ = ["Figures", "Report", "build", "figures", "years_before"]


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
    """Fold complaints as they stood at `moment` into one profile's figures (in the last `years`, see WINDOWS).

    The habit line and the 12-month volumes look at every complaint filed by `moment`, whatever the window."""
    t = micros(moment) or 0
    since = None if years is None else years_before(moment, years)
    since_window, since_12m = micros(since) if since else None, micros(years_before(moment, 1)) or 0
    out = Figures(business, iso_utc(moment), iso_utc(since) if since else None, window)
    tally, habits = Tally(out), Habits(moment)
    for row in rows:
        profile = profiles[row.profile]
        tally.profiles.setdefault(row.profile, profile)
        if row.state in profile.rules.unpublished:
            out.unpublished += 1
            continue
        status, timely = profile.rules.status(row.state), on_time(row)
        habits.add(row.filed_at, row.profile, timely)
        if status and since_12m < row.changed_at <= t:
            out.closed_12m += 1
        if window == "closed":
            counted = since_window is None or not status or row.changed_at > since_window
        else:
            counted = since_window is None or row.filed_at > since_window
        if counted:
            tally.add(row, profile, status, timely)
    out.declined = out.unpublished
    out.last_12m, out.prior_12m, out.change = habits.volume()
    out.habit = habits.habit(tally.profiles)
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
    first_filed: str | None = None
    """When the store's first complaint was filed, whatever the window (None: the store holds none)."""
    last_filed: str | None = None
    """When its last one was."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: `businesses` is a list of objects."""
        return {
            "as_of": self.as_of,
            "zone": self.zone,
            "window": self.window,
            "first_filed": self.first_filed,
            "last_filed": self.last_filed,
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
    span = [iso_utc(m) for m in filing_span(store) or ()]
    return Report(total.as_of, listed, total, apart, window, zone, *span)

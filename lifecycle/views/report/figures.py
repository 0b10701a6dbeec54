"""Business profile figures: complaints as they stood at a moment folded into counts, shares and days."""

from __future__ import annotations

from collections import Counter
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
from .names import NO_COMPANY, display_name, is_unattributed, known_spellings, name_key
from .query import AsOf, Known, Reader, business_names, filing_span
from .tally import Tally, on_time

__all__ = ["Figures", "Fold", "Report", "build", "figures", "years_before"]


WINDOWS = ("filed", "closed")
"""What the `years` window counts: complaints filed in it, or open or closed in it (36 months from closing)."""


class Fold:
    """Complaints as they stood at a moment, folded one at a time into one profile's figures (in the last `years`,
    see WINDOWS). The habit line and the 12-month volumes look at every complaint filed by the moment, whatever
    the window. Rows may come in any order: where the figures list ties in the order complaints were first
    seen, they are ordered by business, filing time and reference, whatever the order of arrival."""

    def __init__(self, moment: datetime, business: str | None, years: int | None = 3, window: str = "filed") -> None:
        self.t = micros(moment) or 0
        since = None if years is None else years_before(moment, years)
        self.since_window, self.since_12m = micros(since) if since else None, micros(years_before(moment, 1)) or 0
        self.out = Figures(business, iso_utc(moment), iso_utc(since) if since else None, window)
        self.tally, self.habits, self.window = Tally(self.out), Habits(moment), window

    def add(self, row: AsOf, profile: Profile) -> None:
        """One complaint as it stood at the moment."""
        out, tally = self.out, self.tally
        rank = (row.business, row.filed_at, row.reference)
        tally.profiles.setdefault(row.profile, profile)
        if row.state in profile.rules.unpublished:
            out.unpublished += 1
            return
        status, timely = profile.rules.status(row.state), on_time(row)
        self.habits.add(row.filed_at, row.profile, timely, rank)
        if status and self.since_12m < row.changed_at <= self.t:
            out.closed_12m += 1
        since = self.since_window
        if self.window == "closed":
            counted = since is None or not status or row.changed_at > since
        else:
            counted = since is None or row.filed_at > since
        if counted:
            tally.add(row, profile, status, timely, rank)

    def finish(self) -> Figures:
        """The figures of every complaint added."""
        out = self.out
        out.declined = out.unpublished
        out.last_12m, out.prior_12m, out.change = self.habits.volume()
        out.habit = self.habits.habit(self.tally.profiles)
        return self.tally.finish()


def figures(
    rows: Iterable[AsOf],
    moment: datetime,
    profiles: Mapping[str, Profile],
    business: str | None,
    years: int | None = 3,
    window: str = "filed",
) -> Figures:
    """Fold complaints as they stood at `moment` into one profile's figures (see Fold)."""
    fold = Fold(moment, business, years, window)
    for row in rows:
        fold.add(row, profiles[row.profile])
    return fold.finish()


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
    names = business_names(store)
    spellings = names if business is None else known_spellings(names, business)
    groups: dict[str, list[str]] = {}
    unattributed = [name for name in spellings if is_unattributed(name)]
    for name in spellings:
        if not is_unattributed(name):
            groups.setdefault(name_key(name), []).append(name)
    total, listed, reader = Fold(moment, None, years, window), [], Reader(store, known, moment)
    for key in sorted(groups):
        fold, counts = _fold(reader, groups[key], total, Fold(moment, None, years, window))
        if counts:
            name = fold.out.business = display_name(counts)
            listed.append(fold.finish())
            listed[-1].aliases = sorted(s for s in counts if s != name)
    fold, counts = _fold(reader, unattributed, total, Fold(moment, NO_COMPANY, years, window))
    apart = fold.finish() if counts else None
    total_figures = total.finish()
    span = [iso_utc(m) for m in filing_span(store) or ()]
    return Report(total_figures.as_of, listed, total_figures, apart, window, zone, *span)


def _fold(reader: Reader, spellings: list[str], total: Fold, fold: Fold) -> tuple[Fold, Counter[str]]:
    """One business's complaints (all its spellings) folded into its figures and the total; how many each
    spelling names."""
    counts: Counter[str] = Counter()
    for spelling, rows in ((s, reader.rows(s)) for s in sorted(spellings)):
        if rows:
            counts[spelling] = len(rows)
        for row in rows:
            profile = reader.known[row.profile]
            fold.add(row, profile)
            total.add(row, profile)
    return fold, counts

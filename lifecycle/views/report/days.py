"""Days from filing to first response, as exact as the recorded times allow: exact, whole days, or a bound."""

from __future__ import annotations

import math
import statistics
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from ...stores.stored import moment

DAY = 86_400_000_000
"""A day in microseconds."""
AFTER = math.inf
"""The place of a response known only as made after its window: later than any bound."""

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
BASES = ("exact", "day", "at_most", "after")
"""How a response's days are known: both times exact; only a day of one (whole days between the days); only
as made by a moment (the days are at most up to it); only as made after the window (no bound)."""


def histogram(days: Sequence[float]) -> dict[str, int]:
    """Counts of days to first response in fixed buckets (lower bound included)."""
    return {label: sum(low <= d < high for d in days) for low, high, label in BUCKETS}


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted `values` (None: none, or it falls on a response with no bound)."""
    if not values:
        return None
    found = values[max(0, math.ceil(share * len(values)) - 1)]
    return None if found == AFTER else found


def _day(micros: int, zone: tzinfo) -> int:
    """The local day (ordinal) of microseconds since the epoch: integer arithmetic, no float seconds."""
    return moment(micros).astimezone(zone).date().toordinal()


@dataclass
class Elapsed:
    """The days to first response of a section's complaints, each with how it is known."""

    known: array[float] = field(default_factory=lambda: array("d"))
    """Exact days, or whole days between the days where only a day is known."""
    bounded: array[float] = field(default_factory=lambda: array("d"))
    """Every response, a bound standing for the ones known only as made by a moment, AFTER for the others."""
    basis: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(BASES, 0)))

    def add(self, filed: int, filed_timing: str | None, at: int, timing: str | None, zone: tzinfo) -> None:
        """One first response at `at` (with its timing) to a complaint filed at `filed`."""
        whole = _day(at, zone) - _day(filed, zone)
        if timing == "after":
            self.basis["after"] += 1
            self.bounded.append(AFTER)
        elif timing == "by":
            self.basis["at_most"] += 1
            self.bounded.append(float(whole))
        elif timing == "day" or filed_timing == "day":
            self.basis["day"] += 1
            self.known.append(float(whole))
            self.bounded.append(float(whole))
        else:
            self.basis["exact"] += 1
            self.known.append((at - filed) / DAY)
            self.bounded.append((at - filed) / DAY)

    def figures(self) -> dict[str, object]:
        """Median and 90th percentile of the known days and, where some are only bounded, the bounds on them."""
        known, bounded = sorted(self.known), sorted(self.bounded)
        some_bounded = self.basis["at_most"] + self.basis["after"] > 0
        median = statistics.median(known) if known else None
        at_most = nearest_rank(bounded, 0.5) if some_bounded else None
        if some_bounded:  # the one figure a comparison shows: the bound where any response is only bounded
            headline, basis = at_most, None if at_most is None else "at most"
        else:
            headline, basis = median, None if median is None else "day" if self.basis["day"] else "exact"
        return {
            "median_days_to_response": median,
            "p90_days_to_response": nearest_rank(known, 0.9),
            "median_days_at_most": at_most,
            "p90_days_at_most": nearest_rank(bounded, 0.9) if some_bounded else None,
            "median_days": headline,
            "median_days_basis": basis,
            "days_basis": dict(self.basis),
            "response_days_histogram": histogram(known),
        }

    def headline(self) -> tuple[float | None, str | None]:
        """The one figure a comparison shows (the median where all are known, else its bound) and its basis."""
        found = self.figures()
        return found["median_days"], found["median_days_basis"]  # type: ignore[return-value]

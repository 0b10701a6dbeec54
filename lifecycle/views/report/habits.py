"""Whether a business typically responds, by its profile's rule, and how its volume changed."""

from __future__ import annotations

from array import array
from collections import Counter
from datetime import datetime
from typing import Any

from ...domain.calendar import add_months
from ...domain.profile import Profile
from ...stores.stored import micros

TYPICAL, NOT_TYPICAL, UNKNOWN = "typically responds", "does not typically respond", "too few complaints to say"


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (clamped to the month's last day)."""
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


class Habits:
    """The complaints of a section filed by a moment: whether each got a first response in time, and when filed."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment
        self.judged, self.timely = array("q"), array("b")
        """(filed at, responded within the window) of the complaints whose window ended or that got a response."""
        self.filed = array("q")
        self.profiles: Counter[str] = Counter()
        self.first: dict[str, tuple[str, int, str]] = {}
        """Where each profile was first seen: of profiles followed equally often, the first seen decides."""

    def add(self, filed_at: int, profile: str, timely: bool | None, rank: tuple[str, int, str]) -> None:
        """One published complaint filed by the moment (`rank`: its place in the order of rows)."""
        self.filed.append(filed_at)
        self.profiles[profile] += 1
        first = self.first.get(profile)
        if first is None or rank < first:
            self.first[profile] = rank
        if timely is not None:
            self.judged.append(filed_at)
            self.timely.append(timely)

    def volume(self) -> tuple[int, int, float | None]:
        """Complaints filed in the 12 months up to the moment, in the 12 before, and the change between them."""
        one, two = micros(months_before(self.moment, 12)) or 0, micros(months_before(self.moment, 24)) or 0
        last = sum(f > one for f in self.filed)
        prior = sum(two < f <= one for f in self.filed)
        return last, prior, (last / prior - 1 if prior else None)

    def habit(self, profiles: dict[str, Profile]) -> dict[str, Any]:
        """The habit line by the rule of the profile most of the complaints follow (every rule is a profile's)."""
        if not self.profiles:
            return {}
        profile = profiles[min(self.profiles, key=lambda p: (-self.profiles[p], self.first[p]))]
        rule = profile.habit
        since = micros(months_before(self.moment, rule.months)) or 0
        recent = [timely for filed, timely in zip(self.judged, self.timely, strict=True) if filed > since]
        share = sum(recent) / len(recent) if recent else None
        if share is None or len(recent) < rule.minimum:
            line = UNKNOWN
        else:
            line = TYPICAL if share >= rule.share else NOT_TYPICAL
        return {
            "line": line,
            "rule": rule.text(profile.response_window),
            "profile": profile.name,
            "share": share,
            "judged": len(recent),
            "threshold": rule.share,
            "months": rule.months,
            "minimum": rule.minimum,
        }

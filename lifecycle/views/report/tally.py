"""Running counts of one section's complaints, folded into its figures."""

from __future__ import annotations

from collections import Counter, defaultdict

from ...domain.profile import Profile
from ...stores.stored import moment
from .days import Elapsed
from .fields import OPEN, Figures
from .query import AsOf

Rank = tuple[str, int, str]
"""A row's place in the order the figures list ties in: business, filing time, reference."""


def on_time(row: AsOf) -> bool | None:
    """Whether the first response came within the response window (None: no response and the window not ended)."""
    if row.first_response is not None:
        if row.first_timely is not None:
            return bool(row.first_timely)
        return row.response_due is not None and row.first_response < row.response_due
    return False if row.lapsed else None


class Tally:
    """Running counts of the complaints of one profile section, folded into Figures at the end."""

    def __init__(self, out: Figures) -> None:
        self.out = out
        self.profiles: dict[str, Profile] = {}
        """The profiles of the section's complaints: their outcomes are listed, counted or not."""
        self.statuses: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.sub_types: dict[str, Counter[str]] = defaultdict(Counter)
        self.issues: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        self.timeliness: Counter[str] = Counter({"Yes": 0, "No": 0})
        self.months: dict[str, Counter[str]] = defaultdict(Counter)
        self.responded = self.confirmable = self.confirmed = self.closed_relief = self.relieved = 0
        self.unanswered = 0
        self.elapsed = Elapsed()
        self.first: dict[tuple[str, ...], Rank] = {}
        """Where each issue, sub-type and month's status was first seen: ties in counts, and a month's statuses, are
        listed in that order, whatever the order rows come in."""

    def add(self, row: AsOf, profile: Profile, status: str | None, timely: bool | None, rank: Rank) -> None:
        """Count one complaint in the window (`timely`: see `on_time`; `rank`: its place in the order of rows)."""
        out, rules, zone = self.out, profile.rules, profile.calendar.zone
        out.complaints += 1
        label = status or OPEN
        self.statuses[label] += 1
        self.types[row.complaint_type] += 1
        if row.sub_type:
            self.sub_types[row.complaint_type][row.sub_type] += 1
            self.seen(("s", row.complaint_type, row.sub_type), rank)
        if row.issue:
            self.issues[row.issue] += 1
            self.seen(("i", row.issue), rank)
        self.states[rules.label(row.state)] += 1
        filed_local = moment(row.filed_at).astimezone(zone)
        month = filed_local.strftime("%Y-%m")
        self.months[month][label] += 1
        self.seen(("m", month, label), rank)
        out.reopen_count += row.reopens
        out.disputes += row.disputed
        if status and rules.confirmed:
            self.confirmable += 1
            self.confirmed += row.state in rules.confirmed
        if status and profile.relief:
            self.closed_relief += 1
            self.relieved += row.state in profile.relief
        if timely is not None:
            self.timeliness["Yes" if timely else "No"] += 1
        if row.first_response is not None:
            self.responded += 1
            self.elapsed.add(row.filed_at, row.filed_timing, row.first_response, row.first_timing, zone)
        elif row.lapsed:
            self.unanswered += 1
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

    def seen(self, key: tuple[str, ...], rank: Rank) -> None:
        """Keep the first place `key` was seen at."""
        first = self.first.get(key)
        if first is None or rank < first:
            self.first[key] = rank

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
        out, timeliness = self.out, self.timeliness
        out.vocabularies, out.profiles = self.vocabularies(), sorted(self.profiles)
        keys = dict.fromkeys([OPEN, *(s for names in out.vocabularies.values() for s in names)])
        out.by_status, out.by_type = {k: self.statuses[k] for k in keys}, dict(sorted(self.types.items()))
        first = self.first
        out.by_sub_type = {
            t: dict(sorted(c.items(), key=lambda kv, t=t: (-kv[1], first[("s", t, kv[0])])))  # type: ignore[misc]
            for t, c in sorted(self.sub_types.items())
        }
        out.by_issue = dict(sorted(self.issues.items(), key=lambda kv: (-kv[1], first[("i", kv[0])])))
        out.by_state, out.timely_counts = dict(sorted(self.states.items())), dict(timeliness)
        out.by_month = {
            m: dict(sorted(c.items(), key=lambda kv, m=m: first[("m", m, kv[0])]))  # type: ignore[misc]
            for m, c in sorted(self.months.items())
        }
        for key, value in self.elapsed.figures().items():
            setattr(out, key, value)
        out.response_rate = self.responded / out.complaints if out.complaints else None
        judged = timeliness["Yes"] + timeliness["No"]
        out.timely_share = timeliness["Yes"] / judged if judged else None
        out.unanswered_share = self.unanswered / judged if judged else None
        out.resolution_share = self.confirmed / self.confirmable if self.confirmable else None
        out.relief_share = self.relieved / self.closed_relief if self.closed_relief else None
        out.open.sort(key=lambda o: (o["due_on"] or "", o["reference"] or ""))
        return out

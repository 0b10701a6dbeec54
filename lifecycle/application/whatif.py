"""What if: every stored complaint re-run in memory under another profile, and what that would change.

`whatif(app, "cfpb:response=10")` resolves the profile with `app.profile` and reads the event log in
batches; nothing is saved, no view is written. `compare` (pure) re-files one complaint from its stored
events under the new profile with its filing's facts and `known_until`, records each event but the
clock's with its time, timing and facts (no personal text; `observed` through `Complaint.observe`), runs
the clock as far as the stored one ran (its last event, else `known_until`, or `as_of` for both runs),
and compares: published status, the first response's timeliness, lapses the clock recorded, days late
(from the response window's due day to the first response; 0 when timely). Refusals are reported.

Partial times: a first response is timely only when known to have come before the response window
lapsed, late only when known to have come at or after the lapse, else `undetermined`, never late. An
exact time or a day decides (windows lapse at a day's end); one `by` a moment after the lapse (imported
CFPB responses are `by` the end of the 15-day window), or `after` (or at an `unknown` time after) a
moment before it, is undetermined. No window running: timely; a lapse with no response: late (days
unknown). Days late count from the earliest moment the response can have come. Lapses are counted as
the replay records them (a response `by` a moment after the new lapse is placed after it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from eventsourcing.persistence import Mapper

from ..domain.complaint import Complaint
from ..domain.erasure import of_complaint
from ..domain.errors import LifecycleError
from ..domain.profile import Deadline, Profile
from ..domain.rules import CLOCK
from ..profiles import find
from .engine import Engine, Moment

TIMELY, LATE, UNDETERMINED = "timely", "late", "undetermined"
BATCH = 10_000
"""Notifications read from the log at a time."""
NOT_FACTS = {"originator_id", "originator_version", "timestamp", "at", "actor", "text", "state", "deadline"}
NOT_FACTS |= {"timing", "event", "facts", "known_until", "window", "by"}
"""A step's fields that are not facts a command passes on."""
FILING = ("timing", "details", "known_until")
"""The filing's facts a re-filing takes besides its reference, business, type and time."""


@dataclass(frozen=True)
class Run:
    """A complaint as one profile leaves it."""

    status: str | None
    timeliness: str | None
    """TIMELY, LATE, UNDETERMINED, or None (no response and no lapse yet, or no response window)."""
    lapses: int
    days_late: int | None
    """0 when timely; None when undetermined or unknown (a lapse with no response)."""

    @property
    def timely(self) -> bool | None:
        """The timely flag: True, False, or None when it cannot be told."""
        return {TIMELY: True, LATE: False}.get(self.timeliness or "")


@dataclass(frozen=True)
class Compared:
    """One complaint under its own profile (`before`) and the new one (`after`: None when refused)."""

    reference: str
    business: str
    profile: str
    before: Run
    after: Run | None
    refused: str | None = None

    @property
    def changed(self) -> bool:
        """True when the new profile refuses the complaint or changes any figure."""
        return self.after != self.before


@dataclass
class WhatIf:
    """Every complaint compared, in filing order, and how many were skipped (another base profile)."""

    profile: str
    as_of: datetime | None = None
    complaints: list[Compared] = field(default_factory=list)
    skipped: int = 0

    def totals(self) -> dict[str, int]:
        """The counts; undetermined, late and timely are under the new profile."""
        ran = [(c.before, c.after) for c in self.complaints if c.after is not None]
        after = [a.timeliness for _, a in ran]
        return {
            "compared": len(self.complaints),
            "changed": sum(c.changed for c in self.complaints),
            "changed_outcome": sum(a.status != b.status for b, a in ran),
            "became_late": sum(a.timeliness == LATE != b.timeliness for b, a in ran),
            "became_timely": sum(a.timeliness == TIMELY != b.timeliness for b, a in ran),
            "undetermined": after.count(UNDETERMINED),
            "late": after.count(LATE),
            "timely": after.count(TIMELY),
            "refused": len(self.complaints) - len(ran),
            "skipped": self.skipped,
        }


Memo: TypeAlias = dict[Any, Run]
"""Replays by what they depend on (see `shape`): complaints alike in all of it share one replay."""


def whatif(app: Engine, profile: str, as_of: Moment | None = None, batch_size: int = BATCH) -> WhatIf:
    """Every stored complaint of `profile`'s base profile re-run under `profile` (a name, a configured name, or a
    profile file: another version of the same profile keeps its name) in memory and compared with the store,
    which is only read. `as_of` runs both clocks to that moment (a date means its end)."""
    new = find(profile, app.profiles)  # the one place the profile is resolved: a name, or a file (not made known)
    moment = None if as_of is None else new.instant(as_of, end=True)
    return compare_all(histories(app, batch_size), new, app.profile, moment)


def compare_all(
    histories: Iterable[Sequence[Any]], new: Profile, profiles: Callable[[str], Profile], as_of: datetime | None = None
) -> WhatIf:
    """Each complaint's stored events compared under `new`; `profiles` finds the profile each ran under.
    A complaint whose base profile (the name before any `:`) is not `new`'s is skipped."""
    result, memo, collecting = WhatIf(new.name, as_of), Memo(), gc.isenabled()
    gc.disable()  # many short-lived objects and no cycles: the collector's passes only cost time
    try:
        for events in histories:
            stored = str(events[0].profile)
            if stored.partition(":")[0] != new.name.partition(":")[0]:
                result.skipped += 1
                continue
            result.complaints.append(compare(events, profiles(stored), new, as_of, memo))
    finally:
        if collecting:
            gc.enable()
    return result


def compare(
    events: Sequence[Any], base: Profile, new: Profile, as_of: datetime | None = None, memo: Memo | None = None
) -> Compared:
    """One complaint's stored events (`base`: the profile it ran under) compared with a re-run under `new`."""
    filed = events[0]
    until = as_of or known_until(events) or events[-1].at
    before = run_of(list(events) if as_of is None else advanced(events, base, as_of), base)
    key = None if memo is None else shape(events, new, until)
    after = None if key is None or memo is None else memo.get(key)
    refused = None
    if after is None:
        try:
            after = run_of(rerun(events, new, until), new)
        except LifecycleError as error:
            refused = str(error)  # it names the complaint: never shared
        if memo is not None and key is not None and after is not None:
            memo[key] = after
    return Compared(filed.reference, filed.business, filed.profile, before, after, refused)


def shape(events: Sequence[Any], profile: Profile, until: datetime) -> tuple[Any, ...] | None:
    """What a replay depends on (the profile, the filing, each step but the clock's, how far the clock runs);
    None when a fact cannot be a key."""
    filed = events[0]
    steps = tuple(
        (event_name(e), e.at, getattr(e, "timing", None), getattr(e, "known_until", None), *facts_of(e).items())
        for e in events[1:]
        if e.actor != CLOCK
    )
    filing = (getattr(filed, "timing", None), getattr(filed, "known_until", None))  # details change nothing
    key = (profile.name, filed.complaint_type, filed.at, filing, until, steps)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def advanced(events: Sequence[Any], profile: Profile, to: datetime) -> list[Any]:
    """The stored events and what the clock records on them, in memory, up to `to`."""
    complaint: Any = None
    for e in events:
        complaint = e.mutate(complaint)
    complaint.advance(profile, to)
    return [*events, *complaint.collect_events()]


def rerun(events: Sequence[Any], profile: Profile, until: datetime) -> list[Any]:
    """The complaint re-filed, its events but the clock's re-recorded under `profile` and the clock run to
    `until`: the new events, never saved. Raises the domain's error when the profile refuses one."""
    filed = events[0]
    filing: dict[str, Any] = {name: getattr(filed, name, None) for name in FILING}  # no personal text
    complaint = Complaint.file(profile, filed.reference, filed.business, filed.complaint_type, filed.at, **filing)
    commands = {rule.recorded_as: rule.event for rule in profile.rules.rules if rule.recorded_as}
    marked = {fact for rule in profile.rules.rules for fact, _ in rule.marks}
    for e in events[1:]:
        name = event_name(e)
        if e.actor == CLOCK:
            continue
        if name == "observed":
            complaint.observe(profile, e.known_until)
            continue
        facts = {k: v for k, v in facts_of(e).items() if k not in marked}  # the new table marks its own
        complaint.record(profile, commands.get(name, name), e.at, timing=getattr(e, "timing", None), **facts)
    complaint.advance(profile, until)
    return list(complaint.collect_events())


def event_name(e: Any) -> str:
    """The name of a stored event (`filed` for the filing)."""
    return str(vars(e).get("event") or getattr(type(e), "name", "") or "filed")


def facts_of(e: Any) -> dict[str, Any]:
    """The facts a step carries (a generic event's `facts`, or its own fields such as `good_faith`)."""
    state = vars(e)
    return {**{k: v for k, v in state.items() if k not in NOT_FACTS}, **(state.get("facts") or {})}


def known_until(events: Sequence[Any]) -> datetime | None:
    """How far a snapshot knows the complaint's history (the latest `known_until`), or None."""
    return next((e.known_until for e in reversed(events) if getattr(e, "known_until", None)), None)


def run_of(events: Sequence[Any], profile: Profile) -> Run:
    """What `events` (recorded under `profile`) leave: status, timeliness, lapses, days late."""
    timeliness, days = judged(events, profile, known_until(events))
    return Run(profile.rules.status(events[-1].state), timeliness, sum(e.actor == CLOCK for e in events), days)


def judged(events: Sequence[Any], profile: Profile, known: datetime | None) -> tuple[str | None, int | None]:
    """The first response's timeliness and days late, by the response window running before it."""
    window: Deadline | None = None
    lapsed = False
    previous = events[0].at  # the last event known to have come before (the clock's are not known, but placed)
    for e in events[1:]:
        name = event_name(e)
        if name in profile.responses:
            return verdict(profile, window, *bounds(profile, e, previous, known))
        lapsed = lapsed or (e.actor == CLOCK and window is not None and name == window.event)
        if e.deadline is not None and e.deadline.name == profile.response_window:
            window = e.deadline
        previous = previous if e.actor == CLOCK else e.at
    return (LATE, None) if lapsed else (None, None)


def bounds(profile: Profile, e: Any, previous: datetime, known: datetime | None) -> tuple[datetime, datetime | None]:
    """The earliest and latest moment (None: no bound) the event can have happened, by its timing."""
    timing = getattr(e, "timing", None)
    if timing is None:
        return e.at, e.at
    if timing == "day":
        return e.at, profile.calendar.end_of(profile.calendar.local_date(e.at))
    if timing == "by":
        return previous, e.at
    return (e.at if timing == "after" else previous), known  # after `at`, or unknown: after the one before


def verdict(
    profile: Profile, window: Deadline | None, earliest: datetime, latest: datetime | None
) -> tuple[str, int | None]:
    """Timely when the response can only have come before the window lapsed, late when only at or after it."""
    if window is None or window.paused_at is not None:
        return TIMELY, 0  # no window running that could lapse before the response
    if earliest >= window.lapses_at:
        return LATE, max((profile.calendar.local_date(earliest) - window.due_on).days, 0)
    if latest is not None and latest < window.lapses_at:
        return TIMELY, 0
    return UNDETERMINED, None


def histories(app: Engine, batch_size: int = BATCH) -> Iterator[list[Any]]:
    """Every complaint's stored events, in filing order, read from the notification log in batches.

    A first pass finds each complaint's last version (decoding nothing), so a complaint is handed on as soon
    as its last event is read and only those still being read are held. Personal text stays sealed."""
    (last, upto), position = last_versions(app, batch_size), 0  # erasure certificates are skipped: no complaints
    mapper: Mapper[Any] = Mapper(app.mapper.transcoder, app.mapper.compressor, app.mapper.cipher)
    reading: dict[Any, list[Any]] = {}
    while position < upto:
        batch = app.recorder.select_notifications(position, batch_size, stop=upto, inclusive_of_start=False)
        if not batch:
            break
        for notification in (n for n in batch if of_complaint(n.topic)):
            complaint = notification.originator_id
            reading.setdefault(complaint, []).append(mapper.to_domain_event(notification))
            if notification.originator_version == last[complaint]:
                yield reading.pop(complaint)
        position = batch[-1].id


def last_versions(app: Engine, batch_size: int = BATCH) -> tuple[dict[Any, int], int]:
    """Each complaint's last version in the log, and the id of the log's last notification."""
    last, position = {}, 0
    while batch := app.recorder.select_notifications(position, batch_size, inclusive_of_start=False):
        for notification in (n for n in batch if of_complaint(n.topic)):
            last[notification.originator_id] = notification.originator_version
        position = batch[-1].id
    return last, position

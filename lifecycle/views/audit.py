"""Audit queries across complaints, served by the indexes of the report view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import InvalidInput
from ..domain.profile import Profile
from ..stores.stored import micros, moment
from ..stores.view_store import ViewStore
from .report.names import of_business


@dataclass(frozen=True)
class AuditEntry:
    """One recorded event, with its complaint."""

    reference: str
    business: str
    complaint_type: str
    version: int
    at: datetime
    event: str
    actor: str
    state_after: str
    profile: str
    timing: str | None = None
    by: str | None = None


def labels(profile: Profile) -> dict[str, str]:
    """Each state's status: published, an unpublished state's label ('Declined', 'Routed'), or 'Open'."""
    rules = profile.rules
    return {
        state: rules.status(state) or (rules.label(state) if state in rules.unpublished else "Open")
        for state in rules.states
    }


def states_with_status(profiles: Mapping[str, Profile], status: str) -> set[str]:
    """The states that carry `status` in any profile, case aside."""
    return {
        state
        for profile in profiles.values()
        for state, label in labels(profile).items()
        if label.lower() == status.lower()
    }


def audit(
    store: ViewStore,
    profiles: Mapping[str, Profile],
    *,
    business: str | None = None,
    complaint_type: str | None = None,
    event: str | None = None,
    actor: str | None = None,
    by: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    overdue: bool = False,
    limit: int = 100,
) -> list[AuditEntry]:
    """Events matching every given filter, newest first (effective time), at most `limit`.

    `overdue`: only complaints that are overdue now (an expected window lapsed, and they are still open)."""
    where: list[str] = []
    params: list[Any] = []
    if business is not None:  # every spelling of the name, case and spaces aside
        condition, spellings = of_business(store, business)
        where.append(condition)
        params.extend(spellings)
    for condition, value in (
        ("c.complaint_type = ?", complaint_type),
        ("s.event = ?", event),
        ("s.actor = ?", actor),
        ("s.at >= ?", None if since is None else micros(since)),
        ("s.at <= ?", None if until is None else micros(until)),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    if by is not None:  # the principal, with the runs of the clock it started
        where.append("(s.by_whom = ? OR s.by_whom LIKE ? ESCAPE '!')")
        params.extend([by, re.sub(r"([!%_])", r"!\1", by) + " via %"])
    _now(profiles, status, overdue, where, params, business is not None)
    sql = (
        "SELECT c.reference, c.business, c.complaint_type, s.version, s.at, s.event, s.actor, s.state, c.profile, "
        "s.timing, s.by_whom "
        "FROM report_steps s JOIN report_complaints c ON c.complaint_id = s.complaint_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY s.at DESC, c.reference, s.version DESC LIMIT ?"
    )
    rows = store.query(sql, [*params, limit])
    return [AuditEntry(r[0], r[1], r[2], r[3], moment(r[4]), r[5], r[6], r[7], r[8], r[9], r[10]) for r in rows]


def _now(
    profiles: Mapping[str, Profile],
    status: str | None,
    overdue: bool,
    where: list[str],
    params: list[Any],
    narrowed: bool,
) -> None:
    """The filters on what complaints are now: their published status, and whether they are overdue.

    `narrowed` (a business given): each complaint of the business is judged on its own steps, through the steps'
    primary key. Otherwise the complaints now of that status (or overdue) are found first, in one pass over the
    steps, then their steps: a walk of every step by time, judging each, would cost more for a rare status."""
    if status is not None:
        states = sorted(states_with_status(profiles, status))
        if not states:
            known = sorted({label for p in profiles.values() for label in labels(p).values()})
            raise InvalidInput(f"no status {status!r}; known: {', '.join(known)}")
        marks = ", ".join("?" for _ in states)
        where.append(f"{NOW} IN ({marks})" if narrowed else f"s.complaint_id IN ({IN_STATES.format(marks=marks)})")
        params.extend(states)
    if overdue:
        of = "o.complaint_id = c.complaint_id AND " if narrowed else ""
        where.append(f"{'EXISTS' if narrowed else 's.complaint_id IN'} (SELECT o.complaint_id FROM report_steps o "
                     f"WHERE {of}{STILL_OVERDUE})")  # fmt: skip
        params.append(FOREVER)


NOW = "(SELECT n.state FROM report_steps n WHERE n.complaint_id = c.complaint_id ORDER BY n.version DESC LIMIT 1)"
"""The state now of the complaint `c`: its last step, found on the steps' primary key (complaint, version)."""
IN_STATES = (
    "SELECT l.complaint_id FROM report_steps l WHERE l.state IN ({marks}) AND NOT EXISTS "
    "(SELECT 1 FROM report_steps m WHERE m.complaint_id = l.complaint_id AND m.version > l.version)"
)
"""The complaints whose last step left them in one of the states."""

STILL_OVERDUE = (
    "o.event = 'overdue' AND NOT EXISTS (SELECT 1 FROM report_steps x WHERE x.complaint_id = o.complaint_id "
    "AND x.version > o.version AND x.state <> o.state AND x.at <= ?)"
)
"""An `overdue` step `o` not followed (by the moment given) by a step that left its state."""
FOREVER = 2**62


@dataclass(frozen=True)
class Overdue:
    """A complaint overdue at a moment: an expected window lapsed and it is still in the same state."""

    reference: str
    business: str
    state: str
    since: datetime
    profile: str


def overdue(store: ViewStore, at: datetime, limit: int = 1000, business: str | None = None) -> list[Overdue]:
    """Complaints overdue at `at`, longest overdue first (of one business, its name in any case and spacing)."""
    t = micros(at)
    condition, spellings = of_business(store, business)
    rows = store.query(
        "SELECT c.reference, c.business, o.state, o.at, c.profile FROM report_steps o "
        f"JOIN report_complaints c ON c.complaint_id = o.complaint_id WHERE {STILL_OVERDUE} AND o.at <= ?"
        f"{' AND ' + condition if condition else ''} ORDER BY o.at, c.reference LIMIT ?",
        (t, t, *spellings, limit),
    )
    return [Overdue(r[0], r[1], r[2], moment(r[3]), r[4]) for r in rows]

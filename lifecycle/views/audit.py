"""Audit queries across complaints, served by the indexes of the report view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from ..domain.profile import Profile
from ..stores.stored import micros, moment
from ..stores.view_store import ViewStore


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
    state: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**asdict(self), "at": self.at.isoformat()}


def states_with_status(profiles: Mapping[str, Profile], status: str) -> set[str]:
    """The states that carry `status` in any profile ('Open'; an unpublished state's label: 'Declined', 'Routed')."""
    found = set()
    for profile in profiles.values():
        rules = profile.rules
        for state in rules.states:
            label = rules.status(state) or (rules.label(state) if state in rules.unpublished else "Open")
            if label.lower() == status.lower():
                found.add(state)
    return found


def audit(
    store: ViewStore,
    profiles: Mapping[str, Profile],
    *,
    business: str | None = None,
    complaint_type: str | None = None,
    event: str | None = None,
    actor: str | None = None,
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
    for column, value in (
        ("c.business", business),
        ("c.complaint_type", complaint_type),
        ("s.event", event),
        ("s.actor", actor),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("s.at >= ?")
        params.append(micros(since))
    if until is not None:
        where.append("s.at <= ?")
        params.append(micros(until))
    _now(profiles, status, overdue, where, params)
    sql = (
        "SELECT c.reference, c.business, c.complaint_type, s.version, s.at, s.event, s.actor, s.state "
        "FROM report_steps s JOIN report_complaints c ON c.complaint_id = s.complaint_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY s.at DESC, c.reference, s.version DESC LIMIT ?"
    )
    rows = store.query(sql, [*params, limit])
    return [AuditEntry(r[0], r[1], r[2], r[3], moment(r[4]), r[5], r[6], r[7]) for r in rows]


def _now(
    profiles: Mapping[str, Profile], status: str | None, overdue: bool, where: list[str], params: list[Any]
) -> None:
    """The filters on what complaints are now: their published status, and whether they are overdue."""
    if status is not None:
        states = sorted(states_with_status(profiles, status)) or ["-"]
        marks = ", ".join("?" for _ in states)
        where.append(
            "s.complaint_id IN (SELECT l.complaint_id FROM report_steps l WHERE l.state IN "
            f"({marks}) AND l.version = (SELECT MAX(m.version) FROM report_steps m "
            "WHERE m.complaint_id = l.complaint_id))"
        )
        params.extend(states)
    if overdue:
        where.append(f"s.complaint_id IN (SELECT o.complaint_id FROM report_steps o WHERE {STILL_OVERDUE})")
        params.append(FOREVER)


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

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**asdict(self), "since": self.since.isoformat()}


def overdue(store: ViewStore, at: datetime, limit: int = 1000) -> list[Overdue]:
    """Complaints overdue at `at`, longest overdue first."""
    t = micros(at)
    rows = store.query(
        "SELECT c.reference, c.business, o.state, o.at FROM report_steps o "
        f"JOIN report_complaints c ON c.complaint_id = o.complaint_id WHERE {STILL_OVERDUE} AND o.at <= ? "
        "ORDER BY o.at, c.reference LIMIT ?",
        (t, t, limit),
    )
    return [Overdue(r[0], r[1], r[2], moment(r[3])) for r in rows]

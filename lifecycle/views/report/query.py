"""As-of queries on the report view: every complaint as it stood at a moment, and lookups by complaint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...domain.profile import Profile
from ...stores.stored import micros, moment
from ...stores.view_store import ViewStore


@dataclass(frozen=True)
class AsOf:
    """One complaint as it stood at the report's moment."""

    reference: str
    business: str
    complaint_type: str
    profile: str
    filed_at: int
    response_due: int | None
    state: str
    changed_at: int
    deadline: str | None
    due_on: str | None
    first_response: int | None
    reopens: int
    first_timely: int | None
    """The timely fact the first response carries (imports know it when they do not know the time)."""
    first_timing: str | None
    lapsed: int
    """1 when the response window had lapsed by the moment."""


AS_OF = """
SELECT c.reference, c.business, c.complaint_type, c.profile, c.filed_at,
       s.state, s.at, s.deadline, s.due_on, f.at,
       (SELECT COUNT(*) FROM report_steps r WHERE r.complaint_id = c.complaint_id
          AND r.event = 'reopened' AND r.at <= ?),
       f.timely, f.timing,
       EXISTS (SELECT 1 FROM report_steps r WHERE r.complaint_id = c.complaint_id
          AND r.event IN ({lapses}) AND r.at <= ?)
FROM report_complaints c
JOIN report_steps s ON s.complaint_id = c.complaint_id AND s.version = (
    SELECT MAX(x.version) FROM report_steps x WHERE x.complaint_id = c.complaint_id AND x.at <= ?)
LEFT JOIN report_steps f ON f.complaint_id = c.complaint_id AND f.version = (
    SELECT MIN(r.version) FROM report_steps r WHERE r.complaint_id = c.complaint_id
      AND r.event IN ({responses}) AND r.at <= ?)
WHERE c.filed_at <= ?
"""


def as_of(store: ViewStore, profiles: Mapping[str, Profile], at: datetime, business: str | None = None) -> list[AsOf]:
    """Every complaint filed by `at` (of one business, or all) as it stood then."""
    t = micros(at)
    responses = sorted({name for p in profiles.values() for name in p.responses})
    lapses = sorted({d.lapse for p in profiles.values() for d in p.deadlines if d.name == p.response_window})
    sql = AS_OF.format(responses=_quoted(responses), lapses=_quoted(lapses))
    params: list[Any] = [t, t, t, t, t]
    if business is not None:
        sql, params = sql + " AND c.business = ?", [*params, business]
    due = ResponseDue(profiles)
    return [
        AsOf(
            r[0], r[1], r[2], r[3], r[4], due(r[3], r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], int(r[13])
        )
        for r in store.query(sql + " ORDER BY c.business, c.filed_at, c.reference", params)
    ]


def _quoted(names: Sequence[str]) -> str:
    """Event names (identifiers from the rule tables) as an SQL list."""
    if not all(name.replace("_", "").isalnum() for name in names):
        raise ValueError(f"event names must be identifiers: {names}")
    return ", ".join(f"'{name}'" for name in names) or "''"


class ResponseDue:
    """When a complaint's response window ends, from its profile and filing time (cached per day)."""

    def __init__(self, profiles: Mapping[str, Profile]) -> None:
        self.profiles = profiles
        self.cache: dict[tuple[str, date], int | None] = {}

    def __call__(self, profile_name: str, filed_at: int) -> int | None:
        profile = self.profiles.get(profile_name)
        if profile is None:
            return None
        filed_on = profile.calendar.local_date(moment(filed_at))
        key = (profile_name, filed_on)
        if key not in self.cache:
            self.cache[key] = micros(profile.response_due(filed_on))
        return self.cache[key]


def references(store: ViewStore) -> list[str]:
    """Every complaint's reference, in filing order."""
    return [r[0] for r in store.query("SELECT reference FROM report_complaints ORDER BY filed_at, reference")]


def reference_of(store: ViewStore, complaint_id: str) -> str | None:
    """The reference of a complaint id (hex), when the view has it."""
    rows = store.query("SELECT reference FROM report_complaints WHERE complaint_id = ?", (complaint_id,))
    return str(rows[0][0]) if rows else None


def version_at(store: ViewStore, complaint_id: str, at: datetime) -> int:
    """The complaint's last version in effect at `at` (0: none yet), from the index of effective times."""
    rows = store.query(
        "SELECT MAX(version) FROM report_steps WHERE complaint_id = ? AND at <= ?", (complaint_id, micros(at))
    )
    return int(rows[0][0] or 0)

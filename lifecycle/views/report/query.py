"""As-of queries on the report view: every complaint as it stood at a moment, and lookups by complaint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...domain.profile import Profile
from ...domain.profiles import resolve
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
    overdue: str | None = None
    """The expected window (e.g. `final_response`) whose lapse flagged the complaint by the moment, if any."""
    disputed: int = 0
    """1 when the consumer contested the answer by the moment (one of the profile's `disputes` events)."""
    filed_timing: str | None = None
    """How much of the filing's time is known (`day`: only the day)."""
    sub_type: str | None = None
    issue: str | None = None


AS_OF = """
SELECT c.reference, c.business, c.complaint_type, c.profile, c.filed_at,
       s.state, s.at, s.deadline, s.due_on, f.at,
       (SELECT COUNT(*) FROM report_steps r WHERE r.complaint_id = c.complaint_id
          AND r.event = 'reopened' AND r.at <= ?),
       f.timely, f.timing,
       EXISTS (SELECT 1 FROM report_steps r WHERE r.complaint_id = c.complaint_id
          AND r.event IN ({lapses}) AND r.at <= ?),
       (SELECT COALESCE(p.deadline, o.event) FROM report_steps o
          LEFT JOIN report_steps p ON p.complaint_id = o.complaint_id AND p.version = o.version - 1
          WHERE o.complaint_id = c.complaint_id AND o.event IN ({flags}) AND o.at <= ?
          ORDER BY o.version DESC LIMIT 1),
       EXISTS (SELECT 1 FROM report_steps r WHERE r.complaint_id = c.complaint_id
          AND r.event IN ({disputes}) AND r.at <= ?),
       (SELECT r.timing FROM report_steps r WHERE r.complaint_id = c.complaint_id AND r.version = 1),
       c.sub_type, c.issue
FROM report_complaints c
JOIN report_steps s ON s.complaint_id = c.complaint_id AND s.version = (
    SELECT MAX(x.version) FROM report_steps x WHERE x.complaint_id = c.complaint_id AND x.at <= ?)
LEFT JOIN report_steps f ON f.complaint_id = c.complaint_id AND f.version = (
    SELECT MIN(r.version) FROM report_steps r WHERE r.complaint_id = c.complaint_id
      AND r.event IN ({responses}) AND r.at <= ?)
WHERE c.filed_at <= ?
"""
"""The overdue window is the deadline the step before the flag set (the flag itself sets none)."""


class Known(dict[str, Profile]):
    """Profiles by name; a configured name (`bbb:second_response=always`) is rebuilt on first use."""

    def __init__(self, base: Mapping[str, Profile]) -> None:
        super().__init__(base)
        self.base = dict(base)

    def __missing__(self, name: str) -> Profile:
        found = self[name] = resolve(self.base, name)
        return found


def as_of(
    store: ViewStore, profiles: Mapping[str, Profile], at: datetime, businesses: Sequence[str] | None = None
) -> list[AsOf]:
    """Every complaint filed by `at` (of the businesses named exactly so, or all) as it stood then.

    Configured profiles (`bbb:second_response=always`) share their base's event names, and are rebuilt
    from `profiles` when a complaint names one."""
    if businesses is not None and not businesses:
        return []
    t = micros(at)
    known = profiles if isinstance(profiles, Known) else Known(profiles)
    responses = sorted({name for p in known.base.values() for name in p.responses})
    lapses = sorted({d.lapse for p in known.base.values() for d in p.deadlines if d.name == p.response_window})
    flags = sorted({d.lapse for p in known.base.values() for d in p.deadlines if d.flags})
    disputes = sorted({name for p in known.base.values() for name in p.disputes})
    sql = AS_OF.format(
        responses=_quoted(responses), lapses=_quoted(lapses), flags=_quoted(flags), disputes=_quoted(disputes)
    )
    params: list[Any] = [t, t, t, t, t, t, t]
    if businesses is not None:
        sql += f" AND c.business IN ({', '.join('?' for _ in businesses)})"
        params += businesses
    due = ResponseDue(known)
    return [
        AsOf(*[*r[:5], due(r[3], r[4], r[2]), *r[5:13], int(r[13]), r[14], int(r[15]), *r[16:19]])
        for r in store.query(sql + " ORDER BY c.business, c.filed_at, c.reference", params)
    ]


def business_names(store: ViewStore) -> list[str]:
    """Every business name as the complaints spell it."""
    return [str(r[0]) for r in store.query("SELECT DISTINCT business FROM report_complaints")]


def filing_span(store: ViewStore) -> tuple[datetime, datetime] | None:
    """When the first and the last complaint in the store were filed (None: none was)."""
    first, last = store.query("SELECT MIN(filed_at), MAX(filed_at) FROM report_complaints")[0]
    return None if first is None else (moment(first), moment(last))


def _quoted(names: Sequence[str]) -> str:
    """Event names (identifiers from the rule tables) as an SQL list."""
    if not all(name.replace("_", "").isalnum() for name in names):
        raise ValueError(f"event names must be identifiers: {names}")
    return ", ".join(f"'{name}'" for name in names) or "''"


class ResponseDue:
    """When a complaint's response window ends, from its profile and filing time (cached per day)."""

    def __init__(self, profiles: Mapping[str, Profile]) -> None:
        self.profiles = profiles
        self.cache: dict[tuple[str, date, str | None], int | None] = {}

    def __call__(self, profile_name: str, filed_at: int, complaint_type: str | None = None) -> int | None:
        profile = self.profiles[profile_name]
        filed_on = profile.calendar.local_date(moment(filed_at))
        key = (profile_name, filed_on, complaint_type)
        if key not in self.cache:
            self.cache[key] = micros(profile.response_due(filed_on, complaint_type))
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

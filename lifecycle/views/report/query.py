"""As-of queries on the report view: every complaint as it stood at a moment, and lookups by complaint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

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
       (SELECT COUNT(*) FROM report_events r WHERE r.n = c.n AND r.event IN ({reopened}) AND r.at <= ?),
       f.timely, f.timing,
       EXISTS (SELECT 1 FROM report_events r WHERE r.n = c.n AND r.event IN ({lapses}) AND r.at <= ?),
       (SELECT COALESCE(p.deadline, o.event) FROM report_events o
          LEFT JOIN report_events p ON p.n = o.n AND p.version = o.version - 1
          WHERE o.n = c.n AND o.event IN ({flags}) AND o.at <= ?
          ORDER BY o.version DESC LIMIT 1),
       EXISTS (SELECT 1 FROM report_events r WHERE r.n = c.n AND r.event IN ({disputes}) AND r.at <= ?),
       (SELECT r.timing FROM report_events r WHERE r.n = c.n AND r.version = 1),
       c.sub_type, c.issue
FROM report_cases c
JOIN report_events s ON s.n = c.n AND s.version = (
    SELECT MAX(x.version) FROM report_events x WHERE x.n = c.n AND x.at <= ?)
LEFT JOIN report_events f ON f.n = c.n AND f.version = (
    SELECT MIN(r.version) FROM report_events r WHERE r.n = c.n AND r.event IN ({responses}) AND r.at <= ?)
WHERE c.business = ? AND c.filed_at <= ?
ORDER BY c.filed_at, c.reference
"""
"""One spelling's complaints; texts are ids in report_names. The overdue window is the deadline the step before
the flag set (the flag itself sets none)."""


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
    """Every complaint filed by `at` (of the businesses named exactly so, or all) as it stood then, ordered by
    business, filing time and reference (see `each_business`)."""
    return [row for _, rows in each_business(store, profiles, at, businesses) for row in rows]


def each_business(
    store: ViewStore, profiles: Mapping[str, Profile], at: datetime, businesses: Sequence[str] | None = None
) -> Iterator[tuple[str, list[AsOf]]]:
    """For each business spelling (those given, or every one; in sort order): its complaints filed by `at` as they
    stood then, by filing time and reference. One spelling's rows at a time: memory is that of the largest."""
    reader = Reader(store, profiles, at)
    for business in sorted(business_names(store) if businesses is None else set(businesses)):
        yield business, reader.rows(business)


class Reader:
    """As-of queries at one moment, one business spelling at a time.

    Configured profiles (`bbb:second_response=always`) share their base's event names, and are rebuilt
    from `profiles` when a complaint names one."""

    def __init__(self, store: ViewStore, profiles: Mapping[str, Profile], at: datetime) -> None:
        self.store, self.t = store, micros(at)
        self.known = known = profiles if isinstance(profiles, Known) else Known(profiles)
        self.names = names = Names(store)
        base = known.base.values()
        self.sql = AS_OF.format(
            reopened=names.listed(["reopened"]),
            responses=names.listed({name for p in base for name in p.responses}),
            lapses=names.listed({d.lapse for p in base for d in p.deadlines if d.name == p.response_window}),
            flags=names.listed({d.lapse for p in base for d in p.deadlines if d.flags}),
            disputes=names.listed({name for p in base for name in p.disputes}),
        )
        self.due = ResponseDue(known)

    def rows(self, business: str) -> list[AsOf]:
        """The complaints of one spelling filed by the moment, as they stood then."""
        business_id, t, due, text = self.names.ids.get(business), self.t, self.due, self.names.text
        if business_id is None:
            return []
        return [
            AsOf(
                r[0],
                business,
                text[r[2]],
                text[r[3]],
                r[4],
                due(text[r[3]], r[4], text[r[2]]),
                text[r[5]],
                r[6],
                text.get(r[7]),
                text.get(r[8]),
                r[9],
                r[10],
                r[11],
                text.get(r[12]),
                int(r[13]),
                text.get(r[14]),
                int(r[15]),
                text.get(r[16]),
                text.get(r[17]),
                text.get(r[18]),
            )  # fmt: skip
            for r in self.store.query(self.sql, [t, t, t, t, t, t, business_id, t])
        ]


class Names:
    """The texts of report_names by id, and their ids."""

    def __init__(self, store: ViewStore) -> None:
        self.text: dict[int | None, str] = {int(i): str(n) for i, n in store.query("SELECT id, name FROM report_names")}
        self.ids = {name: i for i, name in self.text.items() if i is not None}

    def listed(self, names: Iterable[str]) -> str:
        """The ids of event names, as an SQL list (none known: a list that matches nothing)."""
        found = sorted(self.ids[name] for name in names if name in self.ids)
        return ", ".join(str(i) for i in found) or "-1"


BUSINESSES = (
    "WITH RECURSIVE b (id) AS (SELECT MIN(business) FROM report_cases UNION ALL "
    "SELECT (SELECT MIN(c.business) FROM report_cases c WHERE c.business > b.id) FROM b WHERE b.id IS NOT NULL) "
    "SELECT r.name FROM b JOIN report_names r ON r.id = b.id"
)
"""The businesses' names, one index seek each (not a scan of every complaint)."""


def business_names(store: ViewStore) -> list[str]:
    """Every business name as the complaints spell it."""
    return [str(r[0]) for r in store.query(BUSINESSES)]


def filing_span(store: ViewStore) -> tuple[datetime, datetime] | None:
    """When the first and the last complaint in the store were filed (None: none was)."""
    first, last = store.query(  # one aggregate a subquery: each an index seek (both in one would scan the table)
        "SELECT (SELECT MIN(filed_at) FROM report_cases), (SELECT MAX(filed_at) FROM report_cases)"
    )[0]
    return None if first is None else (moment(first), moment(last))


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
    return [r[0] for r in store.query("SELECT reference FROM report_cases ORDER BY filed_at, reference")]


def reference_of(store: ViewStore, complaint_id: str) -> str | None:
    """The reference of a complaint id (hex), when the view has it."""
    rows = store.query("SELECT reference FROM report_cases WHERE complaint_id = ?", (complaint_id,))
    return str(rows[0][0]) if rows else None


def version_at(store: ViewStore, complaint_id: str, at: datetime) -> int:
    """The complaint's last version in effect at `at` (0: none yet), from the index of effective times."""
    rows = store.query(
        "SELECT MAX(e.version) FROM report_events e JOIN report_cases c ON c.n = e.n "
        "WHERE c.complaint_id = ? AND e.at <= ?",
        (complaint_id, micros(at)),
    )
    return int(rows[0][0] or 0)

"""Business profiles from the event history: a projection of steps, and figures as of any date."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .domain.complaint import EVENT_CLASSES, Complaint
from .domain.profile import Profile
from .projection import EPOCH, MICROSECOND, Record, micros, sqlite_micros
from .storage import Cursor, ViewStore

FILED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Filed"
OCCURRED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Occurred"
NAMED = "*"
"""The report_topics entry of the generic event: its name is in the event itself."""
STEP_TOPICS = {
    **{f"{cls.__module__}:{cls.__qualname__}": name for name, cls in EVENT_CLASSES.items()},
    OCCURRED_TOPIC: NAMED,
}
OPEN = "Open"
DAY = 86_400_000_000


class ReportView:
    """Complaints and every step they took, with effective times, for as-of queries."""

    name = "report"
    schema = 3

    def create(self, cursor: Cursor) -> None:
        """The complaints and steps tables, with the indexes as-of queries use."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS report_complaints ("
            "complaint_id TEXT PRIMARY KEY, reference TEXT NOT NULL, business TEXT NOT NULL, "
            "complaint_type TEXT NOT NULL, profile TEXT NOT NULL, filed_at BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS report_steps ("
            "complaint_id TEXT NOT NULL, version INTEGER NOT NULL, at BIGINT NOT NULL, event TEXT NOT NULL, "
            "state TEXT NOT NULL, deadline TEXT, due_on TEXT, actor TEXT NOT NULL, timely INTEGER, timing TEXT, "
            "PRIMARY KEY (complaint_id, version))"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS report_steps_by_time ON report_steps (at)")
        cursor.execute("CREATE TABLE IF NOT EXISTS report_topics (topic TEXT PRIMARY KEY, event TEXT NOT NULL)")
        cursor.executemany(
            "INSERT INTO report_topics VALUES (?, ?) ON CONFLICT (topic) DO NOTHING",
            [(FILED_TOPIC, "filed"), *STEP_TOPICS.items()],
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS report_complaints_by_business ON report_complaints (business)")
        cursor.execute("CREATE INDEX IF NOT EXISTS report_complaints_by_filing ON report_complaints (filed_at)")

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None:
        """One complaint row per filing, one step row per event; nothing personal is copied."""
        complaints, steps = [], []
        for r in records:
            d = r.data
            if r.topic == FILED_TOPIC:
                at = micros(d["at"])
                complaints.append(
                    (r.originator_id, d["reference"], d["business"], d["complaint_type"], d["profile"], at)
                )
                name = "filed"
            elif r.topic in STEP_TOPICS:
                at = micros(d["at"])
                name = d["event"] if r.topic == OCCURRED_TOPIC else STEP_TOPICS[r.topic]
            else:
                continue
            deadline = d["deadline"]
            due_name, due_on = (deadline["_data_"]["name"], deadline["_data_"]["due_on"]) if deadline else (None, None)
            timely = (d.get("facts") or {}).get("timely")
            steps.append(
                (
                    r.originator_id,
                    r.version,
                    at,
                    name,
                    d["state"],
                    due_name,
                    due_on,
                    d["actor"],
                    None if timely is None else int(timely),
                    d.get("timing"),
                )
            )
        if complaints:
            cursor.executemany("INSERT INTO report_complaints VALUES (?, ?, ?, ?, ?, ?)", complaints)
        if steps:
            cursor.executemany("INSERT INTO report_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", steps)

    def apply_sqlite(self, cursor: Cursor, table: str, after: int, upto: int) -> None:
        """The same rows as `apply`, written by SQLite from its own log table."""
        batch = (
            "SELECT originator_id, originator_version, topic, s, json_extract(s, '$.at._data_') AS at_text "
            f"FROM (SELECT *, CAST(state AS TEXT) AS s FROM {table} WHERE rowid > ? AND rowid <= ?)"
        )
        at = sqlite_micros("at_text")
        cursor.execute(
            "INSERT INTO report_complaints SELECT originator_id, json_extract(s, '$.reference'), "
            "json_extract(s, '$.business'), json_extract(s, '$.complaint_type'), json_extract(s, '$.profile'), "
            f"{at} FROM ({batch}) WHERE topic = ?",
            (after, upto, FILED_TOPIC),
        )
        cursor.execute(
            f"INSERT INTO report_steps SELECT originator_id, originator_version, {at}, "
            "CASE t.event WHEN ? THEN json_extract(s, '$.event') ELSE t.event END, "
            "json_extract(s, '$.state'), json_extract(s, '$.deadline._data_.name'), "
            f"json_extract(s, '$.deadline._data_.due_on'), json_extract(s, '$.actor'), "
            f"json_extract(s, '$.facts.timely'), json_extract(s, '$.timing') FROM ({batch}) AS b "
            "JOIN report_topics t ON t.topic = b.topic",
            (NAMED, after, upto),
        )

    def drop(self, cursor: Cursor) -> None:
        """Remove the tables."""
        for table in ("report_steps", "report_complaints", "report_topics"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def clear(self, cursor: Cursor) -> None:
        """Empty both tables."""
        cursor.execute("DELETE FROM report_steps")
        cursor.execute("DELETE FROM report_complaints")


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


def as_of(
    store: ViewStore, profiles: Mapping[str, Profile], moment: datetime, business: str | None = None
) -> list[AsOf]:
    """Every complaint filed by `moment` (of one business, or all) as it stood then."""
    t = micros(moment)
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
        filed_on = profile.calendar.local_date(EPOCH + filed_at * MICROSECOND)
        key = (profile_name, filed_on)
        if key not in self.cache:
            self.cache[key] = micros(profile.response_due(filed_on))
        return self.cache[key]


@dataclass
class Figures:
    """What a business profile shows, as of a moment."""

    business: str | None
    as_of: str
    since: str | None = None
    """The start of the filing window (`years` before `as_of`); None: every complaint filed by `as_of`."""
    complaints: int = 0
    closed_12m: int = 0
    declined: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    """Complaints by the state they were in, by its label (for `cfpb`: the company's response as published)."""
    timely_counts: dict[str, int] = field(default_factory=dict)
    """Yes: first response within the window; No: a late first response, or none by the window's end."""
    response_rate: float | None = None
    median_days_to_response: float | None = None
    p90_days_to_response: float | None = None
    timely_share: float | None = None
    resolution_share: float | None = None
    reopen_count: int = 0
    by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    response_days_histogram: dict[str, int] = field(default_factory=dict)
    open: list[dict[str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


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


def histogram(days: Sequence[float]) -> dict[str, int]:
    """Counts of days to first response in fixed buckets (lower bound included)."""
    return {label: sum(low <= d < high for d in days) for low, high, label in BUCKETS}


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted `values`."""
    if not values:
        return None
    return values[max(0, math.ceil(share * len(values)) - 1)]


def figures(
    rows: Iterable[AsOf],
    moment: datetime,
    profiles: Mapping[str, Profile],
    business: str | None,
    years: int | None = 3,
) -> Figures:
    """Fold complaints as they stood at `moment` into one profile's figures (filed in the last `years`)."""
    t = micros(moment) or 0
    since = None if years is None else years_before(moment, years)
    since_window, since_12m = micros(since) if since else None, micros(years_before(moment, 1)) or 0
    out = Figures(business, moment.astimezone(UTC).isoformat(), since.astimezone(UTC).isoformat() if since else None)
    statuses: Counter[str] = Counter({OPEN: 0})
    types: Counter[str] = Counter()
    states: Counter[str] = Counter()
    timeliness: Counter[str] = Counter({"Yes": 0, "No": 0})
    months: dict[str, Counter[str]] = defaultdict(Counter)
    responded = closed = resolved = 0
    days: list[float] = []
    for row in rows:
        rules = profiles[row.profile].rules
        status = rules.status(row.state)
        for name in rules.closing.values():
            statuses.setdefault(name, 0)
        if row.state in rules.unpublished:
            out.declined += 1
            continue
        if status and since_12m < row.changed_at <= t:
            out.closed_12m += 1
        if since_window is not None and row.filed_at <= since_window:
            continue
        out.complaints += 1
        label = status or OPEN
        statuses[label] += 1
        types[row.complaint_type] += 1
        states[rules.label(row.state)] += 1
        filed_local = datetime.fromtimestamp(row.filed_at / 1_000_000, UTC).astimezone(
            profiles[row.profile].calendar.zone
        )
        months[filed_local.strftime("%Y-%m")][label] += 1
        out.reopen_count += row.reopens
        if status:
            closed += 1
            resolved += status == "Resolved"
        if row.first_response is not None:
            responded += 1
            on_time = row.first_timely
            if on_time is None:
                on_time = row.response_due is not None and row.first_response < row.response_due
            timeliness["Yes" if on_time else "No"] += 1
            if row.first_timing is None:  # an import that knew no time gives no elapsed days
                days.append((row.first_response - row.filed_at) / DAY)
        elif row.lapsed:
            timeliness["No"] += 1
        if not rules.is_final(row.state):
            out.open.append(
                {"reference": row.reference, "state": row.state, "deadline": row.deadline, "due_on": row.due_on}
            )
    days.sort()
    out.by_status, out.by_type = dict(statuses), dict(sorted(types.items()))
    out.by_state, out.timely_counts = dict(sorted(states.items())), dict(timeliness)
    out.by_month = {m: dict(c) for m, c in sorted(months.items())}
    out.response_days_histogram = histogram(days)
    out.response_rate = responded / out.complaints if out.complaints else None
    out.median_days_to_response = statistics.median(days) if days else None
    out.p90_days_to_response = nearest_rank(days, 0.9)
    judged = timeliness["Yes"] + timeliness["No"]
    out.timely_share = timeliness["Yes"] / judged if judged else None
    out.resolution_share = resolved / closed if closed else None
    out.open.sort(key=lambda o: (o["due_on"] or "", o["reference"] or ""))
    return out


@dataclass
class Report:
    """Figures per business and for the whole store, as of one moment."""

    as_of: str
    businesses: list[Figures]
    total: Figures

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: `businesses` is a list of objects."""
        return {
            "as_of": self.as_of,
            "businesses": [b.as_dict() for b in self.businesses],
            "total": self.total.as_dict(),
        }


def build(
    store: ViewStore, profiles: Mapping[str, Profile], moment: datetime, business: str | None, years: int | None = 3
) -> Report:
    """The report for one business or all, from the view (complaints filed in the last `years`, or ever)."""
    rows = as_of(store, profiles, moment, business)
    grouped: dict[str, list[AsOf]] = defaultdict(list)
    for row in rows:
        grouped[row.business].append(row)
    businesses = [figures(group, moment, profiles, name, years) for name, group in sorted(grouped.items())]
    total = figures(rows, moment, profiles, None, years)
    return Report(total.as_of, businesses, total)


def end_of(day: date, profile: Profile) -> datetime:
    """The last moment of `day` in the profile's time zone: a report as of a date includes that day."""
    return profile.calendar.start_of(day + timedelta(days=1)) - timedelta(microseconds=1)

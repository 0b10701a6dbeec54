"""The report view: one row per complaint and one per step it took, with effective times, nothing personal.

Rows are small and keyed by integers the view owns: a complaint's number `n` (given in the order filings
are taken in), a step's (n, version), and every repeated text (business, event, state, who recorded it, ...)
as the id of its row in `report_names`. `report_complaints` and `report_steps` are SQL views with the
texts and hex complaint ids back, for audit queries and for comparing stores."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.complaint import EVENT_CLASSES, Complaint
from ...stores.stored import Record
from ...stores.view_store import Cursor
from .rows import Interned, batch_rows, sqlite_batch

FILED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Filed"
OCCURRED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Occurred"
NAMED = "*"
"""The report_topics entry of the generic event: its name is in the event itself."""
STEP_TOPICS = {
    **{f"{cls.__module__}:{cls.__qualname__}": name for name, cls in EVENT_CLASSES.items()},
    OCCURRED_TOPIC: NAMED,
}

TABLES = (
    "CREATE TABLE IF NOT EXISTS report_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS report_cases ("
    "n INTEGER PRIMARY KEY, complaint_id TEXT NOT NULL UNIQUE, reference TEXT NOT NULL, business INTEGER NOT NULL, "
    "complaint_type INTEGER NOT NULL, profile INTEGER NOT NULL, filed_at BIGINT NOT NULL, sub_type INTEGER, "
    "issue INTEGER)",
    "CREATE TABLE IF NOT EXISTS report_events ("
    "n INTEGER NOT NULL, version INTEGER NOT NULL, at BIGINT NOT NULL, event INTEGER NOT NULL, "
    "state INTEGER NOT NULL, deadline INTEGER, due_on INTEGER, actor INTEGER NOT NULL, timely INTEGER, "
    "timing INTEGER, by_whom INTEGER, PRIMARY KEY (n, version))",
    "CREATE INDEX IF NOT EXISTS report_events_by_time ON report_events (at)",
    "CREATE INDEX IF NOT EXISTS report_cases_by_business ON report_cases (business, filed_at)",
    "CREATE INDEX IF NOT EXISTS report_cases_by_filing ON report_cases (filed_at)",
    "CREATE TABLE IF NOT EXISTS report_topics (topic TEXT PRIMARY KEY, event TEXT NOT NULL)",
)
"""The view's tables; on SQLite the steps are a WITHOUT ROWID table, clustered by complaint."""


def _named(alias: str, column: str, outer: bool = False) -> str:
    join = "LEFT JOIN" if outer else "JOIN"
    return f" {join} report_names {alias} ON {alias}.id = {column}"


COMPLAINTS_SQL = (
    "SELECT c.complaint_id, c.reference, b.name AS business, t.name AS complaint_type, p.name AS profile, "
    "c.filed_at, st.name AS sub_type, i.name AS issue FROM report_cases c"
    + _named("b", "c.business")
    + _named("t", "c.complaint_type")
    + _named("p", "c.profile")
    + _named("st", "c.sub_type", True)
    + _named("i", "c.issue", True)
)
STEPS_SQL = (
    "SELECT c.complaint_id, e.version, e.at, ev.name AS event, st.name AS state, dl.name AS deadline, "
    "du.name AS due_on, ac.name AS actor, e.timely, tm.name AS timing, bw.name AS by_whom "
    "FROM report_events e JOIN report_cases c ON c.n = e.n"
    + _named("ev", "e.event")
    + _named("st", "e.state")
    + _named("dl", "e.deadline", True)
    + _named("du", "e.due_on", True)
    + _named("ac", "e.actor")
    + _named("tm", "e.timing", True)
    + _named("bw", "e.by_whom", True)
)
VIEWS = {"report_complaints": COMPLAINTS_SQL, "report_steps": STEPS_SQL}
"""The rows of the view's first layout (hex ids, texts), as SQL views over its tables."""


class ReportView:
    """Complaints and every step they took, with effective times, for as-of queries."""

    name = "report"
    schema = 6

    def create(self, cursor: Cursor) -> None:
        """The tables, with the indexes as-of queries use, and the SQL views of the rows as texts."""
        postgres = bool(getattr(cursor, "postgres", False))
        clustered = "" if postgres else " WITHOUT ROWID"  # SQLite: a complaint's steps stored together
        for sql in TABLES:
            cursor.execute(sql + clustered if sql.startswith("CREATE TABLE IF NOT EXISTS report_events") else sql)
        cursor.executemany(
            "INSERT INTO report_topics VALUES (?, ?) ON CONFLICT (topic) DO NOTHING",
            [(FILED_TOPIC, "filed"), *STEP_TOPICS.items()],
        )
        for name, sql in VIEWS.items():
            make = "CREATE OR REPLACE VIEW" if postgres else "CREATE VIEW IF NOT EXISTS"
            cursor.execute(f"{make} {name} AS {sql}")

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None:
        """One complaint row per filing, one step row per event; nothing personal is copied."""
        cases, steps = batch_rows(records, FILED_TOPIC, OCCURRED_TOPIC, STEP_TOPICS)
        if not steps:
            return
        names = Interned(cursor)
        names.add(v for row in cases for v in row[2:5] + row[6:])
        names.add(v for row in steps for v in row[3:8] + row[9:])
        cursor.execute("SELECT COALESCE(MAX(n), 0) FROM report_cases")
        number = int(cursor.fetchone()[0])
        numbers: dict[str, int] = {}
        rows = []
        for complaint_id, reference, business, kind, profile, at, sub_type, issue in cases:
            number += 1
            numbers[complaint_id] = number
            ids = names.ids(business, kind, profile)
            rows.append((number, complaint_id, reference, *ids, at, *names.ids(sub_type, issue)))
        if rows:
            cursor.executemany("INSERT INTO report_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        numbers.update(_numbers(cursor, sorted({s[0] for s in steps} - numbers.keys())))
        cursor.executemany(
            "INSERT INTO report_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sorted(
                (numbers[s[0]], s[1], s[2], *names.ids(*s[3:8]), s[8], *names.ids(*s[9:]))
                for s in steps
                if s[0] in numbers
            ),
        )

    def apply_sqlite(self, cursor: Cursor, after: int, upto: int) -> None:
        """The same rows as `apply`, written by SQLite from its own log table."""
        sqlite_batch(cursor, after, upto, NAMED)

    def drop(self, cursor: Cursor) -> None:
        """Remove the tables and views (of this layout or the first, whose rows were tables)."""
        postgres = bool(getattr(cursor, "postgres", False))
        for name in VIEWS:
            if postgres:
                cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(?)", (name,))
                found = cursor.fetchone()
                kind = None if found is None else "VIEW" if found[0] == "v" else "TABLE"
            else:
                cursor.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,))
                found = cursor.fetchone()
                kind = None if found is None else str(found[0]).upper()
            if kind:
                cursor.execute(f"DROP {kind} {name}")
        for table in ("report_events", "report_cases", "report_names", "report_topics"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def clear(self, cursor: Cursor) -> None:
        """Empty the tables (the names go too: a rebuild numbers them again)."""
        for table in ("report_events", "report_cases", "report_names"):
            cursor.execute(f"DELETE FROM {table}")


def _numbers(cursor: Cursor, complaint_ids: Sequence[str], chunk: int = 500) -> dict[str, int]:
    """The numbers of complaints filed in earlier batches."""
    found: dict[str, int] = {}
    for i in range(0, len(complaint_ids), chunk):
        part = complaint_ids[i : i + chunk]
        cursor.execute(
            f"SELECT complaint_id, n FROM report_cases WHERE complaint_id IN ({', '.join('?' for _ in part)})", part
        )
        found.update((str(k), int(v)) for k, v in cursor.fetchall())
    return found

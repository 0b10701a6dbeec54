"""The report view: one row per complaint and one per step it took, with effective times, nothing personal."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.complaint import EVENT_CLASSES, Complaint
from ...stores.stored import SQLITE_BATCH, Record, micros, sql_field, sqlite_micros
from ...stores.view_store import Cursor

FILED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Filed"
OCCURRED_TOPIC = f"{Complaint.__module__}:{Complaint.__qualname__}.Occurred"
NAMED = "*"
"""The report_topics entry of the generic event: its name is in the event itself."""
STEP_TOPICS = {
    **{f"{cls.__module__}:{cls.__qualname__}": name for name, cls in EVENT_CLASSES.items()},
    OCCURRED_TOPIC: NAMED,
}


TOPIC_SQL = (
    f"NULLIF(COALESCE({sql_field('s', 'details', 'sub_type')}, {sql_field('s', 'details', 'sub_product')}), ''), "
    f"NULLIF({sql_field('s', 'details', 'issue')}, '')"
)
"""SQLite's reading of a filing's topic below its type: the sub-type (`sub_product` in CFPB exports), the issue."""


class ReportView:
    """Complaints and every step they took, with effective times, for as-of queries."""

    name = "report"
    schema = 5

    def create(self, cursor: Cursor) -> None:
        """The complaints and steps tables, with the indexes as-of queries use."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS report_complaints ("
            "complaint_id TEXT PRIMARY KEY, reference TEXT NOT NULL, business TEXT NOT NULL, "
            "complaint_type TEXT NOT NULL, profile TEXT NOT NULL, filed_at BIGINT NOT NULL, sub_type TEXT, issue TEXT)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS report_steps ("
            "complaint_id TEXT NOT NULL, version INTEGER NOT NULL, at BIGINT NOT NULL, event TEXT NOT NULL, "
            "state TEXT NOT NULL, deadline TEXT, due_on TEXT, actor TEXT NOT NULL, timely INTEGER, timing TEXT, "
            "by_whom TEXT, "
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
                at, details = micros(d["at"]), d.get("details") or {}
                sub_type = details.get("sub_type") or details.get("sub_product") or None
                topic = (d["reference"], d["business"], d["complaint_type"], d["profile"], at, sub_type)
                complaints.append((r.originator_id, *topic, details.get("issue") or None))
                name = "filed"
            elif r.topic in STEP_TOPICS:
                at = micros(d["at"])
                name = d["event"] if r.topic == OCCURRED_TOPIC else STEP_TOPICS[r.topic]
            else:
                continue
            deadline = r.value("deadline")
            due_name, due_on = (deadline["name"], deadline["due_on"]) if deadline else (None, None)
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
                    d.get("by"),
                )
            )
        if complaints:
            cursor.executemany("INSERT INTO report_complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?)", complaints)
        if steps:
            cursor.executemany("INSERT INTO report_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", steps)

    def apply_sqlite(self, cursor: Cursor, after: int, upto: int) -> None:
        """The same rows as `apply`, written by SQLite from its own log table."""
        batch = f"SELECT complaint_id, version, topic, s, {sql_field('s', 'at')} AS at_text FROM ({SQLITE_BATCH})"
        at = sqlite_micros("at_text")
        fields = ", ".join(sql_field("s", name) for name in ("reference", "business", "complaint_type", "profile"))
        cursor.execute(
            f"INSERT INTO report_complaints SELECT complaint_id, {fields}, {at}, {TOPIC_SQL} "
            f"FROM ({batch}) WHERE topic = ?",
            (after, upto, FILED_TOPIC),
        )
        cursor.execute(
            f"INSERT INTO report_steps SELECT b.complaint_id, b.version, {at}, "
            f"CASE t.event WHEN ? THEN {sql_field('s', 'event')} ELSE t.event END, {sql_field('s', 'state')}, "
            f"{sql_field('s', 'deadline', 'name')}, {sql_field('s', 'deadline', 'due_on')}, "
            f"{sql_field('s', 'actor')}, {sql_field('s', 'facts', 'timely')}, {sql_field('s', 'timing')}, "
            f"{sql_field('s', 'by')} "
            f"FROM ({batch}) AS b JOIN report_topics t ON t.topic = b.topic",
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

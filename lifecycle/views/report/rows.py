"""The report view's rows from a batch of the log: in Python (any store) or by SQLite from its own log table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...stores.stored import SQLITE_BATCH, Record, micros, sql_field, sqlite_micros
from ...stores.view_store import Cursor

Case = tuple[str, str, str, str, str, int, str | None, str | None]
"""complaint id, reference, business, complaint type, profile, filed at, sub-type, issue."""
Step = tuple[str, int, int, str, str, str | None, str | None, str, int | None, str | None, str | None]
"""complaint id, version, at, event, state, deadline, due on, actor, timely, timing, by whom."""


def batch_rows(
    records: Sequence[Record], filed: str, occurred: str, steps_of: Mapping[str, str]
) -> tuple[list[Case], list[Step]]:
    """The complaints filed and the steps taken in a batch, with their texts."""
    cases: list[Case] = []
    steps: list[Step] = []
    for r in records:
        d = r.data
        if r.topic == filed:
            at, details = micros(d["at"]) or 0, d.get("details") or {}
            sub_type = details.get("sub_type") or details.get("sub_product") or None
            case = (r.originator_id, d["reference"], d["business"], d["complaint_type"], d["profile"], at, sub_type)
            cases.append((*case, details.get("issue") or None))
            name = "filed"
        elif r.topic in steps_of:
            at = micros(d["at"]) or 0
            name = d["event"] if r.topic == occurred else steps_of[r.topic]
        else:
            continue
        deadline = r.value("deadline")
        due_name, due_on = (deadline["name"], deadline["due_on"]) if deadline else (None, None)
        timely = (d.get("facts") or {}).get("timely")
        flag = None if timely is None else int(timely)
        step = (r.originator_id, r.version, at, name, d["state"], due_name, due_on, d["actor"], flag)
        steps.append((*step, d.get("timing"), d.get("by")))
    return cases, steps


class Interned:
    """Texts as the ids of their rows in report_names, new ones numbered after the last."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self.known: dict[str, int] = {}

    def add(self, values: Iterable[Any], chunk: int = 500) -> None:
        """Make sure every text among `values` has an id."""
        wanted = sorted({v for v in values if v is not None} - self.known.keys())
        for i in range(0, len(wanted), chunk):
            part = wanted[i : i + chunk]
            marks = ", ".join("?" for _ in part)
            self.cursor.execute(f"SELECT name, id FROM report_names WHERE name IN ({marks})", part)
            self.known.update((str(name), int(id_)) for name, id_ in self.cursor.fetchall())
        missing = [w for w in wanted if w not in self.known]
        if missing:
            self.cursor.execute("SELECT COALESCE(MAX(id), 0) FROM report_names")
            last = int(self.cursor.fetchone()[0])
            self.known.update((name, last + i) for i, name in enumerate(missing, 1))
            self.cursor.executemany("INSERT INTO report_names VALUES (?, ?)", [(self.known[m], m) for m in missing])

    def ids(self, *values: Any) -> tuple[int | None, ...]:
        """The ids of texts added before (None stays None)."""
        return tuple(None if v is None else self.known[v] for v in values)


STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS report_batch (complaint_id TEXT NOT NULL, version INTEGER NOT NULL, "
    "filed INTEGER NOT NULL, at BIGINT NOT NULL, event TEXT, state TEXT, deadline TEXT, due_on TEXT, actor TEXT, "
    "timely INTEGER, timing TEXT, by_whom TEXT, reference TEXT, business TEXT, complaint_type TEXT, profile TEXT, "
    "sub_type TEXT, issue TEXT)"
)
"""One batch of the log, each field read from its JSON once."""
STEP_TEXTS = ("event", "state", "deadline", "due_on", "actor", "timing", "by_whom")
CASE_TEXTS = ("business", "complaint_type", "profile", "sub_type", "issue")


def _filed(expression: str) -> str:
    return f"CASE WHEN t.event = 'filed' THEN {expression} END"


def _id(column: str) -> str:
    return f"(SELECT id FROM report_names WHERE name = b.{column})"


def sqlite_batch(cursor: Cursor, after: int, upto: int, named: str) -> None:
    """Write the rows of the log's batch (after, upto] in SQL: stage its fields, name new texts, insert."""
    cursor.execute(STAGE)
    batch = f"SELECT complaint_id, version, topic, s, {sql_field('s', 'at')} AS at_text FROM ({SQLITE_BATCH})"
    sub_type = sql_field("s", "details", "sub_type") + ", " + sql_field("s", "details", "sub_product")
    sub_type = f"NULLIF(COALESCE({sub_type}), '')"
    filing = [sql_field("s", name) for name in ("reference", "business", "complaint_type", "profile")]
    filing += [sub_type, f"NULLIF({sql_field('s', 'details', 'issue')}, '')"]
    cursor.execute(
        "INSERT INTO temp.report_batch SELECT b.complaint_id, b.version, t.event = 'filed', "
        f"{sqlite_micros('at_text')}, "
        f"CASE t.event WHEN ? THEN {sql_field('s', 'event')} ELSE t.event END, {sql_field('s', 'state')}, "
        f"{sql_field('s', 'deadline', 'name')}, {sql_field('s', 'deadline', 'due_on')}, {sql_field('s', 'actor')}, "
        f"{sql_field('s', 'facts', 'timely')}, {sql_field('s', 'timing')}, {sql_field('s', 'by')}, "
        f"{', '.join(_filed(f) for f in filing)} FROM ({batch}) AS b JOIN report_topics t ON t.topic = b.topic",
        (named, after, upto),
    )
    texts = " UNION ".join(f"SELECT {c} AS v FROM temp.report_batch" for c in (*STEP_TEXTS, *CASE_TEXTS))
    cursor.execute(
        f"INSERT INTO report_names (name) SELECT v FROM ({texts}) AS u WHERE v IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM report_names r WHERE r.name = u.v)"
    )
    cursor.execute(
        "INSERT INTO report_cases (complaint_id, reference, business, complaint_type, profile, filed_at, sub_type, "
        f"issue) SELECT b.complaint_id, b.reference, {_id('business')}, {_id('complaint_type')}, {_id('profile')}, "
        f"b.at, {_id('sub_type')}, {_id('issue')} FROM temp.report_batch b WHERE b.filed"
    )
    ids = ", ".join(_id(c) if c != "timing" else f"b.timely, {_id(c)}" for c in STEP_TEXTS)
    cursor.execute(
        f"INSERT INTO report_events SELECT c.n, b.version, b.at, {ids} FROM temp.report_batch b "
        "JOIN report_cases c ON c.complaint_id = b.complaint_id ORDER BY c.n, b.version"
    )
    cursor.execute("DELETE FROM temp.report_batch")

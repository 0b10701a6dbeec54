"""Issue 15, exact times on every store: the five CFPB exports imported into SQLite and into PostgreSQL give
the same views, figures and histories, exactly, and both views hold the recorded times to the microsecond.

Compared without tolerance, rows in a fixed order: every row of the report view (report_complaints,
report_steps, report_topics) and of the deadline view (lifecycle_deadlines: empty once the clock has run,
every CFPB deadline lapsed or closed, so it is also compared as it stands with every response window pending,
and each event's lapse as SQLite's view reads it), the notification order, report figures (every business,
by window and moment, once through `report --json`, some by company), the audit of every event, and
`history --as-of` at day boundaries and at each sampled event's own time (23:59:59.999999 local included).
Left out: the hash chain (being redesigned), the views' positions (notification ids) and the one field
written with the wall clock of each import, eventsourcing's `timestamp` (history's `recorded_at`). Who
recorded (`by`, `by_whom`) is compared: both imports name the same principal and run."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner
from orjson import loads

from lifecycle import Lifecycle
from lifecycle.cli.main import main
from lifecycle.stores.compact import plain
from lifecycle.stores.stored import SQLITE_BATCH, sql_field, sqlite_micros
from lifecycle.views.deadlines import DeadlineView

from .conftest import Imported, ImportedPostgres

pytestmark = pytest.mark.postgres

TABLES = {
    "report_complaints": "complaint_id",
    "report_steps": "complaint_id, version",
    "report_topics": "topic",
    "lifecycle_deadlines": "complaint_id",
}
"""Every view table but the hash chain, with the key that orders its rows."""
CASE = "CFPB-R75593cd6292307c49557"
"""Closed with explanation at 2013-08-14 23:59:59.999999 local: SQLite's unixepoch() once made that a second
late, so SQLite had it open as of that day (PostgreSQL answered)."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE = timedelta(microseconds=1)
Pair = tuple[Lifecycle, Lifecycle]
Recorded = dict[tuple[str, int], dict[str, Any]]
"""Each stored event's fields by (complaint id in hex, version)."""


@pytest.fixture(scope="module")
def both(cfpb_store: Imported, cfpb_postgres: ImportedPostgres) -> Iterator[Pair]:
    """The SQLite and the PostgreSQL store of the same import, advanced to the same day."""
    pair = (
        Lifecycle(f"sqlite:///{cfpb_store.path}", default_profile="cfpb"),
        Lifecycle(cfpb_postgres.url, default_profile="cfpb"),
    )
    yield pair
    for app in pair:
        app.close()


def same(lite: Sequence[Any], pg: Sequence[Any], what: str) -> None:
    """Equal sequences, or a failure naming the first rows that differ (not a diff of 182,570 rows)."""
    if list(lite) == list(pg):
        return
    differing = [(i, a, b) for i, (a, b) in enumerate(zip(lite, pg, strict=False)) if a != b][:3]
    pytest.fail(f"{what}: {len(lite)} rows on SQLite, {len(pg)} on PostgreSQL; first differing {differing}")


def exact(text: str) -> int:
    """Microseconds since the epoch of an ISO 8601 time, by integer arithmetic alone (no code under test)."""
    d = datetime.fromisoformat(text) - EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


@pytest.fixture(scope="module")
def recorded(both: Pair) -> Recorded:
    """Every stored event's fields, by (complaint id in hex, version), read from PostgreSQL's table of events."""
    rows = both[1].tables.query("SELECT originator_id, originator_version, state FROM lifecycle_events")
    return {(UUID(str(r[0])).hex, int(r[1])): loads(plain(r[2])) for r in rows}


def test_imports_and_the_clock_record_the_same(cfpb_store: Imported, cfpb_postgres: ImportedPostgres) -> None:
    """The two imports say the same (but for their duration) and the clock records as much on each."""
    lite, pg = cfpb_store.result.as_dict(), cfpb_postgres.result.as_dict()
    lite.pop("seconds"), pg.pop("seconds")
    assert lite == pg
    assert lite["events"] > 180_000
    assert cfpb_store.recorded == cfpb_postgres.recorded


def test_the_log_holds_the_same_events_in_the_same_order(both: Pair) -> None:
    """Notification order, complaint by complaint and version by version."""
    lite, pg = both
    on_sqlite = [
        tuple(r)
        for r in lite.tables.query("SELECT originator_id, originator_version FROM stored_events ORDER BY rowid")
    ]
    on_pg = pg.tables.query("SELECT originator_id, originator_version FROM lifecycle_events ORDER BY notification_id")
    same(on_sqlite, [(UUID(str(i)).hex, v) for i, v in on_pg], "notification order")


@pytest.mark.parametrize("table", TABLES)
def test_every_view_row_is_the_same(both: Pair, table: str) -> None:
    """Every row of the table, every column, in key order."""
    rows = [[tuple(r) for r in app.tables.query(f"SELECT * FROM {table} ORDER BY {TABLES[table]}")] for app in both]
    same(rows[0], rows[1], table)
    assert rows[0] or table == "lifecycle_deadlines"


def test_the_views_hold_each_recorded_time_to_the_microsecond(both: Pair, recorded: Recorded) -> None:
    """Each step's and filing's time in both views is the recorded `at`, read exactly; 23:59:59.999999 too."""
    expected = {key: exact(fields["at"]["_data_"]) for key, fields in recorded.items()}
    filed = {cid: at for (cid, version), at in expected.items() if version == 1}
    for app in both:
        steps = {
            (r[0], int(r[1])): int(r[2]) for r in app.tables.query("SELECT complaint_id, version, at FROM report_steps")
        }
        assert steps == expected
        complaints = dict(app.tables.query("SELECT complaint_id, filed_at FROM report_complaints"))
        assert complaints == filed
    ends = [f["at"]["_data_"] for f in recorded.values() if f["at"]["_data_"][11:26] == "23:59:59.999999"]
    assert len(ends) > 60_000  # the times unixepoch() rounded up a second, all still held exactly


def test_every_deadline_lapses_at_its_recorded_microsecond(both: Pair, recorded: Recorded) -> None:
    """The deadline view's SQLite reading of each event's `lapses_at` is the recorded one; PostgreSQL's view
    reads it in Python (stores.stored.micros), the same function the index is asked with on both."""
    expected = {k: exact(f["deadline"]["_data_"]["lapses_at"]) for k, f in recorded.items() if f.get("deadline")}
    lapses = sqlite_micros(sql_field("s", "deadline", "lapses_at"))
    rows = both[0].tables.query(
        f"SELECT complaint_id, version, {lapses} FROM ({SQLITE_BATCH}) WHERE {sql_field('s', 'deadline')} IS NOT NULL",
        (0, 2**62),
    )
    assert {(r[0], int(r[1])): int(r[2]) for r in rows} == expected
    assert len(expected) > 50_000


class Rollback(Exception):
    """Undoes a transaction that only looked."""


def pending_after_sending(app: Lifecycle) -> list[tuple[Any, ...]]:
    """The deadline view as it would stand had every complaint only been filed and sent (each response window
    pending): written by the view into the store's own table in a transaction that is then rolled back."""
    records, position = [], 0
    while batch := app.projections.deadlines.read(position):
        records += [r for r in batch if r.version <= 2]
        position = batch[-1].id
    with suppress(Rollback), app.tables.transaction() as cursor:
        DeadlineView().clear(cursor)
        DeadlineView().apply(cursor, records)
        cursor.execute(f"SELECT * FROM lifecycle_deadlines ORDER BY {TABLES['lifecycle_deadlines']}")
        rows = [tuple(r) for r in cursor.fetchall()]
        raise Rollback
    return rows


def test_the_deadline_view_with_every_response_window_pending_is_the_same(both: Pair, recorded: Recorded) -> None:
    """With each complaint's sending its last event, every row of the deadline view, on both stores, and each
    lapse the recorded one to the microsecond (the real table is left as it was)."""
    lite, pg = (pending_after_sending(app) for app in both)
    same(lite, pg, "lifecycle_deadlines")
    sent = {cid: f["deadline"]["_data_"] for (cid, v), f in recorded.items() if v == 2 and f.get("deadline")}
    assert lite == [(cid, d["name"], exact(d["lapses_at"])) for cid, d in sorted(sent.items())]
    assert len(lite) > 50_000
    assert both[0].tables.query("SELECT COUNT(*) FROM lifecycle_deadlines") == [(0,)]


@pytest.mark.parametrize(("as_of", "years", "window"), [("2013-08-14", None, "filed"), ("2015-03-31", 3, "closed")])
def test_every_report_figure_is_the_same(both: Pair, as_of: str, years: int | None, window: str) -> None:
    """Every figure of every business, the complaints naming none and the total, as of a day's end."""
    lite, pg = (app.report(as_of=as_of, years=years, window=window).as_dict() for app in both)
    same(lite["businesses"], pg["businesses"], "businesses")
    assert lite == pg
    assert lite["total"]["complaints"] > 0


def test_report_json_and_reports_by_company_are_the_same(
    both: Pair, cfpb_store: Imported, cfpb_postgres: ImportedPostgres
) -> None:
    """`lifecycle report --json` over every year on each store, and the reports of the largest companies."""
    documents = []
    for db in (str(cfpb_store.path), cfpb_postgres.url):
        done = CliRunner().invoke(main, ["report", "--db", db, "--years", "all", "--as-of", "2020-12-31", "--json"])
        assert done.exit_code == 0, done.output
        documents.append(json.loads(done.stdout))
    same(documents[0]["businesses"], documents[1]["businesses"], "businesses")
    assert documents[0] == documents[1]
    largest = sorted(documents[0]["businesses"], key=lambda b: (-b["complaints"], b["business"]))[:3]
    for name in (b["business"] for b in largest):
        lite, pg = (app.report(name, as_of="2016-06-30", years=1).as_dict() for app in both)
        assert lite == pg
        assert lite["businesses"][0]["complaints"] > 0


def entries(app: Lifecycle, reference: str, as_of: datetime | str | None = None) -> list[tuple[Any, ...]]:
    """A complaint's history (up to `as_of`) without `recorded_at`, the wall clock of its import."""
    return [
        (e.version, e.event, e.at, e.actor, e.state_before, e.state_after, e.text, dict(e.facts), e.timing, e.by)
        for e in app.history(reference, as_of=as_of)
    ]


def test_history_as_of_the_day_boundaries_of_the_recorded_case(
    both: Pair, cfpb_store: Imported, cfpb_postgres: ImportedPostgres
) -> None:
    """The complaint once open on SQLite and answered on PostgreSQL as of 2013-08-14: answered on both, by the
    API and by `lifecycle history --as-of 2013-08-14 --json`."""
    for app in both:
        closing = app.history(CASE)[-1]
        assert closing.at.isoformat() == "2013-08-14T23:59:59.999999-04:00"
        assert app.history(CASE, as_of="2013-08-14")[-1].state_after == closing.state_after == "closed_with_explanation"
        assert app.history(CASE, as_of="2013-08-13")[-1].state_after == "sent"
        assert app.history(CASE, as_of=closing.at - ONE)[-1].state_after == "sent"
        assert app.history(CASE, as_of=closing.at)[-1].version == closing.version
    assert entries(both[0], CASE) == entries(both[1], CASE)
    documents = []
    for db in (str(cfpb_store.path), cfpb_postgres.url):
        done = CliRunner().invoke(main, ["history", CASE, "--db", db, "--as-of", "2013-08-14", "--json"])
        assert done.exit_code == 0, done.output
        documents.append(json.loads(done.stdout))
        for event in documents[-1]["events"]:
            event.pop("recorded_at")  # the wall clock of each import
    assert documents[0] == documents[1]
    assert (documents[0]["status"], documents[0]["events"][-1]["at"]) == (
        "Closed with explanation",
        "2013-08-15T03:59:59.999999Z",
    )


def test_history_as_of_every_event_time_and_day_boundary_of_a_sample(both: Pair) -> None:
    """For one complaint in 199 (and the recorded case): as of each event's day's end, the day before's end,
    the event's own time and the microsecond before it, both stores answer alike and as the times say."""
    lite, pg = both
    references = lite.references()
    same(references, pg.references(), "references")
    for reference in [CASE, *references[::199]]:
        full = entries(lite, reference)
        for event in full:
            at: datetime = event[2]
            for as_of in (at.date().isoformat(), (at.date() - timedelta(days=1)).isoformat(), at, at - ONE):
                answer = entries(lite, reference, as_of)
                assert answer == entries(pg, reference, as_of), (reference, as_of)
                moment = lite.moment(as_of, end=True) if isinstance(as_of, str) else as_of
                assert answer == [e for e in full if e[2] <= moment], (reference, as_of)


def test_the_audit_of_every_event_is_the_same(both: Pair) -> None:
    """Every event newest first, and the events of a day bounded at both of its ends."""
    lite, pg = (app.audit(limit=10**6) for app in both)
    same(lite, pg, "audit")
    assert len(lite) > 180_000
    days = {}
    for day in ("2013-08-14", "2013-08-15"):
        found = [[(e.reference, e.version) for e in app.audit(10**6, since=day, until=day)] for app in both]
        assert found[0] == found[1]
        days[day] = found[0]
    assert (CASE, 3) in days["2013-08-14"]
    assert (CASE, 3) not in days["2013-08-15"]


def test_both_stores_verify_intact_with_views_and_keys_checked(both: Pair) -> None:
    verdicts = [app.verify() for app in both]
    assert [(v.findings, v.notes) for v in verdicts] == [([], []), ([], [])]
    assert verdicts[0].links == verdicts[1].links == both[0].recorder.max_notification_id()

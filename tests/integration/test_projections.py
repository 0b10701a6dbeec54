"""Projections on SQLite and PostgreSQL: rebuild equals incremental; an interrupted run resumes exactly once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pytest

from lifecycle import Lifecycle
from lifecycle.stores.stored import Record, micros, sqlite_micros
from lifecycle.stores.view_store import Cursor
from lifecycle.views.projector import Projector
from lifecycle.views.report.view import ReportView
from tests.generated import populate

Opener = Callable[[], Lifecycle]
TABLES = {
    "report_complaints": "complaint_id",
    "report_steps": "complaint_id, version",
    "lifecycle_deadlines": "complaint_id",
}


def snapshot(app: Lifecycle) -> dict[str, list[tuple[Any, ...]]]:
    return {t: [tuple(r) for r in app.tables.query(f"SELECT * FROM {t} ORDER BY {k}")] for t, k in TABLES.items()}


def test_rebuild_equals_incremental(open_app: Opener) -> None:
    app = open_app()
    populate(app, 25, seed=1, advance=False)
    for month in ("2023-02-01", "2023-05-01", "2023-08-01", "2023-11-01"):  # catch up between writes
        app.advance(month)
        app.report(as_of="2024-01-01")
        app.projections.deadlines.catch_up()
    app.advance("2025-06-01")
    app.report()
    app.projections.deadlines.catch_up()
    incremental = snapshot(app)
    assert len(incremental["report_steps"]) == app.recorder.max_notification_id()  # one row per event
    report_before = app.report(as_of="2024-06-30").as_dict()
    app.projections.report.rebuild()
    app.projections.deadlines.rebuild()
    assert snapshot(app) == incremental
    assert app.report(as_of="2024-06-30").as_dict() == report_before
    other = open_app()  # another process sees the same views
    assert other.report(as_of="2024-06-30").as_dict() == report_before


class Crashing:
    """The report view, failing in the middle of its third batch (after writing part of it)."""

    name = "report"
    schema = ReportView.schema

    def __init__(self, view: ReportView) -> None:
        self.view, self.batches = view, 0

    def create(self, cursor: Cursor) -> None:
        self.view.create(cursor)

    def clear(self, cursor: Cursor) -> None:
        self.view.clear(cursor)

    def drop(self, cursor: Cursor) -> None:
        self.view.drop(cursor)

    def apply(self, cursor: Cursor, records: Sequence[Record]) -> None:
        self.batches += 1
        self.view.apply(cursor, records[: len(records) // 2])
        if self.batches == 3:
            raise OSError("killed mid-batch")
        self.view.apply(cursor, records[len(records) // 2 :])


def test_an_interrupted_projection_resumes_without_double_counting(open_app: Opener) -> None:
    writer = open_app()
    populate(writer, 60, seed=3)
    crashing = Crashing(ReportView())
    runner = Projector(writer, writer.tables, crashing, batch_size=25)
    with pytest.raises(OSError):
        runner.rebuild()
    assert runner.position() == 50  # two whole batches, nothing of the third
    resumed = open_app()  # a new process picks up from the stored position
    taken = resumed.projections.report.catch_up()
    last = resumed.recorder.max_notification_id()
    assert last is not None
    assert taken == last - 50
    steps = resumed.tables.query("SELECT COUNT(*), COUNT(DISTINCT complaint_id || ':' || version) FROM report_steps")
    assert steps[0][0] == steps[0][1]
    after_resume = snapshot(resumed)["report_steps"]
    resumed.projections.report.rebuild()
    assert snapshot(resumed)["report_steps"] == after_resume


def test_sqlite_in_sql_and_python_paths_write_the_same_view(tmp_path: object) -> None:
    in_sql = Lifecycle(f"{tmp_path}/sql.db")
    in_python = Lifecycle("memory://")  # views in SQLite too, fed through Python from the recorder
    assert in_sql.tables.events_table and not in_python.tables.events_table
    for app in (in_sql, in_python):
        populate(app, 80, seed=11, advance=False)  # some deadlines stay pending
        app.projections.report.catch_up()
        app.projections.deadlines.catch_up()
    tables = ("report_complaints", "report_steps", "lifecycle_deadlines")
    snap = [{t: v for t, v in snapshot(app).items() if t in tables} for app in (in_sql, in_python)]
    assert snap[0] == snap[1] and len(snap[0]["report_steps"]) > 200 and len(snap[0]["lifecycle_deadlines"]) > 5
    assert in_sql.report(as_of="2024-06-30").as_dict() == in_python.report(as_of="2024-06-30").as_dict()
    in_sql.close()
    in_python.close()


def test_sqlite_reads_a_time_to_the_microsecond_as_python_does() -> None:
    texts = ["2020-03-20T23:59:59.999999-04:00", "2020-03-20T23:59:59.500000+00:00", "2014-11-04T00:00:00-05:00"]
    with sqlite3.connect(":memory:") as connection:
        for text in texts:
            (found,) = connection.execute(f"SELECT {sqlite_micros(':t')}", {"t": text}).fetchone()
            assert found == micros(datetime.fromisoformat(text)), text  # unixepoch() alone rounds .999999 up

"""The report view's layout: a store of the first layout is rebuilt on first use (refused when read-only), the
rows it gives back as texts are those of the log, and a report's figures do not depend on the order its
complaints are folded in."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lifecycle import Lifecycle
from lifecycle.stores.view_store import ReadOnlyStore
from lifecycle.views.report.figures import figures
from lifecycle.views.report.query import as_of
from lifecycle.views.report.view import ReportView
from tests.generated import populate

Opener = Callable[[], Lifecycle]
FIRST_LAYOUT = (
    "CREATE TABLE report_complaints (complaint_id TEXT PRIMARY KEY, reference TEXT NOT NULL, business TEXT NOT NULL, "
    "complaint_type TEXT NOT NULL, profile TEXT NOT NULL, filed_at BIGINT NOT NULL, sub_type TEXT, issue TEXT)",
    "CREATE TABLE report_steps (complaint_id TEXT NOT NULL, version INTEGER NOT NULL, at BIGINT NOT NULL, "
    "event TEXT NOT NULL, state TEXT NOT NULL, deadline TEXT, due_on TEXT, actor TEXT NOT NULL, timely INTEGER, "
    "timing TEXT, by_whom TEXT, PRIMARY KEY (complaint_id, version))",
    "INSERT INTO report_complaints VALUES ('x', 'X-1', 'Stale Rows', 'Other', 'bbb', 0, NULL, NULL)",
    "UPDATE lifecycle_positions SET schema = 5 WHERE view = 'report'",
)
"""The tables of schema 5 (one row of text per step), as a store written by the previous version holds them."""


def first_layout(app: Lifecycle) -> None:
    """Put the store's report view back to the previous version's layout, with a stale row in it."""
    with app.tables.transaction() as cursor:
        ReportView().drop(cursor)
        for statement in FIRST_LAYOUT:
            cursor.execute(statement)


def test_a_store_of_the_previous_layout_is_rebuilt_on_first_use(open_app: Opener) -> None:
    app = open_app()
    populate(app, 20, seed=3)
    before = app.report(as_of="2025-01-01", years=None).as_dict()
    steps = app.tables.query("SELECT * FROM report_steps ORDER BY complaint_id, version")
    first_layout(app)
    assert app.tables.query("SELECT COUNT(*) FROM report_steps") == [(0,)]
    again = open_app()  # the next process finds schema 5: drops those tables, makes its own, takes the log in
    assert again.report(as_of="2025-01-01", years=None).as_dict() == before
    assert again.tables.query("SELECT * FROM report_steps ORDER BY complaint_id, version") == steps
    assert ("Stale Rows",) not in again.tables.query("SELECT business FROM report_complaints")


def test_a_read_only_store_of_the_previous_layout_is_refused_in_words(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    app = Lifecycle(str(db))
    populate(app, 3, seed=3)
    app.report()
    first_layout(app)
    app.close()
    reader = Lifecycle(f"{db}?mode=ro")
    with pytest.raises(ReadOnlyStore, match=r"report view has the layout of another version \(5; this one reads 6\)"):
        reader.report()
    reader.close()


def test_the_rows_as_texts_are_the_log_s(open_app: Opener) -> None:
    app = open_app()
    populate(app, 12, seed=5)
    app.report()
    events = app.recorder.max_notification_id()
    steps = app.tables.query("SELECT complaint_id, version, event, state, actor FROM report_steps")
    assert len(steps) == events and len({(s[0], s[1]) for s in steps}) == events
    for complaint_id, version, event, state, actor in steps:
        history = app.history(app.tables.query(
            "SELECT reference FROM report_complaints WHERE complaint_id = ?", (complaint_id,))[0][0])  # fmt: skip
        entry = history[version - 1]
        assert (entry.event, entry.state_after, entry.actor) == (event, state, actor)


def test_the_figures_do_not_depend_on_the_order_complaints_are_folded_in(open_app: Opener) -> None:
    app = open_app()
    populate(app, 60, seed=11)
    app.report()
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    rows = as_of(app.tables, app.profiles, moment)
    ordered = figures(rows, moment, app.profiles, None, None).as_dict()
    assert any(len(statuses) > 1 for statuses in ordered["by_month"].values())  # an order to get wrong
    for seed in range(5):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        assert shuffled != rows
        found = figures(shuffled, moment, app.profiles, None, None).as_dict()
        assert found == ordered
        assert [list(m) for m in found["by_month"].values()] == [list(m) for m in ordered["by_month"].values()]

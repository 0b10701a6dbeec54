"""Tamper evidence on SQLite and PostgreSQL: rows edited, deleted or reordered in the store are caught."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner

from lifecycle import Lifecycle
from lifecycle.cli import main
from tests.generated import populate

Opener = Callable[[], Lifecycle]


def events_table(app: Lifecycle) -> tuple[str, str]:
    """The stored events table and its notification id column, per store."""
    if app.database.kind == "sqlite":
        return "stored_events", "rowid"
    return f'"{app.database.schema}".lifecycle_events', "notification_id"


def tamper(app: Lifecycle, statement: str, params: tuple[object, ...] = ()) -> None:
    with app.tables.transaction() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def store(open_app: Opener) -> Lifecycle:
    app = open_app()
    populate(app, 12, seed=2)
    app.projections.report.catch_up()
    assert app.verify() == (app.recorder.max_notification_id(), None)
    return app


def target(app: Lifecycle, nth: int) -> tuple[str, int, int]:
    """The reference, version and notification id of the nth stored event."""
    table, key = events_table(app)
    [(oid, version, nid)] = app.tables.query(
        f"SELECT originator_id, originator_version, {key} FROM {table} ORDER BY {key} LIMIT 1 OFFSET ?", (nth,)
    )
    [(reference,)] = app.tables.query(
        "SELECT reference FROM report_complaints WHERE complaint_id = ?", (str(oid).replace("-", ""),)
    )
    return reference, version, nid


def test_an_edited_event_is_named(store: Lifecycle) -> None:
    reference, version, nid = target(store, 20)
    table, key = events_table(store)
    tamper(store, f"UPDATE {table} SET state = ? WHERE {key} = ?", (b'{"forged": true}', nid))
    checked, broken = store.verify()
    assert checked == 20 and broken == f"complaint {reference} version {version}: event changed after it was recorded"


def test_a_deleted_event_is_named(store: Lifecycle) -> None:
    reference, version, nid = target(store, 7)
    table, key = events_table(store)
    tamper(store, f"DELETE FROM {table} WHERE {key} = ?", (nid,))
    assert store.verify() == (7, f"complaint {reference} version {version}: event missing from the store")


def test_reordered_events_are_named(store: Lifecycle) -> None:
    first, second = target(store, 30), target(store, 31)
    table, key = events_table(store)
    [(a,)] = store.tables.query(f"SELECT state FROM {table} WHERE {key} = ?", (first[2],))
    [(b,)] = store.tables.query(f"SELECT state FROM {table} WHERE {key} = ?", (second[2],))
    tamper(store, f"UPDATE {table} SET state = ? WHERE {key} = ?", (b, first[2]))
    tamper(store, f"UPDATE {table} SET state = ? WHERE {key} = ?", (a, second[2]))
    checked, broken = store.verify()
    assert checked == 30 and broken is not None and broken.startswith(f"complaint {first[0]} version {first[1]}:")


def test_an_edited_link_is_named(store: Lifecycle) -> None:
    reference, version, nid = target(store, 3)
    tamper(store, "UPDATE lifecycle_chain SET link = ? WHERE id = ?", ("f" * 64, nid))
    assert store.verify() == (3, f"complaint {reference} version {version}: chain link changed")


def test_the_verify_command(store: Lifecycle, store_url: str) -> None:
    ok = CliRunner().invoke(main, ["verify", "--db", store_url])
    assert ok.exit_code == 0 and ok.stdout.startswith(f"{store.recorder.max_notification_id()} links verified")
    _, _, nid = target(store, 5)
    table, key = events_table(store)
    tamper(store, f"DELETE FROM {table} WHERE {key} = ?", (nid,))
    broken = CliRunner().invoke(main, ["verify", "--db", store_url])
    assert broken.exit_code == 1 and "BROKEN after 5 good links: complaint" in broken.stderr

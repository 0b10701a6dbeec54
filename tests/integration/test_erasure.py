"""Personal data sealed at rest; erasure by complaint or consumer on SQLite and PostgreSQL; verify still passes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from lifecycle import InvalidInput, Lifecycle
from lifecycle.cli import main
from lifecycle.stores.keys import ERASED

Opener = Callable[[], Lifecycle]
SECRETS = ("Jane Roe", "jane@example.com", "order 998877", "John Poe")


def stored_bytes(app: Lifecycle) -> bytes:
    if app.database.kind == "sqlite":
        rows = app.tables.query("SELECT state FROM stored_events")
    else:
        rows = app.tables.query(f'SELECT state FROM "{app.database.schema}".lifecycle_events')
    return b"".join(bytes(r[0]) for r in rows)


def cli(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def store(open_app: Opener) -> Lifecycle:
    app = open_app()
    app.file("Shop", "Billing Issues", "2024-03-04", "jane-1", consumer="Jane Roe", text="Jane Roe, order 998877")
    app.respond("jane-1", "2024-03-05", "Dear Jane Roe, we wrote to jane@example.com")
    app.file("Shop", "Billing Issues", "2024-03-06", "jane-2", consumer="jane  roe", text="Second one, Jane Roe")
    app.file("Shop", "Billing Issues", "2024-03-06", "john-1", consumer="John Poe", text="John Poe here")
    return app


def test_personal_data_is_never_stored_in_clear(store: Lifecycle) -> None:
    raw = stored_bytes(store)
    assert raw and not [s for s in SECRETS if s.encode() in raw]
    assert store.history("jane-1")[1].text == "Dear Jane Roe, we wrote to jane@example.com"


def test_erasing_a_complaint(store: Lifecycle, store_url: str, open_app: Opener) -> None:
    assert store.erase(reference="jane-1") == 1
    other = open_app()  # another process: nothing cached anywhere
    steps = other.history("jane-1")
    assert steps[0].facts["consumer"] == ERASED and [s.text for s in steps] == [ERASED, ERASED]
    assert other.get("jane-2").consumer == "jane  roe"  # the consumer's other complaint stays
    for output in (
        cli(store_url, "history", "jane-1", "--unredacted", "--json"),
        cli(store_url, "export", "--unredacted"),
        cli(store_url, "audit", "--json"),
        cli(store_url, "report", "--format", "json", "--as-of", "2024-12-31"),
    ):
        assert "998877" not in output and "jane@example.com" not in output
    exported = [json.loads(line) for line in cli(store_url, "export", "--unredacted").splitlines()]
    assert {e["reference"] for e in exported if e["text"] == ERASED} == {"jane-1"}
    assert other.verify().intact and other.verify().links == other.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match="was erased"):
        other.reject("jane-1", "2024-03-07", "new personal text")
    other.accept("jane-1", "2024-03-07")  # the lifecycle goes on without text
    assert other.status("jane-1") == "Resolved"


def test_erasing_a_consumer(store: Lifecycle) -> None:
    assert store.erase(consumer="JANE ROE") == 2
    assert store.get("jane-1").consumer == ERASED and store.get("jane-2").text == ERASED
    assert store.get("john-1").consumer == "John Poe"
    assert store.verify().intact
    with pytest.raises(InvalidInput):
        store.erase()

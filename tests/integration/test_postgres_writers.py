"""PostgreSQL writers at once: reads and starts never wait behind the events table's lock, the lock is released
before a commit waits for the disk, and a reader tailing the log while writers commit skips no event."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from lifecycle import Lifecycle
from lifecycle.stores import linked_postgres as linked

from ..conftest import POSTGRES

CLI = [sys.executable, "-c", "from lifecycle.cli import main; main()"]


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


@contextmanager
def table_lock(url: str, mode: str) -> Iterator[None]:
    """Another connection holding a lock on the store's events table, in a transaction left open until the end."""
    with psycopg.connect(POSTGRES) as holder:
        holder.execute(f'LOCK TABLE "{schema_of(url)}".lifecycle_events IN {mode} MODE')
        try:
            yield
        finally:
            holder.rollback()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line; 30 s at most (the lock it runs beside is held until it ends)."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=30)


def test_reads_finish_while_another_process_holds_the_events_table_lock(postgres_url: str) -> None:
    app = Lifecycle(postgres_url)
    app.file("Acme", "Billing Issues", "2024-03-04", "R-1")
    app.respond("R-1", "2024-03-05", "Refunded")
    app.close()  # the views have not taken the two events in: report and history --as-of catch up under the lock
    with table_lock(postgres_url, "EXCLUSIVE"):  # what eventsourcing's writers take, held until the reads end
        history = cli("history", "R-1", "--json", "--db", postgres_url)
        as_of = cli("history", "R-1", "--as-of", "2024-03-04", "--json", "--db", postgres_url)
        report = cli("report", "--format", "json", "--db", postgres_url)
        show = cli("show", "R-1", "--json", "--db", postgres_url)
    for done in (history, as_of, report, show):
        assert done.returncode == 0, done.stderr
    assert [e["event"] for e in json.loads(history.stdout)["events"]] == ["filed", "responded"]
    assert [e["event"] for e in json.loads(as_of.stdout)["events"]] == ["filed"]
    acme = json.loads(report.stdout)["businesses"][0]
    assert (acme["business"], acme["complaints"], acme["response_rate"]) == ("Acme", 1, 1.0)
    assert json.loads(show.stdout)["state"] == "awaiting_consumer"


def test_a_start_on_an_existing_schema_takes_no_lock_on_the_events_table(postgres_url: str) -> None:
    Lifecycle(postgres_url).close()  # the tables are made
    opened = "from lifecycle import Lifecycle; import sys; Lifecycle(sys.argv[1]).close(); print('opened')"
    with table_lock(postgres_url, "ACCESS EXCLUSIVE"):  # any lock on the table at all would wait for this one
        done = subprocess.run([sys.executable, "-c", opened, postgres_url], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "opened\n"), done.stderr


REFUSED = "DO $$ BEGIN RAISE insufficient_privilege; END $$"
"""What running pg_logical_emit_message says to a role a DBA revoked it from."""


@pytest.mark.parametrize("refused", [False, True], ids=["flush", "flush-refused"])
def test_the_table_lock_is_released_before_a_commit_waits_for_the_disk(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, refused: bool
) -> None:
    if refused:
        monkeypatch.setattr(linked, "FLUSH", REFUSED)
    app = Lifecycle(postgres_url)
    seen: list[tuple[bool, bool, bool]] = []
    flush = linked.durable
    table = f'"{schema_of(postgres_url)}".lifecycle_events'

    def spy(*args: Any) -> None:
        with psycopg.connect(POSTGRES) as other:
            committed = other.execute(f"SELECT count(*) FROM {table}").fetchone()
            try:  # NOWAIT: refused at once if the writer still held the table
                other.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE NOWAIT")
                free = True
            except psycopg.errors.LockNotAvailable:
                free = False
            other.rollback()
            wrote = other.execute("SELECT pg_current_wal_insert_lsn()").fetchone()
            flush(*args)
            on_disk = other.execute("SELECT pg_current_wal_flush_lsn() >= %s", wrote).fetchone()
        seen.append((bool(committed and committed[0]), free, bool(on_disk and on_disk[0])))

    monkeypatch.setattr(linked, "durable", spy)
    app.file("Acme", "Billing Issues", "2024-03-04", "R-1")
    app.respond("R-1", "2024-03-05")
    assert [s.event for s in app.history("R-1")] == ["filed", "responded"]
    assert getattr(app.recorder.datastore, "lifecycle_fallback", False) is refused  # type: ignore[attr-defined]
    app.close()
    # each save: committed and the lock free before the wait; once it returns, everything written before is on disk
    assert seen == [(True, True, True), (True, True, True)]


def test_a_reader_tailing_the_log_while_four_writers_commit_skips_no_event(postgres_url: str) -> None:
    Lifecycle(postgres_url).close()
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            app = Lifecycle(postgres_url)
            start = app.profile("bbb").instant("2024-03-04")
            for n in range(12):
                ref = app.file("Acme", "Billing Issues", start, f"W{worker}-{n}")
                app.respond(ref, start + timedelta(hours=1))
                app.reject(ref, start + timedelta(hours=2))
            app.close()
        except BaseException as error:  # pragma: no cover - reported by the assertion below
            failures.append(error)

    reader = Lifecycle(postgres_url)
    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    seen: list[int] = []
    while True:  # as a view does: after the last id taken, never again before it
        finished = not any(t.is_alive() for t in writers)
        got = reader.recorder.select_notifications(start=seen[-1] if seen else 0, limit=50, inclusive_of_start=False)
        seen.extend(n.id for n in got)
        if finished and not got:
            break
    reader.close()
    assert failures == []
    after = Lifecycle(postgres_url)
    everything = [n.id for n in after.recorder.select_notifications(start=1, limit=1_000)]
    after.close()
    assert len(everything) == 4 * 12 * 3
    assert seen == everything

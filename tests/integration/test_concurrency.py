"""Commands started together, on the real CLI and the real servers: tables made once, losers retried, exit 4;
and the planner's statistics refreshed after bulk writes."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import OperationalError

from lifecycle import Lifecycle
from lifecycle.cli.base import BUSY, locked
from lifecycle.cli.main import BUSY as EPILOG_BUSY
from lifecycle.importers.cfpb.importer import import_files
from lifecycle.stores.schema import LOCK_SPACE
from lifecycle.stores.view_store import ANALYZE_AFTER

from ..conftest import POSTGRES

DATA = Path(__file__).resolve().parents[1] / "data" / "cfpb"
CLI = [sys.executable, "-c", "from lifecycle.cli import main; main()"]
NO_STORE, UNKNOWN = "no store at", "unknown complaint"


def start(*args: str) -> subprocess.Popen[str]:
    """The real command line, started and left running."""
    return subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def small_export(tmp_path: Path, rows: int = 120) -> Path:
    """The first `rows` rows of a bundled CFPB export, as a file of its own (named by `rows`)."""
    with (DATA / "cfpb-2013-2017.csv").open(newline="", encoding="utf-8") as source:
        lines = list(csv.reader(source))[: rows + 1]
    path = tmp_path / f"first-{rows}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(lines)
    return path


@pytest.fixture
def fresh_schemas() -> Iterator[list[str]]:
    """Fresh schema URLs made on demand (append a name), each dropped afterwards."""
    names: list[str] = []
    yield names
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def fresh(names: list[str]) -> str:
    """The URL of a schema nobody has used yet."""
    names.append(f"t_{uuid.uuid4().hex[:12]}")
    return f"{POSTGRES}?schema={names[-1]}"


def test_eight_commands_started_together_on_a_fresh_schema_all_succeed(
    tmp_path: Path, fresh_schemas: list[str]
) -> None:
    export = small_export(tmp_path)
    for _ in range(3):
        db = fresh(fresh_schemas)
        commands = [
            ["show", "C-000001"],
            ["file", "--business", "Acme", "--type", "Billing Issues", "--at", "2024-03-04"],
            ["import", "cfpb", str(export), "--json"],
            ["report"],
            ["due"],
            ["advance", "--to", "2024-06-01"],
            ["file", "--business", "Bolt", "--type", "Billing Issues", "--at", "2024-03-05"],
            ["import", "cfpb", str(export), "--json"],
        ]
        processes = [start(*command, "--db", db) for command in commands]
        done = [(command, *process.communicate(timeout=120), process.returncode) for command, process in
                zip(commands, processes, strict=True)]  # fmt: skip
        for command, _, err, code in done:
            readers_before_any_store = code == 2 and command[0] in ("show", "report", "due", "advance")
            assert code == 0 or (readers_before_any_store and (NO_STORE in err or UNKNOWN in err)), (command, err)
        imports = [json.loads(out) for command, out, _, _ in done if command[0] == "import"]
        assert sorted(result["filed"] for result in imports) == [0, 120]  # one files them; the other finds them
        assert [result["unchanged"] for result in imports if not result["filed"]] == [120]
        events = sum(result["events"] for result in imports)
        assert recorded(db) == events + 2 * 1 + _advanced(done)  # nothing twice


def recorded(db: str) -> int:
    """How many events the store holds (PostgreSQL's notification ids have gaps where an insert failed)."""
    app = Lifecycle(db)
    count = int(app.tables.query(f"SELECT count(*) FROM {app.tables.events_table or 'lifecycle_events'}")[0][0])
    app.close()
    return count


def _advanced(done: list[tuple[list[str], str, str, int]]) -> int:
    """How many events the advance in `done` recorded (0 when it found no store)."""
    out = next(out for command, out, _, code in done if command[0] == "advance")
    return int(out.split()[1]) if out.startswith("recorded") else 0


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_two_imports_of_one_file_started_together_record_its_events_once(
    kind: str, tmp_path: Path, fresh_schemas: list[str]
) -> None:
    db = str(tmp_path / "twice.db") if kind == "sqlite" else fresh(fresh_schemas)
    source = DATA / "cfpb-2014-10-11.csv"
    processes = [start("import", "cfpb", str(source), "--json", "--db", db) for _ in range(2)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err[-300:] for _, err in outputs]
    first, second = (json.loads(out) for out, _ in outputs)
    rows = first["rows"]
    assert first["filed"] + second["filed"] == rows  # each complaint filed by one of them
    assert first["unchanged"] + second["unchanged"] == rows  # and found already recorded by the other
    assert first["updated"] == second["updated"] == 0
    assert recorded(db) == first["events"] + second["events"]
    alone = Lifecycle("memory://")
    assert import_files(alone, [source]).events == first["events"] + second["events"]
    alone.close()


ALWAYS_TAKEN = """
CREATE FUNCTION "{schema}".another_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint "lifecycle_events_pkey"';
END $$;
CREATE TRIGGER another_writer BEFORE INSERT ON "{schema}".lifecycle_events
    FOR EACH ROW EXECUTE FUNCTION "{schema}".another_writer();
"""
"""Every insert into the events fails as it does when another writer recorded that version first."""


def test_a_writer_that_loses_every_try_exits_4_and_records_nothing(tmp_path: Path, fresh_schemas: list[str]) -> None:
    db = fresh(fresh_schemas)
    app = Lifecycle(db)
    ref = app.file("Acme", "Billing Issues", "2024-03-04")
    app.close()
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(ALWAYS_TAKEN.format(schema=fresh_schemas[-1]))
        started = time.monotonic()
        record = subprocess.run([*CLI, "record", ref, "responded", "--at", "2024-03-05", "--db", db],
                                capture_output=True, text=True, check=False)  # fmt: skip
        took = time.monotonic() - started
        imported = subprocess.run([*CLI, "import", "cfpb", str(small_export(tmp_path)), "--db", db],
                                  capture_output=True, text=True, check=False)  # fmt: skip
        count = conn.execute(f'SELECT count(*) FROM "{fresh_schemas[-1]}".lifecycle_events').fetchone()
    assert record.returncode == 4, record.stderr
    assert record.stderr.startswith(f"error: busy: complaint {ref}: changed by another writer at every try")
    assert record.stderr.count("\n") == 1 and "Traceback" not in record.stderr
    assert 0.05 < took < 30  # it paused between tries, and gave up within its budget
    assert imported.returncode == 4, imported.stderr[-500:]
    assert "another writer kept recording the same complaints through every retry; 120 rows" in imported.stderr
    assert count == (1,)  # the filing alone: neither the response nor any imported row


def test_a_start_waits_for_the_process_making_the_tables_and_an_ordinary_start_takes_no_lock(
    fresh_schemas: list[str],
) -> None:
    db = fresh(fresh_schemas)
    with psycopg.connect(POSTGRES, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (LOCK_SPACE, fresh_schemas[-1]))
        waiting = start("file", "--business", "Acme", "--type", "Billing Issues", "--at", "2024-03-04", "--db", db)
        time.sleep(3)
        assert waiting.poll() is None  # the schema's tables are missing: it waits for whoever makes them
        holder.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (LOCK_SPACE, fresh_schemas[-1]))
        out, err = waiting.communicate(timeout=60)
        assert (waiting.returncode, out) == (0, "C-000001\n"), err
        holder.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (LOCK_SPACE, fresh_schemas[-1]))
        with psycopg.connect(POSTGRES) as writer:  # a writer mid-transaction: any CREATE INDEX would wait for it
            for table in ("lifecycle_events", "lifecycle_keys", "lifecycle_deadlines", "report_complaints"):
                writer.execute(f'LOCK TABLE "{fresh_schemas[-1]}".{table} IN ROW EXCLUSIVE MODE')
            shown = subprocess.run([*CLI, "show", "C-000001", "--db", db], capture_output=True, text=True, timeout=30)
            writer.rollback()
        assert shown.returncode == 0, shown.stderr  # every table exists: no DDL, no lock, no wait


def test_a_database_that_stays_locked_is_busy_and_other_failures_are_not(
    tmp_path: Path, fresh_schemas: list[str]
) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as sqlite_locked:
        sqlite3.connect(path, timeout=0).execute("INSERT INTO t VALUES (1)")
    holder.execute("ROLLBACK")
    with pytest.raises(sqlite3.OperationalError) as not_locked:
        holder.execute("SELECT * FROM no_such_table")
    fresh(fresh_schemas)
    table = f'"{fresh_schemas[-1]}".t'
    with psycopg.connect(POSTGRES) as first, psycopg.connect(POSTGRES) as second:
        first.execute(f'CREATE SCHEMA "{fresh_schemas[-1]}"')
        first.execute(f"CREATE TABLE {table} (x int)")
        first.commit()
        first.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        second.execute("SET lock_timeout = '50ms'")
        with pytest.raises(psycopg.Error) as postgres_locked:
            second.execute(f"SELECT count(*) FROM {table}")
    wrapped = OperationalError("wrapped")
    wrapped.__cause__ = sqlite_locked.value  # as eventsourcing raises it: `raise ... from error`
    assert [locked(e) for e in (sqlite_locked.value, postgres_locked.value, wrapped)] == [True, True, True]
    assert not locked(not_locked.value)
    assert BUSY == EPILOG_BUSY == 4  # the epilog's number is the one the commands exit with


def test_a_bulk_import_leaves_fresh_planner_statistics_and_a_small_one_does_not(
    tmp_path: Path, fresh_schemas: list[str]
) -> None:
    db = fresh(fresh_schemas)

    def import_rows(rows: int) -> int:
        done = subprocess.run([*CLI, "import", "cfpb", str(small_export(tmp_path, rows)), "--json", "--db", db],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return int(json.loads(done.stdout)["events"])

    def estimated() -> dict[str, float]:
        with psycopg.connect(POSTGRES) as conn:
            rows = conn.execute(
                "SELECT relname, reltuples FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
                "WHERE nspname = %s AND relname IN ('lifecycle_events', 'report_events')",
                (fresh_schemas[-1],),
            ).fetchall()
        return dict(rows)

    assert import_rows(100) < ANALYZE_AFTER
    assert all(tuples <= 0 for tuples in estimated().values())  # never analyzed: the planner guesses
    assert import_rows(1000) >= ANALYZE_AFTER
    events = recorded(db)
    assert estimated() == {"lifecycle_events": events, "report_events": events}  # ANALYZE counted them

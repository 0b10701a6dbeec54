"""Import throughput on the five CFPB exports, beside eventsourcing's batched save and raw sqlite3 inserts.

All three read the same CSV files with the csv module and write a fresh SQLite file (WAL,
synchronous=NORMAL) in batches of 2,000 rows:

- raw: each CSV row inserted as it is into a table of text columns (no events, no checks);
- eventsourcing: a plain aggregate per row with as many events as the import records for that row,
  carrying the row's fields, saved with `Application.save(*aggregates)` per batch;
- lifecycle: `Importer.run` (rows checked by the cfpb rule table, events recorded), then the views
  (report, deadline index) caught up, timed apart (the hash chain is written with the events);
- aggregate path: every row through the `Complaint` aggregate (`file_row`) and `Lifecycle.save(*complaints)`
  per batch, views timed apart as for the import: the one write path the template path stands in for;
- store floor: the very event rows the import stored, read back and inserted again with raw sqlite3
  `executemany` into an empty table of eventsourcing's layout, in the same batches: what writing
  these events costs before any Python work at all.

    python -m benchmarks.cfpb_import [--runs 3]
    python -m benchmarks.cfpb_import --postgres postgresql://postgres@127.0.0.1:5432/test [--runs 2]

With `--postgres`, only the import and its views are timed, each run in a fresh schema (dropped after).
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from lifecycle import Lifecycle, LifecycleError
from lifecycle.importers.cfpb.export import Dates, ExportRow, read
from lifecycle.importers.cfpb.importer import Importer
from lifecycle.importers.cfpb.mapping import Moments, file_row
from lifecycle.profiles import CFPB

DATA = Path(__file__).parents[1] / "tests" / "data" / "cfpb"  # a copy of ../shared/data/cfpb
BATCH = 2_000


class Row(Aggregate):
    """A plain aggregate holding one export row, with a further event per step the import records."""

    @event("Received")
    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    @event("Stepped")
    def step(self, name: str, on: str) -> None:
        self.last = (name, on)


def files() -> list[Path]:
    return sorted(DATA.glob("*.csv"))


def raw(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    rows = 0
    for number, path in enumerate(files()):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            width = len(header)
            con.execute(f"CREATE TABLE t{number} ({', '.join(f'c{i} TEXT' for i in range(width))})")
            insert = f"INSERT INTO t{number} VALUES ({', '.join('?' * width)})"
            batch: list[list[str]] = []
            for row in reader:
                if len(row) == width:
                    batch.append(row)
                if len(batch) == BATCH:
                    con.execute("BEGIN")
                    con.executemany(insert, batch)
                    con.execute("COMMIT")
                    rows, batch = rows + len(batch), []
            con.execute("BEGIN")
            con.executemany(insert, batch)
            con.execute("COMMIT")
            rows += len(batch)
    con.close()
    return rows, rows


def steps(record: dict[str, str]) -> list[tuple[str, str]]:
    """As many further events as the import records for this row."""
    response = record.get("Company response") or record.get("Company response to consumer") or ""
    out = [("sent", record["Date sent to company"]), (response, "")]
    if record["Timely response?"] == "No" and response not in ("Untimely response",):
        out.append(("lapsed", ""))
    if record.get("Consumer disputed?") == "Yes":
        out.append(("disputed", ""))
    return out


def batched_save(db: Path) -> tuple[int, int]:
    app: Application[Any] = Application(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db), "SQLITE_LOCK_TIMEOUT": "30"}
    )
    rows = events = 0
    for path in files():
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            batch = []
            for fields in reader:
                if len(fields) != len(header):
                    continue
                record = dict(zip(header, fields, strict=True))
                aggregate = Row(record)
                for name, on in steps(record):
                    aggregate.step(name, on)
                batch.append(aggregate)
                events += 1 + len(steps(record))
                if len(batch) == BATCH:
                    app.save(*batch)
                    rows, batch = rows + len(batch), []
            app.save(*batch)
            rows += len(batch)
    app.close()
    return rows, events


def floor(db: Path) -> tuple[int, int, float]:
    """Insert the events a lifecycle import stored (in `db`) again, into a fresh table of the same layout."""
    with sqlite3.connect(db) as source:
        stored = source.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
    target = db.with_name(db.stem + "-floor.db")
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version))"
    )
    rows = sum(1 for row in stored if row[1] == 1)
    per_batch = round(len(stored) / rows * BATCH)
    started = time.perf_counter()
    for start in range(0, len(stored), per_batch):
        con.execute("BEGIN")
        con.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", stored[start : start + per_batch])
        con.execute("COMMIT")
    seconds = time.perf_counter() - started
    con.close()
    return rows, len(stored), seconds


def without_views(app: Lifecycle) -> Lifecycle:
    """The application with its views left behind (they are caught up, and timed, apart)."""
    for view in (app.projections.report, app.projections.deadlines):
        view.catch_up = lambda *a, **k: 0  # type: ignore[method-assign]
    return app


def aggregate_path(db: Path) -> tuple[int, int, float]:
    """Every row through the Complaint aggregate and the application's batched save; rows, events, seconds."""
    app = without_views(Lifecycle(str(db)))
    moments, dates = Moments(CFPB), Dates()
    rows = events = 0
    started = time.perf_counter()
    for path in files():
        batch = []
        for row in read(path, dates):
            if not isinstance(row, ExportRow):
                continue
            try:
                batch.append(file_row(row, moments))
            except LifecycleError:
                continue
            if len(batch) == BATCH:
                events += len(app.save(*batch))
                rows, batch = rows + len(batch), []
        events += len(app.save(*batch))
        rows += len(batch)
    seconds = time.perf_counter() - started
    app.close()
    return rows, events, seconds


def lifecycle(db: Path) -> tuple[Any, ...]:
    app = without_views(Lifecycle(str(db)))
    importer = Importer(app)
    result = importer.run(files())
    app.close()
    app = Lifecycle(str(db))
    started = time.perf_counter()
    for view in (app.projections.report, app.projections.deadlines):
        view.catch_up()
    views_seconds = time.perf_counter() - started
    app.close()
    return result.rows - len(result.bad), result.events, views_seconds, floor(db), result.seconds


def postgres(url: str) -> tuple[float, float, float]:
    """The import (views left behind) and then its views on PostgreSQL: rows/s, import and views seconds."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    app = Lifecycle(f"{url}?schema={schema}")
    projectors = (app.projections.report, app.projections.deadlines)
    catch_ups = [p.catch_up for p in projectors]
    without_views(app)
    result = Importer(app).run(files())
    started = time.perf_counter()
    for catch_up in catch_ups:
        catch_up()
    views = time.perf_counter() - started
    app.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return result.rows / result.seconds, result.seconds, views


def timed(run: Any, directory: Path, name: str) -> tuple[float, tuple[Any, ...]]:
    db = directory / f"{name}-{time.perf_counter_ns()}.db"
    started = time.perf_counter()
    out = run(db)
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL: time the import and its views there only")
    arguments = parser.parse_args()
    runs = arguments.runs
    if arguments.postgres:
        measured = [postgres(arguments.postgres) for _ in range(runs)]
        rate, seconds, views = (statistics.median(m[i] for m in measured) for i in range(3))
        print(
            f"PostgreSQL, median of {runs} runs: import {seconds:.2f} s ({rate:,.0f} rows/s), its views {views:.2f} s"
        )
        return
    with tempfile.TemporaryDirectory() as directory:
        results: dict[str, list[tuple[float, tuple[Any, ...]]]] = {
            "raw": [],
            "eventsourcing": [],
            "aggregate path": [],
            "lifecycle": [],
        }
        writers = (
            ("raw", raw),
            ("eventsourcing", batched_save),
            ("aggregate path", aggregate_path),
            ("lifecycle", lifecycle),
        )
        for _ in range(runs):
            for name, run in writers:
                results[name].append(timed(run, Path(directory), name))
                for leftover in Path(directory).glob("*.db*"):
                    os.remove(leftover)
    print(f"CFPB exports: {len(files())} files; median of {runs} runs; batches of {BATCH:,} rows")
    print("| writer | rows | events | seconds | rows/s | events/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    rates = {}
    for name, found in results.items():
        seconds = statistics.median(s for s, _ in found)
        rows, events = found[0][1][0], found[0][1][1]
        if name == "lifecycle":  # the import alone; the views and the floor are reported on their own lines
            views = statistics.median(out[2] for _, out in found)
            seconds = statistics.median(out[4] for _, out in found)  # Importer.run's own clock
        if name == "aggregate path":
            seconds = statistics.median(out[2] for _, out in found)  # its own clock, as the import's
        rates[name] = rows / seconds
        print(f"| {name} | {rows:,} | {events:,} | {seconds:.2f} | {rows / seconds:,.0f} | {events / seconds:,.0f} |")
    print(f"| lifecycle views caught up after it | | {events:,} | {views:.2f} | | {events / views:,.0f} |")
    floors = [out[3] for _, out in results["lifecycle"]]
    rows, events = floors[0][0], floors[0][1]
    seconds = statistics.median(f[2] for f in floors)
    rates["floor"] = rows / seconds
    print(
        f"| store floor: the same events, raw executemany | {rows:,} | {events:,} | {seconds:.2f} | "
        f"{rows / seconds:,.0f} | {events / seconds:,.0f} |"
    )
    print(
        f"\nlifecycle import / eventsourcing batched save: {rates['lifecycle'] / rates['eventsourcing']:.2f}x; "
        f"/ raw sqlite3 inserts: {rates['lifecycle'] / rates['raw']:.2f}x; "
        f"the store floor / raw sqlite3 inserts: {rates['floor'] / rates['raw']:.2f}x; "
        f"aggregate path / lifecycle import: {rates['aggregate path'] / rates['lifecycle']:.2f}x"
    )


if __name__ == "__main__":
    main()

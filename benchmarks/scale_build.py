"""Stores of N generated complaints for `benchmarks/scale.py`, built through the CFPB importer's entry point
(`import_files`, what `lifecycle import cfpb` runs), and the bulk-write comparison with eventsourcing."""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from benchmarks.cfpb_import import Row, steps
from benchmarks.scale_rows import END, Shape, write_chunks
from lifecycle import Lifecycle
from lifecycle.importers.cfpb.importer import ImportResult, import_files

BATCH = 2_000
"""The importer's batch size (its `on_batch` is told after each full batch) and the batched save's."""


def timed_import(app: Lifecycle, path: Path) -> tuple[ImportResult, float, int, float]:
    """Import one file: the result, the seconds to the last full batch written (the writes), the rows
    written by then, and the seconds of the whole run (the views catch up at its end)."""
    marks: list[tuple[float, int]] = []
    began = time.perf_counter()
    result = import_files(
        app, [path], as_of=END, on_batch=lambda r: marks.append((time.perf_counter() - began, r.rows))
    )
    total = time.perf_counter() - began
    written, rows = marks[-1] if marks else (total, result.rows)
    return result, written, rows, total


def build(db: str, shape: Shape, n: int, chunk: int, scratch: Path) -> dict[str, Any]:
    """A store of `n` generated complaints (a SQLite file, made anew, or an empty PostgreSQL schema): written as CSV
    files of `chunk` rows, each imported, then deleted. Returns the build's phases and counts, kept beside a
    SQLite file (DB.json) for --reuse."""
    sqlite = not db.startswith("postgresql")
    if sqlite:
        path = Path(db)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), info_path(path)):
            stale.unlink(missing_ok=True)
    drawn: Counter[str] = Counter()
    info: dict[str, Any] = {"complaints": n, "events": 0, "bad": 0, "warned": 0, "filed": 0}
    phases = {"generate": 0.0, "import": 0.0, "views": 0.0}
    app = Lifecycle(db)
    began = time.perf_counter()
    chunks = write_chunks(shape, n, scratch, chunk, drawn)
    while True:
        started = time.perf_counter()
        part = next(chunks, None)
        phases["generate"] += time.perf_counter() - started
        if part is None:
            break
        result, written, _, total = timed_import(app, part[0])
        part[0].unlink()
        phases["import"] += written
        phases["views"] += total - written
        info["events"] += result.events
        info["filed"] += result.filed
        info["bad"] += len(result.bad)
        info["warned"] += len(result.warnings)
        print(f"  {info['filed']:,} of {n:,} complaints, {time.perf_counter() - began:.0f} s", flush=True)
    app.close()
    info["phases"] = phases
    info["companies"] = len(drawn)
    info["businesses"] = choose(drawn)
    if sqlite:
        info_path(Path(db)).write_text(json.dumps(info, indent=1))
    return info


def info_path(db: Path) -> Path:
    return db.with_name(db.name + ".json")


def choose(drawn: Counter[str], count: int = 100) -> list[str]:
    """About `count` businesses of every size, the largest first: ranks spaced evenly on a log scale."""
    ranked = [name for name, _ in drawn.most_common()]
    if not ranked:
        return []
    picked: list[str] = []
    for i in range(count):
        rank = int(len(ranked) ** (i / max(1, count - 1))) - 1
        if ranked[min(rank, len(ranked) - 1)] not in picked:
            picked.append(ranked[min(rank, len(ranked) - 1)])
    return picked


def batched_save(db: Path, path: Path) -> tuple[int, float]:
    """eventsourcing's own `save(*aggregates)` per batch of plain aggregates, one per row of the file with as many
    events as the import records for it (as benchmarks/cfpb_import.py): rows and seconds."""
    app: Application[Any] = Application(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db), "SQLITE_LOCK_TIMEOUT": "30"}
    )
    rows = 0
    began = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        batch: list[Row] = []
        for fields in reader:
            record = dict(zip(header, fields, strict=True))
            aggregate = Row(record)
            for name, on in steps(record):
                aggregate.step(name, on)
            batch.append(aggregate)
            if len(batch) == BATCH:
                app.save(*batch)
                rows, batch = rows + len(batch), []
        if batch:
            app.save(*batch)
            rows += len(batch)
    seconds = time.perf_counter() - began
    app.close()
    return rows, seconds


def bulk_ratio(shape: Shape, sample: int, runs: int, scratch: Path) -> dict[str, Any]:
    """The import's write rate (to its last batch; its views apart) against eventsourcing's batched save of the
    same generated rows, each on a fresh SQLite file, runs interleaved; medians."""
    sample = max(BATCH, sample - sample % BATCH)
    path = next(write_chunks(shape, sample, scratch, sample, Counter()))[0]
    ours: list[float] = []
    views: list[float] = []
    theirs: list[float] = []
    for number in range(runs):
        db = scratch / f"sample-{number}.db"
        app = Lifecycle(str(db))
        _, written, rows, total = timed_import(app, path)
        app.close()
        ours.append(rows / written)
        views.append(total - written)
        es_rows, seconds = batched_save(scratch / f"es-{number}.db", path)
        theirs.append(es_rows / seconds)
        for leftover in scratch.glob("*.db*"):
            leftover.unlink()
    path.unlink()
    import_rate, es_rate = statistics.median(ours), statistics.median(theirs)
    return {
        "rows": sample,
        "runs": runs,
        "import_rows_s": import_rate,
        "views_s": statistics.median(views),
        "es_rows_s": es_rate,
        "ratio": import_rate / es_rate,
    }

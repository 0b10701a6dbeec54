"""What `benchmarks/scale.py` measures on one built store, through the CLI (each command a new process, its
wall time and peak memory) and the `Lifecycle` API (latencies in-process)."""

from __future__ import annotations

import json
import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.projection_rebuild import plain_read
from benchmarks.scale_rows import END
from lifecycle import Lifecycle

CLI = [
    sys.executable,
    "-c",
    "import atexit, re, sys; from pathlib import Path; from lifecycle.cli import main; sys.argv[0] = 'lifecycle'; "
    "atexit.register(lambda: print('VmHWM', re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text())[1], "
    "file=sys.stderr)); main()",
]
"""`lifecycle` in a child process that says its peak RSS (KiB) last on stderr: the kernel's high-water mark of its
own memory (wait4's ru_maxrss would count the pages of this process, which the child was forked from)."""
AS_OF = END.isoformat()
QUEUED = "2025-01-02"
"""When the complaints of the work queue are filed and sent: after the data's last day."""
FIRST_NUMBER = 10_000_001
"""The generator's first Complaint ID: the store's references are CFPB-10000001 onwards."""


def run(args: Sequence[str], db: str) -> tuple[float, float, str]:
    """`lifecycle ARGS --db DB` in a new process: wall seconds, its peak RSS in MB (its own VmHWM), and its stdout
    (discarded for `export` and whole reports). A failure stops the benchmark."""
    keep = not (args[0] == "export" or (args[0] == "report" and "--business" not in args))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, open(os.devnull, "wb") as sink:
        began = time.perf_counter()
        child = subprocess.Popen([*CLI, *args, "--db", db], stdout=out if keep else sink, stderr=err)
        status = child.wait()
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        told = err.read().decode()
        if status != 0:
            raise SystemExit(f"lifecycle {' '.join(args)} exited {status}: {told[-500:]}")
        peak = re.findall(r"^VmHWM (\d+)$", told, re.M)
        return seconds, int(peak[-1]) / 1024, out.read().decode()


def timed_runs(args: Sequence[str], db: str, runs: int) -> list[float]:
    """Wall seconds of `runs` runs of one command."""
    return [run(args, db)[0] for _ in range(runs)]


def latencies(call: Callable[[Any], object], samples: Sequence[Any]) -> tuple[float, float]:
    """Median and 99th percentile of `call(sample)` over the samples, in ms."""
    times = []
    for sample in samples:
        began = time.perf_counter()
        call(sample)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]


def on_disk(db: str) -> tuple[int, list[tuple[str, int]]]:
    """The store's bytes on disk and per table and index: a SQLite file (its WAL checkpointed first) by SQLite's
    dbstat, a PostgreSQL schema (`?schema=` in the URL) by its relations' sizes (tables with their TOAST)."""
    if db.startswith("postgresql"):
        base, _, schema = db.partition("?schema=")
        with psycopg.connect(base) as conn:
            rows = conn.execute(
                "SELECT c.relname, CASE c.relkind WHEN 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'i') ORDER BY 2 DESC",
                (schema,),
            ).fetchall()
        tables = [(str(n), int(b)) for n, b in rows]
        return sum(b for _, b in tables), tables
    path = Path(db)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        found = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return sum(f.stat().st_size for f in files if f.exists()), [(str(n), int(b)) for n, b in found]


WHOLE = {
    "report": ["report", "--as-of", AS_OF],
    "report_all": ["report", "--as-of", AS_OF, "--years", "all"],
    "export": ["export"],
}
"""Commands over the whole store, timed with their peak memory; --skip leaves any out (NaN in the report)."""


def measure(
    db: str, complaints: int, businesses: Sequence[str], lookups: int, cli_runs: int, skip: Sequence[str] = ()
) -> dict[str, Any]:
    """Every figure of one store; the store then holds the 100 complaints of the work queue (measured last)."""
    out: dict[str, Any] = {"complaints": complaints}
    began = time.perf_counter()
    app = Lifecycle(db)
    out["events"] = app.recorder.max_notification_id() or 0
    out["bytes"], out["tables"] = on_disk(db)
    out["read_seconds"] = plain_read(app)[1]
    for view, projector in app.projections.by_name().items():  # what `lifecycle rebuild --view X` runs
        started = time.perf_counter()
        projector.rebuild()
        out[f"rebuild_{view}_seconds"] = time.perf_counter() - started
    rng = random.Random(5)
    refs = [f"CFPB-{FIRST_NUMBER + rng.randrange(complaints)}" for _ in range(lookups)]
    out["history_ms"] = latencies(app.history, refs)
    out["history_cli_s"] = statistics.median(timed_runs(["history", refs[0]], db, cli_runs))
    out["business_ms"] = latencies(lambda b: app.report(business=b, as_of=AS_OF), businesses)
    out["business_cli_s"] = statistics.median(
        run(["report", "--business", b, "--as-of", AS_OF, "--json"], db)[0] for b in businesses[:cli_runs]
    )
    app.close()
    for name, args in WHOLE.items():
        out[f"{name}_s"], out[f"{name}_mb"], _ = (math.nan, math.nan, "") if name in skip else run(args, db)
    out.update(queue(db, businesses[0] if businesses else "Acme", cli_runs))
    out["measure_seconds"] = time.perf_counter() - began
    return out


def queue(db: str, business: str, runs: int, count: int = 100) -> dict[str, Any]:
    """The work queue with `count` deadlines pending: `count` complaints filed and sent to `business` (the
    imported ones have none pending: every row has a response), listed by `due` (CLI and in-process), then
    `lifecycle advance` to the moment the last of their response windows lapses."""
    app = Lifecycle(db)
    began = time.perf_counter()
    refs = [app.file(business, "Mortgage", QUEUED, profile="cfpb") for _ in range(count)]
    for ref in refs:
        app.record(ref, "sent", QUEUED)
    out: dict[str, Any] = {"file_ms": (time.perf_counter() - began) * 1000 / count}
    lapses = [d.lapses_at for ref in refs if (d := app.summary(ref).deadline) is not None]
    out["due_ms"] = latencies(lambda _: app.due(datetime.now(UTC), 1000), range(runs))[0]
    out["due_listed"] = len(app.due(max(lapses), 1000))
    app.close()
    out["due_s"] = statistics.median(timed_runs(["due"], db, runs))
    seconds, _, printed = run(["advance", "--to", max(lapses).isoformat(), "--json"], db)
    out.update(advance_s=seconds, advance_due=len(lapses), advance_recorded=json.loads(printed)["recorded"])
    return out

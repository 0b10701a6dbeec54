"""Projection rebuild throughput (events/s) beside a plain read of the notification log, same run.

python benchmarks/projection_rebuild.py [--complaints N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from benchmarks.generate import generate
from lifecycle import Lifecycle


def plain_read(app: Lifecycle, batch: int = 10_000) -> tuple[int, float]:
    """Read every notification in batches, as the projector does, and do nothing with it."""
    began, position, count = time.perf_counter(), 0, 0
    while notifications := app.recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False):
        position, count = notifications[-1].id, count + len(notifications)
    return count, time.perf_counter() - began


def timed(rebuild: Callable[[], object], runs: int = 3) -> float:
    """The median of `runs` full rebuilds, in seconds (this machine's timings vary by up to a third)."""
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        rebuild()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def measure(url: str, complaints: int) -> list[str]:
    app = Lifecycle(url)
    generate(app, complaints)
    reads = [plain_read(app) for _ in range(3)]
    count, read = reads[0][0], statistics.median(r[1] for r in reads)
    report = timed(app.projections.report.rebuild)
    deadlines = timed(app.projections.deadlines.rebuild)
    app.close()
    return [f"{count}", f"{count / read:,.0f}", f"{count / report:,.0f}", f"{count / deadlines:,.0f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=50_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(["SQLite file", *measure(str(Path(tmp) / "bench.db"), args.complaints)])
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        rows.append(["PostgreSQL", *measure(f"{args.postgres}?schema={schema}", args.complaints)])
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(f"{args.complaints} complaints along random simple paths; batches of 10,000 notifications;")
    print("each figure the median of 3 runs\n")
    print(
        "| store | events | plain read of the log, events/s | report rebuild, events/s "
        "| deadline index rebuild, events/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()

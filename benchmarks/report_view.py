"""The report view on an existing store: its rebuild, a business's report, and the whole report's time and memory.

python -m benchmarks.report_view --db STORE [--runs 3] [--businesses 20]

The store is one `benchmarks/generate.py` wrote (or any other). In one run: a plain read of the log, the report
view rebuilt `--runs` times (events/s, median; `--runs 0`: its first catch-up, on a store whose view was never
built or has another version's layout), `report --business B` for `--businesses` businesses in this process
(median ms), and `lifecycle report --json --years all` in a child process (seconds, peak RSS).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from lifecycle import Lifecycle

from .projection_rebuild import plain_read, timed

REPORT = (
    "import atexit, re, sys; from pathlib import Path; from lifecycle.cli import main; sys.argv[0] = 'lifecycle'; "
    "atexit.register(lambda: print(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text())[1], "
    "file=sys.stderr)); main()"
)
"""`lifecycle` in a child process that says its peak RSS (KiB) last on stderr: the kernel's high-water mark of
its own memory (`getrusage` would count the pages of the parent it was forked from)."""


def business_ms(app: Lifecycle, count: int) -> float:
    """The median time of a report of one business, over `count` businesses (each asked once)."""
    names = sorted({row[0] for row in app.tables.query("SELECT DISTINCT business FROM report_complaints")})
    step = max(1, len(names) // count)
    seconds = []
    for name in names[::step][:count]:
        began = time.perf_counter()
        app.report(name, "2026-01-01", None)
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds) * 1000


def whole_report(db: str) -> tuple[float, float]:
    """`lifecycle report --json --years all` in a child process: seconds, and its peak RSS in MiB."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", REPORT, "report", "--json", "--years", "all", "--as-of", "2026-01-01", "--db", db],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - began
    return seconds, int(done.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--businesses", type=int, default=20)
    args = parser.parse_args()
    app = Lifecycle(args.db)
    began = time.perf_counter()
    caught = app.projections.report.catch_up()  # a view never built, or of another layout: built from the start
    first = time.perf_counter() - began
    count, read = plain_read(app)
    rebuild = timed(app.projections.report.rebuild, args.runs) if args.runs else first
    if not args.runs and caught < count:
        raise SystemExit(f"--runs 0 times the first catch-up, but the view had taken in {count - caught} events")
    one = business_ms(app, args.businesses)
    app.close()
    seconds, peak = whole_report(args.db)
    print(f"| {count:,} | {count / read:,.0f} | {count / rebuild:,.0f} | {one:.1f} | {seconds:.1f} | {peak:,.0f} |")


if __name__ == "__main__":
    main()

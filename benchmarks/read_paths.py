"""Read paths on a large store: `export`'s wall time and peak memory, and `audit --status S --business B`.

    python benchmarks/read_paths.py --db big.db --status Unresolved

Each export runs in a child process (`lifecycle export --out FILE`, the file deleted after), whose peak resident
memory the kernel reports when it ends. The audit queries run in this process on a warm store: the median over
`--audits` businesses picked at random. Run from outside the checkout with PYTHONPATH=OTHER/CHECKOUT to measure
another version of the code the same way (the child inherits it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lifecycle
from lifecycle import Lifecycle

CLI = "import sys; from lifecycle.cli import main; sys.argv[0] = 'lifecycle'; main()"


def export(db: str, *flags: str) -> tuple[float, int, int]:
    """One `lifecycle export` in a child: seconds, peak resident memory in MB, bytes written."""
    with tempfile.TemporaryDirectory(dir=Path(db).parent) as folder:
        out = Path(folder) / "export.out"
        began = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", CLI, "export", "--db", db, "--out", str(out), *flags],
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"export failed: exit {os.waitstatus_to_exitcode(status)}")
        return seconds, usage.ru_maxrss // 1024, out.stat().st_size


def median_ms(app: Lifecycle, runs: list[dict[str, str]]) -> float:
    """The median wall time of `app.audit(limit=100, **filters)` over the runs, in milliseconds."""
    times = []
    for filters in runs:
        began = time.perf_counter()
        app.audit(limit=100, **filters)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--status", default="Unresolved")
    parser.add_argument("--audits", type=int, default=50)
    parser.add_argument("--exports", type=int, default=1, help="export runs (0: none)")
    parser.add_argument("--json", action="store_true", help="export --json instead of JSON lines")
    args = parser.parse_args()
    app = Lifecycle(args.db, create=False)
    app.projections.report.catch_up()
    complaints = app.tables.query("SELECT COUNT(*) FROM report_complaints")[0][0]
    events = app.recorder.max_notification_id() or 0
    names = sorted(r[0] for r in app.tables.query("SELECT DISTINCT business FROM report_complaints"))
    picked = random.Random(5).sample(names, min(args.audits, len(names)))
    app.audit(limit=100, status=args.status, business=picked[0])  # warm
    both = median_ms(app, [{"status": args.status, "business": b} for b in picked])
    alone = median_ms(app, [{"status": args.status}] * 5)
    app.close()
    print(f"{complaints:,} complaints, {events:,} events; code in {Path(lifecycle.__file__).parents[1]}")
    print("| figure | value |")
    print("| --- | ---: |")
    print(f"| `audit --status {args.status} --business B` ({len(picked)} businesses), median | {both:.2f} ms |")
    print(f"| `audit --status {args.status}` (5 runs), median | {alone:.2f} ms |")
    for _ in range(args.exports):
        seconds, peak, size = export(args.db, *(["--json"] if args.json else []))
        print(f"| `export{' --json' if args.json else ''}`: seconds, peak RSS, bytes | {seconds:.1f} s, {peak} MB, "
              f"{size:,} |")  # fmt: skip


if __name__ == "__main__":
    main()

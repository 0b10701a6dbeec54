"""The five CFPB exports: lifecycle's import, views and report against a DuckDB recount of the same files.

The recount reads the CSV files and counts complaints per company, company response, timely flag and
dispute: the figures the report publishes, without events, checks, deadlines or an audit trail. Each
round runs both (lifecycle first, then DuckDB), each lifecycle step a new process as a user runs it.

    pip install duckdb
    python -m benchmarks.cfpb_vs_duckdb [--runs 3] [FILES...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cfpb"
CLI = [sys.executable, "-c", "from lifecycle.cli import main; main()"]
RECOUNT = """
SELECT Company, "Company response", "Timely response?", "Consumer disputed?", count(*) AS complaints
FROM read_csv($files, union_by_name = true, all_varchar = true, header = true, null_padding = true)
GROUP BY ALL
"""


def timed(args: list[str]) -> float:
    """Seconds a lifecycle command takes as a new process (its output discarded; a failure stops the run)."""
    began = time.perf_counter()
    subprocess.run([*CLI, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def lifecycle_round(files: list[str], folder: Path) -> dict[str, float]:
    """Import (views caught up by the import), then the report of every year as JSON, on a fresh store."""
    db = str(folder / f"cfpb-{time.monotonic_ns()}.db")
    imported = timed(["import", "cfpb", *files, "--db", db])
    reported = timed(["report", "--json", "--years", "all", "--db", db])
    return {"import": imported, "report": reported, "total": imported + reported}


def duckdb_round(files: list[str]) -> tuple[float, int]:
    """Seconds for the recount, and how many complaints it counted."""
    began = time.perf_counter()
    rows = duckdb.connect().execute(RECOUNT, {"files": files}).fetchall()
    return time.perf_counter() - began, sum(int(r[-1]) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=sorted(str(p) for p in DATA.glob("*.csv")))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ours: list[dict[str, float]] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            ours.append(lifecycle_round(args.files, Path(tmp)))
            seconds, counted = duckdb_round(args.files)
            theirs.append(seconds)
    median = {k: statistics.median(r[k] for r in ours) for k in ("import", "report", "total")}
    recount = statistics.median(theirs)
    print(f"{len(args.files)} files, {counted:,} complaints; median of {args.runs} interleaved rounds\n")
    print("| what | seconds | / DuckDB recount |")
    print("| --- | ---: | ---: |")
    print(f"| `lifecycle import cfpb` (events, chain, views caught up) | {median['import']:.2f} | |")
    print(f"| `lifecycle report --json --years all` | {median['report']:.2f} | |")
    print(f"| lifecycle in all | {median['total']:.2f} | {median['total'] / recount:.1f}x |")
    print(f"| DuckDB recount of the CSV files | {recount:.2f} | 1.0x |")


if __name__ == "__main__":
    main()

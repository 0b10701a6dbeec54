"""History of one complaint and one filtered audit query on a large SQLite store; medians in ms.

    python -m benchmarks.audit_queries --db big.db --complaints 1000000
The store is generated (benchmarks/generate.py) when it holds fewer complaints than asked.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from benchmarks.generate import generate
from lifecycle import Lifecycle

T = TypeVar("T")


def median_ms(run: Callable[[T], object], samples: list[T]) -> float:
    """The median wall time of `run(sample)` over the samples, in milliseconds."""
    times = []
    for sample in samples:
        began = time.perf_counter()
        run(sample)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    args = parser.parse_args()
    app = Lifecycle(args.db)
    have = len(app.tables.query("SELECT 1 FROM report_complaints LIMIT 1"))
    if not have:
        began = time.perf_counter()
        events = generate(app, args.complaints)
        print(
            f"generated {args.complaints} complaints, {events} events in {time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )
    began = time.perf_counter()
    app.projections.report.catch_up()
    print(f"report view caught up in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    count = app.tables.query("SELECT COUNT(*) FROM report_complaints")[0][0]
    events = app.recorder.max_notification_id() or 0  # None: no events at all
    rng = random.Random(3)
    refs: list[str] = [f"G-{rng.randrange(count):07d}" for _ in range(1000)]
    history = median_ms(app.history, refs)
    as_of = median_ms(lambda ref: app.history(ref, as_of="2023-06-30"), refs[:300])
    businesses: list[str] = [f"Business {rng.randrange(500):04d}" for _ in range(100)]
    audit = median_ms(lambda b: app.audit(limit=50, business=b, event="rejected"), businesses)
    recent = median_ms(lambda _: app.audit(limit=50, actor="clock", since="2024-06-01"), list(range(100)))
    print(f"{count:,} complaints, {events:,} events in one SQLite file\n")
    print("| query | median |")
    print("| --- | ---: |")
    print(f"| `history REF` (1,000 random complaints) | {history:.2f} ms |")
    print(f"| `history REF --as-of 2023-06-30` (300 complaints) | {as_of:.2f} ms |")
    print(f"| `audit --business B --event rejected --limit 50` (100 businesses) | {audit:.2f} ms |")
    print(f"| `audit --actor clock --since 2024-06-01 --limit 50` (100 runs) | {recent:.2f} ms |")
    app.close()


if __name__ == "__main__":
    main()

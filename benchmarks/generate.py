"""Fill a store with complaints that each walk a random simple path of the rule table, in batched saves.

python benchmarks/generate.py --db bench.db --complaints 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from typing import Any

from lifecycle import BBB, Lifecycle
from lifecycle.domain.complaint import Complaint
from lifecycle.domain.rules import CLOCK, simple_paths

PATHS = simple_paths(BBB.rules)


def walk(rng: random.Random, number: int, businesses: int) -> Complaint:
    """One complaint filed in 2022-2025 and taken along a random path of the table."""
    filed = BBB.instant("2022-01-03") + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 3))
    complaint = Complaint.file(
        BBB,
        f"G-{number:07d}",
        f"Business {rng.randrange(businesses):04d}",
        rng.choice(BBB.complaint_types),
        filed,
        consumer=f"Consumer {number}",
        text=f"What went wrong for consumer {number}.",
    )
    for rule in rng.choice(PATHS):
        if BBB.rules.actors[rule.event] == CLOCK:
            assert complaint.deadline is not None
            complaint.advance(BBB, complaint.deadline.lapses_at)
            continue
        facts: dict[str, Any] = {"good_faith": not rule.guard.startswith("not ")} if rule.guard else {}
        at = complaint.last_at + timedelta(minutes=rng.randrange(1, 600))  # inside every window
        complaint.record(BBB, rule.event, at, "A reply of ordinary length, written by one side.", **facts)
    return complaint


def generate(app: Lifecycle, count: int, seed: int = 1, businesses: int = 500, batch: int = 1000) -> int:
    """Save `count` complaints in batches; returns the number of events written."""
    rng = random.Random(seed)
    events = 0
    for start in range(0, count, batch):
        complaints = [walk(rng, n, businesses) for n in range(start, min(count, start + batch))]
        events += sum(c.version for c in complaints)
        app.save(*complaints)
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = Lifecycle(args.db)
    began = time.perf_counter()
    events = generate(app, args.complaints, args.seed)
    seconds = time.perf_counter() - began
    print(f"{args.complaints} complaints, {events} events in {seconds:.1f} s", file=sys.stderr)
    app.close()


if __name__ == "__main__":
    main()

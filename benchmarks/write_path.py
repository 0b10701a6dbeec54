"""Write path: complaints taken through a full lifecycle per second, beside eventsourcing's own save.

Each complaint is filed, answered, rejected, answered again and accepted: five events, five
load-act-save commands through the Lifecycle API. The baseline is a plain eventsourcing aggregate
with five events of the same stored size, created and then loaded, changed and saved four times,
on the same store in the same run.

    python benchmarks/write_path.py [--complaints N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from lifecycle import Lifecycle
from lifecycle.stores.database import resolve

STEPS = ("responded", "rejected", "responded", "accepted")


class Plain(Aggregate):
    """A plain aggregate whose events carry a text of a given size."""

    @event("Started")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Noted")
    def note(self, text: str) -> None:
        self.text = text


class PlainApp(Application[uuid.UUID]):
    """eventsourcing's own application, on the same store."""

    name = "Plain"


def lifecycle_run(app: Lifecycle, count: int) -> float:
    """Seconds to take `count` complaints through five commands each."""
    start = app.profile("bbb").instant("2024-03-04")
    began = time.perf_counter()
    for number in range(count):
        ref = app.file("Example Retail", "Product Issues", start, reference=f"bench-{number}")
        for hour, name in enumerate(STEPS, start=1):
            app.record(ref, name, start + timedelta(hours=hour), "Some text of a typical length.")
    return time.perf_counter() - began


def plain_run(app: PlainApp, count: int, text: str) -> float:
    """Seconds for the same number of loads and saves of plain aggregates."""
    began = time.perf_counter()
    for _ in range(count):
        aggregate = Plain(text)
        app.save(aggregate)
        for _ in STEPS:
            loaded: Plain = app.repository.get(aggregate.id)
            loaded.note(text)
            app.save(loaded)
    return time.perf_counter() - began


def mean_event_size(app: Application[Any]) -> float:
    """The mean stored state size of the application's events, in bytes."""
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return statistics.mean(len(n.state) for n in notifications)


def measure(url: str, count: int, cleanup: Callable[[], None]) -> dict[str, float]:
    """Complaints/s and the baseline's aggregates/s on one store."""
    try:
        app = Lifecycle(url)
        seconds = lifecycle_run(app, count)
        size = mean_event_size(app)
        app.close()
        env = {k: v for k, v in resolve(url).env.items() if k != "APPLICATION_RECORDER_TOPIC"}
        plain = PlainApp(env=env)  # eventsourcing's own recorder, on the schema the Lifecycle above made
        probe = Plain("x")
        overhead = len(plain.mapper.to_stored_event(probe.collect_events()[0]).state) - 1
        baseline = plain_run(plain, count, "x" * max(1, int(size) - overhead))
        plain_size = mean_event_size(plain)
        plain.close()
    finally:
        cleanup()
    return {
        "complaints_per_s": count / seconds,
        "events_per_s": count * 5 / seconds,
        "plain_per_s": count / baseline,
        "event_bytes": size,
        "plain_event_bytes": plain_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite file", measure(str(Path(tmp) / "bench.db"), args.complaints, lambda: None)))
    schema = f"bench_{uuid.uuid4().hex[:8]}"

    def drop() -> None:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    rows.append(("PostgreSQL", measure(f"{args.postgres}?schema={schema}", args.complaints, drop)))
    print(f"{args.complaints} complaints, 5 events each (file, respond, reject, respond, accept)\n")
    print(
        "| store | complaints/s | events/s | plain aggregates/s (eventsourcing) | ratio | bytes/event (ours, plain) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, r in rows:
        print(
            f"| {name} | {r['complaints_per_s']:.0f} | {r['events_per_s']:.0f} | {r['plain_per_s']:.0f} | "
            f"{r['complaints_per_s'] / r['plain_per_s']:.2f} | {r['event_bytes']:.0f}, {r['plain_event_bytes']:.0f} |"
        )


if __name__ == "__main__":
    main()

"""Writers at once on one PostgreSQL store: events/s for N = 1, 2, 4, 8 writer processes, beside eventsourcing's own.

    python -m benchmarks.writers [--seconds S] [--writers 1,2,4,8] [--postgres URL] [--sample]

Each writer is a process of its own with its own `Lifecycle`, taking its own complaints through five
load-act-save commands (file, respond, reject, respond, accept: one event each) until the time is up.
Beside it, in the same run, the same number of processes run eventsourcing's bare `Application`
saving plain aggregates of the same stored size the same way (created, then loaded, changed and saved
four times), with eventsourcing's own PostgreSQL recorder. Each case gets a fresh schema. Events/s
count the events in the store after the writers stopped, over the seconds they ran.

Beside each figure: the CPU the writer processes used (cores busy, from their rusage), the whole
machine's busy cores over the run (/proc/stat, so the server and anything else running are in it) and,
with --sample, what the writers' server backends were waiting for, sampled every 20 ms from
pg_stat_activity (wait event, or `cpu` when running).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg

from benchmarks.write_path import Plain, PlainApp
from lifecycle import Lifecycle
from lifecycle.stores.database import resolve

STEPS = ("responded", "rejected", "responded", "accepted")
TEXT = "Some text of a typical length."
PLAIN_TEXT = "x" * 300
"""The plain aggregate's text: its stored events then weigh about as much as a complaint's."""
NAME = "lifecycle-writers-bench"
"""The application_name of the writers' connections, to find their backends in pg_stat_activity."""


def lifecycle_writer(url: str, worker: int, ready: Any, seconds: float) -> None:
    """Complaints through five commands each, for `seconds` once every writer is ready."""
    app = Lifecycle(url)
    start = app.profile("bbb").instant("2024-03-04")
    number = 0
    until = _start(ready, seconds)
    while time.monotonic() < until:
        ref = app.file("Example Retail", "Product Issues", start, reference=f"w{worker}-{number}")
        for hour, name in enumerate(STEPS, start=1):
            if time.monotonic() >= until:  # the window ends between commands too
                break
            app.record(ref, name, start + timedelta(hours=hour), TEXT)
        number += 1
    app.close()


def plain_writer(url: str, worker: int, ready: Any, seconds: float) -> None:
    """Plain aggregates created, then loaded, changed and saved four times each, for `seconds` once all are ready."""
    env = {k: v for k, v in resolve(url).env.items() if k != "APPLICATION_RECORDER_TOPIC"}
    app = PlainApp(env={**env, "CREATE_TABLE": "false"})
    until = _start(ready, seconds)
    while time.monotonic() < until:
        aggregate = Plain(PLAIN_TEXT)
        app.save(aggregate)
        for _ in STEPS:
            if time.monotonic() >= until:
                break
            loaded: Plain = app.repository.get(aggregate.id)
            loaded.note(PLAIN_TEXT)
            app.save(loaded)
    app.close()


def _start(ready: Any, seconds: float) -> float:
    """Wait until every writer (and the parent) is ready; the end of this writer's window."""
    ready.wait()
    return time.monotonic() + seconds


def _child(kind: str, url: str, worker: int, ready: Any, seconds: float) -> None:
    os.environ["PGAPPNAME"] = NAME
    (lifecycle_writer if kind == "lifecycle" else plain_writer)(url, worker, ready, seconds)


def busy_cores() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far."""
    with open("/proc/stat") as stat:
        fields = [float(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def sampler(base: str, writers: int, stop: threading.Event, waits: Counter[str]) -> None:
    """Count, every 20 ms, what the writers' backends are doing; per writer, the rest of the time is the client's."""
    with psycopg.connect(base, autocommit=True) as conn:
        while not stop.wait(0.02):
            waits["(samples)"] += writers
            for state, kind, name in conn.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name = %s", (NAME,)
            ):
                if state == "idle":
                    continue
                waits["server cpu" if kind is None else f"{kind}:{name}"] += 1


def shares(waits: Counter[str]) -> str:
    """What the writers' time went to, in shares of the samples."""
    total = waits.pop("(samples)", 0) or 1
    waits["client (no statement running)"] = max(0, total - sum(waits.values()))
    return ", ".join(f"{k} {v / total:.0%}" for k, v in waits.most_common(8))


def prepare(kind: str, url: str) -> None:
    """Make the store's tables before the writers start."""
    if kind == "lifecycle":
        Lifecycle(url).close()
    else:
        env = {k: v for k, v in resolve(url).env.items() if k != "APPLICATION_RECORDER_TOPIC"}
        with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{resolve(url).schema}"')
        PlainApp(env=env).close()


def count_events(base: str, schema: str, kind: str) -> int:
    table = "lifecycle_events" if kind == "lifecycle" else "plain_events"
    with psycopg.connect(base) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".{table}').fetchone()
    return int(row[0]) if row else 0


def run(base: str, kind: str, writers: int, seconds: float, sample: bool) -> dict[str, Any]:
    """One case: `writers` processes of `kind` for `seconds` on a fresh schema."""
    schema = f"writers_{uuid.uuid4().hex[:8]}"
    url = f"{base}?schema={schema}"
    prepare(kind, url)
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(writers + 1)  # the writers started and opened, and the parent
    processes = [context.Process(target=_child, args=(kind, url, w, ready, seconds)) for w in range(writers)]
    for process in processes:
        process.start()
    ready.wait()
    cpu_before, used_before = busy_cores(), resource.getrusage(resource.RUSAGE_CHILDREN)
    waits: Counter[str] = Counter()
    stop = threading.Event()
    thread = threading.Thread(target=sampler, args=(base, writers, stop, waits), daemon=True)
    if sample:
        thread.start()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a {kind} writer failed (exit {process.exitcode})")
    stop.set()
    if sample:
        thread.join()
    cpu_after, used_after = busy_cores(), resource.getrusage(resource.RUSAGE_CHILDREN)
    events = count_events(base, schema, kind)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    client = sum(getattr(used_after, f) - getattr(used_before, f) for f in ("ru_utime", "ru_stime"))
    busy = (cpu_after[0] - cpu_before[0]) / (cpu_after[1] - cpu_before[1]) * (os.cpu_count() or 1)
    return {"events": events, "per_s": events / seconds, "client": client / seconds, "busy": busy, "waits": waits}


def table(rows: dict[tuple[str, int], dict[str, Any]], seconds: float, show: Callable[[str], None]) -> None:
    show(f"PostgreSQL, each writer a process, {seconds:.0f} s per case, a fresh schema each\n")
    head = "| writers | lifecycle events/s | / 1 writer | eventsourcing events/s | / 1 writer | lifecycle / es "
    show(head + "| writers' CPU, cores (lifecycle, es) | machine busy, cores (lifecycle, es) |")
    show("| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    ones = {kind: rows[(kind, n)]["per_s"] for kind, n in rows if n == min(m for _, m in rows)}
    for n in sorted({n for _, n in rows}):
        ours, plain = rows[("lifecycle", n)], rows[("plain", n)]
        show(
            f"| {n} | {ours['per_s']:,.0f} | {ours['per_s'] / ones['lifecycle']:.2f} | {plain['per_s']:,.0f} | "
            f"{plain['per_s'] / ones['plain']:.2f} | {ours['per_s'] / plain['per_s']:.2f} | "
            f"{ours['client']:.2f}, {plain['client']:.2f} | {ours['busy']:.2f}, {plain['busy']:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--writers", default="1,2,4,8")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", choices=("lifecycle", "plain"), default=None)
    parser.add_argument("--sample", action="store_true", help="sample the backends' wait events")
    args = parser.parse_args()
    kinds = [args.only] if args.only else ["lifecycle", "plain"]
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for n in (int(x) for x in args.writers.split(",")):
        for kind in kinds:
            rows[(kind, n)] = run(args.postgres, kind, n, args.seconds, args.sample)
            r = rows[(kind, n)]
            line = f"{kind} x{n}: {r['events']} events, {r['per_s']:,.0f}/s, client {r['client']:.2f} cores, "
            print(line + f"machine {r['busy']:.2f} cores", flush=True)
            if args.sample:
                print("   writers' time: " + shares(r["waits"]))
    if not args.only:
        print()
        table(rows, args.seconds, print)


if __name__ == "__main__":
    main()

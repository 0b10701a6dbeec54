"""Scale: SQLite stores of 0.5M, 2M and 5M complaints shaped like the CFPB data, and what each costs.

    python -m benchmarks.scale [--sizes 500000,2000000,5000000] [--out FILE] [--dir DIR [--reuse]]

Each store is generated (benchmarks/scale_rows.py: rows shaped like the five real exports, ten years of
them in received order) and written through the CFPB importer (benchmarks/scale_build.py) in CSV files of
--chunk rows, each imported and deleted. Then, per store (benchmarks/scale_measure.py): bytes per event
(file and dbstat), a plain read of the log and a rebuild of each view (in-process: what `lifecycle
rebuild --view X` runs), `history` and `report --business` latencies in-process (median, p99) and as
whole CLI processes, the whole `report` (3 years and all years, as of the data's last day) and `export`
with each one's peak memory (of its own process), then a work queue: 100 complaints filed and sent (the
imported ones have no pending deadline), `due` listing them and `advance` past their response windows.
With --postgres, the sizes up to --postgres-max are built and measured there too. Before the stores:
the import's bulk write rate against eventsourcing's batched save, on a --sample of the same rows.
Prints a markdown report: a table per size, growth ratios against the smallest, a linear extrapolation
to 20M complaints. Without --dir the stores are made in a temporary folder and deleted when measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.scale_build import build, bulk_ratio, info_path
from benchmarks.scale_measure import AS_OF, WHOLE, measure
from benchmarks.scale_rows import Shape, shape

TARGET = 20_000_000
ROWS = (
    # (label, key, format, growth ratio: "rate" (events/s: higher is better) or "cost" or None)
    ("complaints", "complaints", "{:,.0f}", None),
    ("events", "events", "{:,.0f}", None),
    ("companies named", "companies", "{:,.0f}", None),
    ("store on disk, MB", "mb", "{:,.0f}", "cost"),
    ("bytes per event, all-in (store on disk / events)", "bytes_per_event", "{:,.0f}", "cost"),
    ("build: generate CSV, s", "generate_s", "{:,.1f}", "cost"),
    ("build: import writes, s (rows/s)", "import_s", "{}", "cost"),
    ("build: views caught up after each file, s", "views_s", "{:,.1f}", "cost"),
    ("plain read of the log, events/s", "read_rate", "{:,.0f}", "rate"),
    ("`rebuild --view report`, events/s", "report_rate", "{:,.0f}", "rate"),
    ("`rebuild --view deadlines`, events/s", "deadlines_rate", "{:,.0f}", "rate"),
    ("`history REF` in-process, median / p99 ms", "history_ms", "{}", "cost"),
    ("`history REF` CLI process, median s", "history_cli_s", "{:.2f}", "cost"),
    ("`report --business B` in-process, median / p99 ms", "business_ms", "{}", "cost"),
    ("`report --business B` CLI process, median s", "business_cli_s", "{:.2f}", "cost"),
    (f"`report --as-of {AS_OF}` (3 years), s", "report_s", "{:.1f}", "cost"),
    ("`report` (3 years) peak memory, MB", "report_mb", "{:,.0f}", "cost"),
    ("`report --years all`, s", "report_all_s", "{:.1f}", "cost"),
    ("`report --years all` peak memory, MB", "report_all_mb", "{:,.0f}", "cost"),
    ("`export` (every event, JSON lines, discarded), s", "export_s", "{:.1f}", "cost"),
    ("`export` peak memory, MB", "export_mb", "{:,.0f}", "cost"),
    ("100 complaints filed and sent (`app.file`, `app.record`), ms each", "file_ms", "{:.1f}", "cost"),
    ("`due` with them pending (CLI process, median), s", "due_s", "{:.2f}", "cost"),
    ("`app.due(now, 1000)` in-process, median ms (listed)", "due", "{}", "cost"),
    ("`advance` past their response windows (CLI process), s (due / recorded)", "advance", "{}", "cost"),
)


def derive(figures: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
    """The figures a table shows, from what was measured and what the build recorded."""
    events = figures["events"]
    phases = info["phases"]
    out = {**figures, "companies": info["companies"], "mb": figures["bytes"] / 1e6}
    out["bytes_per_event"] = figures["bytes"] / events
    out["generate_s"], out["views_s"] = phases["generate"], phases["views"]
    out["import_s"] = f"{phases['import']:,.1f} ({info['filed'] / phases['import']:,.0f})"
    out["import_seconds"] = phases["import"]
    out["import_rate"] = info["filed"] / phases["import"]
    out["read_rate"] = events / figures["read_seconds"]
    out["report_rate"] = events / figures["rebuild_report_seconds"]
    out["deadlines_rate"] = events / figures["rebuild_deadlines_seconds"]
    for key in ("history_ms", "business_ms"):
        out[key + "_median"] = figures[key][0]
        out[key] = f"{figures[key][0]:.2f} / {figures[key][1]:.2f}"
    out["due"] = f"{figures['due_ms']:.1f} ({figures['due_listed']})"
    out["advance"] = f"{figures['advance_s']:.2f} ({figures['advance_due']} / {figures['advance_recorded']})"
    return out


def table(found: dict[str, Any], info: dict[str, Any], store: str = "SQLite") -> list[str]:
    lines = [f"### {found['complaints']:,} complaints, {store}", "", "| figure | value |", "| --- | ---: |"]
    lines += [f"| {label} | {fmt.format(found[key])} |" for label, key, fmt, _ in ROWS]
    lines += ["", "| table or index | bytes | per event |", "| --- | ---: | ---: |"]
    lines += [f"| `{name}` | {size:,} | {size / found['events']:,.1f} |" for name, size in found["tables"][:14]]
    phases = info["phases"]
    when = " (reused: when it was built, not in this run)" if info.get("reused") else ""
    lines += ["", f"Build{when} {sum(phases.values()):,.0f} s, {info['bad']} rows refused, {info['warned']} flagged; "]
    lines[-1] += f"measured in {found['measure_seconds']:,.0f} s."
    return lines


GROWTH = (
    ("plain read of the log, events/s", "read_rate"),
    ("`rebuild --view report`, events/s", "report_rate"),
    ("`rebuild --view deadlines`, events/s", "deadlines_rate"),
    ("bytes per event", "bytes_per_event"),
    ("import writes, rows/s (of the builds)", "import_rate"),
    ("`history REF` median", "history_ms_median"),
    ("`report --business B` median", "business_ms_median"),
    ("whole `report` (3 years), s", "report_s"),
    ("`report` peak memory", "report_mb"),
    ("`report --years all` peak memory", "report_all_mb"),
    ("`export` peak memory", "export_mb"),
    ("`export`, s", "export_s"),
)


def growth(results: list[dict[str, Any]]) -> list[str]:
    """Each figure at every size over its value at the smallest."""
    base = results[0]
    heads = [f"{r['complaints'] / base['complaints']:g}x complaints" for r in results[1:]]
    lines = [f"| figure (ratio to {base['complaints']:,}) | " + " | ".join(heads) + " |"]
    lines.append("| --- |" + " ---: |" * len(heads))
    for label, key in GROWTH:
        cells = [f"{r[key] / base[key]:.2f}x" if base[key] else "n/a" for r in results[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def extrapolate(results: list[dict[str, Any]]) -> list[str]:
    """A line through the two largest sizes (through zero with one size), at TARGET complaints."""
    pair = results[-2:] if len(results) > 1 else [{k: 0 for k in results[0]}, results[-1]]

    def at(key: str) -> float:
        (x0, y0), (x1, y1) = ((r["complaints"], r[key]) for r in pair)
        return float(y1 + (y1 - y0) / (x1 - x0) * (TARGET - x1))

    events = at("events")
    rebuild = at("rebuild_report_seconds") + at("rebuild_deadlines_seconds")
    return [
        f"Linear extrapolation to {TARGET:,} complaints (a line through the "
        + ("two largest sizes" if len(results) > 1 else "largest size and zero")
        + f"): {events:,.0f} events, {at('bytes') / 1e9:,.1f} GB on disk, views rebuilt in "
        f"{rebuild / 60:,.1f} min (report {at('rebuild_report_seconds') / 60:,.1f}), the import's writes "
        f"{at('import_seconds') / 60:,.1f} min, `report` {at('report_s'):,.0f} s, `export` {at('export_s'):,.0f} s."
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500000,2000000,5000000", help="complaints per store, comma-separated")
    parser.add_argument("--dir", type=Path, help="keep the stores here (scale-N.db, with scale-N.db.json)")
    parser.add_argument("--reuse", action="store_true", help="measure a store of --dir already built for a size")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument("--chunk", type=int, default=250_000, help="rows per generated CSV file")
    parser.add_argument("--sample", type=int, default=50_000, help="rows of the bulk-write comparison")
    parser.add_argument("--ratio-runs", type=int, default=3, help="runs of the bulk-write comparison (0: none)")
    parser.add_argument("--lookups", type=int, default=1000, help="complaints whose history is read in-process")
    parser.add_argument("--cli-runs", type=int, default=5, help="CLI runs of history and report --business")
    parser.add_argument("--postgres", help="a PostgreSQL URL: also build and measure the sizes up to --postgres-max")
    parser.add_argument("--postgres-max", type=int, default=500_000)
    parser.add_argument("--skip", default="", help=f"leave out some of {', '.join(WHOLE)} (comma-separated)")
    parsed = parser.parse_args()
    if parsed.reuse and not parsed.dir:
        parser.error("--reuse needs --dir")
    parsed.sizes = sorted(int(s) for s in parsed.sizes.split(","))
    parsed.skip = [name for name in parsed.skip.split(",") if name]
    if unknown := set(parsed.skip) - set(WHOLE):
        parser.error(f"--skip: no {', '.join(sorted(unknown))} (known: {', '.join(WHOLE)})")
    return parsed


def sqlite_stores(args: argparse.Namespace, real: Shape, folder: Path, scratch: Path) -> list[str]:
    """Build (or reuse) and measure a SQLite store per size: the report's tables, growth and extrapolation."""
    results, lines = [], []
    for n in args.sizes:
        db = folder / f"scale-{n}.db"
        reused = args.reuse and db.exists() and info_path(db).exists()
        print(f"{'reusing' if reused else 'building'} {db}", file=sys.stderr, flush=True)
        info = json.loads(info_path(db).read_text()) if reused else build(str(db), real, n, args.chunk, scratch)
        info["reused"] = reused
        results.append(derive(measure(str(db), n, info["businesses"], args.lookups, args.cli_runs, args.skip), info))
        lines += [*table(results[-1], info), ""]
        if not args.dir:
            for leftover in folder.glob(f"scale-{n}.db*"):
                leftover.unlink()
    if len(results) > 1:
        lines += ["### Growth", "", *growth(results), ""]
    return [*lines, *extrapolate(results), ""]


def postgres_stores(args: argparse.Namespace, real: Shape, scratch: Path) -> list[str]:
    """The sizes up to --postgres-max built and measured in a fresh schema each, dropped after."""
    lines = []
    for n in (n for n in args.sizes if n <= args.postgres_max):
        schema = f"scale_{n}_{uuid.uuid4().hex[:8]}"
        url = f"{args.postgres}?schema={schema}"
        print(f"building {url}", file=sys.stderr, flush=True)
        try:
            info = build(url, real, n, args.chunk, scratch)
            found = derive(measure(url, n, info["businesses"], args.lookups, args.cli_runs, args.skip), info)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        lines += [*table(found, info, "PostgreSQL"), ""]
    return lines


def bulk_line(ratio: dict[str, Any]) -> str:
    return (
        f"Bulk writes, {ratio['rows']:,} generated rows, median of {ratio['runs']} interleaved runs, each on a "
        f"fresh SQLite file: the import writes {ratio['import_rows_s']:,.0f} rows/s (its views then "
        f"{ratio['views_s']:.1f} s), eventsourcing's batched `save(*aggregates)` of equally sized aggregates "
        f"{ratio['es_rows_s']:,.0f} rows/s: **{ratio['ratio']:.2f}x**."
    )


def main() -> None:
    args = arguments()
    began = time.perf_counter()
    real = shape()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="rows-", dir=folder))
    lines = ["## Scale (`python -m benchmarks.scale`)", "", real.describe(), ""]
    try:
        if args.ratio_runs:
            lines += [bulk_line(bulk_ratio(real, args.sample, args.ratio_runs, scratch)), ""]
        lines += sqlite_stores(args, real, folder, scratch)
        if args.postgres:
            lines += postgres_stores(args, real, scratch)
        lines.append(f"Whole run: {(time.perf_counter() - began) / 60:.1f} min.")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()

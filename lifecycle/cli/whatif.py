"""`lifecycle whatif`: every stored complaint re-run in memory under another profile; what would change."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import click

from ..application.whatif import Compared, Run, WhatIf, whatif
from ..domain.calendar import iso_utc
from .base import db_option, engine, exclusive, print_json

TOTALS = (
    ("compared", "complaints compared"),
    ("changed_outcome", "changed outcome"),
    ("became_late", "became late"),
    ("became_timely", "became timely"),
    ("undetermined", "undetermined"),
    ("refused", "refused"),
    ("skipped", "skipped"),
)
COLUMNS = ("status", "timely", "lapses", "days_late")
LABELS = {"status": "outcome", "timely": "response", "lapses": "lapses", "days_late": "days late"}


@click.command("whatif")
@click.option(
    "--profile",
    "profile_name",
    required=True,
    help="The profile to re-run under: a name, a configured variant such as cfpb:response=10, or a profile file.",
)
@click.option(
    "--as-of",
    "as_of",
    help="Run every clock, stored and re-run, to this date (its end) or ISO date-time; default: as far as "
    "each complaint's own clock ran (its last event, or the day its export knows it up to).",
)
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(min=0),
    help="At most this many changed complaints listed (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the changed complaints as CSV.")
@db_option
def whatif_command(profile_name: str, as_of: str | None, limit: int, as_json: bool, as_csv: bool, db: str) -> None:
    """Re-run every stored complaint under another profile, in memory, and report what would change.

    Each complaint of the same base profile (a cfpb store with --profile cfpb:response=10) is filed again
    with its filing's facts, its events but the clock's are recorded with their times, and the clock runs
    as far as the stored complaint's ran; complaints of another base profile are skipped. Compared, per
    complaint and in totals: the published outcome, whether the first response was timely, the lapses the
    clock recorded and the days late (from the response window's due day to the first response). The store
    is only read: nothing is recorded and no view is written.

    Partial times decide only when they fall wholly on one side of the new deadline: a response known only
    to have come by a moment after the new window lapsed (imported CFPB responses are recorded by the end of
    the 15-day window), or after a moment before it, is undetermined, never late. An event the new profile
    refuses is listed as refused. Text: the totals, then a line per changed complaint (--limit).

    \b
    Example:
      lifecycle whatif --profile cfpb:response=10 --json
    """
    exclusive(json=as_json, csv=as_csv)
    started = time.perf_counter()
    with engine(db) as app:
        result = whatif(app, profile_name, as_of)
    click.echo(f"re-ran {len(result.complaints):,} complaints in {time.perf_counter() - started:.1f} s", err=True)
    listed = [c for c in result.complaints if c.changed][: limit or None]
    if as_json:
        print_json(document(result, listed))
    elif as_csv:
        click.echo(csv_text(listed), nl=False)
    else:
        for line in lines(result, listed):
            click.echo(line)


def run_document(run: Run | None) -> dict[str, Any] | None:
    """One run's figures for JSON."""
    if run is None:
        return None
    return {
        "status": run.status,
        "timely": run.timely,
        "timeliness": run.timeliness,
        "lapses": run.lapses,
        "days_late": run.days_late,
    }


def document(result: WhatIf, listed: list[Compared]) -> dict[str, Any]:
    """What `whatif --json` prints: the profile, the totals and the changed complaints listed."""
    return {
        "profile": result.profile,
        "as_of": iso_utc(result.as_of) if result.as_of else None,
        "zone": getattr(result.as_of.tzinfo, "key", None) if result.as_of else None,
        "totals": result.totals(),
        "listed": len(listed),
        "complaints": [
            {
                "reference": c.reference,
                "business": c.business,
                "profile": c.profile,
                "before": run_document(c.before),
                "after": run_document(c.after),
                "refused": c.refused,
            }
            for c in listed
        ],
    }


def shown(run: Run, column: str) -> str:
    """One figure of a run as text ('-' for none)."""
    value = {"status": run.status, "timely": run.timeliness, "lapses": run.lapses, "days_late": run.days_late}[column]
    return "-" if value is None else str(value)


def lines(result: WhatIf, listed: list[Compared]) -> list[str]:
    """What `whatif` prints: the totals, then a line per changed complaint listed."""
    totals = result.totals()
    width = max(len(label) for _, label in TOTALS)
    out = [f"what if every complaint ran under {result.profile}"]
    out += [f"{label + ':':<{width + 1}} {totals[key]:>9,}" for key, label in TOTALS]
    if totals["changed"]:
        out.append(f"changed complaints: {totals['changed']:,} ({len(listed):,} listed)")
    for c in listed:
        if c.after is None:
            out.append(f"{c.reference}  refused: {c.refused}")
            continue
        figures = [f"{LABELS[name]} {shown(c.before, name)} -> {shown(c.after, name)}" for name in COLUMNS]
        out.append(f"{c.reference}  " + "; ".join(figures))
    return out


def csv_text(listed: list[Compared]) -> str:
    """What `whatif --csv` prints: a row per changed complaint listed, its figures before and after."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = [f"{name}_{side}" for name in COLUMNS for side in ("before", "after")]
    writer.writerow(["reference", "business", "profile", *header, "refused"])
    for c in listed:
        figures = [
            "" if run is None or shown(run, name) == "-" else shown(run, name)
            for name in COLUMNS
            for run in (c.before, c.after)
        ]
        writer.writerow([c.reference, c.business, c.profile, *figures, c.refused or ""])
    return buffer.getvalue()

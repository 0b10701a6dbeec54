"""The work queue: what is due or overdue, and the clock that records what lapsed."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from .base import COUNT, by_option, db_option, engine, exclusive, json_option, output
from .render.queue import advance_line, due_document, due_lines
from .render.times import utc


@click.command()
@click.option("--to", "to", required=True, help="Date (its start) or ISO date-time to advance the clock to.")
@click.option("--dry-run", is_flag=True, help="Show what would be recorded; record nothing.")
@json_option
@by_option
@db_option
def advance(to: str, dry_run: bool, as_json: bool, by: str | None, db: str) -> None:
    """Record every deadline that lapses up to a time, across the store; print what, per event.

    \b
    Example:
      lifecycle advance --to 2026-11-24 --dry-run
    """
    with engine(db, by=by) as app:
        moment = app.moment(to)
        counts = app.advance_by_kind(to, dry_run=dry_run)
        zone_name = app.profile(app.default_profile).timezone
    document = {
        "to": utc(moment),
        "zone": zone_name,
        "dry_run": dry_run,
        "recorded": 0 if dry_run else sum(counts.values()),
        "events": dict(sorted(counts.items())),
    }
    output(document, as_json, lambda d: [advance_line(d)])


@click.command()
@click.option("--until", help="Deadlines due by this date (its end) or ISO date-time; default: the end of today.")
@click.option("--overdue", "late_only", is_flag=True, help="Only what is late now: lapsed deadlines, flagged windows.")
@click.option("--business", help="Only this business (its name in any case and spacing).")
@click.option("--limit", type=COUNT, default=1000, show_default=True, help="At most this many of each list.")
@json_option
@db_option
def due(until: str | None, late_only: bool, business: str | None, limit: int, as_json: bool, db: str) -> None:
    """The work queue: complaints with their next deadline and how late they are, then those overdue on an
    expected window (flagged, still open).

    \b
    Examples:
      lifecycle due                      # due by the end of today
      lifecycle due --overdue --business "Acme Retail" --json
    """
    exclusive(overdue=late_only, until=until is not None)
    now = datetime.now(UTC)
    with engine(db) as app:
        default = app.profile(app.default_profile)
        today = app.moment(default.calendar.local_date(now), end=True)
        moment = now if late_only else app.moment(until, end=True) if until else today
        pending = [app.summary(reference) for reference in app.due(moment, limit, business)]
        late = app.overdue(now, limit, business)
        zones = {name: app.profile(name).timezone for name in {s.profile for s in pending} | {o.profile for o in late}}
    document = due_document(now, moment, pending, late, zones, default.timezone)
    output(document, as_json, due_lines)

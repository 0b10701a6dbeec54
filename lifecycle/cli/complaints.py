"""Commands on one complaint: file it, record an event, advance the clock, show it, read its history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from .base import db_option, engine, fail
from .render.complaint import due_document, due_lines, history_document, history_lines, show_document, show_lines


@click.command("file")
@click.option("--business", required=True, help="The business complained about.")
@click.option("--type", "complaint_type", required=True, help="A complaint type of the profile.")
@click.option("--at", required=True, help="Filing date or ISO date-time.")
@click.option("--ref", "reference", help="The reference (generated like C-000123 when not given).")
@click.option(
    "--profile",
    "--policy",
    "profile",
    default="bbb",
    show_default=True,
    help="The profile: a name (bbb, cfpb, fca-disp, asic-rg271) or a profile file.",
)
@click.option("--consumer", help="The consumer's name (personal data).")
@click.option("--text", help="The complaint's description (personal data).")
@db_option
def file_command(
    business: str,
    complaint_type: str,
    at: str,
    reference: str | None,
    profile: str,
    consumer: str | None,
    text: str | None,
    db: str,
) -> None:
    """File a complaint and print its reference."""
    with engine(db) as app:
        click.echo(app.file(business, complaint_type, at, reference, profile, consumer, text))


@click.command()
@click.argument("reference")
@click.argument("event")
@click.option("--at", required=True, help="Effective date or ISO date-time.")
@click.option("--text", help="Free text (personal data).")
@click.option("--good-faith/--no-good-faith", default=None, help="The staff finding, for 'reviewed'.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="For an extension event: the units it lengthens the window by.",
)
@db_option
def record(
    reference: str, event: str, at: str, text: str | None, good_faith: bool | None, days: int | None, db: str
) -> None:
    """Record EVENT (responded, rejected, accepted, reviewed, ...) on complaint REFERENCE."""
    facts: dict[str, Any] = {} if good_faith is None else {"good_faith": good_faith}
    if days is not None:
        facts["days"] = days
    with engine(db) as app:
        app.record(reference, event, at, text, **facts)
        click.echo(app.state(reference))


@click.command()
@click.option("--to", "to", required=True, help="Date or ISO date-time to advance the clock to.")
@db_option
def advance(to: str, db: str) -> None:
    """Record every deadline that lapses up to a time, across the store."""
    with engine(db) as app:
        click.echo(app.advance(to))


@click.command()
@click.argument("reference")
@click.option("--as-of", "as_of", help="Only what had happened by this date (its end) or ISO date-time.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--unredacted", is_flag=True, help="Show personal data instead of asterisks.")
@db_option
def history(reference: str, as_of: str | None, as_json: bool, unredacted: bool, db: str) -> None:
    """Every event of a complaint: effective and recorded time, actor, event, states, text."""
    with engine(db) as app:
        steps = app.history(reference, as_of)
        if not steps:
            fail(f"complaint {reference} was not yet filed at {as_of}")
        profile = app.profile(str(steps[0].facts["profile"]))
    document = history_document(reference, as_of, steps, profile.rules.status(steps[-1].state_after), unredacted)
    if as_json:
        click.echo(json.dumps(document, indent=2))
        return
    for line in history_lines(document):
        click.echo(line)


@click.command()
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
def show(reference: str, as_json: bool, db: str) -> None:
    """Show a complaint: state, published status, pending deadline and history."""
    with engine(db) as app:
        s = app.summary(reference)
        steps = app.history(reference)
    if as_json:
        click.echo(json.dumps(show_document(s, steps), indent=2))
        return
    for line in show_lines(s, steps):
        click.echo(line)


@click.command()
@click.option("--by", "by", help="Deadlines lapsing by this date (its end) or ISO date-time; default: now.")
@click.option("--limit", default=1000, show_default=True, help="At most this many of each list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
def due(by: str | None, limit: int, as_json: bool, db: str) -> None:
    """Complaints whose deadline lapses by a time, then those overdue on an expected window."""
    with engine(db) as app:
        moment = app.moment(by, end=True) if by else datetime.now(UTC)
        pending = [app.summary(reference) for reference in app.due(moment, limit)]
        late = app.overdue(moment, limit)
    document = due_document(moment, pending, late)
    if as_json:
        click.echo(json.dumps(document, indent=2))
        return
    for line in due_lines(document):
        click.echo(line)

"""Commands on one complaint: file it, record an event, show it, read its history."""

from __future__ import annotations

from typing import Any

import click

from ..application import Lifecycle
from .base import by_option, db_option, engine, fail, json_option, output, print_json
from .render.complaint import erased_document, history_document, history_lines, show_document, show_lines

PROFILE_HELP = "The profile: a name (bbb, cfpb, fca-disp, asic-rg271) or a profile file."


@click.command("file")
@click.option("--business", required=True, help="The business complained about.")
@click.option("--type", "complaint_type", required=True, help="A complaint type of the profile.")
@click.option("--at", required=True, help="Filing date or ISO date-time (in the profile's zone unless it says).")
@click.option("--ref", "reference", help="The reference (generated like C-000123 when not given).")
@click.option("--profile", "--policy", "profile", default="bbb", show_default=True, help=PROFILE_HELP)
@click.option("--consumer", help="The consumer's name (personal data).")
@click.option("--text", help="The complaint's description (personal data).")
@json_option
@by_option
@db_option
def file_command(
    business: str,
    complaint_type: str,
    at: str,
    reference: str | None,
    profile: str,
    consumer: str | None,
    text: str | None,
    as_json: bool,
    by: str | None,
    db: str,
) -> None:
    """File a complaint and print its reference (creates the store if there is none).

    \b
    Example:
      lifecycle file --business "Acme Retail" --type "Billing Issues" --at 2024-03-04
    """
    with engine(db, create=True, by=by) as app:
        ref = app.file(business, complaint_type, at, reference, profile, consumer, text)
        if as_json:
            print_json(shown(app, ref))
        else:
            click.echo(ref)


@click.command()
@click.argument("reference")
@click.argument("event")
@click.option("--at", required=True, help="Effective date or ISO date-time (in the profile's zone unless it says).")
@click.option("--text", help="Free text (personal data).")
@click.option("--good-faith/--no-good-faith", default=None, help="The staff finding, for 'reviewed'.")
@click.option("--days", type=click.IntRange(1, 3660), default=None, help="For an extension event: the units it adds.")
@json_option
@by_option
@db_option
def record(
    reference: str,
    event: str,
    at: str,
    text: str | None,
    good_faith: bool | None,
    days: int | None,
    as_json: bool,
    by: str | None,
    db: str,
) -> None:
    """Record EVENT (responded, rejected, accepted, reviewed, ...) on complaint REFERENCE; print its state.

    \b
    Example:
      lifecycle record C-000001 responded --at "2024-03-10T14:30"
    """
    facts: dict[str, Any] = {k: v for k, v in (("good_faith", good_faith), ("days", days)) if v is not None}
    with engine(db, by=by) as app:
        app.record(reference, event, at, text, **facts)
        if as_json:
            print_json(shown(app, reference))
        else:
            click.echo(app.state(reference))


@click.command()
@click.argument("reference")
@click.option("--as-of", "as_of", help="Only what had happened by this date (its end) or ISO date-time.")
@json_option
@click.option("--unredacted", is_flag=True, help="Show personal data instead of asterisks.")
@db_option
def history(reference: str, as_of: str | None, as_json: bool, unredacted: bool, db: str) -> None:
    """Every event of a complaint: when, who recorded it, the actor, the move between states, text.

    \b
    Example:
      lifecycle history C-000001 --as-of 2024-03-31 --json
    """
    with engine(db) as app:
        steps = app.history(reference, as_of)
        moment = app.moment(as_of, end=True) if as_of else None
        if not steps:
            fail(f"complaint {reference} was not yet filed at {as_of}")
        profile = app.profile(str(steps[0].facts["profile"]))
        erasure = app.erasure_of(reference)
    status = profile.rules.status(steps[-1].state_after)
    document = history_document(reference, moment, steps, status, unredacted, profile.timezone)
    document["erased"] = erased_document(erasure)
    output(document, as_json, history_lines)


@click.command()
@click.argument("reference")
@json_option
@db_option
def show(reference: str, as_json: bool, db: str) -> None:
    """Show a complaint: state, published status, pending deadline and how it was derived, history.

    \b
    Example:
      lifecycle show C-000001 --json
    """
    with engine(db) as app:
        document = shown(app, reference)
    output(document, as_json, show_lines)


def shown(app: Lifecycle, reference: str) -> dict[str, Any]:
    """The show document of a complaint."""
    summary = app.summary(reference)
    return show_document(summary, app.history(reference), app.profile(summary.profile).timezone)

"""Keeping a store: rebuild its views, verify its hash chain, erase personal data."""

from __future__ import annotations

import sys

import click

from ..application.erasing import Erased
from .base import PARTIAL, by_option, db_option, engine, fail, json_option, print_json


@click.command()
@click.option(
    "--view",
    type=click.Choice(["report", "deadlines", "chain", "all"]),
    default="all",
    show_default=True,
    help="Which view; 'all' leaves the hash chain alone (rebuilding it accepts the log as it is now).",
)
@json_option
@db_option
def rebuild(view: str, as_json: bool, db: str) -> None:
    """Recompute views from scratch from the notification log.

    \b
    Example:
      lifecycle rebuild --view report
    """
    counts: dict[str, int] = {}
    with engine(db) as app:
        total = app.recorder.max_notification_id() or 0
        for name, projector in app.projections.by_name().items():
            if view != name and (view != "all" or name == "chain"):
                continue
            with click.progressbar(length=total, label=f"rebuilding {name}", file=sys.stderr, show_pos=True) as bar:
                counts[name] = projector.rebuild(progress=bar.update)
            click.echo(f"{name}: {counts[name]} events", err=True)
    if as_json:
        print_json({"views": counts})


@click.command()
@json_option
@db_option
def verify(as_json: bool, db: str) -> None:
    """Recompute the hash chain over every recorded event; name the first broken link (exit 1 when broken).

    \b
    Example:
      lifecycle verify --db postgresql://lifecycle@db.example/complaints
    """
    with engine(db) as app:
        checked, broken = app.verify()
    if as_json:
        print_json({"links": checked, "intact": broken is None, "broken": broken})
    elif broken:
        click.echo(f"BROKEN after {checked} good links: {broken}", err=True)
    else:
        click.echo(f"{checked} links verified; the chain is intact")
    if broken:
        sys.exit(PARTIAL)


@click.command()
@click.option("--ref", "reference", help="Erase this complaint's personal data.")
@click.option("--consumer", help="Erase the personal data of every complaint of this consumer.")
@click.option("--yes", is_flag=True, help="Do not ask; required when not on a terminal.")
@json_option
@by_option
@db_option
def erase(reference: str | None, consumer: str | None, yes: bool, as_json: bool, by: str | None, db: str) -> None:
    """Make personal data unreadable everywhere by destroying its keys; the history stays verifiable.

    Lists the complaints whose names and texts will be destroyed, then asks (on a terminal) or needs --yes.
    An erasure certificate naming them (never the consumer) is recorded in the audit trail.

    \b
    Example:
      lifecycle erase --consumer "Jane Doe" --yes
    """
    with engine(db, by=by) as app:
        doomed = app.erasable(reference, consumer)
        named = ", ".join(doomed[:5]) + (f" and {len(doomed) - 5} more" if len(doomed) > 5 else "")
        if doomed and not yes and not sys.stdin.isatty():
            fail(f"erase destroys the personal data of {len(doomed)} complaint(s) ({named}) for good: add --yes")
        for ref in doomed:
            click.echo(f"will erase the personal data of {ref}", err=True)
        if (
            doomed
            and not yes
            and not click.confirm(f"Destroy the personal data of {len(doomed)} complaint(s)?", err=True)
        ):
            click.echo("nothing erased", err=True)
            return
        erased = app.erase_certified(reference, consumer) if doomed else Erased(None)
    for note in erased.notes:
        click.echo(f"warning: {note}", err=True)
    certificate = erased.certificate
    done = [] if certificate is None else certificate.references
    if as_json:
        print_json({"erased": len(done), "complaints": done, "certificate": certificate and certificate.id})
    elif certificate is None:
        click.echo(
            "nothing to erase: no personal data of " + (f"{reference} is left" if reference else "that consumer")
        )
    else:
        click.echo(f"erased the personal data of {len(done)} complaint(s); certificate {certificate.id}")

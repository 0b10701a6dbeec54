"""Keeping a store: rebuild its views, verify its hash chain, erase personal data."""

from __future__ import annotations

import sys

import click

from .base import db_option, engine


@click.command()
@click.option(
    "--view",
    type=click.Choice(["report", "deadlines", "chain", "all"]),
    default="all",
    show_default=True,
    help="Which view; 'all' leaves the hash chain alone (rebuilding it accepts the log as it is now).",
)
@db_option
def rebuild(view: str, db: str) -> None:
    """Recompute views from scratch from the notification log."""
    with engine(db) as app:
        total = app.recorder.max_notification_id() or 0
        projectors = app.projections.by_name()
        for name, projector in projectors.items():
            if view != name and (view != "all" or name == "chain"):
                continue
            with click.progressbar(length=total, label=f"rebuilding {name}", file=sys.stderr, show_pos=True) as bar:
                count = projector.rebuild(progress=bar.update)
            click.echo(f"{name}: {count} events", err=True)


@click.command()
@db_option
def verify(db: str) -> None:
    """Recompute the hash chain over every recorded event; name the first broken link."""
    with engine(db) as app:
        checked, broken = app.verify()
    if broken:
        click.echo(f"BROKEN after {checked} good links: {broken}", err=True)
        sys.exit(1)
    click.echo(f"{checked} links verified; the chain is intact")


@click.command()
@click.option("--ref", "reference", help="Erase this complaint's personal data.")
@click.option("--consumer", help="Erase the personal data of every complaint of this consumer.")
@db_option
def erase(reference: str | None, consumer: str | None, db: str) -> None:
    """Make personal data unreadable everywhere by destroying its keys; the history stays verifiable."""
    with engine(db) as app:
        count = app.erase(reference, consumer)
    click.echo(f"erased the personal data of {count} complaint(s)")

"""The erasure certificates of a store, and the check that every destroyed key has one."""

from __future__ import annotations

import sys

import click

from ..application.erasing import Certificate
from .base import PARTIAL, db_option, engine, json_option, print_json
from .render.times import utc


@click.command()
@json_option
@db_option
def erasures(as_json: bool, db: str) -> None:
    """List the erasure certificates: whose keys each destroyed, when, by whom; check every destroyed key has one.

    Exit 1 when a destroyed key has no certificate naming it (each such key named on stderr).

    \b
    Example:
      lifecycle erasures --json
    """
    with engine(db) as app:
        certificates, unproven = app.erasures(), app.unproven()
    if as_json:
        print_json({"certificates": [document(c) for c in certificates], "unproven": unproven})
    else:
        for c in certificates:
            click.echo(line(c))
        for problem in unproven:
            click.echo(f"unproven: {problem}", err=True)
        if not unproven:
            click.echo(f"{len(certificates)} certificate(s); every destroyed key is named by one")
    if unproven:
        sys.exit(PARTIAL)


def document(c: Certificate) -> dict[str, object]:
    """A certificate for output: nothing personal (ids, references, whether a consumer digest was cleared)."""
    return {
        "certificate": c.id,
        "at": utc(c.at),
        "by": c.by,
        "via": c.via,
        "scope": c.scope,
        "complaints": list(c.complaints),
    }


def line(c: Certificate) -> str:
    """A certificate as a line for people."""
    cleared = sum(1 for x in c.complaints if x["consumer_digest"])
    return (
        f"{utc(c.at)}  certificate {c.id}  by {c.by or '-'} via {c.via or '-'}  erased {', '.join(c.references)}"
        f"  ({cleared} consumer digest(s) cleared)"
    )

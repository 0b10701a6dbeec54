"""Keeping a store: rebuild its views, verify and anchor its hash chain, erase personal data."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from ..application.erasing import Erased
from .base import PARTIAL, by_option, db_option, engine, fail, json_option, print_json, writable


@click.command()
@click.option(
    "--view",
    type=click.Choice(["report", "deadlines", "all"]),
    default="all",
    show_default=True,
    help="Which view (the hash chain is not a view: only the write path links, and nothing re-links).",
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
        app.tables.writable()  # a read-only store: refused before any progress bar
        total = app.recorder.max_notification_id() or 0
        for name, projector in app.projections.by_name().items():
            if view not in (name, "all"):
                continue
            with click.progressbar(length=total, label=f"rebuilding {name}", file=sys.stderr, show_pos=True) as bar:
                counts[name] = projector.rebuild(progress=bar.update)
            click.echo(f"{name}: {counts[name]} events", err=True)
        app.tables.analyze(sum(counts.values()), total)  # the planner's statistics of the rebuilt tables
    if as_json:
        print_json({"views": counts})


ANCHOR_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.option("--anchor", "anchor_files", multiple=True, type=ANCHOR_FILE, help="An anchor the store must extend.")
@click.option("--public-key", type=ANCHOR_FILE, help="The Ed25519 public key (PEM) anchors must be signed with.")
@json_option
@db_option
def verify(anchor_files: tuple[Path, ...], public_key: Path | None, as_json: bool, db: str) -> None:
    """Recompute the hash chain, check anchors, views and keys; name the first bad position (exit 1 when bad).

    Links are recomputed from every stored event (keyed with $LIFECYCLE_CHAIN_KEY when the store's chain is);
    each --anchor (written earlier by `lifecycle anchor`) must still be found in the store: an edit, a forged
    or removed event, a truncation or a rewritten chain after an anchor is named by its position.

    \b
    Example:
      lifecycle verify --anchor anchors/2026-11-24.json --public-key anchor.pub
    """
    with engine(db) as app:
        verdict = app.verify(anchor_files, public_key)
    if as_json:
        print_json(asdict(verdict) | {"intact": verdict.intact})
    else:
        for note in verdict.notes:
            click.echo(f"note: {note}", err=True)
        if verdict.intact:
            held = f", {len(verdict.anchors_held)} anchor(s) hold" if anchor_files else ""
            keyed = "keyed chain" if verdict.key != "none" else "chain not keyed"
            click.echo(
                f"{verdict.links} links verified up to position {verdict.head} ({keyed}{held}); the store is intact"
            )
        else:
            where = "" if verdict.first_bad is None else f" at position {verdict.first_bad}"
            click.echo(f"BROKEN{where}: {verdict.findings[0]}", err=True)
            for more in verdict.findings[1:]:
                click.echo(f"  also {more}", err=True)
    if not verdict.intact:
        sys.exit(PARTIAL)


@click.command()
@click.option("--out", required=True, type=ANCHOR_FILE, help="The anchor file to write (keep it outside the store).")
@click.option("--sign-key", type=ANCHOR_FILE, help="An Ed25519 private key (PEM) to sign the anchor with.")
@json_option
@db_option
def anchor(out: Path, sign_key: Path | None, as_json: bool, db: str) -> None:
    """Verify the store, then write its chain head (and checkpoints) to a signed anchor file.

    Signed with --sign-key (Ed25519), else with $LIFECYCLE_CHAIN_KEY (HMAC), else unsigned. Keep anchors where
    the store's writers cannot change them; `lifecycle verify --anchor FILE` proves the store still extends them.

    \b
    Example:
      lifecycle anchor --out anchors/2026-11-24.json --sign-key anchor.pem
    """
    writable(out)
    with engine(db) as app:
        document = app.anchor(out, sign_key)
    if as_json:
        print_json({k: v for k, v in document.items() if k != "checkpoints"})
    else:
        signature = (document.get("signature") or {}).get("alg", "unsigned")
        click.echo(f"anchored position {document['position']} ({document['links']} links, {signature}) in {out}")


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

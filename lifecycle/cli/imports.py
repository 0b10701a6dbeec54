"""`lifecycle import`: complaints from the exports users already have."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..domain.errors import LifecycleError
from ..importers.cfpb.export import BadRow, FlaggedRow, parse_date
from ..importers.cfpb.importer import Importer, ImportResult, check
from .base import PARTIAL, by_option, db_option, engine, fail, print_json
from .render.imports import import_line


@click.group("import")
def import_group() -> None:
    """Import complaints from the exports users already have."""


@import_group.command("cfpb")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="The day the exports know the history up to (default: for each file, the newest day it shows).",
)
@click.option(
    "--profile",
    default="cfpb",
    show_default=True,
    help="The profile to import under: cfpb, a configured one (cfpb:response=10) or a file with the cfpb events.",
)
@by_option
@db_option
def import_cfpb(
    paths: tuple[Path, ...], as_json: bool, as_of: str | None, profile: str, by: str | None, db: str
) -> None:
    """Import CFPB complaint exports (every published layout); importing a file again records nothing new.

    Each file is a snapshot: its history is known up to its day (--as-of, or the newest day the file
    shows), and nothing is recorded past it. Rows imported with a quirk flagged (a sent day before the
    received day, a short row, an 'Untimely response' marked timely, a dispute the rules cannot take) are
    listed on stderr as FILE:LINE: warning: ...; rows that cannot be imported as FILE:LINE: reason.
    Exit 0 when every row imported (warnings or not), 1 when some were refused, 2 when a file is not an
    export at all, not text (a file neither UTF-8 nor cp1252) or the date is not one (then nothing is recorded),
    4 when other writers kept recording the same complaints through every retry (import again for the rest).
    Every event is recorded by --by, via this command line.

    \b
    Example:
      lifecycle import cfpb complaints.csv --by intake-robot --json
    """
    try:
        encodings = check(paths)
        day = parse_date(as_of) if as_of is not None else None
    except LifecycleError as error:
        fail(str(error))
    total = sum(path.stat().st_size for path in paths)
    with engine(db, create=True, by=by) as app:
        app.tables.writable()  # a read-only store: refused before the progress bar
        chosen = app.profile(app.use(profile))
        if day is not None:
            app.at(chosen, day)  # a plausible day, or refused before anything is recorded
        with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:

            def report_rate(progress: ImportResult) -> None:
                elapsed = time.perf_counter() - started
                if elapsed - shown[0] >= 1:  # a new label at most once a second (a line each when not a terminal)
                    shown[0] = elapsed
                    bar.label = f"importing {progress.rows:,} rows, {progress.rows / elapsed:,.0f} rows/s"

            started, shown = time.perf_counter(), [0.0]
            result = Importer(app, profile=chosen).run(
                list(paths), progress=bar.update, on_batch=report_rate, as_of=day, encodings=encodings
            )
    order = {str(path): number for number, path in enumerate(paths)}
    notes: list[BadRow | FlaggedRow] = [*result.bad, *result.warnings]
    for note in sorted(notes, key=lambda n: (order.get(n.path, 0), n.line)):
        click.echo(str(note), err=True)
    if as_json:
        print_json(result.as_dict())
    else:
        click.echo(import_line(result))
    sys.exit(PARTIAL if result.bad else 0)

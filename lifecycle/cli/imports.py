"""`lifecycle import`: complaints from the exports users already have."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ..domain.errors import LifecycleError
from ..importers.cfpb.importer import Importer, ImportResult, check
from .base import db_option, engine, fail
from .render.imports import import_line


@click.group("import")
def import_group() -> None:
    """Import complaints from the exports users already have."""


@import_group.command("cfpb")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@db_option
def import_cfpb(paths: tuple[Path, ...], as_json: bool, db: str) -> None:
    """Import CFPB complaint exports (every published layout); importing a file again records nothing new.

    Rows that cannot be read are listed on stderr as FILE:LINE: reason and counted; the others import.
    Exit 0 when every row imported, 1 when some were refused, 2 when a file is not an export at all."""
    try:
        check(paths)
    except LifecycleError as error:
        fail(str(error))
    total = sum(path.stat().st_size for path in paths)
    with engine(db) as app, click.progressbar(length=total, label="importing", file=sys.stderr) as bar:

        def report_rate(progress: ImportResult) -> None:
            elapsed = time.perf_counter() - started
            if elapsed - shown[0] >= 1:  # a new label at most once a second (each is a line when not a terminal)
                shown[0] = elapsed
                bar.label = f"importing {progress.rows:,} rows, {progress.rows / elapsed:,.0f} rows/s"

        started, shown = time.perf_counter(), [0.0]
        result = Importer(app).run(list(paths), progress=bar.update, on_batch=report_rate)
    for bad in result.bad:
        click.echo(str(bad), err=True)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(import_line(result))
    sys.exit(1 if result.bad else 0)

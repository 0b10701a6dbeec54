"""What every command shares: the --db option, one-line errors with exit 2, data to stdout or a file."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
import psycopg
from eventsourcing.persistence import PersistenceError

from ..application import Lifecycle
from ..domain.errors import LifecycleError

BAD_INPUT = 2
db_option = click.option(
    "--db",
    envvar="LIFECYCLE_DB",
    default="lifecycle.db",
    show_default=True,
    help="Database: a SQLite file, sqlite:///path, postgresql://... or memory://.",
)


def fail(message: str) -> NoReturn:
    """One line on stderr and exit 2: the input was bad."""
    click.echo(f"error: {message}", err=True)
    sys.exit(BAD_INPUT)


def emit(text: str, out: Path | None, note: str) -> None:
    """Data to stdout, or to `out` with a note on stderr."""
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(note, err=True)


@contextmanager
def engine(db: str) -> Iterator[Lifecycle]:
    """An application on `db`; bad input becomes a one-line error."""
    try:
        app = Lifecycle(db)
    except LifecycleError as error:
        fail(str(error))
    except Exception as error:  # the database cannot be reached or read
        fail(f"cannot open database {db}: {error}".splitlines()[0])
    try:
        yield app
    except LifecycleError as error:
        fail(str(error))
    except (sqlite3.Error, psycopg.Error, PersistenceError) as error:
        click.echo(f"error: database {db}: {error}".splitlines()[0], err=True)
        sys.exit(1)
    finally:
        app.close()

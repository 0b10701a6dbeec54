"""What every command shares: --db and --by, one-line errors with their exit codes, data to stdout or a file."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from eventsourcing.persistence import PersistenceError

from ..application import ConcurrentChange, Lifecycle
from ..domain.errors import LifecycleError
from ..domain.redaction import masked
from ..stores.database import resolve

PARTIAL, BAD_INPUT, FAILURE = 1, 2, 3
"""Exit codes besides 0: done in part, bad input (nothing recorded), the database or an internal failure."""
BUSY = 4
"""Exit code: other writers kept winning through every retry (or held a lock too long); run the command again."""
RUN_AGAIN = "nothing of the last step recorded; run the command again"
db_option = click.option(
    "--db",
    envvar="LIFECYCLE_DB",
    show_envvar=True,
    default="lifecycle.db",
    show_default=True,
    help="Database: a SQLite file, sqlite:///path, postgresql://... or memory://.",
)
by_option = click.option(
    "--by",
    "by",
    envvar="LIFECYCLE_USER",
    show_envvar=True,
    help="Who records the events (an operator or a system); default: the operating system's user.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (UTC times, the zone's name beside).")
COUNT = click.IntRange(1, 1_000_000)
"""A number of rows a command lists."""


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """One line on stderr, secrets masked, and exit `code` (2: the input was bad)."""
    click.echo(f"error: {masked(message).splitlines()[0] if message else 'failed'}", err=True)
    sys.exit(code)


def emit(text: str, out: Path | None, note: str) -> None:
    """Data to stdout, or to `out` with a note on stderr; a file that cannot be written is refused first."""
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8", newline="\n")
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    click.echo(note, err=True)


def writable(out: Path | None) -> None:
    """Refuse, before any work, an output file whose folder does not exist or that is a folder."""
    if out is not None and not out.parent.is_dir():
        fail(f"cannot write {out}: no folder {out.parent}")
    if out is not None and out.is_dir():
        fail(f"cannot write {out}: it is a folder")


def print_json(document: Any) -> None:
    """A JSON document on stdout, ending with a newline."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def output(document: dict[str, Any], as_json: bool, lines: Callable[[dict[str, Any]], list[str]]) -> None:
    """The document as JSON for machines, or as `lines` of it for people."""
    if as_json:
        print_json(document)
    else:
        click.echo("\n".join(lines(document)))


def exclusive(**flags: bool) -> None:
    """Refuse flags that cannot go together."""
    given = [f"--{name.replace('_', '-')}" for name, on in flags.items() if on]
    if len(given) > 1:
        fail(f"{' and '.join(given)} cannot go together: choose one")


NAMED = ("to", "at", "as_of", "until", "profile", "view", "dry_run")
"""The options a run's name keeps: times and choices, never free text (a --text or --consumer is personal)."""


def command_line() -> str:
    """The command that runs, as the clock's steps name it: `lifecycle advance --to 2026-11-24` (its arguments
    and the options in NAMED only: no --db, --by or personal text)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return "lifecycle"
    words = [ctx.command_path]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        named = isinstance(param, click.Argument) or param.name in NAMED
        if not named or value in (None, False, ()) or value == param.default:
            continue
        values = [str(v) for v in value] if isinstance(value, tuple) else [] if value is True else [str(value)]
        values = values if len(values) <= 2 else [*values[:2], f"(+{len(values) - 2} more)"]
        words += values if isinstance(param, click.Argument) else [param.opts[0], *values]
    return masked(" ".join(words))[:200]


PG_BUSY = frozenset({"LockNotAvailable", "DeadlockDetected", "SerializationFailure"})
"""psycopg's errors that mean another writer held on: busy, not broken."""


def locked(error: BaseException) -> bool:
    """True for a database that stayed busy: SQLite locked past its timeout, a PostgreSQL lock or serialisation
    that gave up (the error itself, or what eventsourcing wrapped)."""
    found: BaseException | None = error
    while found is not None:
        if isinstance(found, sqlite3.OperationalError) and ("locked" in str(found) or "busy" in str(found)):
            return True
        if type(found).__module__.startswith("psycopg") and type(found).__name__ in PG_BUSY:
            return True
        found = found.__cause__
    return False


def database_errors(*more: type[Exception]) -> tuple[type[Exception], ...]:
    """The errors a store raises (and `more`); psycopg's only once it is loaded (a SQLite store never imports it)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, PersistenceError, *more, *((psycopg.Error,) if psycopg is not None else ()))


@contextmanager
def engine(db: str, create: bool = False, by: str | None = None) -> Iterator[Lifecycle]:
    """An application on `db` (opened, not created, unless `create`); bad input becomes a one-line error (exit
    2), a database failure one line with exit 3, other writers winning through every retry exit 4 (busy)."""
    try:
        path = resolve(db).path if create else ""
        fresh = path if path and not Path(path).exists() else ""
        app = Lifecycle(db, by=by, create=create)
    except LifecycleError as error:
        fail(str(error))
    except database_errors(OSError) as error:  # cannot be reached or read
        if locked(error):
            fail(f"busy: database {db}: {error}; {RUN_AGAIN}", BUSY)
        fail(f"cannot open database {db}: {error}")
    app.run = command_line()
    app.tables.warn = lambda message: click.echo(f"warning: {message}", err=True)
    try:
        yield app
    except ConcurrentChange as error:
        fail(f"busy: {error}; run the command again", BUSY)
    except LifecycleError as error:
        empty = fresh and not app.recorder.max_notification_id()
        app.close()
        if empty:  # refused before anything was recorded: the store this command created goes too
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
        fail(str(error))
    except database_errors() as error:
        if locked(error):
            fail(f"busy: database {db}: {error}; {RUN_AGAIN}", BUSY)
        fail(f"database {db}: {error}", FAILURE)
    finally:
        app.close()

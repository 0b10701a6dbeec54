"""The tables beside the events (views, keys, sequences): one connection, transactions, `?` placeholders."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ..domain.errors import InvalidInput
from .compact import plain_text
from .database import Database
from .retry import attempts
from .schema import SchemaLock
from .stored import SQLITE_LOG

ANALYZE_AFTER = 1_000
"""Rows a bulk write adds before the planner's statistics are refreshed after it (see ViewStore.analyze)."""


class Cursor(Protocol):
    """What a view needs of a transaction: run a statement, read rows."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...


class ViewStore:
    """The tables of views beside the events; SQL is written with `?` placeholders."""

    def __init__(self, database: Database, create: bool = True) -> None:
        self.database, self.create = database, create
        self.dialect = "postgres" if database.kind == "postgres" else "sqlite"
        self.events_table = SQLITE_LOG if database.kind == "sqlite" else ""
        """eventsourcing's SQLite table of the notification log (its row ids are the notification ids)."""
        self._connection: Any = None
        self.read_only = database.read_only
        """Why the store is read-only ("" when writable): no DDL, no write; views are read as they are."""
        self.warn: Callable[[str], None] = _warn
        """Where a warning goes (the command line prints it on stderr); each is given once."""
        self.warned: set[str] = set()
        self.ddl = SchemaLock(database.kind == "postgres", database.schema)
        """Whether this process makes tables now (see schema.py); `creating` tells the places that make them."""

    def connection(self) -> Any:
        """One connection for this store, opened on first use."""
        if self._connection is None:
            self._connection = self._connect()
            if self.dialect == "postgres" and not self.read_only:
                self.read_only = postgres_read_only(self._connection, self.database.schema)
        return self._connection

    def writable(self) -> None:
        """Refuse, before anything is written, to record on a read-only store."""
        if self.read_only:
            where = self.database.path or self.database.shown or "memory://"
            raise ReadOnlyStore(f"the store {where} is read-only ({self.read_only}): nothing recorded")

    def warn_once(self, key: str, message: str) -> None:
        """A warning, given once per `key` in this process."""
        if key not in self.warned:
            self.warned.add(key)
            self.warn(message)

    def _connect(self) -> Any:
        if self.database.kind == "postgres":
            import psycopg

            pg = psycopg.connect(self.database.conninfo)
            self.ddl.prepare(pg)  # a table missing: wait for the process making them, or make them ourselves
            with pg.cursor() as cur:
                if self.create and self.ddl.creating:
                    cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.database.schema}"')
                cur.execute(f'SET search_path TO "{self.database.schema}"')
                # Views commit their rows and position together; a crash may lose the last commits of
                # both (never one without the other), and the next catch-up redoes them.
                cur.execute("SET synchronous_commit TO off")
            pg.commit()
            return pg
        path = ":memory:" if self.database.kind == "memory" else self.database.path
        if self.read_only and self.database.kind == "sqlite":  # SQLite's own read-only mode: binds root too
            path = self.database.env["SQLITE_DBNAME"]
        conn: Any = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False, uri=True)
        conn.create_function("lifecycle_json", 1, plain_text, deterministic=True)  # stored states as JSON text
        conn.execute("PRAGMA temp_store=MEMORY")  # batches of the log read in SQL are materialized in memory
        conn.execute("PRAGMA secure_delete=ON")  # what this connection frees (a destroyed key's bytes) is zeroed
        if path != ":memory:" and not self.read_only:
            wal(conn)
            # Views commit their rows and their position together; NORMAL keeps that atomic in WAL mode.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: view indexes stay in memory while they grow
            self.ddl.check_sqlite(conn)
        return conn

    @property
    def creating(self) -> bool:
        """True when this start makes tables: in memory always, on SQLite and PostgreSQL while a needed table is
        missing (see schema.py)."""
        return self.ddl.creating

    def creation(self) -> Any:
        """A context in which DDL runs under the schema's lock on PostgreSQL."""
        return self.ddl.creation(self.connection())

    def created(self) -> None:
        """Every table is made: let the next process in (on PostgreSQL, the schema lock is released)."""
        if self._connection is not None:
            self.ddl.release(self._connection)

    def has_events(self) -> bool:
        """True when the store's table of events exists (a command that only reads never creates it)."""
        if self.dialect == "postgres":
            found = self.query("SELECT to_regclass(?)", (f'"{self.database.schema}".lifecycle_events',))
        else:
            found = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (SQLITE_LOG,))
        return bool(found and found[0][0])

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Cursor]:
        """A write transaction: everything in it commits together or not at all (refused on a read-only store;
        `write=False`: a transaction that only reads)."""
        conn = self.connection()
        if write:
            self.writable()
        if self.dialect == "postgres":
            with conn.transaction(), conn.cursor() as cursor:
                yield _Placeholders(cursor)
            return
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")  # a read takes no write lock (WAL: never waits)
        try:
            yield _Placeholders(conn.cursor())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a read-only statement."""
        with self.transaction(write=False) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def analyze(self, written: int, total: int) -> bool:
        """After a bulk write of `written` rows into a store of `total` events: on PostgreSQL, when it grew the
        store by a tenth or more (and by ANALYZE_AFTER rows at least), refresh the planner's statistics of every
        table of the schema now, not whenever autovacuum does (if it runs at all); True when it did. SQLite's plans
        for the report were no faster with statistics (docs/performance.md): nothing runs there."""
        if self.dialect != "postgres" or written < ANALYZE_AFTER or written * 10 < total:
            return False
        with self.transaction() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = ?", (self.database.schema,))
            names = ", ".join(f'"{self.database.schema}"."{row[0]}"' for row in cursor.fetchall())
            cursor.execute(f"ANALYZE {names}")
        return True

    def close(self) -> None:
        """Close the connection, if open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self.ddl.held = False  # a session lock dies with its connection


def wal(conn: Any) -> None:
    """Put a SQLite file in WAL mode. Two processes doing it at once on a new file may be told "database is
    locked" at once, without SQLite's busy wait: try again after a pause (retry.py)."""
    lost: sqlite3.OperationalError | None = None
    for _ in attempts():
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            lost = error
    assert lost is not None
    raise lost


class ReadOnlyStore(InvalidInput):
    """A command that records, on a store opened read-only: refused before anything is written."""


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def postgres_read_only(connection: Any, schema: str) -> str:
    """Why a PostgreSQL store is read-only for this session ("" when it is not): a read-only transaction by
    default (a role's or database's setting, a standby), or no right to insert into its events."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('transaction_read_only'), pg_is_in_recovery(), "
            "CASE WHEN to_regclass(%s) IS NULL THEN true ELSE has_table_privilege(to_regclass(%s), 'INSERT') END",
            (f'"{schema}".lifecycle_events',) * 2,
        )
        setting, standby, insert = cur.fetchone()
    connection.commit()
    if setting == "on" or standby:
        return "a standby server" if standby else "default_transaction_read_only is on"
    return "" if insert else "this role cannot insert into its events"


class _Placeholders:
    """A cursor that turns `?` placeholders into the driver's own."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.postgres = not isinstance(cursor, sqlite3.Cursor)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.cursor.execute(sql.replace("?", "%s") if self.postgres else sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        return self.cursor.executemany(sql.replace("?", "%s") if self.postgres else sql, rows)

    def fetchall(self) -> list[Any]:
        return list(self.cursor.fetchall())

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    @property
    def rowcount(self) -> int:
        return int(self.cursor.rowcount)

"""The tables beside the events (views, keys, sequences): one connection, transactions, `?` placeholders."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from .database import Database
from .stored import SQLITE_LOG


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

    def connection(self) -> Any:
        """One connection for this store, opened on first use."""
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def _connect(self) -> Any:
        if self.database.kind == "postgres":
            import psycopg

            pg = psycopg.connect(self.database.conninfo)
            with pg.cursor() as cur:
                if self.create:
                    cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.database.schema}"')
                cur.execute(f'SET search_path TO "{self.database.schema}"')
                # Views commit their rows and position together; a crash may lose the last commits of
                # both (never one without the other), and the next catch-up redoes them.
                cur.execute("SET synchronous_commit TO off")
            pg.commit()
            return pg
        path = ":memory:" if self.database.kind == "memory" else self.database.path
        conn: Any = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA secure_delete=ON")  # what this connection frees (a destroyed key's bytes) is zeroed
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
            # Views commit their rows and their position together; NORMAL keeps that atomic in WAL mode.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: view indexes stay in memory while they grow
        return conn

    def has_events(self) -> bool:
        """True when the store's table of events exists (a command that only reads never creates it)."""
        if self.dialect == "postgres":
            found = self.query("SELECT to_regclass(?)", (f'"{self.database.schema}".lifecycle_events',))
        else:
            found = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (SQLITE_LOG,))
        return bool(found and found[0][0])

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A write transaction: everything in it commits together or not at all."""
        conn = self.connection()
        if self.dialect == "postgres":
            with conn.transaction(), conn.cursor() as cursor:
                yield _Placeholders(cursor)
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield _Placeholders(conn.cursor())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a read-only statement."""
        with self.transaction() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def close(self) -> None:
        """Close the connection, if open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


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

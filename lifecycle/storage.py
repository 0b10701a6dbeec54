"""Where events and views live: a database URL turned into eventsourcing settings and a view store."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlparse

from .domain.errors import InvalidInput

DEFAULT_DB = "lifecycle.db"
MEMORY = "memory://"


@dataclass(frozen=True)
class Database:
    """A parsed database URL: its kind (memory, sqlite, postgres) and how to reach it."""

    kind: str
    path: str = ""
    conninfo: str = ""
    schema: str = "public"
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def env(self) -> dict[str, str]:
        """The eventsourcing environment for this database."""
        return dict(self.settings)


def resolve(url: str | None = None) -> Database:
    """Parse `url` (default: $LIFECYCLE_DB, else ./lifecycle.db)."""
    url = url or os.environ.get("LIFECYCLE_DB") or DEFAULT_DB
    if url in (MEMORY, ":memory:", "memory"):
        return Database("memory", settings=(("PERSISTENCE_MODULE", "eventsourcing.popo"),))
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres(url)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if "://" in path:
        raise InvalidInput(f"unsupported database URL {url!r}: use a file path, sqlite:///, postgresql:// or memory://")
    return Database(
        "sqlite",
        path=str(Path(path)),
        settings=(
            ("PERSISTENCE_MODULE", "eventsourcing.sqlite"),
            ("SQLITE_DBNAME", str(Path(path))),
            ("SQLITE_LOCK_TIMEOUT", "30"),
        ),
    )


def _postgres(url: str) -> Database:
    parts = urlparse(url)
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise InvalidInput(f"invalid schema name {schema!r} in {url!r}")
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
    }
    conninfo = url.split("?", 1)[0]
    return Database("postgres", conninfo=conninfo, schema=schema, settings=tuple(settings.items()))


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

    def __init__(self, database: Database) -> None:
        self.database = database
        self.dialect = "postgres" if database.kind == "postgres" else "sqlite"
        self.events_table = "stored_events" if database.kind == "sqlite" else ""
        """eventsourcing's SQLite table of the notification log (rowid = notification id)."""
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
                cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.database.schema}"')
                cur.execute(f'SET search_path TO "{self.database.schema}"')
                # Views commit their rows and position together; a crash may lose the last commits of
                # both (never one without the other), and the next catch-up redoes them.
                cur.execute("SET synchronous_commit TO off")
            pg.commit()
            return pg
        path = ":memory:" if self.database.kind == "memory" else self.database.path
        conn: Any = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
            # Views commit their rows and their position together; NORMAL keeps that atomic in WAL mode.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: view indexes stay in memory while they grow
        return conn

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

    def __init__(self, cursor: Any, postgres: bool | None = None) -> None:
        self.cursor = cursor
        self.postgres = postgres if postgres is not None else not isinstance(cursor, sqlite3.Cursor)

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

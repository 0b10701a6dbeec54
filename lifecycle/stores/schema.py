"""Tables made once, whoever starts first: PostgreSQL DDL serialised by an advisory lock, skipped once made.

Commands that start together on a fresh PostgreSQL schema would otherwise race in the catalog
(`tuple concurrently updated`, a duplicate `pg_type` row). A start first asks, in one query, whether
the tables every start needs exist; when they do it runs no DDL and takes no lock. When one is
missing it takes a session advisory lock keyed by the schema, asks again (another process may have
made them meanwhile), and keeps the lock until every table is made. SQLite serialises DDL in its own
write transactions: there a start reads the file's catalog and runs its `CREATE ... IF NOT EXISTS` only
when a table is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .stored import SQLITE_LOG

NEEDED = (
    "lifecycle_events",
    "lifecycle_links",
    "lifecycle_chain_meta",
    "lifecycle_keys",
    "lifecycle_pepper",
    "lifecycle_sequences",
    "lifecycle_positions",
)
"""The tables every start needs; a view's own tables are known made by its row in lifecycle_positions."""
SQLITE_NEEDED = (SQLITE_LOG, *NEEDED[1:])
"""The same on SQLite, where eventsourcing's table of events has its own name."""
LOCK_SPACE = 0x6C636C65
"""The first key of the advisory lock (`lcle`); the second is the schema name's hash."""


class SchemaLock:
    """Whether this process makes tables now: in memory always; on SQLite when one is missing; on PostgreSQL only
    while it holds the schema's advisory lock."""

    def __init__(self, postgres: bool, schema: str) -> None:
        self.postgres, self.schema = postgres, schema
        self.held = False
        self.made = False
        """SQLite: every needed table exists (a start then runs no DDL and takes no write lock)."""

    @property
    def creating(self) -> bool:
        """True when DDL is to run: on PostgreSQL, under the lock; on SQLite, while a table is missing."""
        return (not self.postgres and not self.made) or self.held

    def check_sqlite(self, connection: Any) -> None:
        """On connecting to a SQLite file: do every needed table exist? (a read of its catalog)"""
        marks = ", ".join("?" for _ in SQLITE_NEEDED)
        found = connection.execute(
            f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", SQLITE_NEEDED
        ).fetchone()
        self.made = found[0] == len(SQLITE_NEEDED)

    def complete(self, connection: Any) -> bool:
        """True when the tables every start needs exist (one catalog query, no lock)."""
        marks = ", ".join("to_regclass(%s) IS NOT NULL" for _ in NEEDED)
        row = connection.execute(f"SELECT {marks}", [f'"{self.schema}".{t}' for t in NEEDED]).fetchone()
        connection.commit()
        return all(row)

    def prepare(self, connection: Any) -> None:
        """On connecting (before CREATE SCHEMA): take the lock when a needed table is missing, and keep it
        while one still is once the lock is ours."""
        if self.postgres and not self.complete(connection):
            self.acquire(connection)
            if self.complete(connection):  # made by the process that held the lock before us
                self.release(connection)

    def acquire(self, connection: Any) -> None:
        """Wait for the schema's lock (a session lock: it outlives transactions, and dies with the connection)."""
        connection.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (LOCK_SPACE, self.schema))
        connection.commit()
        self.held = True

    def release(self, connection: Any) -> None:
        """Let the next process make or check tables."""
        if self.held:
            connection.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (LOCK_SPACE, self.schema))
            connection.commit()
            self.held = False

    @contextmanager
    def creation(self, connection: Any) -> Iterator[None]:
        """DDL inside runs under the lock (taken here unless held already, and then released here)."""
        if not self.postgres or self.held:
            yield
            return
        self.acquire(connection)
        try:
            yield
        finally:
            self.release(connection)

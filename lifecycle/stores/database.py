"""Where events and views live: a database URL turned into eventsourcing settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from ..domain.errors import InvalidInput
from ..domain.redaction import SECRETS, masked

DEFAULT_DB = "lifecycle.db"
MEMORY = "memory://"
LINKED = "lifecycle.stores.linked"
"""eventsourcing's recorders that link every insert into the hash chain (stores/linked.py)."""


@dataclass(frozen=True)
class Database:
    """A parsed database URL: its kind (memory, sqlite, postgres) and how to reach it."""

    kind: str
    path: str = ""
    conninfo: str = field(default="", repr=False)
    schema: str = "public"
    settings: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    shown: str = ""
    """How messages name the database: its URL, the password masked."""

    @property
    def env(self) -> dict[str, str]:
        """The eventsourcing environment for this database."""
        return dict(self.settings)


def resolve(url: str | None = None) -> Database:
    """Parse `url` (default: $LIFECYCLE_DB, else ./lifecycle.db)."""
    url = url or os.environ.get("LIFECYCLE_DB") or DEFAULT_DB
    if "://" in url and "@" in url:  # a password given in any URL is masked in every message from now on
        password = url.split("://", 1)[1].rpartition("@")[0].partition(":")[2]
        SECRETS.update({password, unquote(password)} - {""})
    if url in (MEMORY, ":memory:", "memory"):
        return Database("memory", settings=(("PERSISTENCE_MODULE", f"{LINKED}:MemoryFactory"),))
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres(url)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if "://" in path:
        raise InvalidInput(
            f"unsupported database URL {masked(url)!r}: use a file path, sqlite:///, postgresql:// or memory://"
        )
    return Database(
        "sqlite",
        path=str(Path(path)),
        settings=(
            ("PERSISTENCE_MODULE", "eventsourcing.sqlite"),
            ("SQLITE_DBNAME", str(Path(path))),
            ("SQLITE_LOCK_TIMEOUT", "30"),
            ("APPLICATION_RECORDER_TOPIC", f"{LINKED}:LinkedSQLiteRecorder"),
        ),
    )


def _postgres(url: str) -> Database:
    try:
        parts = urlparse(url)
        port = parts.port
    except ValueError as error:
        raise InvalidInput(f"invalid database URL {masked(url)!r}: {error}") from None
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise InvalidInput(f"invalid schema name {schema!r} in {masked(url)!r}")
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "4",
        "APPLICATION_RECORDER_TOPIC": f"{LINKED}:LinkedPostgresRecorder",
    }
    keys = {"host": "HOST", "port": "PORT", "dbname": "DBNAME", "user": "USER", "password": "PASSWORD"}
    conninfo = " ".join(f"{key}={quoted(settings[f'POSTGRES_{name}'])}" for key, name in keys.items())
    shown = masked(url.split("?", 1)[0])
    return Database("postgres", conninfo=conninfo, schema=schema, settings=tuple(settings.items()), shown=shown)


def quoted(value: str) -> str:
    """A libpq connection value, quoted: never parsed again from a URL, so a password never lands in a host."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

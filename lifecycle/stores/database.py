"""Where events and views live: a database URL turned into eventsourcing settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

from ..domain.errors import InvalidInput
from ..domain.redaction import SECRETS, masked

DEFAULT_DB = "lifecycle.db"
MEMORY = "memory://"
LINKED = "lifecycle.stores.linked"
"""eventsourcing's recorders that link every insert into the hash chain (stores/linked.py; PostgreSQL's in
stores/linked_postgres.py)."""


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
    read_only: str = ""
    """Why the store is opened read-only (asked for, or a file or folder that cannot be written); "" when not."""

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
    asked = path.endswith(READ_ONLY_QUERY)
    path = path.removesuffix(READ_ONLY_QUERY)
    read_only = f"{READ_ONLY_QUERY} in its URL" if asked else asked_read_only() or unwritable(Path(path))
    name = read_only_uri(Path(path)) if read_only else str(Path(path))
    settings = (
        ("PERSISTENCE_MODULE", "eventsourcing.sqlite"),
        ("SQLITE_DBNAME", name),
        ("SQLITE_LOCK_TIMEOUT", "30"),
        ("APPLICATION_RECORDER_TOPIC", f"{LINKED}:LinkedSQLiteRecorder"),
    )
    return Database("sqlite", str(Path(path)), settings=settings, read_only=read_only)


READ_ONLY_QUERY = "?mode=ro"
"""What a SQLite path or URL ends with to open the store read-only (as SQLite's own URI parameter)."""


def asked_read_only() -> str:
    """Why LIFECYCLE_READ_ONLY asks for read-only ("" when it is unset, empty, 0, false, no or off)."""
    value = os.environ.get("LIFECYCLE_READ_ONLY", "").strip().lower()
    return "" if value in ("", "0", "false", "no", "off") else "LIFECYCLE_READ_ONLY is set"


def unwritable(path: Path) -> str:
    """Why an existing SQLite store cannot be written by this process ("" when it can, or does not exist)."""
    if not path.is_file():
        return ""
    if not os.access(path, os.W_OK):
        return f"{path} is not writable"
    folder = path.parent if str(path.parent) else Path(".")
    return "" if os.access(folder, os.W_OK) else f"its folder {folder} is not writable"


def read_only_uri(path: Path) -> str:
    """SQLite's URI for reading `path` without writing: mode=ro; immutable when no write-ahead log can be made
    or read beside it (a folder that cannot be written and no -wal file), so SQLite needs none."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    folder = path.absolute().parent
    if not os.access(folder, os.W_OK) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


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
        "APPLICATION_RECORDER_TOPIC": f"{LINKED}_postgres:LinkedPostgresRecorder",
    }
    keys = {"host": "HOST", "port": "PORT", "dbname": "DBNAME", "user": "USER", "password": "PASSWORD"}
    conninfo = " ".join(f"{key}={quoted(settings[f'POSTGRES_{name}'])}" for key, name in keys.items())
    shown = masked(url.split("?", 1)[0])
    read_only = "mode=ro in its URL" if parse_qs(parts.query).get("mode") == ["ro"] else asked_read_only()
    items = tuple(settings.items())
    return Database("postgres", conninfo=conninfo, schema=schema, settings=items, shown=shown, read_only=read_only)


def quoted(value: str) -> str:
    """A libpq connection value, quoted: never parsed again from a URL, so a password never lands in a host."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

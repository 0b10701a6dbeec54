"""Where events and views live: a database URL turned into eventsourcing settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from ..domain.errors import InvalidInput

DEFAULT_DB = "lifecycle.db"
MEMORY = "memory://"


@dataclass(frozen=True)
class Database:
    """A parsed database URL: its kind (memory, sqlite, postgres) and how to reach it."""

    kind: str
    path: str = ""
    conninfo: str = field(default="", repr=False)
    schema: str = "public"
    settings: tuple[tuple[str, str], ...] = field(default=(), repr=False)

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
        ),
    )


SECRETS: set[str] = set()
"""Passwords seen in database URLs: masked in every message (see `masked`)."""


def masked(text: str) -> str:
    """`text` with the password of any database URL it names replaced by ***."""
    for secret in SECRETS:
        if len(secret) >= 6:  # a shorter one would mask ordinary words; the URL pattern below still applies
            text = text.replace(secret, "***")
    return re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def _postgres(url: str) -> Database:
    parts = urlparse(url)
    for secret in {parts.password or "", unquote(parts.password or "")} - {""}:
        SECRETS.add(secret)
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise InvalidInput(f"invalid schema name {schema!r} in {masked(url)!r}")
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
